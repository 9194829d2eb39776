#!/bin/bash
# Run ON THE GPU MACHINE (no JDK, no Maven needed), from the repository root, after scripts/gpu-pack.sh was run on
# the build machine and .device/ was carried along:  bash scripts/gpu-check.sh [--all]
# Unpacks the JRE to /tmp, adds the nvidia/*/lib folders of the Python environment (PyTorch's CUDA wheels) to
# MAGNET_CUDA_LIB_PATH, prints nvidia-smi, and runs org.magnet4j.kernels.cuda.CudaCheck: library discovery, the PTX
# checks, and every op of CudaConformanceTest on CUDA against the CPU. The report goes to stdout and to
# $OUT/cuda-check.txt when $OUT is set. Exit status: 0 all passed, 1 failures, 2 skipped (no usable GPU).
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f .device/jre.tar.gz ] && [ -d .device/cuda-check ] || { echo "run scripts/gpu-pack.sh on the build machine first and carry .device" >&2; exit 3; }
[ -x /tmp/jre/bin/java ] || tar xzf .device/jre.tar.gz -C /tmp
nvidia-smi -L 2>/dev/null || echo "(nvidia-smi not available)"
py=$(command -v python3 || command -v python || true)
if [ -n "$py" ]; then
  extra=$("$py" - <<'PY' 2>/dev/null
import glob, os, site, sys
dirs = []
for s in site.getsitepackages() + [site.getusersitepackages()]:
    dirs += sorted(glob.glob(os.path.join(s, "nvidia", "*", "lib"))) + glob.glob(os.path.join(s, "torch", "lib"))
print(":".join(d for d in dirs if os.path.isdir(d)))
PY
)
  [ -n "$extra" ] && export MAGNET_CUDA_LIB_PATH="${MAGNET_CUDA_LIB_PATH:+$MAGNET_CUDA_LIB_PATH:}$extra"
fi
echo "MAGNET_CUDA_LIB_PATH=${MAGNET_CUDA_LIB_PATH:-}"
d=.device/cuda-check
cp="$d/kernels-test-classes:$d/kernels-classes:$d/tensor-classes:$(ls $d/lib/*.jar | tr '\n' ':')"
log=${OUT:-/tmp}/cuda-check.txt
/tmp/jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g -XX:+UseParallelGC \
  -Drepo.dir="$PWD" ${JAVA_OPTS:-} -cp "$cp" org.magnet4j.kernels.cuda.CudaCheck "$@" 2>&1 | tee "$log"
exit "${PIPESTATUS[0]}"
