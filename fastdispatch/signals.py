"""Flask's signals, on blinker, with Flask's names, senders and arguments.

Importing this module is what makes signals possible: until a receiver is
connected to one of these, no request sends any (``App._signalling``), and
the short path serves as if signals did not exist.  The first connection
sends every app's requests through the full pipeline, where each signal is
sent at Flask's point of it.
"""

from __future__ import annotations

import typing as t

from blinker import Namespace, Signal

from .app import App

__all__ = [
    "Namespace",
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
]

_signals = Namespace()

template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")



def _connected(signal: Signal, **kwargs: t.Any) -> None:
    # Sticky: a disconnect leaves signals on (checking every signal's
    # receivers on each request would cost what this saves).
    if not App._signalling:
        App._signalling = True
        for app in list(App._live):
            object.__setattr__(app, "_fast", None)


for _signal in _signals.values():
    _signal.receiver_connected.connect(_connected)
