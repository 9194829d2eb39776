// Max, average and adaptive average pooling over contiguous [planes, H, W]; backward passes run one work-item
// per plane in the CPU backend's order, so no atomics are needed and results are deterministic.

kernel void max_pool(global const T* x, int xoff, global T* out, global long* idx, int H, int W, int oh, int ow,
                     int kH, int kW, int sH, int sW, int pH, int pW, int total) {
    int o = get_global_id(0);
    if (o >= total) return;
    int pl = o / (oh * ow), y = (o / ow) % oh, xx = o % ow;
    int y0 = y * sH - pH, y1 = min(y0 + kH, H);
    y0 = max(y0, 0);
    int x0 = xx * sW - pW, x1 = min(x0 + kW, W);
    x0 = max(x0, 0);
    global const T* base = x + xoff + pl * H * W;
    T best = -INFINITY;
    int arg = y0 * W + x0;
    for (int iy = y0; iy < y1; iy++) {
        int stop = 0;
        for (int ix = x0; ix < x1; ix++) {
            T v = base[iy * W + ix];
            if (v > best || isnan(v)) {
                best = v;
                arg = iy * W + ix;
                if (isnan(v)) { stop = 1; break; }
            }
        }
        if (stop) break;
    }
    out[o] = best;
    idx[o] = arg;
}

kernel void max_pool_backward(global const T* gy, int goff, global const long* idx, int ioff, global T* gx,
                              int hw, int ohw, int planes) {
    int pl = get_global_id(0);
    if (pl >= planes) return;
    for (int i = 0; i < ohw; i++) {
        int t = pl * hw + (int) idx[ioff + pl * ohw + i];
        gx[t] += gy[goff + pl * ohw + i];
    }
}

// PyTorch's window: clipped to the padded input for the divisor (count_include_pad), then to the input.
inline int4 window(int o, int s, int pad, int k, int size) {
    int start = o * s - pad, end = min(start + k, size + pad);
    int padded = end - start;
    return (int4) (max(start, 0), min(end, size), padded, 0);
}

kernel void avg_pool(global const T* x, int xoff, global T* out, int H, int W, int oh, int ow,
                     int kH, int kW, int sH, int sW, int pH, int pW, int includePad, int total) {
    int o = get_global_id(0);
    if (o >= total) return;
    int pl = o / (oh * ow), y = (o / ow) % oh, xx = o % ow;
    int4 wy = window(y, sH, pH, kH, H), wx = window(xx, sW, pW, kW, W);
    global const T* base = x + xoff + pl * H * W;
    T s = 0;
    for (int iy = wy.x; iy < wy.y; iy++)
        for (int ix = wx.x; ix < wx.y; ix++) s += base[iy * W + ix];
    int div = includePad ? wy.z * wx.z : (wy.y - wy.x) * (wx.y - wx.x);
    out[o] = s / div;
}

kernel void avg_pool_backward(global const T* gy, int goff, global T* gx, int H, int W, int oh, int ow,
                              int kH, int kW, int sH, int sW, int pH, int pW, int includePad, int planes) {
    int pl = get_global_id(0);
    if (pl >= planes) return;
    for (int y = 0; y < oh; y++) {
        int4 wy = window(y, sH, pH, kH, H);
        for (int xx = 0; xx < ow; xx++) {
            int4 wx = window(xx, sW, pW, kW, W);
            int div = includePad ? wy.z * wx.z : (wy.y - wy.x) * (wx.y - wx.x);
            T g = gy[goff + (pl * oh + y) * ow + xx] / div;
            for (int iy = wy.x; iy < wy.y; iy++)
                for (int ix = wx.x; ix < wx.y; ix++) gx[pl * H * W + iy * W + ix] += g;
        }
    }
}

kernel void adaptive_avg_pool(global const T* x, int xoff, global T* out, int H, int W, int oh, int ow, int total) {
    int o = get_global_id(0);
    if (o >= total) return;
    int pl = o / (oh * ow), y = (o / ow) % oh, xx = o % ow;
    int y0 = y * H / oh, y1 = ((y + 1) * H + oh - 1) / oh;
    int x0 = xx * W / ow, x1 = ((xx + 1) * W + ow - 1) / ow;
    global const T* base = x + xoff + pl * H * W;
    T s = 0;
    for (int iy = y0; iy < y1; iy++)
        for (int ix = x0; ix < x1; ix++) s += base[iy * W + ix];
    out[o] = s / ((y1 - y0) * (x1 - x0));
}

kernel void adaptive_avg_pool_backward(global const T* gy, int goff, global T* gx, int H, int W, int oh, int ow, int planes) {
    int pl = get_global_id(0);
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
