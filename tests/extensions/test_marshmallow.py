"""flask-marshmallow, used as its documentation shows: ``Marshmallow(app)``
after Flask-SQLAlchemy, an ``SQLAlchemyAutoSchema`` of a model,
``URLFor``/``AbsoluteURLFor``/``Hyperlinks`` fields, ``jsonify``, and
validation errors of a loaded body."""

from __future__ import annotations

import typing as t


def make_app(w: t.Any, App: type) -> t.Any:  # noqa: N803 (the framework's class)
    flask = w.flask
    import marshmallow

    app = App(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db = w.flask_sqlalchemy.SQLAlchemy(app)
    ma = w.flask_marshmallow.Marshmallow(app)

    class Author(db.Model):  # type: ignore[name-defined]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(80), nullable=False)
        email = db.Column(db.String(120))

    class AuthorSchema(ma.SQLAlchemyAutoSchema):
        class Meta:
            model = Author
            load_instance = True
            sqla_session = db.session

        email = marshmallow.fields.Email()
        url = ma.URLFor("author", values={"author_id": "<id>"})
        absolute = ma.AbsoluteURLFor("author", values={"author_id": "<id>"})
        links = ma.Hyperlinks({"self": ma.URLFor("author", values={"author_id": "<id>"}), "all": ma.URLFor("authors")})

    one, many = AuthorSchema(), AuthorSchema(many=True)

    with app.app_context():
        db.create_all()
        db.session.add_all([Author(name="Ada", email="ada@example.com"), Author(name="Alan")])
        db.session.commit()

    @app.get("/authors")
    def authors() -> t.Any:
        return flask.jsonify(many.dump(db.session.execute(db.select(Author).order_by(Author.id)).scalars()))

    @app.get("/authors/<int:author_id>")
    def author(author_id: int) -> t.Any:
        return one.dump(db.get_or_404(Author, author_id))

    @app.post("/authors")
    def create() -> t.Any:
        try:
            new = one.load(flask.request.get_json())
        except marshmallow.ValidationError as e:
            return {"errors": e.messages}, 422
        db.session.add(new)
        db.session.commit()
        return one.dump(new), 201

    return app


REQUESTS = [
    ("GET", "/authors", {}),
    ("GET", "/authors/1", {}),
    ("GET", "/authors/9", {}),
    ("POST", "/authors", {"json": {"name": "Grace", "email": "grace@example.com"}}),
    ("POST", "/authors", {"json": {"email": "not an email"}}),
    ("GET", "/authors/3", {"base_url": "https://api.example.com"}),
]


def test_marshmallow(compare: t.Callable[..., None]) -> None:
    compare(make_app, REQUESTS)
