"""Serving a WSGI app: meinheld (the default), granian, bjoern, or wsgiref.

Several workers are run by an existing process manager, never by one of
ours: gunicorn's arbiter with meinheld's gunicorn worker for meinheld, and
granian's own.  Those replace a crashed worker and, on SIGTERM, stop
accepting, let the workers finish what they have, and exit 0.

================  ==========================================================
``meinheld``      1 worker: ``meinheld.server`` in this process.  N workers:
                  gunicorn's arbiter with ``MeinheldWorker`` below (meinheld's
                  own worker class, see its docstring).
``granian``       granian's process manager (``Granian(...).serve()``) with
                  ``respawn_failed_workers=True``; also for 1 worker.
``bjoern``        1 worker only: bjoern has no process manager, and running
                  it under gunicorn would take a worker class of our own.
``wsgiref``       the standard library's server, for development: 1 process,
                  a thread per connection, no keep-alive (HTTP/1.0 style),
                  no chunked request bodies.
================  ==========================================================

Problems a user can fix (bad ``MODULE:APP``, unknown or missing server, a
port in use) raise ``ServeError``: one line, and the exit code to use.
"""

from __future__ import annotations

import errno
import importlib
import os
import signal
import socket
import sys
import threading
import time
import typing as t

__all__ = ["SERVERS", "DEFAULT_SERVER", "ServeError", "load_app", "check_port", "serve"]

SERVERS = ("meinheld", "granian", "bjoern", "wsgiref")
DEFAULT_SERVER = "meinheld"

#: exit codes: 2 for what the command line got wrong (or a server that is
#: not installed), 1 for what failed at run time (the port is taken).
EXIT_USAGE = 2
EXIT_RUNTIME = 1

_INSTALL = {
    "meinheld": "pip install greenlet && pip install --no-deps meinheld  (or: scripts/install_servers.sh PYTHON)",
    "gunicorn": "pip install gunicorn  (or: scripts/install_servers.sh PYTHON)",
    "granian": "pip install granian  (or: scripts/install_servers.sh PYTHON)",
    "bjoern": "apt-get install libev-dev && pip install bjoern  (or: scripts/install_servers.sh PYTHON)",
}


class ServeError(Exception):
    """A problem to report as one line (``str(exc)``) and exit with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# -- MODULE:APP -------------------------------------------------------------


def load_app(spec: str) -> t.Callable[..., t.Any]:
    """Import ``MODULE:APP`` (APP may be dotted: ``pkg.mod:obj.app``), with
    the current directory first on ``sys.path`` as gunicorn and flask do."""
    module_name, colon, attr = spec.partition(":")
    if not colon or not module_name or not attr:
        raise ServeError(f"{spec!r} is not MODULE:APP (for example examples.api:app)")
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            raise ServeError(f"cannot import {module_name!r}: no module named {missing!r} (run from the directory that holds it)") from None
        raise ServeError(f"importing {module_name!r} failed: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # the module itself is broken: one line, not a traceback
        where = ""
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".py"):
                where = f" ({tb.tb_frame.f_code.co_filename}:{tb.tb_lineno})"
            tb = tb.tb_next
        if isinstance(exc, SyntaxError):
            where = f" ({exc.filename}:{exc.lineno})"
        raise ServeError(f"importing {module_name!r} failed: {type(exc).__name__}: {exc}{where}") from None
    obj: t.Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ServeError(f"module {module_name!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise ServeError(f"{spec!r} is a {type(obj).__name__}, not a WSGI application (not callable)")
    return t.cast(t.Callable[..., t.Any], obj)


def _granian_loader(spec: str) -> t.Callable[..., t.Any]:
    """What granian's workers call to get the app (picklable: a module-level
    function, for its 'spawn' start method)."""
    return load_app(spec)


# -- the port -----------------------------------------------------------------


def _fmt(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_port(host: str, port: int) -> None:
    """Fail early, in one line, when ``host:port`` cannot be listened on
    (bound the way the servers bind: with SO_REUSEADDR, so a port only
    held by TIME_WAIT connections counts as free)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror}", EXIT_RUNTIME) from None
    family, type_, proto, _, addr = infos[0]
    with socket.socket(family, type_, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            hint = " (is another server running there?)" if exc.errno == errno.EADDRINUSE else ""
            raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror}{hint}", EXIT_RUNTIME) from None


def _require(module: str, server: str | None = None) -> None:
    try:
        importlib.import_module(module)
    except ImportError as exc:
        name = server or module
        why = "" if isinstance(exc, ModuleNotFoundError) and exc.name == module.split(".")[0] else f" ({exc})"
        raise ServeError(f"{name} is not installed{why}; install it with: {_INSTALL[name]}") from None


def _announce(server: str, host: str, port: int, workers: int, detail: str) -> None:
    w = "1 worker" if workers == 1 else f"{workers} workers"
    print(f"fastdispatch: serving on http://{_fmt(host, port)} with {server} ({w}{detail}); SIGTERM or Ctrl-C stops", file=sys.stderr, flush=True)


# -- entry point ----------------------------------------------------------------


def serve(
    spec: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    server: str = DEFAULT_SERVER,
    access_log: bool = False,
    keep_alive: int = 5,
    graceful_timeout: int = 30,
    app: t.Callable[..., t.Any] | None = None,
) -> int:
    """Serve ``spec`` (``MODULE:APP``) until SIGTERM/SIGINT; return the exit
    code.  ``app``, when given, is ``load_app(spec)`` already done."""
    if server not in SERVERS:
        raise ServeError(f"unknown server {server!r} (choose from {', '.join(SERVERS)})")
    if workers < 1:
        raise ServeError(f"--workers must be 1 or more, not {workers}")
    if server in ("bjoern", "wsgiref") and workers > 1:
        why = "bjoern has no process manager" if server == "bjoern" else "wsgiref is a single-process development server"
        raise ServeError(f"{why}: --workers {workers} is not supported (use --server meinheld or --server granian for several workers)")
    if server == "meinheld":
        _require("meinheld.server", "meinheld")
        if workers > 1:
            _require("gunicorn")
    else:
        _require({"granian": "granian", "bjoern": "bjoern", "wsgiref": "wsgiref.simple_server"}[server], server)
    if app is None:
        app = load_app(spec)
    check_port(host, port)
    if server == "meinheld":
        if workers == 1:
            return _serve_meinheld(app, host, port, access_log, keep_alive)
        return _serve_gunicorn(app, host, port, workers, access_log, keep_alive, graceful_timeout)
    if server == "granian":
        return _serve_granian(spec, host, port, workers, access_log, graceful_timeout)
    if server == "bjoern":
        return _serve_bjoern(app, host, port, access_log, graceful_timeout)
    return _serve_wsgiref(app, host, port, access_log, graceful_timeout)


# -- meinheld -----------------------------------------------------------------


def _serve_meinheld(app: t.Callable[..., t.Any], host: str, port: int, access_log: bool, keep_alive: int) -> int:
    from meinheld import server as mh

    # meinheld.server.run() installs its own C-level SIGTERM/SIGINT handler,
    # which does what meinheld.server.stop() does: stop accepting, let open
    # requests finish (for at most about a second), return.  A SIGTERM that
    # comes before run() is noted here and honoured.
    early: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: early.append(signum))
    try:
        try:
            mh.listen((host, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror or exc}", EXIT_RUNTIME) from None
        # meinheld only keeps connections alive once this is set (seconds).
        mh.set_keepalive(keep_alive)
        if not access_log:
            mh.set_access_logger(None)
        _announce("meinheld", host, port, 1, f", keep-alive {keep_alive}s" if keep_alive else ", no keep-alive")
        if early:
            return 0
        try:
            mh.run(app)  # returns on SIGTERM
        except KeyboardInterrupt:  # SIGINT
            pass
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def _meinheld_worker_class() -> type:
    from gunicorn.workers.base import Worker
    from meinheld import server as mh
    from meinheld.gmeinheld import MeinheldWorker as _Upstream
    from meinheld.mlogging import _access

    class _MeinheldLog:
        """The two calls meinheld's C server makes on its loggers
        (``access(environ)``, ``error(type, value, tb)``) mapped onto a
        gunicorn ``Logger`` instance."""

        def __init__(self, log: t.Any) -> None:
            self._log = log
            self.cfg = log.cfg
            self.access_log = log.access_log

        def access(self, environ: dict[str, t.Any]) -> None:
            _access(self, environ)

        def error(self, exc_type: t.Any, value: t.Any, tb: t.Any) -> None:
            self._log.error("Error handling request", exc_info=(exc_type, value, tb))

    class MeinheldWorker(_Upstream):  # type: ignore[misc,valid-type]
        """``meinheld.gmeinheld.MeinheldWorker`` (its run loop, signal and
        watchdog handling unchanged), less one thing: upstream's
        ``__init__`` replaces ``gunicorn.glogging.Logger.access`` and
        ``.error`` on the class, in the arbiter (workers are constructed
        there, before the fork), with functions of another signature.  The
        first time a worker dies of a signal, the arbiter's
        ``self.log.error(msg, pid, sig)`` then raises, and so does its
        handler, and the whole server exits (meinheld 1.0.2, gunicorn 22+).
        Here meinheld gets adapters instead, and gunicorn's class is left
        alone."""

        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            Worker.__init__(self, *args, **kwargs)
            log = _MeinheldLog(self.log)
            if self.cfg.accesslog is self.cfg.logconfig is None:
                mh.set_access_logger(None)
            else:
                mh.set_access_logger(log)
            mh.set_error_logger(log)

    MeinheldWorker.__module__ = __name__
    MeinheldWorker.__qualname__ = "MeinheldWorker"
    return MeinheldWorker


def _serve_gunicorn(
    app: t.Callable[..., t.Any], host: str, port: int, workers: int, access_log: bool, keep_alive: int, graceful_timeout: int
) -> int:
    from gunicorn.app.base import BaseApplication

    worker_class = _meinheld_worker_class()
    options: dict[str, t.Any] = {
        "bind": _fmt(host, port),
        "workers": workers,
        "worker_class": worker_class,
        "keepalive": keep_alive,
        "graceful_timeout": graceful_timeout,
        "accesslog": "-" if access_log else None,
        "proc_name": "fastdispatch",
        "control_socket_disable": True,  # gunicorn 25+: no control socket in $HOME
    }

    class Application(BaseApplication):  # type: ignore[misc]
        # gunicorn's documented "custom application": the config is set
        # here, not read from the command line or a file.
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)

        def load(self) -> t.Callable[..., t.Any]:
            return app

    _announce("meinheld under gunicorn", host, port, workers, f", keep-alive {keep_alive}s" if keep_alive else ", no keep-alive")
    Application().run()  # the arbiter: exits through sys.exit (0 after SIGTERM)
    return 0


# -- granian ------------------------------------------------------------------


def _serve_granian(spec: str, host: str, port: int, workers: int, access_log: bool, graceful_timeout: int) -> int:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    server = Granian(
        spec,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        http1_settings=HTTP1Settings(keep_alive=True),
        log_access=access_log,
        respawn_failed_workers=True,
        workers_kill_timeout=graceful_timeout,
    )
    _announce("granian", host, port, workers, ", keep-alive")
    # granian's main process handles SIGTERM/SIGINT: stops the workers and
    # returns (or exits 1 if a worker had crashed and was not replaced).
    server.serve(target_loader=_granian_loader)
    return 0


# -- bjoern ----------------------------------------------------------------------


class _AccessLog:
    """Common Log Format lines on stderr, for servers without an access log."""

    def __init__(self, app: t.Callable[..., t.Any], stream: t.TextIO | None = None) -> None:
        self.app = app
        self.stream = stream or sys.stderr

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        status = ["-"]

        def _start_response(s: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
            status[0] = s.split(" ", 1)[0]
            return start_response(s, headers, exc_info) if exc_info is not None else start_response(s, headers)

        result = self.app(environ, _start_response)
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        when = time.strftime("%d/%b/%Y:%H:%M:%S %z")
        line = f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{environ.get("REQUEST_METHOD")} {path} {environ.get("SERVER_PROTOCOL")}" {status[0]} -\n'
        try:
            self.stream.write(line)
            self.stream.flush()
        except (OSError, ValueError):
            pass
        return result


def _serve_bjoern(app: t.Callable[..., t.Any], host: str, port: int, access_log: bool, graceful_timeout: int) -> int:
    import bjoern

    if access_log:
        app = _AccessLog(app)
    # bjoern stops on SIGINT only (a libev watcher: stop accepting, serve the
    # open connections to their end, then KeyboardInterrupt).  SIGTERM is
    # turned into that SIGINT by a thread (bjoern's loop runs no Python
    # signal handler).  Keep-alive connections can stay open indefinitely,
    # so after graceful_timeout the process exits anyway, as gunicorn's
    # arbiter would kill a worker that does not finish in time.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    def on_sigterm() -> None:
        signal.sigwait({signal.SIGTERM})
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(graceful_timeout)
        sys.stderr.flush()
        os._exit(0)

    threading.Thread(target=on_sigterm, name="fastdispatch-sigterm", daemon=True).start()
    try:
        bjoern.listen(app, host, port)
    except OSError as exc:
        raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror or exc}", EXIT_RUNTIME) from None
    _announce("bjoern", host, port, 1, ", keep-alive")
    try:
        bjoern.run()
    except KeyboardInterrupt:
        pass
    return 0


# -- wsgiref ---------------------------------------------------------------------


def _serve_wsgiref(app: t.Callable[..., t.Any], host: str, port: int, access_log: bool, graceful_timeout: int) -> int:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    busy = threading.Condition()
    in_flight = [0]  # requests read and not yet answered (idle connections don't count)

    class Handler(WSGIRequestHandler):
        def handle(self) -> None:
            self._counted = False
            try:
                super().handle()
            finally:
                if self._counted:
                    with busy:
                        in_flight[0] -= 1
                        busy.notify_all()

        def parse_request(self) -> bool:
            ok = super().parse_request()
            if ok:
                with busy:
                    in_flight[0] += 1
                self._counted = True
            return ok

        def log_request(self, code: t.Any = "-", size: t.Any = "-") -> None:
            if access_log:
                super().log_request(code, size)

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True  # a thread per connection; idle ones die with the process
        block_on_close = False
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    try:
        httpd = Server((host, port), Handler)
    except OSError as exc:
        raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror or exc}", EXIT_RUNTIME) from None
    httpd.set_app(app)

    def on_sigterm(signum: int, frame: t.Any) -> None:
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    _announce("wsgiref (development server)", host, port, 1, ", no keep-alive")
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        httpd.server_close()  # stop accepting; then let requests in progress finish
        with busy:
            busy.wait_for(lambda: in_flight[0] == 0, timeout=graceful_timeout)
    return 0
