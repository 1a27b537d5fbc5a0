"""Sessions as Flask's: ``SessionInterface`` (``app.session_interface``)
and its default, ``SecureCookieSessionInterface``: the session's data in a
cookie signed with itsdangerous, with Flask's salt, key derivation, digest
and tagged JSON (``json.tag``), so a cookie written by a Flask app reads
here and back.  A tampered, expired or malformed cookie is an empty
session.

The app opens the default interface's session on first use of ``session``
(``App.open_session_of``), and for a request that never used it only where
the request sent the cookie (to refresh a permanent one, as Flask does);
an interface of another class is opened for every request, as Flask opens
each.
"""

from __future__ import annotations

import hashlib
import typing as t
from datetime import datetime, timezone

from .json.tag import TaggedJSONSerializer

__all__ = ["NullSession", "SecureCookieSession", "SecureCookieSessionInterface", "SessionInterface", "SessionMixin"]

_missing: t.Any = object()


class SessionMixin:
    """What a session has besides its mapping: ``permanent`` (the
    ``_permanent`` key), ``new``, ``modified`` and ``accessed`` (set by
    every use of ``session``: a response that used it varies on Cookie)."""

    @property
    def permanent(self) -> bool:
        return self.get("_permanent", False)  # type: ignore[attr-defined, no-any-return]

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)  # type: ignore[index]

    new = False
    modified = True
    accessed = False


class SecureCookieSession(SessionMixin, dict):  # type: ignore[type-arg]
    """A dict that notes (``modified``) any change made through it, as
    Werkzeug's ``CallbackDict``.  A change inside a mutable value is not
    seen: set ``modified`` then."""

    modified = False

    def __init__(self, initial: t.Any = None) -> None:
        super().__init__(initial or ())

    def __setitem__(self, key: str, value: t.Any) -> None:
        super().__setitem__(key, value)
        self.modified = True

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.modified = True

    def clear(self) -> None:
        super().clear()
        self.modified = True

    def popitem(self) -> tuple[str, t.Any]:
        try:
            return super().popitem()
        finally:
            self.modified = True

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self.modified = True

    def __ior__(self, other: t.Any) -> SecureCookieSession:  # type: ignore[override, misc]
        rv = super().__ior__(other)
        self.modified = True
        return rv

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        modified = key not in self
        rv = super().setdefault(key, default)
        if modified:
            self.modified = True
        return rv

    def pop(self, key: str, default: t.Any = _missing) -> t.Any:
        modified = key in self
        rv = super().pop(key) if default is _missing else super().pop(key, default)
        if modified:
            self.modified = True
        return rv

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class NullSession(SecureCookieSession):
    """The session where no secret key is set: readable (empty), and any
    change is an error saying what is missing."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = __ior__ = _fail  # type: ignore[assignment]
    del _fail


class SessionInterface:
    """What ``app.session_interface`` is: ``open_session`` and
    ``save_session`` to implement; the cookie's settings read from the
    config, as Flask's."""

    null_session_class = NullSession
    pickle_based = False

    def make_null_session(self, app: t.Any) -> NullSession:
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: t.Any) -> str:
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: t.Any) -> str | None:
        return app.config["SESSION_COOKIE_DOMAIN"]  # type: ignore[no-any-return]

    def get_cookie_path(self, app: t.Any) -> str:
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: t.Any) -> bool:
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: t.Any) -> bool:
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: t.Any) -> str | None:
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: t.Any) -> bool:
        return app.config["SESSION_COOKIE_PARTITIONED"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: t.Any, session: SessionMixin) -> datetime | None:
        """A permanent session's cookie expires ``PERMANENT_SESSION_LIFETIME``
        from now; any other lasts as long as the browser's session."""
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime  # type: ignore[no-any-return]
        return None

    def should_set_cookie(self, app: t.Any, session: SessionMixin) -> bool:
        return session.modified or (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"])

    def open_session(self, app: t.Any, request: t.Any) -> SessionMixin | None:
        raise NotImplementedError

    def save_session(self, app: t.Any, session: SessionMixin, response: t.Any) -> None:
        raise NotImplementedError


def _sha1(string: bytes = b"") -> t.Any:
    return hashlib.sha1(string)


class SecureCookieSessionInterface(SessionInterface):
    """Flask's default: the session in a cookie signed by itsdangerous
    (``URLSafeTimedSerializer``, salt ``cookie-session``, HMAC key
    derivation, SHA-1), ``SECRET_KEY_FALLBACKS`` accepted for reading."""

    salt = "cookie-session"
    digest_method = staticmethod(_sha1)
    key_derivation = "hmac"
    serializer = TaggedJSONSerializer()
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: t.Any) -> t.Any:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)  # the last one signs
        # PERF: made once for as long as the keys and settings stay (a
        # request opening and saving a session would make two; Flask does)
        settings = (keys, self.salt, self.serializer, self.key_derivation, self.digest_method)
        made = self.__dict__.get("_signing")
        if made is not None and made[0] == settings:
            return made[1]
        # itsdangerous is imported here: an app without sessions never loads it
        from itsdangerous import URLSafeTimedSerializer

        s = URLSafeTimedSerializer(
            list(keys),
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )
        self.__dict__["_signing"] = (settings, s)
        return s

    def open_session(self, app: t.Any, request: t.Any) -> SecureCookieSession | None:
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        from itsdangerous import BadSignature

        try:
            return self.session_class(s.loads(val, max_age=int(app.permanent_session_lifetime.total_seconds())))
        except BadSignature:  # tampered, expired, signed with another key, or not JSON
            return self.session_class()

    def save_session(self, app: t.Any, session: SessionMixin, response: t.Any) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)
        if session.accessed:
            response.vary.add("Cookie")
        if not session:
            # emptied by the request: the cookie is deleted; never set: none sent
            if session.modified:
                response.delete_cookie(name, domain=domain, path=path, secure=secure, partitioned=partitioned, samesite=samesite, httponly=httponly)
                response.vary.add("Cookie")
            return
        if not self.should_set_cookie(app, session):
            return
        expires = self.get_expiration_time(app, session)
        val = self.get_signing_serializer(app).dumps(dict(session))
        response.set_cookie(name, val, expires=expires, httponly=httponly, domain=domain, path=path, secure=secure, partitioned=partitioned, samesite=samesite)
        response.vary.add("Cookie")
