"""``Authorization`` (``Request.authorization``) and ``WWWAuthenticate``
(``Response.www_authenticate``), as Werkzeug 3.1's.

A scheme carries either a ``token`` (``Bearer abc``) or ``parameters``
(``Digest realm="x", nonce="y"``); Basic's token is decoded into the
``username`` and ``password`` parameters.  A header that cannot be read
(bad base64, bad UTF-8) is None, never an error: it is client input.
"""

from __future__ import annotations

import base64
import typing as t

from .datastructures import CallbackDict
from .http import dump_header, parse_dict_header, quote_header_value

__all__ = ["Authorization", "WWWAuthenticate"]


def _split_scheme(value: str) -> tuple[str, str]:
    scheme, _, rest = value.partition(" ")
    return scheme.lower(), rest.strip(" \t")


def _has_parameters(rest: str) -> bool:
    # An "=" that is not base64 padding at the end means key=value pairs.
    return "=" in rest.rstrip("=")


class Authorization:
    """The parts of an ``Authorization`` header.  ``auth.key``,
    ``auth["key"]``, ``auth.get("key")`` and ``"key" in auth`` read
    ``parameters`` (a missing one is None)."""

    def __init__(self, auth_type: str, data: dict[str, str | None] | None = None, token: str | None = None) -> None:
        #: the scheme, lower-cased: ``basic``, ``digest``, ``bearer``, ...
        self.type = auth_type
        self.parameters = {} if data is None else data
        self.token = token

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("__"):  # copy, pickle: no such protocol here
            raise AttributeError(name)
        return self.parameters.get(name)

    def __getitem__(self, name: str) -> str | None:
        return self.parameters.get(name)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.parameters.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authorization):
            return NotImplemented
        return other.type == self.type and other.token == self.token and other.parameters == self.parameters

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_header(cls, value: str | None) -> Authorization | None:
        """The header parsed; None if it is empty or Basic credentials do
        not decode (strict base64, then UTF-8)."""
        if not value:
            return None
        scheme, rest = _split_scheme(value)
        if scheme == "basic":
            try:
                username, _, password = base64.b64decode(rest, validate=True).decode().partition(":")
            except ValueError:
                # binascii.Error, UnicodeDecodeError, and non-ASCII text,
                # which Werkzeug lets escape as a 500: all client errors
                return None
            return cls(scheme, {"username": username, "password": password})
        if _has_parameters(rest):
            return cls(scheme, parse_dict_header(rest), None)
        return cls(scheme, None, rest)

    def to_header(self) -> str:
        """The header value for these credentials (the test client's ``auth``)."""
        if self.type == "basic":
            value = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
            return f"Basic {value}"
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        return f"{self.type.title()} {dump_header(self.parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()}>"


class _Parameters(CallbackDict):
    """A challenge's parameters: each change tells the challenge, so that a
    header it came from is rewritten."""

    def __init__(self, values: t.Any, changed: t.Callable[[], None]) -> None:
        super().__init__(values or ())
        self._changed = changed  # type: ignore[method-assign]


class WWWAuthenticate:
    """The parts of a ``WWW-Authenticate`` challenge.  Parameters are read
    and written as ``auth.realm``, ``auth["realm"]``; setting one to None
    removes it.  Got from ``Response.www_authenticate``, every change
    rewrites that response's header."""

    _FIELDS = frozenset({"_type", "_parameters", "_token", "_on_update"})

    def __init__(self, auth_type: str, values: dict[str, str | None] | None = None, token: str | None = None) -> None:
        self._type = auth_type.lower()
        self._parameters = _Parameters(values, self._trigger_on_update)
        self._token = token
        self._on_update: t.Callable[[WWWAuthenticate], t.Any] | None = None

    def _trigger_on_update(self) -> None:
        if self._on_update is not None:
            self._on_update(self)

    @property
    def type(self) -> str:
        return self._type

    @type.setter
    def type(self, value: str) -> None:
        self._type = value
        self._trigger_on_update()

    @property
    def parameters(self) -> dict[str, str | None]:
        return self._parameters

    @parameters.setter
    def parameters(self, value: dict[str, str | None]) -> None:
        self._parameters = _Parameters(value, self._trigger_on_update)
        self._trigger_on_update()

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value
        self._trigger_on_update()

    def __getitem__(self, key: str) -> str | None:
        return self._parameters.get(key)

    def __setitem__(self, key: str, value: str | None) -> None:
        if value is None:
            if key in self._parameters:
                dict.__delitem__(self._parameters, key)
        else:
            dict.__setitem__(self._parameters, key, value)
        self._trigger_on_update()

    def __delitem__(self, key: str) -> None:
        if key in self._parameters:
            del self._parameters[key]

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __setattr__(self, name: str, value: t.Any) -> None:
        if name in WWWAuthenticate._FIELDS or isinstance(getattr(type(self), name, None), property):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WWWAuthenticate):
            return NotImplemented
        return other.type == self.type and other.token == self.token and other.parameters == self.parameters

    __hash__ = None  # type: ignore[assignment]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._parameters.get(key, default)

    @classmethod
    def from_header(cls, value: str | None) -> WWWAuthenticate | None:
        """The header parsed; None if it is empty."""
        if not value:
            return None
        scheme, rest = _split_scheme(value)
        if _has_parameters(rest):
            return cls(scheme, parse_dict_header(rest), None)
        return cls(scheme, None, rest)

    def to_header(self) -> str:
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        if not self.parameters:
            return self.type.title()
        if self.type == "digest":
            # RFC 7616 requires these quoted even when they are tokens
            items = []
            for key, value in self.parameters.items():
                if key in ("realm", "domain", "nonce", "opaque", "qop"):
                    value = quote_header_value(value, allow_token=False)
                else:
                    value = quote_header_value(value)
                items.append(f"{key}={value}")
            return f"Digest {', '.join(items)}"
        return f"{self.type.title()} {dump_header(self.parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()}>"
