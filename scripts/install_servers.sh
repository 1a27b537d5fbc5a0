#!/usr/bin/env bash
# Install the HTTP servers `fastdispatch serve` runs on into PYTHON's environment:
#   greenlet (current), meinheld (--no-deps), gunicorn (27+ on Python 3.10+, for
#   serve --server gthread), granian, and bjoern (optional).
# Idempotent and quiet: a package that already imports is left alone.
#
#   scripts/install_servers.sh .venv/bin/python
#
# meinheld 1.0.2 (2020, unmaintained) pins greenlet<0.5, which does not build on
# Python 3.10+; it installs with --no-deps and runs with a current greenlet.  It
# compiles C: a compiler is needed.  It is built without greenlet support
# (MEINHELD_NOGREEN=1, meinheld's own build switch): greenlet only serves
# meinheld's async extras (spawn, sleep, meinheld.patch), which a WSGI app does
# not use, and creating a greenlet per request with greenlet 3 halves meinheld's
# throughput.  MEINHELD_GREENLET=1 in the environment builds the greenlet
# variant instead (then `pip uninstall meinheld` first to switch an existing one).
# It is built from its sdist, patched: on every Python, its 413 from the
# headers no longer leaks the request's path buffer (1 KiB a refusal; PyPI's
# meinheld 1.0.2 has the leak); on Python 3.13+ its C's two removed APIs
# (Py_TRASHCAN_SAFE_BEGIN/END and PyEval_CallObject) are replaced by their
# documented replacements.
# bjoern needs libev's headers: `apt-get install libev-dev` is run when they are
# missing and we are root; if bjoern still cannot be installed, one line says so
# and the script goes on (bjoern is optional).
# KEEP_GOING=1: a server that does not install (on some Python version) is one
# line, and the script goes on to the others, exiting 1 at the end;
# scripts/test_pythons.sh uses it.  Otherwise the first failure ends it.
set -euo pipefail

PY=${1:?usage: $0 PYTHON}
MEINHELD_VERSION=1.0.2

say() { echo "install_servers: $*" >&2; }
has() { "$PY" -c "import $1" >/dev/null 2>&1; }
pip_install() { "$PY" -m pip install -qq --disable-pip-version-check "$@"; }

"$PY" -m pip --version >/dev/null 2>&1 || { say "$PY has no pip"; exit 1; }

STATUS=0
# try NAME FUNCTION: run FUNCTION with errexit in a subshell; see KEEP_GOING.
try() {
    local rc
    set +e
    ( set -e; "$2" )
    rc=$?
    set -e
    if [ "$rc" != 0 ]; then
        [ "${KEEP_GOING:-0}" = 1 ] || exit "$rc"
        say "$1 not installed (KEEP_GOING=1: going on without it)"
        STATUS=1
    fi
}

install_meinheld() {
    has greenlet || pip_install 'greenlet>=3'
    has meinheld.server && return 0
    # pip's wheel cache does not know about MEINHELD_NOGREEN: build afresh
    if [ "${MEINHELD_GREENLET:-0}" = 1 ]; then unset MEINHELD_NOGREEN; else export MEINHELD_NOGREEN=1; fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$PY" -m pip download -qq --disable-pip-version-check --no-deps --no-binary :all: \
        -d "$tmp" "meinheld==$MEINHELD_VERSION"
    tar -xzf "$tmp/meinheld-$MEINHELD_VERSION.tar.gz" -C "$tmp"
    src="$tmp/meinheld-$MEINHELD_VERSION"
    # meinheld's own 413 from the headers returns before the request's path
    # buffer is freed: 1 KiB lost per refusal, which any client can ask for
    # (Content-Length over the limit).  Freed there, as the code after it does.
    "$PY" - "$src/meinheld/server/http_request_parser.c" <<'PATCH'
import sys
path = sys.argv[1]
text = open(path).read()
old = """      req->bad_request_code = 413;
      return -1;
    }
  }
"""
new = """      req->bad_request_code = 413;
      if (req->path) {
        free_buffer(req->path);
        req->path = NULL;
      }
      return -1;
    }
  }
"""
if text.count(old) != 1:
    sys.exit("install_servers: meinheld's 413 branch not found where expected; not patched")
open(path, "w").write(text.replace(old, new))
PATCH
    if "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then
        sed -i -e 's/Py_TRASHCAN_SAFE_BEGIN(self)/Py_TRASHCAN_BEGIN(self, TimerObject_dealloc)/' \
               -e 's/Py_TRASHCAN_SAFE_END(self)/Py_TRASHCAN_END/' "$src/meinheld/server/timer.c"
        sed -i -e 's/PyEval_CallObject(/PyObject_CallObject(/g' "$src"/meinheld/server/*.c
    fi
    pip_install --no-deps --no-cache-dir "$src"
    has meinheld.server || { say "meinheld was built but does not import"; exit 1; }
}
install_gunicorn() {
    if "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
        # serve --server gthread needs gunicorn 27 (before it, the gthread
        # worker drops pipelined requests): an older one is upgraded
        "$PY" -c 'import sys, gunicorn; sys.exit(int(gunicorn.__version__.split(".")[0]) < 27)' >/dev/null 2>&1 \
            || pip_install 'gunicorn>=27'
    else
        has gunicorn || pip_install 'gunicorn>=22'  # 23, the last for Python 3.9: no gthread there
    fi
}
install_granian() { has granian || pip_install 'granian>=2'; }

try meinheld install_meinheld
try gunicorn install_gunicorn
try granian install_granian

if ! has bjoern; then
    if [ ! -e /usr/include/ev.h ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        if ! apt-get install -y -qq libev-dev >/dev/null 2>&1; then
            apt-get update -qq >/dev/null 2>&1 || true
            apt-get install -y -qq libev-dev >/dev/null 2>&1 || true
        fi
    fi
    if ! pip_install bjoern >/dev/null 2>&1 || ! has bjoern; then
        say "bjoern not installed (optional; it needs libev's headers: apt-get install libev-dev)"
    fi
fi
exit "$STATUS"
