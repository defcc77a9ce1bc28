"""A small site on 127.0.0.1 whose pages a test writes: each path answers a status, headers and
a body (after a delay, if asked); every request is recorded with its Host header."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_TEXT = ("This is a paragraph of a real story on the security test site, long enough "
                "to count as the body of an article. ")


def article(title: str, links: str = "", head: str = "") -> str:
    """An article page with a headline, a few paragraphs, extra head markup and links."""
    paragraphs = "".join(f"<p>{ARTICLE_TEXT * 3} ({n})</p>" for n in range(4))
    return (f"<!doctype html><html lang=en><head><title>{title}</title>"
            f'<meta property="og:type" content="article">{head}</head><body><article>'
            f"<h1>{title}</h1><time datetime=\"2025-10-01T08:00:00Z\">1 Oct</time>"
            f"{paragraphs}</article>{links}</body></html>")


@dataclass
class Page:
    """What one path answers."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "text/html; charset=utf-8"


class SecuritySite:
    """The pages of a test site by path, and the requests it received (path, Host header)."""

    def __init__(self, pages: dict[str, Page] | None = None) -> None:
        self.pages = dict(pages or {})
        self.requests: list[tuple[str, str]] = []
        self.port = 0
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requested(self, path: str) -> bool:
        with self.lock:
            return any(p == path for p, _ in self.requests)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        site = self.server.site
        with site.lock:
            site.requests.append((self.path, self.headers.get("Host", "")))
        page = site.pages.get(self.path)
        if page is None:
            page = Page(b"not found", 404, content_type="text/plain")
        if page.delay:
            time.sleep(page.delay)
        body = page.body.encode() if isinstance(page.body, str) else page.body
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: SecuritySite


@contextmanager
def serve_site(site: SecuritySite, port: int = 0) -> Iterator[SecuritySite]:
    """Serve the site on 127.0.0.1 (on a free port unless given) while the block runs."""
    server = _Server(("127.0.0.1", port), _Handler)
    server.site = site
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
