"""A small JSON API on fastdispatch: notes, kept in memory (per worker
process: a demo, no database).  Every error, 404 and 405 included, is JSON.

    fastdispatch serve examples.api:app            # granian, port 8000
    curl -s localhost:8000/api/notes/ -H 'Content-Type: application/json' -d '{"title": "milk"}'
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid

from fastdispatch import App, Blueprint, abort, g, jsonify, request
from fastdispatch.exceptions import HTTPException

app = App(__name__)
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

_lock = threading.Lock()
_ids = itertools.count(1)
_notes: dict[int, dict] = {}


class Invalid(Exception):
    """A request body that is JSON but not a valid note (answered as 422)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def _note_fields(data: object, partial: bool = False) -> dict:
    if not isinstance(data, dict):
        raise Invalid("body", "must be a JSON object")
    fields = {}
    if "title" in data or not partial:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            raise Invalid("title", "a non-empty string is required")
        fields["title"] = title.strip()
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(x, str) for x in tags):
            raise Invalid("tags", "must be a list of strings")
        fields["tags"] = sorted(set(tags))
    return fields


def _get(note_id: int) -> dict:
    if note_id not in _notes:
        abort(404, description=f"no note {note_id}")
    return _notes[note_id]


# -- hooks and errors ----------------------------------------------------------------


@app.before_request
def start_timer():
    g.started = time.perf_counter()
    g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    if request.method in ("POST", "PUT", "PATCH") and not request.is_json:
        abort(415, description="send JSON (Content-Type: application/json)")


@app.after_request
def add_headers(response):
    response.headers["X-Request-Id"] = g.request_id
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.2f}"
    return response


@app.errorhandler(HTTPException)
def http_error(e):
    return jsonify(error=e.name, status=e.code, message=e.description), e.code


@app.errorhandler(Invalid)
def invalid(e):
    return jsonify(error="Unprocessable Entity", status=422, field=e.field, message=e.problem), 422


# -- the app's own routes ---------------------------------------------------------------


@app.get("/")
def index():
    return {"service": "notes", "endpoints": sorted({str(r.rule) for r in app.url_map})}


@app.get("/health")
def health():
    return {"ok": True, "notes": len(_notes)}


@app.post("/echo")
def echo():
    """The JSON body back, and its size (chunked uploads welcome)."""
    data = request.get_json()
    return {"echo": data, "bytes": len(request.get_data())}


@app.get("/tags/<any(home, work, misc):tag>")
def by_tag(tag):
    return jsonify([n for n in _notes.values() if tag in n["tags"]])


# -- the notes blueprint ---------------------------------------------------------------

notes = Blueprint("notes", __name__, url_prefix="/api/notes")


@notes.get("/")
def list_notes():
    limit = request.args.get("limit", 50, type=int)
    return jsonify(sorted(_notes.values(), key=lambda n: n["id"])[:limit])


@notes.post("/")
def create_note():
    fields = _note_fields(request.get_json())
    with _lock:
        note = {"id": next(_ids), "tags": [], **fields, "created": time.time()}
        _notes[note["id"]] = note
    return note, 201, {"Location": f"/api/notes/{note['id']}"}


@notes.get("/<int:note_id>")
def get_note(note_id):
    return _get(note_id)


@notes.route("/<int:note_id>", methods=["PUT", "PATCH"])
def update_note(note_id):
    fields = _note_fields(request.get_json(), partial=request.method == "PATCH")
    with _lock:
        note = _get(note_id)
        note.update(fields)
    return note


@notes.delete("/<int:note_id>")
def delete_note(note_id):
    with _lock:
        _get(note_id)
        del _notes[note_id]
    return "", 204


app.register_blueprint(notes)
