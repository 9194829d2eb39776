"""conv2d, batch_norm, pooling."""
import torch
import torch.nn.functional as F

from parity_lib import EW, RED, Gen, case

# name, N, Cin, H, W, Cout, k, stride, pad, dilation, groups, bias, dtype
CONVS = [
    ('conv_k3_s1_p1', 2, 3, 7, 9, 4, 3, 1, 1, 1, 1, True, torch.float32),
    ('conv_k3_s1_p0_nobias', 2, 3, 7, 9, 5, 3, 1, 0, 1, 1, False, torch.float32),
    ('conv_k3_s2_p1', 2, 3, 9, 11, 4, 3, 2, 1, 1, 1, True, torch.float32),
    ('conv_k3_s2_p0_odd', 1, 3, 10, 13, 3, 3, 2, 0, 1, 1, True, torch.float32),
    ('conv_k3_d2_p2', 2, 4, 9, 8, 6, 3, 1, 2, 2, 1, True, torch.float32),
    ('conv_k3_s2_d2_p2', 1, 4, 13, 11, 4, 3, 2, 2, 2, 1, False, torch.float32),
    ('conv_k1_s1_p0', 2, 6, 7, 9, 5, 1, 1, 0, 1, 1, True, torch.float32),
    ('conv_k1_s2_p0_nobias', 2, 6, 7, 9, 4, 1, 2, 0, 1, 1, False, torch.float32),
    ('conv_k7_s2_p3', 1, 3, 17, 15, 4, 7, 2, 3, 1, 1, True, torch.float32),
    ('conv_k7_s1_p2', 2, 2, 11, 9, 3, 7, 1, 2, 1, 1, False, torch.float32),
    ('conv_groups2_k3', 2, 4, 7, 9, 6, 3, 1, 1, 1, 2, True, torch.float32),
    ('conv_groups2_k1_s2', 1, 6, 9, 7, 4, 1, 2, 0, 1, 2, False, torch.float32),
    ('conv_depthwise_k3', 2, 5, 7, 9, 5, 3, 1, 1, 1, 5, True, torch.float32),
    ('conv_depthwise_k3_s2_d2', 1, 4, 11, 13, 4, 3, 2, 2, 2, 4, False, torch.float32),
    ('conv_depthwise_mult2_k3', 1, 3, 8, 7, 6, 3, 1, 1, 1, 3, True, torch.float32),
    ('conv_k3_s1_p1_f64', 2, 3, 7, 9, 4, 3, 1, 1, 1, 1, True, torch.float64),
    ('conv_k3_s2_d2_g2_f64', 1, 4, 11, 10, 6, 3, 2, 2, 2, 2, True, torch.float64),
    ('conv_k7_s2_p3_f64', 1, 3, 13, 15, 2, 7, 2, 3, 1, 1, False, torch.float64),
]


def make():
    for name, n, cin, h, w, cout, k, s, p, d, gr, bias, dt in CONVS:
        g = Gen(name)
        x = g.randn(n, cin, h, w, dtype=dt)
        wt = g.randn(cout, cin // gr, k, k, dtype=dt) * (1.0 / (cin // gr * k * k) ** 0.5)
        inputs = [x, wt] + ([g.randn(cout, dtype=dt)] if bias else [])
        args = {'stride': [s, s], 'padding': [p, p], 'dilation': [d, d], 'groups': gr, 'bias': bias}

        def f(x, w, b=None, s=s, p=p, d=d, gr=gr):
            return F.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=gr)
        case(name, 'conv2d', args, inputs, f, grad=True, tol=RED,
             note='inputs: x %s, weight %s%s' % ([n, cin, h, w], [cout, cin // gr, k, k], ', bias' if bias else ' (no bias)'))

    # batch norm: inputs x, weight, bias, running_mean, running_var
    for name, training, momentum, shape, dt in [
            ('batch_norm_train_m0p1', True, 0.1, (4, 3, 7, 9), torch.float32),
            ('batch_norm_train_m0p01', True, 0.01, (2, 5, 7, 9), torch.float32),
            ('batch_norm_train_m0p1_n1', True, 0.1, (1, 3, 5, 3), torch.float32),
            ('batch_norm_eval', False, 0.1, (2, 3, 7, 9), torch.float32),
            ('batch_norm_train_m0p1_f64', True, 0.1, (3, 4, 5, 7), torch.float64)]:
        g = Gen(name)
        c = shape[1]
        x = g.randn(*shape, dtype=dt) * 2 + 0.5
        wt, b = g.uniform(0.5, 1.5, c, dtype=dt), g.randn(c, dtype=dt) * 0.1
        rm, rv = g.randn(c, dtype=dt) * 0.1, g.uniform(0.5, 2.0, c, dtype=dt)

        def f(x, w, b, rm, rv, training=training, momentum=momentum):
            rm, rv = rm.detach().clone(), rv.detach().clone()
            y = F.batch_norm(x, rm, rv, w, b, training=training, momentum=momentum, eps=1e-5)
            return y, rm, rv
        case(name, 'batch_norm', {'training': training, 'momentum': momentum, 'eps': 1e-5}, [x, wt, b, rm, rv], f,
             grad=True, grad_inputs=[0, 1, 2], tol=RED,
             note='inputs: x, weight, bias, running_mean, running_var. outputs: y, running_mean and running_var after the '
                  'forward (train mode: new = (1-momentum)*old + momentum*batch stat, the variance update uses the UNBIASED '
                  'batch variance n/(n-1); normalisation uses the biased one). Eval: uses the running stats, which are unchanged.')

    # max pool: outputs values, indices (flat index into H*W of each plane)
    for name, k, s, p, ceil, shape in [
            ('max_pool_k3_s2_p1', 3, 2, 1, False, (2, 3, 7, 9)),
            ('max_pool_k3_s2_p1_ceil', 3, 2, 1, True, (2, 3, 8, 10)),
            ('max_pool_k2_s2', 2, 2, 0, False, (2, 3, 7, 9)),
            ('max_pool_k2_s2_ceil', 2, 2, 0, True, (2, 3, 7, 9)),
            ('max_pool_k3_s1_p1', 3, 1, 1, False, (1, 2, 6, 5))]:
        g = Gen(name)
        x = g.randn(*shape)
        case(name, 'max_pool2d', {'kernel_size': [k, k], 'stride': [s, s], 'padding': [p, p], 'dilation': [1, 1], 'ceil_mode': ceil},
             [x], lambda x, k=k, s=s, p=p, ceil=ceil: tuple(F.max_pool2d(x, k, s, p, ceil_mode=ceil, return_indices=True)),
             grad=True, tol=EW,
             note='out0 values; out1 int64 argmax as a flat index h*W+w into the (unpadded) input plane. Padding is -inf. '
                  'ceil_mode: a last window that would start in the right/bottom padding is dropped. Random input (no ties).')
    for name, k, s, p, ceil, cip, shape in [
            ('avg_pool_k3_s2_p1_incl', 3, 2, 1, False, True, (2, 3, 7, 9)),
            ('avg_pool_k3_s2_p1_excl', 3, 2, 1, False, False, (2, 3, 7, 9)),
            ('avg_pool_k3_s2_p1_ceil_incl', 3, 2, 1, True, True, (2, 3, 8, 10)),
            ('avg_pool_k3_s2_p1_ceil_excl', 3, 2, 1, True, False, (2, 3, 8, 10)),
            ('avg_pool_k2_s2_ceil', 2, 2, 0, True, True, (2, 3, 7, 9)),
            ('avg_pool_k2_s2', 2, 2, 0, False, True, (1, 2, 7, 9))]:
        g = Gen(name)
        case(name, 'avg_pool2d', {'kernel_size': [k, k], 'stride': [s, s], 'padding': [p, p], 'ceil_mode': ceil,
                                  'count_include_pad': cip, 'divisor_override': None},
             [g.randn(*shape)], lambda x, k=k, s=s, p=p, ceil=ceil, cip=cip: F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip),
             grad=True, tol=RED,
             note='count_include_pad=True divides by the window clipped to the PADDED input (not by k*k when the window '
                  'runs past the padding in ceil mode); False divides by the in-image count.')
    for size, shape in [(1, (2, 3, 7, 9)), (2, (2, 3, 7, 9)), (3, (1, 3, 7, 9)), (6, (1, 2, 13, 11)), ((2, 3), (2, 2, 5, 7)),
                        (6, (1, 2, 4, 5))]:
        osz = list(size) if isinstance(size, tuple) else [size, size]
        name = 'adaptive_avg_pool_%dx%d_from_%dx%d' % (osz[0], osz[1], shape[2], shape[3])
        g = Gen(name)
        case(name, 'adaptive_avg_pool2d', {'output_size': osz}, [g.randn(*shape)],
             lambda x, osz=osz: F.adaptive_avg_pool2d(x, osz), grad=True, tol=RED,
             note='bin i covers [floor(i*in/out), ceil((i+1)*in/out)); upsampling when out > in')
