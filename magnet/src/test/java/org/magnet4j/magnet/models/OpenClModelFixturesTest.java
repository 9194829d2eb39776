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

    /**
     * One train-mode step of the refinement module on OpenCL against PyTorch, as {@link RefinementTrainStepTest}
     * checks it on the CPU: logits, OHEM loss, every parameter gradient (the backward passes of convolution, batch
     * norm, ReLU, interpolation and the loss through the op code the CUDA backend shares), and the SGD step.
     */
    @Test void refinementTrainStepMatchesReference() {
        Path dir = Fixtures.shared("reference/refinement");
        RefinementMagNet model = new RefinementMagNet(19, true);
        assertTrue(model.loadStateDict(TestCheckpoints.stateDict(Fixtures.shared("checkpoints/refinement_c19_512.pth")), true).isClean());
        model.train(true);
        model.to(CL);
        Tensor logits = model.forward(Fixtures.npy(dir.resolve("refine_train_coarse.npy")).to(CL), Fixtures.npy(dir.resolve("refine_train_fine.npy")).to(CL));
        Fixtures.Diff dl = Fixtures.diff(logits.to(Device.CPU), Fixtures.npy(dir.resolve("refine_train_logits.npy")));
        assertTrue(dl.relL2() <= 1e-4, "train-mode logits on OpenCL: " + dl);
        Tensor loss = new org.magnet4j.nn.loss.OhemCrossEntropyLoss(255, 0.7, 5000).forward(logits, Fixtures.npy(dir.resolve("refine_train_label.npy")).to(CL));
        double want = Fixtures.npy(dir.resolve("refine_train_loss.npy")).item(), got = loss.item();
        assertTrue(Math.abs(got - want) <= 1e-5 * Math.abs(want), "OHEM loss on OpenCL " + got + " vs PyTorch " + want);
        loss.backward();
        double worst = 0;
        String worstName = "";
        for (var e : model.namedParameters().entrySet()) {
            assertTrue(e.getValue().grad() != null, "no gradient for " + e.getKey());
            Fixtures.Diff d = Fixtures.diff(e.getValue().grad().to(Device.CPU), Fixtures.npy(dir.resolve("refine_train_grad." + e.getKey() + ".npy")));
            if (d.relL2() > worst) {
                worst = d.relL2();
                worstName = e.getKey();
            }
            assertTrue(d.relL2() <= RefinementTrainStepTest.GRAD_VS_FIXTURE, "gradient of " + e.getKey() + " on OpenCL: " + d);
        }
        new org.magnet4j.nn.optim.SGD(model.parameters(), 1e-3, 0.9, 5e-4).step();
        Fixtures.Diff dw = Fixtures.diff(model.stateDict().get("conv1.weight").to(Device.CPU), Fixtures.npy(dir.resolve("refine_train_step1.conv1.weight.npy")));
        System.out.printf("refinement train step on OpenCL: logits %s, loss %.8f vs %.8f, worst gradient rel-L2 %.3g (%s), conv1.weight after SGD %s%n",
                dl, got, want, worst, worstName, dw);
        assertTrue(dw.relL2() <= 1e-6, "conv1.weight after one SGD step on OpenCL: " + dw);
    }
}
