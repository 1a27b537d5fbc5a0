"""Packaging: what the release builds and publishes.

Fast enough for the main suite (an sdist build, a few cibuildwheel dry runs).
The heavy checks, a wheel compiled, repaired and tested in a fresh venv, and
the sdist installed with and without a compiler, are scripts/build_wheels.sh
and scripts/check_sdist.sh.

The tests that read the source checkout skip when there is none: cibuildwheel
copies tests/ alone next to the installed wheel (test-sources).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile

import pytest

import fastdispatch

ROOT = pathlib.Path(__file__).resolve().parents[2]
IN_CHECKOUT = (ROOT / "setup.py").is_file() and (ROOT / "src" / "_router.pyx").is_file()
needs_checkout = pytest.mark.skipif(
    not IN_CHECKOUT, reason="no source checkout here (tests copied next to an installed wheel)"
)

PYTHONS = ["cp39", "cp310", "cp311", "cp312", "cp313"]
OPTIONAL_PYTHONS = ["cp314"]  # built where the toolchain allows, not required
PLATFORMS = {
    "linux": ["manylinux_x86_64", "musllinux_x86_64", "manylinux_aarch64", "musllinux_aarch64"],
    "macos": ["macosx_x86_64", "macosx_arm64"],
    "windows": ["win_amd64"],
}


def _clean_env():
    # CIBW_* variables (set when this runs inside a cibuildwheel job) override
    # the pyproject.toml configuration that is under test.
    return {k: v for k, v in os.environ.items() if not k.startswith("CIBW_")}


@needs_checkout
@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_cibuildwheel_build_identifiers(platform):
    pytest.importorskip("cibuildwheel")
    proc = subprocess.run(
        [sys.executable, "-m", "cibuildwheel", "--print-build-identifiers", "--platform", platform, str(ROOT)],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    listed = set(proc.stdout.split())
    expected = {f"{py}-{plat}" for py in PYTHONS for plat in PLATFORMS[platform]}
    allowed = expected | {f"{py}-{plat}" for py in OPTIONAL_PYTHONS for plat in PLATFORMS[platform]}
    assert expected - listed == set(), f"missing build identifiers; cibuildwheel listed {sorted(listed)}"
    # Nothing else: no free-threaded, PyPy, 32-bit or other-architecture builds.
    assert listed - allowed == set(), "unexpected build identifiers"


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    """Build the sdist the way the release does, from a copy of the checkout
    (building writes fastdispatch.egg-info and src/_router.c next to setup.py)."""
    assert importlib.util.find_spec("build") is not None, "'build' is missing: it is part of the [test] extra"
    tmp = tmp_path_factory.mktemp("sdist")
    src = tmp / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".venv-*", "venv", "build", "dist", "wheelhouse", ".hypothesis", ".pytest_cache",
            ".benchmarks", "__pycache__", "*.egg-info", "*.so", "*.pyd",
        ),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp / "dist"), str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (archive,) = (tmp / "dist").glob("*.tar.gz")
    return archive


@needs_checkout
def test_sdist_contents(sdist):
    assert sdist.name == f"fastdispatch-{fastdispatch.__version__}.tar.gz"
    prefix = f"fastdispatch-{fastdispatch.__version__}/"
    with tarfile.open(sdist) as tar:
        names = {n[len(prefix):] for n in tar.getnames() if n.startswith(prefix)}
    for required in [
        "src/_router.pyx",
        "src/_shortpath.pyx",
        "src/_dictwalk.h",
        "fastdispatch/py.typed",
        "fastdispatch/__init__.py",
        "fastdispatch/routing/__init__.py",
        "fastdispatch/json/__init__.py",
        "fastdispatch/json/provider.py",
        "fastdispatch/json/orjson.py",
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "setup.py",
        "PKG-INFO",
        "tests/conftest.py",
        "tests/data/routes.json",
    ]:
        assert required in names, f"{required} missing from {sdist.name}"
    # The C file is generated from the .pyx at build time, never shipped stale.
    assert "src/_router.c" not in names and "src/_shortpath.c" not in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".pyc")) or "__pycache__" in n]


def test_version_matches_metadata():
    assert importlib.metadata.version("fastdispatch") == fastdispatch.__version__


def test_py_typed_is_installed():
    assert (pathlib.Path(fastdispatch.__file__).parent / "py.typed").is_file()
