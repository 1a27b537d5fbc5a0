"""Class-based views, as Flask's ``flask.views``: ``View`` and ``MethodView``.

``View.as_view(name, *args, **kwargs)`` makes the view function a rule is
registered with; it carries what ``add_url_rule`` reads from it
(``methods``, ``provide_automatic_options``) and ``view_class``, which
Flask-RESTful and others look up in ``app.view_functions``.  ``MethodView``
answers each method with the instance method of its name (``get``,
``post``, ...; HEAD with ``get`` where there is no ``head``) and lists
those methods as the rule's.
"""

from __future__ import annotations

import typing as t

from .ctx import current_app, request

__all__ = ["View", "MethodView", "http_method_funcs"]

#: the instance methods ``MethodView`` dispatches to
http_method_funcs = frozenset(("get", "post", "head", "options", "delete", "put", "trace", "patch"))


class View:
    """A view as a class: subclass it, override ``dispatch_request`` (it is
    given the URL values as keyword arguments) and register
    ``YourView.as_view("endpoint")``.

    ``methods`` and ``provide_automatic_options`` are the rule's, as
    ``route`` takes them (None: its defaults).  ``decorators`` are applied
    in order to the function ``as_view`` makes (decorating the class itself
    would not reach it).  ``init_every_request = False`` makes one instance
    serve every request: cheaper, but ``self`` is then shared between
    requests (``g`` is per request).
    """

    methods: t.ClassVar[t.Collection[str] | None] = None
    provide_automatic_options: t.ClassVar[bool | None] = None
    decorators: t.ClassVar[list[t.Callable[..., t.Any]]] = []
    init_every_request: t.ClassVar[bool] = True

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        """The view's answer for the URL values ``kwargs``."""
        raise NotImplementedError()

    @classmethod
    def as_view(cls, name: str, *class_args: t.Any, **class_kwargs: t.Any) -> t.Callable[..., t.Any]:
        """The view function for ``add_url_rule``, named ``name``; the
        other arguments go to the class's constructor."""
        if cls.init_every_request:

            def view(**kwargs: t.Any) -> t.Any:
                # view_class, not cls: a test may put another class there
                instance = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return current_app.ensure_sync(instance.dispatch_request)(**kwargs)

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: t.Any) -> t.Any:
                return current_app.ensure_sync(shared.dispatch_request)(**kwargs)

        if cls.decorators:
            # the decorators see the final name and module, as in Flask
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """A view answering each request method with the instance method of
    its name: ``get`` for GET (and for HEAD where there is no ``head``),
    ``post`` for POST, ...  Unless a subclass sets ``methods`` itself, they
    are the methods it implements, with its bases' ``methods``."""

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        methods: set[str] = set()
        for base in cls.__bases__:
            methods.update(getattr(base, "methods", None) or ())
        methods.update(name.upper() for name in http_method_funcs if hasattr(cls, name))
        if methods:
            cls.methods = methods

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        """Call the method named for the request's method (``get`` for HEAD
        when there is no ``head``)."""
        method = request.method
        handler = getattr(self, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(self, "get", None)
        # Flask's assertion: only a class listing a method it lacks gets here
        assert handler is not None, f"Unimplemented method {method!r}"
        return current_app.ensure_sync(handler)(**kwargs)
