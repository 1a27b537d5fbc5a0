#!/usr/bin/env bash
# Check the sdist: its contents, its fallback to pure Python, its normal build.
#
#   scripts/check_sdist.sh [extra pytest args for the pure-Python test run]
#
# 1. builds the sdist (python -m build --sdist) and checks it holds
#    src/_router.pyx, py.typed, LICENSE, README.md and the tests, and no
#    generated src/_router.c, no binaries;
# 2. without a compiler (CC=false): the wheel built from the sdist prints
#    setup.py's warning and is a pure py3-none-any wheel; installed in a fresh
#    venv, CompiledRouter is None and Router is PythonRouter; the sdist's test
#    suite passes with FASTDISPATCH_NO_EXTENSIONS=1 set at test time, and fails
#    without it (a pure install must not pass for a compiled one);
#    with FASTDISPATCH_REQUIRE_EXTENSIONS=1 the same build is an error;
# 3. FASTDISPATCH_NO_EXTENSIONS=1 at build time: a pure wheel, with the warning;
# 4. normally (with the compiler): a platform wheel, and in a fresh venv
#    Router is CompiledRouter.
#
# Exits non-zero on any failure. Environment: PYTHON (default python3),
# KEEP=1 keeps the work directory.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fastdispatch-sdist.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "work directory: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
# Never reuse a wheel that pip built and cached from an earlier (other) build.
export PIP_NO_CACHE_DIR=1

# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

step "build tools ($("$PYTHON" -V 2>&1))"
"$PYTHON" -m venv "$WORK/tools"
T="$WORK/tools/bin"
pipq "$T/python" --upgrade pip
pipq "$T/python" build

step "build the sdist"
"$T/python" -m build --sdist --outdir "$WORK/dist" "$ROOT" >"$WORK/sdist.log" 2>&1 \
    || { tail -n 60 "$WORK/sdist.log"; die "python -m build --sdist"; }
SDIST=$(ls "$WORK"/dist/*.tar.gz)
echo "sdist: $(basename "$SDIST") ($(du -k "$SDIST" | cut -f1) KiB)"
mkdir "$WORK/unpacked"
tar xzf "$SDIST" -C "$WORK/unpacked"
SRC=$(ls -d "$WORK"/unpacked/*/)
SRC=${SRC%/}
for f in src/_router.pyx src/_shortpath.pyx setup.py pyproject.toml LICENSE README.md PKG-INFO fastdispatch/py.typed \
         fastdispatch/__init__.py fastdispatch/routing/__init__.py tests/conftest.py tests/data/routes.json; do
    [ -f "$SRC/$f" ] || die "$f is missing from the sdist"
done
for f in src/_router.c src/_shortpath.c; do
    [ ! -e "$SRC/$f" ] || die "the sdist ships a generated $f (MANIFEST.in excludes it)"
done
BAD=$(cd "$SRC" && find . \( -name '*.so' -o -name '*.pyd' -o -name '*.pyc' -o -name __pycache__ \) -print)
[ -z "$BAD" ] || die "the sdist ships binaries: $BAD"
echo "contains src/_router.pyx, src/_shortpath.pyx, py.typed, LICENSE, README.md, tests/ ($(find "$SRC/tests" -name 'test_*.py' | wc -l) test files); no generated C, no binaries"

# A fresh venv with fastdispatch's runtime and [test] requirements from the
# index (read from the sdist's PKG-INFO), then the given wheel with --no-index.
make_venv() {  # make_venv DIR WHEEL
    local venv=$1 wheel=$2 deps
    "$PYTHON" -m venv "$venv"
    pipq "$venv/bin/python" --upgrade pip
    mapfile -t deps < <(requires "$T/python" "$SRC/PKG-INFO")
    [ "${#deps[@]}" -gt 0 ] || die "no requirements read from PKG-INFO"
    pipq "$venv/bin/python" "${deps[@]}"
    "$venv/bin/python" -m pip install -q --no-index --no-deps "$wheel" >>"$WORK/pip.log" 2>&1 \
        || { tail -n 20 "$WORK/pip.log"; die "installing $wheel"; }
    "$venv/bin/python" -m pip check >/dev/null || { "$venv/bin/python" -m pip check; die "pip check"; }
}

# build_wheel NAME [VAR=value...]: the wheel pip builds from the sdist, its log in $WORK/NAME.log.
build_wheel() {
    local name=$1; shift
    mkdir -p "$WORK/$name"
    env "$@" "$T/python" -m pip wheel -v --no-deps -w "$WORK/$name" "$SDIST" >"$WORK/$name.log" 2>&1
}

WARNING="fastdispatch is installed without its compiled modules"

step "no compiler (CC=false): a pure wheel, with the warning"
build_wheel nocc CC=false || { tail -n 60 "$WORK/nocc.log"; die "the sdist does not build without a compiler"; }
PURE=$(ls "$WORK"/nocc/*.whl)
echo "wheel: $(basename "$PURE")"
grep "WARNING: " "$WORK/nocc.log" | grep -v "WARNING: Location" | head -n 1 | sed 's/^ *//' || true
grep -q "$WARNING" "$WORK/nocc.log" || die "setup.py printed no warning"
case "$(basename "$PURE")" in *-py3-none-any.whl) ;; *) die "not a py3-none-any wheel" ;; esac
"$T/python" -c '
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert not [n for n in names if n.endswith((".so", ".pyd"))], names
assert not [n for n in names if ".data/platlib/" in n], names
' "$PURE" || die "the pure wheel holds a binary, or installs to platlib"

step "no compiler: installed in a fresh venv"
make_venv "$WORK/venv-pure" "$PURE"
RUN="$WORK/run"
mkdir -p "$RUN"
cp -r "$SRC/tests" "$RUN/tests"
cd "$RUN"   # nothing here to import fastdispatch from but the venv
"$WORK/venv-pure/bin/python" -c '
import fastdispatch.routing as r, fastdispatch, os
assert r.CompiledRouter is None, r.CompiledRouter
assert r.Router is r.PythonRouter, r.Router
here = os.path.dirname(fastdispatch.__file__)
assert not [f for f in os.listdir(here) + os.listdir(os.path.join(here, "routing")) if f.startswith(("_router.", "_shortpath.")) and not f.endswith(".py")]
import fastdispatch.shortpath, fastdispatch._shortpath_py
assert fastdispatch.shortpath.call is fastdispatch._shortpath_py.call
print("CompiledRouter is None, Router is PythonRouter, App.__call__ pure; from", os.path.dirname(fastdispatch.__file__))
' || die "the pure install does not use the pure-Python router"

step "no compiler: the sdist's tests with FASTDISPATCH_NO_EXTENSIONS=1"
FASTDISPATCH_NO_EXTENSIONS=1 "$WORK/venv-pure/bin/python" -m pytest -c "$SRC/pyproject.toml" --rootdir "$RUN" \
    -p no:cacheprovider -q tests "$@" >"$WORK/pure-tests.log" 2>&1 \
    || { tail -n 60 "$WORK/pure-tests.log"; die "the tests fail on the pure install"; }
tail -n 1 "$WORK/pure-tests.log"

step "no compiler: without FASTDISPATCH_NO_EXTENSIONS the compiled twin's absence fails the tests"
if "$WORK/venv-pure/bin/python" -m pytest -c "$SRC/pyproject.toml" --rootdir "$RUN" -p no:cacheprovider -q \
        tests/test_twins.py >"$WORK/guard.log" 2>&1; then
    die "the tests passed on a pure install without FASTDISPATCH_NO_EXTENSIONS=1"
fi
# in words, not pytest's summary line: this failure is the expected outcome
echo "the twin tests fail there, as they must ($(tail -n 1 "$WORK/guard.log" | tr -d '='))"
cd "$WORK"

step "no compiler with FASTDISPATCH_REQUIRE_EXTENSIONS=1: an error"
if build_wheel require CC=false FASTDISPATCH_REQUIRE_EXTENSIONS=1; then
    die "FASTDISPATCH_REQUIRE_EXTENSIONS=1 built $(ls "$WORK"/require/)"
fi
grep -m1 "FASTDISPATCH_REQUIRE_EXTENSIONS is set" "$WORK/require.log" || die "no error message about FASTDISPATCH_REQUIRE_EXTENSIONS"

step "FASTDISPATCH_NO_EXTENSIONS=1 at build time: a pure wheel, with the warning"
build_wheel noext FASTDISPATCH_NO_EXTENSIONS=1 || { tail -n 60 "$WORK/noext.log"; die "pip wheel"; }
echo "wheel: $(basename "$(ls "$WORK"/noext/*.whl)")"
grep -q "$WARNING" "$WORK/noext.log" || die "setup.py printed no warning"
ls "$WORK"/noext/*-py3-none-any.whl >/dev/null 2>&1 || die "not a py3-none-any wheel"

step "normal build (with the compiler): the compiled router"
build_wheel cc || { tail -n 60 "$WORK/cc.log"; die "the sdist does not build"; }
COMPILED=$(ls "$WORK"/cc/*.whl)
echo "wheel: $(basename "$COMPILED")"
! grep -q "$WARNING" "$WORK/cc.log" || die "setup.py fell back to pure Python with a compiler available"
case "$(basename "$COMPILED")" in *-none-any.whl) die "a pure wheel" ;; esac
make_venv "$WORK/venv-cc" "$COMPILED"
cd "$RUN"
"$WORK/venv-cc/bin/python" -c '
import fastdispatch.routing as r, fastdispatch.routing._router as m, os
assert r.CompiledRouter is not None
assert r.Router is r.CompiledRouter, r.Router
import fastdispatch.shortpath as s, fastdispatch._shortpath as c
assert s.call is c.call
print("Router is CompiledRouter from", m.__file__)
' || die "the normal install does not use the compiled router"
"$WORK/venv-cc/bin/python" -m pytest -c "$SRC/pyproject.toml" --rootdir "$RUN" -p no:cacheprovider -q \
    tests/test_twins.py >"$WORK/cc-tests.log" 2>&1 \
    || { tail -n 60 "$WORK/cc-tests.log"; die "the twin tests fail on the compiled install"; }
tail -n 1 "$WORK/cc-tests.log"

step "OK: $(basename "$SDIST")"
