package org.magnet4j.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.magnet4j.magnet.models.BnFolding;
import org.magnet4j.magnet.models.ModelRegistry;
import org.magnet4j.magnet.run.Weights;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import org.magnet4j.tensor.io.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one backbone in eval mode on an N x 3 x H x W array and writes its output. */
@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a backbone in eval mode on an .npy batch (N x 3 x H x W) and write its logits (or probabilities) as .npy.")
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "fpn, psp, hrnet18+ocr, hrnet48+ocr") String model;
    @Option(names = "--num_classes", required = true) int numClasses;
    @Option(names = "--weights", required = true, description = "Checkpoint (.pth or .safetensors).") Path weights;
    @Option(names = "--input", required = true, description = "float32 or float64 .npy, N x 3 x H x W.") Path input;
    @Option(names = "--output", required = true, description = "Where to write the N x C x H x W result (.npy).") Path output;
    @Option(names = "--softmax", description = "Write class probabilities instead of logits.") boolean softmax;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N], opencl[:N] or auto (default ${DEFAULT-VALUE}).") String device;
    @Option(names = "--no_fold_bn", description = "Keep batch norms separate (the folded model gives the same numbers, faster).") boolean noFold;

    @Override public Integer call() throws IOException {
        Module m = ModelRegistry.create(model, numClasses);
        LoadReport r = Weights.load(m, weights, false);
        if (!r.missingKeys().isEmpty())
            throw new IllegalArgumentException(weights + " does not hold a " + model + " with " + numClasses + " classes: "
                    + r.missingKeys().size() + " of its tensors are missing, the first is '" + r.missingKeys().get(0) + "'");
        if (!r.unexpectedKeys().isEmpty()) System.err.println("ignored " + r.unexpectedKeys().size() + " extra entries, e.g. " + r.unexpectedKeys().get(0));
        m.eval();
        if (!noFold) BnFolding.foldForInference(m);
        Tensor x = Npy.readTensor(input);
        if (x.dim() != 4 || x.size(1) != 3)
            throw new IllegalArgumentException(input + ": expected an N x 3 x H x W array, got " + x.describe());
        if (!x.dtype().isFloating()) throw new IllegalArgumentException(input + ": expected float32 or float64, got " + x.dtype());
        DType dt = x.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        if (dt == DType.FLOAT64) m.to(DType.FLOAT64);
        org.magnet4j.tensor.Device dev = org.magnet4j.kernels.Devices.resolve(device);
        m.to(dev);
        try (var g = GradMode.noGrad()) {
            Tensor y = m.forward(x.to(dt).to(dev)).to(org.magnet4j.tensor.Device.CPU);
            if (softmax) y = y.softmax(1);
            Npy.write(output, y);
            System.out.println("wrote " + output + " " + y.describe());
        }
        return 0;
    }
}
