"""``Blueprint``: a group of views, handlers and hooks registered on an app
under a name (endpoint prefix) and an optional URL prefix, as in Flask;
blueprints nest (``parent.register_blueprint(child)``: endpoints
``parent.child.view``, URL prefixes joined, the parent's hooks and error
handlers applying to the child's requests too)."""

from __future__ import annotations

import os
import typing as t
from functools import update_wrapper

from .scaffold import F, Scaffold

# ``App`` in annotations: ``fastdispatch.app.App``, which imports this module
App = t.Any

# ``cli_group`` not given: the commands go in a group named as the blueprint
_BLUEPRINT_NAME: t.Any = object()


class BlueprintSetupState:
    """Flask's: what the functions ``Blueprint.record`` deferred are called
    with when the blueprint is registered on an app (``make_setup_state``):
    the app, the blueprint, the options given to ``register_blueprint``,
    whether this is the blueprint's first registration on the app, and the
    URL prefix, subdomain and URL defaults its rules get (``add_url_rule``)."""

    def __init__(self, blueprint: Blueprint, app: App, options: t.Any, first_registration: bool) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        #: False where the blueprint was registered on the app before (under
        #: another name): what must happen once checks it (``record_once``)
        self.first_registration = first_registration
        subdomain = options.get("subdomain")
        self.subdomain = blueprint.subdomain if subdomain is None else subdomain
        url_prefix = options.get("url_prefix")
        self.url_prefix = blueprint.url_prefix if url_prefix is None else url_prefix
        self.name = options.get("name", blueprint.name)
        self.name_prefix = options.get("name_prefix", "")
        #: added to the defaults of every rule of the blueprint
        self.url_defaults = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    def add_url_rule(self, rule: str, endpoint: str | None = None, view_func: t.Callable[..., t.Any] | None = None, **options: t.Any) -> None:
        """A rule on the app, below the URL prefix, its endpoint prefixed
        with the blueprint's (dotted) name, as Flask's."""
        if self.url_prefix is not None:
            rule = "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/"))) if rule else self.url_prefix
        if self.subdomain is not None:
            # (the app refuses it by name: the router matches paths only)
            options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule() needs an endpoint or a view_func")
            endpoint = view_func.__name__
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = dict(defaults, **options.pop("defaults"))
        self.app.add_url_rule(rule, f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."), view_func, defaults=defaults or None, **options)


class Blueprint(Scaffold):
    """A group of views, hooks and templates registered on an app with
    ``app.register_blueprint``, as Flask's ``Blueprint``: its endpoints are
    named ``<blueprint name>.<view>``, its rules prefixed with
    ``url_prefix``."""
    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _BLUEPRINT_NAME,
    ) -> None:
        """Flask's arguments, in Flask's order.  ``url_defaults``: added to
        the defaults of each of its rules.  ``subdomain``: only None (the
        router matches paths only; a rule with one is refused when the
        blueprint is registered).  ``cli_group``: the name of the group of
        this blueprint's commands under the app's; None puts them in the
        app's own group."""
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        super().__init__(import_name, static_folder, static_url_path, template_folder, root_path)
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults = {} if url_defaults is None else url_defaults
        self.cli_group = cli_group
        #: Flask's: called with a ``BlueprintSetupState`` on each registration,
        #: in order (the rules and the app-wide hooks are among them)
        self.deferred_functions: list[t.Callable[[BlueprintSetupState], t.Any]] = []
        self._registered: list[App] = []
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    def _changed(self) -> None:
        for app in self._registered:  # a hook added after registration still runs
            app._changed()

    def _on_app(self, setup: t.Callable[[App], t.Any]) -> None:
        # once per app, as Flask's record_once; unlike Flask's, also on the
        # apps it is registered on already (not refused as a late setup)
        self.deferred_functions.append(_once(lambda state: setup(state.app)))
        for app in dict.fromkeys(self._registered):
            setup(app)

    def record(self, func: t.Callable[[BlueprintSetupState], t.Any]) -> None:
        """Flask's: ``func(state)`` on each registration of the blueprint
        (``make_setup_state``), after what was recorded before it."""
        self._check_setup("record")
        self.deferred_functions.append(func)

    def record_once(self, func: t.Callable[[BlueprintSetupState], t.Any]) -> None:
        """Flask's: as ``record``, but only on the blueprint's first
        registration on an app."""
        self._check_setup("record_once")
        self.deferred_functions.append(_once(func))

    def make_setup_state(self, app: App, options: dict[str, t.Any], first_registration: bool = False) -> BlueprintSetupState:
        """Flask's: the state the deferred functions are called with; a
        subclass may return its own ``BlueprintSetupState`` subclass."""
        return BlueprintSetupState(self, app, options, first_registration)

    # The app-wide hooks and handlers, as Flask's: they apply to every
    # request of the app, not only to this blueprint's.
    def before_app_request(self, f: F) -> F:
        """``before_request`` for every request of the app, not only this
        blueprint's."""
        self._on_app(lambda app: app.before_request(f))
        return f

    def after_app_request(self, f: F) -> F:
        """``after_request`` for every request of the app, not only this
        blueprint's."""
        self._on_app(lambda app: app.after_request(f))
        return f

    def teardown_app_request(self, f: F) -> F:
        """``teardown_request`` for every request of the app, not only this
        blueprint's."""
        self._on_app(lambda app: app.teardown_request(f))
        return f

    def app_url_value_preprocessor(self, f: F) -> F:
        """``url_value_preprocessor`` for every request of the app."""
        self._on_app(lambda app: app.url_value_preprocessor(f))
        return f

    def app_url_defaults(self, f: F) -> F:
        """``url_defaults`` for every URL the app builds."""
        self._on_app(lambda app: app.url_defaults(f))
        return f

    def app_errorhandler(self, code_or_exception: type[BaseException] | int) -> t.Callable[[F], F]:
        """``errorhandler`` for the whole app: handles ``code_or_exception``
        raised by any view."""
        def decorator(f: F) -> F:
            self._on_app(lambda app: app.register_error_handler(code_or_exception, f))
            return f

        return decorator

    def app_context_processor(self, f: F) -> F:
        """``context_processor`` for every template the app renders."""
        self._on_app(lambda app: app.context_processor(f))
        return f

    def app_template_filter(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register a Jinja filter on the app (``name``, else the function's
        name)."""
        def decorator(f: F) -> F:
            self.add_app_template_filter(f, name)
            return f

        return decorator

    def add_app_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """``app_template_filter`` without the decorator."""
        self._on_app(lambda app: app.add_template_filter(f, name))

    def app_template_test(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register a Jinja test on the app (``name``, else the function's
        name)."""
        def decorator(f: F) -> F:
            self.add_app_template_test(f, name)
            return f

        return decorator

    def add_app_template_test(self, f: t.Callable[..., bool], name: str | None = None) -> None:
        """``app_template_test`` without the decorator."""
        self._on_app(lambda app: app.add_template_test(f, name))

    def app_template_global(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register a Jinja global on the app (``name``, else the function's
        name)."""
        def decorator(f: F) -> F:
            self.add_app_template_global(f, name)
            return f

        return decorator

    def add_app_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """``app_template_global`` without the decorator."""
        self._on_app(lambda app: app.add_template_global(f, name))

    def _check_setup(self, method: str) -> None:
        if self._registered:
            raise AssertionError(
                f"The setup method '{method}' can no longer be called on the blueprint '{self.name}'. "
                "It has already been registered at least once."
            )

    def add_url_rule(self, rule: str, endpoint: str | None = None, view_func: t.Callable[..., t.Any] | None = None, **options: t.Any) -> None:
        """Record a rule, added to the app (with the blueprint's prefix and
        endpoint name) when the blueprint is registered."""
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")
        self._check_setup("add_url_rule")
        self.deferred_functions.append(lambda state: state.add_url_rule(rule, endpoint, view_func, **options))

    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one (Flask's): registered with this
        one, under ``<this name>.<its name>`` and below this URL prefix."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._check_setup("register_blueprint")
        self._blueprints.append((blueprint, options))

    def register(self, app: App, options: dict[str, t.Any]) -> None:
        """As Flask's ``Blueprint.register`` (``app.register_blueprint``
        calls it): the deferred functions (``record``: the rules, the
        app-wide hooks and what else was recorded, in order) called with
        ``make_setup_state``'s state, the commands, then the nested
        blueprints, each below this one."""
        self_name = options.get("name", self.name)
        name = f"{options.get('name_prefix', '')}.{self_name}".lstrip(".")
        if name in app.blueprints:
            bp_desc = "this" if app.blueprints[name] is self else "a different"
            existing_at = f" '{name}'" if self_name != name else ""
            raise ValueError(
                f"The name '{self_name}' is already registered for {bp_desc} blueprint{existing_at}. Use 'name=' to provide a unique name."
            )
        first_registration = not any(bp is self for bp in app.blueprints.values())
        app.blueprints[name] = self
        state = self.make_setup_state(app, options, first_registration)
        if self.has_static_folder:  # (before the deferred functions, as Flask's)
            state.add_url_rule(f"{self.static_url_path}/<path:filename>", view_func=self.send_static_file, endpoint="static")
        self._registered.append(app)
        for deferred in self.deferred_functions:
            deferred(state)
        self._register_commands(app, name, options.get("cli_group", self.cli_group))
        url_prefix = state.url_prefix
        for blueprint, bp_options in self._blueprints:
            bp_options = dict(bp_options)
            bp_url_prefix = bp_options.get("url_prefix")
            if bp_url_prefix is None:
                bp_url_prefix = blueprint.url_prefix
            if url_prefix is not None and bp_url_prefix is not None:
                bp_options["url_prefix"] = url_prefix.rstrip("/") + "/" + bp_url_prefix.lstrip("/")
            elif bp_url_prefix is not None:
                bp_options["url_prefix"] = bp_url_prefix
            elif url_prefix is not None:
                bp_options["url_prefix"] = url_prefix
            bp_options["name_prefix"] = name
            blueprint.register(app, bp_options)

    def _register_commands(self, app: App, name: str, group: str | None) -> None:
        commands = self.__dict__.get("_cli")  # not self.cli: no commands, no click
        if commands is None or not commands.commands:
            return
        if group is None:
            app.cli.commands.update(commands.commands)
            return
        commands.name = name if group is _BLUEPRINT_NAME else group
        app.cli.add_command(commands)


def _once(func: t.Callable[[BlueprintSetupState], t.Any]) -> t.Callable[[BlueprintSetupState], t.Any]:
    """``func`` called on a blueprint's first registration on an app only."""

    def wrapper(state: BlueprintSetupState) -> None:
        if state.first_registration:
            func(state)

    return update_wrapper(wrapper, func)
