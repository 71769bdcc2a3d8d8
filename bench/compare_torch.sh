#!/usr/bin/env bash
# dlab's training step against the same network, batch and optimizer in a plain PyTorch loop
# (bench/torch_baseline.py on Debian's python3-torch, which runs the same kernels), at the same thread
# count, alternating the two ROUNDS times so both see the same machine load. Prints each run and the
# ratio of the medians.
#
#   bash bench/compare_torch.sh [BUILD_DIR] [THREADS] [ROUNDS]     (default ./build, 2, 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
THREADS="${2:-2}"
ROUNDS="${3:-3}"
value() { awk -v key="$1" '$1 == key":" { print $2 }'; }
dlab_runs=() torch_runs=()
for round in $(seq "$ROUNDS"); do
  d=$("$BUILD_DIR/dlab" bench --threads "$THREADS" --seconds 4 --points 1000 | value train_steps_per_s)
  t=$(/usr/bin/python3 "$ROOT/bench/torch_baseline.py" --threads "$THREADS" --steps 1000 | value train_steps_per_s)
  echo "round $round: dlab $d steps/s, pytorch $t steps/s"
  dlab_runs+=("$d") torch_runs+=("$t")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
md=$(median "${dlab_runs[@]}") mt=$(median "${torch_runs[@]}")
echo "threads: $THREADS"
echo "dlab_train_steps_per_s: $md steps/s"
echo "pytorch_train_steps_per_s: $mt steps/s"
echo "speedup: $(awk -v a="$md" -v b="$mt" 'BEGIN { printf "%.2f", a / b }') x"
