#!/bin/bash
# Compiles the CUDA kernels to PTX for compute_80, once with -DACC=float (<name>.f.ptx) and once with -DACC=double
# (<name>.d.ptx). Each family's CUDA program is assembled as KernelSources.program does it, byte for byte: the CUDA
# dialect (resources/.../cuda/dialect.cuh), gpu/common.gpu and gpu/<name>.gpu, each after a #line 1 "<file>" line
# (the kernels are written once for CUDA and OpenCL). The PTX is committed under
# src/main/resources/.../cuda/ptx so that machines without nvcc (CI, a GPU machine with only the driver) have it;
# the driver JIT-compiles it for the actual GPU (sm_80, sm_90, ...). Each PTX starts with
#   // magnet4j-source-sha256: <sha256 of the assembled program + "\n--\n" + <nvcc flags>>
# which CudaModules checks at run time: a stale PTX is not used (NVRTC compiles the source instead, if present).
#
#   build-ptx.sh                 (the Maven build) if the committed PTX is stale and nvcc exists, build fresh PTX
#                                into target/classes and warn; otherwise do nothing. Never fails the build.
#   build-ptx.sh --update        rebuild every PTX into src/main/resources (commit the result)
#   build-ptx.sh --check         exit 1 when a committed PTX is stale or missing
#   build-ptx.sh --ptxas         also assemble every PTX for sm_90 with ptxas (a syntax/resource check, no GPU)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../.." && pwd)
res="$module/src/main/resources/org/magnet4j/kernels"
committed="$res/cuda/ptx"
mode=${1:-build}
ARCH=compute_80
flags_for() { echo "-arch=$ARCH -fmad=false -DACC=$1"; }

find_nvcc() {
  for c in "${NVCC:-}" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" "$(command -v nvcc 2>/dev/null)" /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

program() { # name: the family's CUDA program, as KernelSources.program assembles it
  local f
  for f in cuda/dialect.cuh gpu/common.gpu "gpu/$1.gpu"; do printf '#line 1 "%s"\n' "$(basename "$f")"; cat "$res/$f"; done
}

hash_of() { # name acc
  { program "$1"; printf '\n--\n'; printf '%s' "$(flags_for "$2")"; } | sha256sum | cut -d' ' -f1
}

families() { for g in "$res"/gpu/*.gpu; do n=$(basename "$g" .gpu); [ "$n" != common ] && echo "$n"; done; }

stale_list() {
  for n in $(families); do
    for acc in float double; do
      f="$committed/$n.${acc:0:1}.ptx"
      want=$(hash_of "$n" "$acc")
      head -1 "$f" 2>/dev/null | grep -q "magnet4j-source-sha256: $want" || echo "$n $acc"
    done
  done
}

compile() { # name acc outdir
  local n=$1 acc=$2 out=$3 tmp
  tmp=$(mktemp -d)
  program "$n" > "$tmp/$n.cu"
  # shellcheck disable=SC2046
  if ! "$NVCC_BIN" -ptx $(flags_for "$acc") "$tmp/$n.cu" -o "$tmp/out.ptx"; then
    rm -rf "$tmp"; return 1
  fi
  mkdir -p "$out"
  { echo "// magnet4j-source-sha256: $(hash_of "$n" "$acc")"; cat "$tmp/out.ptx"; } > "$out/$n.${acc:0:1}.ptx"
  rm -rf "$tmp"
}

case "$mode" in
  --check)
    s=$(stale_list)
    if [ -n "$s" ]; then echo "stale or missing PTX (run kernels/src/main/cuda/build-ptx.sh --update):"; echo "$s" | sed 's/^/  /'; exit 1; fi
    echo "PTX up to date"; exit 0 ;;
  --update|--ptxas)
    NVCC_BIN=$(find_nvcc) || { echo "nvcc not found (set NVCC or CUDA_HOME)" >&2; exit 1; }
    if [ "$mode" = --update ]; then
      for n in $(families); do
        for acc in float double; do compile "$n" "$acc" "$committed" || exit 1; done
      done
      echo "PTX rebuilt into $committed with $("$NVCC_BIN" --version | tail -1)"
    fi
    if [ "$mode" = --ptxas ]; then
      ptxas=$(dirname "$NVCC_BIN")/ptxas
      rc=0
      for f in "$committed"/*.ptx; do
        "$ptxas" -arch=sm_90 "$f" -o /dev/null || { echo "ptxas failed on $f"; rc=1; }
      done
      [ $rc = 0 ] && echo "ptxas (sm_90) accepts every PTX"
      exit $rc
    fi
    exit 0 ;;
  build)
    s=$(stale_list)
    [ -z "$s" ] && exit 0
    out="$module/target/classes/org/magnet4j/kernels/cuda/ptx"
    if NVCC_BIN=$(find_nvcc); then
      echo "[build-ptx] committed PTX is stale for: $(echo "$s" | tr '\n' ' ')- building into target/classes with $NVCC_BIN"
      echo "$s" | while read -r n acc; do compile "$n" "$acc" "$out" || echo "[build-ptx] WARNING: nvcc failed on $n ($acc)"; done
      echo "[build-ptx] run kernels/src/main/cuda/build-ptx.sh --update and commit the PTX"
    else
      echo "[build-ptx] WARNING: committed PTX is stale and nvcc is absent; the CUDA backend will compile these kernels"
      echo "[build-ptx]          with NVRTC at run time (libnvrtc must be present there): $(echo "$s" | tr '\n' ' ')"
    fi
    exit 0 ;;
  *) echo "usage: $0 [--update|--check|--ptxas]" >&2; exit 2 ;;
esac
