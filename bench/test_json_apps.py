"""The four JSON apps of ``json_apps.py`` answer the same JSON, in process
(Werkzeug's test client, no server): ``pytest bench/test_json_apps.py``."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

import json_apps

NAMES = ("fastdispatch_app", "flask_app", "falcon_app", "bare_app")
REQUESTS = json_apps.requests()
# a few of the paths the wrk script sends, of both routes
USERS = [(p, d) for p, d in REQUESTS if "/posts/" not in p][:3]
POSTS = [(p, d) for p, d in REQUESTS if "/posts/" in p][:3]


def get(name, path):
    resp = Client(getattr(json_apps, name)).get(path)
    return resp.status_code, resp.headers["Content-Type"], resp.get_data()


@pytest.mark.parametrize("path, doc", USERS + POSTS)
def test_the_four_apps_answer_the_same_json(path, doc):
    answers = {name: get(name, path) for name in NAMES}
    for name, (status, content_type, body) in answers.items():
        assert (status, content_type) == (200, "application/json"), name
        assert json.loads(body) == doc, name
    # Flask's DefaultJSONProvider writes them: compact, sorted keys, a newline;
    # fastdispatch's provider and the floor write the very same bytes.
    flask_body = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode() + b"\n"
    assert {name: answers[name][2] for name in ("fastdispatch_app", "flask_app", "bare_app")} == dict.fromkeys(
        ("fastdispatch_app", "flask_app", "bare_app"), flask_body)
    # Falcon's default handler: its own spacing, the same keys in the same order
    assert answers["falcon_app"][2] == json.dumps(doc, ensure_ascii=False).encode()


def test_the_requests_are_distinct_and_built_from_the_url():
    paths = [p for p, _ in REQUESTS]
    assert len(set(paths)) == len(paths) == 2 * json_apps.USERS
    assert json_apps.user_doc(17) == {"active": True, "id": 17, "name": "user17", "tags": ["a", "b"]}
    for path, doc in USERS + POSTS:
        ids = [int(part) for part in path.split("/") if part.isdigit()]
        assert ids == ([doc["id"]] if len(ids) == 1 else [doc["user_id"], doc["id"]])
    assert len({d["id"] for p, d in REQUESTS if "/posts/" in p}) > 50  # post ids vary too


def test_write_requests_one_get_a_line(tmp_path):
    lines = json_apps.write_requests(tmp_path / "json_requests.txt").read_text().splitlines()
    assert lines == [f"GET {p}" for p, _ in REQUESTS]


def test_the_falcon_template():
    assert json_apps.falcon_template(json_apps.POST_RULE) == "/users/{user_id:int}/posts/{post_id:int}"
