"""The README's links into docs/ lead somewhere: Sphinx checks the links
between the docs pages (make docs, -n), but the README is not one of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

if not (ROOT / "docs").exists():
    # the wheel and sdist checks run a copy of tests/ with no docs beside it
    if (ROOT / ".git").exists():
        raise AssertionError("docs/ is missing from the checkout")
    pytest.skip("docs/ is not beside this copy of the tests", allow_module_level=True)


def slug(heading: str) -> str:
    """GitHub's (and MyST's) anchor for a heading."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, flags=re.M)}


LINKS = re.findall(r"\]\(((?:docs/)[^)#\s]+)(?:#([^)\s]+))?\)", README.read_text(encoding="utf-8"))


def test_the_readme_links_into_the_docs():
    # the README is the way in: it must point at every page
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    linked = {Path(target).name for target, _ in LINKS}
    assert sorted(pages - linked) == []


@pytest.mark.parametrize("target,anchor", LINKS, ids=[f"{t}#{a}" if a else t for t, a in LINKS])
def test_link(target, anchor):
    page = ROOT / target
    assert page.is_file(), f"{target} does not exist"
    if anchor:
        assert anchor in anchors(page), f"{target} has no heading #{anchor}"


def test_slug_is_githubs():
    assert slug("Which server is fastest") == "which-server-is-fastest"
    assert slug("One pipeline, Flask's") == "one-pipeline-flasks"
    assert slug("CPython versions tested here") == "cpython-versions-tested-here"
