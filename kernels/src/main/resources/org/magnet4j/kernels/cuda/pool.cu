// Max, average and adaptive average pooling over contiguous [planes, H, W]; backward passes run one thread per
// plane in the CPU backend's order, so no atomics are needed and results are deterministic.
#include "common.cuh"

KERNEL max_pool(const T* x, int xoff, T* out, i64* idx, int H, int W, int oh, int ow,
                int kH, int kW, int sH, int sW, int pH, int pW, int total) {
    int o = GID;
    if (o >= total) return;
    int pl = o / (oh * ow), y = (o / ow) % oh, xx = o % ow;
    int y0 = y * sH - pH, y1 = min(y0 + kH, H);
    y0 = max(y0, 0);
    int x0 = xx * sW - pW, x1 = min(x0 + kW, W);
    x0 = max(x0, 0);
    const T* base = x + xoff + pl * H * W;
    T best = -INF_T;
    int arg = y0 * W + x0;
    for (int iy = y0; iy < y1; iy++) {
        int stop = 0;
        for (int ix = x0; ix < x1; ix++) {
            T v = base[iy * W + ix];
            if (v > best || m_isnan(v)) {
                best = v;
                arg = iy * W + ix;
                if (m_isnan(v)) { stop = 1; break; }
            }
        }
        if (stop) break;
    }
    out[o] = best;
    idx[o] = arg;
}

KERNEL max_pool_backward(const T* gy, int goff, const i64* idx, int ioff, T* gx, int hw, int ohw, int planes) {
    int pl = GID;
    if (pl >= planes) return;
    for (int i = 0; i < ohw; i++) {
        int t = pl * hw + (int) idx[ioff + pl * ohw + i];
        gx[t] += gy[goff + pl * ohw + i];
    }
}

// PyTorch's window: clipped to the padded input for the divisor (count_include_pad), then to the input.
struct Win { int lo, hi, padded; };

DEV Win window(int o, int s, int pad, int k, int size) {
    int start = o * s - pad, end = min(start + k, size + pad);
    Win w;
    w.padded = end - start;
    w.lo = max(start, 0);
    w.hi = min(end, size);
    return w;
}

KERNEL avg_pool(const T* x, int xoff, T* out, int H, int W, int oh, int ow,
                int kH, int kW, int sH, int sW, int pH, int pW, int includePad, int total) {
    int o = GID;
    if (o >= total) return;
    int pl = o / (oh * ow), y = (o / ow) % oh, xx = o % ow;
    Win wy = window(y, sH, pH, kH, H), wx = window(xx, sW, pW, kW, W);
    const T* base = x + xoff + pl * H * W;
    T s = 0;
    for (int iy = wy.lo; iy < wy.hi; iy++)
        for (int ix = wx.lo; ix < wx.hi; ix++) s += base[iy * W + ix];
    int div = includePad ? wy.padded * wx.padded : (wy.hi - wy.lo) * (wx.hi - wx.lo);
    out[o] = s / div;
}

KERNEL avg_pool_backward(const T* gy, int goff, T* gx, int H, int W, int oh, int ow,
                         int kH, int kW, int sH, int sW, int pH, int pW, int includePad, int planes) {
    int pl = GID;
    if (pl >= planes) return;
    for (int y = 0; y < oh; y++) {
        Win wy = window(y, sH, pH, kH, H);
        for (int xx = 0; xx < ow; xx++) {
            Win wx = window(xx, sW, pW, kW, W);
            int div = includePad ? wy.padded * wx.padded : (wy.hi - wy.lo) * (wx.hi - wx.lo);
            T g = gy[goff + (pl * oh + y) * ow + xx] / div;
            for (int iy = wy.lo; iy < wy.hi; iy++)
                for (int ix = wx.lo; ix < wx.hi; ix++) gx[pl * H * W + iy * W + ix] += g;
        }
    }
}

KERNEL adaptive_avg_pool(const T* x, int xoff, T* out, int H, int W, int oh, int ow, int total) {
    int o = GID;
    if (o >= total) return;
    int pl = o / (oh * ow), y = (o / ow) % oh, xx = o % ow;
    int y0 = y * H / oh, y1 = ((y + 1) * H + oh - 1) / oh;
    int x0 = xx * W / ow, x1 = ((xx + 1) * W + ow - 1) / ow;
    const T* base = x + xoff + pl * H * W;
    T s = 0;
    for (int iy = y0; iy < y1; iy++)
        for (int ix = x0; ix < x1; ix++) s += base[iy * W + ix];
    out[o] = s / ((y1 - y0) * (x1 - x0));
}

KERNEL adaptive_avg_pool_backward(const T* gy, int goff, T* gx, int H, int W, int oh, int ow, int planes) {
    int pl = GID;
    if (pl >= planes) return;
    for (int y = 0; y < oh; y++) {
        int y0 = y * H / oh, y1 = ((y + 1) * H + oh - 1) / oh;
        for (int xx = 0; xx < ow; xx++) {
            int x0 = xx * W / ow, x1 = ((xx + 1) * W + ow - 1) / ow;
            T g = gy[goff + (pl * oh + y) * ow + xx] / ((y1 - y0) * (x1 - x0));
            for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++) gx[pl * H * W + iy * W + ix] += g;
        }
    }
}
