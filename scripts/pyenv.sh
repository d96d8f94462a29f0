#!/usr/bin/env bash
# Creates (once) the project-local Python environment .venv/ with the packages rl-compress uses as
# artifacts (scripts/python-requirements.txt: MuJoCo, Gymnasium, ale-py, NumPy), then writes
# .venv/rlc.properties, which tells the Java side where the interpreter, libmujoco, its headers and
# Gymnasium's MuJoCo task files are. Re-running is cheap: nothing happens while the stamp matches.
# Called by ./rlc (on the first use of a MuJoCo or Gymnasium environment) and by scripts/test.sh.
# Options: --quiet (no progress lines). Environment: RLC_PYTHON (interpreter to build the venv from).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQ="$ROOT/scripts/python-requirements.txt"
QUIET=0; [ "${1:-}" = "--quiet" ] && QUIET=1
say() { [ "$QUIET" = 1 ] || echo "pyenv: $*" >&2; }
fail() { echo "rlc: error: $*" >&2; exit 3; }

STAMP_WANT="$( (cat "$REQ" "$ROOT/scripts/pyenv.sh" "$ROOT"/src/main/c/*.c 2>/dev/null || true) | cksum | cut -d' ' -f1)"
if [ -f "$VENV/rlc.properties" ] && [ "$(cat "$VENV/.rlc-stamp" 2>/dev/null)" = "$STAMP_WANT" ]; then
  exit 0
fi

PY="${RLC_PYTHON:-$(command -v python3 || true)}"
[ -n "$PY" ] || fail "Python 3 is not installed; install python3 (with venv and pip), then rerun scripts/pyenv.sh"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null \
  || fail "Python 3.10 or newer is needed for MuJoCo/Gymnasium ($PY is older)"
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV" 2>/dev/null || fail "python3 -m venv failed; install the venv module (Debian: apt install python3-venv)"
fi
"$VENV/bin/python" -m pip --version >/dev/null 2>&1 || fail "pip is missing in $VENV; install python3-pip and rerun scripts/pyenv.sh"
say "installing $(grep -v '^#' "$REQ" | tr '\n' ' ')"
if ! "$VENV/bin/python" -m pip install --retries 0 -q --disable-pip-version-check -r "$REQ" >"$VENV/pip.log" 2>&1; then
  # --retries 0 fails fast where only a local index answers; one more try with pip's defaults
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" >"$VENV/pip.log" 2>&1 \
    || fail "pip could not install $(basename "$REQ") (see $VENV/pip.log)"
fi

SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
MJ="$SITE/mujoco"
LIB="$(ls "$MJ"/libmujoco.so.* 2>/dev/null | head -1)"
[ -n "$LIB" ] || fail "the mujoco wheel in $VENV ships no libmujoco.so"
GYM_ASSETS="$SITE/gymnasium/envs/mujoco/assets"

# The C shim that turns MuJoCo's fatal errors into Java exceptions (src/main/c), compiled against
# the wheel's own headers and library.
SHIM=""
if [ -f "$ROOT/src/main/c/rlc_mujoco.c" ]; then
  command -v gcc >/dev/null || fail "gcc is needed to compile the MuJoCo shim (src/main/c); install gcc"
  SHIM="$VENV/lib/librlc_mujoco.so"
  gcc -O2 -shared -fPIC -I"$MJ/include" "$ROOT/src/main/c/rlc_mujoco.c" -o "$SHIM" "$LIB" -Wl,-rpath,"$MJ" \
    || fail "compiling the MuJoCo shim failed"
fi

TMP="$VENV/rlc.properties.tmp"
{
  echo "# written by scripts/pyenv.sh"
  echo "python=$VENV/bin/python"
  echo "mujoco.library=$LIB"
  echo "mujoco.include=$MJ/include"
  echo "mujoco.shim=$SHIM"
  echo "gymnasium.mujoco.assets=$GYM_ASSETS"
} >"$TMP"
mv "$TMP" "$VENV/rlc.properties"
echo "$STAMP_WANT" >"$VENV/.rlc-stamp"
say "ready: $VENV"
