"""cross_entropy with ignore_index, OHEM cross entropy (HRNet/MagNet), SGD steps, MultiStepLR."""
import torch
import torch.nn.functional as F

from parity_lib import RED, Gen, case


def ohem_cross_entropy(score, target, ignore_label=255, thresh=0.7, min_kept=100000):
    """HRNet's OhemCrossEntropy.forward (as MagNet uses it), without the resize (score and target sizes match)."""
    pred = F.softmax(score, dim=1)
    pixel_losses = F.cross_entropy(score, target, ignore_index=ignore_label, reduction='none').contiguous().view(-1)
    mask = target.contiguous().view(-1) != ignore_label
    tmp_target = target.clone()
    tmp_target[tmp_target == ignore_label] = 0
    pred = pred.gather(1, tmp_target.unsqueeze(1))
    pred, ind = pred.contiguous().view(-1,)[mask].contiguous().sort()
    min_value = pred[min(min_kept, pred.numel() - 1)]
    threshold = max(min_value, thresh)
    pixel_losses = pixel_losses[mask][ind]
    pixel_losses = pixel_losses[pred < threshold]
    return pixel_losses.mean()


def _labels(g, n, c, h, w, ignore_frac):
    t = g.randint(0, c, n, h, w)
    t[g.uniform(0, 1, n, h, w) < ignore_frac] = 255
    return t


def make():
    for name, shape, ignore_frac in [('cross_entropy_ignore255', (2, 5, 7, 9), 0.2), ('cross_entropy_ignore255_c19', (1, 19, 6, 5), 0.3),
                                     ('cross_entropy_noignore', (2, 4, 3, 5), 0.0)]:
        g = Gen(name)
        n, c, h, w = shape
        x = g.randn(*shape) * 2
        t = _labels(g, n, c, h, w, ignore_frac)
        case(name, 'cross_entropy', {'ignore_index': 255, 'reduction': 'mean'}, [x, t],
             lambda x, t: F.cross_entropy(x, t, ignore_index=255, reduction='mean'), grad=True, tol=RED,
             note='inputs: logits (N,C,H,W), int64 target (N,H,W) with 255 = ignore. 0-d output: the mean over the '
                  'non-ignored pixels. Ignored pixels get zero gradient.')
    for name, shape, ignore_frac, thresh, min_kept in [
            ('ohem_ce_t0p7_k10', (2, 5, 7, 9), 0.15, 0.7, 10),
            ('ohem_ce_t0p7_k80', (2, 5, 7, 9), 0.15, 0.7, 80),
            ('ohem_ce_t0p7_k5_c19', (1, 19, 8, 6), 0.25, 0.7, 5),
            ('ohem_ce_t0p7_kbig', (1, 3, 5, 4), 0.1, 0.7, 1000)]:
        g = Gen(name)
        n, c, h, w = shape
        x = g.randn(*shape) * 2.5
        t = _labels(g, n, c, h, w, ignore_frac)
        # make some pixels confident (prob of the true class > 0.7) so the threshold matters
        conf = (g.uniform(0, 1, n, h, w) < 0.4) & (t != 255)
        xt = x.permute(0, 2, 3, 1)
        tt = t.clamp(max=c - 1)
        onehot = F.one_hot(tt, c).bool() & conf.unsqueeze(-1)
        xt[onehot] += 6.0
        x = xt.permute(0, 3, 1, 2).contiguous()
        case(name, 'ohem_cross_entropy', {'ignore_index': 255, 'thresh': thresh, 'min_kept': min_kept}, [x, t],
             lambda x, t, thresh=thresh, min_kept=min_kept: ohem_cross_entropy(x, t, 255, thresh, min_kept),
             grad=True, tol=RED,
             note='HRNet OhemCrossEntropy: p = softmax(logits)[true class] over non-ignored pixels, sorted ascending; '
                  'threshold = max(thresh, p_sorted[min(min_kept, count-1)]) (0-based index min_kept, i.e. the '
                  '(min_kept+1)-th smallest); loss = mean CE over non-ignored pixels with p < threshold (strict). '
                  'The selection is not differentiated.')

    # SGD: in0 = initial parameter, in1 = gradients for the three steps stacked on dim 0
    for name, momentum, wd, lr, nesterov in [('sgd_m0p9_wd5em4_lr1em3', 0.9, 5e-4, 1e-3, False),
                                             ('sgd_m0p9_wd5em4_lr1em1', 0.9, 5e-4, 1e-1, False)]:
        g = Gen(name)
        p0 = g.randn(4, 3, 3, 3)
        grads = g.randn(3, 4, 3, 3, 3)

        def f(p0, grads, momentum=momentum, wd=wd, lr=lr):
            p = torch.nn.Parameter(p0.detach().clone())
            opt = torch.optim.SGD([p], lr=lr, momentum=momentum, weight_decay=wd, dampening=0, nesterov=False)
            outs = []
            for s in range(grads.shape[0]):
                p.grad = grads[s].detach().clone()
                opt.step()
                outs.append(p.detach().clone())
            return tuple(outs)
        case(name, 'sgd', {'lr': lr, 'momentum': momentum, 'weight_decay': wd, 'dampening': 0.0, 'nesterov': False, 'steps': 3},
             [p0, grads], f, tol=RED,
             note='torch.optim.SGD: d = grad + wd * p; buf = d on the first step, then buf = momentum * buf + d; '
                  'p -= lr * buf. in1[s] is the gradient of step s; out<s> = the parameter after step s+1.')

    def lrs():
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=0.01, momentum=0.9)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 6, 9], gamma=0.1)
        out = []
        for epoch in range(12):
            out.append(opt.param_groups[0]['lr'])
            opt.step()
            sched.step()
        return torch.tensor(out, dtype=torch.float64)
    case('multistep_lr_12_epochs', 'multistep_lr', {'lr': 0.01, 'milestones': [3, 6, 9], 'gamma': 0.1, 'epochs': 12}, [],
         lrs, tol=RED,
         note='out0[e] (float64) = the learning rate used during epoch e (scheduler.step() once at the end of each epoch): '
              'lr * gamma^(number of milestones <= e). No inputs.')
