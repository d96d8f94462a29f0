#!/usr/bin/env bash
# Regenerates the tables of docs/results/pruning.md for one fp32 model. Each rlc command measures all
# its rows in one run, so latency ratios within a table are comparable.
# Usage: scripts/results-pruning.sh MODEL.onnx
set -euo pipefail
MODEL="$1"; shift
# Extra fine-tuning options (e.g. --distill-temperature 0.01 for DQN) go after the model.
FT=("$@")
RLC="$(dirname "$0")/../rlc"
echo "## sweep (structured, one-shot, no fine-tuning)"
"$RLC" sweep-prune "$MODEL" --methods l1,l2,group,random --ratios 0.05:0.70:0.05 --episodes 100
echo "## one-shot vs fine-tuned vs iterative vs lottery ticket (unstructured)"
for r in 0.5 0.75 0.9; do echo "### sparsity $r"; "$RLC" prune-compare "$MODEL" --ratio "$r" --episodes 100 "${FT[@]}"; done
echo "## one-shot vs fine-tuned vs iterative (structured L2)"
for r in 0.5 0.75; do echo "### ratio $r"; "$RLC" prune-compare "$MODEL" --method l2 --ratio "$r" --episodes 100 "${FT[@]}"; done
echo "## dense vs sparse"
"$RLC" bench-sparse "$MODEL" --sparsities 0,0.5,0.75,0.9,0.95 --episodes 100
