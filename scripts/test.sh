#!/usr/bin/env bash
# Runs the whole test suite on JDK 25 (what README.md and .ci/run call).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
cd "$ROOT"
# The MuJoCo and Gymnasium parity tests compare against Python's own packages: set them up first.
bash scripts/pyenv.sh
# The study report test opens the HTML report in headless Chromium (Debian's package): install it if missing.
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The policy runtime builds on its own, with no dependency, and runs its own tests.
mvn -B -q -ntp -f runtime/pom.xml package
mvn -B -ntp verify "$@"
# The optional Spark executor (spark/, its own Maven project; docs/scale-out.md): build it (the first build
# downloads Spark's jars once) and run its tests: the smoke study on Spark's local[2] against the local
# runner, and a killed Spark driver resumed.
bash scripts/build-spark.sh
mvn -B -ntp -f spark/pom.xml test
# What a user runs: ./rlc and every subcommand's --help print nothing on stderr (no picocli warning, no
# JVM incubator notice).
for cmd in "" $(./rlc --help 2>/dev/null | awk '/^Commands:/{f=1;next} f && /^  [a-z]/{print $1}'); do
  err="$(./rlc $cmd --help 2>&1 >/dev/null)"
  if [ -n "$err" ]; then echo "FAIL: 'rlc $cmd --help' printed on stderr: $err" >&2; exit 1; fi
done
echo "rlc --help and every subcommand's --help: no warnings"
