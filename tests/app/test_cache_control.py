"""``Request.cache_control`` (and ``pragma``, ``date``, ``max_forwards``, the
CORS preflight headers, ``content_md5``) against Werkzeug 3.1's on the same
environ; ``ResponseCacheControl`` against Werkzeug's: typed properties,
setting them, ``on_update`` after each change, ``to_header``."""

from __future__ import annotations

import pickle

import pytest
import werkzeug.datastructures as wd
import werkzeug.http
from hypothesis import given
from hypothesis import strategies as st

from fastdispatch import cache_control as fd_cache_control
from fastdispatch.cache_control import CacheControl, RequestCacheControl, ResponseCacheControl, cache_control_property

from .headers_oracle import SETTINGS, both, environ, outcome

REQUEST_PROPS = ("no_cache", "no_store", "max_age", "max_stale", "min_fresh", "no_transform", "only_if_cached", "stale_if_error")
RESPONSE_PROPS = (
    "no_cache",
    "no_store",
    "max_age",
    "no_transform",
    "stale_if_error",
    "public",
    "private",
    "must_revalidate",
    "proxy_revalidate",
    "s_maxage",
    "immutable",
    "must_understand",
    "stale_while_revalidate",
)


def cc_summary(cc, props):
    return {
        "type": type(cc).__name__,
        "dict": dict(cc),
        "provided": cc.provided,
        "header": cc.to_header(),
        "str": str(cc),
        "repr": repr(cc).replace("werkzeug.datastructures.", ""),
        **{p: getattr(cc, p) for p in props},
    }


def compare_request(value):
    wz, fd = both(environ(**({} if value is None else {"cache_control": value})))
    assert cc_summary(fd.cache_control, REQUEST_PROPS) == cc_summary(wz.cache_control, REQUEST_PROPS), value
    assert fd.cache_control is fd.cache_control


_directive = st.sampled_from(
    ["no-cache", "no-store", "max-age", "max-stale", "min-fresh", "no-transform", "only-if-cached", "stale-if-error", "private", "x-ext", "MAX-AGE"]
)
_value = st.one_of(
    st.none(),
    st.sampled_from(["0", "10", "-1", "abc", '"5"', '"a, b"', "", "1.5", " 7", "99999999999999999999", '"unterminated']),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=6),
)


@st.composite
def cache_headers(draw):
    parts = []
    for d, v in draw(st.lists(st.tuples(_directive, _value), max_size=5)):
        parts.append(d if v is None else f"{d}={v}")
    return draw(st.sampled_from([", ", ",", " , ", ",,"])).join(parts)


@SETTINGS
@given(value=st.one_of(cache_headers(), st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20)))
def test_request_cache_control_as_werkzeug(value):
    compare_request(value)


@pytest.mark.parametrize(
    "value",
    [None, "", "no-cache", "max-age=0", "max-age", "max-stale", "max-stale=30", "min-fresh", "min-fresh=x", 'no-cache="set-cookie"', "only-if-cached, no-transform"],
)
def test_request_cache_control_cases(value):
    compare_request(value)


def test_request_cache_control_is_read_only():
    cc = fd_cache_control.parse_cache_control_header("max-age=5")
    assert type(cc) is RequestCacheControl
    for change in (lambda: cc.__setitem__("a", "b"), lambda: cc.pop("max-age"), lambda: cc.update(a="b"), cc.clear, lambda: setattr(cc, "max_age", 3)):
        with pytest.raises(TypeError):
            change()
    assert cc == {"max-age": "5"} and hash(cc) == hash(fd_cache_control.parse_cache_control_header("max-age=5"))
    assert pickle.loads(pickle.dumps(cc)) == cc


def response_steps(cls, http):
    """The same changes through either framework's response cache control;
    what the header is after each, and what the properties read."""
    seen = []
    cc = http.parse_cache_control_header("max-age=10, private", lambda c: seen.append(c.to_header()), cls)
    cc.max_age = 20
    cc.public = True
    cc.private = False
    cc.no_cache = True
    cc.no_cache = "Set-Cookie"
    cc.s_maxage = "30"
    cc.immutable = True
    cc.must_revalidate = False  # absent: no change notified
    cc.stale_while_revalidate = None
    cc["x-ext"] = "1"
    del cc["x-ext"]
    cc.setdefault("a", "b")
    cc.setdefault("a", "c")
    cc.pop("a")
    cc.pop("a", None)
    cc.update({"must-understand": None})
    del cc.max_age
    seen.append(outcome(lambda: setattr(cc, "max_age", "abc")))
    seen.append({p: getattr(cc, p) for p in RESPONSE_PROPS})
    seen.append(cc.to_header())
    cc.clear()
    seen.append(cc.provided)
    return seen


def test_response_cache_control_as_werkzeug():
    assert response_steps(ResponseCacheControl, fd_cache_control) == response_steps(wd.ResponseCacheControl, werkzeug.http)


def test_cache_property_for_extensions():
    class MyCacheControl(ResponseCacheControl):
        stale_if_busy = cache_control_property("stale-if-busy", None, int)
        other = CacheControl.cache_property("other", "*", None)

    cc = MyCacheControl()
    cc.stale_if_busy = 5
    cc.other = True
    assert cc == {"stale-if-busy": "5", "other": None} and cc.other == "*" and cc.stale_if_busy == 5
    assert "stale-if-busy" in MyCacheControl.stale_if_busy.__doc__


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"pragma": "no-cache"},
        {"pragma": 'no-cache, x="a, b"'},
        {"date": "Wed, 21 Oct 2015 07:28:00 GMT"},
        {"date": "yesterday"},
        {"max_forwards": "3"},
        {"max_forwards": "three"},
        {"max_forwards": " 7 "},
        {"access_control_request_headers": "X-Token, content-type"},
        {"access_control_request_headers": ""},
        {"access_control_request_method": "PUT"},
        {"content_md5": "Q2hlY2sgSW50ZWdyaXR5IQ=="},
        {"referer": "http://a/b", "origin": "http://a", "user_agent": "curl/8"},
        {"x_forwarded_for": "1.2.3.4, 5.6.7.8"},
    ],
)
def test_other_request_headers_as_werkzeug(headers):
    wz, fd = both(environ(**headers))
    for name in ("date", "max_forwards", "access_control_request_method", "content_md5", "referrer", "origin", "access_route", "is_secure"):
        assert getattr(fd, name) == getattr(wz, name), name
    assert fd.user_agent.string == wz.user_agent.string
    for name in ("pragma", "access_control_request_headers"):
        ours, theirs = getattr(fd, name), getattr(wz, name)
        assert (None if ours is None else (list(ours), ours.to_header())) == (None if theirs is None else (list(theirs), theirs.to_header())), name
