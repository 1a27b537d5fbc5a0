"""Flask's tagged JSON (``flask.json.tag``): JSON that brings back what
plain JSON would lose (tuples, bytes, ``Markup``, UUIDs, datetimes, a dict
whose one key looks like a tag), for the session cookie.

The wire format is Flask's, tag for tag, so a session written by a Flask
app reads back here and the other way round: every value is tagged by the
first tag in ``order`` whose ``check`` accepts it, as ``{" key": json}``.
"""

from __future__ import annotations

import typing as t
from base64 import b64decode, b64encode
from datetime import datetime
from uuid import UUID

from ..http import http_date, parse_date
from . import dumps, loads

__all__ = ["JSONTag", "TaggedJSONSerializer"]


class JSONTag:
    """One kind of value: ``check`` says whether a value is of it, ``key``
    (empty for the pass-through tags) marks it in the JSON."""

    __slots__ = ("serializer",)
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        raise NotImplementedError

    def tag(self, value: t.Any) -> dict[str, t.Any]:
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """A dict of one key that is a tag's: the key gets ``__`` appended, so
    the dict is not read back as the tagged value it looks like."""

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in self.serializer.tags

    def to_json(self, value: t.Any) -> t.Any:
        key = next(iter(value))
        return {f"{key}__": self.serializer.tag(value[key])}

    def to_python(self, value: t.Any) -> t.Any:
        key = next(iter(value))
        return {key[:-2]: value[key]}


class PassDict(JSONTag):
    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        # JSON keys are strings: only the values are tagged
        return {k: self.serializer.tag(v) for k, v in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        return [self.serializer.tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        return tuple(value)


class PassList(JSONTag):
    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        return [self.serializer.tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        return b64decode(value)


class TagMarkup(JSONTag):
    """Anything with ``__html__`` (markupsafe's ``Markup``, which comes back
    as ``Markup``; markupsafe is Jinja2's, so it is imported only here)."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        try:
            from markupsafe import Markup
        except ImportError:  # written by an app that had it; read as text
            return value
        return Markup(value)


class TagUUID(JSONTag):
    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        return UUID(value)


class TagDateTime(JSONTag):
    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        return parse_date(value)


class TaggedJSONSerializer:
    """Tags values on ``dumps``, untags them on ``loads``; ``register``
    adds a tag of the application's own (Flask's API)."""

    __slots__ = ("tags", "order")

    default_tags = [TagDict, PassDict, TagTuple, PassList, TagBytes, TagMarkup, TagUUID, TagDateTime]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for cls in self.default_tags:
            self.register(cls)

    def register(self, tag_class: type[JSONTag], force: bool = False, index: int | None = None) -> None:
        """Add a tag; ``force`` replaces one with the same key, ``index``
        puts it earlier in the order (it is checked before those after)."""
        tag = tag_class(self)
        key = tag.key
        if key:
            if not force and key in self.tags:
                raise KeyError(f"Tag '{key}' is already registered.")
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: t.Any) -> t.Any:
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        if len(value) != 1:
            return value
        key = next(iter(value))
        if key not in self.tags:
            return value
        return self.tags[key].to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        # innermost first, so a tag's to_python sees untagged values
        if isinstance(value, dict):
            return self.untag({k: self._untag_scan(v) for k, v in value.items()})
        if isinstance(value, list):
            return [self._untag_scan(item) for item in value]
        return value

    def dumps(self, value: t.Any) -> str:
        return dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> t.Any:
        return self._untag_scan(loads(value))
