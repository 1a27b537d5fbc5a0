"""URL converters with Werkzeug's interface (``regex``, ``weight``,
``part_isolating``, ``to_python``, ``to_url``), so a Flask app's custom
converter ports by changing its import.

The regular expressions are Werkzeug's to the character: the router uses them
as the matching specification, and recognises the built-in ones to check them
without a regular expression (see ``rules.fast_kind``).
"""

from __future__ import annotations

import re
import typing as t
import uuid
from urllib.parse import quote

__all__ = [
    "ValidationError",
    "BaseConverter",
    "UnicodeConverter",
    "AnyConverter",
    "PathConverter",
    "NumberConverter",
    "IntegerConverter",
    "FloatConverter",
    "UUIDConverter",
    "DEFAULT_CONVERTERS",
]

# https://url.spec.whatwg.org/#url-path-segment-string
_PATH_SAFE = "!$&'()*+,/:;=@"
# what quote(..., safe=_PATH_SAFE) leaves unchanged: its always-safe
# characters and _PATH_SAFE's
_NOTHING_TO_QUOTE = re.compile(r"[A-Za-z0-9_.\-~" + re.escape(_PATH_SAFE) + "]*").fullmatch


class ValidationError(ValueError):
    """Raised by ``to_python`` (or ``to_url``) to say "this value does not fit".

    In matching, any ``ValueError`` from ``to_python`` means no match (404);
    in building, it makes the builder try the endpoint's next rule.
    """


class BaseConverter:
    """Werkzeug's converter base: ``regex`` what a value looks like,
    ``to_python`` the value a view gets, ``to_url`` the text a URL gets;
    subclass it and add the class to ``url_map.converters`` for a type of
    your own."""

    regex = "[^/]+"
    weight = 100
    part_isolating = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        # As in Werkzeug >= 2.3: a regex of the class's own containing "/"
        # spans segments unless the class says otherwise.
        if "regex" in cls.__dict__ and "part_isolating" not in cls.__dict__:
            cls.part_isolating = "/" not in cls.regex

    def __init__(self, map: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
        self.map = map

    def to_python(self, value: str) -> t.Any:
        """The matched text as the view gets it (a ``ValueError``: no match)."""
        return value

    def to_url(self, value: t.Any) -> str:
        """``value`` as URL text, percent-quoted."""
        value = str(value)
        # PERF: most values (ids, slugs) have nothing to quote, and quote()
        # costs ten times this check; for them quote() returns them as is
        if _NOTHING_TO_QUOTE(value):
            return value
        return quote(value, safe=_PATH_SAFE)


class UnicodeConverter(BaseConverter):
    """The default converter: one non-empty path segment."""

    def __init__(
        self,
        map: t.Any,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            length = _non_negative_int("length", length)
            length_regex = f"{{{length}}}"
        else:
            minlength = _non_negative_int("minlength", minlength)
            if maxlength is None:
                maxlength_value = ""
            else:
                maxlength = _non_negative_int("maxlength", maxlength)
                if maxlength < minlength:
                    raise ValueError(f"maxlength {maxlength} is below minlength {minlength}")
                maxlength_value = str(maxlength)
            length_regex = f"{{{minlength},{maxlength_value}}}"
        self.regex = f"[^/]{length_regex}"


class AnyConverter(BaseConverter):
    """One of the given items: ``<any(about, help, "foo,bar"):page>``."""

    def __init__(self, map: t.Any, *items: str) -> None:
        super().__init__(map)
        if not items:
            raise ValueError("any() needs at least one item")
        for item in items:
            if not isinstance(item, str):
                raise ValueError(f"any() items must be strings, got {item!r}")
        self.items = set(items)
        self.regex = f"(?:{'|'.join([re.escape(x) for x in items])})"

    def to_url(self, value: t.Any) -> str:
        """``value``, which must be one of the items (a ``ValueError`` else)."""
        if value in self.items:
            return str(value)
        valid_values = ", ".join(f"'{item}'" for item in sorted(self.items))
        raise ValueError(f"'{value}' is not one of {valid_values}")


class PathConverter(BaseConverter):
    """Like the default converter, but also matches slashes."""

    part_isolating = False
    regex = "[^/].*?"
    weight = 200


class NumberConverter(BaseConverter):
    weight = 50
    num_convert: t.Callable[[t.Any], t.Any] = int

    def __init__(
        self,
        map: t.Any,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        if signed:
            self.regex = self.signed_regex
        super().__init__(map)
        if not isinstance(fixed_digits, int) or isinstance(fixed_digits, bool) or fixed_digits < 0:
            raise ValueError(f"fixed_digits must be a non-negative integer, got {fixed_digits!r}")
        for name, bound in (("min", min), ("max", max)):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
                raise ValueError(f"{name} must be a number, got {bound!r}")
        if not isinstance(signed, bool):
            raise ValueError(f"signed must be True or False, got {signed!r}")
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    def to_python(self, value: str) -> t.Any:
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        try:
            value_num = self.num_convert(value)
        except ValueError as e:
            raise ValidationError() from e
        if (self.min is not None and value_num < self.min) or (
            self.max is not None and value_num > self.max
        ):
            raise ValidationError()
        return value_num

    def to_url(self, value: t.Any) -> str:
        value_str = str(self.num_convert(value))
        if self.fixed_digits:
            value_str = value_str.zfill(self.fixed_digits)
        return value_str

    @property
    def signed_regex(self) -> str:
        return f"-?{self.regex}"


class IntegerConverter(NumberConverter):
    """``int``: digits, ``min``/``max``/``fixed_digits``/``signed`` as Werkzeug's."""

    regex = r"\d+"


class FloatConverter(NumberConverter):
    """``float``: digits with a dot, ``min``/``max``/``signed`` as Werkzeug's."""

    regex = r"\d+\.\d+"
    num_convert = float

    def __init__(
        self,
        map: t.Any,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)  # type: ignore[arg-type]


class UUIDConverter(BaseConverter):
    """``uuid``: a UUID in its 8-4-4-4-12 hex form, a ``uuid.UUID`` to the view."""

    regex = (
        r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-"
        r"[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
    )

    def to_python(self, value: str) -> uuid.UUID:
        """The ``uuid.UUID`` the text spells."""
        return uuid.UUID(value)

    def to_url(self, value: uuid.UUID) -> str:
        """The UUID's hex form."""
        return str(value)


DEFAULT_CONVERTERS: t.Mapping[str, type[BaseConverter]] = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "any": AnyConverter,
    "path": PathConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "uuid": UUIDConverter,
}


def _non_negative_int(name: str, value: t.Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value

