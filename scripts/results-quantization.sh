#!/usr/bin/env bash
# Regenerates the tables of docs/results/quantization.md: every quantization method on one fp32 model,
# then all variants evaluated in ONE rlc eval run (100 episodes, agreement vs fp32, comparable latency).
# Usage: scripts/results-quantization.sh MODEL.onnx OUTDIR
set -euo pipefail
MODEL="$1"; OUT="$2"; mkdir -p "$OUT"
RLC="$(dirname "$0")/../rlc"
q() { local name="$1"; shift; "$RLC" quantize "$MODEL" "$@" -o "$OUT/$name.onnx" | grep -E 'executes|bit-packed' | sed "s/^/$name: /"; }
q ptdq                 --method ptdq
q ptdq-per-tensor      --method ptdq --no-per-channel
q ptdq-equalized       --method ptdq --equalize-inputs
q ptsq-minmax          --method ptsq --observer minmax
q ptsq-moving-average  --method ptsq --observer moving-average
q ptsq-percentile      --method ptsq --observer percentile
q ptsq-mse             --method ptsq --observer mse
q ptsq-equalized       --method ptsq --observer minmax --equalize-inputs
q fp16                 --method fp16
q fp16-full-graph      --method fp16 --full-fp16
q qat                  --method qat
q binary               --method binary
q binary-features      --method binary --part features
q int4                 --method int4
q ptsq-head-only       --method ptsq --part head
q ptdq-features        --method ptdq --part features
q ptsq-features        --method ptsq --part features
q ptdq-centered        --method ptdq --center-outputs
q qat-sharpened        --method qat --distill-temperature 0.01
q binary-sharpened     --method binary --distill-temperature 0.01
"$RLC" eval "$MODEL" "$OUT"/*.onnx --reference "$MODEL" --episodes 100
echo "## why greedy actions flip: action gaps vs output error (reference's own states, batch 1)"
"$RLC" action-gap "$MODEL" "$OUT"/fp16.onnx "$OUT"/ptdq.onnx "$OUT"/ptsq-minmax.onnx "$OUT"/ptdq-features.onnx "$OUT"/qat.onnx "$OUT"/qat-sharpened.onnx
echo "## where the time goes (ONNX Runtime profiler, mean µs per pass)"
for b in 1 100; do "$RLC" profile "$MODEL" "$OUT"/ptdq.onnx "$OUT"/ptsq-minmax.onnx "$OUT"/fp16.onnx --batch "$b" --passes 1000; done
