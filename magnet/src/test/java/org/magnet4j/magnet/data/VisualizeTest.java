package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Colouring and the side-by-side picture. The demo overlay on the Cityscapes image is checked bit for bit against
 * numpy/cv2 in {@link ResizeTest} (case {@code demo_overlay_cityscapes}).
 */
class VisualizeTest {
    @Test
    void overlayTruncatesLikeNumpyAstypeUint8() {
        RgbImage a = new RgbImage(1, 1, new byte[] {(byte) 255, 3, 0});
        RgbImage b = new RgbImage(1, 1, new byte[] {(byte) 254, 0, 1});
        // 0.5*255 + 0.5*254 = 254.5 -> 254; 1.5 -> 1; 0.5 -> 0
        assertArrayEquals(new byte[] {(byte) 254, 1, 0}, Visualize.overlay(a, b).rgb());
    }

    @Test
    void colorizeLeavesIgnoredPixelsBlack() {
        RgbImage c = Datasets.cityscapes().colorize(new GrayImage(2, 1, new byte[] {1, (byte) 255}));
        assertArrayEquals(new byte[] {(byte) 244, 35, (byte) 232, 0, 0, 0}, c.rgb());
    }

    @Test
    void sideBySideHasFourPanelsAndRedSeparators() {
        RgbImage image = RgbImage.filled(256, 128, 10, 20, 30);
        RgbImage gt = RgbImage.filled(2048, 1024, 1, 1, 1);
        RgbImage out = Visualize.sideBySide(image, gt, RgbImage.filled(64, 32, 2, 2, 2), RgbImage.filled(100, 50, 3, 3, 3));
        int w = 1024; // int(512 / 128 * 256)
        assertEquals(4 * w + 30, out.width());
        assertEquals(512, out.height());
        int[][] expect = {{10, 20, 30}, {1, 1, 1}, {2, 2, 2}, {3, 3, 3}};
        for (int k = 0; k < 4; k++) {
            int x0 = k * (w + 10);
            for (int c = 0; c < 3; c++) {
                assertEquals(expect[k][c], out.get(x0, 0, c));
                assertEquals(expect[k][c], out.get(x0 + w - 1, 511, c));
            }
            if (k < 3)
                for (int x = x0 + w; x < x0 + w + 10; x++) {
                    assertEquals(255, out.get(x, 300, 0));
                    assertEquals(0, out.get(x, 300, 1));
                    assertEquals(0, out.get(x, 300, 2));
                }
        }
        assertEquals(1365, Visualize.panelWidth(2448, 918)); // int(512/918*2448) = int(1365.33)
    }

    @Test
    void savePredPanelMasksIgnoredPredictions() {
        SegmentationDataset cs = Datasets.cityscapes();
        GrayImage label = new GrayImage(4, 2, new byte[] {0, 0, (byte) 255, (byte) 255, 0, 0, (byte) 255, (byte) 255});
        GrayImage pred = new GrayImage(4, 2, new byte[] {1, 1, 1, 1, 1, 1, 1, 1});
        RgbImage out = Visualize.savePredPanel(cs, RgbImage.filled(4, 2, 5, 5, 5), label, pred, pred);
        int w = Visualize.panelWidth(4, 2);
        assertEquals(1024, w);
        // coarse panel: left half sidewalk colour, right half black (ignored)
        int x0 = 2 * (w + 10);
        assertEquals(244, out.get(x0 + 10, 100, 0));
        assertEquals(0, out.get(x0 + w - 10, 100, 0));
    }
}
