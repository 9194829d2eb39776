"""HRNet + OCR in PyTorch, written from docs/magnet-reference.md section 6 and the checkpoint's key layout.

Used as the PyTorch side of `bench` and as an independent oracle: it loads
fixtures/checkpoints/hrnet18_ocr_c19.pth strictly and reproduces fixtures/reference/hrnet18_ocr.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

BN_MOMENTUM = 0.1
CONFIGS = {
    # widths of the four branches, blocks per branch, modules per stage (2, 3, 4), stage-1 bottlenecks
    "hrnet18+ocr": dict(widths=[18, 36, 72, 144], blocks=2, modules=[1, 3, 2], stage1_blocks=2),
    "hrnet48+ocr": dict(widths=[48, 96, 192, 384], blocks=4, modules=[1, 4, 3], stage1_blocks=4),
}


def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, 3, stride, 1, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.downsample = downsample

    def forward(self, x):
        r = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + r)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4, momentum=BN_MOMENTUM)
        self.downsample = downsample

    def forward(self, x):
        r = x if self.downsample is None else self.downsample(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(self.bn3(self.conv3(y)) + r)


def make_layer(block, inplanes, planes, blocks, stride=1):
    down = None
    if stride != 1 or inplanes != planes * block.expansion:
        down = nn.Sequential(nn.Conv2d(inplanes, planes * block.expansion, 1, stride, bias=False),
                             nn.BatchNorm2d(planes * block.expansion, momentum=BN_MOMENTUM))
    layers = [block(inplanes, planes, stride, down)]
    layers += [block(planes * block.expansion, planes) for _ in range(1, blocks)]
    return nn.Sequential(*layers)


class HighResolutionModule(nn.Module):
    def __init__(self, widths, blocks):
        super().__init__()
        n = len(widths)
        self.branches = nn.ModuleList([make_layer(BasicBlock, w, w, blocks) for w in widths])
        fuse = []
        for i in range(n):
            row = []
            for j in range(n):
                if j > i:
                    row.append(nn.Sequential(nn.Conv2d(widths[j], widths[i], 1, bias=False),
                                             nn.BatchNorm2d(widths[i], momentum=BN_MOMENTUM)))
                elif j == i:
                    row.append(None)
                else:
                    steps = []
                    for k in range(i - j):
                        last = k == i - j - 1
                        out = widths[i] if last else widths[j]
                        parts = [conv3x3(widths[j], out, 2), nn.BatchNorm2d(out, momentum=BN_MOMENTUM)]
                        if not last:
                            parts.append(nn.ReLU())
                        steps.append(nn.Sequential(*parts))
                    row.append(nn.Sequential(*steps))
            fuse.append(nn.ModuleList(row))
        self.fuse_layers = nn.ModuleList(fuse)

    def forward(self, xs):
        xs = [b(x) for b, x in zip(self.branches, xs)]
        out = []
        for i, row in enumerate(self.fuse_layers):
            y = xs[0] if i == 0 else row[0](xs[0])
            for j in range(1, len(xs)):
                if j == i:
                    y = y + xs[j]
                elif j > i:
                    y = y + F.interpolate(row[j](xs[j]), size=xs[i].shape[2:], mode="bilinear", align_corners=True)
                else:
                    y = y + row[j](xs[j])
            out.append(F.relu(y))
        return out


def transition(pre, cur):
    layers = []
    for i, c in enumerate(cur):
        if i < len(pre):
            layers.append(None if c == pre[i] else nn.Sequential(conv3x3(pre[i], c), nn.BatchNorm2d(c, momentum=BN_MOMENTUM), nn.ReLU()))
        else:
            steps = []
            for j in range(i + 1 - len(pre)):
                out = c if j == i - len(pre) else pre[-1]
                steps.append(nn.Sequential(conv3x3(pre[-1], out, 2), nn.BatchNorm2d(out, momentum=BN_MOMENTUM), nn.ReLU()))
            layers.append(nn.Sequential(*steps))
    return nn.ModuleList(layers)


def bn_relu(c):
    return nn.Sequential(nn.BatchNorm2d(c, momentum=BN_MOMENTUM), nn.ReLU())


class ObjectAttentionBlock(nn.Module):
    def __init__(self, cin, key):
        super().__init__()
        self.key = key
        self.f_pixel = nn.Sequential(nn.Conv2d(cin, key, 1, bias=False), bn_relu(key), nn.Conv2d(key, key, 1, bias=False), bn_relu(key))
        self.f_object = nn.Sequential(nn.Conv2d(cin, key, 1, bias=False), bn_relu(key), nn.Conv2d(key, key, 1, bias=False), bn_relu(key))
        self.f_down = nn.Sequential(nn.Conv2d(cin, key, 1, bias=False), bn_relu(key))
        self.f_up = nn.Sequential(nn.Conv2d(key, cin, 1, bias=False), bn_relu(cin))

    def forward(self, x, proxy):
        b, _, h, w = x.shape
        q = self.f_pixel(x).view(b, self.key, -1).permute(0, 2, 1)
        k = self.f_object(proxy).view(b, self.key, -1)
        v = self.f_down(proxy).view(b, self.key, -1).permute(0, 2, 1)
        sim = F.softmax(torch.matmul(q, k) * self.key ** -0.5, dim=-1)
        ctx = torch.matmul(sim, v).permute(0, 2, 1).contiguous().view(b, self.key, h, w)
        return self.f_up(ctx)


class SpatialOCR(nn.Module):
    def __init__(self, cin, key, cout, dropout=0.05):
        super().__init__()
        self.object_context_block = ObjectAttentionBlock(cin, key)
        self.conv_bn_dropout = nn.Sequential(nn.Conv2d(2 * cin, cout, 1, bias=False), bn_relu(cout), nn.Dropout2d(dropout))

    def forward(self, feats, proxy):
        ctx = self.object_context_block(feats, proxy)
        return self.conv_bn_dropout(torch.cat([ctx, feats], 1))


class HRNetOCR(nn.Module):
    def __init__(self, name="hrnet18+ocr", num_classes=19):
        super().__init__()
        cfg = CONFIGS[name]
        w, nb = cfg["widths"], cfg["blocks"]
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)  # stem stride 1 (full_os)
        self.bn1 = nn.BatchNorm2d(64, momentum=BN_MOMENTUM)
        self.conv2 = nn.Conv2d(64, 64, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(64, momentum=BN_MOMENTUM)
        self.layer1 = make_layer(Bottleneck, 64, 64, cfg["stage1_blocks"])
        self.transition1 = transition([256], w[:2])
        self.stage2 = nn.Sequential(*[HighResolutionModule(w[:2], nb) for _ in range(cfg["modules"][0])])
        self.transition2 = transition(w[:2], w[:3])
        self.stage3 = nn.Sequential(*[HighResolutionModule(w[:3], nb) for _ in range(cfg["modules"][1])])
        self.transition3 = transition(w[:3], w)
        self.stage4 = nn.Sequential(*[HighResolutionModule(w, nb) for _ in range(cfg["modules"][2])])
        c = sum(w)
        self.conv3x3_ocr = nn.Sequential(nn.Conv2d(c, 512, 3, 1, 1), nn.BatchNorm2d(512, momentum=BN_MOMENTUM), nn.ReLU())
        self.ocr_distri_head = SpatialOCR(512, 256, 512)
        self.cls_head = nn.Conv2d(512, num_classes, 1)
        self.aux_head = nn.Sequential(nn.Conv2d(c, c, 1), nn.BatchNorm2d(c, momentum=BN_MOMENTUM), nn.ReLU(), nn.Conv2d(c, num_classes, 1))

    @staticmethod
    def _trans(trans, xs):
        return [x if t is None else t(x) for t, x in zip(trans, xs)]

    def forward_both(self, x):
        h, w = x.shape[2:]
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.layer1(x)
        xs = self._trans(self.transition1, [x, x])
        xs = self.stage2(xs)
        xs = self._trans(self.transition2, xs + [xs[-1]])
        xs = self.stage3(xs)
        xs = self._trans(self.transition3, xs + [xs[-1]])
        xs = self.stage4(xs)
        size = xs[0].shape[2:]
        feats = torch.cat([xs[0]] + [F.interpolate(t, size=size, mode="bilinear", align_corners=True) for t in xs[1:]], 1)
        aux = self.aux_head(feats)
        feats = self.conv3x3_ocr(feats)
        b, k = aux.shape[:2]
        probs = F.softmax(aux.view(b, k, -1), dim=2)  # soft object regions over pixels
        context = torch.matmul(probs, feats.view(b, feats.shape[1], -1).permute(0, 2, 1)).permute(0, 2, 1).unsqueeze(3)
        feats = self.ocr_distri_head(feats, context)
        cls = F.interpolate(self.cls_head(feats), size=(h, w), mode="bilinear", align_corners=True)
        aux = F.interpolate(aux, size=(h, w), mode="bilinear", align_corners=True)
        return cls, aux

    def forward(self, x):
        cls, aux = self.forward_both(x)
        return (cls + 0.4 * aux) / 1.4


if __name__ == "__main__":
    import sys
    import numpy as np
    fx = sys.argv[1] if len(sys.argv) > 1 else "../shared/fixtures"
    m = HRNetOCR().eval()
    sd = torch.load(f"{fx}/checkpoints/hrnet18_ocr_c19.pth", map_location="cpu")
    m.load_state_dict(sd, strict=True)
    print("parameters", sum(p.numel() for p in m.parameters()), "entries", len(sd))
    x = torch.from_numpy(np.load(f"{fx}/reference/hrnet18_ocr/hrnet18_ocr_input.npy"))
    ref = np.load(f"{fx}/reference/hrnet18_ocr/hrnet18_ocr_output.npy")
    with torch.no_grad():
        out = m.double()(x.double()).numpy()
    d = np.abs(out - ref)
    print("float64 vs reference: max-abs %.3g rel-L2 %.3g argmax agreement %.6f" % (
        d.max(), np.linalg.norm(out - ref) / np.linalg.norm(ref), (out.argmax(1) == ref.argmax(1)).mean()))
