"""Reference picks of torch.topk (CPU, PyTorch 1.13) on tie-heavy score maps, for TorchCpuTopkTest.

Scores come from a formula both sides compute: a coarse map of q levels, upsampled by nearest (blocks of
equal values, as MagNet's smoothed error map). Writes the sorted picked indices per case as int32 .npy.
Run: /usr/bin/python3 magnet/src/test/python/make_topk_refs.py
"""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "org", "magnet4j", "magnet", "pipeline")


def scores(h, w, block, levels, seed):
    hh, ww = h // block, w // block
    i = np.arange(hh * ww, dtype=np.int64)
    coarse = (((i * 2654435761 + seed) % 4294967296) % levels).astype(np.float32) / np.float32(levels)
    coarse = coarse.reshape(hh, ww)
    return np.repeat(np.repeat(coarse, block, 0), block, 1).reshape(-1)


CASES = [  # name, h, w, block, levels, seed, k
    ("nth_small", 64, 64, 2, 97, 1, 1000),       # k*64 > n: nth_element
    ("partial_small", 64, 64, 2, 97, 2, 50),     # k*64 <= n: partial_sort
    ("nth_stage1", 256, 512, 2, 5000, 3, 32768),  # MagNet stage 1 shape
    ("partial_stage3", 1024, 2048, 8, 20000, 4, 32768),  # MagNet stage 3 shape
]

os.makedirs(OUT, exist_ok=True)
for name, h, w, block, levels, seed, k in CASES:
    s = torch.from_numpy(scores(h, w, block, levels, seed))
    idx = torch.topk(s, k)[1].numpy().astype(np.int32)
    np.save(os.path.join(OUT, f"topk_{name}.npy"), np.sort(idx))
    print(name, h, w, k, "ties at k-th value:", int((s == s[idx].min()).sum()))
