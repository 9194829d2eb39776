// Reductions along one dim of a contiguous [outer, len, inner] layout, and (log-)softmax. One thread per line.
#include "common.cuh"

KERNEL reduce(const uchar* x, int xdt, int xoff, uchar* out, int odt, int outer, int len, int inner, int op) {
    int p = GID;
    if (p >= outer * inner) return;
    int o = p / inner, i = p % inner;
    int start = xoff + o * len * inner + i;
    if (op == 0) {
        ACC s = 0;
        for (int k = 0; k < len; k++) s += ld(x, xdt, start + k * inner);
        st(out, odt, p, s);
        return;
    }
    int mx = op == 1 || op == 3;
    ACC best = ld(x, xdt, start);
    int arg = 0;
    for (int k = 1; k < len && !m_isnan(best); k++) {
        ACC v = ld(x, xdt, start + k * inner);
        if (m_isnan(v) || (mx ? v > best : v < best)) { best = v; arg = k; }
    }
    if (op <= 2) st(out, odt, p, best);
    else ((i64*) out)[p] = arg;
}

KERNEL softmax(const T* x, int xoff, T* out, int outer, int len, int inner, int lg) {
    int p = GID;
    if (p >= outer * inner) return;
    int o = p / inner, i = p % inner, off = o * len * inner + i;
    x += xoff;
    T m = -INF_T;
    for (int k = 0; k < len; k++) m = m_max(m, x[off + k * inner]);
    T s = 0;
    for (int k = 0; k < len; k++) s += m_exp(x[off + k * inner] - m);
    if (lg) {
        T ls = m_log(s);
        for (int k = 0; k < len; k++) out[off + k * inner] = x[off + k * inner] - m - ls;
    } else {
        T inv = (T) 1 / s;
        for (int k = 0; k < len; k++) out[off + k * inner] = m_exp(x[off + k * inner] - m) * inv;
    }
}

KERNEL softmax_backward(const T* y, int yoff, const T* g, int goff, T* out, int outer, int len, int inner, int lg) {
    int p = GID;
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
        out[j] = lg ? g[j] - m_exp(y[j]) * s : y[j] * (g[j] - s);
    }
}
