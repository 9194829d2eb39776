package org.magnet4j.nn.loss;

/** How per-element losses are combined, as PyTorch's reduction argument. */
public enum Reduction { NONE, MEAN, SUM }
