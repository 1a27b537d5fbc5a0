"""The Dockerfile (docs/serving.md, Containers) kept in step with the project.

No container engine runs in CI, so the image is not built here; what can
drift without one is checked instead: the build stage's COPY lines carry
everything the wheel build reads (a wheel is built from exactly that context,
.dockerignore applied), the CMD is a `fastdispatch serve` command line the CLI
accepts for a public address, and the HEALTHCHECK asks the app for a route it
has.
"""

from __future__ import annotations

import fnmatch
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import zipfile

import pytest

from fastdispatch import cli, servers

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
pytestmark = pytest.mark.skipif(not DOCKERFILE.is_file(), reason="no source checkout here (tests copied next to an installed wheel)")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        word, _, rest = pending.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        pending = ""
    return out


def stages() -> dict[str, list[tuple[str, str]]]:
    named, current = {}, None
    for word, rest in instructions():
        if word == "FROM":
            parts = rest.split()
            current = named.setdefault(parts[-1] if "AS" in (p.upper() for p in parts) else "final", [])
        current.append((word, rest))
    return named


def copies(stage: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """(sources, destination) of the stage's COPY lines from the build context."""
    out = []
    for word, rest in stage:
        if word == "COPY" and "--from=" not in rest:
            args = [a for a in shlex.split(rest) if not a.startswith("--")]
            out.append((args[:-1], args[-1]))
    return out


def ignored(relative: str) -> bool:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip() and not p.startswith("#")]
    for pattern in patterns:
        pattern = pattern.removeprefix("**/")
        parts = relative.split("/")
        if any(fnmatch.fnmatch("/".join(parts[i:j]), pattern) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)):
            return True
    return False


def environment(stage: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for word, rest in stage:
        if word == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(rest))
    return env


def test_every_copied_source_is_in_the_context():
    for stage in stages().values():
        for sources, _ in copies(stage):
            for source in sources:
                path = ROOT / source
                assert path.exists(), f"COPY {source}: not in the checkout"
                assert not ignored(source.rstrip("/")), f"COPY {source}: excluded by .dockerignore"


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> pathlib.Path:
    """The wheel stage's build context: what its COPY lines take, less .dockerignore's."""
    ctx = tmp_path_factory.mktemp("docker-context")
    for sources, dest in copies(stages()["wheel"]):
        for source in sources:
            src = ROOT / source
            target = ctx / dest / src.name if src.is_file() else ctx / dest
            if src.is_dir():
                for path in src.rglob("*"):
                    relative = path.relative_to(ROOT).as_posix()
                    if path.is_file() and not ignored(relative):
                        out = target / path.relative_to(src)
                        out.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, out)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target)
    return ctx


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler")
def test_the_wheel_builds_from_the_copied_context(context, tmp_path):
    # the image's build (isolated, as there: setuptools and Cython fetched),
    # compiled modules required, so a context that lacks
    # a .pyx (or a file setup.py reads) fails here, not in someone's docker build
    env = dict(os.environ, FASTDISPATCH_REQUIRE_EXTENSIONS="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("FASTDISPATCH_NO_EXTENSIONS", None)  # the image never sets it
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", str(tmp_path), str(context)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = tmp_path.glob("fastdispatch-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("fastdispatch/routing/_router.") and n.endswith(".so") for n in names), names
    assert any(n.startswith("fastdispatch/_shortpath.") and n.endswith(".so") for n in names), names


def command() -> list[str]:
    final = stages()["final"]
    (cmd,) = [rest for word, rest in final if word == "CMD"]
    env = environment(final)
    words = shlex.split(cmd)
    assert words[0] == "exec", "CMD in shell form must exec the server, so that SIGTERM reaches it"
    return [env[w[1:]] if w.startswith("$") else w for w in words[1:]]


def test_the_command_is_a_public_serve_the_cli_accepts():
    words = command()
    assert words[:2] == ["fastdispatch", "serve"]
    args = cli.build_parser().parse_args(words[1:])
    assert args.server in servers.SERVERS and args.server not in ("bjoern", "wsgiref")
    assert args.host == "0.0.0.0"
    assert servers.development_error(args.server, args.workers, args.debug, args.reload) is None


def test_the_healthcheck_asks_for_a_route_the_app_has(monkeypatch):
    final = stages()["final"]
    (check,) = [rest for word, rest in final if word == "HEALTHCHECK"]
    url = check.split("urlopen('", 1)[1].split("'", 1)[0]
    path = "/" + url.split("/", 3)[3]
    monkeypatch.syspath_prepend(str(ROOT))
    app = servers.load_app(environment(final)["APP"])
    response = app.test_client().get(path)
    assert response.status_code == 200, response.data
