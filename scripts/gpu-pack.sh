#!/bin/bash
# Run HERE (the machine with the JDK, ~/.m2 and ../shared/fixtures): builds everything and packs what the GPU machine
# needs to run scripts/gpu-check.sh without a JDK or Maven into .device/ (git-ignored):
#   .device/jre.tar.xz            a jlinked JDK 25 runtime without java.desktop (the check reads its image as .npy)
#   .device/magnet4j-tools.jar    the tools (forward, bench)
#   .device/cuda-check/           kernels test classes, tensor + kernels classes and the JUnit jars (the op conformance)
#   .device/fixtures/             the fixture checkpoints, the Cityscapes image, HRNet's fixture input and the pipeline's
#                                 reference arg-max maps (gzipped)
# The device tool sends the working tree plus what `carry` names, 64 MiB in all: this script fails when that is
# exceeded. Then, through the device tool: run `bash scripts/gpu-check.sh` with carry [".device"].
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
source scripts/find-jdk.sh
fx=${FIXTURES:-$top/../shared/fixtures}
[ -f "$fx/checkpoints/hrnet18_ocr_c19.pth" ] || { echo "fixtures not found at $fx (set FIXTURES)" >&2; exit 1; }
kernels/src/main/cuda/build-ptx.sh --check
rm -rf kernels/target/classes/org/magnet4j/kernels/cuda/ptx # never ship PTX left in target/ by an older build
mvn -B -q -o -DskipTests install
mvn -B -q -o -pl tensor,kernels test-compile
m2=${M2_REPO:-$HOME/.m2/repository}
junit=5.14.1; platform=1.14.1
jars=(
  "$m2/org/jocl/jocl/2.0.5/jocl-2.0.5.jar"
  "$m2/org/junit/jupiter/junit-jupiter-api/$junit/junit-jupiter-api-$junit.jar"
  "$m2/org/junit/jupiter/junit-jupiter-engine/$junit/junit-jupiter-engine-$junit.jar"
  "$m2/org/junit/jupiter/junit-jupiter-params/$junit/junit-jupiter-params-$junit.jar"
  "$m2/org/junit/platform/junit-platform-commons/$platform/junit-platform-commons-$platform.jar"
  "$m2/org/junit/platform/junit-platform-engine/$platform/junit-platform-engine-$platform.jar"
  "$m2/org/junit/platform/junit-platform-launcher/$platform/junit-platform-launcher-$platform.jar"
  "$m2/org/opentest4j/opentest4j/1.3.0/opentest4j-1.3.0.jar"
  "$m2/org/apiguardian/apiguardian-api/1.1.2/apiguardian-api-1.1.2.jar"
)
exclude=$(git rev-parse --git-path info/exclude) # a worktree's .git is a file
mkdir -p "$(dirname "$exclude")"
grep -qx '/.device/' "$exclude" 2>/dev/null || echo '/.device/' >> "$exclude"
mkdir -p .device
rm -rf .device/cuda-check .device/fixtures .device/jre.tar.gz && mkdir -p .device/cuda-check/lib
for j in "${jars[@]}"; do [ -f "$j" ] || { echo "missing $j" >&2; exit 1; }; cp "$j" .device/cuda-check/lib/; done
cp -r tensor/target/classes .device/cuda-check/tensor-classes
cp -r kernels/target/classes .device/cuda-check/kernels-classes
cp -r kernels/target/test-classes .device/cuda-check/kernels-test-classes
cp tools/target/magnet4j-tools.jar .device/
# The runtime: no java.desktop (13-14 MB as .tar.xz instead of 38 MB), so the checkpoints fit beside it.
if [ ! -f .device/jre.tar.xz ]; then
  rm -rf .device/jre
  "$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,jdk.unsupported \
    --compress=zip-0 --strip-debug --no-header-files --no-man-pages --output .device/jre 2>/dev/null
  tar cJf .device/jre.tar.xz -C .device jre && rm -rf .device/jre
fi
f=.device/fixtures
mkdir -p "$f/checkpoints" "$f/images" "$f/reference/hrnet18_ocr" "$f/reference/pipeline_cityscapes"
cp "$fx"/checkpoints/hrnet18_ocr_c19.pth "$fx"/checkpoints/refinement_c19_{512,1024,2048}.pth "$f/checkpoints/"
cp "$fx/images/frankfurt_000001_003056_leftImg8bit.png" "$f/images/"
cp "$fx/reference/hrnet18_ocr/hrnet18_ocr_input.npy" "$f/reference/hrnet18_ocr/"
for a in "$fx"/reference/pipeline_cityscapes/argmax_*.npy; do gzip -9 -c "$a" > "$f/reference/pipeline_cityscapes/$(basename "$a").gz"; done
du -sh .device/*
tree_bytes=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
untracked=$(git ls-files -z --others --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1)
carry_bytes=$(du -sb .device | cut -f1)
total=$((tree_bytes + ${untracked:-0} + carry_bytes))
echo "travels: working tree $((tree_bytes / 1048576)) MiB + untracked $((${untracked:-0} / 1048576)) MiB + .device $((carry_bytes / 1048576)) MiB = $((total / 1048576)) MiB (limit 64)"
[ "$total" -le $((64 * 1048576)) ] || { echo "over the device tool's 64 MiB: trim .device or the working tree" >&2; exit 1; }
echo "packed; on the GPU machine run: bash scripts/gpu-check.sh   (device tool: carry [\".device\"], timeout_s 600)"
