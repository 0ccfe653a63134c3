"""A local HTTP server that answers with scripted responses, for connector fault tests.

Tests script what the "API" answers (status, headers, body), optionally slowly (to hit a
client's timeout) or cut short (truncated JSON, or a connection that closes before the
announced Content-Length). Requests that nothing scripted answer go to an optional
handler, so a test can serve realistic data by default and inject faults on top.
Every request is recorded for assertions. Network-neutral: any connector can use it.

    with FakeHTTPServer() as server:
        server.script(FakeResponse(status=429, headers={"x-rate-limit-reset": "0"}), path="/2/users/1/tweets")
        client = SomeClient(base_url=server.url)
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeResponse:
    status: int = 200
    # A dict or list is sent as JSON; str is encoded as UTF-8.
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering at all (a client with a shorter timeout gives up).
    delay: float = 0.0
    # Send only the first ``truncate`` bytes of the body.
    truncate: int | None = None
    # With ``truncate``: announce the full Content-Length, then close the connection early
    # (a dropped connection) instead of a short but complete response (garbage JSON).
    short_read: bool = False
    # Seconds between two bytes of the body: a server trickling its answer, which never
    # trips a client's per-read timeout.
    drip: float = 0.0

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, dict | list):
            body = json.dumps(self.body).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(self.body, str):
            body = self.body.encode()
        else:
            body = self.body
        return body, headers


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


Handler = Callable[[RecordedRequest], FakeResponse]


class FakeHTTPServer:
    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler
        self.requests: list[RecordedRequest] = []
        self._scripted: list[tuple[str | None, FakeResponse]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting -------------------------------------------------------------------
    def script(self, *responses: FakeResponse, path: str | None = None) -> None:
        """Queue responses, answered in order to requests whose path is ``path`` (any if None)."""
        with self._lock:
            self._scripted.extend((path, response) for response in responses)

    @property
    def pending(self) -> int:
        """How many scripted responses no request has consumed yet."""
        with self._lock:
            return len(self._scripted)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def _respond_to(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            for index, (path, response) in enumerate(self._scripted):
                if path is None or path == request.path:
                    del self._scripted[index]
                    return response
        if self.handler is not None:
            return self.handler(request)
        return FakeResponse(
            status=404, body={"error": f"nothing scripted for {request.method} {request.path}"}
        )

    # --- lifecycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHTTPServer:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle plus delayed ACKs
            # add ~40 ms to every response on loopback.
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = RecordedRequest(
                    method=self.command,
                    path=split.path,
                    query=parse_qs(split.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                response = fake._respond_to(request)
                if response.delay:
                    time.sleep(response.delay)
                body, headers = response.encoded()
                sent = body if response.truncate is None else body[: response.truncate]
                announced = len(body) if response.short_read else len(sent)
                try:
                    self.send_response(response.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(announced))
                    if response.short_read:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    if response.drip:
                        for offset in range(len(sent)):
                            self.wfile.write(sent[offset : offset + 1])
                            self.wfile.flush()
                            time.sleep(response.drip)
                    else:
                        self.wfile.write(sent)
                    self.wfile.flush()
                except OSError:
                    # The client gave up (its timeout); nothing left to tell it.
                    pass
                if response.short_read:
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # keep test output clean

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                # A client that hung up mid-answer (a timeout, a deadline): expected, not news.
                if not isinstance(sys.exc_info()[1], OSError):
                    super().handle_error(request, client_address)

        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
