package org.magnet4j.tensor;

public enum ReduceOp { SUM, MAX, MIN, ARGMAX, ARGMIN }
