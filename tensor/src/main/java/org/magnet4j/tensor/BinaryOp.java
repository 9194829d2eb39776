package org.magnet4j.tensor;

/** Elementwise two-input ops. Comparisons give BOOL tensors. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE;

    public boolean isComparison() { return ordinal() >= EQ.ordinal(); }
}
