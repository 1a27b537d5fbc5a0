"""``safe_join``, as ``werkzeug.security.safe_join``: a path from a URL
joined under a trusted directory, or None when it would leave it.
Standard library only."""

from __future__ import annotations

import os
import posixpath

__all__ = ["safe_join"]

# separators other than "/" that the OS would honour ("\\" on Windows)
_OS_ALT_SEPS = [sep for sep in (os.sep, os.altsep) if sep is not None and sep != "/"]
# https://chrisdenton.github.io/omnipath/Special%20Dos%20Device%20Names.html
_WINDOWS_DEVICE_FILES = {
    "AUX",
    "CON",
    "CONIN$",
    "CONOUT$",
    *(f"COM{c}" for c in "123456789¹²³"),
    *(f"LPT{c}" for c in "123456789¹²³"),
    "NUL",
    "PRN",
}


def safe_join(directory: str, *untrusted: str) -> str | None:
    """``directory`` joined with the ``untrusted`` parts with "/", or None
    for an absolute part, one that climbs out (``..``), one with another
    separator, or a Windows device name on Windows.  The file system is not
    consulted: a symlink inside ``directory`` is followed wherever it goes."""
    if not directory:
        # "." so that the first untrusted part cannot become the trusted base
        directory = "."
    parts = [directory]
    for part in untrusted:
        if not part:
            continue
        part = posixpath.normpath(part)
        if (
            os.path.isabs(part)
            or part.startswith("/")  # ntpath.isabs misses it
            or part == ".."
            or part.startswith("../")
            or any(sep in part for sep in _OS_ALT_SEPS)
            or (os.name == "nt" and any(p.partition(":")[0].partition(".")[0].strip().upper() in _WINDOWS_DEVICE_FILES for p in part.split("/")))
        ):
            return None
        parts.append(part)
    return posixpath.join(*parts)
