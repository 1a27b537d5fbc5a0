"""Serving a WSGI app: granian (the default), meinheld, gunicorn's gthread
worker, bjoern, or wsgiref.

Several workers are run by an existing process manager, never by one of
ours: gunicorn's arbiter with meinheld's gunicorn worker for meinheld (and
with gunicorn's own ``gthread`` worker for gthread), and granian's own.  Those replace a crashed worker and, on SIGTERM, stop
accepting, let the workers finish what they have, and exit 0.

============  ==============================================================
``meinheld``  1 worker: ``meinheld.server`` in this process (``listen``,
              ``set_keepalive``, ``run``); its own C signal handler makes
              SIGTERM stop accepting and finish open requests (at most about
              1 s), then ``run`` returns.  Its body limit is the app's
              ``MAX_CONTENT_LENGTH`` plus 1 MiB (a 413 from the headers
              beyond; see ``_limit_meinheld``; else meinheld's own 16 MiB).
              It reads every body before calling
              the app, and sends ``100 Continue`` only then.  N workers: gunicorn's arbiter with
              ``meinheld.gmeinheld.MeinheldWorker`` (see the subclass below
              for the one thing changed).  Keep-alive: ``--keep-alive`` s.
``granian``   granian's process manager (``Granian(...).serve()``, WSGI
              interface, ``respawn_failed_workers=True``), for 1 worker too.
              Before granian 2.8.2 the app is wrapped to set
              ``wsgi.input_terminated`` (chunked bodies; see below).  It
              calls the app before the body arrives and sends ``100
              Continue`` on the app's first read of it.
``gthread``   gunicorn's arbiter with its ``gthread`` worker (threads per
              worker: ``threads``), for 1 worker too; the same code path
              as meinheld's N workers (``_serve_gunicorn``).  The worker
              class is ``gthread_worker.ThreadWorker``, which gives a
              thread only to a request whose head has arrived (slow
              clients held every thread), bounds reads in time, and makes
              a malformed chunked body a 400, not a 500 (issue 16).
              gunicorn 27 or later (``GTHREAD_GUNICORN``).  It calls the
              app before reading the body, so the app's 413 comes from the
              headers; the worker class sends ``100 Continue`` on the
              app's first read of the body.  Recycling: ``max_requests``
              (gunicorn's own count).
``bjoern``    For benchmarking: loopback addresses only, unless
              ``allow_public_bjoern`` (``--allow-public-bjoern``): its parser
              (nodejs/http-parser, unmaintained) smuggles requests (issue
              16).  1 worker only: bjoern has no process manager, and running it
              under gunicorn would take a worker class of our own.  SIGTERM
              is turned into bjoern's SIGINT stop, and the process ends once
              no request is in progress.  It does not support HTTP
              pipelining (of requests sent together it answers the last).
``wsgiref``   the standard library's server, for development: 1 process, a
              thread per connection, no keep-alive (HTTP/1.0 style), no
              chunked request bodies.  SIGTERM finishes open requests.
              ``Expect: 100-continue``: the 100 is sent when the app first
              reads the body (``_ContinueOnRead``).
============  ==============================================================

Access logs are off unless ``access_log``: then one line per request on
stdout, in the combined log format on every server (meinheld's and
gunicorn's own; ``_AccessLog`` for the others).  SIGHUP reloads gracefully
where the manager does: gunicorn's arbiter and granian's start new workers,
which import the app's own source afresh, and stop the old ones once the
new are up.  Worker recycling: ``max_requests`` (meinheld under gunicorn, gthread),
``workers_lifetime``/``workers_max_rss`` (granian).  Problems a user can fix (bad
``MODULE:APP``, unknown or missing server, a port in use) raise
``ServeError``: one line, and the exit code to use.
"""

from __future__ import annotations

import errno
import importlib
import ipaddress
import os
import signal
import socket
import sys
import threading
import time
import typing as t

__all__ = ["SERVERS", "DEFAULT_SERVER", "DEVELOPMENT_SERVER", "choose_server", "ServeError", "load_app", "check_port", "serve", "development_error", "debugged_app"]

SERVERS = ("meinheld", "granian", "gthread", "bjoern", "wsgiref")
#: The safe one (docs/serving.md, "Choosing a server"): it refuses every
#: over-limit body from its headers and its 413 reaches the client, it has
#: no FAIL in tests/serve/test_hostile.py, it is maintained and installs
#: from PyPI (``fastdispatch[granian]``).  meinheld is faster but reads a
#: body up to 1 MiB over the limit first (``_limit_meinheld``), is
#: unmaintained, and PyPI's build leaks on its own 413s.
DEFAULT_SERVER = "granian"
#: what ``--debug``/``--reload`` (or ``FLASK_DEBUG``) serve on when no server
#: is named: one process, which the debugger and the reloader need
DEVELOPMENT_SERVER = "wsgiref"

#: exit codes: 2 for what the command line got wrong (or a server that is
#: not installed), 1 for what failed at run time (the port is taken).
EXIT_USAGE = 2
EXIT_RUNTIME = 1

_INSTALL = {
    "meinheld": "pip install greenlet && pip install --no-deps meinheld  (PyPI's leaks 1 KiB a 413; patched: scripts/install_servers.sh PYTHON)",
    "gunicorn": "pip install gunicorn  (or: scripts/install_servers.sh PYTHON)",
    "gthread": "pip install 'gunicorn>=27'  (or: scripts/install_servers.sh PYTHON)",
    "granian": "pip install 'fastdispatch[granian]'  (or: scripts/install_servers.sh PYTHON)",
    "bjoern": "apt-get install libev-dev && pip install bjoern  (or: scripts/install_servers.sh PYTHON)",
}


class ServeError(Exception):
    """A problem to report as one line (``str(exc)``) and exit with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def choose_server(server: str | None, debug: bool, reload: bool) -> str:
    """The server named, or else ``DEFAULT_SERVER``, or ``DEVELOPMENT_SERVER``
    when serving to develop (``debug``, ``reload`` or ``get_debug_flag()``)."""
    if server is not None:
        return server
    from .helpers import get_debug_flag  # (this module imports none of the package at load)

    return DEVELOPMENT_SERVER if debug or reload or get_debug_flag() else DEFAULT_SERVER


def development_error(server: str, workers: int, debug: bool, reload: bool) -> ServeError | None:
    """Why ``--debug``/``--reload`` cannot be had here, if they cannot:
    both are for one process (the debugger keeps its tracebacks in the
    process that served the error; the reloader restarts one process), and
    granian runs its workers in processes of its own."""
    if not (debug or reload):
        return None
    what = " and ".join(name for name, on in (("--debug", debug), ("--reload", reload)) if on)
    if server in ("granian", "gthread"):
        whose = "its own" if server == "granian" else "gunicorn's arbiter, even for one"
        return ServeError(f"{what}: {server} serves from worker processes of {whose}; use --server wsgiref, meinheld or bjoern")
    if workers > 1:
        return ServeError(f"{what}: one process only, not --workers {workers}")
    return None


def debugged_app(app: t.Callable[..., t.Any], host: str) -> t.Callable[..., t.Any]:
    """``app`` (in debug mode, so raising what it does not handle) behind
    Werkzeug's interactive debugger, as ``flask run --debug`` serves it;
    ``app`` itself where Werkzeug is not installed."""
    try:
        from werkzeug.debug import DebuggedApplication
    except ImportError:
        print("fastdispatch: debug mode; Werkzeug is not installed, so no interactive debugger (pip install werkzeug)", file=sys.stderr, flush=True)
        return app
    debugged = DebuggedApplication(app, evalex=True)
    debugged.trusted_hosts.append(host)
    print(f"fastdispatch: debug mode: Werkzeug's debugger is active (development only), PIN: {debugged.pin}", file=sys.stderr, flush=True)
    return debugged


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
    except Exception as exc:  # one line, not a traceback
        missing = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            raise ServeError(f"cannot import {module_name!r}: no module named {missing!r} (run from the directory that holds it)") from None
        raise ServeError(f"importing {module_name!r} failed: {type(exc).__name__}: {exc}{_where(exc)}") from None
    obj: t.Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ServeError(f"module {module_name!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise ServeError(f"{spec!r} is a {type(obj).__name__}, not a WSGI application (not callable)")
    return t.cast(t.Callable[..., t.Any], obj)


def _where(exc: BaseException) -> str:
    """`` (file:line)`` of the innermost frame of the user's code."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f" ({exc.filename}:{exc.lineno})"
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith("<frozen "):
            where = f" ({filename}:{tb.tb_lineno})"
        tb = tb.tb_next
    return where


#: set for granian's workers (processes that inherit the environment, not
#: arguments): "1" when --access-log; the app's own modules, by name
_ACCESS_LOG_ENV = "_FASTDISPATCH_ACCESS_LOG"
_OWN_MODULES_ENV = "_FASTDISPATCH_OWN_MODULES"


def _granian_loader(spec: str) -> t.Callable[..., t.Any]:
    """What granian's workers call to get the app (picklable: a module-level
    function, for its 'spawn' start method).  A worker forked from the main
    process finds the app's modules imported there already: they are
    imported afresh, so that the workers granian starts on SIGHUP (or at
    the end of a lifetime) serve the source as it is now."""
    names = filter(None, os.environ.get(_OWN_MODULES_ENV, "").split(","))
    loaded = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    try:
        app = load_app(spec)
    except ServeError as exc:
        if not loaded:
            raise
        # a bad deploy must not take down the service: granian would
        # respawn a worker that fails here until it gave up altogether
        print(f"fastdispatch: worker {os.getpid()}: {exc}; serving the code loaded at start", file=sys.stderr, flush=True)
        sys.modules.update(loaded)
        app = load_app(spec)
    import granian

    if _version(granian.__version__) < (2, 8, 2):
        app = _input_terminated(app)
    if os.environ.get(_ACCESS_LOG_ENV) == "1":
        app = _AccessLog(app)
    return app


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:3] if p.isdigit())


def _input_terminated(app: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """The app, told that ``wsgi.input`` ends where the body ends.  granian's
    input always does (a chunked body arrives decoded), but before 2.8.2
    (which includes 2.5.7, the last for Python 3.9) granian did not set
    ``wsgi.input_terminated``, and a chunked body without Content-Length was
    then no body at all to fastdispatch (and to Werkzeug): granian issue 909."""

    def wsgi_app(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Any:
        environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return wsgi_app


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
        absent = isinstance(exc, ModuleNotFoundError) and exc.name is not None and (module == exc.name or module.startswith(exc.name + "."))
        why = "" if absent else f" ({exc})"
        raise ServeError(f"{name} is not installed{why}; install it with: {_INSTALL[name]}") from None


def _announce(server: str, host: str, port: int, workers: int, detail: str) -> None:
    w = "1 worker" if workers == 1 else f"{workers} workers"
    print(f"fastdispatch: serving on http://{_fmt(host, port)} with {server} ({w}{detail}); SIGTERM or Ctrl-C stops", file=sys.stderr, flush=True)


def _is_loopback(host: str) -> bool:
    """Every address ``host`` names is a loopback one (unresolvable: no)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


#: why bjoern faces no client but this machine's by default
_BJOERN_PUBLIC = (
    "bjoern smuggles requests (Content-Length beside Transfer-Encoding; chunk sizes that overflow) and is for "
    "benchmarking: it binds loopback addresses only, not {host}, unless --allow-public-bjoern"
)


# -- entry point ----------------------------------------------------------------


def serve(
    spec: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    server: str | None = None,
    access_log: bool = False,
    keep_alive: int = 5,
    graceful_timeout: int = 30,
    app: t.Callable[..., t.Any] | None = None,
    debug: bool = False,
    reload: bool = False,
    allow_public_bjoern: bool = False,
    max_requests: int = 0,
    max_requests_jitter: int = 0,
    workers_lifetime: int | None = None,
    workers_max_rss: int | None = None,
    threads: int | None = None,
) -> int:
    """Serve ``spec`` (``MODULE:APP``) until SIGTERM/SIGINT; return the exit
    code.  ``app``, when given, is ``load_app(spec)`` already done.
    ``server`` None: ``choose_server``'s choice.

    Development only, never by default: ``debug`` (or ``get_debug_flag()``):
    the app in debug mode behind Werkzeug's debugger (on wsgiref, the
    development server, also for an app whose own ``debug`` is on); ``reload``: this process exits with
    ``reloader.RESTART`` when a source file changes, for its parent
    (``reloader.run_with_reloader``) to start it again.  bjoern binds a
    loopback ``host`` only, unless ``allow_public_bjoern``.

    Worker recycling: ``max_requests`` (plus up to ``max_requests_jitter``
    more, at random per worker, so workers do not all restart at once):
    meinheld, run under gunicorn's arbiter even for one worker, since a
    worker that stops needs a manager to start the next.  granian counts
    no requests: ``workers_lifetime`` (seconds, 60 or more) and
    ``workers_max_rss`` (MiB) are its equivalents.  ``threads``: per
    worker, gthread's only (None: ``GTHREAD_THREADS``)."""
    server = choose_server(server, debug, reload)
    if server not in SERVERS:
        raise ServeError(f"unknown server {server!r} (choose from {', '.join(SERVERS)})")
    if workers < 1:
        raise ServeError(f"--workers must be 1 or more, not {workers}")
    if server in ("bjoern", "wsgiref") and workers > 1:
        why = "bjoern has no process manager" if server == "bjoern" else "wsgiref is a single-process development server"
        raise ServeError(f"{why}: --workers {workers} is not supported (use --server meinheld or --server granian for several workers)")
    if threads is not None and server != "gthread":
        raise ServeError(f"--threads is gthread's (--server gthread), not {server}'s")
    if threads is not None and threads < 1:
        raise ServeError(f"--threads must be 1 or more, not {threads}")
    if server == "bjoern" and not allow_public_bjoern and not _is_loopback(host):
        raise ServeError(_BJOERN_PUBLIC.format(host=host))
    problem = recycling_error(server, max_requests, max_requests_jitter, workers_lifetime, workers_max_rss, debug or reload)
    if problem is not None:
        raise problem
    from .helpers import get_debug_flag  # (this module imports none of the package at load)

    debug = debug or get_debug_flag()
    problem = development_error(server, workers, debug, reload)
    if problem is not None:
        raise problem
    if app is None:
        before = set(sys.modules)
        app = load_app(spec)
        own = _own_modules(set(sys.modules) - before)
    else:
        own = set()
    body_limit = _max_content_length(app)
    if debug and hasattr(app, "config"):
        app.debug = True  # type: ignore[attr-defined]
    # an app's own DEBUG shows the debugger on the development server only:
    # a production server needs --debug (or the variable) to show one
    if debug or (server == "wsgiref" and getattr(app, "debug", False) is True):
        app = debugged_app(app, host)
    if server == "meinheld":
        _require("meinheld.server", "meinheld")
        if workers > 1 or max_requests:
            _require("gunicorn")
    elif server == "gthread":
        _require("gunicorn.workers.gthread", "gthread")
        _require_gthread_version()
    else:
        _require({"granian": "granian", "bjoern": "bjoern", "wsgiref": "wsgiref.simple_server"}[server], server)
    check_port(host, port)
    if reload:
        from .reloader import watch

        watch()
    if server == "meinheld":
        if workers == 1 and not max_requests:
            return _serve_meinheld(app, host, port, access_log, keep_alive, body_limit)
        return _serve_gunicorn(app, host, port, workers, access_log, keep_alive, graceful_timeout, body_limit,
                               spec=spec, own_modules=own, max_requests=max_requests, max_requests_jitter=max_requests_jitter)
    if server == "gthread":
        return _serve_gunicorn(app, host, port, workers, access_log, keep_alive, graceful_timeout, body_limit,
                               spec=spec, own_modules=own, max_requests=max_requests, max_requests_jitter=max_requests_jitter,
                               threads=threads or GTHREAD_THREADS)
    if server == "granian":
        os.environ[_OWN_MODULES_ENV] = ",".join(sorted(own))
        return _serve_granian(spec, host, port, workers, access_log, graceful_timeout, workers_lifetime, workers_max_rss)
    if server == "bjoern":
        return _serve_bjoern(app, host, port, access_log, graceful_timeout)
    return _serve_wsgiref(app, host, port, access_log, graceful_timeout)


def recycling_error(
    server: str, max_requests: int, jitter: int, lifetime: int | None, max_rss: int | None, development: bool
) -> ServeError | None:
    """Why these worker-recycling options cannot be had on ``server``, if
    they cannot."""
    if max_requests < 0 or jitter < 0:
        return ServeError("--max-requests and --max-requests-jitter must be 0 or more")
    if jitter and not max_requests:
        return ServeError("--max-requests-jitter needs --max-requests")
    if max_requests:
        if server == "granian":
            return ServeError("--max-requests: granian counts no requests; use --workers-lifetime SECONDS or --workers-max-rss MIB")
        if server not in ("meinheld", "gthread"):
            return ServeError(f"--max-requests: {server} has no process manager to start the next worker (use --server meinheld)")
    if lifetime is not None or max_rss is not None:
        what = "--workers-lifetime" if lifetime is not None else "--workers-max-rss"
        if server != "granian":
            hint = f" ({server}: --max-requests N)" if server in ("meinheld", "gthread") else ""
            return ServeError(f"{what} is granian's (--server granian){hint}")
        if lifetime is not None and lifetime < 60:
            return ServeError(f"--workers-lifetime must be 60 seconds or more (granian's minimum), not {lifetime}")
        if max_rss is not None and max_rss < 1:
            return ServeError(f"--workers-max-rss must be 1 MiB or more, not {max_rss}")
    if development and (max_requests or lifetime is not None or max_rss is not None):
        return ServeError("--debug and --reload are for one process that stays: not with worker recycling")
    return None


def _own_modules(names: set[str]) -> set[str]:
    """Of the modules importing the app loaded, those of the app's own
    source: not fastdispatch's, not installed packages' or the
    interpreter's (under ``sys.prefix``), not compiled ones, which cannot
    be imported twice.  A gunicorn worker imports these afresh."""
    prefixes = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    own = set()
    for name in names:
        if name == "fastdispatch" or name.startswith("fastdispatch."):
            continue
        path = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and not os.path.realpath(path).startswith(prefixes):
            own.add(name)
    return own


# -- meinheld -----------------------------------------------------------------


def _max_content_length(app: t.Any) -> int | None:
    """The app's ``MAX_CONTENT_LENGTH`` (None: none, or not a fastdispatch/Flask app)."""
    config = getattr(app, "config", None)
    limit = config.get("MAX_CONTENT_LENGTH") if isinstance(config, dict) else None
    return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0 else None


#: how far over the app's limit meinheld still reads a body (and the app answers 413)
MEINHELD_READ_MARGIN = 1 << 20


def _limit_meinheld(body_limit: int | None) -> None:
    """meinheld reads (and spools) a whole body before it calls the app, up
    to its own limit; a larger one it refuses as soon as the headers
    announce it.  That refusal is an HTTP/1.0 413 on a connection closed
    with the client's body unread, so the kernel resets it, and a client
    that sent the body without ``Expect: 100-continue`` (requests, httpx,
    Go, fetch) gets a reset instead of the 413.  So its limit is the app's
    plus ``MEINHELD_READ_MARGIN``: a body a little too large is read and
    the app's 413 arrives on a connection that stays usable; a far larger
    one is refused from its headers, at the cost of that reset, and at most
    the margin is ever read in vain."""
    if body_limit is not None:
        from meinheld import server as mh

        mh.set_max_content_length(body_limit + MEINHELD_READ_MARGIN)


def _serve_meinheld(app: t.Callable[..., t.Any], host: str, port: int, access_log: bool, keep_alive: int, body_limit: int | None = None) -> int:
    from meinheld import server as mh

    _limit_meinheld(body_limit)

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
        mh.set_access_logger(_MeinheldAccessLog(_stdout_line) if access_log else None)
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


_COMBINED = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def _stdout_line(line: str) -> None:
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        pass


class _MeinheldAccessLog:
    """What meinheld's C server calls to log (``access(environ)`` after each
    response, ``error(type, value, tb)``): lines in gunicorn's format (the
    combined log format by default), query string included, and none for a
    keep-alive connection that closes without a request (meinheld reports
    those as requests with no method)."""

    def __init__(self, write: t.Callable[[str], None], fmt: str = _COMBINED, error: t.Callable[..., None] | None = None) -> None:
        self.write = write
        self.fmt = fmt
        self._error = error

    def access(self, environ: dict[str, t.Any]) -> None:
        method = environ.get("REQUEST_METHOD")
        if not method:
            return
        from meinheld.mlogging import SafeAtoms

        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        atoms = {
            "h": environ.get("REMOTE_ADDR", "-"),
            "l": "-",
            "u": "-",
            "t": f"[{environ.get('LOCAL_TIME', '-')}]",
            "r": f"{method} {path} {environ.get('SERVER_PROTOCOL', 'HTTP/1.0')}",
            "s": str(environ.get("STATUS_CODE", "-")),
            "b": str(environ.get("SEND_BYTES", "-")),
            "f": environ.get("HTTP_REFERER", "-"),
            "a": environ.get("HTTP_USER_AGENT", "-"),
            "T": str(environ.get("REQUEST_TIME", 0) // 1000),  # meinheld gives milliseconds
            "D": str(environ.get("REQUEST_TIME", 0) * 1000),
            "p": f"<{os.getpid()}>",
        }
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                atoms[f"{{{key[5:].lower().replace('_', '-')}}}i"] = value
        try:
            self.write(self.fmt % SafeAtoms(atoms))
        except Exception:
            self.error(*sys.exc_info())

    def error(self, exc_type: t.Any, value: t.Any, tb: t.Any) -> None:
        if self._error is not None:
            self._error("Error handling request", exc_info=(exc_type, value, tb))
        else:
            import traceback

            traceback.print_exception(exc_type, value, tb)


def _meinheld_worker_class() -> type:
    from gunicorn.workers.base import Worker
    from meinheld import server as mh
    from meinheld.gmeinheld import MeinheldWorker as _Upstream

    class MeinheldWorker(_Upstream):  # type: ignore[misc,valid-type]
        """``meinheld.gmeinheld.MeinheldWorker`` (its run loop, signal and
        watchdog handling unchanged), less one thing: upstream's
        ``__init__`` replaces ``gunicorn.glogging.Logger.access`` and
        ``.error`` on the class, in the arbiter (workers are constructed
        there, before the fork), with functions of another signature.  The
        first time a worker is killed (SIGKILL), the arbiter's
        ``self.log.error(msg, pid, signame)`` raises, then so does its
        "Unhandled exception in main loop" report, and the whole server
        exits (meinheld 1.0.2 with gunicorn 27.0.1, seen here).  Here
        meinheld gets an adapter over the worker's logger instead, and
        gunicorn's class is left alone."""

        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            Worker.__init__(self, *args, **kwargs)
            log = _MeinheldAccessLog(self.log.access_log.info, self.cfg.access_log_format, self.log.error)
            if self.cfg.accesslog is self.cfg.logconfig is None:
                mh.set_access_logger(None)
            else:
                mh.set_access_logger(log)
            mh.set_error_logger(log)

        def load_wsgi(self) -> None:
            super().load_wsgi()
            if self.max_requests < sys.maxsize:
                self.wsgi = self._counted(self.wsgi)

        def _counted(self, app: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            """gunicorn's ``max_requests`` is counted by its own workers'
            loops, and meinheld's C loop counts nothing: here, after the
            request that reaches the limit, the worker stops accepting and
            finishes what it has (meinheld's stop, as on SIGQUIT), and the
            arbiter starts the next one."""

            def wsgi_app(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Any:
                try:
                    return app(environ, start_response)
                finally:
                    self.nr += 1
                    if self.nr >= self.max_requests and self.alive:
                        self.alive = False
                        self.log.info("Autorestarting worker after current request.")
                        mh.stop(int(self.cfg.graceful_timeout))

            return wsgi_app

    MeinheldWorker.__module__ = __name__
    MeinheldWorker.__qualname__ = "MeinheldWorker"
    return MeinheldWorker


def _serve_gunicorn(
    app: t.Callable[..., t.Any], host: str, port: int, workers: int, access_log: bool, keep_alive: int, graceful_timeout: int,
    body_limit: int | None = None, spec: str | None = None, own_modules: t.Collection[str] = (),
    max_requests: int = 0, max_requests_jitter: int = 0, threads: int = 0,
) -> int:
    """gunicorn's arbiter over meinheld's workers, or (``threads``, 1 or
    more) over gunicorn's own ``gthread`` workers with that many threads
    each: one configuration, so both reload, recycle and log alike."""
    from gunicorn.app.base import BaseApplication

    meinheld = not threads
    if meinheld:
        _limit_meinheld(body_limit)  # (set in the arbiter: the forked workers inherit it)

    if meinheld:
        worker_class = _meinheld_worker_class()
    else:
        from .gthread_worker import ThreadWorker as worker_class  # gunicorn's, reads bounded
    options: dict[str, t.Any] = {
        "threads": threads or None,
        "bind": _fmt(host, port),
        "workers": workers,
        "worker_class": worker_class,
        "keepalive": keep_alive,
        "graceful_timeout": graceful_timeout,
        "accesslog": "-" if access_log else None,
        "proc_name": "fastdispatch",
        "max_requests": max_requests,
        "max_requests_jitter": max_requests_jitter,
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
            # in each worker, after the fork: the app's own modules imported
            # again, so that a worker started after SIGHUP (or after
            # --max-requests) serves the source as it is now, as gunicorn
            # does without --preload.  If that import fails the worker
            # serves the app the arbiter loaded, and says so: a bad deploy
            # must not take down the workers that still run.
            if spec is None or not own_modules:
                return app
            for name in own_modules:
                sys.modules.pop(name, None)
            try:
                fresh = load_app(spec)
            except ServeError as exc:
                print(f"fastdispatch: worker {os.getpid()}: {exc}; serving the code loaded at start", file=sys.stderr, flush=True)
                return app
            if meinheld:
                _limit_meinheld(_max_content_length(fresh))
            return fresh

    detail = f", keep-alive {keep_alive}s" if keep_alive else ", no keep-alive"
    if max_requests:
        detail += f", recycled after {max_requests}" + (f"-{max_requests + max_requests_jitter}" if max_requests_jitter else "") + " requests"
    if not meinheld:
        detail = f", {threads} thread{'s' if threads > 1 else ''} each" + detail
    _announce("meinheld under gunicorn" if meinheld else "gunicorn gthread", host, port, workers, detail + "; SIGHUP reloads")
    Application().run()  # the arbiter: exits through sys.exit (0 after SIGTERM)
    return 0


#: the first gunicorn whose gthread worker passes tests/serve: 24-26 answer
#: only the first of pipelined requests; 23 (the last for Python 3.9) also
#: resets connections a recycled or reloaded worker had accepted
GTHREAD_GUNICORN = (27,)


def _require_gthread_version() -> None:
    import gunicorn

    if _version(gunicorn.__version__) < GTHREAD_GUNICORN:
        least = ".".join(map(str, GTHREAD_GUNICORN))
        raise ServeError(f"gthread needs gunicorn {least} or later, not {gunicorn.__version__} (before {least} its gthread "
                         f"worker drops pipelined requests); install it with: pip install 'gunicorn>={least}' (Python 3.10+)")


#: gthread's threads per worker when --threads is not given: gunicorn's own
#: default is 1, a sync worker with keep-alive, where one slow request holds
#: up every other on the worker.
GTHREAD_THREADS = 4


# -- granian ------------------------------------------------------------------


def _serve_granian(
    spec: str, host: str, port: int, workers: int, access_log: bool, graceful_timeout: int,
    workers_lifetime: int | None = None, workers_max_rss: int | None = None,
) -> int:
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
        log_access=False,  # ours, in the combined format: _AccessLog
        respawn_failed_workers=True,
        workers_kill_timeout=graceful_timeout,
        workers_lifetime=workers_lifetime,
        workers_max_rss=workers_max_rss,
    )
    os.environ[_ACCESS_LOG_ENV] = "1" if access_log else "0"
    recycle = "".join(
        f", {what}" for what, on in ((f"workers live {workers_lifetime}s", workers_lifetime), (f"at most {workers_max_rss} MiB", workers_max_rss)) if on
    )
    _announce("granian", host, port, workers, ", keep-alive" + recycle)
    # granian's main process handles SIGTERM/SIGINT: stops the workers and
    # returns (or exits 1 if a worker had crashed and was not replaced).
    server.serve(target_loader=_granian_loader)
    return 0


# -- bjoern ----------------------------------------------------------------------


class _AccessLog:
    """Access log lines on stdout in the combined log format (the Common
    Log Format's seven fields, then referer and user agent), as meinheld
    and gunicorn print them: for the servers whose own log differs
    (granian's has no size, another date and no query string; wsgiref's
    another date) or that have none (bjoern).  The size is the body's
    bytes, "-" for a file sent by the server's file wrapper."""

    def __init__(self, app: t.Callable[..., t.Any], write: t.Callable[[str], None] | None = None) -> None:
        self.app = app
        self.write = write or _stdout_line

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        when = time.strftime("%d/%b/%Y:%H:%M:%S %z")
        status = ["-"]

        def _start_response(s: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
            status[0] = s.split(" ", 1)[0]
            return start_response(s, headers, exc_info) if exc_info is not None else start_response(s, headers)

        def log(size: str) -> None:
            self.write(_combined_line(environ, when, status[0], size))

        result = self.app(environ, _start_response)
        if type(result) is list or type(result) is tuple:  # (a server's fast path for these stays)
            log(str(sum(len(chunk) for chunk in result)))
            return result
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(result, wrapper):
            log("-")
            return result
        return _CountedBody(result, log)


def _combined_line(environ: dict[str, t.Any], when: str, status: str, size: str) -> str:
    path = environ.get("PATH_INFO", "")
    if environ.get("QUERY_STRING"):
        path += "?" + environ["QUERY_STRING"]
    request = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
    return (f'{environ.get("REMOTE_ADDR") or "-"} - - [{when}] "{request}" {status} {size} '
            f'"{environ.get("HTTP_REFERER", "-")}" "{environ.get("HTTP_USER_AGENT", "-")}"')


class _CountedBody:
    """A response body passed through, its bytes counted, logged at close."""

    __slots__ = ("result", "log", "size")

    def __init__(self, result: t.Iterable[bytes], log: t.Callable[[str], None]) -> None:
        self.result = result
        self.log = log
        self.size = 0

    def __iter__(self) -> t.Iterator[bytes]:
        for chunk in self.result:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            self.log(str(self.size))


class _InFlight:
    """Counts requests in progress for a single-threaded server (bjoern):
    from the app call to its return, or to ``close()`` for a streamed body.
    ``last`` is when a request last started or ended."""

    def __init__(self, app: t.Callable[..., t.Any]) -> None:
        self.app = app
        self.count = 0
        self.last = time.monotonic()

    def _done(self) -> None:
        self.count -= 1
        self.last = time.monotonic()

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        self.count += 1
        self.last = time.monotonic()
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        if type(result) is list or type(result) is tuple:  # bjoern's fast path stays
            self._done()
            return result
        return _ClosingIterable(result, self._done)


class _ClosingIterable:
    __slots__ = ("result", "on_close")

    def __init__(self, result: t.Iterable[bytes], on_close: t.Callable[[], None]) -> None:
        self.result = result
        self.on_close = on_close

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.result)

    def close(self) -> None:
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        finally:
            self.on_close()


#: after SIGTERM, bjoern's process exits once no request has been in
#: progress for this long (time for the loop to write the last responses)
_BJOERN_SETTLE = 0.5


def _serve_bjoern(app: t.Callable[..., t.Any], host: str, port: int, access_log: bool, graceful_timeout: int) -> int:
    import bjoern

    if access_log:
        app = _AccessLog(app)
    tracker = _InFlight(app)
    # bjoern stops only on SIGINT (a libev watcher: stop accepting, serve
    # the open connections to their end, then KeyboardInterrupt), and idle
    # keep-alive connections, which it never times out, would hold that end
    # up indefinitely.  So SIGTERM goes to a thread (bjoern's loop runs no
    # Python signal handler): it sends that SIGINT, then ends the process
    # once no request is in progress (or after graceful_timeout, as
    # gunicorn's arbiter kills a worker that does not finish in time).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    def on_sigterm() -> None:
        signal.sigwait({signal.SIGTERM})
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + graceful_timeout
        while time.monotonic() < deadline:
            if tracker.count == 0 and time.monotonic() - tracker.last >= _BJOERN_SETTLE:
                break
            time.sleep(0.05)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(0)

    threading.Thread(target=on_sigterm, name="fastdispatch-sigterm", daemon=True).start()
    try:
        bjoern.listen(tracker, host, port)
    except OSError as exc:
        raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror or exc}", EXIT_RUNTIME) from None
    _announce("bjoern", host, port, 1, ", keep-alive")
    try:
        bjoern.run()
    except KeyboardInterrupt:
        pass
    return 0


# -- wsgiref ---------------------------------------------------------------------


class _ContinueOnRead:
    """A request body stream that sends ``100 Continue`` the first time the
    app reads it, as RFC 9110 10.1.1 has it: an app that answers without
    reading (a 413 from the headers, a 405) sends no 100, and the client
    never sends the body (wsgiref then closes the connection, as after
    every request)."""

    def __init__(self, rfile: t.BinaryIO, wfile: t.BinaryIO) -> None:
        self._rfile = rfile
        self._wfile: t.BinaryIO | None = wfile

    def _continue(self) -> None:
        if self._wfile is not None:
            wfile, self._wfile = self._wfile, None
            try:
                wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                wfile.flush()
            except OSError:
                pass

    def read(self, *args: t.Any) -> bytes:
        self._continue()
        return self._rfile.read(*args)

    def readline(self, *args: t.Any) -> bytes:
        self._continue()
        return self._rfile.readline(*args)

    def readlines(self, *args: t.Any) -> list[bytes]:
        self._continue()
        return self._rfile.readlines(*args)

    def __iter__(self) -> t.Iterator[bytes]:
        self._continue()
        return iter(self._rfile)

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self._rfile, name)


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
                # http.server answers Expect only for a handler speaking
                # HTTP/1.1, which wsgiref's does not (it has no keep-alive):
                # without this a client waits for a 100 that never comes
                if self.request_version == "HTTP/1.1" and self.headers.get("Expect", "").lower() == "100-continue":
                    self.rfile = _ContinueOnRead(self.rfile, self.wfile)  # type: ignore[assignment]
            return ok

        def log_request(self, code: t.Any = "-", size: t.Any = "-") -> None:
            pass  # (--access-log: _AccessLog's lines, as every server's)

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True  # a thread per connection; idle ones die with the process
        block_on_close = False
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    try:
        httpd = Server((host, port), Handler)
    except OSError as exc:
        raise ServeError(f"cannot listen on {_fmt(host, port)}: {exc.strerror or exc}", EXIT_RUNTIME) from None
    httpd.set_app(_AccessLog(app) if access_log else app)

    def on_sigterm(signum: int, frame: t.Any) -> None:
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    _announce("wsgiref (development server)", host, port, 1, ", no keep-alive")
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()  # stop accepting; then let requests in progress finish
        with busy:
            busy.wait_for(lambda: in_flight[0] == 0, timeout=graceful_timeout)
        signal.signal(signal.SIGTERM, previous)
    return 0
