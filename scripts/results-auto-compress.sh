#!/usr/bin/env bash
# Regenerates docs/results/auto-compress.md: rlc compress on one fp32 model for each objective (without
# fine-tuning, and for size with it), then the chosen variants and the best hand-picked variants of
# quantization.md / pruning.md evaluated together in ONE rlc eval run (fresh seeds 1,000,000…, agreement
# vs fp32, interleaved latency).
# Usage: scripts/results-auto-compress.sh MODEL.onnx OUTDIR [hand-picked flags: dqn|ppo]
set -euo pipefail
MODEL="$1"; OUT="$2"; KIND="$3"; mkdir -p "$OUT"
RLC="$(dirname "$0")/../rlc"
c() { local name="$1"; shift; echo "## rlc compress $MODEL $* -o $OUT/$name.onnx"; /usr/bin/time -f "wall %e s" "$RLC" compress "$MODEL" --max-drop 5% "$@" -o "$OUT/$name.onnx" --force 2>"$OUT/$name.log" || true; tail -1 "$OUT/$name.log"; }
c auto-size     --objective size
c auto-latency  --objective latency
c auto-energy   --objective energy
c auto-size-ft  --objective size --allow fine-tune --budget-episodes 2000
if [ "$KIND" = dqn ]; then
  "$RLC" quantize "$MODEL" --method ptdq --part features -o "$OUT/hand-ptdq-features.onnx" --force >/dev/null
  "$RLC" quantize "$MODEL" --method qat --distill-temperature 0.01 -o "$OUT/hand-qat-sharpened.onnx" --force >/dev/null
  "$RLC" quantize "$MODEL" --method fp16 -o "$OUT/hand-fp16.onnx" --force >/dev/null
  "$RLC" prune "$MODEL" --method l2 --ratio 0.5 --finetune-steps 3000 --distill-temperature 0.01 -o "$OUT/hand-l2-50-ft.onnx" --force >/dev/null
else
  "$RLC" quantize "$MODEL" --method int4 -o "$OUT/hand-int4.onnx" --force >/dev/null
  "$RLC" quantize "$MODEL" --method fp16 -o "$OUT/hand-fp16.onnx" --force >/dev/null
  "$RLC" prune "$MODEL" --method l2 --ratio 0.7 -o "$OUT/hand-l2-70.onnx" --force >/dev/null
  "$RLC" prune "$MODEL" --method l2 --ratio 0.7 --finetune-steps 3000 -o "$OUT/hand-l2-70-ft.onnx" --force >/dev/null
fi
ls "$OUT"/auto-*.onnx 2>/dev/null || true
"$RLC" eval "$MODEL" "$OUT"/hand-*.onnx "$OUT"/auto-*.onnx --reference "$MODEL" --episodes 100
