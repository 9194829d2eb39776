"""Checks backbone outputs written by `magnet forward` (on any device) against PyTorch in float64 on the CPU.

The GPU check (scripts/gpu-check.sh) runs HRNet-W18+OCR on the fixture input with the fixture checkpoint on CUDA
and on the CPU, then this script: the float64 forward is the exact result, so both figures say how far each float32
run is from it (the CPU one, which the CPU tests bound at ~1e-3 max-abs, is the yardstick for the CUDA one).
Prints one line per output: max-abs, relative L2 and arg-max agreement against the float64 reference, and PASS or
FAIL against the limits the CPU and OpenCL model tests apply (HRNetOcrParityTest: max-abs 2e-3, rel-L2 1e-4, arg-max
99.99%); exits 1 when an output fails.
Run: python3 parity/gpu/compare_forward.py --weights W.pth --input X.npy cuda=/tmp/a.npy cpu=/tmp/b.npy
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
from hrnet_ocr import HRNetOCR  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--model", default="hrnet18+ocr")
    ap.add_argument("--num_classes", type=int, default=19)
    ap.add_argument("--max_abs", type=float, default=2e-3)
    ap.add_argument("--rel_l2", type=float, default=1e-4)
    ap.add_argument("--argmax", type=float, default=0.9999)
    ap.add_argument("outputs", nargs="+", help="name=path of a .npy written by `magnet forward`")
    a = ap.parse_args()
    m = HRNetOCR(a.model, a.num_classes).eval()
    m.load_state_dict(torch.load(a.weights, map_location="cpu"))
    x = torch.from_numpy(np.load(a.input)).double()
    with torch.no_grad():
        ref = m.double()(x).numpy()
    failed = False
    for spec in a.outputs:
        name, path = spec.split("=", 1)
        out = np.load(path).astype(np.float64)
        if out.shape != ref.shape:
            print(f"{name}: shape {out.shape}, reference {ref.shape}: FAIL")
            failed = True
            continue
        d = np.abs(out - ref).max()
        rel = np.linalg.norm(out - ref) / np.linalg.norm(ref)
        agree = (out.argmax(1) == ref.argmax(1)).mean()
        ok = d <= a.max_abs and rel <= a.rel_l2 and agree >= a.argmax
        failed |= not ok
        print(f"{name}: vs PyTorch float64 max-abs {d:.3g}, rel-L2 {rel:.3g}, arg-max agreement {100 * agree:.4f}% "
              f"{'PASS' if ok else 'FAIL'} (limits {a.max_abs:g}, {a.rel_l2:g}, {100 * a.argmax:g}%)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
