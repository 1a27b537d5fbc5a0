"""Builds the compiled router ``fastdispatch.routing._router`` from
``src/_router.pyx`` and the compiled short request path
``fastdispatch._shortpath`` from ``src/_shortpath.pyx``.

Without a working C compiler (or Cython), or with FASTDISPATCH_NO_EXTENSIONS=1,
the package installs as pure Python (``fastdispatch.routing.Router`` is then
``PythonRouter``, with identical behaviour) and says so with a warning.  Such a
wheel is tagged ``py3-none-any``: it holds no compiled code.

FASTDISPATCH_REQUIRE_EXTENSIONS=1 turns that fallback into an error (release
builds set it, so that a broken toolchain cannot publish a pure wheel).

Note that pip shows a build's output only with ``-v``: a plain ``pip install``
that fell back prints no warning.  ``fastdispatch.routing.CompiledRouter is None``
tells at run time.
"""

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1 (the build requires >= 77; this is for --no-build-isolation)
    from wheel.bdist_wheel import bdist_wheel


def _flag(name):
    return os.environ.get(name, "") not in ("", "0")


NO_EXTENSIONS = _flag("FASTDISPATCH_NO_EXTENSIONS")
REQUIRE_EXTENSIONS = _flag("FASTDISPATCH_REQUIRE_EXTENSIONS")

# module -> its Cython source
MODULES = {"fastdispatch.routing._router": os.path.join("src", "_router.pyx"), "fastdispatch._shortpath": os.path.join("src", "_shortpath.pyx")}


def warn(msg):
    bar = "*" * 75
    print(f"\n{bar}\nWARNING: {msg}\nfastdispatch is installed without its compiled modules and uses the\npure-Python router and request path (same behaviour, slower).\n{bar}\n", file=sys.stderr)


def fall_back(msg):
    """No compiled router: an error if it is required, else a warning."""
    if REQUIRE_EXTENSIONS:
        sys.exit(f"error: {msg} (and FASTDISPATCH_REQUIRE_EXTENSIONS is set)")
    warn(msg)


class OptionalBuildExt(build_ext):
    """Compile if we can; fall back to pure Python if we cannot."""

    def run(self):
        try:
            super().run()
        except Exception as e:  # no compiler, no Python headers, ...
            self._give_up(f"building the C extension failed: {e!r}")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as e:
            self._give_up(f"compiling {ext.name} failed: {e!r}")

    def _give_up(self, msg):
        fall_back(msg)
        # Nothing compiled: from here on the distribution is pure Python, so
        # install puts the package in purelib and bdist_wheel tags the wheel
        # py3-none-any instead of a platform tag on a wheel with no binary.
        self.distribution.ext_modules = []
        self.extensions = []  # nor copy the missing binary in place (editable installs)


class BdistWheel(bdist_wheel):
    """Tag the wheel pure when the extension could not be compiled.

    bdist_wheel decides purity in finalize_options, before anything is built;
    build first, then decide again.
    """

    def run(self):
        if not self.skip_build:
            self.run_command("build")
        if not self.distribution.has_ext_modules():
            self.root_is_pure = True
        super().run()


def extensions():
    if NO_EXTENSIONS:
        fall_back("FASTDISPATCH_NO_EXTENSIONS is set")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        # A C file older than its .pyx was generated from older code: never build it.
        c_files = {name: pyx[:-4] + ".c" for name, pyx in MODULES.items()}
        if all(_up_to_date(c_files[name], pyx) for name, pyx in MODULES.items()):
            return [Extension(name, [c_files[name]]) for name in MODULES]
        fall_back("Cython is not installed and no up-to-date generated C files are present")
        return []
    return cythonize(
        [Extension(name, [pyx]) for name, pyx in MODULES.items()],
        compiler_directives={"language_level": "3", "boundscheck": False, "wraparound": False},
    )


def _up_to_date(c_file, pyx):
    return os.path.exists(c_file) and (not os.path.exists(pyx) or os.path.getmtime(c_file) >= os.path.getmtime(pyx))


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt, "bdist_wheel": BdistWheel})
