#!/usr/bin/env bash
# Training throughput of the CNN trainers for docs/results/atari.md: short runs of PPO (Nature CNN) and
# PPO-RND on ALE/Breakout-v5 with their default hyperparameters (8 copies, 128-step rollouts, 4 epochs
# of 256-sample minibatches), 10 rollouts each (10,240 agent steps = 40,960 frames). Prints each run's
# agent steps/s as rlc reports it (steps of this session over its seconds, start-up of the workers and
# networks included), frames/s (x4: frame skip 4), and the wall-clock and CPU seconds of the whole
# command (Python workers included). PPO-RND's observation statistics are initialised from 1 random
# step per copy here; the default 6,400 per copy (51,200 agent steps) is timed apart, last.
set -euo pipefail
RLC="$(dirname "$0")/../rlc"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
run() {
  local name="$1"; shift
  echo
  echo "$name: rlc train $*   (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  local start=$(date +%s.%N) line
  TIMEFORMAT="  wall %R s, CPU %U s user + %S s system (all processes of the command)"
  time { line=$("$RLC" train "$@" --out "$OUT/$name" 2>/dev/null | grep '^trained'); }
  echo "  $line"
  local steps_per_s
  steps_per_s=$(echo "$line" | sed -n 's/.*(\([0-9,.]*\) steps\/s this session).*/\1/p' | tr -d ,)
  echo "  => $steps_per_s agent steps/s = $(echo "$steps_per_s * 4" | bc) frames/s   (load after: $(cut -d' ' -f1-3 /proc/loadavg))"
}
run ppo-cnn --algo ppo --env ALE/Breakout-v5 --seed 1 --steps 10240
run ppo-rnd --algo ppo-rnd --env ALE/Breakout-v5 --seed 1 --steps 10248 --hp obs_norm_init_steps=1
run rnd-obs-init --algo ppo-rnd --env ALE/Breakout-v5 --seed 1 --steps 51200
