package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;

/**
 * The model fixtures on the OpenCL backend (PoCL in CI): the refinement module and HRNet18+OCR (batch 1)
 * meet the same bounds against the PyTorch references as on the CPU. Skipped, with the reason, where no
 * OpenCL platform exists.
 */
class OpenClModelFixturesTest {
    static final Device CL = Device.parse("opencl");

    @BeforeAll static void needOpenCl() {
        Assumptions.assumeTrue(Backends.isAvailable(CL), "no OpenCL platform here (install pocl-opencl-icd, ocl-icd-libopencl1, ocl-icd-opencl-dev; scripts/test does it when root)");
    }

    @Test void refinementEvalLogitsMatchReference() {
        Path dir = Fixtures.shared("reference/refinement");
        Tensor fine = Fixtures.npy(dir.resolve("refine_eval_fine.npy")).to(DType.FLOAT32);
        Tensor coarse = Fixtures.npy(dir.resolve("refine_eval_coarse.npy")).to(DType.FLOAT32);
        Tensor expected = Fixtures.npy(dir.resolve("refine_eval_logits.npy"));
        RefinementMagNet model = new RefinementMagNet(19, true);
        assertTrue(model.loadStateDict(TestCheckpoints.stateDict(Fixtures.shared("checkpoints/refinement_c19_1024.pth")), true).isClean());
        model.eval();
        model.to(CL);
        Tensor out;
        try (var g = GradMode.noGrad()) {
            out = model.forward(fine.to(CL), coarse.to(CL)).to(Device.CPU);
        }
        Fixtures.Diff d = Fixtures.diff(out, expected);
        System.out.println("refinement eval on OpenCL vs float64 reference: " + d);
        assertTrue(d.maxAbs() <= 2e-3 && d.relL2() <= 1e-4, "refinement on OpenCL: " + d + " (limits max-abs 2e-3, rel-L2 1e-4)");
    }

    @Tag("slow")
    @Test void hrnetBatchOfOneMatchesReference() {
        Path dir = Fixtures.shared("reference/hrnet18_ocr");
        Tensor input = Fixtures.npy(dir.resolve("hrnet18_ocr_input.npy")).narrow(0, 0, 1).contiguous();
        Tensor expected = Fixtures.npy(dir.resolve("hrnet18_ocr_output.npy")).narrow(0, 0, 1).contiguous();
        HRNetOCR model = HRNetOcrParityTest.loadHrnet18();
        model.to(CL);
        Tensor out;
        long t0 = System.nanoTime();
        try (var g = GradMode.noGrad()) {
            out = model.forward(input.to(CL)).to(Device.CPU);
        }
        Fixtures.Diff d = Fixtures.diff(out, expected);
        double agree = Fixtures.argmaxAgreement(out, expected);
        System.out.printf("hrnet18+ocr item 0 on OpenCL (%.1f s): %s, arg-max %.5f%%%n", (System.nanoTime() - t0) / 1e9, d, 100 * agree);
        assertTrue(d.maxAbs() <= HRNetOcrParityTest.MAX_ABS_OUTPUT && d.relL2() <= 1e-4 && agree >= 0.9999,
                "hrnet18+ocr on OpenCL: " + d + ", arg-max " + agree);
    }
}
