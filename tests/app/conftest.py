from __future__ import annotations

import time

import itsdangerous
import pytest

# Both frameworks sign session cookies with itsdangerous, which stamps each
# with the current second: fixed for every test here, so that cookies made by
# Flask and by fastdispatch compare byte for byte whichever test compares them.
SIGNING_TIME = int(time.time())


@pytest.fixture(autouse=True)
def _fixed_signing_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: SIGNING_TIME)
