package org.magnet4j.magnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir Path tmp;

    @Test
    void cityscapesMapsLabelIdsToTrainIds() {
        SegmentationDataset cs = Datasets.cityscapes();
        assertEquals(19, cs.numClasses());
        assertEquals(255, cs.ignoreIndex());
        int[] ids = {7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33};
        int[] table = cs.idToClass();
        for (int t = 0; t < 19; t++) assertEquals(t, table[ids[t]], "label id " + ids[t]);
        int ignored = 0;
        for (int v : table) if (v == 255) ignored++;
        assertEquals(256 - 19, ignored);
        GrayImage classes = cs.mapIds(new GrayImage(5, 1, new byte[] {7, 0, 33, 34, (byte) 255}));
        assertArrayEquals(new byte[] {0, (byte) 255, 18, (byte) 255, (byte) 255}, classes.data());
        assertArrayEquals(new int[] {128, 64, 128}, cs.color(0));
        assertArrayEquals(new int[] {119, 11, 32}, cs.color(18));
        assertEquals(19, cs.evalClasses().length);
    }

    @Test
    void cityscapesReadsGreyLabelFiles() {
        Path f = tmp.resolve("x_gtFine_labelIds.png");
        ImageIo.writePng(new GrayImage(3, 1, new byte[] {26, 24, 1}), f);
        assertArrayEquals(new byte[] {13, 11, (byte) 255}, Datasets.cityscapes().readLabel(f).data());
    }

    @Test
    void deepglobeMapsColoursWithoutIgnore() {
        SegmentationDataset dg = Datasets.deepglobe();
        assertEquals(7, dg.numClasses());
        assertEquals(-1, dg.ignoreIndex());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, dg.evalClasses());
        RgbImage mask = new RgbImage(8, 1, new byte[] {0, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255, 0, (byte) 255, 0, (byte) 255,
                0, (byte) 255, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255, (byte) 255, 10, (byte) 250, 0});
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 0}, dg.mapColors(mask).data(), "unlisted colours become 0, as in the reference");
        Path f = tmp.resolve("m.png");
        ImageIo.writePng(mask, f);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 0}, dg.readLabel(f).data());
    }

    @Test
    void customIdDatasetFromJson() throws IOException {
        Path f = tmp.resolve("mine.json");
        Files.writeString(f, """
                {"name": "mine", "classes": ["bg", "road", "house"], "colors": [[0,0,0],[1,2,3],[4,5,6]],
                 "encoding": "ids", "ids": {"0": 0, "7": 1, "11": 2, "12": "ignore"}, "ignore_index": 255,
                 "eval_classes": [1, 2]}
                """);
        SegmentationDataset d = Datasets.byName(f.toString());
        assertEquals("mine", d.name());
        assertEquals(List.of("bg", "road", "house"), d.classNames());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 255, (byte) 255}, d.mapIds(new GrayImage(5, 1, new byte[] {0, 7, 11, 12, 99})).data());
        assertArrayEquals(new int[] {1, 2}, d.evalClasses());
    }

    @Test
    void customColourDatasetFromJson() throws IOException {
        Path f = tmp.resolve("col.json");
        Files.writeString(f, """
                {"classes": ["a", "b"], "colors": [[10,10,10],[20,20,20]], "label_colors": [[0,0,0],[255,0,0]],
                 "ignore_index": 255, "unlisted": "ignore"}
                """);
        SegmentationDataset d = Datasets.load(f);
        assertEquals("col", d.name());
        assertEquals(LabelEncoding.COLORS, d.encoding());
        assertArrayEquals(new byte[] {0, 1, (byte) 255}, d.mapColors(new RgbImage(3, 1, new byte[] {0, 0, 0, (byte) 255, 0, 0, 1, 1, 1})).data());
        assertArrayEquals(new int[] {20, 20, 20}, d.color(1));
    }

    @Test
    void badDefinitionsNameTheFileAndTheProblem() throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"classes\": [\"a\", \"b\"], \"colors\": [[0,0,0]]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.load(f));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("colors"), e.getMessage());
        Files.writeString(f, "{\"classes\": [\"a\"], \"colors\": [[0,0,0]], \"encoding\": \"ids\", \"ids\": {\"3\": 0}}");
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.load(f));
        assertTrue(e.getMessage().contains("unlisted"), e.getMessage());
        Files.writeString(f, "{not json");
        ImageFileException x = assertThrows(ImageFileException.class, () -> Datasets.load(f));
        assertTrue(x.getMessage().contains("bad.json"), x.getMessage());
        assertThrows(ImageFileException.class, () -> Datasets.load(tmp.resolve("none.json")));
        assertThrows(IllegalArgumentException.class, () -> Datasets.byName("pascal"));
    }

    @Test
    void datalistResolvesPathsAndReportsBadLines() throws IOException {
        Files.createDirectories(tmp.resolve("img"));
        Files.writeString(tmp.resolve("img/a.png"), "");
        Files.writeString(tmp.resolve("img/a_l.png"), "");
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, "img/a.png\timg/a_l.png\n\nimg/a.png\timg/a_l.png\textra\n");
        List<Datalist.Entry> entries = Datalist.read(list, tmp);
        assertEquals(2, entries.size());
        assertEquals(tmp.resolve("img/a.png"), entries.get(0).image());
        assertEquals(tmp.resolve("img/a_l.png"), entries.get(1).label());
        assertEquals(3, entries.get(1).line());

        Files.writeString(list, "img/a.png\timg/a_l.png\nimg/a.png img/a_l.png\n");
        ImageFileException e = assertThrows(ImageFileException.class, () -> Datalist.read(list, tmp));
        assertTrue(e.getMessage().contains(list + ":2") && e.getMessage().contains("image<TAB>label"), e.getMessage());

        Files.writeString(list, "img/a.png\timg/missing.png\n");
        e = assertThrows(ImageFileException.class, () -> Datalist.read(list, tmp));
        assertTrue(e.getMessage().contains(list + ":1") && e.getMessage().contains("missing.png"), e.getMessage());
        assertEquals(1, Datalist.read(list, tmp, false).size());

        e = assertThrows(ImageFileException.class, () -> Datalist.read(tmp.resolve("nolist.txt"), tmp));
        assertTrue(e.getMessage().contains("nolist.txt"), e.getMessage());
    }
}
