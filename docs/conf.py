"""Sphinx configuration for fastdispatch's documentation (``make docs``)."""

import os
import sys

# The docs document the checkout they sit in, also where the package is not
# installed (autodoc imports it from here).
sys.path.insert(0, os.path.abspath(".."))

import fastdispatch  # noqa: E402
from sphinx.util import logging  # noqa: E402

project = "fastdispatch"
author = "fastdispatch developers"
copyright = "fastdispatch developers"
release = version = fastdispatch.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
# heading anchors, so that pages link to each other's sections by name
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]
# No raw HTML: bench/results.md (included as it is) writes paths such as
# ``GET /api/notes/<own id>``, which a browser would take for a tag and hide.
myst_disable_syntax = ["html_inline", "html_block"]

html_theme = "furo"
html_title = f"fastdispatch {release}"
html_static_path = ["_static"]
html_css_files = ["fastdispatch.css"]

# The docstrings are reStructuredText prose (Sphinx style: ``literals``, and
# field lists where a function has them), so no napoleon: it would read the
# first "words: ..." of a property's docstring as its type.

autodoc_member_order = "bysource"
# undocumented members are listed too, so that _require_docstring (below)
# sees them: autodoc would otherwise leave them out without a word
autodoc_default_options = {"undoc-members": True}
# Annotations such as ``t.Callable[..., t.Any]`` name typing aliases that no
# page documents, and the build has no network for intersphinx: in
# nitpicky mode each would be a broken reference. The signatures show the
# parameters; the docstrings say what they take.
autodoc_typehints = "none"

# Names that appear in rendered signatures or docstrings but are nobody's
# public API: the app's private ``g`` class (``App.app_ctx_globals_class``
# shows its value), and blinker's own docstring of ``Namespace.signal``.
nitpick_ignore = [
    ("py:class", "fastdispatch.ctx._AppCtxGlobals"),
    ("py:class", "NamedSignal"),
]


# Every public name the reference documents must say something: an empty
# docstring is a warning, and so (with -W) a failed build.


def _require_docstring(app, what, name, obj, options, lines):
    if what in ("module", "data", "attribute") or any(line.strip() for line in lines):
        return
    logging.getLogger(__name__).warning("%s %s has no docstring", what, name)


def setup(app):
    app.connect("autodoc-process-docstring", _require_docstring)
