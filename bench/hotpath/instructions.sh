#!/bin/bash
# Instructions per iteration of one hot-path workload (bench/hotpath/workloads.mjs), counted by
# valgrind: unlike CPU time, the count does not move with the machine's load, so variants a few
# percent apart can be told apart on a shared machine. `node --predictable` makes V8 compile and
# collect on the main thread at fixed points (without it the count varies by thousands of
# instructions per iteration); AWAITWHAT_CACHE=0 keeps the transform cache from making one run load
# differently from the next. Each count is the difference of two runs (N1 and N2 iterations, each
# after a quarter as many to warm up), so start-up cancels out.
# Keep N1 and N2 at these values or above: with fewer, the compiler's warm-up falls inside the count.
#
#   bash bench/hotpath/instructions.sh <workload> plain|<a dist directory>
#
# Slow (valgrind: about a minute per run); counts one variant; not part of `npm run bench`.
set -euo pipefail
workload=$1
variant=$2
N1=${N1:-10000}
N2=${N2:-30000}
here=$(cd "$(dirname "$0")" && pwd)
count() {
  local env=(AWAITWHAT_CACHE=0 VARIANT=plain)
  [ "$variant" = plain ] || env=(AWAITWHAT_CACHE=0 VARIANT=hooks "AWAITWHAT_DIST=$(cd "$variant" && pwd)")
  env "${env[@]}" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    node --predictable --min-semi-space-size=16 --max-semi-space-size=16 \
    --import "$here/preload.mjs" "$here/run-one.mjs" "$workload" "$1" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
a=$(count "$N1")
b=$(count "$N2")
# Each run makes 1.25 × n iterations (n/4 to warm up).
echo "$workload $variant $(((b - a) * 4 / 5 / (N2 - N1))) instructions/iteration"
