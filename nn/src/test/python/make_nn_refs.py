#!/usr/bin/python3
"""Writes nn/src/test/java/org/magnet4j/nn/NnRefs.java: small PyTorch 1.13 reference cases as Java literals.

Run with the interpreter that has torch (/usr/bin/python3), from anywhere:
    /usr/bin/python3 nn/src/test/python/make_nn_refs.py
Each case is a nested class (its own static initialiser, to stay far from the 64 KB method limit) holding
float32 inputs/outputs as float[] (shortest round-trip literals), labels as long[], schedules as double[].
"""
import os
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

torch.manual_seed(0)
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "java", "org", "magnet4j", "nn", "NnRefs.java"))

classes = []  # (name, doc, [(field, array)])


def lit(a):
    a = np.asarray(a)
    if a.dtype == np.float32:
        vals = [str(np.float32(v)) + "f" for v in a.ravel()]
        vals = [v.replace("inf", "Float.POSITIVE_INFINITY") for v in vals]
        return "float[]", vals
    if a.dtype == np.float64:
        return "double[]", [repr(float(v)) for v in a.ravel()]
    if a.dtype in (np.int64, np.int32):
        return "long[]", [str(int(v)) + "L" for v in a.ravel()]
    raise TypeError(a.dtype)


def np32(t):
    return t.detach().cpu().numpy().astype(np.float32)


def case(name, doc, **fields):
    items = []
    for k, v in fields.items():
        if isinstance(v, torch.Tensor):
            v = v.detach().cpu().numpy()
        items.append((k, np.asarray(v)))
    classes.append((name, doc, items))


# ---- cross entropy with ignore_index ------------------------------------------------------------------------
logits = (torch.randn(2, 4, 3, 5) * 2).requires_grad_(True)
labels = torch.randint(0, 4, (2, 3, 5))
labels[0, 0, 0] = 255
labels[0, 2, 3] = 255
labels[1, 1, :3] = 255
loss = F.cross_entropy(logits, labels, ignore_index=255)
loss.backward()
none = F.cross_entropy(logits, labels, ignore_index=255, reduction="none")
case("Ce", "F.cross_entropy(logits, labels, ignore_index=255): mean, none, d mean / d logits",
     logits=logits, logits_shape=np.array(logits.shape), labels=labels, loss=np.float32([loss.item()]),
     none=none, grad=logits.grad)


# ---- OHEM cross entropy (MagNet magnet/utils/loss.py, re-typed) ---------------------------------------------
def ohem(score, target, ignore_label, thres, min_kept):
    min_kept = max(1, min_kept)
    pred = F.softmax(score, dim=1)
    pixel_losses = F.cross_entropy(score, target, ignore_index=ignore_label, reduction="none").contiguous().view(-1)
    mask = target.contiguous().view(-1) != ignore_label
    tmp_target = target.clone()
    tmp_target[tmp_target == ignore_label] = 0
    pred = pred.gather(1, tmp_target.unsqueeze(1))
    pred, ind = pred.contiguous().view(-1,)[mask].contiguous().sort()
    min_value = pred[min(min_kept, pred.numel() - 1)]
    threshold = max(min_value, thres)
    pixel_losses = pixel_losses[mask][ind]
    pixel_losses = pixel_losses[pred < threshold]
    return pixel_losses.mean(), float(threshold), int((pred < threshold).sum())


oh_logits = (torch.randn(2, 3, 4, 5) * 3).requires_grad_(True)
oh_labels = torch.randint(0, 3, (2, 4, 5))
oh_labels[0, 0, :2] = 255
oh_labels[1, 3, 4] = 255
fields = dict(logits=oh_logits, logits_shape=np.array(oh_logits.shape), labels=oh_labels)
for mk in (5, 30):
    oh_logits.grad = None
    l, thr, kept = ohem(oh_logits, oh_labels, 255, 0.7, mk)
    l.backward()
    fields["loss_k%d" % mk] = np.float32([l.item()])
    fields["thresh_k%d" % mk] = np.float32([thr])
    fields["kept_k%d" % mk] = np.array([kept])
    fields["grad_k%d" % mk] = oh_logits.grad.clone()
case("Ohem", "MagNet OhemCrossEntropy(ignore_label=255, thres=0.7, min_kept=5 and 30): loss, threshold, kept count, grad", **fields)

# ---- batch norm, training mode ------------------------------------------------------------------------------
x = (torch.randn(2, 3, 4, 5) * 2 + 1).requires_grad_(True)
w = (torch.rand(3) + 0.5).requires_grad_(True)
b = torch.randn(3).requires_grad_(True)
gy = torch.randn(2, 3, 4, 5)
fields = dict(x=x, x_shape=np.array(x.shape), weight=w, bias=b, gy=gy)
for mom, tag in ((0.1, "m01"), (0.01, "m001")):
    rm, rv = torch.zeros(3), torch.ones(3)
    x.grad = w.grad = b.grad = None
    y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=mom, eps=1e-5)
    y.backward(gy)
    fields["y"] = y
    fields["gx"], fields["gw"], fields["gb"] = x.grad.clone(), w.grad.clone(), b.grad.clone()
    fields["running_mean_" + tag], fields["running_var_" + tag] = rm.clone(), rv.clone()
case("Bn", "F.batch_norm(training=True, eps=1e-5): output, grads for upstream gy, running stats after one update (momentum 0.1, 0.01)", **fields)

# ---- SGD ----------------------------------------------------------------------------------------------------
p0 = torch.randn(2, 3).requires_grad_(True)
p1 = torch.randn(4).requires_grad_(True)
init0, init1 = p0.detach().clone(), p1.detach().clone()
opt = torch.optim.SGD([p0, p1], lr=1e-3, momentum=0.9, weight_decay=5e-4)
fields = dict(p0_init=init0, p1_init=init1)
for step in range(3):
    g0, g1 = torch.randn(2, 3), torch.randn(4)
    p0.grad, p1.grad = g0.clone(), g1.clone()
    opt.step()
    fields["g0_%d" % step], fields["g1_%d" % step] = g0, g1
    fields["p0_%d" % step], fields["p1_%d" % step] = p0.detach().clone(), p1.detach().clone()
st = opt.state_dict()["state"]
fields["buf0"], fields["buf1"] = st[0]["momentum_buffer"], st[1]["momentum_buffer"]
case("Sgd", "torch.optim.SGD(lr=1e-3, momentum=0.9, weight_decay=5e-4): params after each of three steps with given grads", **fields)

# ---- MultiStepLR --------------------------------------------------------------------------------------------
q = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([q], lr=0.01, momentum=0.9)
sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 6, 9], gamma=0.1)
lrs = []
for epoch in range(12):
    lrs.append(opt.param_groups[0]["lr"])
    opt.step()
    sched.step()
case("Sched", "MultiStepLR(milestones=[3,6,9], gamma=0.1) from lr 0.01: the lr used in each of 12 epochs", lrs=np.float64(lrs))

# ---- PReLU --------------------------------------------------------------------------------------------------
x = torch.randn(2, 3, 2, 2)
x = torch.where(x.abs() < 1e-2, torch.full_like(x, 0.5), x).requires_grad_(True)
gy = torch.randn(2, 3, 2, 2)
fields = dict(x=x, x_shape=np.array(x.shape), gy=gy)
for tag, wv in (("c", [0.25, -0.1, 0.6]), ("one", [0.3])):
    w = torch.tensor(wv, requires_grad=True)
    x.grad = None
    y = F.prelu(x, w)
    y.backward(gy)
    fields["w_" + tag], fields["y_" + tag], fields["gx_" + tag], fields["gw_" + tag] = w, y, x.grad.clone(), w.grad
case("Prelu", "F.prelu with 3 per-channel slopes and with one slope: output and grads for upstream gy", **fields)


# ---- median blur (magnet/utils/blur.py with the view sized by the conv output) -------------------------------
def median_blur(inp, k):
    pad = (k - 1) // 2
    kernel = torch.eye(k * k).view(k * k, 1, k, k)
    b, c, h, w = inp.shape
    out = F.conv2d(inp.reshape(b * c, 1, h, w), kernel, padding=pad, stride=1)
    oh, ow = out.shape[-2:]
    return torch.median(out.view(b, c, -1, oh, ow), dim=2)[0]


mx = torch.randint(0, 6, (1, 1, 9, 11)).float()
fields = dict(x=mx)
for k in (3, 4, 5):
    r = median_blur(mx, k)
    fields["k%d" % k] = r
    fields["k%d_shape" % k] = np.array(r.shape)
case("Median", "median blur of a 1x1x9x11 map of small integers (many ties), k = 3, 4, 5", **fields)

# ---- sampling (interpolate / grid_sample / roi_align) --------------------------------------------------------
sx = torch.randn(1, 2, 3, 4).requires_grad_(True)
sgy = torch.randn(1, 2, 5, 7)
fields = dict(x=sx, x_shape=np.array(sx.shape), gy=sgy)
fields["bilinear_false"] = F.interpolate(sx, size=(5, 7), mode="bilinear", align_corners=False)
fields["bilinear_false"].backward(sgy)
fields["bilinear_false_gx"] = sx.grad.clone()
fields["bilinear_true"] = F.interpolate(sx, size=(5, 7), mode="bilinear", align_corners=True)
fields["nearest"] = F.interpolate(sx, size=(5, 7), mode="nearest")
fields["scale2_bilinear"] = F.interpolate(sx, scale_factor=2.0, mode="bilinear", align_corners=False)
fields["scale15_nearest"] = F.interpolate(sx, scale_factor=1.5, mode="nearest")
fields["scale15_nearest_shape"] = np.array(fields["scale15_nearest"].shape)
grid = (torch.rand(1, 3, 4, 2) * 2.4 - 1.2)
fields["grid"] = grid
fields["grid_false"] = F.grid_sample(sx, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
fields["grid_true"] = F.grid_sample(sx, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
rx = torch.randn(2, 2, 8, 8)
boxes = torch.tensor([[0, 1.0, 1.0, 6.0, 5.0], [1, 0.5, 2.0, 7.5, 7.0], [0, 2.2, 3.1, 4.9, 6.3]])
fields["roi_x"] = rx
fields["roi_x_shape"] = np.array(rx.shape)
fields["boxes"] = boxes
fields["roi_s05_r2_aligned"] = torchvision.ops.roi_align(rx, boxes, (3, 3), spatial_scale=0.5, sampling_ratio=2, aligned=True)
fields["roi_s1_adaptive"] = torchvision.ops.roi_align(rx, boxes, (3, 3), spatial_scale=1.0, sampling_ratio=-1, aligned=False)
case("Sampling", "interpolate to 5x7 (bilinear both align_corners, nearest), by scale 2 and 1.5; grid_sample; roi_align", **fields)

# ---- write Java ---------------------------------------------------------------------------------------------
lines = [
    "package org.magnet4j.nn;",
    "",
    "/** GENERATED by nn/src/test/python/make_nn_refs.py with PyTorch " + torch.__version__ + " -- do not edit. */",
    "@SuppressWarnings(\"all\")",
    "final class NnRefs {",
    "    private NnRefs() {}",
]
for name, doc, items in classes:
    lines += ["", "    /** " + doc + ". */", "    static final class " + name + " {"]
    for k, a in items:
        jt, vals = lit(a)
        body = []
        for i in range(0, len(vals), 8):
            body.append("            " + ", ".join(vals[i:i + 8]) + ",")
        lines.append("        static final " + jt + " " + k.upper() + " = {")
        lines += body
        lines.append("        };")
    lines.append("    }")
lines.append("}")
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", OUT, sum(len(i) for _, _, i in classes), "arrays")
