# Sourced by the build scripts: selects a JDK >= 25 (the default java on these machines is 17).
jdk_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
  :
else
  JAVA_HOME=""
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$d/bin/java" ] && [ "$(jdk_major "$d")" -ge 25 ] 2>/dev/null; then JAVA_HOME="$d"; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "rl-compress needs JDK 25 or newer; none found under /usr/lib/jvm (install temurin-25-jdk)" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# PyTorch (DJL) runs offline from the Maven jars; never reach for a download.
export DJL_OFFLINE=true
unset PYTORCH_VERSION PYTORCH_FLAVOR
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
