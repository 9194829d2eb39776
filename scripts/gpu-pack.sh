#!/bin/bash
# Run HERE (the machine with the JDK and ~/.m2): builds the tensor and kernels classes and their tests, and packs
# what the GPU machine needs to run the CUDA checks without a JDK or Maven into .device/ (git-ignored):
#   .device/jre.tar.gz      a jlinked JDK 25 runtime (../shared/scripts/device-jre.sh)
#   .device/cuda-check/     classes (tensor, kernels main + test) and the jars (JOCL, JUnit Platform)
# Then, through the device tool: run `bash scripts/gpu-check.sh` with carry [".device"].
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
source scripts/find-jdk.sh
kernels/src/main/cuda/build-ptx.sh --check
rm -rf kernels/target/classes/org/magnet4j/kernels/cuda/ptx # never ship PTX left in target/ by an older build
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
out=.device/cuda-check
rm -rf "$out" && mkdir -p "$out/lib"
exclude=$(git rev-parse --git-path info/exclude) # a worktree's .git is a file
mkdir -p "$(dirname "$exclude")"
grep -qx '/.device/' "$exclude" 2>/dev/null || echo '/.device/' >> "$exclude"
for j in "${jars[@]}"; do [ -f "$j" ] || { echo "missing $j" >&2; exit 1; }; cp "$j" "$out/lib/"; done
cp -r tensor/target/classes "$out/tensor-classes"
cp -r kernels/target/classes "$out/kernels-classes"
cp -r kernels/target/test-classes "$out/kernels-test-classes"
if [ ! -f .device/jre.tar.gz ]; then # as ../shared/scripts/device-jre.sh, which assumes .git is a folder
  rm -rf .device/jre
  "$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.desktop,java.logging,java.management,jdk.unsupported \
    --compress=zip-9 --strip-debug --no-header-files --no-man-pages --output .device/jre 2>/dev/null
  tar czf .device/jre.tar.gz -C .device jre && rm -rf .device/jre
fi
du -sh .device/*
echo "packed; on the GPU machine run: bash scripts/gpu-check.sh   (device tool: carry [\".device\"])"
