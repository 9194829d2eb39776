"""Helpers shared by the case modules: seeded inputs, running an op in PyTorch, writing a case folder.

A case folder holds case.json, in<i>.npy, out<i>.npy and, when grad is true, gout0.npy and grad_in<i>.npy
(see parity/README.md for the format).
"""
import json
import os
import zlib

import numpy as np
import torch

CASES_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'cases'))

# Tolerance classes (see README): "elementwise" bounds max |diff| by 1e-5 * max(1, max |ref|);
# "reduction" bounds the relative L2 error by 1e-5; float64 cases use 1e-10 for both.
EW, RED = 'elementwise', 'reduction'

_registry = []


class Gen:
    """A seeded source of test data (seed derived from the case name, so cases are independent)."""

    def __init__(self, name):
        self.g = torch.Generator().manual_seed(zlib.crc32(name.encode()) & 0x7fffffff)

    def randn(self, *shape, dtype=torch.float32):
        return torch.randn(tuple(shape), generator=self.g, dtype=torch.float64).to(dtype)

    def uniform(self, lo, hi, *shape, dtype=torch.float32):
        return (lo + (hi - lo) * torch.rand(tuple(shape), generator=self.g, dtype=torch.float64)).to(dtype)

    def randint(self, lo, hi, *shape):
        return torch.randint(lo, hi, tuple(shape), generator=self.g, dtype=torch.int64)

    def ties(self, *shape, levels=4, dtype=torch.float32):
        """Small integers (as floats): many exact ties."""
        return torch.randint(0, levels, tuple(shape), generator=self.g).to(dtype)

    def perm(self, n):
        return torch.randperm(n, generator=self.g)


def _np(t):
    a = t.detach().cpu().numpy()
    return np.array(a, order='C', copy=True)  # (np.ascontiguousarray would turn 0-d into 1-d)


def _tol(kind, arrays, f64):
    floats = [a for a in arrays if a.dtype.kind == 'f' and a.size]
    scale = max([1.0] + [float(np.max(np.abs(a[np.isfinite(a)]))) for a in floats if np.isfinite(a).any()])
    eps = 1e-10 if f64 else 1e-5
    if kind == EW:
        return {'max_abs': float('%.6g' % (eps * scale)), 'rel_l2': eps}
    return {'max_abs': None, 'rel_l2': eps}


def case(name, op, args, inputs, fn, grad=False, grad_inputs=None, tol=EW, grad_tol=None, note='', check=None):
    """Runs fn(*inputs) (outputs: a tensor or a tuple/list of tensors) and registers the case for writing.

    grad_inputs: indices of the floating inputs that get gradients (default: every floating input).
    check: {"out1": "gather_consistent" | "skip"} for outputs that PyTorch does not define exactly.
    """
    _registry.append(dict(name=name, op=op, args=args, inputs=inputs, fn=fn, grad=grad, grad_inputs=grad_inputs,
                          tol=tol, grad_tol=grad_tol, note=note, check=check))


def registered():
    return list(_registry)


def write_case(c):
    name = c['name']
    gen = Gen(name + '/gout')
    inputs = [t.detach().clone() for t in c['inputs']]
    f64 = any(t.dtype == torch.float64 for t in inputs)
    grad_idx = c['grad_inputs']
    if grad_idx is None:
        grad_idx = [i for i, t in enumerate(inputs) if t.is_floating_point()]
    if c['grad']:
        for i in grad_idx:
            inputs[i].requires_grad_(True)
    outs = c['fn'](*inputs)
    if isinstance(outs, torch.Tensor):
        outs = [outs]
    outs = list(outs)
    d = os.path.join(CASES_DIR, name)
    os.makedirs(d, exist_ok=True)
    files = {}
    for i, t in enumerate(c['inputs']):
        files['in%d' % i] = _np(t)
    for i, t in enumerate(outs):
        files['out%d' % i] = _np(t)
    meta = {
        'op': c['op'],
        'args': c['args'],
        'inputs': ['in%d' % i for i in range(len(inputs))],
        'outputs': ['out%d' % i for i in range(len(outs))],
        'grad': bool(c['grad']),
    }
    if c['grad']:
        out0 = outs[0]
        gout = gen.randn(*out0.shape, dtype=out0.dtype)
        (out0 * gout).sum().backward()
        files['gout0'] = _np(gout)
        for i in grad_idx:
            g = inputs[i].grad
            files['grad_in%d' % i] = _np(g if g is not None else torch.zeros_like(inputs[i]))
        meta['grad_inputs'] = ['in%d' % i for i in grad_idx]
    meta['dtype'] = 'float64' if f64 else 'float32'
    meta['tol'] = _tol(c['tol'], [files[k] for k in meta['outputs']], f64)
    if c['grad']:
        gkind = c['grad_tol'] or c['tol']
        meta['grad_tol'] = _tol(gkind, [files['grad_in%d' % i] for i in grad_idx], f64)
    if c['check']:
        meta['check'] = c['check']
    meta['note'] = c['note']
    meta['shapes'] = {k: list(v.shape) for k, v in files.items()}
    meta['dtypes'] = {k: v.dtype.name for k, v in files.items()}
    for k, v in files.items():
        np.save(os.path.join(d, k + '.npy'), v)
    with open(os.path.join(d, 'case.json'), 'w') as f:
        f.write(dumps(meta))
    return meta


def dumps(meta):
    """JSON with one top-level key per line and compact values (shapes stay on one line)."""
    lines = ['  %s: %s' % (json.dumps(k), json.dumps(v, separators=(', ', ': '))) for k, v in meta.items()]
    return '{\n' + ',\n'.join(lines) + '\n}\n'
