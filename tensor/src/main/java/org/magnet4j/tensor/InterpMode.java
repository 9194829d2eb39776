package org.magnet4j.tensor;

/** Interpolation modes of torch.nn.functional.interpolate that MagNet uses. */
public enum InterpMode { NEAREST, BILINEAR }
