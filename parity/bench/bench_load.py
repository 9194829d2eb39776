"""PyTorch side of `magnet bench load`: torch.load of a checkpoint, first call and median of warm calls.
Prints one JSON line. Run: /usr/bin/python3 parity/bench/bench_load.py FILE [REPEATS]"""
import json
import statistics
import sys
import time

import torch

path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
t = time.perf_counter()
sd = torch.load(path, map_location="cpu")
first = time.perf_counter() - t
for _ in range(3):
    torch.load(path, map_location="cpu")
times = []
for _ in range(repeats):
    t = time.perf_counter()
    torch.load(path, map_location="cpu")
    times.append(time.perf_counter() - t)
print(json.dumps({"first_s": first, "median_s": statistics.median(times), "tensors": len(sd), "threads": torch.get_num_threads(), "torch": torch.__version__}))
