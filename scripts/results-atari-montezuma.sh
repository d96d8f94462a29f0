#!/usr/bin/env bash
# PPO-RND against PPO on Montezuma's Revenge with the same frame budget, three seeds each, for
# docs/results/atari.md. Each run trains with its algorithm's default hyperparameters (`rlc train
# --show-hp`) for STEPS agent steps (frames = 4x), then its train.json gives the game scores of the
# training episodes and the rooms and positions visited (RAM bytes 3, 42, 43). Runs whose train.json
# exists are skipped, so the script continues where it stopped; a run killed halfway resumes from its
# last checkpoint. PPO-RND's random steps that initialise its observation statistics count in its
# budget (they are frames it consumed); RND_INIT sets how many per copy (the paper's 6,400 would use
# most of a short budget). Usage: scripts/results-atari-montezuma.sh [STEPS] [OUT_DIR] [RND_INIT]
set -euo pipefail
STEPS="${1:-49152}"
OUT="${2:-runs/montezuma}"
RND_INIT="${3:-1024}"
RLC="$(dirname "$0")/../rlc"
mkdir -p "$OUT"
for seed in 1 2 3; do
  for algo in ppo-rnd ppo; do
    dir="$OUT/$algo-s$seed"
    [ -f "$dir/train.json" ] && continue
    echo "$(date +%T) $algo seed $seed: $STEPS steps -> $dir (log: $dir.log)"
    extra=()
    [ -f "$dir/checkpoint-$algo.bin" ] && extra+=(--resume)
    [ "$algo" = ppo-rnd ] && extra+=(--hp "obs_norm_init_steps=$RND_INIT")
    "$RLC" train --algo "$algo" --env ALE/MontezumaRevenge-v5 --seed "$seed" --steps "$STEPS" --out "$dir" "${extra[@]}" \
      >"$dir.log" 2>&1
  done
done
"$(dirname "$0")/../.venv/bin/python" - "$OUT" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print("| algorithm | seed | agent steps | frames | games | best game score | mean of last 20 games | rooms visited | positions visited | wall s |")
print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
for f in sorted(out.glob("*/train.json")):
    t = json.loads(f.read_text())
    scores = t["episodes"]["return"]
    ex = t.get("exploration", {})
    last = scores[-20:]
    print(f"| {t['algorithm']} | {t['seed']} | {t['steps']:,} | {4 * t['steps']:,} | {len(scores)} | "
          f"{max(scores) if scores else float('nan'):.0f} | {sum(last) / len(last) if last else float('nan'):.1f} | "
          f"{ex.get('rooms_visited', 0)} ({', '.join(map(str, ex.get('rooms', [])))}) | {ex.get('cells_visited', 0)} | "
          f"{t['seconds']:.0f} |")
PY
