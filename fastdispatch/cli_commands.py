"""Flask's command-line group (``FlaskGroup``: ``--app``, and the app's own
commands beside the built-in ones) and its built-in commands ``routes``,
``shell`` and ``run``, for an app found as ``flask --app`` finds it."""

from __future__ import annotations

import os
import sys
import traceback
import typing as t
from importlib import metadata

import click

from .cli_discovery import NoAppException, ScriptInfo
from .cli_groups import AppGroup, pass_script_info, with_appcontext
from .ctx import _cv, current_app

__all__ = ["FlaskGroup", "format_routes", "routes_command", "shell_command", "run_command"]


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


@click.command("routes", short_help="Show the routes for the app.")
@click.option("--sort", "-s", type=click.Choice(("endpoint", "methods", "domain", "rule", "match")), default="endpoint",
              help="Sort by this column; 'match': registration order, the order rules are tried in "
                   "('domain', as Flask's without subdomains or hosts, is 'match').")
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with endpoints and methods."""
    click.echo(format_routes(current_app, sort, all_methods))


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the app context, its namespace
    filled by the app's shell context processors."""
    import code

    banner = f"Python {sys.version} on {sys.platform}\nApp: {current_app.import_name}\nInstance: {current_app.instance_path}"
    namespace: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):  # as the plain interpreter would
        with open(startup) as f:
            exec(compile(f.read(), startup, "exec"), namespace)
    namespace.update(current_app.make_shell_context())
    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:  # complete the shell's names, not __main__'s
            readline.set_completer(Completer(namespace).complete)
        hook()
    code.interact(banner=banner, local=namespace)


@click.command("run", short_help="Run a development server.")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, type=click.IntRange(1, 65535), help="The port to bind to.")
@pass_script_info
def run_command(info: ScriptInfo, host: str, port: int) -> None:
    """Run the app on the standard library's development server
    (``App.run``); ``fastdispatch serve`` is for production."""
    info.load_app().run(host=host, port=port)


class FlaskGroup(AppGroup):
    """The command line of an app found by ``--app`` (or
    ``FASTDISPATCH_APP``, ``FLASK_APP``, a ``wsgi.py`` or ``app.py`` here):
    the built-in commands, then the app's ``app.cli`` commands, which run in
    its app context.  ``create_app``: a callable that makes the app instead."""

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., t.Any] | None = None,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params = list(extra.pop("params", None) or ())
        params.insert(0, _app_option)
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.set_debug_flag = set_debug_flag
        self._loaded_plugin_commands = False
        if add_default_commands:
            for command in (run_command, shell_command, routes_command):
                self.add_command(command)

    def _load_plugin_commands(self) -> None:
        """Flask's plugin commands, the ``flask.commands`` entry points of
        the installed extensions (Flask-Limiter's ``limiter``), once the app
        is loaded and only where ``fastdispatch.compat`` answers ``import
        flask``: each imports flask, and the real one imported first would
        leave the app's compat import refusing (and the command working on
        Flask's contexts, not the app's)."""
        compat = sys.modules.get("fastdispatch.compat")
        if self._loaded_plugin_commands or compat is None or compat._finder not in sys.meta_path:
            return
        self._loaded_plugin_commands = True
        if sys.version_info >= (3, 10):
            plugins = metadata.entry_points(group="flask.commands")
        else:  # (no selection by group before 3.10)
            plugins = metadata.entry_points().get("flask.commands", ())
        for plugin in plugins:
            if plugin.name not in self.commands:
                self.add_command(plugin.load(), plugin.name)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        # The built-in commands work (and show their help) without an app.
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        try:
            app = ctx.ensure_object(ScriptInfo).load_app()
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
            return None
        self._load_plugin_commands()
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        # The app context for the command's parameter callbacks as well as
        # for the command: pushed here, before click parses its options.
        active = _cv.get(None)
        if active is None or active.app is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, name)  # type: ignore[no-any-return]

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        try:
            names.update(ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx))
            self._load_plugin_commands()
            names.update(super().list_commands(ctx))
        except NoAppException as exc:
            click.secho(f"Error: {exc.format_message()}\n", err=True, fg="red")
        except Exception:  # the help still lists the built-in commands
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: t.Any) -> click.Context:
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(create_app=self.create_app, set_debug_flag=self.set_debug_flag)
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # With no arguments or only --help, click prints the help before
        # the eager --app option's callback runs: take the environment's
        # app here, so that the help lists the app's commands.
        if (not args and self.no_args_is_help) or (len(args) == 1 and args[0] in self.get_help_option_names(ctx)):
            _app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


# Eager, and first: --help lists the app's commands only once it is known.
_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    envvar=["FASTDISPATCH_APP", "FLASK_APP"],
    help=(
        "The application or factory to load, as 'module:name'. The module may be a dotted import or a file path; "
        "the name may be left out if it is 'app', 'application', 'create_app' or 'make_app', and may be "
        "'name(args)' to pass arguments. Also FASTDISPATCH_APP or FLASK_APP."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)
