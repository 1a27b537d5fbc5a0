"""``Request.accept_mimetypes`` / ``accept_charsets`` / ``accept_encodings``
/ ``accept_languages`` against Werkzeug 3.1's on the same environ: the
parsed pairs, ``provided``, ``best``, ``to_header``, ``quality``, ``in``,
``find`` and ``best_match`` for generated offers, hypothesis-generated
headers well-formed and not (a malformed header never raises)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastdispatch.accept import Accept, CharsetAccept, LanguageAccept, MIMEAccept
from fastdispatch.http import parse_accept_header

from .headers_oracle import (
    CHARSET_OFFERS,
    ENCODING_OFFERS,
    LANG_OFFERS,
    MIME_OFFERS,
    SETTINGS,
    both,
    charset_items,
    encoding_items,
    environ,
    header_of,
    lang_items,
    mime_items,
    outcome,
)

PROPS = {
    "accept": ("accept_mimetypes", header_of(mime_items()), MIME_OFFERS),
    "accept_language": ("accept_languages", header_of(lang_items()), LANG_OFFERS),
    "accept_charset": ("accept_charsets", header_of(charset_items()), CHARSET_OFFERS),
    "accept_encoding": ("accept_encodings", header_of(encoding_items()), ENCODING_OFFERS),
}


def summary(acc, offers, probes):
    return {
        "type": type(acc).__name__,
        "pairs": [tuple(p) for p in acc],
        "provided": acc.provided,
        "best": acc.best,
        "header": acc.to_header(),
        "str": str(acc),
        "values": list(acc.values()),
        "best_match": outcome(lambda: acc.best_match(offers)),
        "best_match_default": outcome(lambda: acc.best_match(offers[:1], default="nothing")),
        "quality": [outcome(lambda p=p: acc.quality(p)) for p in probes],
        "getitem": [outcome(lambda p=p: acc[p]) for p in probes],
        "contains": [outcome(lambda p=p: p in acc) for p in probes],
        "find": [outcome(lambda p=p: acc.find(p)) for p in probes],
    }


def compare(header_key, value, offers):
    prop, _, all_offers = PROPS[header_key]
    wz, fd = both(environ(**({header_key: value} if value is not None else {})))
    wz_acc, fd_acc = getattr(wz, prop), getattr(fd, prop)
    probes = all_offers[:4]
    assert summary(fd_acc, offers, probes) == summary(wz_acc, offers, probes), value
    if prop == "accept_mimetypes":
        for attr in ("accept_html", "accept_json", "accept_xhtml"):
            assert getattr(fd_acc, attr) == getattr(wz_acc, attr)
    assert getattr(fd, prop) is fd_acc  # computed once


@pytest.mark.parametrize("header_key", list(PROPS))
@SETTINGS
@given(data=st.data())
def test_accept_headers_as_werkzeug(header_key, data):
    _, values, all_offers = PROPS[header_key]
    value = data.draw(values, label="header")
    offers = data.draw(st.lists(st.sampled_from(all_offers), min_size=1, max_size=5, unique=True), label="offers")
    compare(header_key, value, offers)


@pytest.mark.parametrize(
    "header_key,value,offers",
    [
        ("accept", None, ["text/html"]),
        ("accept", "", ["text/html"]),
        ("accept", "text/html;q=0.9, application/json, */*;q=0.1", ["text/html", "application/json"]),
        ("accept", "text/*, text/html;level=1, */*;q=0.5", ["text/html", "text/html;level=1", "image/png"]),
        ("accept", "text/html;q=0", ["text/html", "text/plain"]),
        ("accept", 'text/html;q="0.5"', ["text/html"]),
        ("accept", "text/html;q=2, application/json;q=abc", ["text/html"]),
        ("accept", "*/html, text", ["text/html"]),
        ("accept", 'a/b;x="unterminated', ["a/b"]),
        ("accept", "application/xml", ["application/json"]),
        ("accept", "text/html", ["html"]),  # an invalid offer raises ValueError in both
        ("accept", "text/html", ["*/html"]),
        ("accept_language", "en-US,en;q=0.8", ["en", "de"]),
        ("accept_language", "en", ["en-GB", "de"]),
        ("accept_language", "en-US", ["en", "en-GB"]),
        ("accept_language", "de-CH, fr;q=0.5", ["en_US", "fr-FR"]),
        ("accept_language", "*", ["pt-BR"]),
        ("accept_charset", "UTF8, latin1;q=0.5", ["utf-8", "iso-8859-1"]),
        ("accept_charset", "nosuch, \x00", ["utf-8"]),
        ("accept_encoding", "gzip;q=1.0, identity; q=0.5, *;q=0", ["br", "gzip"]),
    ],
)
def test_accept_cases(header_key, value, offers):
    compare(header_key, value, offers)


def test_parse_accept_header_default_class_and_immutability():
    acc = parse_accept_header("gzip, br;q=0.5")
    assert type(acc) is Accept and acc == [("gzip", 1), ("br", 0.5)]
    assert parse_accept_header(None).provided is False
    with pytest.raises(TypeError):
        acc.append(("x", 1))
    with pytest.raises(TypeError):
        acc[0] = ("x", 1)
    assert acc.index("GZIP") == 0 and acc.find("zstd") == -1
    with pytest.raises(ValueError):
        acc.index("zstd")
    assert pickle.loads(pickle.dumps(acc)) == acc
    assert repr(acc) == "Accept([('gzip', 1), ('br', 0.5)])"
    assert hash(acc) == hash(parse_accept_header("gzip, br;q=0.5"))


def test_classes_match_werkzeugs_directly():
    import werkzeug.datastructures as wd

    for ours, theirs, values, offers in [
        (MIMEAccept, wd.MIMEAccept, [("text/html", 1), ("*/*", 0.5), ("text/*", 0.7)], ["image/png", "text/plain"]),
        (LanguageAccept, wd.LanguageAccept, [("en-US", 0.9), ("de", 1)], ["en", "fr"]),
        (CharsetAccept, wd.CharsetAccept, [("utf8", 1), ("latin-1", 0.2)], ["UTF-8"]),
    ]:
        a, b = ours(values), theirs(values)
        assert list(a) == list(b) and a.best_match(offers) == b.best_match(offers) and a.to_header() == b.to_header()
        assert ours(a) == a and ours(a).provided


def test_plain_request_imports_nothing_new():
    import subprocess
    import sys

    code = (
        "import sys, fastdispatch\n"
        "from fastdispatch.request import Request\n"
        "r = Request({'REQUEST_METHOD': 'GET', 'PATH_INFO': '/', 'HTTP_HOST': 'x'})\n"
        "r.args; r.headers; r.host; r.url\n"
        "assert not {'fastdispatch.accept', 'fastdispatch.auth', 'fastdispatch.cache_control', 'fastdispatch.middleware'} & set(sys.modules), sorted(sys.modules)\n"
        "r.accept_mimetypes\n"
        "assert 'fastdispatch.accept' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
