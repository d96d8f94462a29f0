#!/usr/bin/env bash
# The unstructured part of scripts/results-pruning.sh alone (one-shot / fine-tuned / iterative /
# lottery ticket / random re-init control, and dense vs sparse execution).
# Usage: scripts/results-pruning-lottery-sparse.sh MODEL.onnx [fine-tuning options]
set -euo pipefail
MODEL="$1"; shift
FT=("$@")
RLC="$(dirname "$0")/../rlc"
echo "## one-shot vs fine-tuned vs iterative vs lottery ticket (unstructured)"
for r in 0.5 0.75 0.9; do echo "### sparsity $r"; "$RLC" prune-compare "$MODEL" --ratio "$r" --episodes 100 "${FT[@]}"; done
echo "## dense vs sparse"
"$RLC" bench-sparse "$MODEL" --sparsities 0,0.5,0.75,0.9,0.95 --episodes 100
