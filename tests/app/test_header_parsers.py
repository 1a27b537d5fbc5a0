"""``fastdispatch.http``'s header parsers and their inverse against
Werkzeug 3.1's ``werkzeug.http``: ``parse_list_header``,
``parse_dict_header``, ``parse_set_header``, ``parse_accept_header``,
``parse_cache_control_header``, ``dump_header``, ``quote_header_value``,
``unquote_header_value``, on hypothesis-generated text."""

from __future__ import annotations

import werkzeug.http
from hypothesis import given
from hypothesis import strategies as st

from fastdispatch import cache_control as fd_cache_control
from fastdispatch import datastructures as fd_datastructures
from fastdispatch import http as fd_http

from .headers_oracle import SETTINGS, outcome

# Heavy on the characters the parsers treat specially.
_text = st.lists(st.sampled_from(list(',;="\\ \t*\'%abcXYZ019-_./') + ["\u00e9", "\u20ac", "UTF-8''", "%e2%82%ac"]), max_size=20).map("".join)


@SETTINGS
@given(value=_text)
def test_parsers_as_werkzeug(value):
    for name in ("parse_list_header", "parse_dict_header", "unquote_header_value"):
        assert outcome(lambda n=name: getattr(fd_http, n)(value)) == outcome(lambda n=name: getattr(werkzeug.http, n)(value)), name
    ours, theirs = fd_datastructures.parse_set_header(value), werkzeug.http.parse_set_header(value)
    assert (list(ours), ours.to_header()) == (list(theirs), theirs.to_header())
    assert list(fd_http.parse_accept_header(value)) == list(werkzeug.http.parse_accept_header(value))
    assert dict(fd_cache_control.parse_cache_control_header(value)) == dict(werkzeug.http.parse_cache_control_header(value))


@SETTINGS
@given(
    items=st.one_of(
        st.lists(_text, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b*", "realm", "x-y"]), st.one_of(st.none(), _text, st.integers()), max_size=4),
    ),
    allow_token=st.booleans(),
)
def test_dump_and_quote_as_werkzeug(items, allow_token):
    assert fd_http.dump_header(items) == werkzeug.http.dump_header(items)
    for value in items:
        assert fd_http.quote_header_value(value, allow_token) == werkzeug.http.quote_header_value(value, allow_token)
        quoted = fd_http.quote_header_value(value, allow_token=False)
        assert fd_http.unquote_header_value(quoted) == str(value)
