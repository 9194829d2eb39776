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
import org.magnet4j.tensor.Tensor;

/** Our models' state dicts against the listings dumped from the fixture checkpoints with PyTorch. */
class StateDictLayoutTest {
    @Test void refinementMatchesCheckpointListing() {
        List<Fixtures.Entry> listing = Fixtures.listing("refinement_c19.state.txt");
        assertEquals(60, listing.size());
        RefinementMagNet model = new RefinementMagNet(19, true);
        Fixtures.assertLayout(listing, model, "checkpoint");
        assertEquals(103_500, model.parameterCount());
        assertEquals(103_500, Fixtures.parameterCount(listing));
    }

    @Test void refinementWithoutBnDropsOnlyBn0() {
        List<Fixtures.Entry> listing = new ArrayList<>(Fixtures.listing("refinement_c19.state.txt"));
        listing.removeIf(e -> e.name().startsWith("bn0."));
        RefinementMagNet model = new RefinementMagNet(19, false);
        Fixtures.assertLayout(listing, model, "checkpoint");
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
        Fixtures.assertLayout(listing, model, "checkpoint");
        assertEquals(6_379_278, model.parameterCount());
        assertEquals(6_379_278, Fixtures.parameterCount(listing));
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
