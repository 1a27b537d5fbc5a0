"""HTTP exceptions: raise one in a view (or ``abort(code)``) to answer with
that status and Werkzeug's default HTML error page.

Class names, attributes, descriptions and the page markup are Werkzeug
3.1's, so the pages a ported Flask app serves are byte-identical to what
Flask serves.  Standard library only.

This module imports nothing of the package but the HTTP formatting
(``http``) and the request context (``ctx``), so the router can raise these
(``fastdispatch.routing``'s exceptions are subclasses) without pulling in
the app or the wrappers.  ``response`` imports this module (through
``datastructures``), so it cannot be imported here: the error pages are
made of the class it hands over when it loads (``use_response_class``),
which ``import fastdispatch`` always does.
"""

from __future__ import annotations

import sys
import typing as t
from datetime import datetime

from .ctx import _cv
from .http import HTTP_STATUS_CODES, _escape, http_date

# ``Response`` in annotations: the response class handed over (``fastdispatch.response.Response``)
Response = t.Any

_PAGE_HEADERS = [("Content-Type", "text/html; charset=utf-8")]

#: the class error pages are made of (``use_response_class``)
_response_class: t.Any = None


def use_response_class(cls: type) -> None:
    """Make error pages of ``cls``: called by ``fastdispatch.response`` as
    it loads, with its ``Response``."""
    global _response_class
    _response_class = cls


def make_page(body: str, status: int | None, headers: t.Any = None) -> Response:
    """A response of the class ``use_response_class`` was given."""
    return _response_class(body, status, headers)  # type: ignore[no-any-return]

__all__ = [
    "HTTPException",
    "BadRequest",
    "BadRequestKeyError",
    "ClientDisconnected",
    "SecurityError",
    "BadHost",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "MethodNotAllowed",
    "NotAcceptable",
    "RequestTimeout",
    "Conflict",
    "Gone",
    "LengthRequired",
    "PreconditionFailed",
    "RequestEntityTooLarge",
    "RequestURITooLarge",
    "UnsupportedMediaType",
    "RequestedRangeNotSatisfiable",
    "ExpectationFailed",
    "ImATeapot",
    "MisdirectedRequest",
    "UnprocessableEntity",
    "Locked",
    "FailedDependency",
    "PreconditionRequired",
    "TooManyRequests",
    "RequestHeaderFieldsTooLarge",
    "UnavailableForLegalReasons",
    "InternalServerError",
    "NotImplemented",
    "BadGateway",
    "ServiceUnavailable",
    "GatewayTimeout",
    "HTTPVersionNotSupported",
    "default_exceptions",
    "Aborter",
    "abort",
]


class HTTPException(Exception):
    """Base of the HTTP errors.  ``get_response()`` is the error page;
    the exception is also a WSGI application serving it."""

    code: int | None = None
    description: str | None = None

    def __new__(cls, *args: t.Any, **kwargs: t.Any) -> HTTPException:
        # Code written for Flask catches what the framework raises by
        # Werkzeug's classes (``except werkzeug.exceptions.BadRequest``
        # around ``request.json``), and ``except`` looks at the real bases
        # only: once Werkzeug's exceptions are loaded, each of ours is made
        # an instance of its Werkzeug namesake too.
        werkzeug = _modules.get("werkzeug.exceptions")
        if werkzeug is not None:
            cls = _werkzeug_bridges.get(cls) or _werkzeug_bridge(cls, werkzeug)
        return super().__new__(cls, *args)  # (an app's class may have OSError's __new__ among its bases)

    def __init__(self, description: str | None = None, response: Response | None = None) -> None:
        # not super(): Werkzeug's __init__ follows in a bridge's MRO and
        # would reset what subclasses set before calling this one
        Exception.__init__(self)
        if description is not None:
            self.description = description
        #: a ready response to send instead of the error page (``abort(response)``)
        self.response = response

    @property
    def name(self) -> str:
        """The reason phrase, e.g. ``"Not Found"``."""
        return HTTP_STATUS_CODES.get(self.code, "Unknown Error")  # type: ignore[arg-type]

    def get_description(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> str:
        """The description as HTML, for the error page."""
        description = "" if self.description is None else self.description
        return f"<p>{_escape(description).replace(chr(10), '<br>')}</p>"

    def get_body(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> str:
        """The HTML error page."""
        name = _escape(self.name)
        return f"<!doctype html>\n<html lang=en>\n<title>{self.code} {name}</title>\n<h1>{name}</h1>\n{self.get_description(environ)}\n"

    def get_headers(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> list[tuple[str, str]]:
        """The error page's headers."""
        return list(_PAGE_HEADERS)

    def get_response(self, environ: t.Any = None, scope: dict[str, t.Any] | None = None) -> Response:
        """The response to send: the one given to the exception, else the error
        page."""
        if self.response is not None:
            return self.response
        if environ is not None:
            environ = getattr(environ, "environ", environ)  # a request object is fine too
        headers = self.get_headers(environ, scope)
        if headers == _PAGE_HEADERS:
            headers = None  # PERF: the response's own default, without a Headers object
        return make_page(self.get_body(environ, scope), self.code, headers)

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        return self.get_response(environ)(environ, start_response)

    def __str__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


class BadRequest(HTTPException):
    """*400 Bad Request*: raise it, or ``abort(400)``, to answer with this
    status."""
    code = 400
    description = "The browser (or proxy) sent a request that this server could not understand."


class BadRequestKeyError(BadRequest, KeyError):
    """A missing key in request data: both a KeyError and a 400."""

    _description = BadRequest.description
    #: add the missing key to the description (for debug mode)
    show_exception = False

    def __init__(self, arg: object | None = None, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        if arg is None:
            KeyError.__init__(self)
        else:
            KeyError.__init__(self, arg)

    @property  # type: ignore[override]
    def description(self) -> str:
        """The error page's text; with ``show_exception`` it names the missing
        key."""
        if self.show_exception:
            return f"{self._description}\n{KeyError.__name__}: {KeyError.__str__(self)}"
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value


class ClientDisconnected(BadRequest):
    """The client went away while the request body was being read."""


class SecurityError(BadRequest):
    """Something in the request tripped a security check."""


class BadHost(BadRequest):
    """The Host header is malformed."""


class Unauthorized(HTTPException):
    """401; ``www_authenticate`` (a value or several) becomes one
    ``WWW-Authenticate`` header each."""

    code = 401
    description = (
        "The server could not verify that you are authorized to access"
        " the URL requested. You either supplied the wrong credentials"
        " (e.g. a bad password), or your browser doesn't understand"
        " how to supply the credentials required."
    )

    def __init__(self, description: str | None = None, response: Response | None = None, www_authenticate: t.Any = None) -> None:
        super().__init__(description, response)
        # Werkzeug takes WWWAuthenticate objects; here anything str() renders.
        if www_authenticate is not None and (isinstance(www_authenticate, str) or not hasattr(www_authenticate, "__iter__")):
            www_authenticate = (www_authenticate,)
        self.www_authenticate = www_authenticate

    def get_headers(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.www_authenticate:
            headers.extend(("WWW-Authenticate", str(x)) for x in self.www_authenticate)
        return headers


class Forbidden(HTTPException):
    """*403 Forbidden*: raise it, or ``abort(403)``, to answer with this
    status."""
    code = 403
    description = "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server."


class NotFound(HTTPException):
    """*404 Not Found*: raise it, or ``abort(404)``, to answer with this
    status."""
    code = 404
    description = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."


class MethodNotAllowed(HTTPException):
    """405; ``valid_methods`` becomes the ``Allow`` header."""

    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(self, valid_methods: t.Iterable[str] | None = None, description: str | None = None, response: Response | None = None) -> None:
        super().__init__(description=description, response=response)
        self.valid_methods = valid_methods

    def get_headers(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    """*406 Not Acceptable*: raise it, or ``abort(406)``, to answer with this
    status."""
    code = 406
    description = (
        "The resource identified by the request is only capable of"
        " generating response entities which have content"
        " characteristics not acceptable according to the accept"
        " headers sent in the request."
    )


class RequestTimeout(HTTPException):
    """*408 Request Timeout*: raise it, or ``abort(408)``, to answer with this
    status."""
    code = 408
    description = "The server closed the network connection because the browser didn't finish the request within the specified time."


class Conflict(HTTPException):
    """*409 Conflict*: raise it, or ``abort(409)``, to answer with this status."""
    code = 409
    description = "A conflict happened while processing the request. The resource might have been modified while the request was being processed."


class Gone(HTTPException):
    """*410 Gone*: raise it, or ``abort(410)``, to answer with this status."""
    code = 410
    description = (
        "The requested URL is no longer available on this server and"
        " there is no forwarding address. If you followed a link from a"
        " foreign page, please contact the author of this page."
    )


class LengthRequired(HTTPException):
    """*411 Length Required*: raise it, or ``abort(411)``, to answer with this
    status."""
    code = 411
    description = "A request with this method requires a valid <code>Content-Length</code> header."


class PreconditionFailed(HTTPException):
    """*412 Precondition Failed*: raise it, or ``abort(412)``, to answer with
    this status."""
    code = 412
    description = "The precondition on the request for the URL failed positive evaluation."


class RequestEntityTooLarge(HTTPException):
    """*413 Request Entity Too Large*: raise it, or ``abort(413)``, to answer
    with this status."""
    code = 413
    description = "The data value transmitted exceeds the capacity limit."


class RequestURITooLarge(HTTPException):
    """*414 Request URI Too Long*: raise it, or ``abort(414)``, to answer with
    this status."""
    code = 414
    description = "The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed."


class UnsupportedMediaType(HTTPException):
    """*415 Unsupported Media Type*: raise it, or ``abort(415)``, to answer
    with this status."""
    code = 415
    description = "The server does not support the media type transmitted in the request."


class RequestedRangeNotSatisfiable(HTTPException):
    """416; with ``length``, a ``Content-Range: <units> */<length>`` header."""

    code = 416
    description = "The server cannot provide the requested range."

    def __init__(self, length: int | None = None, units: str = "bytes", description: str | None = None, response: Response | None = None) -> None:
        super().__init__(description=description, response=response)
        self.length = length
        self.units = units

    def get_headers(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    """*417 Expectation Failed*: raise it, or ``abort(417)``, to answer with
    this status."""
    code = 417
    description = "The server could not meet the requirements of the Expect header"


class ImATeapot(HTTPException):
    """*418 I'm a teapot*: raise it, or ``abort(418)``, to answer with this
    status."""
    code = 418
    description = "This server is a teapot, not a coffee machine"


class MisdirectedRequest(HTTPException):
    """*421 Misdirected Request*: raise it, or ``abort(421)``, to answer with
    this status."""
    code = 421
    description = "The server is not able to produce a response."


class UnprocessableEntity(HTTPException):
    """*422 Unprocessable Entity*: raise it, or ``abort(422)``, to answer with
    this status."""
    code = 422
    description = "The request was well-formed but was unable to be followed due to semantic errors."


class Locked(HTTPException):
    """*423 Locked*: raise it, or ``abort(423)``, to answer with this status."""
    code = 423
    description = "The resource that is being accessed is locked."


class FailedDependency(HTTPException):
    """*424 Failed Dependency*: raise it, or ``abort(424)``, to answer with
    this status."""
    code = 424
    description = (
        "The method could not be performed on the resource because the requested action depended on another action and that action failed."
    )


class PreconditionRequired(HTTPException):
    """*428 Precondition Required*: raise it, or ``abort(428)``, to answer with
    this status."""
    code = 428
    description = 'This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".'


class _RetryAfter(HTTPException):
    """Adds ``retry_after`` (seconds or a datetime) as ``Retry-After``."""

    def __init__(self, description: str | None = None, response: Response | None = None, retry_after: datetime | int | None = None) -> None:
        super().__init__(description, response)
        self.retry_after = retry_after

    def get_headers(self, environ: dict[str, t.Any] | None = None, scope: dict[str, t.Any] | None = None) -> list[tuple[str, str]]:
        headers = super().get_headers(environ, scope)
        if self.retry_after:
            value = http_date(self.retry_after) if isinstance(self.retry_after, datetime) else str(self.retry_after)
            headers.append(("Retry-After", value))
        return headers


class TooManyRequests(_RetryAfter):
    """*429 Too Many Requests*: raise it, or ``abort(429)``, to answer with
    this status."""
    code = 429
    description = "This user has exceeded an allotted request count. Try again later."


class RequestHeaderFieldsTooLarge(HTTPException):
    """*431 Request Header Fields Too Large*: raise it, or ``abort(431)``, to
    answer with this status."""
    code = 431
    description = "One or more header fields exceeds the maximum size."


class UnavailableForLegalReasons(HTTPException):
    """*451 Unavailable For Legal Reasons*: raise it, or ``abort(451)``, to
    answer with this status."""
    code = 451
    description = "Unavailable for legal reasons."


class InternalServerError(HTTPException):
    """500; ``original_exception`` is the unhandled error that caused it."""

    code = 500
    description = (
        "The server encountered an internal error and was unable to"
        " complete your request. Either the server is overloaded or"
        " there is an error in the application."
    )

    def __init__(self, description: str | None = None, response: Response | None = None, original_exception: BaseException | None = None) -> None:
        self.original_exception = original_exception
        super().__init__(description=description, response=response)


class NotImplemented(HTTPException):  # noqa: A001 (Werkzeug's name)
    """*501 Not Implemented*: raise it, or ``abort(501)``, to answer with this
    status."""
    code = 501
    description = "The server does not support the action requested by the browser."


class BadGateway(HTTPException):
    """*502 Bad Gateway*: raise it, or ``abort(502)``, to answer with this
    status."""
    code = 502
    description = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(_RetryAfter):
    """*503 Service Unavailable*: raise it, or ``abort(503)``, to answer with
    this status."""
    code = 503
    description = (
        "The server is temporarily unable to service your request due"
        " to maintenance downtime or capacity problems. Please try"
        " again later."
    )


class GatewayTimeout(HTTPException):
    """*504 Gateway Timeout*: raise it, or ``abort(504)``, to answer with this
    status."""
    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    """*505 HTTP Version Not Supported*: raise it, or ``abort(505)``, to answer
    with this status."""
    code = 505
    description = "The server does not support the HTTP protocol version used in the request."


def _find_exceptions() -> dict[int, type[HTTPException]]:
    # Werkzeug's rule: one class per code, the most general (BadRequest, not
    # BadRequestKeyError).
    found: dict[int, type[HTTPException]] = {}
    for obj in globals().values():
        if not (isinstance(obj, type) and issubclass(obj, HTTPException)) or obj.code is None:
            continue
        old = found.get(obj.code)
        if old is not None and issubclass(obj, old):
            continue
        found[obj.code] = obj
    return found


#: status code -> exception class, for ``abort``
default_exceptions: dict[int, type[HTTPException]] = _find_exceptions()


class Aborter:
    """``abort`` with its own code -> class mapping (``extra`` adds codes)."""

    def __init__(self, mapping: dict[int, type[HTTPException]] | None = None, extra: dict[int, type[HTTPException]] | None = None) -> None:
        self.mapping = dict(default_exceptions if mapping is None else mapping)
        if extra is not None:
            self.mapping.update(extra)

    def __call__(self, code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        if isinstance(code, _response_class):
            raise HTTPException(response=code)
        if code not in self.mapping:
            raise LookupError(f"no exception for {code!r}")
        raise self.mapping[code](*args, **kwargs)


_aborter = Aborter()


def abort(code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTPException for ``code`` (extra arguments go to its
    constructor: ``abort(404, description=...)``, ``abort(405,
    valid_methods=[...])``), or raise one that sends ``code`` if it is a
    Response.  Uses the current app's ``aborter`` when it has one (Flask)."""
    aborter = getattr(getattr(_cv.get(None), "app", None), "aborter", None)
    (aborter if aborter is not None else _aborter)(code, *args, **kwargs)
    raise AssertionError("unreachable")  # an Aborter always raises


_werkzeug_bridges: dict[type, type] = {}
_modules = sys.modules  # PERF: HTTPException.__new__ looks here for every exception


def _werkzeug_bridge(cls: type, werkzeug: t.Any) -> type:
    """``cls`` (one of ours, or a subclass) with the Werkzeug class of its
    nearest ancestor of ours as a further base; ``cls`` itself where it is
    one of Werkzeug's already or no namesake exists."""
    bridge = cls
    if not issubclass(cls, werkzeug.HTTPException):
        for ours in cls.__mro__:
            theirs = getattr(werkzeug, ours.__name__, None)
            if globals().get(ours.__name__) is ours and isinstance(theirs, type) and issubclass(theirs, werkzeug.HTTPException):
                try:  # named, and pickled, as ``cls``
                    bridge = type(cls.__name__, (cls, theirs), {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                                                "__reduce__": lambda self: (cls, self.args, self.__dict__)})
                except TypeError:
                    pass  # an app's class whose bases cannot take Werkzeug's: raised as it is
                break
    _werkzeug_bridges[cls] = bridge
    return bridge


def werkzeug_http_class(cls: type) -> type | None:
    """For a class of Werkzeug's HTTP exceptions (raised by code that uses
    ``werkzeug.exceptions`` itself, as Flask apps and extensions do): the
    class of ours it stands for, where it is Werkzeug's own of that name,
    else itself (an app's subclass); None for any other class.  Werkzeug
    is not imported for this: without it no such exception exists."""
    werkzeug = sys.modules.get("werkzeug.exceptions")
    if werkzeug is None or not issubclass(cls, werkzeug.HTTPException):
        return None
    if getattr(werkzeug, cls.__name__, None) is cls:
        ours = globals().get(cls.__name__)
        if isinstance(ours, type) and issubclass(ours, HTTPException):
            return ours
    return cls
