"""The porting table (docs/porting.md) kept true: what it says works is
there, what it says is missing is a documented gap, and no public name of
Flask's top level goes without a row."""

from __future__ import annotations

import importlib
import importlib.util
import re
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PORTING = ROOT / "docs" / "porting.md"

if not PORTING.exists():
    # The wheel and sdist checks run a copy of tests/ against an installed
    # package, with no docs beside it; a checkout always has them.
    if (ROOT / ".git").exists():
        raise AssertionError(f"{PORTING} is missing from the checkout")
    pytest.skip("docs/ is not beside this copy of the tests", allow_module_level=True)

HEADER = ["Flask", "fastdispatch", "status", "how it differs"]
STATUSES = {"works", "differs", "missing", "untested"}
COMPAT = "`fastdispatch.compat`"  # an extension's row
TESTED = re.compile(r"tested: `(tests/extensions/test_\w+\.py)`")
NONE = "—"
SAME = "same name"


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def rows(text: str) -> list[dict[str, str]]:
    """Every row of every table whose header is HEADER."""
    found = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("|") or cells(line) != HEADER:
            continue
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            values = cells(row)
            assert len(values) == len(HEADER), f"a row of {len(values)} cells: {row}"
            found.append(dict(zip(HEADER, values)))
    return found


def gaps(text: str) -> list[str]:
    """The bullets of the "Documented gaps" section."""
    section = text.split("\n## Documented gaps\n", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.split(r"\n- ", "\n" + section)[1:]]


def dotted(cell: str) -> str | None:
    m = re.fullmatch(r"`([A-Za-z_][\w.]*)`", cell)
    return m.group(1) if m else None


def resolve(name: str) -> object:
    """The object ``name`` names: the longest importable module prefix, then
    attributes (``fastdispatch.App.route``)."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            # a context proxy (``fastdispatch.request``) raises on any
            # attribute outside a request: below a module or a class only
            # static look-ups
            obj = getattr(obj, attr) if isinstance(obj, (types.ModuleType, type)) else _static(obj, attr)
        return obj
    raise ImportError(name)


def _static(obj: object, attr: str) -> object:
    import inspect

    return inspect.getattr_static(obj, attr)


TEXT = PORTING.read_text(encoding="utf-8")
ROWS = rows(TEXT)
GAPS = gaps(TEXT)


def test_the_tables_are_found():
    # a renamed header would leave every check below with nothing to check
    assert len(ROWS) > 50, len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["Flask"] for r in ROWS])
def test_row(row):
    status, ours, how = row["status"], row["fastdispatch"], row["how it differs"]
    assert status in STATUSES, f"unknown status {status!r}"
    flask_name = dotted(row["Flask"])
    if flask_name is not None and flask_name.startswith("flask."):
        # the Flask side names a real Flask feature
        resolve(flask_name)
    if ours == COMPAT:
        check_extension(row)
        return
    assert status != "untested", "only an extension's row is 'untested'"
    if status in ("works", "differs"):
        # "same name": flask.X is fastdispatch.X (``Flask`` is an alias of ``App``)
        name = "fastdispatch." + flask_name[len("flask.") :] if ours == SAME and flask_name else dotted(ours)
        assert name and name.startswith("fastdispatch."), f"{status!r} must name fastdispatch's counterpart, as `fastdispatch.X`: {ours!r}"
        resolve(name)
        if status == "differs":
            assert how, "a 'differs' row must say how"
    else:
        assert ours == NONE, f"a {status!r} row names no counterpart: {ours!r}"
    if status == "missing":
        assert any(g.startswith(row["Flask"]) for g in GAPS), f"{row['Flask']!r} is not under 'Documented gaps'"


def check_extension(row: dict[str, str]) -> None:
    """An extension runs through ``fastdispatch.compat``: one that works
    names the test that runs its app on Flask and on fastdispatch."""
    # found, not imported: importing it aliases ``flask``, which this
    # process has imported (tests/extensions/worlds.py imports it in a world)
    assert importlib.util.find_spec("fastdispatch.compat") is not None
    status, how = row["status"], row["how it differs"]
    tested = TESTED.search(how)
    if status in ("works", "differs"):
        assert tested, f"{row['Flask']}: a 'works' extension names its test, as tested: `tests/extensions/test_x.py`"
        assert (ROOT / tested.group(1)).is_file(), tested.group(1)
    elif status == "untested":
        assert tested is None and "not tested" in how.lower(), how
    else:
        assert any(g.startswith(row["Flask"]) for g in GAPS), f"{row['Flask']!r} is not under 'Documented gaps'"


def test_every_flask_top_level_name_has_a_row():
    flask = pytest.importorskip("flask")
    listed = {dotted(r["Flask"]) for r in ROWS}
    public = {n for n in dir(flask) if not n.startswith("_") and not isinstance(getattr(flask, n), types.ModuleType) and n != "annotations"}
    assert public, "flask's top level looks empty"
    assert sorted(n for n in public if f"flask.{n}" not in listed) == []


def test_resolve_fails_on_a_name_that_is_not_there():
    # the check above is only as good as resolve(): a misspelt name must fail
    with pytest.raises(AttributeError):
        resolve("fastdispatch.App.no_such_method")
    with pytest.raises((ImportError, AttributeError)):
        resolve("fastdispatch.no_such_module.X")
