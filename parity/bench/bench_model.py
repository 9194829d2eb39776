"""PyTorch side of `magnet bench model`: times one backbone forward in eval mode under no_grad.

Prints one JSON line: {"median_s": ..., "times_s": [...], "threads": T, "torch": version}.
Run: /usr/bin/python3 parity/bench/bench_model.py --model hrnet18+ocr --shape 1 3 128 256 --threads 2 --repeat 5
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))


def build(name, classes):
    if name.startswith("hrnet"):
        from hrnet_ocr import HRNetOCR
        return HRNetOCR(name, classes)
    if name in ("fpn", "psp"):
        # the PyTorch twins written for the fpn/psp parity references (torchvision ResNet + MagNet heads)
        sys.path.insert(0, os.path.join(HERE, "..", "..", "magnet", "src", "test", "python"))
        import make_fpn_psp_refs as refs
        return refs.FPN(classes) if name == "fpn" else refs.PSP(classes)
    raise SystemExit(f"unknown model {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="hrnet18+ocr")
    ap.add_argument("--num_classes", type=int, default=19)
    ap.add_argument("--shape", type=int, nargs=4, default=[1, 3, 128, 256])
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = build(a.model, a.num_classes).eval()
    x = torch.randn(*a.shape)
    times = []
    with torch.no_grad():
        for i in range(a.warmup + a.repeat):
            t = time.perf_counter()
            m(x)
            if i >= a.warmup:
                times.append(time.perf_counter() - t)
    print(json.dumps({"median_s": statistics.median(times), "times_s": times, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
