package org.magnet4j.magnet.data;

/** How a dataset's label files store classes. */
public enum LabelEncoding {
    /** One grey value per pixel, a label id mapped to a class through a table (Cityscapes {@code *_labelIds.png}). */
    IDS,
    /** RGB colours, each listed colour one class (DeepGlobe masks). */
    COLORS
}
