// Reductions along one dim of a contiguous [outer, len, inner] layout, and (log-)softmax. One work-item per line.

kernel void reduce(global const uchar* x, int xdt, int xoff, global uchar* out, int odt,
                   int outer, int len, int inner, int op) {
    int p = get_global_id(0);
    if (p >= outer * inner) return;
    int o = p / inner, i = p % inner;
    int start = xoff + o * len * inner + i;
    if (op == 0) {
        ACC s = 0;
        for (int k = 0; k < len; k++) s += ld(x, xdt, start + k * inner);
        st(out, odt, p, s);
        return;
    }
    int max = op == 1 || op == 3;
    ACC best = ld(x, xdt, start);
    int arg = 0;
    for (int k = 1; k < len && !isnan(best); k++) {
        ACC v = ld(x, xdt, start + k * inner);
        if (isnan(v) || (max ? v > best : v < best)) { best = v; arg = k; }
    }
    if (op <= 2) st(out, odt, p, best);
    else ((global long*) out)[p] = arg;
}

kernel void softmax(global const T* x, int xoff, global T* out, int outer, int len, int inner, int lg) {
    int p = get_global_id(0);
    if (p >= outer * inner) return;
    int o = p / inner, i = p % inner, off = o * len * inner + i;
    x += xoff;
    T m = -INFINITY;
    for (int k = 0; k < len; k++) m = fmax(m, x[off + k * inner]);
    T s = 0;
    for (int k = 0; k < len; k++) s += exp(x[off + k * inner] - m);
    if (lg) {
        T ls = log(s);
        for (int k = 0; k < len; k++) out[off + k * inner] = x[off + k * inner] - m - ls;
    } else {
        T inv = (T) 1 / s;
        for (int k = 0; k < len; k++) out[off + k * inner] = exp(x[off + k * inner] - m) * inv;
    }
}

kernel void softmax_backward(global const T* y, int yoff, global const T* g, int goff, global T* out,
                             int outer, int len, int inner, int lg) {
    int p = get_global_id(0);
    if (p >= outer * inner) return;
    int o = p / inner, i = p % inner, off = o * len * inner + i;
    y += yoff;
    g += goff;
    T s = 0;
    for (int k = 0; k < len; k++) {
        int j = off + k * inner;
        s += lg ? g[j] : g[j] * y[j];
    }
    for (int k = 0; k < len; k++) {
        int j = off + k * inner;
        out[j] = lg ? g[j] - exp(y[j]) * s : y[j] * (g[j] - s);
    }
}
