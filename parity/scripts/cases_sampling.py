"""interpolate, grid_sample, roi_align, median blur."""
import torch
import torch.nn.functional as F
import torchvision

from parity_lib import EW, RED, Gen, case

# name, input HxW, mode, size or None, scale_factor or None, align_corners, dtype
INTERP = [
    ('interp_nearest_up_size_7x9_to_16x20', (7, 9), 'nearest', (16, 20), None, None),
    ('interp_nearest_size_7x9_to_16x5', (7, 9), 'nearest', (16, 5), None, None),
    ('interp_nearest_down_size_13x11_to_4x6', (13, 11), 'nearest', (4, 6), None, None),
    ('interp_nearest_scale2', (7, 9), 'nearest', None, 2.0, None),
    ('interp_nearest_scale0p5', (13, 11), 'nearest', None, 0.5, None),
    ('interp_nearest_scale1p7', (7, 9), 'nearest', None, 1.7, None),
    ('interp_nearest_scale_1p7_0p45', (9, 7), 'nearest', None, (1.7, 0.45), None),
    ('interp_bilinear_ac0_size_7x9_to_16x5', (7, 9), 'bilinear', (16, 5), None, False),
    ('interp_bilinear_ac1_size_7x9_to_16x5', (7, 9), 'bilinear', (16, 5), None, True),
    ('interp_bilinear_ac0_size_13x11_to_4x6', (13, 11), 'bilinear', (4, 6), None, False),
    ('interp_bilinear_ac1_size_13x11_to_4x6', (13, 11), 'bilinear', (4, 6), None, True),
    ('interp_bilinear_ac0_up_size_5x6_to_23x17', (5, 6), 'bilinear', (23, 17), None, False),
    ('interp_bilinear_ac1_up_size_5x6_to_23x17', (5, 6), 'bilinear', (23, 17), None, True),
    ('interp_bilinear_ac0_scale2', (7, 9), 'bilinear', None, 2.0, False),
    ('interp_bilinear_ac1_scale2', (7, 9), 'bilinear', None, 2.0, True),
    ('interp_bilinear_ac0_scale0p5', (13, 11), 'bilinear', None, 0.5, False),
    ('interp_bilinear_ac0_scale1p7', (7, 9), 'bilinear', None, 1.7, False),
    ('interp_bilinear_ac1_scale1p7', (7, 9), 'bilinear', None, 1.7, True),
    ('interp_bilinear_ac0_scale_1p7_0p45', (9, 7), 'bilinear', None, (1.7, 0.45), False),
    ('interp_bilinear_ac0_to_1x1', (7, 9), 'bilinear', (1, 1), None, False),
    ('interp_bilinear_ac1_to_1x1', (7, 9), 'bilinear', (1, 1), None, True),
    ('interp_bilinear_ac0_size_7x9_to_16x5_f64', (7, 9), 'bilinear', (16, 5), None, False),
    ('interp_bilinear_ac1_scale1p7_f64', (7, 9), 'bilinear', None, 1.7, True),
    ('interp_bilinear_ac0_scale0p5_f64', (13, 11), 'bilinear', None, 0.5, False),
    ('interp_nearest_size_13x11_to_4x6_f64', (13, 11), 'nearest', (4, 6), None, None),
]

SCALE_NOTE = ('scale_factor with recompute_scale_factor=None (PyTorch 1.13): output size = floor(in * s) per axis, and the '
              'source coordinate uses the GIVEN scale, i.e. step 1/s (not in/out): nearest src = min(floor(dst * (1/s)), in-1), '
              'bilinear align_corners=False src = max((dst + 0.5) / s - 0.5, 0); align_corners=True ignores s and uses '
              '(in-1)/(out-1). 1/s is computed in float32 for float32 tensors.')


def make():
    for name, hw, mode, size, sf, ac in INTERP:
        dt = torch.float64 if name.endswith('_f64') else torch.float32
        g = Gen(name)
        x = g.randn(2, 3, *hw, dtype=dt)
        sfl = None if sf is None else (list(sf) if isinstance(sf, tuple) else [sf, sf])
        args = {'size': list(size) if size else None, 'scale_factor': sfl, 'mode': mode, 'align_corners': ac,
                'recompute_scale_factor': None}

        def f(x, size=size, sfl=sfl, mode=mode, ac=ac):
            return F.interpolate(x, size=size, scale_factor=None if sfl is None else tuple(sfl), mode=mode, align_corners=ac)
        note = 'mode %s; ' % mode + ('nearest: src = min(floor(dst * in/out), in-1) (legacy "nearest", not nearest-exact)'
                                     if size and mode == 'nearest' else '') + (SCALE_NOTE if sf else '')
        case(name, 'interpolate', args, [x], f, grad=True, tol=RED, note=note)

    for name, ac, hw, ohw, n in [('grid_sample_ac0', False, (5, 7), (6, 4), 2), ('grid_sample_ac1', True, (5, 7), (6, 4), 2),
                                 ('grid_sample_ac0_odd', False, (9, 4), (3, 11), 1), ('grid_sample_ac1_f64', True, (6, 5), (4, 7), 2),
                                 ('grid_sample_ac0_f64', False, (6, 5), (4, 7), 2)]:
        dt = torch.float64 if name.endswith('_f64') else torch.float32
        g = Gen(name)
        x = g.randn(n, 3, *hw, dtype=dt)
        grid = g.uniform(-1.3, 1.3, n, *ohw, 2, dtype=dt)
        # a few exact pixel centres and exact borders
        grid[0, 0, 0] = torch.tensor([-1.0, -1.0], dtype=dt)
        grid[0, 0, 1] = torch.tensor([1.0, 1.0], dtype=dt)
        grid[0, 0, 2] = torch.tensor([0.0, 0.0], dtype=dt)
        case(name, 'grid_sample', {'mode': 'bilinear', 'padding_mode': 'zeros', 'align_corners': ac}, [x, grid],
             lambda x, gr, ac=ac: F.grid_sample(x, gr, mode='bilinear', padding_mode='zeros', align_corners=ac),
             grad=True, tol=RED,
             note='inputs: x (N,C,H,W), grid (N,Ho,Wo,2) with (x, y) in [-1.3, 1.3] (points outside read zeros). '
                  'align_corners=True: -1/1 are the centres of the corner pixels; False: the outer edges of the corner pixels.')

    # roi_align: inputs x (N,C,H,W), boxes (K,5) = [batch_index, x1, y1, x2, y2]
    boxes = torch.tensor([
        [0, 1.3, 0.7, 6.2, 5.9],
        [1, -2.0, -1.5, 4.0, 3.0],     # partly outside (top-left)
        [2, 3.5, 2.25, 13.0, 11.5],    # partly outside (bottom-right)
        [1, 0.0, 0.0, 10.0, 8.0],      # whole image
        [0, 4.4, 4.4, 4.9, 5.1],       # tiny box (smaller than one output bin)
        [2, 2.0, 6.0, 9.5, 7.0],       # flat
    ], dtype=torch.float32)
    for name, out, scale, sr, aligned in [
            ('roi_align_s1_srm1', (4, 5), 1.0, -1, False), ('roi_align_s1_sr0', (4, 5), 1.0, 0, False),
            ('roi_align_s1_sr2', (3, 3), 1.0, 2, False), ('roi_align_s0p5_srm1', (4, 5), 0.5, -1, False),
            ('roi_align_s1_srm1_aligned', (4, 5), 1.0, -1, True), ('roi_align_s0p5_sr2_aligned', (3, 4), 0.5, 2, True),
            ('roi_align_s1_srm1_f64', (4, 5), 1.0, -1, False)]:
        dt = torch.float64 if name.endswith('_f64') else torch.float32
        g = Gen(name)
        h, w = (9, 11) if scale == 1.0 else (5, 6)
        x = g.randn(3, 2, h, w, dtype=dt)
        case(name, 'roi_align', {'output_size': list(out), 'spatial_scale': scale, 'sampling_ratio': sr, 'aligned': aligned},
             [x, boxes.to(dt)],
             lambda x, b, out=out, scale=scale, sr=sr, aligned=aligned: torchvision.ops.roi_align(x, b, out, scale, sr, aligned),
             grad=True, grad_inputs=[0], tol=RED,
             note='torchvision.ops.roi_align; boxes (K,5) rows [batch_index, x1, y1, x2, y2] in input pixels before '
                  'spatial_scale. sampling_ratio <= 0 = adaptive ceil(roi_size/out) samples per bin (0 and -1 behave the same). '
                  'aligned=False: roi size clamped to >= 1, no half-pixel shift; True: shift by -0.5, no clamp. '
                  'Samples with y < -1 or y > H (x likewise) read 0; others are clamped into the image. Grad only for x.')

    for k in [3, 4, 5]:
        for hw in [(7, 9), (6, 5)]:
            name = 'median_blur_k%d_%dx%d' % (k, hw[0], hw[1])
            g = Gen(name)
            x = g.ties(1, 2, *hw, levels=5) * 0.25
            x[0, 0, 1:3, 1:4] = g.randn(2, 3)  # some non-tie values

            def f(x, k=k):
                p = (k - 1) // 2
                n, c, h, w = x.shape
                cols = F.unfold(x.reshape(n * c, 1, h, w), k, padding=p)           # (n*c, k*k, Ho*Wo)
                ho, wo = h + 2 * p - k + 1, w + 2 * p - k + 1
                return cols.median(dim=1).values.reshape(n, c, ho, wo)
            case(name, 'median_blur', {'kernel_size': k}, [x], f,
                 note='MagNet smoothing: zero pad (k-1)//2 on all sides, k x k windows (stride 1), median over the k*k '
                      'values (the lower middle value for even k*k). Output H+2p-k+1 x W+2p-k+1: the same size for odd k, '
                      'one smaller per axis for even k.')
