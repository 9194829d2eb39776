"""Reductions: sum/mean, max/min with indices, argmax/argmin, softmax/log_softmax; matmul."""
import torch
import torch.nn.functional as F

from parity_lib import EW, RED, Gen, case


def make():
    for op, fn in [('sum', torch.sum), ('mean', torch.mean)]:
        for dims in [[1], [2, 3], [-1], [0, 2], None]:
            for keep in [False, True]:
                if dims is None and keep:
                    continue
                dname = 'all' if dims is None else '_'.join(str(d).replace('-', 'm') for d in dims)
                name = '%s_d%s_%s' % (op, dname, 'keep' if keep else 'nokeep')
                g = Gen(name)
                x = g.randn(2, 3, 7, 9)
                if dims is None:
                    f = lambda x, fn=fn: fn(x)
                else:
                    f = lambda x, fn=fn, dims=dims, keep=keep: fn(x, dim=dims, keepdim=keep)
                case(name, op, {'dims': dims, 'keepdim': keep}, [x], f, grad=True, tol=RED,
                     note='dims null = all dims (0-d output)')
    g = Gen('sum_f64')
    case('sum_f64', 'sum', {'dims': [1, 3], 'keepdim': True}, [g.randn(2, 5, 7, 9, dtype=torch.float64)],
         lambda x: x.sum(dim=[1, 3], keepdim=True), grad=True, tol=RED, note='float64')

    for op in ['max_dim', 'min_dim']:
        for dim, keep, ties in [(1, False, False), (-1, True, False), (1, False, True), (3, True, True), (0, False, True)]:
            name = '%s_d%s_%s%s' % (op, str(dim).replace('-', 'm'), 'keep' if keep else 'nokeep', '_ties' if ties else '')
            g = Gen(name)
            x = g.ties(2, 5, 7, 9, levels=3) if ties else g.randn(2, 5, 7, 9)
            tf = torch.max if op == 'max_dim' else torch.min
            case(name, op, {'dim': dim, 'keepdim': keep}, [x], lambda x, tf=tf, dim=dim, keep=keep: tuple(tf(x, dim=dim, keepdim=keep)),
                 grad=True, tol=EW,
                 note='out0 values, out1 int64 indices. ' + ('Ties (values in {0,1,2}): PyTorch returns the FIRST index of the extreme value; '
                                                          'the gradient goes to that index only.' if ties else ''))
    for op in ['argmax', 'argmin']:
        for dim, keep, ties in [(1, False, True), (-1, True, True), (2, False, False)]:
            name = '%s_d%s_%s%s' % (op, str(dim).replace('-', 'm'), 'keep' if keep else 'nokeep', '_ties' if ties else '')
            g = Gen(name)
            x = g.ties(2, 5, 7, 9, levels=3) if ties else g.randn(2, 5, 7, 9)
            tf = torch.argmax if op == 'argmax' else torch.argmin
            case(name, op, {'dim': dim, 'keepdim': keep}, [x], lambda x, tf=tf, dim=dim, keep=keep: tf(x, dim=dim, keepdim=keep),
                 note='int64 output; with ties PyTorch returns the first index')
        name = '%s_all_ties' % op
        g = Gen(name)
        tf = torch.argmax if op == 'argmax' else torch.argmin
        x = g.ties(3, 7, 5, levels=2)
        x[0, 0, :3] = 0.0 if op == 'argmax' else 1.0  # the first extreme is not at index 0
        case(name, op, {'dim': None, 'keepdim': False}, [x], lambda x, tf=tf: tf(x),
             note='dim null: index into the flattened tensor (0-d int64); first of the ties')

    for op, fn in [('softmax', F.softmax), ('log_softmax', F.log_softmax)]:
        for dim in [1, -1]:
            name = '%s_d%s' % (op, str(dim).replace('-', 'm'))
            g = Gen(name)
            x = g.randn(2, 5, 7, 9) * 3
            case(name, op, {'dim': dim}, [x], lambda x, fn=fn, dim=dim: fn(x, dim=dim), grad=True, tol=RED)
        name = '%s_large' % op
        g = Gen(name)
        x = g.randn(3, 19, 4, 5) * 30 + 50
        case(name, op, {'dim': 1}, [x], lambda x, fn=fn: fn(x, dim=1), grad=True, tol=RED,
             note='large logits (around 50 +- 90): needs the max-subtraction')

    for name, sa, sb in [('matmul_2d', (5, 7), (7, 3)), ('matmul_batched', (4, 5, 7), (4, 7, 3)),
                         ('matmul_bcast', (2, 1, 5, 7), (3, 7, 4)), ('matmul_bcast_2d_rhs', (3, 6, 13), (13, 9)),
                         ('matmul_odd', (1, 17, 33), (33, 31))]:
        g = Gen(name)
        case(name, 'matmul', {}, [g.randn(*sa), g.randn(*sb)], torch.matmul, grad=True, tol=RED,
             note='%s @ %s (torch.matmul broadcasting)' % (list(sa), list(sb)))
    g = Gen('matmul_f64')
    case('matmul_f64', 'matmul', {}, [g.randn(2, 5, 7, dtype=torch.float64), g.randn(7, 3, dtype=torch.float64)],
         torch.matmul, grad=True, tol=RED, note='float64')
