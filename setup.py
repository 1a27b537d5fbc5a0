"""Builds the compiled router ``fastdispatch._router`` from ``src/_router.pyx``.

Without a working C compiler (or Cython), or with FASTDISPATCH_NO_EXTENSIONS=1,
the package installs as pure Python (``fastdispatch.routing.Router`` is then
``PythonRouter``, with identical behaviour) and says so with a warning.
"""

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

NO_EXTENSIONS = os.environ.get("FASTDISPATCH_NO_EXTENSIONS", "") not in ("", "0")


def warn(msg):
    bar = "*" * 75
    print(f"\n{bar}\nWARNING: {msg}\nfastdispatch is installed without its compiled router and uses the\npure-Python router (same behaviour, slower).\n{bar}\n", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """Compile if we can; fall back to pure Python if we cannot."""

    def run(self):
        try:
            super().run()
        except Exception as e:  # no compiler, no Python headers, ...
            warn(f"building the C extension failed: {e!r}")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as e:
            warn(f"compiling {ext.name} failed: {e!r}")


def extensions():
    if NO_EXTENSIONS:
        warn("FASTDISPATCH_NO_EXTENSIONS is set")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        c_file = os.path.join("src", "_router.c")
        if os.path.exists(c_file):
            return [Extension("fastdispatch._router", [c_file])]
        warn("Cython is not installed and no generated C file is present")
        return []
    return cythonize(
        [Extension("fastdispatch._router", [os.path.join("src", "_router.pyx")])],
        compiler_directives={"language_level": "3", "boundscheck": False, "wraparound": False},
    )


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
