package org.magnet4j.magnet.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.run.MagNetModels;
import org.magnet4j.magnet.run.StagePredictions;
import org.magnet4j.tensor.Backends;
import org.magnet4j.tensor.Device;
import org.magnet4j.tensor.Tensor;

/**
 * The pipeline works where the backbone's output lives: on a GPU its softmax, crops, canvas, error map and pixel
 * replacement run there. Checked here on OpenCL (PoCL on the CPU: the kernels and the Java the CUDA backend shares),
 * with the networks on the CPU (fast) and their outputs moved to OpenCL, over the first three Cityscapes stages:
 * each stage's arg-max agrees with the reference as the all-CPU run does (>= 99.9%; measured 99.99814 / 99.99704 /
 * 99.97034 %, the CPU's figures, since the GPU kernels sum in double as the CPU's do; 99.96967 % at stage 2 before),
 * and the stage maps come back on the CPU.
 */
@Tag("slow")
class DeviceResidentPipelineTest {
    static final Device CL = Device.parse("opencl");

    @Test
    void firstThreeStagesOnOpenClAgreeWithTheReference() throws Exception {
        Assumptions.assumeTrue(Backends.isAvailable(CL), "no OpenCL platform here (scripts/test installs PoCL when root)");
        Path fx = CityscapesPipelineTest.fixtures();
        Path ref = fx.resolve("reference/pipeline_cityscapes");
        MagNetSettings full = MagNetSettings.cityscapes();
        MagNetSettings s = new MagNetSettings(full.scales().subList(0, 3), full.cropWidth(), full.cropHeight(), full.inputWidth(),
                full.inputHeight(), full.nPoints(), full.nPatches(), full.smoothKernel(), full.subBatchSize(), false, false);
        MagNetModels models = MagNetModels.load("hrnet18+ocr", 19, fx.resolve("checkpoints/hrnet18_ocr_c19.pth"),
                List.of(fx.resolve("checkpoints/refinement_c19_512.pth"), fx.resolve("checkpoints/refinement_c19_1024.pth")), 2, false, null);
        Function<Tensor, Tensor> backbone = x -> models.backbone().forward(x).to(CL);
        List<BiFunction<Tensor, Tensor, Tensor>> refiners = new ArrayList<>();
        for (var r : models.refiners()) refiners.add((fine, coarse) -> {
            assertEquals(CL, fine.device(), "the pipeline hands the refiner what the backbone left on the device");
            return r.forward(fine.to(Device.CPU), coarse.to(Device.CPU)).to(CL);
        });
        RgbImage img = ImageIo.readRgb(fx.resolve("images/frankfurt_000001_003056_leftImg8bit.png"));
        List<Tensor> stages = new ProgressiveInference(s, backbone, refiners, StageListener.NONE).run(new ImagePatchSource(img, s));
        assertEquals(3, stages.size());
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            assertTrue(stages.get(i).device().isCpu(), "stage maps are returned on the CPU");
            Scale sc = s.scales().get(i);
            double agreement = StagePredictions.agreement(stages.get(i), 2048, 1024, ref.resolve("argmax_" + sc.width() + "x" + sc.height() + ".npy"));
            report.append(String.format("stage %d %s on OpenCL: arg-max agreement %.5f%%%n", i, sc, 100 * agreement));
            assertTrue(agreement >= 0.999, report.toString());
        }
        System.out.print(report);
    }
}
