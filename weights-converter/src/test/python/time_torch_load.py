"""Times torch.load of a checkpoint (first call, then the median of warm calls), for comparison with LoadTiming.java.
Usage: /usr/bin/python3 time_torch_load.py FILE [REPEATS [WARMUP]]"""
import sys, time, statistics
import torch

path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
t = time.perf_counter(); sd = torch.load(path, map_location='cpu'); first = (time.perf_counter() - t) * 1e3
for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 10):
    torch.load(path, map_location='cpu')
times = []
for _ in range(repeats):
    t = time.perf_counter(); sd = torch.load(path, map_location='cpu'); times.append((time.perf_counter() - t) * 1e3)
print(f"torch {torch.__version__} torch.load {path.split('/')[-1]}: {len(sd)} tensors; first load {first:.0f} ms, "
      f"warm median {statistics.median(times):.1f} ms (min {min(times):.1f}) over {repeats} after warm-up")
