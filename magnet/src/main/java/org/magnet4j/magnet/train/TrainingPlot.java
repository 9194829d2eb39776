package org.magnet4j.magnet.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.magnet4j.magnet.data.ImageIo;
import org.magnet4j.magnet.data.RgbImage;

/** {@code metrics.png}: the mean loss per epoch (left) and the fwIoU of coarse, fine and aggregate (right). */
public final class TrainingPlot {
    static final int W = 900, H = 360, PANEL_W = 420, MARGIN = 50;

    private TrainingPlot() {}

    public static void write(List<RefinementTrainer.EpochSummary> history, Path file) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            panel(g, 0, "loss", history, List.of(RefinementTrainer.EpochSummary::loss), List.of(new Color(200, 40, 40)), List.of("loss"));
            panel(g, W / 2, "fwIoU", history,
                    List.of(RefinementTrainer.EpochSummary::fwIoUCoarse, RefinementTrainer.EpochSummary::fwIoUFine, RefinementTrainer.EpochSummary::fwIoUAggregate),
                    List.of(new Color(60, 60, 200), new Color(40, 150, 40), new Color(220, 130, 0)), List.of("coarse", "fine", "aggregate"));
        } finally {
            g.dispose();
        }
        int[] px = img.getRGB(0, 0, W, H, null, 0, W);
        byte[] rgb = new byte[W * H * 3];
        for (int i = 0; i < px.length; i++) {
            rgb[i * 3] = (byte) (px[i] >> 16);
            rgb[i * 3 + 1] = (byte) (px[i] >> 8);
            rgb[i * 3 + 2] = (byte) px[i];
        }
        ImageIo.writePng(new RgbImage(W, H, rgb), file);
    }

    private static void panel(Graphics2D g, int x0, String title, List<RefinementTrainer.EpochSummary> h,
                              List<ToDoubleFunction<RefinementTrainer.EpochSummary>> series, List<Color> colors, List<String> names) {
        int left = x0 + MARGIN, right = x0 + PANEL_W, top = 30, bottom = H - 40;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (var f : series)
            for (var s : h) {
                double v = f.applyAsDouble(s);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        if (!(lo <= hi)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        int n = h.size();
        text(g, title + "  (epochs 1.." + n + ")", left, top - 10);
        text(g, String.format(Locale.ROOT, "%.4g", hi), x0 + 2, top + 5);
        text(g, String.format(Locale.ROOT, "%.4g", lo), x0 + 2, bottom);
        for (int k = 0; k < series.size(); k++) {
            g.setColor(colors.get(k));
            g.setStroke(new BasicStroke(2f));
            int px = -1, py = -1;
            for (int i = 0; i < n; i++) {
                double v = series.get(k).applyAsDouble(h.get(i));
                if (!Double.isFinite(v)) continue;
                int x = n == 1 ? (left + right) / 2 : left + (int) Math.round((right - left) * (double) i / (n - 1));
                int y = bottom - (int) Math.round((bottom - top) * (v - lo) / (hi - lo));
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) g.drawLine(px, py, x, y);
                px = x;
                py = y;
            }
            text(g, names.get(k), left + 90 * k, H - 12);
        }
    }

    /** Text is decoration: a machine without fonts still gets the curves. */
    private static void text(Graphics2D g, String s, int x, int y) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(s, x, y);
        } catch (RuntimeException | InternalError | LinkageError e) {
            // no font configuration on a headless machine
        }
    }
}
