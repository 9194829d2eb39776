// Unary, binary and where over strided views (broadcast through zero strides); outputs are contiguous.
// Op codes are the ordinals of org.magnet4j.tensor.UnaryOp / BinaryOp.

inline ACC unary_op(int op, ACC v, ACC s) {
    switch (op) {
        case 0: return -v;
        case 1: return exp(v);
        case 2: return log(v);
        case 3: return sqrt(v);
        case 4: return fabs(v);
        case 5: return v > (ACC) 0 ? v : (ACC) 0;
        case 6: return (ACC) 1 / ((ACC) 1 + exp(-v));
        case 7: return tanh(v);
        case 8: return s == (ACC) 2 ? v * v : pow(v, s);
        case 9: return v + s;
        case 10: return v * s;
        case 11: return s / v;
        default: return isnan(v) ? v : (v > (ACC) 0 ? (ACC) 1 : (v < (ACC) 0 ? (ACC) -1 : v));
    }
}

inline ACC floor_div(ACC a, ACC b) {
    long x = convert_long_sat_rtz(a), y = convert_long_sat_rtz(b);
    if (y == 0) return (ACC) 0;
    long q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
    return (ACC) q;
}

inline ACC binary_op(int op, ACC a, ACC b, int integral) {
    switch (op) {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return integral ? floor_div(a, b) : a / b;
        case 4: return pow(a, b);
        case 5: return isnan(a) || isnan(b) ? a + b : fmax(a, b);
        case 6: return isnan(a) || isnan(b) ? a + b : fmin(a, b);
        case 7: return a == b ? (ACC) 1 : (ACC) 0;
        case 8: return a != b ? (ACC) 1 : (ACC) 0;
        case 9: return a < b ? (ACC) 1 : (ACC) 0;
        case 10: return a <= b ? (ACC) 1 : (ACC) 0;
        case 11: return a > b ? (ACC) 1 : (ACC) 0;
        default: return a >= b ? (ACC) 1 : (ACC) 0;
    }
}

kernel void unary(global const uchar* x, int xdt, View xv, global uchar* out, int odt, int n, int op, ACC s) {
    int i = get_global_id(0);
    if (i >= n) return;
    st(out, odt, i, unary_op(op, ld(x, xdt, voff(&xv, i)), s));
}

kernel void binary(global const uchar* x, int xdt, View xv, global const uchar* y, int ydt, View yv,
                   global uchar* out, int odt, int n, int op, int integral) {
    int i = get_global_id(0);
    if (i >= n) return;
    st(out, odt, i, binary_op(op, ld(x, xdt, voff(&xv, i)), ld(y, ydt, voff(&yv, i)), integral));
}

kernel void where_(global const uchar* c, View cv, global const uchar* a, View av, global const uchar* b, View bv,
                   global uchar* out, int es, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    if (c[voff(&cv, i)] != 0) cp(a, voff(&av, i), out, i, es);
    else cp(b, voff(&bv, i), out, i, es);
}
