# Heap settings for the tools (sourced): sets MAGNET_HEAP_OPTS unless already set.
# Tensors are large, short-lived arrays. A fixed, large young generation with big survivor spaces lets the
# activations alive at a collection stay in (already touched) survivor space instead of being promoted into
# fresh old-generation pages: on virtual machines a first touch of a page is expensive (about 8 us per 4 KB
# page measured here), which made early collections cost 0.2-0.5 s each. Heap: 60% of RAM (at most 24 GB),
# young generation a quarter of it.
if [ -z "${MAGNET_HEAP_OPTS:-}" ]; then
  ram_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo 2>/dev/null || echo 8192)
  heap_mb=$(( ram_mb * 6 / 10 ))
  [ "$heap_mb" -gt 24576 ] && heap_mb=24576
  MAGNET_HEAP_OPTS="-XX:+UseParallelGC -Xmx${heap_mb}m -Xmn$(( heap_mb / 4 ))m -XX:SurvivorRatio=3 -XX:-UseAdaptiveSizePolicy -XX:InitialTenuringThreshold=15 -XX:MaxTenuringThreshold=15"
fi
