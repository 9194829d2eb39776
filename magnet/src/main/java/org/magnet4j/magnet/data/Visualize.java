package org.magnet4j.magnet.data;

/**
 * Drawing helpers for the demo and {@code test.py --save_pred}, with the reference's arithmetic:
 * <ul>
 * <li>{@link #colorize}: {@code class2bgr}: each class its palette colour, anything else (the ignore index) black.
 * <li>{@link #overlay}: {@code (0.5 * image + 0.5 * colour).astype("uint8")}: numpy float64 then truncation,
 * i.e. {@code (a + b) >> 1} exactly (0.5 a + 0.5 b is exact in double and below 256).
 * <li>{@link #demoOverlay}: demo.py: colour the prediction, {@code cv2.resize} it (INTER_LINEAR) to the image size,
 * overlay; demo.py writes it as {@code <W>x<H>.jpg} with {@code cv2.imwrite} (JPEG quality 95).
 * <li>{@link #sideBySide}: {@code [image | ground truth | coarse | refined]}, each {@code cv2.resize}d
 * (INTER_LINEAR) to height 512 and width {@code int(512.0 / image_h * image_w)}, on a red canvas, so the three
 * 10-pixel separators are red.
 * </ul>
 */
public final class Visualize {
    /** Panel height and separator width of {@link #sideBySide}. */
    public static final int PANEL_HEIGHT = 512, SEPARATOR = 10;

    private Visualize() {}

    /** Classes to colours; values with no palette entry (ignore) are black. */
    public static RgbImage colorize(GrayImage classes, int[][] palette) {
        byte[] in = classes.data();
        byte[] out = new byte[in.length * 3];
        for (int i = 0; i < in.length; i++) {
            int c = in[i] & 0xFF;
            if (c < palette.length) {
                out[i * 3] = (byte) palette[c][0];
                out[i * 3 + 1] = (byte) palette[c][1];
                out[i * 3 + 2] = (byte) palette[c][2];
            }
        }
        return new RgbImage(classes.width(), classes.height(), out);
    }

    /** {@code (0.5 * image + 0.5 * colour).astype(uint8)}; both images must have the same size. */
    public static RgbImage overlay(RgbImage image, RgbImage colour) {
        if (image.width() != colour.width() || image.height() != colour.height())
            throw new IllegalArgumentException("overlay: image " + image.width() + "x" + image.height() + " vs colour " + colour.width() + "x" + colour.height());
        byte[] a = image.rgb(), b = colour.rgb(), out = new byte[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (byte) (((a[i] & 0xFF) + (b[i] & 0xFF)) >> 1);
        return new RgbImage(image.width(), image.height(), out);
    }

    /** demo.py's per-stage picture: the coloured prediction resized to the image (INTER_LINEAR) and overlaid. */
    public static RgbImage demoOverlay(RgbImage image, GrayImage prediction, int[][] palette) {
        RgbImage colour = Resize.linear(colorize(prediction, palette), image.width(), image.height());
        return overlay(image, colour);
    }

    /** Width of each panel for a picture of the given size: {@code int((512 * 1.0 / h) * w)}. */
    public static int panelWidth(int imageWidth, int imageHeight) { return (int) ((PANEL_HEIGHT * 1.0 / imageHeight) * imageWidth); }

    /**
     * The four panels side by side. The panel width comes from {@code image}; each picture is resized
     * (INTER_LINEAR) to it whatever its own size (the reference passes the coarse network input as the image
     * and full-size maps for the other three).
     */
    public static RgbImage sideBySide(RgbImage image, RgbImage groundTruth, RgbImage coarse, RgbImage refined) {
        int h = PANEL_HEIGHT, w = panelWidth(image.width(), image.height());
        RgbImage canvas = RgbImage.filled(w * 4 + SEPARATOR * 3, h, 255, 0, 0);
        RgbImage[] panels = {image, groundTruth, coarse, refined};
        for (int k = 0; k < 4; k++) paste(canvas, Resize.linear(panels[k], w, h), k * (w + SEPARATOR));
        return canvas;
    }

    /**
     * test.py's {@code --save_pred} picture from class maps: predictions are set to the ignore index where the
     * label is ignored (so they draw black there, as the reference does), then coloured and put side by side.
     * @param coarseInput the picture of the first panel (the reference: the denormalised coarse network input,
     *                    {@link ImageNormalizer#denormalize})
     */
    public static RgbImage savePredPanel(SegmentationDataset dataset, RgbImage coarseInput, GrayImage label, GrayImage coarse, GrayImage refined) {
        GrayImage c = coarse, r = refined;
        if (dataset.hasIgnore()) {
            c = maskIgnored(coarse, label, dataset.ignoreIndex());
            r = maskIgnored(refined, label, dataset.ignoreIndex());
        }
        return sideBySide(coarseInput, dataset.colorize(label), dataset.colorize(c), dataset.colorize(r));
    }

    private static GrayImage maskIgnored(GrayImage pred, GrayImage label, int ignore) {
        if (pred.width() != label.width() || pred.height() != label.height())
            throw new IllegalArgumentException("prediction " + pred.width() + "x" + pred.height() + " vs label " + label.width() + "x" + label.height());
        byte[] p = pred.data().clone(), l = label.data();
        for (int i = 0; i < p.length; i++) if ((l[i] & 0xFF) == ignore) p[i] = (byte) ignore;
        return new GrayImage(pred.width(), pred.height(), p);
    }

    private static void paste(RgbImage canvas, RgbImage panel, int x0) {
        int cw = canvas.width(), w = panel.width();
        for (int y = 0; y < panel.height(); y++)
            System.arraycopy(panel.rgb(), y * w * 3, canvas.rgb(), (y * cw + x0) * 3, w * 3);
    }
}
