"""cat/stack/split, gather/scatter/scatter_add/index_select/masked_select, sort/argsort/topk/median."""
import torch

from parity_lib import EW, Gen, case


def make():
    for name, shapes, dim in [('cat_d1', [(2, 3, 5, 4), (2, 1, 5, 4), (2, 4, 5, 4)], 1),
                              ('cat_d0', [(1, 3, 5), (2, 3, 5)], 0),
                              ('cat_dm1', [(2, 3, 5), (2, 3, 1), (2, 3, 2)], -1)]:
        g = Gen(name)
        case(name, 'cat', {'dim': dim}, [g.randn(*s) for s in shapes], lambda *xs, dim=dim: torch.cat(xs, dim), grad=True,
             note='inputs are the tensors to concatenate, in order')
    for name, dim in [('stack_d0', 0), ('stack_d2', 2), ('stack_dm1', -1)]:
        g = Gen(name)
        case(name, 'stack', {'dim': dim}, [g.randn(2, 3, 5) for _ in range(3)], lambda *xs, dim=dim: torch.stack(xs, dim),
             grad=True)
    for name, sizes, dim in [('split_size2_d1', 2, 1), ('split_sections_d2', [1, 4, 2], 2), ('split_size3_dm1', 3, -1)]:
        g = Gen(name)
        x = g.randn(2, 5, 7, 8)
        case(name, 'split', {'split_size_or_sections': sizes, 'dim': dim}, [x],
             lambda x, sizes=sizes, dim=dim: tuple(t.contiguous() for t in torch.split(x, sizes, dim)),
             note='int = chunk size (the last chunk may be smaller); list = section sizes. out<i> = the i-th piece')

    for name, xs, ishape, dim in [('gather_d1', (2, 5, 7), (2, 3, 7), 1), ('gather_dm1', (3, 4, 9), (3, 4, 12), -1),
                                  ('gather_d0_small_index', (5, 6), (2, 3), 0)]:
        g = Gen(name)
        x = g.randn(*xs)
        idx = g.randint(0, xs[dim], *ishape)
        case(name, 'gather', {'dim': dim}, [x, idx], lambda x, i, dim=dim: torch.gather(x, dim, i), grad=True,
             note='index int64, may repeat (gradient accumulates); index may be smaller than x in non-gather dims')

    # scatter (write): unique targets per column so the result is deterministic
    for name, xs, dim in [('scatter_d0', (6, 5), 0), ('scatter_d1', (3, 8, 4), 1)]:
        g = Gen(name)
        x = g.randn(*xs)
        n = xs[dim]
        m = n - 2
        ish = list(xs)
        ish[dim] = m
        # each index line along dim is a prefix of a random permutation -> no duplicates
        idx = torch.argsort(g.uniform(0, 1, *xs), dim=dim).narrow(dim, 0, m).contiguous()
        src = g.randn(*ish)
        case(name, 'scatter', {'dim': dim}, [x, idx, src], lambda x, i, s, dim=dim: x.scatter(dim, i, s),
             note='out = x with out[..., idx[j], ...] = src[j] along dim; no duplicate targets (duplicates are undefined in PyTorch)')
    for name, xs, ish, dim in [('scatter_add_d0', (4, 5), (7, 5), 0), ('scatter_add_d1', (2, 6, 3), (2, 9, 3), 1)]:
        g = Gen(name)
        x = g.randn(*xs)
        idx = g.randint(0, xs[dim], *ish)
        src = g.randn(*ish)
        case(name, 'scatter_add', {'dim': dim}, [x, idx, src], lambda x, i, s, dim=dim: x.scatter_add(dim, i, s), grad=True,
             note='duplicate targets accumulate. grad_in0 = gout, grad_in2 = gather(gout, dim, idx)')
    for name, xs, dim, n in [('index_select_d0', (5, 3, 4), 0, 7), ('index_select_d2', (2, 3, 6), 2, 4)]:
        g = Gen(name)
        x = g.randn(*xs)
        idx = g.randint(0, xs[dim], n)
        case(name, 'index_select', {'dim': dim}, [x, idx], lambda x, i, dim=dim: torch.index_select(x, dim, i), grad=True,
             note='1-D int64 index with repeats')
    for name, xs, ms in [('masked_select_same', (3, 5, 7), (3, 5, 7)), ('masked_select_bcast', (2, 3, 5), (3, 1))]:
        g = Gen(name)
        x = g.randn(*xs)
        mask = g.uniform(0, 1, *ms) < 0.45
        case(name, 'masked_select', {}, [x, mask], torch.masked_select, grad=True,
             note='1-D output in row-major order of the broadcast shape')

    # sort / argsort, stable, with ties
    for name, dim, desc in [('sort_stable_d1_ties', 1, False), ('sort_stable_dm1_desc_ties', -1, True),
                            ('sort_stable_d0_ties', 0, False)]:
        g = Gen(name)
        x = g.ties(4, 9, 6, levels=4)
        x.view(-1)[::13] = -0.0  # -0.0 == 0.0: a tie, stable order keeps them in input order
        case(name, 'sort', {'dim': dim, 'descending': desc, 'stable': True}, [x],
             lambda x, dim=dim, desc=desc: tuple(torch.sort(x, dim=dim, descending=desc, stable=True)),
             note='out0 values, out1 int64 indices. stable=True: equal values keep input order (also when descending; '
                  '-0.0 and 0.0 are equal)')
    g = Gen('sort_nan')
    x = torch.tensor([[3., float('nan'), 1., 2., float('nan'), -1.]])
    case('sort_nan', 'sort', {'dim': 1, 'descending': False, 'stable': True}, [x],
         lambda x: tuple(torch.sort(x, dim=1, stable=True)), note='NaN sorts after everything (largest) ascending')
    for name, dim, desc in [('argsort_stable_d1_ties', 1, False), ('argsort_stable_dm1_desc_ties', -1, True)]:
        g = Gen(name)
        x = g.ties(3, 8, 5, levels=3)
        case(name, 'argsort', {'dim': dim, 'descending': desc, 'stable': True}, [x],
             lambda x, dim=dim, desc=desc: torch.argsort(x, dim=dim, descending=desc, stable=True))

    # topk
    for name, k, dim, largest, ties in [('topk_k3_d1_largest', 3, 1, True, False), ('topk_k4_dm1_smallest', 4, -1, False, False),
                                        ('topk_k5_d1_largest_ties', 5, 1, True, True),
                                        ('topk_k3_dm1_smallest_ties', 3, -1, False, True)]:
        g = Gen(name)
        x = g.ties(3, 10, 7, levels=4) if ties else g.randn(3, 10, 7)
        chk = {'out1': 'gather_consistent'} if ties else None
        case(name, 'topk', {'k': k, 'dim': dim, 'largest': largest, 'sorted': True}, [x],
             lambda x, k=k, dim=dim, largest=largest: tuple(torch.topk(x, k, dim=dim, largest=largest, sorted=True)),
             grad=not ties, check=chk,
             note='out0 values (sorted), out1 int64 indices. ' +
                  ('With ties the index order is UNSPECIFIED in PyTorch (1.13 CPU does not return the lowest index first); '
                   'check indices by gather(in0, dim, out1) == out0 and distinctness. No gradient recorded (it follows the indices).'
                   if ties else 'No ties: indices are exact.'))

    # median along a dim (lower median for even counts)
    for name, shape, dim, ties in [('median_odd_d1', (3, 7, 4), 1, False), ('median_even_d1', (3, 6, 4), 1, False),
                                   ('median_odd_dm1_ties', (4, 5, 9), -1, True), ('median_even_dm1_ties', (4, 5, 8), -1, True)]:
        g = Gen(name)
        x = g.ties(*shape, levels=3) if ties else g.randn(*shape)
        chk = {'out1': 'gather_consistent'} if ties else None
        case(name, 'median_dim', {'dim': dim, 'keepdim': False}, [x], lambda x, dim=dim: tuple(torch.median(x, dim=dim)),
             grad=not ties, check=chk,
             note='out0 values, out1 int64 indices. Even count: the LOWER of the two middle values. ' +
                  ('With ties, which equal element\'s index PyTorch returns is unspecified (not the first): check by gather.'
                   if ties else 'No ties: indices exact; gradient goes to that index.'))
