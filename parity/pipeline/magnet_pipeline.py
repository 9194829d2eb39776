"""MagNet's progressive inference in PyTorch, written from docs/magnet-reference.md sections 2 and 3.

The PyTorch side of `magnet bench pipeline`: same image, same checkpoints, same settings as the Java
run, timed in the same invocation. Prints one JSON line with the wall time and, with --save, writes each
stage's arg-max at the last scale as .npy for comparison.
Run: /usr/bin/python3 parity/pipeline/magnet_pipeline.py --fixtures ../shared/fixtures [--threads 2] [--device cuda:0]
With --device cuda the networks and the pipeline's tensors live on the GPU (images are still cut and resized by
OpenCV on the host, as in the reference program); the time ends after the GPU has finished.
"""
import argparse
import json
import math
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import roi_align

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "models"))
from hrnet_ocr import HRNetOCR  # noqa: E402
from refinement import RefinementMagNet  # noqa: E402

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


def grid(size, crop):
    n = math.ceil(size / crop)
    return n, int(crop - (n * crop - size) / max(n - 1, 1))


DEV = torch.device("cpu")


def patches(img, scale, crop, inp):
    sw, sh = scale
    scaled = cv2.resize(img, (sw, sh), interpolation=cv2.INTER_LINEAR)
    nx, stx = grid(sw, crop[0])
    ny, sty = grid(sh, crop[1])
    ims, coords = [], []
    for x in range(nx):
        for y in range(ny):
            x0, y0 = x * stx, y * sty
            c = scaled[y0:y0 + crop[1], x0:x0 + crop[0]]
            c = cv2.resize(c, tuple(inp), interpolation=cv2.INTER_LINEAR)
            t = (torch.from_numpy(c).permute(2, 0, 1).float() / 255 - MEAN) / STD
            ims.append(t)
            coords.append((x0 / sw, y0 / sh, (x0 + crop[0]) / sw, (y0 + crop[1]) / sh))
    return torch.stack(ims).to(DEV), torch.tensor(coords, device=DEV)


def certainty(p):
    top = p.topk(2, dim=1)[0]
    return top[:, 0:1] - top[:, 1:2]


def median_blur(x, k):
    pad = (k - 1) // 2
    cols = F.unfold(x, k, padding=pad)
    oh = x.shape[2] + 2 * pad - k + 1
    ow = x.shape[3] + 2 * pad - k + 1
    return cols.view(x.shape[0], x.shape[1], k * k, -1).median(2)[0].view(x.shape[0], x.shape[1], oh, ow)


def run(img, model, refiners, a):
    scales = [tuple(map(int, s.split("-"))) for s in a.scales.split(",")]
    ih, iw = a.input_size[1], a.input_size[0]
    ims, _ = patches(img, scales[0], a.crop_size, a.input_size)
    p = F.softmax(model(ims[:1]), 1)
    stages = [p]
    for i in range(1, len(scales)):
        w, h = scales[i]
        p = F.interpolate(p, (h, w), mode="bilinear", align_corners=False)
        ims, coords = patches(img, scales[i], a.crop_size, a.input_size)
        boxes = coords * torch.tensor([w, h, w, h], dtype=torch.float32, device=DEV)
        u = 1 - certainty(p)
        rois = torch.cat([torch.zeros(len(boxes), 1, device=DEV), boxes], 1)
        scores = roi_align(u, rois, (ih, iw)).mean(dim=(1, 2, 3))
        order = torch.sort(scores)[1]
        if a.n_patches != -1:
            order = order[:a.n_patches]
        early = torch.cat([F.softmax(model(ims[order[k:k + a.sub_batch_size]]), 1) for k in range(0, len(order), a.sub_batch_size)])
        coarse = roi_align(p, rois[order], (ih, iw))
        refiner = refiners[min(len(refiners), i) - 1]
        refined = F.softmax(refiner(early, coarse), 1)
        rb = torch.round(boxes[order]).long()
        ph, pw = int(rb[0, 3] - rb[0, 1]), int(rb[0, 2] - rb[0, 0])
        refined = F.interpolate(refined, (ph, pw), mode="bilinear", align_corners=False)
        canvas = torch.zeros_like(p)
        count = torch.zeros(1, 1, h, w, device=DEV)
        for k in range(len(order)):
            x0, y0, x1, y1 = rb[k].tolist()
            canvas[:, :, y0:y1, x0:x1] = refined[k:k + 1]
            count[:, :, y0 + 10:y1 - 10, x0 + 10:x1 - 10] += 1
        canvas = canvas / count.clamp(min=1)
        mask = count > 0
        cert = certainty(canvas)
        if a.n_patches > 0:
            cert[mask] = 0
        e = cert * F.interpolate(u, (h, w), mode="bilinear", align_corners=False)
        e = F.interpolate(e, (ih, iw), mode="nearest")
        e = median_blur(e, a.smooth_kernel)
        e = F.interpolate(e, (h, w), mode="nearest").view(-1)
        n_sel, n_tot = len(order), len(coords)
        k = min(int(a.n_points), h * w * n_sel / n_tot) if a.n_points > 1 else int(w * h * a.n_points * n_sel / n_tot)
        k = int(k)
        idx = torch.arange(h * w, device=DEV) if k >= h * w else e.topk(k)[1]
        if a.n_patches > 0:
            idx = idx[mask.view(-1)[idx]]
        pf = p.view(p.shape[1], -1)
        pf[:, idx] = canvas.view(p.shape[1], -1)[:, idx]
        stages.append(p)
    return stages, scales


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="../shared/fixtures")
    ap.add_argument("--image", default=None)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--scales", default="256-128,512-256,1024-512,2048-1024")
    ap.add_argument("--crop_size", type=int, nargs=2, default=[256, 128])
    ap.add_argument("--input_size", type=int, nargs=2, default=[256, 128])
    ap.add_argument("--n_points", type=float, default=32768)
    ap.add_argument("--n_patches", type=int, default=-1)
    ap.add_argument("--smooth_kernel", type=int, default=5)
    ap.add_argument("--sub_batch_size", type=int, default=1)
    ap.add_argument("--save", default=None, help="folder for per-stage arg-max .npy files")
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N]")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    global DEV
    DEV = torch.device(a.device)
    if DEV.type == "cuda":  # float32 throughout, as the Java side (no TF32)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    fx = a.fixtures
    model = HRNetOCR().eval()
    model.load_state_dict(torch.load(f"{fx}/checkpoints/hrnet18_ocr_c19.pth", map_location="cpu"))
    model.to(DEV)
    refiners = []
    for s in (512, 1024, 2048):
        r = RefinementMagNet(19).eval()
        r.load_state_dict(torch.load(f"{fx}/checkpoints/refinement_c19_{s}.pth", map_location="cpu"))
        refiners.append(r.to(DEV))
    path = a.image or f"{fx}/images/frankfurt_000001_003056_leftImg8bit.png"
    img = np.load(path) if path.endswith(".npy") else cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)  # H x W x 3 RGB
    t0 = time.time()
    with torch.no_grad():
        stages, scales = run(img, model, refiners, a)
    if DEV.type == "cuda":
        torch.cuda.synchronize(DEV)
    seconds = time.time() - t0
    if a.save:
        os.makedirs(a.save, exist_ok=True)
        lw, lh = scales[-1]
        for p, (w, h) in zip(stages, scales):
            q = F.interpolate(p, (lh, lw), mode="bilinear", align_corners=False) if p.shape[2:] != (lh, lw) else p
            np.save(f"{a.save}/argmax_{w}x{h}.npy", q.argmax(1)[0].cpu().numpy().astype(np.uint8))
    out = {"seconds": seconds, "threads": torch.get_num_threads(), "device": str(DEV), "torch": torch.__version__}
    if DEV.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(DEV)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
