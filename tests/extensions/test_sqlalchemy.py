"""Flask-SQLAlchemy (sqlite in memory), used as its documentation shows: a
model, ``db.session`` scoped to the app context, ``get_or_404``,
``first_or_404``, ``paginate`` reading the query string, a rollback."""

from __future__ import annotations

import typing as t


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask, fsa = w.flask, w.flask_sqlalchemy
    import sqlalchemy as sa

    db = fsa.SQLAlchemy()

    class Note(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        title = db.Column(db.String(80), unique=True, nullable=False)

        def to_dict(self) -> dict[str, t.Any]:
            return {"id": self.id, "title": self.title}

    app = App(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add_all([Note(title=f"note {i}") for i in range(1, 6)])
        db.session.commit()

    @app.get("/notes")
    def notes() -> t.Any:
        page = db.paginate(db.select(Note).order_by(Note.id), per_page=2, max_per_page=3)
        return {"items": [n.to_dict() for n in page.items], "page": page.page, "pages": page.pages, "total": page.total, "next": page.next_num}

    @app.post("/notes")
    def create() -> t.Any:
        note = Note(title=flask.request.get_json()["title"])
        db.session.add(note)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            return {"error": "title taken"}, 409
        return note.to_dict(), 201, {"Location": flask.url_for("note", note_id=note.id)}

    @app.get("/notes/<int:note_id>")
    def note(note_id: int) -> t.Any:
        return db.get_or_404(Note, note_id, description="no such note").to_dict()

    @app.delete("/notes/<int:note_id>")
    def delete(note_id: int) -> t.Any:
        db.session.delete(db.get_or_404(Note, note_id))
        db.session.commit()
        return "", 204

    @app.get("/by-title/<title>")
    def by_title(title: str) -> t.Any:
        return db.first_or_404(db.select(Note).filter_by(title=title)).to_dict()

    @app.get("/count")
    def count() -> t.Any:
        # the session is the app context's: the same object through a request
        assert db.session() is db.session()
        return {"count": db.session.execute(db.select(sa.func.count(Note.id))).scalar_one()}

    return app


REQUESTS = [
    ("GET", "/notes", {}),
    ("GET", "/notes?page=2", {}),
    ("GET", "/notes?page=3&per_page=2", {}),
    ("GET", "/notes?page=9", {}),
    ("GET", "/notes?per_page=50", {}),
    ("GET", "/notes?page=abc", {}),
    ("GET", "/notes/3", {}),
    ("GET", "/notes/42", {}),
    ("POST", "/notes", {"json": {"title": "fresh"}}),
    ("POST", "/notes", {"json": {"title": "fresh"}}),
    ("GET", "/by-title/fresh", {}),
    ("GET", "/by-title/missing", {}),
    ("DELETE", "/notes/2", {}),
    ("DELETE", "/notes/2", {}),
    ("GET", "/count", {}),
]


def test_sqlalchemy(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)
