package org.magnet4j.tools;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.magnet4j.kernels.cpu.Parallel;
import org.magnet4j.nn.Init;
import org.magnet4j.nn.Parameter;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.nn.layers.ReLU;
import org.magnet4j.nn.layers.Sequential;
import org.magnet4j.tensor.GradMode;
import org.magnet4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A quick end-to-end check of the engine: a small conv net learns to segment bright squares. */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = "Train a tiny conv net on a synthetic segmentation task and report the loss.")
final class SmokeCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "60", description = "SGD steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Override public Integer call() {
        Init.manualSeed(7);
        SplittableRandom rng = new SplittableRandom(7);
        Sequential net = new Sequential(new Conv2d(1, 8, 3, 1, 1, false), new BatchNorm2d(8), new ReLU(), new Conv2d(8, 1, 1, 1, 0, true));
        List<Parameter> params = net.parameters();
        System.out.printf("engine smoke run: %d parameters, %d CPU threads%n", net.parameterCount(), Parallel.threads());
        long t0 = System.nanoTime();
        double first = 0, loss = 0;
        for (int step = 0; step < steps; step++) {
            Tensor[] batch = batch(rng);
            Tensor logits = net.forward(batch[0]);
            // binary cross entropy with logits: softplus(z) - y*z
            Tensor z = logits;
            Tensor l = z.relu().add(z.abs().neg().exp().add(1.0).log()).sub(z.mul(batch[1])).mean();
            net.zeroGrad();
            l.backward();
            try (var g = GradMode.noGrad()) {
                for (Parameter p : params) p.set(p.value().sub(p.grad().mul(0.5)));
            }
            loss = l.item();
            if (step == 0) first = loss;
            if (step % 10 == 0 || step == steps - 1) System.out.printf("step %3d  loss %.4f%n", step, loss);
        }
        System.out.printf("loss %.4f -> %.4f in %.2f s%n", first, loss, (System.nanoTime() - t0) / 1e9);
        return loss < first ? 0 : 1;
    }

    /** Images with one bright square on noise; the label marks the square. */
    private static Tensor[] batch(SplittableRandom rng) {
        int n = 4, h = 24, w = 24;
        float[] img = new float[n * h * w], lab = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            int y0 = rng.nextInt(h - 8), x0 = rng.nextInt(w - 8);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    boolean in = y >= y0 && y < y0 + 8 && x >= x0 && x < x0 + 8;
                    img[(i * h + y) * w + x] = (float) ((in ? 1.0 : 0.0) + 0.3 * rng.nextDouble());
                    lab[(i * h + y) * w + x] = in ? 1f : 0f;
                }
        }
        return new Tensor[] {Tensor.fromArray(img, n, 1, h, w), Tensor.fromArray(lab, n, 1, h, w)};
    }
}
