"""Elementwise ops with broadcasting, comparisons, where, prelu."""
import torch
import torch.nn.functional as F

from parity_lib import EW, Gen, case

BINARY = {
    'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'pow': torch.pow,
    'maximum': torch.maximum, 'minimum': torch.minimum,
}
UNARY = {
    'exp': torch.exp, 'log': torch.log, 'sqrt': torch.sqrt, 'abs': torch.abs, 'relu': torch.relu,
    'sigmoid': torch.sigmoid, 'tanh': torch.tanh, 'neg': torch.neg,
}
COMPARE = {'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge}

# (suffix, shape a, shape b): same shape, one-sided and two-sided broadcasting, odd sizes.
SHAPES = [
    ('same', (2, 3, 7, 9), (2, 3, 7, 9)),
    ('bcast_chan', (2, 3, 7, 9), (3, 1, 1)),
    ('bcast_both', (2, 1, 7, 1), (1, 3, 1, 9)),
    ('bcast_scalar', (5, 11), ()),
]


def _binary_inputs(op, g, sa, sb):
    if op == 'div':
        b = g.uniform(0.5, 2.0, *sb) * torch.where(g.uniform(0, 1, *sb) < 0.5, -1.0, 1.0)
        return g.randn(*sa), b
    if op == 'pow':
        return g.uniform(0.5, 2.0, *sa), g.uniform(-2.0, 2.5, *sb)
    if op in ('maximum', 'minimum'):
        # values on a coarse grid: many exact ties between a and b
        return g.ties(*sa, levels=5) * 0.5 - 1, g.ties(*sb, levels=5) * 0.5 - 1
    return g.randn(*sa), g.randn(*sb)


def make():
    for op, fn in BINARY.items():
        for suffix, sa, sb in SHAPES:
            name = '%s_%s' % (op, suffix)
            g = Gen(name)
            a, b = _binary_inputs(op, g, sa, sb)
            note = 'broadcast %s with %s' % (list(sa), list(sb))
            if op in ('maximum', 'minimum'):
                note += '; inputs on a 0.5 grid so a == b often: PyTorch 1.13 splits the gradient of a tie in half between a and b'
            if op == 'pow':
                note += '; base in [0.5, 2], exponent in [-2, 2.5]; d/db = a^b * log(a)'
            case(name, op, {}, [a, b], fn, grad=True, tol=EW, note=note)
    # pow with a scalar exponent (args.exponent); negative bases are fine for integer exponents
    for e in [2.0, 3.0, 0.5, -1.5]:
        name = 'pow_scalar_%s' % str(e).replace('.', 'p').replace('-', 'm')
        g = Gen(name)
        x = g.randn(3, 7, 5) if e in (2.0, 3.0) else g.uniform(0.3, 3.0, 3, 7, 5)
        case(name, 'pow', {'exponent': e}, [x], lambda x, e=e: torch.pow(x, e), grad=True,
             note='tensor ** scalar exponent (only in0; args.exponent)')
    # a float64 binary case
    g = Gen('mul_f64')
    case('mul_f64', 'mul', {}, [g.randn(2, 3, 7, 9, dtype=torch.float64), g.randn(3, 1, 9, dtype=torch.float64)],
         torch.mul, grad=True, note='float64')

    for op, fn in UNARY.items():
        name = '%s_basic' % op
        g = Gen(name)
        if op in ('log', 'sqrt'):
            x = g.uniform(0.05, 4.0, 2, 3, 7, 9)
        elif op in ('abs', 'relu'):
            x = g.randn(2, 3, 7, 9)
            x.view(-1)[::7] = 0.0  # exact zeros: PyTorch's gradient there is 0 for both
        elif op == 'exp':
            x = g.uniform(-6, 6, 2, 3, 7, 9)
        elif op in ('sigmoid', 'tanh'):
            x = g.randn(2, 3, 7, 9) * 4
        else:
            x = g.randn(2, 3, 7, 9)
        note = ''
        if op in ('abs', 'relu'):
            note = 'every 7th element is exactly 0; PyTorch: d relu/dx (0) = 0, d abs/dx (0) = sign(0) = 0'
        case(name, op, {}, [x], fn, grad=True, note=note)

    for wname, wshape in [('single', (1,)), ('per_channel', (3,))]:
        name = 'prelu_%s' % wname
        g = Gen(name)
        x = g.randn(2, 3, 7, 9)
        x.view(-1)[::11] = 0.0
        w = g.uniform(0.05, 0.5, *wshape)
        case(name, 'prelu', {}, [x, w], F.prelu, grad=True,
             note='weight %s over dim 1 (channels); every 11th x is exactly 0, where PyTorch takes the negative branch '
                  '(grad_x = w, no contribution to grad_w)' % list(wshape))

    for op, fn in COMPARE.items():
        for suffix, sa, sb in SHAPES[:3]:
            name = '%s_%s' % (op, suffix)
            g = Gen(name)
            a = g.ties(*sa, levels=3) - 1
            b = g.ties(*sb, levels=3) - 1
            case(name, op, {}, [a, b], fn, grad=False, note='bool output; inputs in {-1, 0, 1}, many ties')

    for suffix, sc, sx, sy in [('same', (2, 3, 7, 9), (2, 3, 7, 9), (2, 3, 7, 9)),
                               ('bcast', (1, 3, 1, 9), (2, 1, 7, 9), (2, 3, 7, 1))]:
        name = 'where_%s' % suffix
        g = Gen(name)
        cond = g.uniform(0, 1, *sc) < 0.4
        case(name, 'where', {}, [cond, g.randn(*sx), g.randn(*sy)], torch.where, grad=True,
             note='inputs: bool condition, x, y; grads for x and y (summed over broadcast dims)')
