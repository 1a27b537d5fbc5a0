# Sourced by build_wheels.sh and check_sdist.sh (after they set WORK).
SECONDS=0
step() { printf '\n=== [%3ds] %s\n' "$SECONDS" "$*"; }
die() { echo "FAILED: $*" >&2; exit 1; }
# pip's output goes to a log, shown if it fails (this machine's pip config is chatty).
pipq() { local py=$1; shift; "$py" -m pip install -q "$@" >>"$WORK/pip.log" 2>&1 || { tail -n 40 "$WORK/pip.log"; die "pip install $*"; }; }
# requires PYTHON FILE: the runtime and [test] requirements in a wheel's
# METADATA or an sdist's PKG-INFO, one a line (PYTHON must have packaging).
requires() {
    "$1" - "$2" <<'PY'
import sys, zipfile
from email.parser import Parser
from packaging.requirements import Requirement
path = sys.argv[1]
if path.endswith(".whl"):
    with zipfile.ZipFile(path) as z:
        text = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
else:
    text = open(path, encoding="utf-8").read()
for line in Parser().parsestr(text).get_all("Requires-Dist") or []:
    req = Requirement(line)
    if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", "test")):
        req.marker = None
        print(req)
PY
}
