#!/usr/bin/env bash
# Test every CPython the wheels promise (3.9-3.14) that this machine has.
#
#   scripts/test_pythons.sh [extra pytest args]        (make test-pythons)
#
# For each version 3.X: the interpreter is pyenv's newest 3.X.N
# ($PYENV_ROOT/versions, default ~/.pyenv), else python3.X on PATH; it must
# be CPython 3.X.  Then, in a fresh venv $VENVS/3.X (default .venv-pythons/,
# gitignored; removed and made again on every run):
#   1. the package installed editable with its [test] extra, the compiled
#      modules (fastdispatch.routing._router, fastdispatch._shortpath) built in place for
#      that version (its old ones deleted first), FASTDISPATCH_REQUIRE_EXTENSIONS=1
#      so that a failed compile is an error, and checked: Router is
#      CompiledRouter and App.__call__ the compiled one (the suite fails too
#      without them: tests/conftest.py, tests/test_twins.py);
#   2. the servers, scripts/install_servers.sh with KEEP_GOING=1: one that
#      does not install on that version is named in its line, and its tests
#      are skipped with the reason, in pytest's -ra summary (granian,
#      meinheld and gunicorn through FASTDISPATCH_NO_SERVERS=1, bjoern as the
#      optional server it is);
#   3. the suite, with FASTDISPATCH_HYPOTHESIS_EXAMPLES=50 unless set (the
#      hypothesis tests are the slow part; 500 is the suite's default).
# The logs are $VENVS/3.X/{install,servers,tests}.log.
#
# One line per version at the end (also in $VENVS/summary.txt): its
# interpreter, passed/failed/skipped counts, seconds (the whole of it, and
# the tests alone), the servers.  A version that is promised but not found is
# a "not found" line, not a failure; a version in SKIP_PYTHONS (e.g. the one
# `make test` just ran on: .ci/run) is a "skipped" line.  Exits non-zero if
# any version that was found fails (install, servers' script, or tests).
#
# Environment: PYTHONS (default "3.9 3.10 3.11 3.12 3.13 3.14"), SKIP_PYTHONS,
# VENVS, PYENV_ROOT, FASTDISPATCH_HYPOTHESIS_EXAMPLES, TEST_TIMEOUT (seconds
# for one version's suite, default 900).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PYTHONS=${PYTHONS:-3.9 3.10 3.11 3.12 3.13 3.14}
SKIP_PYTHONS=${SKIP_PYTHONS:-}
VENVS=${VENVS:-$ROOT/.venv-pythons}
PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
export FASTDISPATCH_HYPOTHESIS_EXAMPLES=${FASTDISPATCH_HYPOTHESIS_EXAMPLES:-50}
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$VENVS"

SECONDS=0
say() { printf '=== [%4ds] %s\n' "$SECONDS" "$*"; }

# find_python 3.X: the interpreter's real path, or nothing.
find_python() {
    local want=$1 cand found=""
    # pyenv's 3.X.N directories (not 3.X.Nt, 3.X-dev...), newest patch last
    for cand in $(ls -d "$PYENV_ROOT"/versions/"$want".* 2>/dev/null | grep -E "/$want\.[0-9]+$" | sort -t. -k3 -n); do
        [ -x "$cand/bin/python$want" ] && found="$cand/bin/python$want"
    done
    [ -n "$found" ] || found=$(command -v "python$want" 2>/dev/null) || true
    [ -n "$found" ] || return 0
    # CPython 3.X, really (a pyenv shim for a version it lacks fails here)
    "$found" -c "import sys; assert sys.implementation.name == 'cpython' and '%d.%d' % sys.version_info[:2] == '$want'; print(sys.executable)" 2>/dev/null || true
}

# counts LOG: "P F S E" from pytest's summary line ("1 failed, 4655 passed, 7 skipped in 112.09s")
counts() {
    local line n
    line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped|deselected).* in [0-9.]+s' "$1" | tail -n 1)
    for n in passed failed skipped error; do  # "error" matches "errors" too
        echo "$line" | grep -oE "[0-9]+ $n" | grep -oE '^[0-9]+' || echo 0
    done | paste -sd ' '
}

SUMMARY=()
FAILED=0
line() { SUMMARY+=("$(printf "$@")"); }
# fail WHAT [LOG]: version $ver failed before its tests ran
fail() {
    FAILED=1
    say "$ver: FAILED: $1"
    [ -z "${2:-}" ] || tail -n 40 "$2"
    line '%-5s %-8s FAILED: %s%s' "$ver" "$FULL" "$1" "${2:+ (see $2)}"
}

for ver in $PYTHONS; do
    PY=$(find_python "$ver")
    if [ -z "$PY" ]; then
        say "$ver: not found"
        line '%-5s %-8s not found (no %s/versions/%s.N, no python%s on PATH)' "$ver" - "$PYENV_ROOT" "$ver" "$ver"
        continue
    fi
    FULL=$("$PY" -c 'import platform; print(platform.python_version())')
    if [[ " $SKIP_PYTHONS " == *" $ver "* ]]; then
        say "$ver: $FULL skipped (SKIP_PYTHONS)"
        line '%-5s %-8s skipped: SKIP_PYTHONS (tested by the caller: .ci/run runs make test on it first)' "$ver" "$FULL"
        continue
    fi
    START=$SECONDS
    V="$VENVS/$ver"
    say "$ver: $PY ($FULL), fresh venv $V"
    rm -rf "$V"
    if ! "$PY" -m venv "$V"; then fail "python -m venv"; continue; fi
    mkdir -p "$V/log"
    LOG="$V/log"

    # 1. the package, compiled for this version
    SUFFIX=$("$V/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
    rm -f "fastdispatch/routing/_router$SUFFIX" "fastdispatch/_shortpath$SUFFIX"
    if ! { "$V/bin/python" -m pip install -q --upgrade pip &&
           FASTDISPATCH_REQUIRE_EXTENSIONS=1 "$V/bin/python" -m pip install -q -e '.[test]'; } >"$LOG/install.log" 2>&1; then
        fail "pip install -e '.[test]'" "$LOG/install.log"; continue
    fi
    if ! "$V/bin/python" - "$ROOT" >>"$LOG/install.log" 2>&1 <<'EOF'
import os, sys
import fastdispatch.routing._router as m, fastdispatch._shortpath as w, fastdispatch.shortpath as s, fastdispatch.routing as r
for mod, where in ((m, "fastdispatch/routing"), (w, "fastdispatch")):
    assert os.path.dirname(os.path.realpath(mod.__file__)) == os.path.join(sys.argv[1], where), mod.__file__
assert r.Router is r.CompiledRouter, r.Router
assert s.call is w.call, s.call
print("compiled:", os.path.basename(m.__file__), os.path.basename(w.__file__))
EOF
    then
        fail "the compiled modules are not the ones in use" "$LOG/install.log"; continue
    fi
    COMPILED=$(tail -n 1 "$LOG/install.log")
    say "$ver: installed, $COMPILED"

    # 2. the servers that install on this version
    SERVERS_OK=1
    KEEP_GOING=1 bash scripts/install_servers.sh "$V/bin/python" >"$LOG/servers.log" 2>&1 || SERVERS_OK=0
    HAVE=() MISSING=()
    for mod in meinheld.server gunicorn granian bjoern; do
        if "$V/bin/python" -c "import $mod" >/dev/null 2>&1; then HAVE+=("${mod%.server}"); else MISSING+=("${mod%.server}"); fi
    done
    ENVS=()
    SERVERS="servers: ${HAVE[*]:-none}"
    if [ "${#MISSING[@]}" -gt 0 ]; then
        SERVERS="$SERVERS; NOT INSTALLED: ${MISSING[*]} (their tests skipped)"
        # granian, meinheld and gunicorn are required by the suite unless told otherwise
        [[ " ${MISSING[*]} " != *" meinheld "* && " ${MISSING[*]} " != *" gunicorn "* && " ${MISSING[*]} " != *" granian "* ]] \
            || ENVS+=(FASTDISPATCH_NO_SERVERS=1)
        sed 's/^/    /' "$LOG/servers.log"
    fi
    say "$ver: $SERVERS"
    if [ "$SERVERS_OK" = 0 ] && [ "${#MISSING[@]}" = 0 ]; then
        fail "scripts/install_servers.sh" "$LOG/servers.log"; continue
    fi

    # 3. the suite
    T0=$SECONDS
    env ${ENVS[@]+"${ENVS[@]}"} timeout "$TEST_TIMEOUT" "$V/bin/python" -m pytest tests -q -ra -p no:cacheprovider "$@" >"$LOG/tests.log" 2>&1
    RC=$?
    TESTS_S=$((SECONDS - T0))
    read -r P F S E < <(counts "$LOG/tests.log")
    RESULT="ok"
    if [ "$RC" != 0 ]; then
        FAILED=1
        RESULT="FAILED"
        [ "$RC" = 124 ] && RESULT="TIMED OUT (${TEST_TIMEOUT}s)"
        grep -E '^(FAILED|ERROR) ' "$LOG/tests.log" | head -n 30
        tail -n 3 "$LOG/tests.log"
    fi
    say "$ver: $RESULT, $P passed, $F failed, $S skipped, $E errors (tests ${TESTS_S}s, log $LOG/tests.log)"
    [ "$E" = 0 ] || F="$F failed + $E errors"
    line '%-5s %-8s %-6s %5s passed %3s failed %3s skipped %5ss (tests %ss)  %s' \
        "$ver" "$FULL" "$RESULT" "$P" "$F" "$S" "$((SECONDS - START))" "$TESTS_S" "$SERVERS"
done

{
    echo "make test-pythons: CPython $(echo "$PYTHONS" | tr ' ' ','), FASTDISPATCH_HYPOTHESIS_EXAMPLES=$FASTDISPATCH_HYPOTHESIS_EXAMPLES, ${SECONDS}s in all"
    printf '%s\n' "${SUMMARY[@]}"
} | tee "$VENVS/summary.txt"
exit "$FAILED"
