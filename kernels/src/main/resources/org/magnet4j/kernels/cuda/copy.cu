// Strided copy with dtype conversion, and fill.
#include "common.cuh"

KERNEL copy_view(const uchar* src, int sdt, View sv, uchar* dst, int ddt, View dv, int n) {
    int i = GID;
    if (i >= n) return;
    int so = voff(&sv, i), dof = voff(&dv, i);
    if (sdt == ddt) cp(src, so, dst, dof, esize(sdt));
    else st(dst, ddt, dof, ld(src, sdt, so));
}

KERNEL fill_view(uchar* dst, int ddt, View dv, int n, ACC value) {
    int i = GID;
    if (i >= n) return;
    st(dst, ddt, voff(&dv, i), value);
}
