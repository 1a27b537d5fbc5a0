#!/usr/bin/env python
"""Soak test: ``examples.api:app`` on the default server, 2 workers, under mixed load.

    python bench/soak.py [--seconds 60] [--connections 64] [--json PATH]

Starts ``python -m fastdispatch serve examples.api:app --server S
--workers 2`` (``--server``: the default server, granian, unless named;
meinheld's 2 workers run under gunicorn's arbiter) on a free port and
drives it for ``--seconds`` with ``--connections`` keep-alive connections
from an asyncio load generator on raw sockets.  Each connection loops over
request kinds picked at random, and every response's status is checked
against the one its kind must get:

==============  ==============================================  ========
kind            request                                         expected
==============  ==============================================  ========
health          GET /health                                     200
get             GET /api/notes/<id created on this connection>  200
create          POST /api/notes/ (JSON)                         201
delete          DELETE /api/notes/<oldest of this connection>   204
not_found       GET an unknown note id or an unknown path       404
bad_method      DELETE /health                                  405
bad_json        POST /api/notes/ with broken JSON               400
oversize        POST /api/notes/ 2 MiB, ``Expect: 100-continue``  413
blast           POST /api/notes/ 65 KiB, headers and body at once  413
slow            POST /api/notes/ sent in pieces, sleeps between  201
==============  ==============================================  ========

``examples/api.py`` sets ``MAX_CONTENT_LENGTH`` to 64 KiB, so oversize
bodies must get 413.  Both oversize kinds go on a connection of their own
(a refusal may close the connection, and the keep-alive one holds notes).
``oversize`` announces its body as curl does and sends it only after a
``100 Continue`` or a second without an answer; 2 MiB is beyond what any
server reads in vain (meinheld: the app's limit plus 1 MiB), so it is
refused from its headers and never sent.  ``blast`` sends its body with the
headers, as ``requests`` does, and reads the answer even if the write failed
because the server had stopped reading (RFC 9112 9.6).  A server that
closes without draining such a body makes the client's kernel reset the
connection, and the 413 can be lost: that is counted and printed (``blast``
lost to a reset; meinheld reads a body this size first, so none should be)
and is not a failure; any status but 413 is.  The example keeps notes in a per-worker dict
for ever, so a soak that only created notes would grow the workers by design
(and a note is only found on the worker that made it: a connection GETs only
notes it created itself, as a keep-alive connection stays on one worker).  So
each connection deletes its oldest note once it holds more than 8: memory
growth then measures leaks, not the demo's storage.

Reported: total requests, count per kind, statuses that were not the expected
one (must be 0), socket errors (connect/read/write failures or timeouts, must
be 0), RSS (``VmRSS`` in ``/proc/<pid>/status``) of the workers (the
server process's children) at boot, after a warm-up (10% of the run, 1-5 s)
and at the end, and the growth from warm-up to end, the largest of any worker
(must be < 10%).  The workers must also be the same processes at the end (no
crash and respawn).  Exit status 1 if any criterion fails, 2 if the server
did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from fastdispatch.servers import DEFAULT_SERVER

ROOT = Path(__file__).resolve().parent.parent
MAX_CONTENT_LENGTH = 64 * 1024  # examples/api.py
KEEP_NOTES = 8
REQUEST_TIMEOUT = 15.0
EXPECT_WAIT = 1.0  # curl's --expect100-timeout

KINDS = {  # kind: (description, expected status, weight)
    "health": ("GET /health", 200, 30),
    "get": ("GET /api/notes/<own id>", 200, 20),
    "create": ("POST /api/notes/ JSON", 201, 14),
    "delete": ("DELETE /api/notes/<oldest own id>", 204, 0),  # when a connection holds > 8 notes
    "not_found": ("GET unknown note / path", 404, 10),
    "bad_method": ("DELETE /health", 405, 8),
    "bad_json": ("POST /api/notes/ broken JSON", 400, 8),
    "oversize": ("POST /api/notes/ 2 MiB, Expect: 100-continue", 413, 3),
    "blast": (f"POST /api/notes/ {MAX_CONTENT_LENGTH // 1024 + 1} KiB sent whole", 413, 2),
    "slow": ("POST /api/notes/ in pieces, with sleeps", 201, 5),
}
PICK = [k for k, (_, _, w) in KINDS.items() if w]
WEIGHTS = [KINDS[k][2] for k in PICK]
OWN_CONNECTION = ("oversize", "blast")


class SocketError(Exception):
    pass


class WriteError(SocketError):
    """The server closed while the request was being sent: its answer may
    still be there to read."""


# -- server and processes ------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return sorted(int(x) for x in text.split())
    except OSError:
        pass
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return sorted(out)


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def start_server(port, workers, server):
    cmd = [sys.executable, "-m", "fastdispatch", "serve", "examples.api:app", "--server", server,
           "--workers", str(workers), "--port", str(port), "--graceful-timeout", "2"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, text=True)


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # a worker that outlived the arbiter
    except ProcessLookupError:
        pass


# -- HTTP over raw sockets -----------------------------------------------------------------


class Conn:
    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None
        self.notes = []  # ids created on this connection (so on its worker)

    async def open(self):
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.port), REQUEST_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as exc:
            raise SocketError(f"connect: {exc!r}") from None
        self.notes = []

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, pieces, pause=0.0):
        try:
            for i, piece in enumerate(pieces):
                if i and pause:
                    await asyncio.sleep(pause)
                self.writer.write(piece)
                await self.writer.drain()
        except OSError as exc:
            raise WriteError(f"write: {exc!r}") from None

    async def response(self):
        """(status, headers, body) of one response; SocketError on EOF/timeout."""
        try:
            return await asyncio.wait_for(self._response(), REQUEST_TIMEOUT)
        except asyncio.TimeoutError:
            raise SocketError("read: timeout") from None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            raise SocketError(f"read: {exc!r}") from None

    async def _response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        status = int(status)
        headers = {}
        for line in lines[1:]:
            if line:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
        if version == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive":
            headers["connection"] = "close"  # RFC 9112 9.3: an HTTP/1.0 answer ends the connection
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            body = await self.reader.read()  # close-delimited
            headers["connection"] = "close"
        return status, headers, body


def request_bytes(method, path, body=b"", content_type=None, expect=False):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: fastdispatch-soak\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    if expect:
        head += "Expect: 100-continue\r\n"
    if body or method in ("POST", "PUT", "PATCH"):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def plan(kind, conn, rng, n):
    """(kind, [bytes pieces], pause) for one request of ``kind``."""
    if kind == "get" and not conn.notes:
        kind = "create"
    if kind == "health":
        return kind, [request_bytes("GET", "/health")], 0
    if kind == "get":
        return kind, [request_bytes("GET", f"/api/notes/{rng.choice(conn.notes)}")], 0
    if kind == "create":
        body = json.dumps({"title": f"soak {n}", "tags": ["work", "soak"]}).encode()
        return kind, [request_bytes("POST", "/api/notes/", body, "application/json")], 0
    if kind == "delete":
        return kind, [request_bytes("DELETE", f"/api/notes/{conn.notes[0]}")], 0
    if kind == "not_found":
        path = f"/api/notes/{10**9 + n}" if n % 2 else f"/no/such/path/{n}"
        return kind, [request_bytes("GET", path)], 0
    if kind == "bad_method":
        return kind, [request_bytes("DELETE", "/health")], 0
    if kind == "bad_json":
        return kind, [request_bytes("POST", "/api/notes/", b'{"title": "broken", "tags": [', "application/json")], 0
    if kind in ("oversize", "blast"):
        pad = 2 * 1024 * 1024 if kind == "oversize" else MAX_CONTENT_LENGTH + 1024
        body = json.dumps({"title": "big", "pad": "x" * pad}).encode()
        data = request_bytes("POST", "/api/notes/", body, "application/json", expect=kind == "oversize")
        if kind == "oversize":  # headers, then the body only after a 100 Continue
            return kind, [data[:-len(body)], data[-len(body):]], 0
        return kind, [data], 0
    if kind == "slow":
        data = request_bytes("POST", "/api/notes/", json.dumps({"title": f"slow {n}"}).encode(), "application/json")
        cut = sorted(rng.sample(range(1, len(data)), 3))  # headers and body split anywhere
        pieces = [data[a:b] for a, b in zip([0] + cut, cut + [len(data)])]
        return kind, pieces, rng.uniform(0.05, 0.2)
    raise ValueError(kind)


async def exchange(conn, kind, pieces, pause):
    """(status, headers, body) of the answer to one request."""
    if kind == "oversize":
        # as curl does: the body after a 100, or after a second without an
        # answer (RFC 9110 10.1.1: not waiting for ever; meinheld sends its
        # 100 only once it has the body)
        head, body = pieces
        await conn.send([head])
        answer = asyncio.ensure_future(conn.response())
        await asyncio.wait({answer}, timeout=EXPECT_WAIT)
        sent = not answer.done()
        if sent:
            await conn.send([body])
        status, headers, text = await answer
        if status == 100:  # in time, or late: after the body
            if not sent:
                await conn.send([body])
            status, headers, text = await conn.response()
        return status, headers, text
    try:
        await conn.send(pieces, pause)
    except WriteError:
        if kind != "blast":
            raise
        # the server refused and closed while the body was on its way: the
        # answer, if it survived, is in the socket
    return await conn.response()


async def client(port, deadline, stats, rng):
    conn = Conn(port)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        kind = "delete" if len(conn.notes) > KEEP_NOTES else rng.choices(PICK, WEIGHTS)[0]
        kind, pieces, pause = plan(kind, conn, rng, n)
        # the oversize kinds end their connection: not the one holding notes
        use = Conn(port) if kind in OWN_CONNECTION else conn
        try:
            if use.reader is None:
                await use.open()
            status, headers, body = await exchange(use, kind, pieces, pause)
        except SocketError as exc:
            use.close()
            if kind == "blast" and str(exc).startswith("read:") and "timeout" not in str(exc):
                stats["blast_lost"] += 1
                continue
            stats["socket_errors"] += 1
            stats["socket_error_samples"].append(f"{kind}: {exc}"[:200])
            await asyncio.sleep(0.05)
            continue
        if use is not conn:
            use.close()
        stats["kinds"][kind] += 1
        expected = KINDS[kind][1]
        if status != expected:
            stats["unexpected"][f"{kind}: {status}"] += 1
            if len(stats["unexpected_samples"]) < 5:
                stats["unexpected_samples"].append(f"{kind}: {status} {body[:120]!r}")
        elif kind in ("create", "slow"):
            conn.notes.append(json.loads(body)["id"])
        elif kind == "delete":
            conn.notes.pop(0)
        if use is conn and headers.get("connection", "").lower() == "close":
            conn.close()  # a new connection may land on the other worker: forget the notes
    conn.close()


async def drive(port, seconds, connections, warmup, on_warm):
    stats = {"kinds": Counter(), "unexpected": Counter(), "unexpected_samples": [], "socket_errors": 0,
             "socket_error_samples": [], "blast_lost": 0}
    deadline = time.monotonic() + seconds
    tasks = [asyncio.create_task(client(port, deadline, stats, random.Random(i))) for i in range(connections)]
    await asyncio.sleep(warmup)
    on_warm()
    await asyncio.gather(*tasks)
    return stats


def wait_ready(proc, port, workers, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200") and len(children(proc.pid)) >= workers:
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", default=DEFAULT_SERVER, help="default: %(default)s")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    port = free_port()
    proc = start_server(port, args.workers, args.server)
    try:
        if not wait_ready(proc, port, args.workers):
            stop_server(proc)
            print("the server did not start:\n" + (proc.stdout.read() if proc.stdout else ""), file=sys.stderr)
            return 2
        workers = children(proc.pid)
        time.sleep(0.5)
        boot = {p: rss_kb(p) for p in workers}
        warmup = max(1.0, min(5.0, args.seconds * 0.1))
        start = {}

        def on_warm():
            start.update({p: rss_kb(p) for p in workers})

        t0 = time.monotonic()
        stats = asyncio.run(drive(port, args.seconds, args.connections, warmup, on_warm))
        elapsed = time.monotonic() - t0
        end = {p: rss_kb(p) for p in workers}
        workers_end = children(proc.pid)
    finally:
        stop_server(proc)

    unchanged = workers_end == workers and all(v is not None for v in end.values())
    growth = {p: (end[p] - start[p]) * 100.0 / start[p] for p in workers if start.get(p) and end.get(p)}
    max_growth = max(growth.values()) if growth else float("inf")
    total = sum(stats["kinds"].values())
    unexpected_total = sum(stats["unexpected"].values())
    passed = (unexpected_total == 0 and stats["socket_errors"] == 0 and max_growth < 10 and unchanged and total > 0)

    print(f"soak: examples.api:app on {args.server}, {args.workers} workers, {args.connections} connections,"
          f" {elapsed:.1f} s")
    print(f"requests: {total:,} ({total / elapsed:,.0f}/s)")
    for kind, (desc, expected, _) in KINDS.items():
        print(f"  {kind:<11} {stats['kinds'][kind]:>8,}  {desc} -> {expected}")
    print(f"unexpected statuses: {unexpected_total}" + (f" {dict(stats['unexpected'])}" if unexpected_total else "")
          + f"  [{'PASS' if unexpected_total == 0 else 'FAIL'}]")
    for s in stats["unexpected_samples"]:
        print(f"    {s}")
    print(f"socket errors: {stats['socket_errors']}  [{'PASS' if stats['socket_errors'] == 0 else 'FAIL'}]")
    blasts = stats["kinds"]["blast"] + stats["blast_lost"]
    print(f"blast 413s lost to a reset before they were read: {stats['blast_lost']} of {blasts}"
          " (the server closed without draining the body; not a failure)")
    for s in stats["socket_error_samples"][:5]:
        print(f"    {s}")
    for p in workers:
        print(f"worker {p} RSS: boot {boot[p] / 1024:.1f} MB, after {warmup:.0f} s warm-up {start[p] / 1024:.1f} MB,"
              f" end {(end[p] or 0) / 1024:.1f} MB ({growth.get(p, float('nan')):+.1f}%)")
    print(f"largest RSS growth: {max_growth:+.1f}%  [{'PASS' if max_growth < 10 else 'FAIL'}] (must be < 10%)")
    print(f"workers unchanged: {unchanged}  [{'PASS' if unchanged else 'FAIL'}]")
    print("PASS" if passed else "FAIL")

    if args.json:
        doc = {
            "seconds": args.seconds, "elapsed_s": round(elapsed, 1), "connections": args.connections, "workers": args.workers,
            "server": args.server,
            "kinds": {k: {"request": d, "expected": e, "count": stats["kinds"][k]} for k, (d, e, _) in KINDS.items()},
            "total": total, "unexpected_total": unexpected_total, "unexpected": dict(stats["unexpected"]),
            "unexpected_samples": stats["unexpected_samples"], "socket_errors": stats["socket_errors"],
            "socket_error_samples": stats["socket_error_samples"][:10], "blast_lost": stats["blast_lost"],
            "rss": {"boot_kb": sum(boot.values()) / len(boot), "start_kb": sum(start.values()) / len(start),
                    "end_kb": sum(v or 0 for v in end.values()) / len(end), "growth_pct": max_growth,
                    "per_worker": {str(p): {"boot_kb": boot[p], "start_kb": start[p], "end_kb": end[p]} for p in workers}},
            "workers_unchanged": unchanged, "warmup_seconds": warmup, "passed": passed,
            "note": "examples/api.py sets MAX_CONTENT_LENGTH = 64 KiB, so oversize bodies must get 413: 'oversize' announces"
                    " 2 MiB with Expect: 100-continue (refused from the headers, never sent), 'blast' sends"
                    f" {MAX_CONTENT_LENGTH // 1024 + 1} KiB with its headers, each on a connection of its own"
                    f" ({stats['blast_lost']} blast 413s lost to a reset).  The example keeps notes in memory for ever;"
                    f" each connection deletes its oldest note once it holds more than {KEEP_NOTES} (kind 'delete'),"
                    " so RSS growth measures leaks, not the demo's storage.  RSS figures are the mean of the workers;"
                    " growth is the largest of any worker.",
        }
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
