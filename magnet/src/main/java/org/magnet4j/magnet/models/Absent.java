package org.magnet4j.magnet.models;

import org.magnet4j.nn.Module;

/**
 * Stands for a {@code None} entry of a PyTorch {@code nn.ModuleList}: it takes an index (so later entries
 * keep their names) and has no state. Owners check for it instead of calling it.
 */
public final class Absent extends Module {}
