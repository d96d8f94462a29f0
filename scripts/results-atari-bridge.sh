#!/usr/bin/env bash
# Regenerates the bridge table of docs/results/atari.md: env steps/s and CPU per step through the
# Gymnasium bridge vs Gymnasium itself, for gym:CartPole-v1 (the bridge's own cost dominates) and
# ALE/Pong-v5 (the standard Atari preprocessing), at 1 and 8 copies. Each rlc bench-env call measures
# all its columns in turns (3 rounds, medians), so the rows of one call compare; each call is kept
# under about a minute.
set -euo pipefail
RLC="$(dirname "$0")/../rlc"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for args in "gym:CartPole-v1 --envs 1 --seconds 1" "gym:CartPole-v1 --envs 8 --seconds 1" \
            "ALE/Pong-v5 --envs 1 --seconds 1" "ALE/Pong-v5 --envs 8 --seconds 0.5"; do
  echo
  echo "rlc bench-env $args --rounds 3   (load $(cut -d' ' -f1-3 /proc/loadavg))"
  # shellcheck disable=SC2086
  nice -n 10 "$RLC" bench-env $args --rounds 3 2>&1 | grep -v '^WARNING'
done
