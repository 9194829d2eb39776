#!/usr/bin/env python3
"""Reference data for magnet4j's `fpn` (ResNetFPN) and `psp` (PSPNet) backbones.

Run with PyTorch 1.13 / torchvision 0.14 (here: /usr/bin/python3) from the repository root:

    /usr/bin/python3 magnet/src/test/python/make_fpn_psp_refs.py [output-dir]

The models are built from torchvision's ResNet (its own Bottleneck and _make_layer) plus heads written from
docs/magnet-reference.md section 6, with MagNet's state-dict names. It writes, into
magnet/src/test/resources/org/magnet4j/magnet/models/fpnpsp/ by default:

- fpn_c7.state.txt, psp_c19.state.txt: "name dtype shape" listings of the full-width models (torchvision
  resnet50()/resnet101() + heads), for the Java layout tests.
- fpn_w4_c3.pth, psp_w4_c3.pth: state dicts (torch.save, zip format, float32) of width-reduced variants:
  ResNet base width 4 instead of 64 and every head width divided by 16, 3 classes. Weights are seeded random;
  batch-norm affine parameters are random and the running statistics are calibrated by one train-mode
  forward (momentum 1) on random images, so every BN does something non-trivial.
- in_<H>x<W>.npy (float32 [1,3,H,W] inputs) and <model>_out_<H>x<W>.npy: the eval-mode outputs computed in
  float64 from the float32 weights and inputs.
- <model>_out_508x508_s7.npy: the float64 output for a 1x3x508x508 input given by a formula (not stored:
  x[0,c,h,w] = ((31h + 17w + 7c) mod 97) / 64 - 0.75, exact in float32), subsampled [:, :, ::7, ::7] to stay small.
- refs.txt: what was computed, with the float32 PyTorch error against the float64 reference.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import Bottleneck, ResNet

UP = dict(mode="bilinear", align_corners=False)


class Backbone(ResNet):
    """torchvision's ResNet (Bottleneck, v1.5 stride on the 3x3 conv) with a configurable base width, no fc."""

    def __init__(self, layers, width=64):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = width, 1, 1, 64
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(Bottleneck, width, layers[0])
        self.layer2 = self._make_layer(Bottleneck, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(Bottleneck, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(Bottleneck, width * 8, layers[3], stride=2)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c2 = self.layer1(x)
        c3 = self.layer2(c2)
        c4 = self.layer3(c3)
        return c2, c3, c4, self.layer4(c4)


def check_against_torchvision(backbone, tv_model):
    """Our Backbone at full width has exactly torchvision's state dict minus fc.*."""
    want = {k: tuple(v.shape) for k, v in tv_model.state_dict().items() if not k.startswith("fc.")}
    got = {k: tuple(v.shape) for k, v in backbone.state_dict().items()}
    assert list(want) == list(got) and want == got, "backbone differs from torchvision's"


class FPN(nn.Module):
    """fpn: ResNet-50 + lateral 1x1 convs to 256, top-down bilinear add, two 3x3 smooth convs per level
    (256->256, 256->128, no activation between), concat at P2, 3x3 classifier 512->C, upsample to input."""

    def __init__(self, n_classes, width=64):
        super().__init__()
        d = 64 // width
        pyr, sm = 256 // d, 128 // d
        self.resnet_backbone = Backbone([3, 4, 6, 3], width)
        c = [width * 4, width * 8, width * 16, width * 32]
        self.toplayer = nn.Conv2d(c[3], pyr, 1)
        self.latlayer1 = nn.Conv2d(c[2], pyr, 1)
        self.latlayer2 = nn.Conv2d(c[1], pyr, 1)
        self.latlayer3 = nn.Conv2d(c[0], pyr, 1)
        for k in range(1, 5):
            setattr(self, "smooth%d_1" % k, nn.Conv2d(pyr, pyr, 3, padding=1))
        for k in range(1, 5):
            setattr(self, "smooth%d_2" % k, nn.Conv2d(pyr, sm, 3, padding=1))
        self.classify = nn.Conv2d(4 * sm, n_classes, 3, padding=1)

    def forward(self, x):
        c2, c3, c4, c5 = self.resnet_backbone(x)
        p5 = self.toplayer(c5)
        p4 = F.interpolate(p5, size=c4.shape[2:], **UP) + self.latlayer1(c4)
        p3 = F.interpolate(p4, size=c3.shape[2:], **UP) + self.latlayer2(c3)
        p2 = F.interpolate(p3, size=c2.shape[2:], **UP) + self.latlayer3(c2)
        ps = [p5, p4, p3, p2]
        ps = [getattr(self, "smooth%d_2" % (k + 1))(getattr(self, "smooth%d_1" % (k + 1))(p)) for k, p in enumerate(ps)]
        size = ps[3].shape[2:]
        ps = [F.interpolate(p, size=size, **UP) for p in ps[:3]] + [ps[3]]
        out = self.classify(torch.cat(ps, 1))
        return F.interpolate(out, size=x.shape[2:], **UP)


class PSPModule(nn.Module):
    def __init__(self, features, out_features, sizes=(1, 2, 3, 6)):
        super().__init__()
        self.stages = nn.ModuleList(
            [nn.Sequential(nn.AdaptiveAvgPool2d(s), nn.Conv2d(features, features, 1, bias=False)) for s in sizes])
        self.bottleneck = nn.Conv2d(features * (len(sizes) + 1), out_features, 1)

    def forward(self, f):
        priors = [F.interpolate(s(f), size=f.shape[2:], **UP) for s in self.stages] + [f]
        return F.relu(self.bottleneck(torch.cat(priors, 1)))


class PSPUpsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.PReLU())

    def forward(self, x):
        return self.conv(F.interpolate(x, size=(2 * x.shape[2], 2 * x.shape[3]), **UP))


class PSP(nn.Module):
    """psp: ResNet-101 + PSP (pools 1,2,3,6, 1x1 convs without bias, bottleneck 1x1 to 1024 + ReLU), up blocks
    1024->256->64->64, final 1x1 to C, aux 1x1 classifier on the ResNet output; (p + 0.4*aux)/1.4."""

    def __init__(self, n_classes, width=64):
        super().__init__()
        d = 64 // width
        self.feats = Backbone([3, 4, 23, 3], width)
        f = width * 32
        self.psp = PSPModule(f, 1024 // d)
        self.drop_1 = nn.Dropout2d(0.3)
        self.up_1 = PSPUpsample(1024 // d, 256 // d)
        self.up_2 = PSPUpsample(256 // d, 64 // d)
        self.up_3 = PSPUpsample(64 // d, 64 // d)
        self.drop_2 = nn.Dropout2d(0.15)
        self.final = nn.Conv2d(64 // d, n_classes, 1)
        self.classifier = nn.Conv2d(f, n_classes, 1)

    def forward(self, x):
        f = self.feats(x)[-1]
        p = self.drop_1(self.psp(f))
        p = self.drop_2(self.up_1(p))
        p = self.drop_2(self.up_2(p))
        p = self.drop_2(self.up_3(p))
        aux = F.interpolate(self.classifier(f), size=x.shape[2:], **UP)
        p = F.interpolate(self.final(p), size=x.shape[2:], **UP)
        return (p + 0.4 * aux) / 1.4


def listing(model, path, title):
    sd = model.state_dict()
    n = sum(p.numel() for p in model.parameters())
    with open(path, "w") as fh:
        fh.write("# %s: name dtype shape (x-separated, empty for 0-d); %d entries, %d parameters\n" % (title, len(sd), n))
        for k, v in sd.items():
            fh.write("%s %s %s\n" % (k, str(v.dtype).replace("torch.", ""), "x".join(str(s) for s in v.shape)))
    return len(sd), n


def randomize(model, seed):
    """Seeded weights (PyTorch's default init), random BN affine / PReLU slopes, BN stats from one calibration pass."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.5 + 0.5 * torch.rand(m.weight.shape, generator=g))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=g))
                m.momentum = 1.0
            elif isinstance(m, nn.PReLU):
                m.weight.copy_(0.1 + 0.3 * torch.rand(m.weight.shape, generator=g))
        model.train()
        model(torch.randn(4, 3, 96, 80, generator=g) * 1.5 + 0.2)  # running stats := these batch statistics
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1


def formula_input(h, w):
    """The 508x508 input, computable exactly in any language: ((31h + 17w + 7c) mod 97) / 64 - 0.75."""
    c, y, x = np.meshgrid(np.arange(3), np.arange(h), np.arange(w), indexing="ij")
    return torch.from_numpy((((31 * y + 17 * x + 7 * c) % 97) / 64.0 - 0.75).astype(np.float32)[None])


def compare(name, tag, f32, ref, notes):
    d = f32 - ref
    rel = (d.norm() / ref.norm()).item()
    agree = (f32.argmax(1) == ref.argmax(1)).double().mean().item()
    notes.append("%s_out_%s.npy: float64 %s, |out| max %.3g; float32 PyTorch vs float64: max-abs %.3g, rel-L2 %.3g, arg-max agreement %.6f"
                 % (name, tag, list(ref.shape), ref.abs().max().item(), d.abs().max().item(), rel, agree))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "resources", "org", "magnet4j", "magnet", "models", "fpnpsp")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)

    # full-width layouts, on torchvision's own resnet50()/resnet101()
    check_against_torchvision(Backbone([3, 4, 6, 3]), torchvision.models.resnet50())
    check_against_torchvision(Backbone([3, 4, 23, 3]), torchvision.models.resnet101())
    notes = []
    notes.append("fpn_c7.state.txt: %d entries, %d parameters" % listing(FPN(7), os.path.join(out, "fpn_c7.state.txt"), "fpn (ResNet-50 FPN), 7 classes"))
    notes.append("psp_c19.state.txt: %d entries, %d parameters" % listing(PSP(19), os.path.join(out, "psp_c19.state.txt"), "psp (ResNet-101 PSPNet), 19 classes"))

    rng = np.random.default_rng(1234)
    sizes = [(64, 64), (67, 45), (250, 130)]
    inputs = {}
    for h, w in sizes:
        x = rng.standard_normal((1, 3, h, w)).astype(np.float32)
        np.save(os.path.join(out, "in_%dx%d.npy" % (h, w)), x)
        inputs[(h, w)] = torch.from_numpy(x)

    for name, model, seed, which in [("fpn", FPN(3, 4), 11, sizes), ("psp", PSP(3, 4), 12, sizes[:2])]:
        randomize(model, seed)
        sd = model.state_dict()
        torch.save(sd, os.path.join(out, "%s_w4_c3.pth" % name))
        notes.append("%s_w4_c3.pth: %d entries, %d parameters" % (name, len(sd), sum(p.numel() for p in model.parameters())))
        m64 = FPN(3, 4) if name == "fpn" else PSP(3, 4)
        m64.load_state_dict(sd)
        m64 = m64.double().eval()
        for h, w in which:
            x = inputs[(h, w)]
            with torch.no_grad():
                ref = m64(x.double())
                f32 = model(x).double()
            np.save(os.path.join(out, "%s_out_%dx%d.npy" % (name, h, w)), ref.numpy())
            compare(name, "%dx%d" % (h, w), f32, ref, notes)
        x = formula_input(508, 508)
        with torch.no_grad():
            ref = m64(x.double())[:, :, ::7, ::7].contiguous()
            f32 = model(x).double()[:, :, ::7, ::7]
        np.save(os.path.join(out, "%s_out_508x508_s7.npy" % name), ref.numpy())
        compare(name, "508x508_s7", f32, ref, notes)
    with open(os.path.join(out, "refs.txt"), "w") as fh:
        fh.write("# written by magnet/src/test/python/make_fpn_psp_refs.py (PyTorch %s, torchvision %s)\n" % (torch.__version__, torchvision.__version__))
        for n in notes:
            fh.write(n + "\n")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
