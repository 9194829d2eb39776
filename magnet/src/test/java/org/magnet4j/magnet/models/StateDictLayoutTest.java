package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Shapes;
import org.magnet4j.tensor.Tensor;

/** Our models' state dicts against the listings dumped from the fixture checkpoints with PyTorch. */
class StateDictLayoutTest {
    private static void assertLayout(List<Fixtures.Entry> expected, Module model) {
        Map<String, Tensor> mine = model.stateDict();
        List<String> names = new ArrayList<>(mine.keySet());
        List<String> want = expected.stream().map(Fixtures.Entry::name).toList();
        List<String> missing = new ArrayList<>(want), extra = new ArrayList<>(names);
        missing.removeAll(names);
        extra.removeAll(want);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing from the model: " + missing + "; not in the checkpoint: " + extra);
        assertEquals(want, names, "same names, different order");
        for (Fixtures.Entry e : expected) {
            Tensor t = mine.get(e.name());
            assertArrayEquals(e.shape(), t.shape(), e.name() + ": checkpoint " + Shapes.str(e.shape()) + ", model " + Shapes.str(t.shape()));
            assertEquals(e.dtype(), t.dtype().toString().toLowerCase(), e.name() + " dtype");
        }
    }

    private static long count(List<Fixtures.Entry> listing) {
        long n = 0;
        for (Fixtures.Entry e : listing)
            if (!e.name().endsWith("running_mean") && !e.name().endsWith("running_var") && !e.name().endsWith("num_batches_tracked"))
                n += Shapes.numel(e.shape());
        return n;
    }

    @Test void refinementMatchesCheckpointListing() {
        List<Fixtures.Entry> listing = Fixtures.listing("refinement_c19.state.txt");
        assertEquals(60, listing.size());
        RefinementMagNet model = new RefinementMagNet(19, true);
        assertLayout(listing, model);
        assertEquals(103_500, model.parameterCount());
        assertEquals(103_500, count(listing));
    }

    @Test void refinementWithoutBnDropsOnlyBn0() {
        List<Fixtures.Entry> listing = new ArrayList<>(Fixtures.listing("refinement_c19.state.txt"));
        listing.removeIf(e -> e.name().startsWith("bn0."));
        RefinementMagNet model = new RefinementMagNet(19, false);
        assertLayout(listing, model);
        assertEquals(103_500 - 2 * 38, model.parameterCount());
    }

    @Test void refinementLoadsFixtureCheckpointStrictly() {
        Map<String, Tensor> sd = TestCheckpoints.stateDict(Fixtures.shared("checkpoints/refinement_c19_1024.pth"));
        RefinementMagNet model = new RefinementMagNet(19, true);
        LoadReport r = model.loadStateDict(sd, true);
        assertTrue(r.isClean(), r.toString());
        // useBn=false loads the same file non-strictly, reporting bn0.* as unexpected
        LoadReport r2 = new RefinementMagNet(19, false).loadStateDict(sd, false);
        assertEquals(5, r2.unexpectedKeys().size(), r2.toString());
        assertTrue(r2.missingKeys().isEmpty(), r2.toString());
    }

    @Test void hrnet18OcrMatchesCheckpointListing() {
        List<Fixtures.Entry> listing = Fixtures.listing("hrnet18_ocr_c19.state.txt");
        assertEquals(924, listing.size());
        Module model = ModelRegistry.create("hrnet18+ocr", 19);
        assertLayout(listing, model);
        assertEquals(6_379_278, model.parameterCount());
        assertEquals(6_379_278, count(listing));
    }

    @Test void hrnet48OcrHasW48Widths() {
        HRNetOCR model = (HRNetOCR) ModelRegistry.create("hrnet48+ocr", 7);
        Map<String, Tensor> sd = model.stateDict();
        assertArrayEquals(new int[] {48, 256, 3, 3}, sd.get("transition1.0.0.weight").shape());
        assertArrayEquals(new int[] {384, 192, 3, 3}, sd.get("transition3.3.0.0.weight").shape());
        assertTrue(sd.containsKey("layer1.3.conv3.weight") && !sd.containsKey("layer1.4.conv1.weight"), "4 bottlenecks in layer1");
        assertTrue(sd.containsKey("stage3.3.branches.2.3.conv2.weight") && !sd.containsKey("stage3.4.branches.0.0.conv1.weight"), "4 modules of 4 blocks in stage3");
        assertTrue(sd.containsKey("stage4.2.fuse_layers.3.0.2.0.weight") && !sd.containsKey("stage4.3.branches.0.0.conv1.weight"), "3 modules in stage4");
        assertArrayEquals(new int[] {512, 720, 3, 3}, sd.get("conv3x3_ocr.0.weight").shape());
        assertArrayEquals(new int[] {7, 720, 1, 1}, sd.get("aux_head.3.weight").shape());
        assertArrayEquals(new int[] {7, 512, 1, 1}, sd.get("cls_head.weight").shape());
    }

    @Test void registryNamesAndErrors() {
        assertEquals(List.of("fpn", "psp", "hrnet18+ocr", "hrnet48+ocr"), ModelRegistry.NAMES);
        assertEquals(5, ((HRNetOCR) ModelRegistry.create("HRNet18+OCR", 5)).numClasses);
        assertEquals(7, ((ResNetFPN) ModelRegistry.create("fpn", 7)).numClasses);
        assertEquals(7, ((PSPNet) ModelRegistry.create(" PSP ", 7)).numClasses);
        var e = assertThrows(IllegalArgumentException.class, () -> ModelRegistry.create("resnet", 7));
        assertTrue(e.getMessage().contains("resnet") && e.getMessage().contains("hrnet18+ocr"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelRegistry.create("hrnet18+ocr", 0));
    }
}
