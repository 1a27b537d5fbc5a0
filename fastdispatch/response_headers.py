"""The typed header properties of ``Response`` beyond the content ones,
as Werkzeug 3.1's: dates (``date``, ``expires``, ``last_modified``,
``retry_after``), ``age``, ``cache_control``, ``content_range``,
``accept_ranges``, ``content_md5``, ``content_security_policy`` (and
``_report_only``), the ``access_control_*`` (CORS) headers and the
``cross_origin_*`` policies.  Each reads
``response.headers`` when asked; the objects (cache control, content
range, policy) write every change back.  ``response`` assigns them to the
class; this module imports nothing that imports ``response``.
"""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta, timezone

from .conditional import ContentRange, parse_content_range_header
from .datastructures import HeaderSet
from .environ import _parse_list_header
from .http import COEP, COOP, dump_header, http_date, parse_date

__all__ = ["ContentSecurityPolicy", "parse_csp_header"]


def header_property(
    name: str,
    load: t.Callable[[str], t.Any] | None = None,
    dump: t.Callable[[t.Any], str | None] | None = None,
    doc: str | None = None,
    default: t.Any = None,
) -> property:
    """Werkzeug's ``header_property``: a missing value, or one that does not
    load, reads as ``default``; assigning None deletes the header."""

    def fget(self: t.Any) -> t.Any:
        value = self.headers.get(name)
        if value is None:
            return default
        if load is None:
            return value
        try:
            return load(value)
        except (ValueError, TypeError):
            return default

    def fset(self: t.Any, value: t.Any) -> None:
        if dump is not None:
            value = dump(value)
        if value is None:
            self.headers.remove(name)
        else:
            self.headers[name] = str(value)

    return property(fget, fset, lambda self: self.headers.remove(name), doc=doc or f"The ``{name}`` header.")


def _dump_date(value: t.Any) -> str | None:
    return None if value is None else http_date(value)


def _parse_age(value: str) -> timedelta | None:
    if not value:
        return None
    try:
        seconds = int(value)
    except ValueError:
        return None
    if seconds < 0:
        return None
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        return None


def _dump_age(age: timedelta | int | None) -> str | None:
    if age is None:
        return None
    age = int(age.total_seconds()) if isinstance(age, timedelta) else int(age)
    if age < 0:
        raise ValueError("age cannot be negative")
    return str(age)


def _header_set(value: str) -> HeaderSet:
    return HeaderSet(_parse_list_header(value))


date = header_property("Date", parse_date, _dump_date, "When the message was made, as an aware datetime.")
expires = header_property("Expires", parse_date, _dump_date, "When the response goes stale, as an aware datetime.")
last_modified = header_property("Last-Modified", parse_date, _dump_date, "When the resource last changed, as an aware datetime.")
age = header_property("Age", _parse_age, _dump_age, "Seconds since the origin made it, as a timedelta.")
accept_ranges = header_property("Accept-Ranges")
content_md5 = header_property("Content-MD5")
access_control_allow_origin = header_property("Access-Control-Allow-Origin")
access_control_max_age = header_property("Access-Control-Max-Age", int, lambda v: None if v is None else str(v))
access_control_allow_headers = header_property("Access-Control-Allow-Headers", _header_set, lambda v: None if v is None else dump_header(v))
access_control_allow_methods = header_property("Access-Control-Allow-Methods", _header_set, lambda v: None if v is None else dump_header(v))
access_control_expose_headers = header_property("Access-Control-Expose-Headers", _header_set, lambda v: None if v is None else dump_header(v))

cross_origin_opener_policy = header_property(
    "Cross-Origin-Opener-Policy", COOP, lambda v: None if v is None else v.value, "A ``COOP`` member.", default=COOP.UNSAFE_NONE
)
cross_origin_embedder_policy = header_property(
    "Cross-Origin-Embedder-Policy", COEP, lambda v: None if v is None else v.value, "A ``COEP`` member.", default=COEP.UNSAFE_NONE
)


def _get_allow_credentials(self: t.Any) -> bool:
    return self.headers.get("Access-Control-Allow-Credentials") == "true"


def _set_allow_credentials(self: t.Any, value: bool | None) -> None:
    if value is True:
        self.headers["Access-Control-Allow-Credentials"] = "true"
    else:
        self.headers.remove("Access-Control-Allow-Credentials")


access_control_allow_credentials = property(_get_allow_credentials, _set_allow_credentials, doc="Whether credentials may be sent (``true``).")


def _get_retry_after(self: t.Any) -> datetime | None:
    value = self.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = int(value)
    except ValueError:
        return parse_date(value)
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


def _set_retry_after(self: t.Any, value: datetime | int | str | None) -> None:
    if value is None:
        self.headers.remove("Retry-After")
        return
    self.headers["Retry-After"] = http_date(value) if isinstance(value, datetime) else str(value)


retry_after = property(_get_retry_after, _set_retry_after, doc="When to retry: seconds from now or a date, read as an aware datetime.")


def _get_cache_control(self: t.Any) -> t.Any:
    # (cache_control, like request's, is imported when first used)
    from .cache_control import ResponseCacheControl, parse_cache_control_header

    headers = self.headers

    def on_update(cache_control: t.Any) -> None:
        if not cache_control and "cache-control" in headers:
            headers.remove("Cache-Control")
        elif cache_control:
            headers["Cache-Control"] = cache_control.to_header()

    return parse_cache_control_header(headers.get("cache-control"), on_update, ResponseCacheControl)


cache_control = property(_get_cache_control, doc="``Cache-Control`` as a ``ResponseCacheControl`` that writes changes back.")


def _get_content_range(self: t.Any) -> ContentRange:
    headers = self.headers

    def on_update(rng: ContentRange) -> None:
        if not rng:
            headers.remove("Content-Range")
        else:
            headers["Content-Range"] = rng.to_header()

    rv = parse_content_range_header(headers.get("content-range"), on_update)
    return rv if rv is not None else ContentRange(None, None, None, on_update=on_update)


def _set_content_range(self: t.Any, value: ContentRange | str | None) -> None:
    if not value:
        self.headers.remove("Content-Range")
    elif isinstance(value, str):
        self.headers["Content-Range"] = value
    else:
        self.headers["Content-Range"] = value.to_header()


content_range = property(_get_content_range, _set_content_range, doc="``Content-Range`` as a ``ContentRange`` that writes changes back.")


# -- Content-Security-Policy ------------------------------------------------------

_CSP_DIRECTIVES = (
    "base-uri child-src connect-src default-src font-src form-action frame-ancestors frame-src img-src manifest-src media-src"
    " navigate-to object-src prefetch-src plugin-types report-to report-uri sandbox script-src script-src-attr script-src-elem"
    " style-src style-src-attr style-src-elem worker-src"
).split()


class ContentSecurityPolicy(dict):  # type: ignore[type-arg]
    """A policy's directives (``csp.default_src = "'self'"``); every change
    calls ``on_update`` (Werkzeug's ``ContentSecurityPolicy``)."""

    def __init__(self, values: t.Any = (), on_update: t.Callable[[t.Any], None] | None = None) -> None:
        super().__init__(values or ())
        self.on_update = on_update
        self.provided = values is not None

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: str, value: t.Any) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def pop(self, key: str, *default: t.Any) -> t.Any:
        had = key in self
        rv = super().pop(key, *default)
        if had:
            self._changed()
        return rv

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def clear(self) -> None:
        super().clear()
        self._changed()

    def to_header(self) -> str:
        return "; ".join(f"{key} {value}" for key, value in self.items())

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        kv_str = " ".join(f"{k}={v!r}" for k, v in sorted(self.items()))
        return f"<{type(self).__name__} {kv_str}>"


def _csp_directive(key: str) -> property:
    def fset(self: ContentSecurityPolicy, value: str | None) -> None:
        if value is None:
            self.pop(key, None)
        else:
            self[key] = value

    return property(lambda self: self.get(key), fset, lambda self: self.pop(key, None), doc=f"The ``{key}`` directive.")


for _key in _CSP_DIRECTIVES:
    setattr(ContentSecurityPolicy, _key.replace("-", "_"), _csp_directive(_key))
del _key


def parse_csp_header(value: str | None, on_update: t.Callable[[t.Any], None] | None = None) -> ContentSecurityPolicy:
    if value is None:
        return ContentSecurityPolicy((), on_update)
    items = []
    for policy in value.split(";"):
        policy = policy.strip(" \t")
        if " " in policy:  # a directive without a value is dropped, as Werkzeug does
            directive, _, directive_value = policy.partition(" ")
            items.append((directive.strip(" \t"), directive_value.strip(" \t")))
    return ContentSecurityPolicy(items, on_update)


def _csp_property(name: str) -> property:
    lower = name.lower()

    def fget(self: t.Any) -> ContentSecurityPolicy:
        headers = self.headers

        def on_update(csp: ContentSecurityPolicy) -> None:
            if not csp:
                headers.remove(name)
            else:
                headers[name] = csp.to_header()

        return parse_csp_header(headers.get(lower), on_update)

    def fset(self: t.Any, value: ContentSecurityPolicy | str | None) -> None:
        if not value:
            self.headers.remove(name)
        elif isinstance(value, str):
            self.headers[name] = value
        else:
            self.headers[name] = value.to_header()

    return property(fget, fset, doc=f"``{name}`` as a ``ContentSecurityPolicy`` that writes changes back.")


content_security_policy = _csp_property("Content-Security-Policy")
# Werkzeug's spelling of the name, kept so that the headers compare equal
content_security_policy_report_only = _csp_property("Content-Security-policy-report-only")

#: the names ``Response`` takes from this module
PROPERTIES = (
    "date",
    "expires",
    "last_modified",
    "age",
    "retry_after",
    "accept_ranges",
    "content_md5",
    "cache_control",
    "content_range",
    "content_security_policy",
    "content_security_policy_report_only",
    "access_control_allow_origin",
    "access_control_allow_credentials",
    "access_control_allow_headers",
    "access_control_allow_methods",
    "access_control_expose_headers",
    "access_control_max_age",
    "cross_origin_opener_policy",
    "cross_origin_embedder_policy",
)
