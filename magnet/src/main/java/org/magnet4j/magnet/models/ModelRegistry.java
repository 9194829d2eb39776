package org.magnet4j.magnet.models;

import java.util.List;
import java.util.Locale;
import org.magnet4j.nn.Module;

/** Segmentation backbones by the names MagNet's {@code --model} option uses. */
public final class ModelRegistry {
    private ModelRegistry() {}

    /** Every name {@link #create} knows, implemented or not. */
    public static final List<String> NAMES = List.of("fpn", "psp", "hrnet18+ocr", "hrnet48+ocr");

    /** A freshly initialised backbone for numClasses classes; its forward maps [N,3,H,W] images to [N,C,H,W] logits. */
    public static Module create(String name, int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("number of classes must be positive, got " + numClasses);
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "hrnet18+ocr" -> new HRNetOCR(HRNetConfig.w18SmallV2(), numClasses);
            case "hrnet48+ocr" -> new HRNetOCR(HRNetConfig.w48(), numClasses);
            case "fpn" -> new ResNetFPN(numClasses);
            case "psp" -> new PSPNet(numClasses);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected one of " + NAMES);
        };
    }
}
