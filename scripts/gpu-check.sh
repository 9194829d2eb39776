#!/bin/bash
# Run ON THE GPU MACHINE (no JDK, no Maven needed), from the repository root, after scripts/gpu-pack.sh was run on
# the build machine and .device/ was carried along:
#   bash scripts/gpu-check.sh [ops] [models] [pipeline] [bench] [profile]   (default: all five, in that order)
#   ops       every op of CudaConformanceTest on CUDA against the CPU, plus the PTX and library checks (CudaCheck);
#             `ops --all` also runs the GPU-free CUDA tests there
#   models    HRNet-W18+OCR on the fixture input with the fixture checkpoint, on the GPU and on the CPU, each
#             against PyTorch in float64 (parity/gpu/compare_forward.py)
#   pipeline  the Cityscapes pipeline on the GPU: each stage's arg-max agreement with the reference maps, and its
#             time next to PyTorch's on the same GPU
#   bench     HRNet-W18+OCR forward at batch 1 and 8, and the kernels at MagNet's sizes (bench ops: cuDNN convolutions
#             at HRNet's shapes, our interpolate, softmax and top-k), on the GPU next to PyTorch eager on the same GPU
#   profile   where an HRNet-W18+OCR forward spends its GPU time, at batch 1 and 8: every kernel and library call
#             (cuDNN, cuBLAS) with its calls and device time (bench model --profile; events slow it a little)
# Each stage's report goes to stdout and to $OUT/<stage>.txt ($OUT, or /tmp/gpu-check). GPU_CHECK_DEVICE (default
# cuda) picks the device of the last three stages: `GPU_CHECK_DEVICE=cpu bash scripts/gpu-check.sh models pipeline
# bench` rehearses them on a machine without a GPU. Exit status: 0 all ran and passed, 1 a failure, 2 ops skipped
# (no usable GPU).
set -uo pipefail
cd "$(dirname "$0")/.."
D=.device
[ -f $D/jre.tar.xz ] && [ -d $D/cuda-check ] && [ -f $D/magnet4j-tools.jar ] && [ -d $D/fixtures ] \
  || { echo "run scripts/gpu-pack.sh on the build machine first and carry .device" >&2; exit 3; }
dev=${GPU_CHECK_DEVICE:-cuda}
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(ops models pipeline bench profile)

t_start=$(date +%s)
if [ ! -x /tmp/jre/bin/java ]; then
  tar xJf $D/jre.tar.xz -C /tmp 2>/dev/null \
    || python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall('/tmp')" $D/jre.tar.xz \
    || { echo "cannot unpack $D/jre.tar.xz (no xz and no python3)" >&2; exit 3; }
fi
JAVA=/tmp/jre/bin/java
# The Python with torch (the GPU machine's venv; here /usr/bin/python3): PyTorch's side of every comparison.
for p in "${MAGNET_PYTHON:-}" "$(command -v python3 || true)" /opt/torch/.venv/bin/python3 /usr/bin/python3; do
  [ -n "$p" ] && [ -x "$p" ] && "$p" -c "import torch" 2>/dev/null && { export MAGNET_PYTHON=$p; break; }
done
PY=${MAGNET_PYTHON:-python3}
# The CUDA libraries of that environment (PyTorch's wheels: cuBLAS, cuDNN, NVRTC) for our FFM bindings.
extra=$("$PY" - <<'PY' 2>/dev/null
import glob, os, site
dirs = []
for s in site.getsitepackages() + [site.getusersitepackages()]:
    dirs += sorted(glob.glob(os.path.join(s, "nvidia", "*", "lib"))) + glob.glob(os.path.join(s, "torch", "lib"))
print(":".join(d for d in dirs if os.path.isdir(d)))
PY
)
[ -n "$extra" ] && export MAGNET_CUDA_LIB_PATH="${MAGNET_CUDA_LIB_PATH:+$MAGNET_CUDA_LIB_PATH:}$extra"
nvidia-smi -L 2>/dev/null || echo "(nvidia-smi not available)"
echo "device $dev; python $PY; MAGNET_CUDA_LIB_PATH=${MAGNET_CUDA_LIB_PATH:-}"

jflags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx24g -XX:+UseParallelGC)
tool() { "$JAVA" "${jflags[@]}" -jar $D/magnet4j-tools.jar "$@" 2>&1 | grep --line-buffered -v "WARNING: Using incubator"; return "${PIPESTATUS[0]}"; }
fx=$D/fixtures
rc=0
for stage in "${stages[@]}"; do
  echo "==== $stage ($(($(date +%s) - t_start)) s in)"
  case "$stage" in
    ops)
      d=$D/cuda-check
      cp="$d/kernels-test-classes:$d/kernels-classes:$d/tensor-classes:$(ls $d/lib/*.jar | tr '\n' ':')"
      extra_args=()
      [[ " ${stages[*]} " == *" --all "* ]] && extra_args=(--all)
      "$JAVA" "${jflags[@]}" -Drepo.dir="$PWD" ${JAVA_OPTS:-} -cp "$cp" org.magnet4j.kernels.cuda.CudaCheck "${extra_args[@]}" 2>&1 \
        | grep --line-buffered -v "WARNING: Using incubator" | tee "$out/ops.txt"
      s=${PIPESTATUS[0]}
      [ "$s" = 1 ] && rc=1
      [ "$s" = 2 ] && [ "$rc" = 0 ] && rc=2
      ;;
    --all) ;; # the option of ops
    models)
      w=$fx/checkpoints/hrnet18_ocr_c19.pth x=$fx/reference/hrnet18_ocr/hrnet18_ocr_input.npy
      { tool forward --model hrnet18+ocr --num_classes 19 --weights $w --input $x --output /tmp/hrnet_$dev.npy --device $dev \
          && tool forward --model hrnet18+ocr --num_classes 19 --weights $w --input $x --output /tmp/hrnet_cpu.npy --device cpu \
          && "$PY" parity/gpu/compare_forward.py --weights $w --input $x "$dev=/tmp/hrnet_$dev.npy" cpu=/tmp/hrnet_cpu.npy; } 2>&1 \
        | tee "$out/models.txt"
      [ "${PIPESTATUS[0]}" = 0 ] || rc=1
      ;;
    pipeline)
      refs=/tmp/pipeline_refs
      mkdir -p $refs
      for g in $fx/reference/pipeline_cityscapes/*.npy.gz; do gzip -dc "$g" > "$refs/$(basename "$g" .gz)"; done
      # the image decoded by OpenCV, as the reference program reads it (the runtime has no javax.imageio)
      "$PY" -c "import sys, cv2, numpy as np; np.save(sys.argv[2], np.ascontiguousarray(cv2.cvtColor(cv2.imread(sys.argv[1]), cv2.COLOR_BGR2RGB)))" \
        $fx/images/frankfurt_000001_003056_leftImg8bit.png /tmp/frankfurt.npy || rc=1
      tool bench pipeline --fixtures $fx --device $dev --image /tmp/frankfurt.npy --compare $refs ${PIPELINE_ARGS:-} | tee "$out/pipeline.txt"
      [ "${PIPESTATUS[0]}" = 0 ] || rc=1
      ;;
    bench)
      { tool bench model --model hrnet18+ocr --num_classes 19 --device $dev --shape 1 3 128 256 --repeat ${BENCH_REPEAT:-20} \
          && tool bench model --model hrnet18+ocr --num_classes 19 --device $dev --shape 8 3 128 256 --repeat ${BENCH_REPEAT:-10} \
          && tool bench ops --device $dev --repeat ${BENCH_REPEAT:-20}; } 2>&1 \
        | tee "$out/bench.txt"
      [ "${PIPESTATUS[0]}" = 0 ] || rc=1
      ;;
    profile)
      { tool bench model --model hrnet18+ocr --num_classes 19 --device $dev --shape 1 3 128 256 --repeat 3 --profile --no_pytorch \
          && tool bench model --model hrnet18+ocr --num_classes 19 --device $dev --shape 8 3 128 256 --repeat 2 --profile --no_pytorch; } 2>&1 \
        | tee "$out/profile.txt"
      [ "${PIPESTATUS[0]}" = 0 ] || rc=1
      ;;
    *) echo "unknown stage $stage (ops, models, pipeline, bench, profile)" >&2; rc=1 ;;
  esac
done
echo "==== done in $(($(date +%s) - t_start)) s, exit $rc"
exit $rc
