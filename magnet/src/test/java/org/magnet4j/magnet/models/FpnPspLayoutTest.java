package org.magnet4j.magnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.magnet4j.nn.LoadReport;
import org.magnet4j.nn.Module;
import org.magnet4j.tensor.Tensor;

/**
 * The full-width fpn and psp state dicts against listings dumped by make_fpn_psp_refs.py from torchvision's
 * resnet50()/resnet101() plus the heads (MagNet's names), and the width-reduced files' layouts.
 */
class FpnPspLayoutTest {
    @Test void fpnMatchesListing() {
        List<Fixtures.Entry> listing = Fixtures.listing(FpnPspParityTest.DIR + "fpn_c7.state.txt");
        assertEquals(344, listing.size());
        Module model = ModelRegistry.create("fpn", 7);
        Fixtures.assertLayout(listing, model, "listing");
        assertEquals(28_064_839, model.parameterCount());
        assertEquals(28_064_839, Fixtures.parameterCount(listing));
        // ResNet-50 without fc: 23,508,032 parameters, torchvision's names
        assertEquals(23_508_032, ((ResNetFPN) model).backbone().parameterCount());
        // no reference numbers at full width (the parity tests run the same code at width 4): an odd-size smoke run
        model.eval();
        Tensor y;
        try (var g = org.magnet4j.tensor.GradMode.noGrad()) {
            y = model.forward(Tensor.randn(new java.util.SplittableRandom(3), 1, 3, 37, 45));
        }
        assertArrayEquals(new int[] {1, 7, 37, 45}, y.shape());
        for (double v : y.toDoubleArray()) assertTrue(Double.isFinite(v), "finite output");
    }

    @Test void pspMatchesListing() {
        List<Fixtures.Entry> listing = Fixtures.listing(FpnPspParityTest.DIR + "psp_c19.state.txt");
        assertEquals(658, listing.size());
        Module model = ModelRegistry.create("psp", 19);
        Fixtures.assertLayout(listing, model, "listing");
        assertEquals(72_349_097, model.parameterCount());
        assertEquals(72_349_097, Fixtures.parameterCount(listing));
        assertEquals(42_500_160, ((PSPNet) model).backbone().parameterCount());
    }

    @Test void reducedWidthFilesHaveTheSameNames() {
        // the .pth files the parity tests load hold exactly the full-width names, in the same order
        List<String> fpnNames = Fixtures.listing(FpnPspParityTest.DIR + "fpn_c7.state.txt").stream().map(Fixtures.Entry::name).toList();
        assertEquals(fpnNames, new ArrayList<>(FpnPspParityTest.pth("fpn_w4_c3.pth").keySet()));
        List<String> pspNames = Fixtures.listing(FpnPspParityTest.DIR + "psp_c19.state.txt").stream().map(Fixtures.Entry::name).toList();
        assertEquals(pspNames, new ArrayList<>(FpnPspParityTest.pth("psp_w4_c3.pth").keySet()));
    }

    @Test void torchvisionCheckpointLoadsIntoTheBackbone() {
        // a torchvision ResNet state dict = the backbone's names plus fc.*: loads non-strictly, fc reported
        ResNet backbone = new ResNet(ResNet.RESNET50, 4);
        Map<String, Tensor> tv = new LinkedHashMap<>(new ResNet(ResNet.RESNET50, 4).stateDict());
        tv.put("fc.weight", Tensor.zeros(1000, 128));
        tv.put("fc.bias", Tensor.zeros(1000));
        LoadReport r = backbone.loadStateDict(tv, false);
        assertEquals(List.of("fc.weight", "fc.bias"), r.unexpectedKeys());
        assertTrue(r.missingKeys().isEmpty(), r.toString());
        assertEquals(List.of(16, 32, 64, 128), List.of(backbone.channels(2), backbone.channels(3), backbone.channels(4), backbone.channels(5)));
    }
}
