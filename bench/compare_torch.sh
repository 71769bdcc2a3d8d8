#!/usr/bin/env bash
# dlab's training of the default 2D model against the same network, batch and optimizer in a plain PyTorch
# loop (bench/torch_baseline.py on Debian's python3-torch, which runs the same kernels), best against best:
# each side runs at 1 and 2 threads, alternating dlab and PyTorch ROUNDS times so that machine load hits
# both, and each side is reported at its best thread count (the median of its rounds there).
#
# dlab is timed as a whole process: `dlab train --steps STEPS` from start to exit (loading, the data set,
# writing the checkpoint included), steps / wall seconds; PyTorch as its loop only (what it prints).
# `dlab bench`'s in-process figure is printed beside, for reference.
#
#   bash bench/compare_torch.sh [BUILD_DIR] [ROUNDS] [STEPS]     (default ./build, 3, 3000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
ROUNDS="${2:-3}"
STEPS="${3:-3000}"
OUT_DIR="$(mktemp -d)"
trap 'rm -rf "$OUT_DIR"' EXIT
value() { awk -v key="$1" '$1 == key":" { print $2 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A runs
for round in $(seq "$ROUNDS"); do
  for threads in 1 2; do
    start=$(date +%s.%N)
    OMP_NUM_THREADS=$threads "$BUILD_DIR/dlab" train --dataset gmm8 --steps "$STEPS" --threads "$threads" \
      --out "$OUT_DIR/bench.pt" > /dev/null 2>&1
    end=$(date +%s.%N)
    d=$(awk -v n="$STEPS" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')
    t=$(OMP_NUM_THREADS=$threads /usr/bin/python3 "$ROOT/bench/torch_baseline.py" --threads "$threads" \
          --steps "$STEPS" | value train_steps_per_s)
    b=$(OMP_NUM_THREADS=$threads "$BUILD_DIR/dlab" bench --threads "$threads" --seconds 2 --points 1000 |
          value train_steps_per_s)
    echo "round $round, $threads thread(s): dlab train $d steps/s (whole process), pytorch $t steps/s (loop), dlab bench $b steps/s (in process)"
    runs[dlab_$threads]="${runs[dlab_$threads]:-} $d"
    runs[torch_$threads]="${runs[torch_$threads]:-} $t"
    runs[bench_$threads]="${runs[bench_$threads]:-} $b"
  done
done
best() {  # best thread count of one side: "threads median"
  local side=$1 best_t=0 best_v=0
  for threads in 1 2; do
    # shellcheck disable=SC2086
    local m; m=$(median ${runs[${side}_$threads]})
    echo "${side}_${threads}_threads_median: $m steps/s" >&2
    if awk -v a="$m" -v b="$best_v" 'BEGIN { exit !(a > b) }'; then best_t=$threads best_v=$m; fi
  done
  echo "$best_t $best_v"
}
read -r dt dv < <(best dlab)
read -r tt tv < <(best torch)
read -r bt bv < <(best bench)
echo "dlab_train_best: $dv steps/s at $dt thread(s) (whole process)"
echo "pytorch_best: $tv steps/s at $tt thread(s) (loop only)"
echo "dlab_bench_best: $bv steps/s at $bt thread(s) (in process)"
echo "speedup_best_vs_best: $(awk -v a="$dv" -v b="$tv" 'BEGIN { printf "%.2f", a / b }') x"
