"""PyTorch side of `magnet bench model`: times one backbone forward in eval mode under no_grad.

Prints one JSON line: {"median_s": ..., "times_s": [...], "threads": T, "device": D, "torch": version (, "gpu": name)}.
Each timed forward includes copying the output back to the host, as the Java side's does (and so waits for the GPU).
Run: /usr/bin/python3 parity/bench/bench_model.py --model hrnet18+ocr --shape 1 3 128 256 --threads 2 --repeat 5 [--device cuda:0]
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
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N]")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True  # its fastest eager convolutions; float32 throughout, as ours (no TF32)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    torch.manual_seed(0)
    m = build(a.model, a.num_classes).eval().to(dev)
    x = torch.randn(*a.shape).to(dev)
    times = []
    with torch.no_grad():
        for i in range(a.warmup + a.repeat):
            t = time.perf_counter()
            m(x).cpu()
            if i >= a.warmup:
                times.append(time.perf_counter() - t)
    out = {"median_s": statistics.median(times), "times_s": times, "threads": torch.get_num_threads(), "device": str(dev), "torch": torch.__version__}
    if dev.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(dev)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
