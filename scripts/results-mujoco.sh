#!/usr/bin/env bash
# Regenerates docs/results/mujoco.md: steps/s of the Java MuJoCo envs and of Gymnasium's, side by side,
# and random-policy returns over 100 episodes from both (src/test/java/.../env/mujoco/MujocoBenchmark).
# Usage: scripts/results-mujoco.sh [SECONDS_PER_RATE [EPISODES [ID...]]]  (defaults: 1.5 s, 100 episodes, all tasks)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
cd "$ROOT"
bash scripts/pyenv.sh --quiet
mvn -q -B -o test-compile dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib
SECS="${1:-1.5}"; EPISODES="${2:-100}"; shift $(( $# > 2 ? 2 : $# ))
exec nice -n 10 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Drlc.home="$ROOT" \
  -cp "target/classes:target/test-classes:target/lib/*" dev.rlcompress.env.mujoco.MujocoBenchmark \
  docs/results/mujoco.md "$SECS" "$EPISODES" "$@"
