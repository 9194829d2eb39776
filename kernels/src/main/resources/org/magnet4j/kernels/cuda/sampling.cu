// interpolate, grid_sample and roi_align with the CPU backend's (PyTorch's) semantics. Coordinate tables are
// computed on the host exactly as the CPU backend does and passed in; these kernels only apply them. Gradient
// scatters with arbitrary collisions run one thread per plane in the CPU's order: no atomics, deterministic.
#include "common.cuh"

// out[p, oy, ox] = (x[r0 + c0] * b0 + x[r0 + c1] * b1) * a0 + (x[r1 + c0] * b0 + x[r1 + c1] * b1) * a1
KERNEL interpolate(const T* x, int xoff, T* out, int H, int W, int oh, int ow, int nearest,
                   const int* y0, const int* y1, const T* wy0, const T* wy1,
                   const int* x0, const int* x1, const T* wx0, const T* wx1, int total) {
    int o = GID;
    if (o >= total) return;
    int p = o / (oh * ow), oy = (o / ow) % oh, ox = o % ow;
    const T* base = x + xoff + p * H * W;
    int r0 = y0[oy] * W, r1 = y1[oy] * W, c0 = x0[ox], c1 = x1[ox];
    if (nearest) { out[o] = base[r0 + c0]; return; }
    T a0 = wy0[oy], a1 = wy1[oy], b0 = wx0[ox], b1 = wx1[ox];
    out[o] = (base[r0 + c0] * b0 + base[r0 + c1] * b1) * a0 + (base[r1 + c0] * b0 + base[r1 + c1] * b1) * a1;
}

// The adjoint as a gather: input index i is read by the outputs [lo[i], hi[i]) of its axis (a contiguous range,
// the tables being monotone), with weight (i0 == i ? w0 : 0) + (i1 == i ? w1 : 0).
DEV T tapw(int o, int i, const int* i0, const int* i1, const T* w0, const T* w1) {
    return (i0[o] == i ? w0[o] : (T) 0) + (i1[o] == i ? w1[o] : (T) 0);
}

KERNEL interpolate_backward(const T* g, int goff, T* gx, int H, int W, int oh, int ow,
                            const int* y0, const int* y1, const T* wy0, const T* wy1, const int* ylo, const int* yhi,
                            const int* x0, const int* x1, const T* wx0, const T* wx1, const int* xlo, const int* xhi,
                            int total) {
    int i = GID;
    if (i >= total) return;
    int p = i / (H * W), iy = (i / W) % H, ix = i % W;
    const T* gp = g + goff + p * oh * ow;
    T s = 0;
    for (int oy = ylo[iy]; oy < yhi[iy]; oy++) {
        T a = tapw(oy, iy, y0, y1, wy0, wy1);
        if (a == (T) 0) continue;
        T r = 0;
        for (int ox = xlo[ix]; ox < xhi[ix]; ox++) r += tapw(ox, ix, x0, x1, wx0, wx1) * gp[oy * ow + ox];
        s += a * r;
    }
    gx[i] = s;
}

DEV T unnormalize(T g, int size, int ac) { return ac ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2; }

// grid [N, Ho, Wo, 2] contiguous; zero padding.
KERNEL grid_sample(const T* x, int xoff, const T* grid, int goff, T* out, int C, int H, int W, int ho, int wo, int ac, int total) {
    int o = GID;
    if (o >= total) return;
    int b = o / (C * ho * wo), ch = (o / (ho * wo)) % C, q = o % (ho * wo);
    int gi = goff + (b * ho * wo + q) * 2;
    T ix = unnormalize(grid[gi], W, ac), iy = unnormalize(grid[gi + 1], H, ac);
    T fx = m_floor(ix), fy = m_floor(iy);
    int xw = (int) fx, yn = (int) fy, xe = xw + 1, ys = yn + 1;
    int inW = fx >= 0 && fx < W, inE = fx + 1 >= 0 && fx + 1 < W, inN = fy >= 0 && fy < H, inS = fy + 1 >= 0 && fy + 1 < H;
    const T* base = x + xoff + (b * C + ch) * H * W;
    T v = 0;
    if (inN && inW) v += base[yn * W + xw] * ((xe - ix) * (ys - iy));
    if (inN && inE) v += base[yn * W + xe] * ((ix - xw) * (ys - iy));
    if (inS && inW) v += base[ys * W + xw] * ((xe - ix) * (iy - yn));
    if (inS && inE) v += base[ys * W + xe] * ((ix - xw) * (iy - yn));
    out[o] = v;
}

// grad input: one thread per plane, grid points in order (no atomics); gx zero-filled.
KERNEL grid_sample_backward_input(const T* g, int gyoff, const T* grid, int goff, T* gx, int C, int H, int W, int pts, int ac,
                                  int planes) {
    int p = GID;
    if (p >= planes) return;
    int b = p / C;
    T* base = gx + p * H * W;
    for (int q = 0; q < pts; q++) {
        int gi = goff + (b * pts + q) * 2;
        T ix = unnormalize(grid[gi], W, ac), iy = unnormalize(grid[gi + 1], H, ac);
        T fx = m_floor(ix), fy = m_floor(iy);
        int xw = (int) fx, yn = (int) fy, xe = xw + 1, ys = yn + 1;
        int inW = fx >= 0 && fx < W, inE = fx + 1 >= 0 && fx + 1 < W, inN = fy >= 0 && fy < H, inS = fy + 1 >= 0 && fy + 1 < H;
        T v = g[gyoff + p * pts + q];
        if (inN && inW) base[yn * W + xw] += (xe - ix) * (ys - iy) * v;
        if (inN && inE) base[yn * W + xe] += (ix - xw) * (ys - iy) * v;
        if (inS && inW) base[ys * W + xw] += (xe - ix) * (iy - yn) * v;
        if (inS && inE) base[ys * W + xe] += (ix - xw) * (iy - yn) * v;
    }
}

KERNEL grid_sample_backward_grid(const T* g, int gyoff, const T* x, int xoff, const T* grid, int goff, T* gg,
                                 int C, int H, int W, int pts, int ac, int total) {
    int r = GID;
    if (r >= total) return;
    int b = r / pts, q = r % pts, gi = goff + r * 2;
    T ix = unnormalize(grid[gi], W, ac), iy = unnormalize(grid[gi + 1], H, ac);
    T fx = m_floor(ix), fy = m_floor(iy);
    int xw = (int) fx, yn = (int) fy, xe = xw + 1, ys = yn + 1;
    int inW = fx >= 0 && fx < W, inE = fx + 1 >= 0 && fx + 1 < W, inN = fy >= 0 && fy < H, inS = fy + 1 >= 0 && fy + 1 < H;
    T gix = 0, giy = 0;
    for (int ch = 0; ch < C; ch++) {
        const T* base = x + xoff + (b * C + ch) * H * W;
        T v = g[gyoff + (b * C + ch) * pts + q];
        if (inN && inW) { T t = base[yn * W + xw] * v; gix -= t * (ys - iy); giy -= t * (xe - ix); }
        if (inN && inE) { T t = base[yn * W + xe] * v; gix += t * (ys - iy); giy -= t * (ix - xw); }
        if (inS && inW) { T t = base[ys * W + xw] * v; gix -= t * (iy - yn); giy += t * (xe - ix); }
        if (inS && inE) { T t = base[ys * W + xe] * v; gix += t * (iy - yn); giy += t * (ix - xw); }
    }
    T multW = ac ? (W - 1) / (T) 2 : W / (T) 2, multH = ac ? (H - 1) / (T) 2 : H / (T) 2;
    gg[r * 2] = gix * multW;
    gg[r * 2 + 1] = giy * multH;
}

// roi_align: per box meta {batch, gh, gw, yBase, xBase} and count; per sample row/column taps from the host.
KERNEL roi_align(const T* x, int xoff, T* out, int C, int H, int W, int oh, int ow, const int* meta, const T* count,
                 const int* yl, const int* yh, const T* hy, const T* ly, const int* yok,
                 const int* xl, const int* xh, const T* hx, const T* lx, const int* xok, int total) {
    int o = GID;
    if (o >= total) return;
    int k = o / (C * oh * ow), ch = (o / (oh * ow)) % C, ph = (o / ow) % oh, pw = o % ow;
    const int* m = meta + k * 5;
    int gh = m[1], gw = m[2], yb = m[3], xb = m[4];
    const T* base = x + xoff + (m[0] * C + ch) * H * W;
    T a = 0;
    for (int iy = 0; iy < gh; iy++) {
        int t = yb + ph * gh + iy;
        if (!yok[t]) continue;
        int rl = yl[t] * W, rh = yh[t] * W;
        T wy0 = hy[t], wy1 = ly[t];
        for (int ix = 0; ix < gw; ix++) {
            int u = xb + pw * gw + ix;
            if (!xok[u]) continue;
            int cl = xl[u], chh = xh[u];
            T w1 = wy0 * hx[u], w2 = wy0 * lx[u], w3 = wy1 * hx[u], w4 = wy1 * lx[u];
            a += w1 * base[rl + cl] + w2 * base[rl + chh] + w3 * base[rh + cl] + w4 * base[rh + chh];
        }
    }
    out[o] = a / count[k];
}

// backward: one thread per input plane, boxes of its batch in order (no atomics); gx zero-filled.
KERNEL roi_align_backward(const T* g, int goff, T* gx, int C, int H, int W, int oh, int ow, int nk,
                          const int* meta, const T* count,
                          const int* yl, const int* yh, const T* hy, const T* ly, const int* yok,
                          const int* xl, const int* xh, const T* hx, const T* lx, const int* xok, int planes) {
    int p = GID;
    if (p >= planes) return;
    int bi = p / C, ch = p % C;
    T* base = gx + p * H * W;
    for (int k = 0; k < nk; k++) {
        const int* m = meta + k * 5;
        if (m[0] != bi) continue;
        int gh = m[1], gw = m[2], yb = m[3], xb = m[4];
        for (int ph = 0; ph < oh; ph++)
            for (int pw = 0; pw < ow; pw++) {
                T v = g[goff + ((k * C + ch) * oh + ph) * ow + pw] / count[k];
                for (int iy = 0; iy < gh; iy++) {
                    int t = yb + ph * gh + iy;
                    if (!yok[t]) continue;
                    int rl = yl[t] * W, rh = yh[t] * W;
                    T wy0 = hy[t], wy1 = ly[t];
                    for (int ix = 0; ix < gw; ix++) {
                        int u = xb + pw * gw + ix;
                        if (!xok[u]) continue;
                        base[rl + xl[u]] += wy0 * hx[u] * v;
                        base[rl + xh[u]] += wy0 * lx[u] * v;
                        base[rh + xl[u]] += wy1 * hx[u] * v;
                        base[rh + xh[u]] += wy1 * lx[u] * v;
                    }
                }
            }
    }
}
