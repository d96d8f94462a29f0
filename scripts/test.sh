#!/usr/bin/env bash
# Runs the whole test suite on JDK 25 (what README.md and .ci/run call).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
cd "$ROOT"
exec mvn -B -ntp verify "$@"
