"""``app.cli`` and ``blueprint.cli``: click groups whose commands run in
the app context, as Flask's ``AppGroup``; and ``app.test_cli_runner()``'s
runner.  Imported on the first use of ``cli``, so that an app that never
touches it does not import click."""

from __future__ import annotations

import typing as t
from functools import update_wrapper

import click
from click.testing import CliRunner, Result

from .cli_discovery import ScriptInfo
from .ctx import has_app_context

__all__ = ["AppGroup", "with_appcontext", "pass_script_info", "FlaskCliRunner"]

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Run ``f`` in the app context of the ``ScriptInfo``'s app, unless an
    app context is active already (``FlaskGroup`` pushes one for app
    commands)."""

    @click.pass_context
    def in_app_context(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not has_app_context():
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(in_app_context, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose ``command()`` wraps callbacks in
    ``with_appcontext`` (``with_appcontext=False`` to leave one out), and
    whose ``group()`` makes AppGroups."""

    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Callable[[t.Callable[..., t.Any]], click.Command]:  # type: ignore[override]
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            return click.Group.command(self, *args, **kwargs)(with_appcontext(f) if wrap else f)  # type: ignore[no-any-return]

        return decorator

    def group(self, *args: t.Any, **kwargs: t.Any) -> t.Callable[[t.Callable[..., t.Any]], click.Group]:  # type: ignore[override]
        kwargs.setdefault("cls", AppGroup)
        return super().group(*args, **kwargs)  # type: ignore[no-any-return]


class FlaskCliRunner(CliRunner):
    """``app.test_cli_runner()``: ``invoke()`` runs ``app.cli`` unless told
    another command, with a ``ScriptInfo`` that returns the app."""

    def __init__(self, app: t.Any, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any) -> Result:  # type: ignore[override]
        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
