"""The ``fastdispatch`` command (also ``python -m fastdispatch``).

    fastdispatch serve MODULE:APP [--host H] [--port P] [--workers N]
                                  [--server granian|meinheld|gthread|bjoern|wsgiref] [--threads N]
                                  [--access-log] [--keep-alive S] [--graceful-timeout S]
                                  [--max-requests N [--max-requests-jitter N]]
                                  [--workers-lifetime S] [--workers-max-rss MIB]
                                  [--debug] [--reload] [--allow-public-bjoern]
    fastdispatch routes MODULE:APP [--sort endpoint|methods|rule|match] [--all-methods]
    fastdispatch --version
    fastdispatch --app MODULE:APP COMMAND [ARGS]...

The last runs the app's own commands (``app.cli``) and ``shell``,
``routes``, ``run``, ``serve`` on Flask's command-line machinery (click:
``FlaskGroup``); the app may also come from ``FASTDISPATCH_APP`` or
``FLASK_APP``.  Errors a user can fix are one line on stderr (``fastdispatch: error: ...``)
and a non-zero exit: 2 for a bad command line, a bad MODULE:APP, an unknown
server or one that is not installed; 1 for a port that cannot be listened on.
"""

from __future__ import annotations

import argparse
import os
import sys
import typing as t

import click

from . import __version__
from .cli_commands import FlaskGroup, format_routes, routes_command, run_command, shell_command
from .cli_discovery import NoAppException, ScriptInfo
from .cli_groups import AppGroup, FlaskCliRunner, pass_script_info, with_appcontext
from .servers import DEFAULT_SERVER, DEVELOPMENT_SERVER, GTHREAD_THREADS, SERVERS, ServeError, load_app

__all__ = [
    "main",
    "version_string",
    "format_routes",
    "AppGroup",
    "FlaskGroup",
    "FastDispatchGroup",
    "FlaskCliRunner",
    "ScriptInfo",
    "NoAppException",
    "with_appcontext",
    "pass_script_info",
    "shell_command",
    "routes_command",
    "run_command",
    "serve_command",
    "cli",
]

PROG = "fastdispatch"


def version_string() -> str:
    """``fastdispatch 0.1.0 (router: CompiledRouter, compiled)``, or
    ``(router: PythonRouter, pure Python)``: the router in use, as
    ``fastdispatch.routing`` chose it (``FASTDISPATCH_PURE=1``, or no
    extension built, gives the pure-Python one)."""
    from .routing import CompiledRouter, Router

    kind = "compiled" if CompiledRouter is not None and Router is CompiledRouter else "pure Python"
    return f"{PROG} {__version__} (router: {Router.__name__}, {kind})"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> t.NoReturn:  # usage line, then one error line
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, not {port}")
    return port


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Serve a fastdispatch (or any WSGI) app, or list its routes.",
        epilog=f"{PROG} --app MODULE:APP COMMAND [ARGS]... runs the app's own commands (app.cli), and shell, "
               f"routes, run, serve; {PROG} --app MODULE:APP --help lists them.",
    )
    parser.add_argument("-V", "--version", action="version", version=version_string(),
                        help="print the version and the router implementation in use, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    serve = sub.add_parser("serve", help="serve MODULE:APP over HTTP",
                           description="Serve MODULE:APP (e.g. examples.api:app) until SIGTERM or Ctrl-C.")
    serve.add_argument("app", metavar="MODULE:APP", help="the WSGI app: module path, a colon, attribute name")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", "-p", type=_port, default=8000, help="port (default: %(default)s)")
    serve.add_argument("--workers", "-w", type=_count, default=1, metavar="N",
                       help="worker processes (default: 1); granian runs them under its own manager, meinheld "
                            "under gunicorn's arbiter (gthread always); bjoern and wsgiref take 1 only")
    serve.add_argument("--server", "-s", default=None, metavar="NAME",
                       help=f"one of {', '.join(SERVERS)} (default: {DEFAULT_SERVER}, or {DEVELOPMENT_SERVER} with "
                            f"--debug or --reload; gthread is gunicorn's threaded worker; wsgiref is for development, "
                            "bjoern for benchmarking)")
    serve.add_argument("--threads", type=_count, default=None, metavar="N",
                       help=f"threads per worker, gthread only (default: {GTHREAD_THREADS})")
    serve.add_argument("--access-log", action="store_true",
                       help="log each request on stdout, in the combined log format (the Common Log Format, then "
                            "referer and user agent), the same on every server (off by default)")
    serve.add_argument("--keep-alive", type=_count, default=5, metavar="SECONDS",
                       help="how long an idle keep-alive connection is kept, meinheld (also under gunicorn) and gthread "
                            "only; 0: no keep-alive (default: %(default)s)")
    serve.add_argument("--graceful-timeout", type=_count, default=30, metavar="SECONDS",
                       help="on SIGTERM, how long requests in progress may take to finish "
                            "(gunicorn, granian, bjoern, wsgiref; meinheld itself allows about 1 s; default: %(default)s)")
    serve.epilog = ("SIGTERM: stop accepting, finish the requests in progress, exit 0. SIGHUP (meinheld under gunicorn, "
                    "gthread, granian): graceful reload: new workers, which import the app's source as it is now, replace the "
                    "old ones once started; no request is lost.")
    serve.add_argument("--max-requests", type=_count, default=0, metavar="N",
                       help="worker recycling, meinheld and gthread: a worker that has served N requests finishes "
                            "them and is replaced (under gunicorn's arbiter, for 1 worker too); 0: never (default)")
    serve.add_argument("--max-requests-jitter", type=_count, default=0, metavar="N",
                       help="add 0 to N (at random, per worker) to --max-requests, so workers do not restart together")
    serve.add_argument("--workers-lifetime", type=_count, default=None, metavar="SECONDS",
                       help="worker recycling, granian: replace each worker after SECONDS (60 or more)")
    serve.add_argument("--workers-max-rss", type=_count, default=None, metavar="MIB",
                       help="worker recycling, granian: replace a worker whose memory (RSS) exceeds MIB")
    serve.add_argument("--debug", action="store_true",
                       help="development: the app in debug mode, an unhandled exception shown by Werkzeug's "
                            "interactive debugger (also FASTDISPATCH_DEBUG=1 or FLASK_DEBUG=1); one process only")
    serve.add_argument("--reload", action="store_true",
                       help="development: restart the server when a Python source file of the app changes "
                            "(stat polling, once a second); one process only")

    serve.add_argument("--allow-public-bjoern", action="store_true",
                       help="let --server bjoern bind an address other than loopback; bjoern smuggles requests "
                            "(it is for benchmarking): never in front of clients")

    routes = sub.add_parser("routes", help="print the route table of MODULE:APP",
                            description="Print the route table, as `flask routes` does.")
    routes.add_argument("app", metavar="MODULE:APP")
    routes.add_argument("--sort", "-s", choices=("endpoint", "methods", "rule", "match"), default="endpoint",
                        help="sort by this column; 'match': registration order (default: %(default)s)")
    routes.add_argument("--all-methods", action="store_true", help="show HEAD and OPTIONS too")
    return parser


def main(argv: t.Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _for_the_app(args):
        return _run_group(args)
    return _run_parser(args)


def _env_app() -> str | None:
    return os.environ.get("FASTDISPATCH_APP") or os.environ.get("FLASK_APP") or None


def _for_the_app(args: list[str]) -> bool:
    """Whether ``args`` are for the click group (``--app``, the app's own
    commands, shell) rather than for ``serve``/``routes MODULE:APP`` as
    they always were.  ``serve`` without MODULE:APP takes the environment's
    (in ``args``, in place); ``routes`` without it loads that app as
    ``flask routes`` does."""
    if not args or args[0] in ("-h", "--help", "-V", "--version"):
        return False
    if args[0] not in ("serve", "routes"):
        return True
    env_app = _env_app()
    if env_app is None or (len(args) > 1 and not args[1].startswith("-")):
        return False
    if args[0] == "serve":
        args.insert(1, env_app)
        return False
    return True


def _run_group(args: list[str]) -> int:
    try:
        cli.main(args, prog_name=PROG)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else 0 if code is None else 1
    return 0


def _run_parser(args: list[str]) -> int:
    parser = build_parser()
    parsed = parser.parse_args(args)
    if parsed.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if parsed.command == "routes":
            app = load_app(parsed.app)
            if not hasattr(app, "url_map"):
                raise ServeError(f"{parsed.app!r} has no url_map: not a fastdispatch App")
            try:
                print(format_routes(app, parsed.sort, parsed.all_methods))
                sys.stdout.flush()
            except BrokenPipeError:  # `fastdispatch routes app | head`: not an error
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        from .reloader import is_reloader_child, run_with_reloader
        from .helpers import get_debug_flag
        from .servers import choose_server, development_error, serve

        if parsed.reload and not is_reloader_child():
            server = choose_server(parsed.server, parsed.debug, True)
            problem = development_error(server, parsed.workers, parsed.debug or get_debug_flag(), True)
            if problem is not None:
                raise problem
            return run_with_reloader(args)
        return serve(
            parsed.app,
            host=parsed.host,
            port=parsed.port,
            workers=parsed.workers,
            server=parsed.server,
            access_log=parsed.access_log,
            keep_alive=parsed.keep_alive,
            graceful_timeout=parsed.graceful_timeout,
            debug=parsed.debug,
            reload=parsed.reload,
            allow_public_bjoern=parsed.allow_public_bjoern,
            max_requests=parsed.max_requests,
            max_requests_jitter=parsed.max_requests_jitter,
            workers_lifetime=parsed.workers_lifetime,
            workers_max_rss=parsed.workers_max_rss,
            threads=parsed.threads,
        )
    except ServeError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0


# ``serve`` under --app: the same command line as ``serve MODULE:APP``, the
# app's import path taken from --app (every worker process imports it).
@click.command("serve", short_help="Serve the app over HTTP (fastdispatch serve --help).", add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@pass_script_info
def serve_command(info: ScriptInfo, args: tuple[str, ...]) -> None:
    if not info.app_import_path:
        raise click.UsageError("serve needs the app as --app MODULE:APP (or FASTDISPATCH_APP)")
    sys.exit(_run_parser(["serve", info.app_import_path, *args]))


class FastDispatchGroup(FlaskGroup):
    """``FlaskGroup`` with ``serve`` and ``--version``: the ``fastdispatch`` command's."""

    def __init__(self, **extra: t.Any) -> None:
        version = click.Option(["-V", "--version"], is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
                               help="Print the version and the router implementation in use, and exit.")
        super().__init__(params=[*extra.pop("params", ()), version], **extra)
        self.add_command(serve_command)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_string())
        ctx.exit()


cli = FastDispatchGroup(
    name=PROG,
    help="Run a fastdispatch app's commands.\n\nThe app is given with '--app', the FASTDISPATCH_APP or FLASK_APP "
         "environment variable, or a 'wsgi.py' or 'app.py' file in the current directory.",
)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
