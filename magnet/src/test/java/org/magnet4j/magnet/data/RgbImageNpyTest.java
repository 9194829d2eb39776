package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.magnet4j.tensor.DType;
import org.magnet4j.tensor.io.Npy;

/** An image read from an H x W x 3 uint8 .npy (the GPU check's way in, without javax.imageio). */
class RgbImageNpyTest {
    @TempDir Path tmp;

    @Test
    void readsRowsOfInterleavedRgb() throws IOException {
        byte[] px = new byte[2 * 3 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 13 + 200); // values above 127 too
        Path f = tmp.resolve("im.npy");
        Npy.write(f, DType.UINT8, new int[] {2, 3, 3}, px);
        RgbImage im = RgbImage.readNpy(f);
        assertEquals(3, im.width());
        assertEquals(2, im.height());
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                for (int c = 0; c < 3; c++) assertEquals(px[(y * 3 + x) * 3 + c] & 0xFF, im.get(x, y, c), "pixel " + x + "," + y + " channel " + c);
    }

    @Test
    void wrongLayoutOrMissingFileNamesTheFile() throws IOException {
        Path gray = tmp.resolve("gray.npy");
        Npy.write(gray, DType.UINT8, new int[] {4, 5}, new byte[20]);
        ImageFileException e = assertThrows(ImageFileException.class, () -> RgbImage.readNpy(gray));
        assertTrue(e.getMessage().contains("gray.npy") && e.getMessage().contains("H x W x 3 uint8"), e.getMessage());
        Path floats = tmp.resolve("floats.npy");
        Npy.write(floats, DType.FLOAT32, new int[] {2, 2, 3}, new float[12]);
        e = assertThrows(ImageFileException.class, () -> RgbImage.readNpy(floats));
        assertTrue(e.getMessage().contains("float32 of shape [2, 2, 3]"), e.getMessage());
        Path missing = tmp.resolve("missing.npy");
        e = assertThrows(ImageFileException.class, () -> RgbImage.readNpy(missing));
        assertTrue(e.getMessage().contains("missing.npy"), e.getMessage());
        Files.writeString(tmp.resolve("junk.npy"), "not numpy");
        e = assertThrows(ImageFileException.class, () -> RgbImage.readNpy(tmp.resolve("junk.npy")));
        assertTrue(e.getMessage().contains("junk.npy"), e.getMessage());
    }
}
