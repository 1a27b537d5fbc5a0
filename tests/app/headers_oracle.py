"""What the header tests share: an environ both frameworks' requests read,
Werkzeug's request on it, the outcome of a call (value or exception type)
and hypothesis strategies for header values, well-formed and not."""

from __future__ import annotations

import os
import typing as t

import werkzeug.wrappers
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from fastdispatch.request import Request

EXAMPLES = int(os.environ.get("FASTDISPATCH_HYPOTHESIS_EXAMPLES", "200"))
SETTINGS = settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def environ(**headers: str) -> dict[str, t.Any]:
    """A GET to http://example.com/ with ``HTTP_*`` keys from ``headers``
    (``accept_language="en"`` -> ``HTTP_ACCEPT_LANGUAGE``)."""
    env: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "example.com",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
    }
    for key, value in headers.items():
        env[f"HTTP_{key.upper()}"] = value
    return env


def both(env: dict[str, t.Any]) -> tuple[werkzeug.wrappers.Request, Request]:
    """Werkzeug's request and ours on copies of the same environ."""
    return werkzeug.wrappers.Request(dict(env)), Request(dict(env))


def outcome(func: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    """``("ok", value)`` or ``("raised", exception type name)``: what two
    implementations must agree on."""
    try:
        return "ok", func()
    except Exception as e:  # noqa: BLE001 (a raise is a result to compare)
        return "raised", type(e).__name__


# Header text as a WSGI server hands it over: latin-1 code points, no CR/LF.
_junk = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=12)
_token = st.text("abcdefxyzABCXYZ0129-_.+!#$%&'^`|~", min_size=1, max_size=8)
_ws = st.sampled_from(["", " ", "  ", "\t"])
_q = st.one_of(
    st.sampled_from(["1", "0", "0.5", "0.8", "0.001", "1.0", "0.0", "1.5", "-0.1", "abc", "", ".5", "0.50", " 0.3"]),
    st.floats(0, 1).map(lambda f: f"{f:.3f}"),
)


def _params(draw: t.Any) -> str:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(["q", "level", "charset", "Q", "x"]))
        value = draw(st.one_of(_q, _token, st.just('"quoted, value"')))
        out.append(f"{draw(_ws)};{draw(_ws)}{key}={value}")
    return "".join(out)


@st.composite
def mime_items(draw: t.Any) -> str:
    kind = draw(st.sampled_from(["text", "application", "image", "*", "TEXT", "x"]))
    sub = draw(st.sampled_from(["html", "json", "xml", "*", "xhtml+xml", "plain", "Html", "a+json"]))
    item = draw(st.one_of(st.just(f"{kind}/{sub}"), st.just(kind), _token))
    return item + _params(draw)


@st.composite
def lang_items(draw: t.Any) -> str:
    item = draw(st.sampled_from(["en", "en-US", "en_us", "de", "de-CH", "fr-FR", "*", "zh-Hant-TW", "EN-gb", "pt"]))
    return item + _params(draw)


@st.composite
def charset_items(draw: t.Any) -> str:
    item = draw(st.sampled_from(["utf-8", "UTF8", "iso-8859-1", "latin1", "ascii", "*", "utf-16", "nosuchcharset"]))
    return item + _params(draw)


@st.composite
def encoding_items(draw: t.Any) -> str:
    item = draw(st.sampled_from(["gzip", "br", "deflate", "identity", "*", "GZIP", "zstd", "compress"]))
    return item + _params(draw)


def header_of(items: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Comma-separated items with spacing variations, sometimes with junk
    (broken quotes, stray separators, non-ASCII) mixed in or alone."""

    @st.composite
    def build(draw: t.Any) -> str:
        parts = draw(st.lists(st.one_of(items, items, items, _junk), max_size=5))
        sep = draw(st.sampled_from([",", ", ", " ,", ",,", ",\t"]))
        return sep.join(parts)

    return st.one_of(build(), build(), build(), _junk, st.just(""))


MIME_OFFERS = [
    "text/html",
    "application/json",
    "application/xml",
    "text/plain",
    "image/png",
    "*/*",
    "text/*",
    "text/html;level=1",
    "application/xhtml+xml",
]
LANG_OFFERS = ["en", "en-US", "en-GB", "de", "de-DE", "fr", "pt-BR", "zh-Hant", "en_US"]
CHARSET_OFFERS = ["utf-8", "UTF-8", "latin-1", "iso-8859-1", "ascii", "utf-16", "koi8-r"]
ENCODING_OFFERS = ["gzip", "br", "deflate", "identity", "zstd"]
