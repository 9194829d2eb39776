// Strided copy with dtype conversion, and fill.
kernel void copy_view(global const uchar* src, int sdt, View sv, global uchar* dst, int ddt, View dv, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int so = voff(&sv, i), dof = voff(&dv, i);
    if (sdt == ddt) cp(src, so, dst, dof, esize(sdt));
    else st(dst, ddt, dof, ld(src, sdt, so));
}

kernel void fill_view(global uchar* dst, int ddt, View dv, int n, ACC value) {
    int i = get_global_id(0);
    if (i >= n) return;
    st(dst, ddt, voff(&dv, i), value);
}
