"""Serve a sample site on 127.0.0.1 from a daemon thread, recording every request it answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from crawler.demo.site import Response

# Statuses that never carry a body, so no Content-Length is sent with them.
BODILESS_STATUSES = (204, 304)


class Site(Protocol):
    """What the server needs of a site: a base URL to be told, and answers to paths."""

    base_url: str

    def handle(self, target: str, headers: Mapping[str, str] | None = None) -> Response:
        """Answer a GET for a path with its query string, given the request's headers."""


@dataclass
class Hit:
    """One request as the server saw it: target, headers (lower-case names) and its answer."""

    target: str
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # None while the answer is being made
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic)

    @property
    def conditional(self) -> bool:
        """True when the request carried If-None-Match or If-Modified-Since."""
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class RunningServer:
    """A site being served; stop it with `stop()` or by leaving a `with` block."""

    def __init__(self, site: Site, httpd: ThreadingHTTPServer, delay: float = 0.0) -> None:
        self.site = site
        self.httpd = httpd
        host, port = httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self.delay = delay  # seconds every answer waits; may be changed while serving
        self.requests: list[str] = []  # paths with query strings, in the order received
        self.log: list[Hit] = []  # the same requests with their headers and statuses
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    def record(self, target: str, headers: Mapping[str, str] | None = None) -> Hit:
        """Remember one request; returns its log entry, to be given its status."""
        hit = Hit(target, {k.lower(): v for k, v in (headers or {}).items()})
        with self._lock:
            self.requests.append(target)
            self.log.append(hit)
        return hit

    def requested(self, prefix: str = "/") -> list[str]:
        """The requests so far whose path starts with prefix."""
        with self._lock:
            return [t for t in self.requests if t.startswith(prefix)]

    def hits(self, prefix: str = "/") -> list[Hit]:
        """The log entries so far whose path starts with prefix."""
        with self._lock:
            return [hit for hit in self.log if hit.target.startswith(prefix)]

    def reset(self) -> None:
        """Forget the requests so far (between two crawls of a test)."""
        with self._lock:
            self.requests.clear()
            self.log.clear()

    def url(self, path: str) -> str:
        """An absolute URL on this server."""
        return self.base_url + path

    def start(self) -> RunningServer:
        """Start answering requests."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and release the port."""
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server_version = "DemoNews/1.0"
    running: RunningServer  # set on the subclass made for each server

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        hit = self.running.record(self.path, self.headers)
        if self.running.delay > 0:
            time.sleep(self.running.delay)
        response = self.running.site.handle(self.path, hit.headers)
        hit.status = response.status
        self.send_response(response.status)
        for name, value in response.headers:
            if name == "Location" and value.startswith("/"):
                value = self.running.base_url + value
            self.send_header(name, value)
        if response.status not in BODILESS_STATUSES:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Requests are recorded on the server, never printed."""


def serve(site: Site, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0) -> RunningServer:
    """Serve a site on host (a free port unless one is given); the site learns its base URL.

    With a delay, every answer waits that many seconds (a slow site, to keep a crawl running).
    """
    handler = type("Handler", (_Handler,), {})
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    running = RunningServer(site, httpd, delay)
    handler.running = running
    site.base_url = running.base_url
    return running.start()
