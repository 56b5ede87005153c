"""A stand-in for the CVR distribution service on 127.0.0.1: it answers the adapter's searches from
recorded-shape responses in tests/fixtures/cvr/, checks basic auth, and keeps the queries it was sent."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "cvr"
USER, PASSWORD = "horsens-kommune", "hemmeligt"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.server.queries.append((self.path, body))  # type: ignore[attr-defined]
        if self.headers.get("Authorization") != expected:
            return self._send(401, b'{"error": "unauthorized"}')
        kind = self.path.split("/")[2] if self.path.startswith("/cvr-permanent/") else ""
        query = body.get("query", {})
        if "term" in query:
            value = next(iter(query["term"].values()))
            found = FIXTURES / f"{kind}-{value}.json"
        else:  # a name search: every company whose name starts so
            prefix = next(iter(query["match_phrase_prefix"].values())).lower()
            found = next(
                (p for p in sorted(FIXTURES.glob(f"{kind}-*.json")) if prefix in p.read_text(encoding="utf-8").lower()),
                FIXTURES / "empty.json",
            )
        return self._send(200, (found if found.exists() else FIXTURES / "empty.json").read_bytes())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet tests
        pass


@contextmanager
def cvr_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.queries = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"
