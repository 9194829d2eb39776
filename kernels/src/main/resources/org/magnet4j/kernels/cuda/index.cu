// gather, scatter (write or add, one thread per line along dim, in index order), and the take/put halves of
// masked select/scatter (positions computed on the host).
#include "common.cuh"

// Storage index in view v of the element whose coords are those of row-major element p of shape sv,
// with coordinate dim replaced by at (dim < 0: no replacement).
DEV int coord_off(const View* sv, int p, const View* v, int dim, int at) {
    int off = v->offset;
    for (int d = sv->rank - 1; d >= 0; d--) {
        int s = sv->shape[d];
        int c = p % s;
        p /= s;
        off += (d == dim ? at : c) * v->stride[d];
    }
    return off;
}

KERNEL gather(const uchar* x, View xv, const i64* idx, int ioff, View iv, uchar* out, int es, int dim, int n) {
    int p = GID;
    if (p >= n) return;
    cp(x, coord_off(&iv, p, &xv, dim, (int) idx[ioff + p]), out, p, es);
}

// iv: the index shape (contiguous strides); lines run over every coordinate but dim.
KERNEL scatter_lines(uchar* out, int odt, View ov, const i64* idx, int ioff, View iv,
                     const uchar* src, int sdt, View sv, int dim, int accumulate, int lines) {
    int line = GID;
    if (line >= lines) return;
    int len = iv.shape[dim], istr = iv.stride[dim];
    int outerSpan = len * istr;
    int p0 = (line / istr) * outerSpan + line % istr;
    for (int k = 0; k < len; k++) {
        int p = p0 + k * istr;
        int t = coord_off(&iv, p, &ov, dim, (int) idx[ioff + p]);
        int s = coord_off(&iv, p, &sv, -1, 0);
        if (accumulate) st(out, odt, t, ld(out, odt, t) + ld(src, sdt, s));
        else if (odt == sdt) cp(src, s, out, t, esize(odt));
        else st(out, odt, t, ld(src, sdt, s));
    }
}

KERNEL take(const uchar* x, View xv, const int* pos, uchar* out, int es, int n) {
    int k = GID;
    if (k >= n) return;
    cp(x, voff(&xv, pos[k]), out, k, es);
}

KERNEL put(uchar* out, const int* pos, const uchar* src, View sv, int es, int n) {
    int k = GID;
    if (k >= n) return;
    cp(src, voff(&sv, k), out, pos[k], es);
}
