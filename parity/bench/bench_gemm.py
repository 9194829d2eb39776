"""PyTorch's side of the SGEMM lines in BENCHMARKS.md: each GemmBenchmark shape M x N x K timed in the same run.

Debian's PyTorch 1.13 multiplies matrices (torch.mm) with a plain BLAS, but convolves with oneDNN, its fast library.
So each product is also timed as what it is in HRNet: a 1x1 convolution of K input channels to M output channels
over N pixels, whose input is exactly a stored K x N matrix B (NCHW) and whose weight is A. Best of 10 half-second
rounds, like JMH's best iteration on the Java side.

Prints one line per shape: "MxNxK conv1x1 <ms> mm <ms>".
Run: /usr/bin/python3 parity/bench/bench_gemm.py --threads 2 64x32768x576 18x32768x162
"""
import argparse
import time

import torch


def best_ms(fn, rounds=10, seconds=0.5):
    for _ in range(3):
        fn()
    best = float("inf")
    for _ in range(rounds):
        start, n = time.perf_counter(), 0
        while True:
            fn()
            n += 1
            took = time.perf_counter() - start
            if took >= seconds:
                break
        best = min(best, took / n)
    return best * 1e3


def pixels(n):
    """N as an image of 2^a x 2^b pixels, height <= width (32768 -> 128 x 256, 1048576 -> 1024 x 1024)."""
    bits = n.bit_length() - 1
    if 1 << bits != n:
        return 1, n
    return 1 << (bits // 2), 1 << (bits - bits // 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--mm", action="store_true", help="also time torch.mm (slow: a plain BLAS in Debian's build)")
    ap.add_argument("shapes", nargs="+")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.set_grad_enabled(False)
    g = torch.Generator().manual_seed(1)
    for shape in a.shapes:
        m, n, k = (int(v) for v in shape.split("x"))
        h, w = pixels(n)
        x = torch.randn(1, k, h, w, generator=g)
        weight = torch.randn(m, k, 1, 1, generator=g)
        conv = best_ms(lambda: torch.nn.functional.conv2d(x, weight))
        mm = "-"
        if a.mm:
            am, bm, out = weight.view(m, k), x.view(k, n), torch.empty(m, n)
            mm = "%.4f" % best_ms(lambda: torch.mm(am, bm, out=out), rounds=3)
        print(f"{shape} conv1x1 {conv:.4f} mm {mm}", flush=True)


if __name__ == "__main__":
    main()
