package org.magnet4j.magnet.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.magnet4j.magnet.data.ImageNormalizer;
import org.magnet4j.magnet.data.PatchBox;
import org.magnet4j.magnet.data.RgbImage;
import org.magnet4j.magnet.data.ScalePatcher;
import org.magnet4j.tensor.Tensor;

/**
 * An image cut into every scale's patches as the reference does (OpenCV-exact resizes, ImageNet
 * normalisation). A scale's patches are prepared on first use and the previous scale's are dropped, since
 * the pipeline visits scales in order.
 */
public final class ImagePatchSource implements PatchSource {
    private final RgbImage image;
    private final List<ScalePatcher> patchers = new ArrayList<>();
    private final ImageNormalizer normalizer = ImageNormalizer.imagenet();
    private int cachedScale = -1;
    private List<RgbImage> cached;

    public ImagePatchSource(RgbImage image, MagNetSettings s) {
        this.image = image;
        for (Scale sc : s.scales())
            patchers.add(new ScalePatcher(sc.width(), sc.height(), s.cropWidth(), s.cropHeight(), s.inputWidth(), s.inputHeight()));
    }

    @Override public int patchCount(int scaleIndex) { return patchers.get(scaleIndex).boxes().size(); }

    @Override public float[] ratioBox(int scaleIndex, int patch) {
        ScalePatcher p = patchers.get(scaleIndex);
        PatchBox b = p.boxes().get(patch);
        return b.ratiosFloat32(p.scaleWidth(), p.scaleHeight());
    }

    @Override public synchronized Tensor patch(int scaleIndex, int patch) {
        if (scaleIndex != cachedScale) {
            cached = patchers.get(scaleIndex).patches(image);
            cachedScale = scaleIndex;
        }
        return normalizer.toTensor(cached.get(patch));
    }
}
