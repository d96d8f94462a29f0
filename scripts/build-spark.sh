#!/usr/bin/env bash
# Builds the optional Apache Spark executor of `rlc study` (spark/, its own Maven project; docs/scale-out.md):
#   spark/target/rlc-spark/      what `./rlc study SPEC --executor spark --master local[N]` loads:
#                                rlc-spark.jar and lib/ (Spark 4.2.0 and its dependencies, ~220 MB)
#   spark/target/rlc-spark-job/  what a cluster runs with spark-submit: rlc-spark.jar and lib/ (rl-compress
#                                and its dependencies, not Spark: the cluster brings its own)
# The first build downloads Spark's jars from Maven Central once. Pass -DskipTests=false to also run the
# module's tests (scripts/test.sh runs them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"
cd "$ROOT"
MVN=(mvn -B -q -ntp -Dstyle.color=never)
# The module compiles against the rl-compress jar of this checkout: install it (no tests) first.
"${MVN[@]}" -DskipTests install
"${MVN[@]}" -f spark/pom.xml -DskipTests package
rm -rf spark/target/rlc-spark spark/target/rlc-spark-job
mkdir -p spark/target/rlc-spark spark/target/rlc-spark-job
cp spark/target/rlc-spark.jar spark/target/rlc-spark/
cp spark/target/rlc-spark.jar spark/target/rlc-spark-job/
# Spark itself (the `provided` dependencies) for ./rlc; rl-compress's own are already in target/lib.
"${MVN[@]}" -f spark/pom.xml dependency:copy-dependencies -DincludeScope=provided \
  -DoutputDirectory=target/rlc-spark/lib
# rl-compress and its dependencies for the cluster, without slf4j-nop (Spark's distribution binds SLF4J).
"${MVN[@]}" -f spark/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DexcludeArtifactIds=slf4j-nop \
  -DoutputDirectory=target/rlc-spark-job/lib
echo "spark executor: $(ls spark/target/rlc-spark/lib | wc -l) Spark jars in spark/target/rlc-spark/lib;" \
  "job for spark-submit: spark/target/rlc-spark-job ($(du -sh spark/target/rlc-spark-job | cut -f1))"
