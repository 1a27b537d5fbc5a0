"""Real servers in subprocesses, and a raw-socket HTTP/1.1 client.

granian (the default), meinheld and gunicorn (for several meinheld
workers and for gthread) are what `make test` installs
(scripts/install_servers.sh): their tests fail when one is missing, unless
FASTDISPATCH_NO_SERVERS=1.  bjoern is optional: skipped when not installed.
wsgiref is always there.
"""

from __future__ import annotations

import contextlib

import importlib.util
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import typing as t

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP = "examples.api:app"
NO_SERVERS = os.environ.get("FASTDISPATCH_NO_SERVERS", "") not in ("", "0")
REQUIRED = {"granian": ("granian",), "meinheld": ("meinheld.server",), "gunicorn": ("gunicorn", "meinheld.server"), "gthread": ("gunicorn",)}
OPTIONAL = {"bjoern": "bjoern"}
SERVERS = ["meinheld", "granian", "gthread", "bjoern", "wsgiref"]

# These tests serve the checkout's examples/ over loopback with POSIX
# signals and /proc: a copy of tests/ run elsewhere (the wheel and sdist
# checks) or another OS skips them, saying why.
WHERE = (
    "needs the checkout's examples/ (tests/ copied elsewhere)" if not (ROOT / "examples" / "api.py").is_file()
    else f"Linux only (signals, /proc), not {sys.platform}" if not sys.platform.startswith("linux")
    else None
)
in_checkout_on_linux = pytest.mark.skipif(WHERE is not None, reason=WHERE or "")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # the parent package is missing
        return False


def need(name: str) -> None:
    """Skip or fail the test when server ``name`` is not installed."""
    if name in REQUIRED:
        missing = [m for m in REQUIRED[name] if not _installed(m)]
        if missing:
            if NO_SERVERS:
                pytest.skip(f"{', '.join(missing)} not installed (FASTDISPATCH_NO_SERVERS=1)")
            pytest.fail(f"{', '.join(missing)} not installed: run scripts/install_servers.sh {sys.executable} (or set FASTDISPATCH_NO_SERVERS=1)")
    elif name in OPTIONAL and not _installed(OPTIONAL[name]):
        pytest.skip(f"{name} not installed (optional)")
    if name == "gthread":
        from fastdispatch.servers import GTHREAD_GUNICORN, _version
        from importlib.metadata import version

        if _version(version("gunicorn")) < GTHREAD_GUNICORN:
            # (Python 3.9 gets gunicorn 23; serve refuses it, tested in test_cli)
            pytest.skip(f"gthread needs gunicorn {GTHREAD_GUNICORN[0]}+, not {version('gunicorn')}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a subprocess: this checkout's fastdispatch first
    on the path, whatever the working directory."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **(extra or {})}


def run_cli(*args: str, cwd: pathlib.Path = ROOT, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fastdispatch", *args], cwd=cwd, env=child_env(env), check=False,
                          capture_output=True, text=True, timeout=timeout)


# -- a server in a subprocess ----------------------------------------------------------


class Server:
    def __init__(self, server: str, tmp: pathlib.Path, *extra: str, workers: int = 1, app: str = APP, cwd: pathlib.Path = ROOT) -> None:
        self.name = server
        self.port = free_port()
        self.out = tmp / f"{server}-{self.port}.out"
        self.err = tmp / f"{server}-{self.port}.err"
        args = [sys.executable, "-m", "fastdispatch", "serve", app, "--server", server,
                "--port", str(self.port), "--workers", str(workers), *extra]
        with self.out.open("wb") as out, self.err.open("wb") as err:
            # its own session: cleanup can end the server and its workers together
            self.proc = subprocess.Popen(args, cwd=cwd, env=child_env(), stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def output(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def wait_accepting(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.proc.returncode} before accepting:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{self.name} did not accept connections within {timeout}s:\n{self.output()}")
                time.sleep(0.05)

    def conn(self) -> Conn:
        return Conn(self.port)

    def terminate(self, timeout: float = 20, send: bool = True) -> int:
        """SIGTERM (unless already sent); the exit code (fails the test if
        the server takes longer than timeout to exit)."""
        if send:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} still running {timeout}s after SIGTERM:\n{self.output()}")

    def children(self) -> set[int]:
        """The pids of the server's direct children (its workers)."""
        kids = set()
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid and fields[0] != "Z":
                kids.add(int(stat.parent.name))
        return kids

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)


@contextlib.contextmanager
def running(name: str, tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Server]:
    """A server ``name`` accepting connections for the block (a module's
    ``server`` fixture: one per name, shared by the module's tests)."""
    need(name)
    srv = Server(name, tmp_path_factory.mktemp(name))
    try:
        srv.wait_accepting()
        yield srv
    finally:
        srv.cleanup()


@pytest.fixture
def start_server(tmp_path):
    """start_server(name, *cli_args, workers=1, app=APP, cwd=ROOT): a running
    server, accepting connections."""
    started: list[Server] = []

    def start(name: str, *extra: str, **kwargs: t.Any) -> Server:
        server = Server(name, tmp_path, *extra, **kwargs)
        started.append(server)
        server.wait_accepting()
        return server

    yield start
    for server in started:
        server.cleanup()


# -- a raw HTTP/1.1 client -------------------------------------------------------------


class Response(t.NamedTuple):
    version: str
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> t.Any:
        return json.loads(self.body)


class Conn:
    """One TCP connection; requests are bytes, responses are parsed by hand
    (Content-Length, chunked, or to the end of the connection)."""

    def __init__(self, port: int, timeout: float = 10) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def __enter__(self) -> Conn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self, head: bool = False) -> Response:
        version, status, *_ = self._line().decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while line := self._line():
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        code = int(status)
        if head or code in (204, 304) or 100 <= code < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while size := int(self._line().split(b";")[0], 16):
                body += self._exact(size)
                self._line()
            while self._line():  # trailers
                pass
        elif "content-length" in headers:
            body = self._exact(int(headers["content-length"]))
        else:
            body = self.read_to_close()
        return Response(version, code, headers, body)

    def read_to_close(self) -> bytes:
        """Everything until the server closes the connection."""
        while True:
            try:
                self._fill()
            except EOFError:
                data, self.buf = self.buf, b""
                return data

    def closed_by_server(self, timeout: float = 10) -> bool:
        """True once the server has closed (nothing more arrives before EOF)."""
        self.sock.settimeout(timeout)
        try:
            return self.read_to_close() == b""
        except (TimeoutError, socket.timeout):
            return False
        except ConnectionResetError:
            return True


def request(method: str, path: str, body: bytes | None = None, headers: t.Sequence[tuple[str, str]] = (), close: bool = False) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
