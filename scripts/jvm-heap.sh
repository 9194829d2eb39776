# Heap settings for the tools (sourced). magnet_heap_opts ARGS... prints the JVM heap flags for that command
# line; MAGNET_HEAP_OPTS, when set, wins.
#
# Running models: tensors are large, short-lived arrays. A fixed, large young generation with big survivor
# spaces keeps the activations alive at a collection in already-touched survivor space instead of promoting
# them into fresh old-generation pages: on virtual machines a first touch of a page is expensive (about 7 us
# per 4 KB page measured on the 2-core CI machine), which made early collections cost 0.2-0.5 s each.
# Heap for training: 60% of RAM (at most 24 GB); young generation a twelfth of it (1.2 GB on a 24 GB machine):
# big enough that survivors hold a forward's live activations, small enough that its pages are all touched (and
# then reused) within the first forwards instead of page-faulting through a huge eden for minutes. Inference
# (demo, test, forward, bench, smoke): at most 3 GB, a third of it young (see below); MAGNET_HEAP_OPTS for more
# (the tools say so when the heap runs out).
# Reading checkpoints (convert, inspect, bench load): the JVM's default sizing, whose small young generation
# is reused (already touched) after a few loads; a large fresh one would page-fault on every load; and the C1
# compiler only (see below).
# Everywhere: transparent huge pages for the heap when the kernel offers them (madvise or always), so a first
# touch costs one fault per 2 MB instead of one per 4 KB. Measured on the 2-core machine, same runs alternated:
# the first checkpoint load in a fresh JVM 0.13-0.16 s instead of 0.23 s; young collections that copy
# activations into fresh pages 140-180 ms instead of 240-300 ms; HRNet and FPN medians 2-15% lower.
magnet_thp_opt() {
  grep -qE '\[(madvise|always)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null && echo "-XX:+UseTransparentHugePages"
  return 0
}

magnet_heap_opts() {
  if [ -n "${MAGNET_HEAP_OPTS:-}" ]; then echo "$MAGNET_HEAP_OPTS"; return; fi
  case "${1:-} ${2:-}" in
    # C1 only: reading a checkpoint is native copies and CRC-32s driven by a little parsing, run once per
    # process; C2's compilations cost more CPU than they save on two cores (first load of the HRNet file in a
    # fresh JVM 0.09-0.11 s instead of 0.11-0.17 s, later loads no slower). Models need C2: only these commands.
    convert\ *|inspect\ *|"bench load") echo "-XX:+UseParallelGC $(magnet_thp_opt) -XX:TieredStopAtLevel=1"; return ;;
  esac
  local ram_mb heap_mb young_mb
  ram_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo 2>/dev/null || echo 8192)
  heap_mb=$(( ram_mb * 6 / 10 ))
  [ "$heap_mb" -gt 24576 ] && heap_mb=24576
  young_mb=$(( heap_mb / 12 ))
  case "${1:-}" in
    # Inference: activations are released as they are consumed (Tensor.release), so little stays alive, but
    # whatever a young collection promotes lands in old-generation pages touched for the first time, and a
    # large old generation is never collected, only grown: on the 2-core VM the Cityscapes pipeline spent
    # 15-18 s of 95-100 s in young collections with a 14 GB heap, 5.3-5.7 s of 81-85 s with 3 GB (old pages
    # reused after cheap full collections of a ~0.6 GB live set). Training keeps activations for the backward
    # pass and gets the large heap.
    train) ;;
    *) [ "$heap_mb" -gt 3072 ] && heap_mb=3072; young_mb=$(( heap_mb / 3 )) ;;
  esac
  echo "-XX:+UseParallelGC $(magnet_thp_opt) -Xmx${heap_mb}m -Xmn${young_mb}m -XX:SurvivorRatio=3 -XX:-UseAdaptiveSizePolicy -XX:InitialTenuringThreshold=15 -XX:MaxTenuringThreshold=15"
}
