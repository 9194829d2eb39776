package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The patch grid against values printed by the reference's formula in Python. */
class PatchGridTest {
    @Test
    void publishedScalesTileExactly() {
        assertEquals(64, PatchGrid.boxes(2048, 1024, 256, 128).size());
        assertEquals(16, PatchGrid.boxes(1024, 512, 256, 128).size());
        assertEquals(4, PatchGrid.boxes(512, 256, 256, 128).size());
        assertEquals(List.of(new PatchBox(0, 0, 256, 128)), PatchGrid.boxes(256, 128, 256, 128));
        assertEquals(16, PatchGrid.boxes(2448, 2448, 612, 612).size());
        List<PatchBox> dg = PatchGrid.boxes(1224, 1224, 612, 612);
        // x-major: (x=0,y=0), (x=0,y=1), (x=1,y=0), (x=1,y=1)
        assertEquals(List.of(new PatchBox(0, 0, 612, 612), new PatchBox(0, 612, 612, 1224), new PatchBox(612, 0, 1224, 612),
                new PatchBox(612, 612, 1224, 1224)), dg);
        assertArrayEquals(new double[] {0.5, 0.0, 1.0, 0.5}, dg.get(2).ratios(1224, 1224));
        double[][] r = PatchGrid.ratios(1024, 512, 256, 128);
        assertArrayEquals(new double[] {0.0, 0.25, 0.25, 0.5}, r[1]);
        assertArrayEquals(new double[] {0.25, 0.0, 0.5, 0.25}, r[4]);
    }

    @Test
    void unevenSizesOverlapWithTruncatedSteps() {
        // step = int(256 - (4*256 - 1000) / 3) = int(248.0); int(256 - (3*256 - 700) / 2) = 222
        assertEquals(4, PatchGrid.count(1000, 256));
        assertEquals(248, PatchGrid.step(1000, 256));
        assertEquals(222, PatchGrid.step(700, 256));
        // int(256 - 23/3) = int(248.33) = 248; int(128 - 84/2) = 86
        assertEquals(248, PatchGrid.step(1001, 256));
        assertEquals(86, PatchGrid.step(300, 128));
        List<PatchBox> b = PatchGrid.boxes(1000, 700, 256, 256);
        assertEquals(12, b.size());
        assertEquals(new PatchBox(0, 222, 256, 478), b.get(1));
        assertEquals(new PatchBox(744, 444, 1000, 700), b.get(11));
        double[] r = PatchGrid.ratios(1000, 700, 256, 256)[1];
        assertArrayEquals(new double[] {0.0, 0.3171428571428571, 0.256, 0.6828571428571428}, r);
        double[] r2 = PatchGrid.ratios(1001, 300, 256, 128)[0];
        assertArrayEquals(new double[] {0.0, 0.0, 0.25574425574425574, 0.4266666666666667}, r2);
        assertArrayEquals(new float[] {0f, 0f, 0.25574425574425574f, 0.4266666666666667f}, PatchGrid.boxes(1001, 300, 256, 128).get(0).ratiosFloat32(1001, 300));
    }

    @Test
    void scaleSmallerThanCropGivesOneOversizedBox() {
        assertEquals(List.of(new PatchBox(0, 0, 256, 128)), PatchGrid.boxes(200, 100, 256, 128));
        assertArrayEquals(new double[] {0, 0, 1.28, 1.28}, PatchGrid.ratios(200, 100, 256, 128)[0]);
        // cutting clips the box to the image, as numpy slicing does
        ScalePatcher p = new ScalePatcher(200, 100, 256, 128, 64, 32);
        List<RgbImage> patches = p.patches(RgbImage.filled(400, 200, 1, 2, 3));
        assertEquals(1, patches.size());
        assertEquals(RgbImage.filled(64, 32, 1, 2, 3), patches.get(0));
        assertThrows(IllegalArgumentException.class, () -> PatchGrid.boxes(0, 10, 5, 5));
    }

    @Test
    void scalePatcherCutsResizedImageAndResizesEachCrop() {
        RgbImage image = new RgbImage(40, 30, ResizeTest.noise(3600));
        ScalePatcher p = new ScalePatcher(20, 16, 8, 8, 5, 5);
        RgbImage scaled = Resize.linear(image, 20, 16);
        List<RgbImage> patches = p.patches(image);
        assertEquals(p.boxes().size(), patches.size());
        for (int i = 0; i < patches.size(); i++) {
            PatchBox b = p.boxes().get(i);
            assertEquals(Resize.linear(scaled.crop(b.x0(), b.y0(), b.x1(), b.y1()), 5, 5), patches.get(i), "patch " + i);
        }
    }
}
