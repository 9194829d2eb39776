// Stable sort of each line of a contiguous [outer, len, inner] layout: bottom-up merge sort per thread on
// (key, index) scratch. NaN sorts as the largest value (as PyTorch); equal keys keep index order in both
// directions.
#include "common.cuh"

DEV int before(ACC a, ACC b, int desc) {
    if (desc) return (a > b) || (m_isnan(a) && !m_isnan(b));
    return (a < b) || (!m_isnan(a) && m_isnan(b));
}

KERNEL sort_lines(const uchar* x, int xdt, int xoff, uchar* vals, i64* outIdx, ACC* k0, ACC* k1, int* i0, int* i1,
                  int outer, int len, int inner, int desc) {
    int line = GID;
    if (line >= outer * inner) return;
    int o = line / inner, in = line % inner;
    int start = o * len * inner + in;
    ACC* ka = k0 + (i64) line * len;
    ACC* kb = k1 + (i64) line * len;
    int* ia = i0 + (i64) line * len;
    int* ib = i1 + (i64) line * len;
    for (int k = 0; k < len; k++) {
        ka[k] = ld(x, xdt, xoff + start + k * inner);
        ia[k] = k;
    }
    for (int width = 1; width < len; width *= 2) {
        for (int lo = 0; lo < len; lo += 2 * width) {
            int mid = min(lo + width, len), hi = min(lo + 2 * width, len);
            int a = lo, b = mid, d = lo;
            while (a < mid && b < hi) {
                if (before(ka[b], ka[a], desc)) { kb[d] = ka[b]; ib[d++] = ia[b++]; }
                else { kb[d] = ka[a]; ib[d++] = ia[a++]; }
            }
            while (a < mid) { kb[d] = ka[a]; ib[d++] = ia[a++]; }
            while (b < hi) { kb[d] = ka[b]; ib[d++] = ia[b++]; }
        }
        ACC* tk = ka; ka = kb; kb = tk;
        int* ti = ia; ia = ib; ib = ti;
    }
    int es = esize(xdt);
    for (int k = 0; k < len; k++) {
        int j = start + k * inner;
        cp(x, xoff + start + ia[k] * inner, vals, j, es);
        outIdx[j] = ia[k];
    }
}

// median: a line holding NaN gives its first NaN and that index (as PyTorch); vals/outIdx are [outer, 1, inner].
KERNEL median_nan(const uchar* x, int xdt, int xoff, uchar* vals, i64* outIdx, int outer, int len, int inner) {
    int line = GID;
    if (line >= outer * inner) return;
    int o = line / inner, in = line % inner, start = xoff + o * len * inner + in;
    for (int k = 0; k < len; k++) {
        if (m_isnan(ld(x, xdt, start + k * inner))) {
            cp(x, start + k * inner, vals, line, esize(xdt));
            outIdx[line] = k;
            return;
        }
    }
}
