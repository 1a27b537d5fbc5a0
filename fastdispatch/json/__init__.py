"""``fastdispatch.json``: Flask's ``flask.json`` (``tag`` holds the tagged
JSON the session cookie is written in)."""

from ..response import dumps, jsonify, loads

__all__ = ["dumps", "loads", "jsonify"]
