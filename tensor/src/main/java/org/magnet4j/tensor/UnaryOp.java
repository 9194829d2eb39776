package org.magnet4j.tensor;

/** Elementwise one-input ops; those marked "scalar" use the scalar argument. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH,
    /** x^scalar */ POW_SCALAR,
    /** x + scalar */ ADD_SCALAR,
    /** x * scalar */ MUL_SCALAR,
    /** scalar / x */ RDIV_SCALAR,
    /** 1 where x != 0 else 0 (as a float) */ SIGN
}
