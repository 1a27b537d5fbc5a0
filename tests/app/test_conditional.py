"""Conditional and partial responses against Werkzeug 3.1 directly: the
header parsers (``Range``, ``If-None-Match``, dates, ``Content-Range``,
``If-Range``) on hypothesis-made values, ``is_resource_modified``,
``Response.make_conditional`` on the same response and request, the
request's ``if_*``/``range`` attributes and the response's typed header
properties (cache control, dates, CORS, policy, content range).  The
request-by-request comparison with Flask is in test_files.py."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
import werkzeug.datastructures
import werkzeug.http
import werkzeug.wrappers
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdispatch import Request, Response
from fastdispatch import conditional as fd_conditional
from fastdispatch import http as fd_http
from fastdispatch.cache_control import RequestCacheControl, ResponseCacheControl, parse_cache_control_header
from fastdispatch.exceptions import RequestedRangeNotSatisfiable

EXAMPLES = int(os.environ.get("FASTDISPATCH_HYPOTHESIS_EXAMPLES", "200"))


def _both(body: object = "x") -> tuple[Response, werkzeug.wrappers.Response]:
    """The same response on each (Werkzeug's default type is text/plain)."""
    return Response(body, mimetype="text/html"), werkzeug.wrappers.Response(body, mimetype="text/html")


def _text(value: object) -> str:
    try:
        return str(value)
    except ValueError as e:  # an If-Range tag with a quote in it does not format, on either
        return f"ValueError: {e}"


def _same(ours: object, theirs: object) -> None:
    if theirs is None:
        assert ours is None
        return
    assert type(ours).__name__ == type(theirs).__name__
    assert _text(ours) == _text(theirs)
    assert {k: v for k, v in vars(ours).items() if k != "on_update"} == {k: v for k, v in vars(theirs).items() if k != "on_update"}


# -- parsers ---------------------------------------------------------------------

_num = st.one_of(st.integers(0, 2000).map(str), st.sampled_from(["", "-1", "+5", "1_0", " 3", "٣", "x", "00"]))
_range_item = st.one_of(
    st.builds(lambda a, b: f"{a}-{b}", _num, _num),
    st.builds(lambda a: f"-{a}", _num),
    st.builds(lambda a: f"{a}-", _num),
    st.sampled_from(["", "-", "abc", " 1 - 2 ", "\t5-"]),
)
range_headers = st.one_of(
    st.builds(lambda unit, items: f"{unit}={','.join(items)}", st.sampled_from(["bytes", "Bytes", " bytes ", "items", ""]), st.lists(_range_item, min_size=1, max_size=4)),
    st.text(alphabet="bytes=0123456789-, ", max_size=20),
)
_tag = st.text(alphabet='abcXYZ09-"/ W,\t', max_size=8)
etag_headers = st.one_of(
    st.lists(st.builds(lambda w, q, tag: f"{w}{q}{tag}{q}", st.sampled_from(["", "W/", "w/"]), st.sampled_from(['"', ""]), _tag), max_size=4).map(", ".join),
    st.sampled_from(["*", " *", "", '"a", *']),
    st.text(alphabet='aW/",* ', max_size=12),
)
_dates = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2090, 1, 1)).map(lambda d: d.replace(microsecond=0, tzinfo=timezone.utc))
date_headers = st.one_of(
    _dates.map(fd_http.http_date),
    _dates.map(lambda d: d.strftime("%A, %d-%b-%y %H:%M:%S GMT")),
    _dates.map(lambda d: d.strftime("%a %b %d %H:%M:%S %Y")),
    st.sampled_from(["", "not a date", "Wed, 01 May 2024 12:00:00 +0200", "Wed, 31 Feb 2024 12:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"]),
    st.text(max_size=12),
)
content_range_headers = st.one_of(
    st.builds(lambda u, a, b, n: f"{u} {a}-{b}/{n}", st.sampled_from(["bytes", "items"]), _num, _num, st.one_of(_num, st.just("*"))),
    st.builds(lambda n: f"bytes */{n}", st.one_of(_num, st.just("*"))),
    st.text(alphabet="bytes */-0123456789", max_size=16),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(range_headers)
def test_parse_range_header(value: str) -> None:
    ours, theirs = fd_conditional.parse_range_header(value), werkzeug.http.parse_range_header(value)
    _same(ours, theirs)
    if theirs is not None:
        for length in (0, 1, 10, 1000, None):
            assert ours.range_for_length(length) == theirs.range_for_length(length)
            assert ours.to_content_range_header(length) == theirs.to_content_range_header(length)
            _same(ours.make_content_range(length), theirs.make_content_range(length))
        assert ours.to_header() == theirs.to_header()


@settings(max_examples=EXAMPLES, deadline=None)
@given(etag_headers, _tag)
def test_parse_etags(value: str, tag: str) -> None:
    ours, theirs = fd_conditional.parse_etags(value), werkzeug.http.parse_etags(value)
    assert ours.as_set(True) == theirs.as_set(True)
    assert ours.as_set() == theirs.as_set()
    assert ours.star_tag == theirs.star_tag
    assert bool(ours) == bool(theirs) and len(ours) == len(theirs)
    assert ours.to_header() == theirs.to_header() or set(ours.to_header().split(", ")) == set(theirs.to_header().split(", "))
    # an empty quoted tag parses as None, on both
    for probe in {tag, *theirs.as_set(True)} - {None}:
        assert ours.contains(probe) == theirs.contains(probe)
        assert ours.contains_weak(probe) == theirs.contains_weak(probe)
        assert ours.is_weak(probe) == theirs.is_weak(probe)
        assert (probe in ours) == (probe in theirs)
        assert ours(probe, include_weak=True) == theirs(probe, include_weak=True)
    for raw in (value, f'"{tag}"', f'W/"{tag}"'):
        if '"' not in tag:
            assert ours.contains_raw(raw) == theirs.contains_raw(raw)
    assert fd_http.unquote_etag(value) == werkzeug.http.unquote_etag(value)


@settings(max_examples=EXAMPLES, deadline=None)
@given(date_headers)
def test_parse_date_and_if_range(value: str) -> None:
    assert fd_http.parse_date(value) == werkzeug.http.parse_date(value)
    _same(fd_conditional.parse_if_range_header(value), werkzeug.http.parse_if_range_header(value))


@settings(max_examples=EXAMPLES, deadline=None)
@given(content_range_headers)
def test_parse_content_range_header(value: str) -> None:
    _same(fd_conditional.parse_content_range_header(value), werkzeug.http.parse_content_range_header(value))


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "HTTP_IF_NONE_MATCH": etag_headers,
            "HTTP_IF_MATCH": etag_headers,
            "HTTP_IF_MODIFIED_SINCE": date_headers,
            "HTTP_RANGE": range_headers,
            "HTTP_IF_RANGE": st.one_of(date_headers, etag_headers),
        },
    ),
    st.one_of(st.none(), st.sampled_from(['"v1"', 'W/"v1"', "v1", '"a"'])),
    st.one_of(st.none(), _dates, date_headers),
    st.booleans(),
)
def test_is_resource_modified(environ: dict[str, str], etag: str | None, last_modified: object, ignore_if_range: bool) -> None:
    environ = {"REQUEST_METHOD": "GET", **environ}
    args = dict(etag=etag, last_modified=last_modified, ignore_if_range=ignore_if_range)
    assert fd_conditional.is_resource_modified(environ, **args) == werkzeug.http.is_resource_modified(environ, **args)


def test_quote_generate_byte_range() -> None:
    for tag, weak in (("a", False), ("a", True), ("", False)):
        assert fd_http.quote_etag(tag, weak) == werkzeug.http.quote_etag(tag, weak)
    with pytest.raises(ValueError):
        fd_http.quote_etag('a"b')
    assert fd_http.generate_etag(b"data") == werkzeug.http.generate_etag(b"data")
    for args in [(None, None, None), (0, 1, 1), (0, 0, 5), (3, 2, 5), (0, 5, 5), (5, 6, 5), (0, None, 5), (None, None, -1), (2, 9, None)]:
        assert fd_http.is_byte_range_valid(*args) == werkzeug.http.is_byte_range_valid(*args)
    environ = {"HTTP_IF_NONE_MATCH": f'"{werkzeug.http.generate_etag(b"x")}"'}
    assert fd_conditional.is_resource_modified(environ, data=b"x") == werkzeug.http.is_resource_modified(environ, data=b"x") is False
    with pytest.raises(TypeError):
        fd_conditional.is_resource_modified(environ, etag='"a"', data=b"x")


# -- make_conditional on the same response and request ------------------------------

_CONDITION_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_IF_NONE_MATCH": st.one_of(etag_headers, st.sampled_from(['"v1"', 'W/"v1"'])),
        "HTTP_IF_MATCH": st.one_of(etag_headers, st.sampled_from(['"v1"', '"v2"'])),
        "HTTP_IF_MODIFIED_SINCE": st.one_of(date_headers, st.just("Wed, 01 May 2024 12:00:00 GMT")),
        "HTTP_RANGE": range_headers,
        "HTTP_IF_RANGE": st.one_of(st.sampled_from(['"v1"', "Wed, 01 May 2024 12:00:00 GMT"]), date_headers),
    },
)


def _pair(body: bytes, etag: str | None, last_modified: datetime | None, streamed: bool) -> list[object]:
    out = []
    for cls in (Response, werkzeug.wrappers.Response):
        rv = cls(iter([body[:3], body[3:]]) if streamed else body, mimetype="text/plain")
        if etag is not None:
            rv.set_etag(etag)
        if last_modified is not None:
            rv.last_modified = last_modified
        rv.headers["Date"] = "Wed, 01 May 2024 13:00:00 GMT"
        out.append(rv)
    return out


def _outcome(rv: object, environ: dict[str, str], accept_ranges: object, complete_length: int | None) -> object:
    try:
        rv.make_conditional(environ, accept_ranges=accept_ranges, complete_length=complete_length)
    except Exception as e:  # noqa: BLE001 (compared)
        return (type(e).__name__, getattr(e, "length", None), e.code)
    status_code = rv.status_code
    body = b"".join(rv.iter_encoded()) if status_code not in (304, 412) else None
    return status_code, sorted(rv.headers.items()), body


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    _CONDITION_HEADERS,
    st.sampled_from(["GET", "HEAD", "POST"]),
    st.sampled_from([None, "v1", "v2"]),
    st.sampled_from([None, datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), datetime(2024, 4, 1, tzinfo=timezone.utc)]),
    st.sampled_from([False, True, "bytes", "none"]),
    st.booleans(),
    st.booleans(),
)
def test_make_conditional_as_werkzeug(environ: dict[str, str], method: str, etag: str | None, last_modified: datetime | None, accept_ranges: object, with_length: bool, streamed: bool) -> None:
    body = b"0123456789" * 3
    environ = {"REQUEST_METHOD": method, **environ}
    ours, theirs = _pair(body, etag, last_modified, streamed)
    length = len(body) if with_length else None
    assert _outcome(ours, environ, accept_ranges, length) == _outcome(theirs, environ, accept_ranges, length)


def test_make_conditional_takes_a_request_and_sets_date() -> None:
    rv = Response("hello")
    req = Request({"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"x"'})
    rv.set_etag("x")
    assert rv.make_conditional(req) is rv
    assert rv.status_code == 304
    assert fd_http.parse_date(rv.headers["Date"]) is not None


def test_unsatisfiable_range_is_416_with_content_range() -> None:
    rv = Response("hello")
    with pytest.raises(RequestedRangeNotSatisfiable) as info:
        rv.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=10-"}, accept_ranges=True, complete_length=5)
    page = info.value.get_response()
    assert page.status_code == 416
    assert page.headers["Content-Range"] == "bytes */5"


def test_304_sends_no_entity_headers() -> None:
    for cls in (Response, werkzeug.wrappers.Response):
        rv = cls("hello", headers={"Content-Language": "en", "Expires": "x", "Content-Location": "/a"})
        rv.set_etag("x")
        rv.last_modified = datetime(2024, 1, 1, tzinfo=timezone.utc)
        rv.make_conditional({"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"x"'})
        assert rv.status_code == 304
    fd_rv, wz_rv = (
        cls("hello", headers={"Content-Language": "en", "Expires": "x", "Content-Location": "/a", "Date": "d"}, mimetype="text/html")
        for cls in (Response, werkzeug.wrappers.Response)
    )
    for rv in (fd_rv, wz_rv):
        rv.set_etag("x")
        rv.status_code = 304
    assert sorted(fd_rv.get_wsgi_headers({}).items()) == sorted(wz_rv.get_wsgi_headers({"REQUEST_METHOD": "GET"}).items())


def test_etag_methods() -> None:
    for cls in (Response, werkzeug.wrappers.Response):
        rv = cls("body")
        assert rv.get_etag() == (None, None)
        rv.add_etag()
        first = rv.get_etag()
        rv.set_etag("w", weak=True)
        assert rv.get_etag() == ("w", True)
        rv.add_etag()
        assert rv.get_etag() == ("w", True)
        rv.add_etag(overwrite=True)
        assert rv.get_etag() == first
    fd_rv, wz_rv = Response(iter([b"a", b"b"])), werkzeug.wrappers.Response(iter([b"a", b"b"]), mimetype="text/html")
    fd_rv.freeze()
    wz_rv.freeze()
    assert sorted(fd_rv.headers.items()) == sorted(wz_rv.headers.items())


# -- the request's attributes ----------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(_CONDITION_HEADERS, st.one_of(st.none(), date_headers))
def test_request_attributes(environ: dict[str, str], unmodified_since: str | None) -> None:
    environ = {"REQUEST_METHOD": "GET", "SERVER_NAME": "localhost", "SERVER_PORT": "80", "wsgi.url_scheme": "http", **environ}
    if unmodified_since is not None:
        environ["HTTP_IF_UNMODIFIED_SINCE"] = unmodified_since
    ours, theirs = Request(environ), werkzeug.wrappers.Request(environ)
    for name in ("if_match", "if_none_match"):
        assert getattr(ours, name).as_set(True) == getattr(theirs, name).as_set(True)
        assert getattr(ours, name).star_tag == getattr(theirs, name).star_tag
    assert ours.if_modified_since == theirs.if_modified_since
    assert ours.if_unmodified_since == theirs.if_unmodified_since
    _same(ours.if_range, theirs.if_range)
    _same(ours.range, theirs.range)


def test_request_attributes_are_lazy_and_not_slots() -> None:
    req = Request({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=0-1"})
    assert "range" not in req.__dict__
    assert req.range is req.range
    assert "range" in req.__dict__
    assert not {"range", "if_match", "if_none_match", "if_range", "if_modified_since", "if_unmodified_since"} & set(Request.__slots__)


# -- the response's typed headers ---------------------------------------------------------

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

ASSIGNMENTS = [
    ("date", WHEN),
    ("date", 0),
    ("expires", WHEN),
    ("expires", 1714564800.5),
    ("last_modified", WHEN),
    ("last_modified", datetime(2024, 5, 1, 12, 0)),
    ("age", timedelta(seconds=30)),
    ("age", 12),
    ("accept_ranges", "bytes"),
    ("content_md5", "Q2hlY2sgSW50ZWdyaXR5IQ=="),
    ("retry_after", WHEN),
    ("retry_after", 120),
    ("content_range", "bytes 0-9/100"),
    ("content_range", werkzeug.datastructures.ContentRange("bytes", 0, 10, 100)),
    ("access_control_allow_origin", "*"),
    ("access_control_allow_credentials", True),
    ("access_control_allow_credentials", False),
    ("access_control_max_age", 600),
    ("access_control_allow_headers", ["X-A", "Content-Type"]),
    ("access_control_allow_methods", ["GET", "POST"]),
    ("access_control_expose_headers", ["X-Total"]),
    ("content_security_policy", "default-src 'self'; img-src *"),
    ("content_security_policy_report_only", "script-src 'none'"),
    ("cross_origin_opener_policy", "same-origin"),
    ("cross_origin_embedder_policy", "require-corp"),
]


@pytest.mark.parametrize("name,value", ASSIGNMENTS, ids=[f"{n}={v!r}"[:40] for n, v in ASSIGNMENTS])
def test_header_property_as_werkzeug(name: str, value: object) -> None:
    fd_rv, wz_rv = _both()
    if isinstance(value, werkzeug.datastructures.ContentRange):
        fd_value = fd_conditional.ContentRange(value.units, value.start, value.stop, value.length)
    elif name.startswith("cross_origin_"):
        enum = "COOP" if "opener" in name else "COEP"
        assert getattr(fd_rv, name) is getattr(fd_http, enum).UNSAFE_NONE and getattr(wz_rv, name) is getattr(werkzeug.http, enum).UNSAFE_NONE
        fd_value, value = getattr(fd_http, enum)(value), getattr(werkzeug.http, enum)(value)
    else:
        fd_value = value
    setattr(fd_rv, name, fd_value)
    setattr(wz_rv, name, value)
    assert sorted(fd_rv.headers.items()) == sorted(wz_rv.headers.items())
    ours, theirs = getattr(fd_rv, name), getattr(wz_rv, name)
    if name == "retry_after" and isinstance(value, int):
        assert abs((ours - theirs).total_seconds()) < 5
    elif name.startswith("cross_origin_"):
        assert (type(ours).__name__, ours.value) == (type(theirs).__name__, theirs.value)
    elif isinstance(theirs, (str, int, bool, datetime, timedelta, type(None))):
        assert ours == theirs
    else:
        assert str(ours) == str(theirs)


@pytest.mark.parametrize("raw", ["no-cache", "public, max-age=60", 'private="set-cookie", s-maxage=5', "max-age=x", "", "immutable, must-revalidate, stale-while-revalidate=30"])
def test_cache_control_as_werkzeug(raw: str) -> None:
    responses = []
    for rv in _both():
        if raw:
            rv.headers["Cache-Control"] = raw
        cc = rv.cache_control
        snapshot = (cc.no_cache, cc.public, cc.private, cc.max_age, cc.s_maxage, cc.immutable, cc.must_revalidate, cc.stale_while_revalidate, cc.no_store)
        cc.max_age = 120
        cc.no_store = True
        cc.public = False
        cc.private = True
        del cc.s_maxage
        rv.cache_control.no_cache = None
        responses.append((snapshot, rv.headers.get("Cache-Control")))
    assert responses[0] == responses[1]


def test_cache_control_cleared_removes_the_header() -> None:
    for cls in (Response, werkzeug.wrappers.Response):
        rv = cls("x")
        rv.cache_control.max_age = 5
        assert rv.headers["Cache-Control"] == "max-age=5"
        rv.cache_control.max_age = None
        assert "Cache-Control" not in rv.headers


@pytest.mark.parametrize("raw", ["no-cache, max-stale", "max-stale=10, min-fresh=5, only-if-cached", "", "max-age=3"])
def test_request_cache_control_class(raw: str) -> None:
    ours = parse_cache_control_header(raw)
    theirs = werkzeug.http.parse_cache_control_header(raw)
    assert isinstance(ours, RequestCacheControl)
    for name in ("no_cache", "max_stale", "min_fresh", "only_if_cached", "max_age", "no_store", "no_transform"):
        assert getattr(ours, name) == getattr(theirs, name)
    with pytest.raises(TypeError):
        ours["x"] = "1"
    resp = parse_cache_control_header(raw, cls=ResponseCacheControl)
    assert dict(resp) == dict(werkzeug.http.parse_cache_control_header(raw, cls=werkzeug.datastructures.ResponseCacheControl))


def test_content_range_writes_back() -> None:
    for cls in (Response, werkzeug.wrappers.Response):
        rv = cls("x")
        assert not rv.content_range
        rv.content_range.set(0, 10, 100)
        assert rv.headers["Content-Range"] == "bytes 0-9/100"
        rng = rv.content_range
        rng.stop = 20
        assert rv.headers["Content-Range"] == "bytes 0-19/100"
        rng.unset()
        assert "Content-Range" not in rv.headers


def test_content_security_policy_writes_back() -> None:
    out = []
    for cls in (Response, werkzeug.wrappers.Response):
        rv = cls("x")
        csp = rv.content_security_policy
        csp.default_src = "'self'"
        csp.img_src = "*"
        rv.content_security_policy.script_src = "'none'"
        out.append((rv.headers["Content-Security-Policy"], rv.content_security_policy.img_src))
        rv.content_security_policy = None
        assert "Content-Security-Policy" not in rv.headers
    assert out[0] == out[1]
