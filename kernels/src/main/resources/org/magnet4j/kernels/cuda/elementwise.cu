// Unary, binary and where over strided views (broadcast through zero strides); outputs are contiguous.
// Op codes are the ordinals of org.magnet4j.tensor.UnaryOp / BinaryOp.
#include "common.cuh"

DEV ACC unary_op(int op, ACC v, ACC s) {
    switch (op) {
        case 0: return -v;
        case 1: return m_exp(v);
        case 2: return m_log(v);
        case 3: return m_sqrt(v);
        case 4: return m_abs(v);
        case 5: return v > (ACC) 0 ? v : (ACC) 0;
        case 6: return (ACC) 1 / ((ACC) 1 + m_exp(-v));
        case 7: return m_tanh(v);
        case 8: return s == (ACC) 2 ? v * v : m_pow(v, s);
        case 9: return v + s;
        case 10: return v * s;
        case 11: return s / v;
        default: return m_isnan(v) ? v : (v > (ACC) 0 ? (ACC) 1 : (v < (ACC) 0 ? (ACC) -1 : v));
    }
}

DEV ACC floor_div(ACC a, ACC b) {
    i64 x = to_i64(a), y = to_i64(b);
    if (y == 0) return (ACC) 0;
    i64 q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
    return (ACC) q;
}

DEV ACC binary_op(int op, ACC a, ACC b, int integral) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return integral ? floor_div(a, b) : a / b;
        case 4: return m_pow(a, b);
        case 5: return m_isnan(a) || m_isnan(b) ? a + b : m_max(a, b);
        case 6: return m_isnan(a) || m_isnan(b) ? a + b : m_min(a, b);
        case 7: return a == b ? (ACC) 1 : (ACC) 0;
        case 8: return a != b ? (ACC) 1 : (ACC) 0;
        case 9: return a < b ? (ACC) 1 : (ACC) 0;
        case 10: return a <= b ? (ACC) 1 : (ACC) 0;
        case 11: return a > b ? (ACC) 1 : (ACC) 0;
        default: return a >= b ? (ACC) 1 : (ACC) 0;
    }
}

KERNEL unary(const uchar* x, int xdt, View xv, uchar* out, int odt, int n, int op, ACC s) {
    int i = GID;
    if (i >= n) return;
    st(out, odt, i, unary_op(op, ld(x, xdt, voff(&xv, i)), s));
}

KERNEL binary(const uchar* x, int xdt, View xv, const uchar* y, int ydt, View yv,
              uchar* out, int odt, int n, int op, int integral) {
    int i = GID;
    if (i >= n) return;
    st(out, odt, i, binary_op(op, ld(x, xdt, voff(&xv, i)), ld(y, ydt, voff(&yv, i)), integral));
}

KERNEL where_(const uchar* c, View cv, const uchar* a, View av, const uchar* b, View bv, uchar* out, int es, int n) {
    int i = GID;
    if (i >= n) return;
    if (c[voff(&cv, i)] != 0) cp(a, voff(&av, i), out, i, es);
    else cp(b, voff(&bv, i), out, i, es);
}
