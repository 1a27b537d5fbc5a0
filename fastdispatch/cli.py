"""The ``fastdispatch`` command (also ``python -m fastdispatch``).

    fastdispatch serve MODULE:APP [--host H] [--port P] [--workers N]
                                  [--server meinheld|granian|bjoern|wsgiref]
                                  [--access-log] [--keep-alive S] [--graceful-timeout S]
    fastdispatch routes MODULE:APP [--sort endpoint|methods|rule|match] [--all-methods]
    fastdispatch --version

Errors a user can fix are one line on stderr (``fastdispatch: error: ...``)
and a non-zero exit: 2 for a bad command line, a bad MODULE:APP, an unknown
server or one that is not installed; 1 for a port that cannot be listened on.
"""

from __future__ import annotations

import argparse
import os
import sys
import typing as t

from . import __version__
from .servers import DEFAULT_SERVER, SERVERS, ServeError, load_app

__all__ = ["main", "version_string", "format_routes"]

PROG = "fastdispatch"


def version_string() -> str:
    """``fastdispatch 0.1.0 (router: CompiledRouter, compiled)``, or
    ``(router: PythonRouter, pure Python)``: the router in use, as
    ``fastdispatch.routing`` chose it (``FASTDISPATCH_PURE=1``, or no
    extension built, gives the pure-Python one)."""
    from .routing import CompiledRouter, Router

    kind = "compiled" if CompiledRouter is not None and Router is CompiledRouter else "pure Python"
    return f"{PROG} {__version__} (router: {Router.__name__}, {kind})"


def format_routes(app: t.Any, sort: str = "endpoint", all_methods: bool = False) -> str:
    """The route table exactly as ``flask routes`` (Flask 3.1) prints it: columns Endpoint,
    Methods, Rule; HEAD and OPTIONS left out unless ``all_methods``; sorted
    by ``sort`` (``match``: registration order, the order rules are tried
    in for equal weight)."""
    rules = list(app.url_map)
    if not rules:
        return "No routes were registered."
    ignored = set() if all_methods else {"HEAD", "OPTIONS"}
    rows = [[str(r.endpoint), ", ".join(sorted(set(r.methods or ()) - ignored)), r.rule] for r in rules]
    sorts = ["endpoint", "methods", "rule"]
    if sort in sorts:
        rows.sort(key=lambda row: row[sorts.index(sort)])
    headers = ["Endpoint", "Methods", "Rule"]
    rows.insert(0, headers)
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    rows.insert(1, ["-" * w for w in widths])
    template = "  ".join(f"{{{i}:<{w}}}" for i, w in enumerate(widths))
    return "\n".join(template.format(*row) for row in rows)


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
    parser = _Parser(prog=PROG, description="Serve a fastdispatch (or any WSGI) app, or list its routes.")
    parser.add_argument("-V", "--version", action="version", version=version_string(),
                        help="print the version and the router implementation in use, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    serve = sub.add_parser("serve", help="serve MODULE:APP over HTTP",
                           description="Serve MODULE:APP (e.g. examples.api:app) until SIGTERM or Ctrl-C.")
    serve.add_argument("app", metavar="MODULE:APP", help="the WSGI app: module path, a colon, attribute name")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", "-p", type=_port, default=8000, help="port (default: %(default)s)")
    serve.add_argument("--workers", "-w", type=_count, default=1, metavar="N",
                       help="worker processes (default: 1); more than 1 runs under gunicorn's arbiter "
                            "(meinheld) or granian's manager; bjoern and wsgiref take 1 only")
    serve.add_argument("--server", "-s", default=DEFAULT_SERVER, metavar="NAME",
                       help=f"one of {', '.join(SERVERS)} (default: %(default)s; wsgiref is for development)")
    serve.add_argument("--access-log", action="store_true", help="log each request (off by default)")
    serve.add_argument("--keep-alive", type=_count, default=5, metavar="SECONDS",
                       help="how long an idle keep-alive connection is kept, meinheld (and under gunicorn) "
                            "only; 0: no keep-alive (default: %(default)s)")
    serve.add_argument("--graceful-timeout", type=_count, default=30, metavar="SECONDS",
                       help="on SIGTERM, how long requests in progress may take to finish "
                            "(gunicorn, granian, bjoern, wsgiref; meinheld itself allows about 1 s; default: %(default)s)")

    routes = sub.add_parser("routes", help="print the route table of MODULE:APP",
                            description="Print the route table, as `flask routes` does.")
    routes.add_argument("app", metavar="MODULE:APP")
    routes.add_argument("--sort", "-s", choices=("endpoint", "methods", "rule", "match"), default="endpoint",
                        help="sort by this column; 'match': registration order (default: %(default)s)")
    routes.add_argument("--all-methods", action="store_true", help="show HEAD and OPTIONS too")
    return parser


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command == "routes":
            app = load_app(args.app)
            if not hasattr(app, "url_map"):
                raise ServeError(f"{args.app!r} has no url_map: not a fastdispatch App")
            try:
                print(format_routes(app, args.sort, args.all_methods))
                sys.stdout.flush()
            except BrokenPipeError:  # `fastdispatch routes app | head`: not an error
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        from .servers import serve

        return serve(
            args.app,
            host=args.host,
            port=args.port,
            workers=args.workers,
            server=args.server,
            access_log=args.access_log,
            keep_alive=args.keep_alive,
            graceful_timeout=args.graceful_timeout,
        )
    except ServeError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
