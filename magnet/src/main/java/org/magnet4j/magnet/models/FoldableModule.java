package org.magnet4j.magnet.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.magnet4j.nn.Module;
import org.magnet4j.nn.layers.BatchNorm2d;
import org.magnet4j.nn.layers.Conv2d;

/** A module whose forward applies conv + batch-norm pairs through {@link ConvBn}, so they can be folded. */
public abstract class FoldableModule extends Module {
    private final List<ConvBn> pairs = new ArrayList<>();

    /** Declares that {@code bn} directly follows {@code conv} in this module's forward (both already registered). */
    protected final ConvBn pair(Conv2d conv, BatchNorm2d bn) {
        ConvBn p = new ConvBn(conv, bn);
        pairs.add(p);
        return p;
    }

    public List<ConvBn> convBnPairs() { return Collections.unmodifiableList(pairs); }
}
