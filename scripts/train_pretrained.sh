#!/usr/bin/env bash
# Trains the shipped 2D models (assets/models/<data set>.pt) with the dlab command line, one per data set,
# and prints each one's quality checks (dlab eval). The README's "Pretrained models" table comes from this.
#
#   bash scripts/train_pretrained.sh [BUILD_DIR] [DATASET...]     (default: ./build, every data set)
#
# Environment: DLAB_STEPS (default 10000), DLAB_THREADS (default 2), DLAB_DEVICE (default auto).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
shift || true
DLAB="$BUILD_DIR/dlab"
STEPS="${DLAB_STEPS:-10000}"
THREADS="${DLAB_THREADS:-2}"
DEVICE="${DLAB_DEVICE:-auto}"
DATASETS=("$@")
[ "${#DATASETS[@]}" -gt 0 ] || DATASETS=(gmm8 gmm25 moons checkerboard swissroll rings pinwheel 2spirals circle line)
mkdir -p "$ROOT/assets/models"
for dataset in "${DATASETS[@]}"; do
  out="$ROOT/assets/models/$dataset.pt"
  echo "== $dataset"
  # Weights only (the EMA): a quarter of the size, all that sampling and the app need.
  "$DLAB" train --dataset "$dataset" --steps "$STEPS" --lr-decay cosine --threads "$THREADS" --device "$DEVICE" \
    --seed 1 --weights-only --out "$out" | tail -n 1
  "$DLAB" eval --model "$out" --threads "$THREADS" --device "$DEVICE" | tail -n 2
done
