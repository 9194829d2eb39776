package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.magnet4j.convert.CheckpointException;
import org.magnet4j.convert.Checkpoints;
import org.magnet4j.convert.StoredTensor;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * The fpn and psp backbones against PyTorch (magnet/src/test/python/make_fpn_psp_refs.py): width-reduced
 * variants (ResNet base width 4, head widths / 16, 3 classes) loaded from the script's {@code .pth}
 * files, eval mode, against its float64 outputs; the same code paths as the full-width models, whose
 * layouts {@link FpnPspLayoutTest} checks.
 */
class FpnPspParityTest {
    static final String DIR = "fpnpsp/";

    static Path resource(String name) {
        URL url = FpnPspParityTest.class.getResource(DIR + name);
        if (url == null) throw new AssertionError("missing test resource " + DIR + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Tensor> pth(String name) {
        try {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, StoredTensor> e : Checkpoints.load(resource(name)).tensors().entrySet()) out.put(e.getKey(), e.getValue().toTensor());
            return out;
        } catch (CheckpointException e) {
            throw new AssertionError("cannot load " + name, e);
        }
    }

    static ResNetFPN fpn() {
        ResNetFPN m = new ResNetFPN(3, 4);
        LoadReport r = m.loadStateDict(pth("fpn_w4_c3.pth"), true);
        assertTrue(r.isClean(), r.toString());
        m.eval();
        return m;
    }

    static PSPNet psp() {
        PSPNet m = new PSPNet(3, 4);
        LoadReport r = m.loadStateDict(pth("psp_w4_c3.pth"), true);
        assertTrue(r.isClean(), r.toString());
        m.eval();
        return m;
    }

    private static Tensor run(Module m, Tensor x) {
        try (var g = GradMode.noGrad()) {
            return m.forward(x);
        }
    }

    /** float32 within max-abs 2e-3, rel-L2 1e-4, arg-max >= 99.99%; float64 within 1e-9. Leaves the model in float64. */
    private static void checkParity(String what, Module model, String size) {
        Tensor in = Fixtures.npy(resource("in_" + size + ".npy"));
        Tensor expected = Fixtures.npy(resource(what + "_out_" + size + ".npy"));
        model.to(DType.FLOAT32);
        Tensor out = run(model, in.to(DType.FLOAT32));
        assertArrayEquals(expected.shape(), out.shape(), what + " " + size + " output shape");
        Fixtures.Diff d = Fixtures.diff(out, expected);
        double agree = Fixtures.argmaxAgreement(out, expected);
        System.out.printf("%s %s float32 vs float64 reference: %s, arg-max agreement %.6f%n", what, size, d, agree);
        assertTrue(d.maxAbs() <= 2e-3 && d.relL2() <= 1e-4, what + " " + size + " float32: " + d + " (limits max-abs 2e-3, rel-L2 1e-4)");
        assertTrue(agree >= 0.9999, what + " " + size + " arg-max agreement " + agree);

        model.to(DType.FLOAT64);
        Fixtures.Diff d64 = Fixtures.diff(run(model, in.to(DType.FLOAT64)), expected);
        System.out.printf("%s %s float64 vs float64 reference: %s%n", what, size, d64);
        assertTrue(d64.maxAbs() <= 1e-9, what + " " + size + " float64: " + d64 + " (limit max-abs 1e-9)");
    }

    @Test void fpnMatchesPyTorch() {
        ResNetFPN m = fpn();
        checkParity("fpn", m, "64x64");
        checkParity("fpn", m, "67x45");
    }

    @Test void fpnMatchesPyTorchAt250x130() {
        checkParity("fpn", fpn(), "250x130");
    }

    /** The script's formula input: ((31h + 17w + 7c) mod 97) / 64 - 0.75 (exact in float32). */
    static Tensor formulaInput(int h, int w) {
        float[] v = new float[3 * h * w];
        for (int c = 0, i = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) v[i++] = (float) (((31 * y + 17 * x + 7 * c) % 97) / 64.0 - 0.75);
        return Tensor.fromArray(v, 1, 3, h, w);
    }

    /** 508x508 (the size the issue names), compared on the reference's [:, :, ::7, ::7] subsample. */
    private static void check508(String what, Module model) {
        Tensor in = formulaInput(508, 508);
        Tensor expected = Fixtures.npy(resource(what + "_out_508x508_s7.npy"));
        Tensor out = run(model, in).slice(2, 0, 508, 7).slice(3, 0, 508, 7);
        assertArrayEquals(expected.shape(), out.shape());
        Fixtures.Diff d = Fixtures.diff(out, expected);
        double agree = Fixtures.argmaxAgreement(out, expected);
        System.out.printf("%s 508x508 (every 7th pixel) float32 vs float64 reference: %s, arg-max agreement %.6f%n", what, d, agree);
        assertTrue(d.maxAbs() <= 2e-3 && d.relL2() <= 1e-4 && agree >= 0.9999, what + " 508x508: " + d + ", arg-max agreement " + agree);
    }

    @Test void bothMatchPyTorchAt508x508() {
        check508("fpn", fpn());
        check508("psp", psp());
    }

    @Test void pspMatchesPyTorch() {
        PSPNet m = psp();
        checkParity("psp", m, "64x64");
        checkParity("psp", m, "67x45");
    }

    @Test void pspHeadsCombineAsDocumented() {
        PSPNet m = psp();
        Tensor in = Fixtures.npy(resource("in_67x45.npy"));
        PSPNet.Outputs o;
        try (var g = GradMode.noGrad()) {
            o = m.forwardAll(in);
        }
        assertArrayEquals(new int[] {1, 3, 67, 45}, o.main().shape());
        assertArrayEquals(new int[] {1, 3, 67, 45}, o.aux().shape());
        Tensor combined = o.main().add(o.aux().mul(0.4)).div(1.4);
        assertEquals(0.0, Fixtures.diff(combined, o.output()).maxAbs());
    }

    @Test void foldedModelsKeepParity() {
        for (String what : List.of("fpn", "psp")) {
            Module m = what.equals("fpn") ? fpn() : psp();
            int pairs = BnFolding.setEnabled(m, true);
            // stem + 3 per bottleneck + one downsample per layer (+ 3 up blocks for psp)
            assertEquals(what.equals("fpn") ? 1 + 3 * 16 + 4 : 1 + 3 * 33 + 4 + 3, pairs, what + " conv + BN pairs");
            checkParity(what, m, "67x45");
        }
    }

    @Test void foldingMatchesUnfoldedInFloat64() {
        for (Module m : List.of((Module) fpn(), psp())) {
            m.to(DType.FLOAT64);
            Tensor in = Fixtures.npy(resource("in_64x64.npy")).to(DType.FLOAT64);
            Tensor plain = run(m, in);
            BnFolding.setEnabled(m, true);
            Tensor folded = run(m, in);
            Fixtures.Diff d = Fixtures.diff(folded, plain);
            System.out.println(m.getClass().getSimpleName() + " folded vs unfolded (float64): " + d);
            assertTrue(d.relL2() <= 1e-12, d.toString());
        }
    }

    @Test void batchItemsAreIndependent() {
        Tensor a = Fixtures.npy(resource("in_67x45.npy")).to(DType.FLOAT64);
        Tensor b = Tensor.randn(new SplittableRandom(5), 1, 3, 67, 45).to(DType.FLOAT64);
        Tensor both = Tensor.cat(List.of(a, b), 0);
        for (Module m : List.of((Module) fpn(), psp())) {
            m.to(DType.FLOAT64);
            Tensor out = run(m, both);
            assertArrayEquals(new int[] {2, 3, 67, 45}, out.shape());
            Fixtures.Diff da = Fixtures.diff(out.narrow(0, 0, 1), run(m, a)), db = Fixtures.diff(out.narrow(0, 1, 1), run(m, b));
            System.out.println(m.getClass().getSimpleName() + " batch 2 vs batch 1: item 0 " + da + ", item 1 " + db);
            assertTrue(da.maxAbs() <= 1e-12 && db.maxAbs() <= 1e-12, da + " / " + db);
        }
    }
}
