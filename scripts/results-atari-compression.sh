#!/usr/bin/env bash
# The pixel-game study's tables (shared/seeds/ppo-rnd-atari-compression.md) on an rlc pixel policy, for
# docs/results/atari.md: every variant the study lists, then two rlc eval runs.
#   1. the fp32 policy and every variant that changes weights: return over EPISODES full games,
#      greedy agreement with fp32 on its states, size, and latency by the study's protocol (mean of 500
#      passes of batch 100 over the stored observation set OUT/observations.npz, saved on first use);
#   2. the sparse-storage twins of the unstructured variants: the same weights stored as ONNX sparse
#      initializers, so one game each (their return is their dense twin's: same weights), timed with
#      the same stored observations.
# Layers are named as rlc names them: a pixel policy's convolutions are trunk.0, trunk.2, trunk.4 and
# its head's fully connected layers pi.0 (fc1), pi.2 (fc2), ...; FC2 names a second hidden layer when
# the network has one (the study's PPO-RND network), empty for the Nature CNN.
# Usage: scripts/results-atari-compression.sh MODEL.onnx OUT_DIR [EPISODES] [FC2]
# Environment: JOBS (games played side by side by rlc eval --jobs; default 1; the results do not depend on it),
# EVAL_ARGS (more rlc eval options for both evaluations, e.g. --stochastic to sample actions from the policy).
set -euo pipefail
MODEL="$1"; OUT="$2"; EPISODES="${3:-10}"; FC2="${4:-}"; JOBS="${JOBS:-1}"; read -r -a EXTRA <<< "${EVAL_ARGS:-}"
mkdir -p "$OUT"
RLC="$(dirname "$0")/../rlc"
CAL=(--calibration-episodes 2)
run() { local name="$1"; shift; [ -f "$OUT/$name.onnx" ] && return 0; echo "$(date +%T) $name: rlc $*"; "$RLC" "$@" -o "$OUT/$name.onnx" | grep -E '^wrote|executes|bit-packed' | sed "s/^/  /"; }
# post-training quantization, by network part
run fp16-head        quantize "$MODEL" --method fp16 --part head "${CAL[@]}"
run ptdq-head        quantize "$MODEL" --method ptdq --part head "${CAL[@]}"
run fp16-all         quantize "$MODEL" --method fp16 --part all "${CAL[@]}"
run ptsq-all         quantize "$MODEL" --method ptsq --part all "${CAL[@]}"
# binary weights on the head, fine-tuned by distillation (the study's binary QAT)
run binary-head      quantize "$MODEL" --method binary --part head --finetune-steps 3000 "${CAL[@]}"
# unstructured L1, head vs all, dense and sparse storage
for r in 0.5 0.6 0.75; do
  for part in head all; do
    run "l1u-$part-$r" prune "$MODEL" --method l1-unstructured --part "$part" --ratio "$r"
    run "l1u-$part-$r-sparse" prune "$MODEL" --method l1-unstructured --part "$part" --ratio "$r" --sparse
  done
done
# structured L1 (neurons and channels removed): fc1 0.3 and 0.75, fc1+fc2 (0.3, 0.1/0.2/0.3), conv3 0.05
run l1s-fc1-0.3      prune "$MODEL" --method l1 --layer-ratios pi.0=0.3
run l1s-fc1-0.75     prune "$MODEL" --method l1 --layer-ratios pi.0=0.75
if [ -n "$FC2" ]; then
  for r2 in 0.1 0.2 0.3; do run "l1s-fc1-0.3-fc2-$r2" prune "$MODEL" --method l1 --layer-ratios "pi.0=0.3,$FC2=$r2"; done
fi
run l1s-conv3-0.05   prune "$MODEL" --method l1 --layer-ratios trunk.4=0.05
echo "$(date +%T) evaluating (load: $(cut -d' ' -f1-3 /proc/loadavg))"
dense=()
for f in "$OUT"/*.onnx; do case "$f" in *-sparse.onnx) ;; *) dense+=("$f") ;; esac; done
"$RLC" eval "$MODEL" "${dense[@]}" --reference "$MODEL" --episodes "$EPISODES" --jobs "$JOBS" --observations "$OUT/observations.npz" --latency-rounds 2 ${EXTRA[@]+"${EXTRA[@]}"}
echo "$(date +%T) sparse storage (load: $(cut -d' ' -f1-3 /proc/loadavg))"
"$RLC" eval "$MODEL" "$OUT"/*-sparse.onnx --reference "$MODEL" --episodes 1 --observations "$OUT/observations.npz" --latency-rounds 2 ${EXTRA[@]+"${EXTRA[@]}"}
echo "$(date +%T) done"
