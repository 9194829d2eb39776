#!/usr/bin/python3
"""Writes SamplingRefs.java: PyTorch 1.13 / torchvision 0.14 reference outputs for the sampling and sort kernels.

Run with the system Python that has torch:  /usr/bin/python3 kernels/src/test/python/make_sampling_refs.py
Inputs are multiples of 1/256 so they are exact in float32 and float64; references are computed in float32.
Arrays are written as strings (parsed by the test) to stay clear of the JVM's 64 KB method-size limit.
"""
import math
import os
import torch
import torch.nn.functional as F
import torchvision
from torchvision.ops import roi_align

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'java', 'org', 'magnet4j', 'kernels', 'cpu', 'SamplingRefs.java')


def q(*shape, lo=-1.0, hi=1.0):
    """Random values quantised to 1/256, exact in float32."""
    return (torch.rand(*shape) * (hi - lo) + lo).mul(256).round().div(256)


def fstr(t):
    vals = t.detach().flatten().tolist()
    out = []
    for v in vals:
        if math.isnan(v):
            out.append('NaN')
        else:
            s = repr(float(torch.tensor(v, dtype=torch.float32).item()))
            # shortest float32 round-trip text
            f32 = torch.tensor(v, dtype=torch.float32)
            for digits in range(1, 10):
                cand = '%.*g' % (digits, v)
                if torch.tensor(float(cand), dtype=torch.float32) == f32:
                    s = cand
                    break
            out.append(s)
    return '"' + ' '.join(out) + '"'


def lstr(t):
    return '"' + ' '.join(str(int(v)) for v in t.flatten().tolist()) + '"'


def ints(xs):
    return 'new int[] {' + ', '.join(str(int(v)) for v in xs) + '}'


def chunked(s):
    # string constants must stay under 65535 bytes
    if len(s) < 60000:
        return s
    body = s[1:-1]
    parts, i = [], 0
    while i < len(body):
        j = min(i + 50000, len(body))
        while j < len(body) and body[j] != ' ':
            j += 1
        parts.append('"' + body[i:j] + '"')
        i = j
    return ' + '.join(parts)


lines = []

# ---------------------------------------------------------------------------------------------- interpolate
interp = []


def add_interp(name, xs, size=None, scale=None, mode='bilinear', ac=False):
    x = q(*xs).requires_grad_()
    kw = {}
    if mode == 'bilinear':
        kw['align_corners'] = ac
    if size is not None:
        y = F.interpolate(x, size=size, mode=mode, **kw)
        oh, ow, sh, sw = size[0], size[1], 0.0, 0.0
    else:
        y = F.interpolate(x, scale_factor=scale, mode=mode, **kw)
        oh, ow = y.shape[2], y.shape[3]
        sh, sw = scale
    gy = q(*y.shape)
    y.backward(gy)
    interp.append('new Interp("%s", %s, %d, %d, %s, %s, %r, %r, F(%s), F(%s), F(%s), F(%s))' % (
        name, ints(xs), oh, ow, 'true' if mode == 'nearest' else 'false', 'true' if ac else 'false', float(sh), float(sw),
        chunked(fstr(x)), chunked(fstr(gy)), chunked(fstr(y)), chunked(fstr(x.grad))))


for mode, ac in (('bilinear', False), ('bilinear', True), ('nearest', False)):
    tag = mode + ('_ac' if ac else '')
    add_interp('7x9_to_16x5_' + tag, (2, 1, 7, 9), size=(16, 5), mode=mode, ac=ac)
    add_interp('13x11_to_4x6_' + tag, (1, 2, 13, 11), size=(4, 6), mode=mode, ac=ac)
    add_interp('scale_0.5_2_' + tag, (1, 2, 7, 9), scale=(0.5, 2.0), mode=mode, ac=ac)
    add_interp('scale_1.7_' + tag, (2, 1, 7, 9), scale=(1.7, 1.7), mode=mode, ac=ac)
    add_interp('scale_1.1_identity_' + tag, (1, 1, 7, 9), scale=(1.1, 1.1), mode=mode, ac=ac)
    add_interp('scale_3.333_' + tag, (1, 1, 3, 10), scale=(10 / 3, 0.3 * 2), mode=mode, ac=ac)
    add_interp('to_1x3_' + tag, (1, 2, 5, 4), size=(1, 3), mode=mode, ac=ac)
    add_interp('double_2x_' + tag, (1, 1, 4, 5), size=(8, 10), mode=mode, ac=ac)

# ---------------------------------------------------------------------------------------------- grid_sample
grids = []
for ac in (False, True):
    for (xs, gs) in (((2, 3, 5, 7), (2, 4, 6)), ((1, 2, 8, 3), (1, 7, 5))):
        x = q(*xs).requires_grad_()
        grid = q(gs[0], gs[1], gs[2], 2, lo=-1.3, hi=1.3)
        grid[0, 0, 0] = torch.tensor([-1.0, 1.0])
        grid[0, 0, 1] = torch.tensor([1.0, -1.0])
        grid = grid.requires_grad_()
        y = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=ac)
        gy = q(*y.shape)
        y.backward(gy)
        grids.append('new Grid("%s", %s, %s, %s, F(%s), F(%s), F(%s), F(%s), F(%s), F(%s))' % (
            'grid_%dx%d_%s' % (xs[2], xs[3], 'ac' if ac else 'noac'), ints(xs), ints(grid.shape), 'true' if ac else 'false',
            fstr(x), fstr(grid), fstr(gy), fstr(y), fstr(x.grad), fstr(grid.grad)))

# ---------------------------------------------------------------------------------------------- roi_align
rois = []
xs = (2, 2, 10, 12)
boxes = torch.tensor([
    [0, 1.25, 2.5, 7.75, 8.0],     # inside
    [1, -3.0, -2.0, 5.5, 4.25],    # partly outside top-left
    [0, 8.0, 6.0, 15.5, 13.0],     # partly outside bottom-right
    [1, 3.0, 3.0, 3.5, 3.25],      # tiny (clamped to 1 when not aligned)
    [0, -1.5, -0.75, 12.5, 10.25],  # covers the image
    [1, 11.0, 9.5, 14.0, 12.0],    # mostly outside
])
for scale in (1.0, 0.5):
    for sr in (-1, 0, 2):
        for aligned in (False, True):
            x = q(*xs).requires_grad_()
            b = boxes.clone()
            if scale != 1.0:
                b[:, 1:] *= 2  # same regions in input pixels after scaling
            y = roi_align(x, b, output_size=(3, 4), spatial_scale=scale, sampling_ratio=sr, aligned=aligned)
            gy = q(*y.shape)
            y.backward(gy)
            rois.append('new Roi("%s", %s, %d, %d, %r, %d, %s, F(%s), F(%s), F(%s), F(%s), F(%s))' % (
                'roi_s%g_sr%d_%s' % (scale, sr, 'aligned' if aligned else 'unaligned'), ints(xs), 3, 4, scale, sr,
                'true' if aligned else 'false', fstr(x), fstr(b), fstr(gy), fstr(y), fstr(x.grad)))

# ---------------------------------------------------------------------------------------------- sort / topk / median
sorts = []
nan = float('nan')
sx = torch.tensor([
    [3, 1, 3, nan, 1, 2, 3, nan, 1, -0.5, 2, 0],
    [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
    [0.25, -1, 7, 0.25, -1, 7, 0.25, -1, 7, 4, 4, -2],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2],
    [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
])
for dim in (1, 0):
    for desc in (False, True):
        v, i = torch.sort(sx, dim=dim, descending=desc, stable=True)
        sorts.append('new Sort(%d, %s, F(%s), L(%s))' % (dim, 'true' if desc else 'false', fstr(v), lstr(i)))
topks = []
for dim, k in ((1, 5), (0, 2), (1, 12), (1, 0)):
    for largest in (True, False):
        v, i = torch.sort(sx, dim=dim, descending=largest, stable=True)
        v, i = v.narrow(dim, 0, k), i.narrow(dim, 0, k)
        tv, ti = torch.topk(sx, k, dim=dim, largest=largest, sorted=True)
        assert torch.equal(torch.nan_to_num(tv, 99), torch.nan_to_num(v, 99)), 'topk values differ from stable sort'
        topks.append('new Topk(%d, %d, %s, F(%s), L(%s), L(%s))' % (dim, k, 'true' if largest else 'false', fstr(v), lstr(i), lstr(ti)))
medians = []
mx = torch.tensor([
    [2, 1, 2, 1, 2, 1, 3],
    [5, 5, 5, 5, 5, 5, 5],
    [1, nan, 2, nan, 0, 0, 0],
    [4, 3, 2, 1, 0, -1, -2],
    [0.5, 0.5, -1, -1, 0.5, -1, 0.5],
])
for row in (mx, mx[:, :6]):
    for dim in (1, 0):
        v, i = torch.median(row, dim=dim)
        medians.append('new Median(%s, %d, F(%s), F(%s), L(%s))' % (ints(row.shape), dim, fstr(row), fstr(v), lstr(i)))

with open(OUT, 'w') as f:
    f.write('''package org.magnet4j.kernels.cpu;

// GENERATED by kernels/src/test/python/make_sampling_refs.py with torch %s, torchvision %s. Do not edit.

/** PyTorch reference cases for {@code SamplingKernelsTest} and {@code SortKernelsTest}; arrays are kept as text. */
final class SamplingRefs {
    private SamplingRefs() {}

    record Interp(String name, int[] xs, int oh, int ow, boolean nearest, boolean alignCorners, double sh, double sw,
                  float[] x, float[] gy, float[] y, float[] gx) {}

    record Grid(String name, int[] xs, int[] gs, boolean alignCorners, float[] x, float[] grid, float[] gy, float[] y,
                float[] gx, float[] ggrid) {}

    record Roi(String name, int[] xs, int oh, int ow, double scale, int samplingRatio, boolean aligned, float[] x,
               float[] boxes, float[] gy, float[] y, float[] gx) {}

    /** torch.sort(stable=True) of SORT_X. */
    record Sort(int dim, boolean descending, float[] values, long[] indices) {}

    /** Stable-sort prefix (our tie rule) and, for the record, torch.topk's own indices (ties in no fixed order). */
    record Topk(int dim, int k, boolean largest, float[] values, long[] indices, long[] torchIndices) {}

    record Median(int[] shape, int dim, float[] x, float[] values, long[] indices) {}

    static float[] F(String s) {
        String[] p = s.trim().split(" ");
        if (s.isBlank()) return new float[0];
        float[] a = new float[p.length];
        for (int i = 0; i < p.length; i++) a[i] = Float.parseFloat(p[i]);
        return a;
    }

    static long[] L(String s) {
        if (s.isBlank()) return new long[0];
        String[] p = s.trim().split(" ");
        long[] a = new long[p.length];
        for (int i = 0; i < p.length; i++) a[i] = Long.parseLong(p[i]);
        return a;
    }

''' % (torch.__version__, torchvision.__version__))
    f.write('    static final Interp[] INTERP = {\n        ' + ',\n        '.join(interp) + '};\n\n')
    f.write('    static final Grid[] GRID = {\n        ' + ',\n        '.join(grids) + '};\n\n')
    f.write('    static final Roi[] ROI = {\n        ' + ',\n        '.join(rois) + '};\n\n')
    f.write('    static final int[] SORT_SHAPE = %s;\n\n' % ints(sx.shape))
    f.write('    static final float[] SORT_X = F(%s);\n\n' % fstr(sx))
    f.write('    static final Sort[] SORT = {\n        ' + ',\n        '.join(sorts) + '};\n\n')
    f.write('    static final Topk[] TOPK = {\n        ' + ',\n        '.join(topks) + '};\n\n')
    f.write('    static final Median[] MEDIAN = {\n        ' + ',\n        '.join(medians) + '};\n')
    f.write('}\n')
print('wrote', os.path.normpath(OUT), os.path.getsize(OUT), 'bytes')
