"""``fastdispatch serve --reload``: the serving process restarted when a
Python source file of the app changes, by stat polling, as Werkzeug's
``stat`` reloader does (no dependency; a development tool: a poll a second).

The command runs twice: the first process (``run_with_reloader``) only
starts the second, the same command line with ``FASTDISPATCH_RELOADER``
set, and starts it again each time it exits with ``RESTART``; that one
serves, and a thread of it (``watch``) exits it with ``RESTART`` once a
module file it imported changes.  A fresh process re-imports everything,
which an in-process reload cannot promise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import typing as t

__all__ = ["RESTART", "ENV", "run_with_reloader", "is_reloader_child", "watch"]

#: the exit code of a serving process that asks to be started again
RESTART = 3
#: set in the serving process's environment by the one that restarts it
ENV = "FASTDISPATCH_RELOADER"
#: seconds between two looks at the files
INTERVAL = 1.0


def is_reloader_child() -> bool:
    return os.environ.get(ENV) == "1"


def run_with_reloader(args: t.Sequence[str]) -> int:
    """Run ``python -m fastdispatch ARGS`` until it exits with something
    other than ``RESTART``; that exit code.  SIGTERM and SIGINT are passed
    on to it (it stops as it would without ``--reload``)."""
    env = {**os.environ, ENV: "1"}
    child: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, frame: t.Any) -> None:
        if signum == signal.SIGINT and _in_foreground():
            return  # Ctrl-C: the terminal sent the child one of its own (a second would cut its graceful stop short)
        if child and child[0].poll() is None:
            child[0].send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            print("fastdispatch: --reload: serving in a new process; it restarts when a source file changes", file=sys.stderr, flush=True)
            child[:] = [subprocess.Popen([sys.executable, "-m", "fastdispatch", *args], env=env)]
            while True:
                try:
                    code = child[0].wait()
                    break
                except KeyboardInterrupt:  # (the child got its SIGINT too)
                    continue
            if code != RESTART:
                return code
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _in_foreground() -> bool:
    """Whether this process's group is its terminal's foreground one (the
    child, in the same group, gets the terminal's signals too)."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def _source_files() -> dict[str, float]:
    """The files of the modules imported, but the interpreter's own and the
    installed packages' (under ``sys.prefix``/``base_prefix``), with their
    modification times."""
    prefixes = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    found: dict[str, float] = {}
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if not isinstance(name, str) or not name.endswith(".py"):
            continue
        path = os.path.realpath(name)
        if path.startswith(prefixes):
            continue
        try:
            found[path] = os.stat(path).st_mtime
        except OSError:
            continue
    return found


def watch(interval: float = INTERVAL) -> None:
    """In the serving process: a daemon thread that ends the process with
    ``RESTART`` once one of the app's source files changes or goes away
    (a module imported later is watched from then on)."""

    # taken here, before the server starts: taken in the thread, it could
    # come after the first request was served and a file changed since,
    # and that change would be the baseline, never seen (a test saw it)
    known = _source_files()

    def poll() -> None:
        while True:
            time.sleep(interval)
            now = _source_files()
            changed = [path for path, mtime in known.items() if now.get(path) != mtime]
            if changed:
                print(f"fastdispatch: --reload: {changed[0]} changed, restarting", file=sys.stderr, flush=True)
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except (OSError, ValueError):
                        pass
                # (os._exit: the server's loop, C code for meinheld and
                # bjoern, would not see an exception of this thread)
                os._exit(RESTART)
            known.update(now)

    threading.Thread(target=poll, name="fastdispatch-reloader", daemon=True).start()
