"""No request leaves the crawl's sites, however the URL came (link, canonical, AMP, 3xx, meta
refresh, robots.txt, sitemap), and none reaches a non-public address the start URLs are not on.

Names resolve through tests/stub_dns.py: no lookup or connection leaves 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ArchiveReader, run_crawl
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from security_site import Page, SecuritySite, article, serve_site
from stub_dns import resolve

from crawler.middlewares import ScopeMiddleware

STUB = ("-s", "SCOPE_RESOLVER=tests.stub_dns.resolve")


def test_no_way_into_the_queue_reaches_another_site(tmp_path: Path) -> None:
    other = SecuritySite({"/robots.txt": Page("User-agent: *\n", content_type="text/plain")})
    with serve_site(other):
        elsewhere = other.url("/2025/10/02/elsewhere-story/")
        home = SecuritySite()
        home.pages.update({
            "/": Page(article("Home", "".join(
                f'<a href="/2025/10/01/{slug}/">{slug}</a>'
                for slug in ("refresh-away", "redirect-away", "moved-away", "story-one")))),
            "/robots.txt": Page("User-agent: *\nSitemap: /sitemap.xml\n"
                                f"Sitemap: {other.url('/sitemap.xml')}\n",
                                content_type="text/plain"),
            "/sitemap.xml": Page(
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9"><url><loc>{other.url("/2025/10/03/mapped/")}</loc></url>'
                "</urlset>", content_type="application/xml"),
            "/2025/10/01/refresh-away/": Page(
                f'<html><head><meta http-equiv="refresh" content="0; url={elsewhere}">'
                "</head><body>Moved</body></html>"),
            "/2025/10/01/redirect-away/": Page(b"", 302, {"Location": elsewhere}),
            "/2025/10/01/moved-away/": Page(b"", 301, {"Location": other.url("/")}),
            "/2025/10/01/story-one/": Page(article(
                "Story one", head=f'<link rel="canonical" href="{elsewhere}">'
                f'<link rel="amphtml" href="{other.url("/amp/2025/10/01/story-one/")}">')),
        })
        with serve_site(home):
            archive = tmp_path / "archive.db"
            done = run_crawl(home.url("/"), archive)
    assert home.requested("/2025/10/01/refresh-away/")
    assert home.requested("/2025/10/01/redirect-away/")
    assert other.requests == [], f"another site was fetched: {other.requests}"
    assert "refused: off-site" in done.stderr
    assert any("story-one" in url for url in ArchiveReader(archive).latest())


def test_a_name_on_another_address_than_the_start_is_never_connected_to(tmp_path: Path) -> None:
    # The trap listens where internal.news.test points (127.0.0.2, loopback): a connection
    # there is one the gate let through.
    trap = socket.socket()
    try:
        trap.bind(("127.0.0.2", 0))
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here")
    trap.listen(16)
    connections: list[object] = []

    def accept() -> None:
        while True:
            try:
                conn, peer = trap.accept()
            except OSError:
                return
            connections.append(peer)
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    port = trap.getsockname()[1]
    site = SecuritySite()
    inside = f"http://internal.news.test:{port}"
    site.pages.update({
        "/": Page(article("Home", f'<a href="{inside}/2025/10/01/secret-story/">secret</a>'
                          '<a href="/2025/10/01/story-one/">one</a>'
                          '<a href="/2025/10/01/moved/">moved</a>')),
        "/robots.txt": Page("User-agent: *\n", content_type="text/plain"),
        "/2025/10/01/story-one/": Page(article("Story one")),
        "/2025/10/01/moved/": Page(b"", 302, {"Location": f"{inside}/2025/10/02/moved-secret/"}),
    })
    try:
        # the site itself answers on 127.0.0.1 at the trap's port number, as news.test
        server = socket.socket()
        try:
            server.bind(("127.0.0.1", port))
        except OSError:
            pytest.skip("the trap's port is taken on 127.0.0.1")
        server.close()
        with serve_site(site, port):
            archive = tmp_path / "archive.db"
            done = run_crawl(f"http://news.test:{port}/", archive, *STUB)
    finally:
        trap.close()
    assert connections == [], f"the crawl connected to 127.0.0.2: {connections}"
    assert site.requested("/2025/10/01/story-one/"), done.stderr[-3000:]
    assert site.requested("/2025/10/01/moved/")
    assert "internal.news.test is at the non-public address 127.0.0.2" in done.stderr
    assert any("story-one" in url for url in ArchiveReader(archive).latest())


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def gate(start: str, allow_private: bool = False) -> ScopeMiddleware:
    spider = SimpleNamespace(start_urls=[start], sites=frozenset({"news.test", "127.0.0.1:8000"}))
    crawler = SimpleNamespace(spider=spider, stats=Stats())
    return ScopeMiddleware(crawler, resolve, allow_private)  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "refused"), [
    ("http://news.test/2025/a/", False),
    ("http://private.news.test/2025/a/", True),
    ("http://metadata.news.test/latest/meta-data/", True),
    ("http://mixed.news.test/2025/a/", True),
    ("http://internal.news.test/2025/a/", True),
    ("http://169.254.169.254/latest/meta-data/", True),
    ("http://10.0.0.5/", True),
    ("http://[::1]:8000/", True),
    ("http://127.0.0.1:8000/", False),  # the start URL's own address
    ("http://elsewhere.example/", True),
    ("ftp://news.test/", True),
])
def test_the_gate_refuses_before_any_connection(url: str, refused: bool) -> None:
    middleware = gate("http://news.test/")
    middleware.allowed = {"127.0.0.1"}  # as if news.test's start were on 127.0.0.1
    if refused:
        with pytest.raises(IgnoreRequest):
            asyncio.run(middleware.process_request(Request(url)))
    else:
        assert asyncio.run(middleware.process_request(Request(url))) is None


def test_only_the_start_urls_own_non_public_addresses_are_allowed() -> None:
    middleware = gate("http://private.news.test/")
    assert asyncio.run(middleware.process_request(Request("http://private.news.test/a"))) is None
    assert middleware.allowed == {"10.0.0.5"}
    with pytest.raises(IgnoreRequest, match=r"news\.test is at the non-public address 127\."):
        asyncio.run(middleware.process_request(Request("http://news.test/")))
    assert middleware.crawler.stats.values == {"scope/refused_private": 1}
    assert asyncio.run(gate("http://news.test/", allow_private=True).address_problem(
        Request("http://metadata.news.test/"))) is None
