"""`crawler extract URL`: one live page fetched as the crawl would, from a loopback site."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
STORY = ("<html lang=de><head><meta charset=windows-1252><title>Stadtrat beschlie\xdft "
         "Haushalt</title></head><body><article><h1>Stadtrat beschlie\xdft Haushalt</h1>"
         "<p>Der Stadtrat hat am Montag den Haushalt f\xfcr das kommende Jahr beschlossen, "
         "nach einer langen Debatte \x84ohne Ergebnis\x93 in der Vorwoche.</p>"
         "<p>Die Opposition kritisierte die geplanten Ausgaben f\xfcr Stra\xdfen und "
         "Schulen als zu gering und k\xfcndigte Widerstand an.</p></article></body></html>"
         ).encode("latin-1")
PAGES = {
    "/robots.txt": (200, b"User-agent: *\nDisallow: /private/\n"),
    "/2026/11/haushalt/": (200, STORY),
    "/private/secret/": (200, STORY),
    "/moved/": (301, b""),
    "/away/": (302, b""),
}


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            status, body = PAGES.get(self.path, (404, b"no"))
            self.send_response(status)
            if self.path == "/moved/":
                self.send_header("Location", "/2026/11/haushalt/")
            if self.path == "/away/":
                self.send_header("Location", "http://localhost.invalid/elsewhere/")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.hits = hits  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", "extract", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_a_live_page_prints_its_item(site: str) -> None:
    done = run(f"{site}/2026/11/haushalt/")
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    assert item["title"] == "Stadtrat beschließt Haushalt"  # the meta charset is read
    assert "„ohne Ergebnis“" in item["body"] and item["is_article"]
    assert item["fetched_url"] == f"{site}/2026/11/haushalt/"


def test_a_redirect_on_the_site_is_followed(site: str) -> None:
    done = run(f"{site}/moved/")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["fetched_url"].endswith("/2026/11/haushalt/")


def test_robots_txt_is_obeyed(site: str) -> None:
    done = run(f"{site}/private/secret/")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (f"Error: robots.txt of {site[7:]} disallows "
                                   f"{site}/private/secret/")


def test_an_off_site_redirect_is_refused_before_any_connection(site: str) -> None:
    done = run(f"{site}/away/")
    assert done.returncode == 1
    assert "redirects off the site" in done.stderr and len(done.stderr.splitlines()) == 1


def test_a_missing_page_or_file_is_one_line(site: str) -> None:
    done = run(f"{site}/nothing/")
    assert done.returncode == 1 and done.stderr.strip().endswith("answered HTTP 404")
    done = run("no-such-file.html")
    assert done.returncode == 1 and done.stderr.strip() == "Error: no such file: no-such-file.html"
