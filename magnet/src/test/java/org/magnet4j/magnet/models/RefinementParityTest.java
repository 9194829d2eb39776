package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/** Eval-mode refinement forward against PyTorch (weights refinement_c19_1024.pth, float64 reference logits). */
class RefinementParityTest {
    private static RefinementMagNet loaded() {
        RefinementMagNet model = new RefinementMagNet(19, true);
        assertTrue(model.loadStateDict(TestCheckpoints.stateDict(Fixtures.shared("checkpoints/refinement_c19_1024.pth")), true).isClean());
        model.eval();
        return model;
    }

    @Test void evalLogitsMatchReference() {
        Path dir = Fixtures.shared("reference/refinement");
        Tensor fine = Fixtures.npy(dir.resolve("refine_eval_fine.npy"));
        Tensor coarse = Fixtures.npy(dir.resolve("refine_eval_coarse.npy"));
        Tensor expected = Fixtures.npy(dir.resolve("refine_eval_logits.npy"));
        RefinementMagNet model = loaded();
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = model.forward(fine.to(DType.FLOAT32), coarse.to(DType.FLOAT32));
        }
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(out.shape()));
        Fixtures.Diff d = Fixtures.diff(out, expected);
        System.out.println("refinement eval float32 vs float64 reference: " + d);
        assertTrue(d.maxAbs() <= 2e-3 && d.relL2() <= 1e-4, "refinement eval logits: " + d + " (limits max-abs 2e-3, rel-L2 1e-4)");

        model.to(DType.FLOAT64);
        try (var g = GradMode.noGrad()) {
            out = model.forward(fine.to(DType.FLOAT64), coarse.to(DType.FLOAT64));
        }
        Fixtures.Diff d64 = Fixtures.diff(out, expected);
        System.out.println("refinement eval float64 vs float64 reference: " + d64);
        // the reference file stores the float64 result rounded to float32 (|logits| up to ~350: half an ulp is 1.5e-5)
        assertTrue(d64.maxAbs() <= 3e-5 && d64.relL2() <= 1e-7, "refinement eval logits in float64 (reference rounded to float32): " + d64);
    }

    @Test void foldedModelMatchesReference() {
        Path dir = Fixtures.shared("reference/refinement");
        Tensor fine = Fixtures.npy(dir.resolve("refine_eval_fine.npy")).to(DType.FLOAT32);
        Tensor coarse = Fixtures.npy(dir.resolve("refine_eval_coarse.npy")).to(DType.FLOAT32);
        Tensor expected = Fixtures.npy(dir.resolve("refine_eval_logits.npy"));
        RefinementMagNet model = BnFolding.foldForInference(loaded());
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = model.forward(fine, coarse);
        }
        Fixtures.Diff d = Fixtures.diff(out, expected);
        System.out.println("refinement folded float32 vs float64 reference: " + d);
        assertTrue(d.maxAbs() <= 2e-3 && d.relL2() <= 1e-4, "folded refinement eval logits: " + d + " (limits max-abs 2e-3, rel-L2 1e-4)");
    }

    @Test void foldedBatchNormMatchesUnfolded() {
        RefinementMagNet model = loaded();
        SplittableRandom rng = new SplittableRandom(7);
        Tensor fine = Tensor.rand(rng, 2, 19, 32, 48).softmax(1), coarse = Tensor.rand(rng, 2, 19, 32, 48).softmax(1);
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            model.to(dt);
            Tensor f = fine.to(dt), c = coarse.to(dt), plain, folded;
            try (var g = GradMode.noGrad()) {
                plain = model.forward(f, c);
                assertEquals(9, BnFolding.setEnabled(model, true), "conv1/bn1, conv2/bn2, 3 pairs per bottleneck, the downsample");
                folded = model.forward(f, c);
                BnFolding.setEnabled(model, false);
            }
            Fixtures.Diff d = Fixtures.diff(folded, plain);
            System.out.println("refinement folded vs unfolded (" + dt + "): " + d);
            double limit = dt == DType.FLOAT64 ? 1e-12 : 1e-5;
            assertTrue(d.relL2() <= limit, "folded vs unfolded in " + dt + ": " + d + " (limit rel-L2 " + limit + ")");
        }
        // train mode never folds: batch statistics are used either way
        BnFolding.setEnabled(model, true);
        model.train(true);
        Tensor trainFolded = model.forward(fine, coarse);
        BnFolding.setEnabled(model, false);
        Tensor trainPlain = model.forward(fine, coarse);
        assertEquals(0.0, Fixtures.diff(trainFolded, trainPlain).maxAbs(), "train mode ignores folding");
    }
}
