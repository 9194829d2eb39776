package org.magnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.optim.MultiStepLR;
import org.magnet4j.nn.optim.SGD;
import org.magnet4j.tensor.Tensor;

/** SGD and MultiStepLR state: PyTorch-style names, resume giving the same trajectory bit for bit. */
class OptimTest {
    static ReferenceTest.TwoParams model() {
        SplittableRandom rng = new SplittableRandom(21);
        return new ReferenceTest.TwoParams(Tensor.randn(rng, 2, 3), Tensor.randn(rng, 4));
    }

    static void grads(ReferenceTest.TwoParams m, int step) {
        SplittableRandom rng = new SplittableRandom(100 + step);
        m.a.value().setGrad(Tensor.randn(rng, 2, 3));
        m.b.value().setGrad(Tensor.randn(rng, 4));
    }

    @Test
    void stateDictUsesPyTorchNames() {
        ReferenceTest.TwoParams m = model();
        SGD opt = new SGD(m.parameters(), 1e-3, 0.9, 5e-4);
        assertEquals(List.of("param_groups.0.lr", "param_groups.0.momentum", "param_groups.0.dampening", "param_groups.0.weight_decay",
                "param_groups.0.nesterov", "param_groups.0.initial_lr", "param_groups.0.params"), List.copyOf(opt.stateDict().keySet()));
        grads(m, 0);
        opt.step();
        Map<String, Tensor> sd = opt.stateDict();
        assertEquals(List.of("state.0.momentum_buffer", "state.1.momentum_buffer"), List.copyOf(sd.keySet()).subList(0, 2));
        assertArrayEquals(new long[] {0, 1}, sd.get("param_groups.0.params").toLongArray());
        assertEquals(1e-3, sd.get("param_groups.0.lr").item());
    }

    @Test
    void resumingFromStateDictReproducesTheSameParametersBitForBit() {
        ReferenceTest.TwoParams straight = model();
        SGD o1 = new SGD(straight.parameters(), 1e-2, 0.9, 5e-4);
        MultiStepLR s1 = new MultiStepLR(o1, new int[] {1, 2}, 0.5);
        for (int step = 0; step < 4; step++) {
            grads(straight, step);
            o1.step();
            o1.zeroGrad();
            s1.step();
        }

        ReferenceTest.TwoParams first = model();
        SGD o2 = new SGD(first.parameters(), 1e-2, 0.9, 5e-4);
        MultiStepLR s2 = new MultiStepLR(o2, new int[] {1, 2}, 0.5);
        grads(first, 0);
        o2.step();
        s2.step();
        Map<String, Tensor> modelState = first.stateDict(), optState = o2.stateDict(), schedState = s2.stateDict();

        ReferenceTest.TwoParams resumed = new ReferenceTest.TwoParams(Tensor.zeros(2, 3), Tensor.zeros(4));
        resumed.loadStateDict(modelState, true);
        SGD o3 = new SGD(resumed.parameters(), 1e-2, 0.9, 5e-4);
        o3.loadStateDict(optState);
        MultiStepLR s3 = new MultiStepLR(o3, new int[] {1, 2}, 0.5);
        s3.loadStateDict(schedState);
        assertEquals(1, s3.lastEpoch());
        assertEquals(5e-3, o3.lr());
        for (int step = 1; step < 4; step++) {
            grads(resumed, step);
            o3.step();
            o3.zeroGrad();
            s3.step();
        }
        assertArrayEquals(straight.a.value().toFloatArray(), resumed.a.value().toFloatArray());
        assertArrayEquals(straight.b.value().toFloatArray(), resumed.b.value().toFloatArray());
        assertArrayEquals(o1.momentumBuffer(0).toFloatArray(), o3.momentumBuffer(0).toFloatArray());
        assertEquals(o1.lr(), o3.lr());
    }

    @Test
    void loadRejectsMismatchedState() {
        ReferenceTest.TwoParams m = model();
        SGD opt = new SGD(m.parameters(), 1e-3, 0.9, 0);
        grads(m, 0);
        opt.step();
        Map<String, Tensor> sd = new LinkedHashMap<>(opt.stateDict());
        sd.put("state.1.momentum_buffer", Tensor.zeros(5));
        StateDictException e = assertThrows(StateDictException.class, () -> new SGD(model().parameters(), 1e-3, 0.9, 0).loadStateDict(sd));
        assertTrue(e.getMessage().contains("state.1.momentum_buffer") && e.getMessage().contains("[5]") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(StateDictException.class, () -> new SGD(model().parameters(), 1e-3, 0.5, 0).loadStateDict(opt.stateDict()));
    }

    @Test
    void zeroGradAndParametersWithoutGradient() {
        ReferenceTest.TwoParams m = model();
        SGD opt = new SGD(m.parameters(), 0.1, 0.9, 0);
        float[] b0 = m.b.value().toFloatArray();
        m.a.value().setGrad(Tensor.ones(2, 3));
        opt.step();
        assertArrayEquals(b0, m.b.value().toFloatArray(), "a parameter without gradient is not updated");
        assertNull(opt.momentumBuffer(1));
        assertTrue(m.a.value().requiresGrad() && m.a.value().grad() == null, "an update gives a fresh leaf");
        m.a.value().setGrad(Tensor.ones(2, 3));
        opt.zeroGrad();
        assertNull(m.a.grad());
    }

    @Test
    void multiStepLrResumesAtAGivenEpoch() {
        ReferenceTest.TwoParams m = model();
        SGD opt = new SGD(m.parameters(), 0.01, 0.9, 0);
        MultiStepLR fresh = new MultiStepLR(opt, new int[] {9, 3, 6}, 0.1);
        for (int e = 0; e < 7; e++) fresh.step();
        double lr7 = opt.lr();
        SGD opt2 = new SGD(model().parameters(), 0.01, 0.9, 0);
        MultiStepLR resumed = new MultiStepLR(opt2, new int[] {3, 6, 9}, 0.1, 7);
        assertEquals(lr7, opt2.lr());
        assertEquals(7, resumed.lastEpoch());
        assertEquals(0.01 * 0.1 * 0.1, lr7, 1e-18);
    }
}
