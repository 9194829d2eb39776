"""PyTorch side of `magnet bench ops`: the same ops at the same sizes on the same device, each timed from the call
to the device having finished (torch.cuda.synchronize), median of --repeat runs after 2 s of warm-up runs.

Prints one JSON line: {"ops": {name: median_s}, "device": D, "threads": T, "torch": version (, "gpu": name)}.
Run: python3 parity/bench/bench_ops.py --device cuda:0 --repeat 20
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"
    if cuda:  # cuDNN autotuned, float32 without TF32, as the Java side
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    g = torch.Generator().manual_seed(3)

    def randn(*s):
        return torch.randn(*s, generator=g).to(dev)

    def rand(*s):
        return torch.rand(*s, generator=g).to(dev)

    stem, w3, w1 = randn(1, 64, 128, 256), randn(64, 64, 3, 3), randn(64, 64, 1, 1)
    branch, wb = randn(1, 18, 128, 256), randn(18, 18, 3, 3)
    ocr, wo = randn(1, 270, 128, 256), randn(512, 270, 3, 3) * 0.02
    probs, probs_full, flat = rand(1, 19, 256, 512), rand(1, 19, 1024, 2048), rand(2048 * 1024)
    cases = {
        "conv3x3 64->64 128x256": lambda: F.conv2d(stem, w3, padding=1),
        "conv3x3 18->18 128x256": lambda: F.conv2d(branch, wb, padding=1),
        "conv3x3 270->512 128x256": lambda: F.conv2d(ocr, wo, padding=1),
        "conv1x1 64->64 128x256": lambda: F.conv2d(stem, w1),
        "bilinear 19x256x512->1024x2048": lambda: F.interpolate(probs, (1024, 2048), mode="bilinear", align_corners=False),
        "softmax 19x256x512": lambda: F.softmax(probs, 1),
        "topk 32768 of 2097152": lambda: flat.topk(32768),
        "top2 classes 19x1024x2048": lambda: probs_full.topk(2, dim=1),
    }
    out = {}
    with torch.no_grad():
        for name, fn in cases.items():
            warm_end, w = time.perf_counter() + 2, 0  # 3 runs and at least 2 s, as the Java side
            while w < 3 or time.perf_counter() < warm_end:
                fn()
                if cuda:
                    torch.cuda.synchronize(dev)
                w += 1
            times = []
            for i in range(a.repeat):
                t = time.perf_counter()
                fn()
                if cuda:
                    torch.cuda.synchronize(dev)
                times.append(time.perf_counter() - t)
            out[name] = statistics.median(times)
    result = {"ops": out, "device": str(dev), "threads": torch.get_num_threads(), "torch": torch.__version__}
    if cuda:
        result["gpu"] = torch.cuda.get_device_name(dev)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
