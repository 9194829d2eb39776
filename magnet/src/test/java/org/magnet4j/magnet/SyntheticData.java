package org.magnet4j.magnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.magnet4j.magnet.data.GrayImage;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.pipeline.MagNetSettings;
import org.magnet4j.magnet.pipeline.Scale;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.Conv2d;
import org.magnet4j.tensor.Tensor;

/**
 * A tiny synthetic segmentation dataset whose predictions are known exactly, written to a folder in the
 * Cityscapes layout ({@code leftImg8bit/.../*_leftImg8bit.png} + {@code gtFine/.../*_gtFine_labelIds.png}) or the
 * DeepGlobe layout ({@code *_sat.png} + RGB {@code *_mask.png}), with a datalist.
 *
 * <p>Images are 128x64, black, with a red vertical stripe (x in [x0, x1), multiples of 4) and two red 2x2 dots at
 * x = 4k+2, y = 4m+2. The {@link #backbone} predicts the "red" class where R > 128 and the "black" class
 * elsewhere. With scales 32-16, 64-32, 128-64 (crop = input = 32x16):
 * <ul>
 * <li>stage 0 sees the image shrunk 4x (OpenCV's linear resize): the stripe stays exactly (its edges are multiples
 * of 4), the dots blend to R = 64 and vanish; upsampling the probabilities 4x back keeps the stripe's edges. So the
 * coarse prediction is exactly the stripe;</li>
 * <li>the last stage sees the image at full size: a refinement that returns the fine prediction and
 * {@code n_points = 1.0} (every pixel replaced) make the refined prediction exactly the red mask.</li>
 * </ul>
 * Labels: red pixels "red", black pixels "black", except a mislabelled band x in [96, 104) (label "red", image black)
 * and the top four rows (Cityscapes: id 0, ignored; DeepGlobe: class 0, unknown).
 */
public final class SyntheticData {
    public static final int W = 128, H = 64;
    /** Stripe x ranges of the images, [x0, x1) each. */
    public static final int[][] STRIPES = {{64, 96}, {16, 40}, {40, 64}, {8, 24}, {72, 88}, {104, 120}, {0, 16}, {52, 96}};
    /** Dot top-left corners (x, y). */
    public static final int[][] DOTS = {{18, 42}, {46, 10}};

    private SyntheticData() {}

    public static boolean red(int img, int x, int y) { return stripe(img, x) || dot(x, y); }

    public static boolean stripe(int img, int x) { return x >= STRIPES[img][0] && x < STRIPES[img][1]; }

    static boolean dot(int x, int y) {
        for (int[] d : DOTS) if (x >= d[0] && x < d[0] + 2 && y >= d[1] && y < d[1] + 2) return true;
        return false;
    }

    public static boolean ignoredRow(int y) { return y < 4; }

    public static boolean labelRed(int img, int x, int y) { return red(img, x, y) || (x >= 96 && x < 104); }

    public static RgbImage image(int img) {
        byte[] rgb = new byte[W * H * 3];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                if (red(img, x, y)) rgb[(y * W + x) * 3] = (byte) 255;
        return new RgbImage(W, H, rgb);
    }

    /** Cityscapes: black = road (id 7, class 0), red = sidewalk (id 8, class 1), ignored rows id 0. */
    public static Path cityscapes(Path root, int images) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String name = "synth_" + String.format("%06d", i) + "_000019";
            String img = "leftImg8bit/val/synth/" + name + "_leftImg8bit.png";
            String lab = "gtFine/val/synth/" + name + "_gtFine_labelIds.png";
            byte[] ids = new byte[W * H];
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) ids[y * W + x] = (byte) (ignoredRow(y) ? 0 : labelRed(i, x, y) ? 8 : 7);
            ImageIo.writePng(image(i), root.resolve(img));
            ImageIo.writePng(new GrayImage(W, H, ids), root.resolve(lab));
            lines.add(img + "\t" + lab);
        }
        Path list = root.resolve("val.txt");
        Files.writeString(list, String.join("\n", lines) + "\n");
        return list;
    }

    /** DeepGlobe: black = urban (class 1, cyan), red = agriculture (class 2, yellow), top rows unknown (class 0, black). */
    public static Path deepglobe(Path root, int images) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String img = "land/" + (100 + i) + "_sat.png";
            String lab = "land/" + (100 + i) + "_mask.png";
            byte[] rgb = new byte[W * H * 3];
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    int o = (y * W + x) * 3;
                    if (ignoredRow(y)) continue;
                    if (labelRed(i, x, y)) { rgb[o] = (byte) 255; rgb[o + 1] = (byte) 255; }
                    else { rgb[o + 1] = (byte) 255; rgb[o + 2] = (byte) 255; }
                }
            ImageIo.writePng(image(i), root.resolve(img));
            ImageIo.writePng(new RgbImage(W, H, rgb), root.resolve(lab));
            lines.add(img + "\t" + lab);
        }
        Path list = root.resolve("train.txt");
        Files.writeString(list, String.join("\n", lines) + "\n");
        return list;
    }

    /** Scales 32-16, 64-32, 128-64; crop = input = 32x16; all patches; every pixel replaced; median 3. */
    public static MagNetSettings settings() {
        return new MagNetSettings(Scale.parseList("32-16,64-32,128-64"), 32, 16, 32, 16, 1.0, -1, 3, 4, false, false);
    }

    /**
     * A 1x1 convolution: logit[red class] = 4 * (normalised R - normalised 128/255), logit[black class] = 0, every
     * other class -30. Arg-max: the red class exactly where R > 128.
     */
    public static Module backbone(int numClasses, int blackClass, int redClass) {
        Conv2d conv = new Conv2d(3, numClasses, 1, 1, 0, true);
        float[] w = new float[numClasses * 3], b = new float[numClasses];
        java.util.Arrays.fill(b, -30f);
        float s = 4f;
        float t = (float) ((128.0 / 255 - 0.485) / 0.229);
        w[redClass * 3] = s;
        b[redClass] = -s * t;
        b[blackClass] = 0f;
        conv.loadStateDict(Map.of("weight", Tensor.fromArray(w, numClasses, 3, 1, 1), "bias", Tensor.fromArray(b, numClasses)), true);
        conv.eval();
        return conv;
    }
}
