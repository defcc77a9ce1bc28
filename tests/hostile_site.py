"""A hostile news site on 127.0.0.1: one good story and one page for each way a page breaks.

Standard library only. `HostileServer` serves the site and records every request it answers,
with the time and how many body bytes it sent; `TrapServer` is another loopback site that
records every connection made to it (the crawl must never reach it). `CASES` says what each
page is and what a crawl must make of it.
"""

from __future__ import annotations

import functools
import html
import json
import random
import socketserver
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

HUGE_BYTES = 50 * 1024 * 1024  # the size of the oversized pages
BOMB_BYTES = 1100 * 1024 * 1024  # what the gzip bomb inflates to
STALL_SECONDS = 60  # how long a stalling answer waits before it gives up on its own
RETRY_AFTER = 5  # seconds the 429/500/503 answers ask a client to wait
LINKS_PAGE_LINKS = 20_000  # anchors on the page of many links
PAGINATION_PAGES = 2  # real pages of the endlessly paginated archive (later ones repeat)
REDIRECT_HOPS = 25  # hops of the long redirect chain (Scrapy follows 20 by default)
# Text a crawl would archive only by fetching a URL of a scheme it must never fetch.
FILE_MARKER = "Zebrafile harbour secret"
DATA_MARKER = "Zebradata harbour secret"

# Paragraphs of a plain story; each case adds its own twist.
PARAGRAPHS = (
    "The harbour board approved the new sea wall on Tuesday evening after a debate that ran "
    "for more than three hours, with members split over the cost of the work.",
    "Engineers say the present wall, built in the 1950s, has been overtopped four times in the "
    "last two winters and that the repairs made after each storm no longer hold.",
    "The plan adds a second barrier behind the promenade and raises the slipway by a metre, so "
    "that fishing boats can still be launched at the highest spring tides.",
    "Residents who spoke at the meeting welcomed the decision but asked the board to publish "
    "the full budget, which has grown by a fifth since the scheme was first proposed.",
)
JAPANESE = (
    "東京都は六日、湾岸地域の防潮堤の改修工事が来年春に完成する見通しだと発表した。"
    "工事は当初の予定より半年遅れているが、費用は予算の範囲内に収まるという。",
    "防潮堤は一九六〇年代に造られ、近年の高潮で何度も越波の被害が出ていた。"
    "地元の漁業関係者は、完成すれば冬の出漁がずっと安全になると話している。",
    "都の担当者によると、新しい堤防は従来より一メートル高く、背後に排水路も設ける。"
    "住民説明会は来月、湾岸の三つの地区で順に開かれる予定だという。",
)


def esc(text: str) -> str:
    """Text escaped for HTML content and attribute values."""
    return html.escape(text, quote=True)


def story(
    title: str,
    paragraphs: tuple[str, ...] | list[str],
    *,
    published: str = "2025-10-01T09:00:00+01:00",
    head: str = "",
    jsonld: str | None = None,
    lang: str = "en",
) -> str:
    """A news story page: JSON-LD, OpenGraph, a headline and the paragraphs."""
    if jsonld is None:
        jsonld = json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "datePublished": published, "author": {"@type": "Person", "name": "Ann Reporter"},
        }, ensure_ascii=False)
    text = "".join(f"<p>{esc(p)}</p>\n" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head>{head}<title>{esc(title)}</title>\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{esc(title)}">\n'
        f'<meta property="article:published_time" content="{esc(published)}">\n'
        f'<script type="application/ld+json">{jsonld}</script>\n'
        f"</head><body><header><a href=\"/\">Hostile Harbour News</a></header>\n"
        f'<article><h1>{esc(title)}</h1><p class="byline">By Ann Reporter</p>\n'
        f"<div class=\"entry-content\">\n{text}</div></article>\n"
        f"<footer><p>Hostile Harbour News</p></footer></body></html>\n"
    )


@dataclass(frozen=True)
class Case:
    """One page of the site, and what a crawl must make of it."""

    name: str
    path: str  # what the home page links to
    outcome: str  # "archived" (stored with its text), "skipped" (fetched, never stored)
    # or "unfetched" (never requested)
    title: str | None = None  # the archived headline, when archived
    text: tuple[str, ...] = ()  # snippets the archived body must hold
    paths: tuple[str, ...] = ()  # more paths of the case (redirect hops), for the log
    failed: bool = False  # a fetch that fails (error, refused, timed out), not a page skipped

    def all_paths(self) -> tuple[str, ...]:
        """Every path a crawl may name when it reports this case."""
        return (self.path, *self.paths)


def _date_path(day: int, slug: str) -> str:
    return f"/2025/10/{day:02d}/{slug}/"


GOOD_TITLE = "Harbour board approves new sea wall after long debate"
CP1252_TEXT = ("The café owners’ association said the “fair rent” rule – worth €5 a week to "
               "each stall – was overdue, and that the market’s façade needs work too.")
LATIN1_TEXT = ("Zürich’s oldest café reopened on Monday — eight months after the fire — with "
               "the same crème brûlée on the menu and a new terrace over the Limmat.")
BOM_TEXT = ("Critics called the budget naïve: the coöperative’s own forecast shows the "
            "deficit doubling by next spring unless fares rise.")
NUL_TEXT = "Water meters\x00 will be fitted\x00 to every house on the estate by March."
UNCLOSED_TEXT = "The ferry operator said fares would rise by six per cent from January."
TRUNCATED_TEXT = "Repairs to the old bridge will close it to traffic for the whole summer."

CASES: tuple[Case, ...] = (
    Case("good", _date_path(1, "harbour-board-approves-new-sea-wall"), "archived",
         GOOD_TITLE, PARAGRAPHS),
    Case("cp1252 without charset", _date_path(2, "cafe-owners-welcome-new-market-rules"),
         "archived", "Café owners welcome new market rules", (CP1252_TEXT,)),
    Case("Shift_JIS with meta charset", _date_path(2, "tokyo-sea-wall-to-be-finished-by-spring"),
         "archived", "東京湾の防潮堤工事、来年春に完成へ", JAPANESE),
    Case("UTF-8 with BOM", _date_path(2, "naive-budget-plan-questioned-by-critics"), "archived",
         "Naïve budget plan questioned by critics", (BOM_TEXT,)),
    Case("header latin-1, body UTF-8", _date_path(2, "zurich-cafe-reopens-after-the-fire"),
         "archived", "Zürich café reopens after the fire", (LATIN1_TEXT,)),
    Case("truncated HTML", _date_path(3, "old-bridge-to-close-all-summer-for-repairs"),
         "archived", "Old bridge to close all summer for repairs", (TRUNCATED_TEXT,)),
    Case("unclosed tags", _date_path(3, "ferry-fares-to-rise-from-january"), "archived",
         "Ferry fares to rise from January", (UNCLOSED_TEXT,)),
    Case("NUL bytes in text", _date_path(3, "water-meters-for-every-house-on-the-estate"),
         "archived", "Water meters for every house on the estate",
         ("Water meters will be fitted to every house on the estate by March.",)),
    Case("malformed JSON-LD", _date_path(3, "library-opening-hours-cut-in-budget-round"),
         "archived", "Library opening hours cut in budget round", PARAGRAPHS[:2]),
    Case("date 0000-00-00", _date_path(9, "zero-date-story-about-the-tram-depot"), "archived",
         "Zero date story about the tram depot", PARAGRAPHS[1:3]),
    Case("year 20250", _date_path(9, "far-future-date-story-about-the-pier"), "archived",
         "Far future date story about the pier", PARAGRAPHS[2:4]),
    Case("100 KB title", _date_path(9, "absurdly-long-title-story-about-the-lighthouse"),
         "archived", None, PARAGRAPHS[:2]),
    Case("503 once, then the page", _date_path(7, "flaky-story-recovers-after-a-retry"),
         "archived", "Flaky story recovers after a retry", PARAGRAPHS[:1]),
    Case("50 MB page with Content-Length", _date_path(4, "huge-page-that-says-its-size"),
         "skipped", failed=True),
    Case("50 MB page, chunked", _date_path(4, "huge-page-that-hides-its-size"), "skipped",
         failed=True),
    Case("gzip bomb", _date_path(4, "gzip-bomb-that-inflates-past-a-gigabyte"), "skipped",
         failed=True),
    Case("binary labelled text/html", _date_path(5, "binary-bytes-labelled-as-a-story"),
         "skipped"),
    Case("PDF link", "/files/annual-report.pdf", "unfetched"),
    Case("image link", "/images/harbour-at-dawn.jpg", "unfetched"),
    Case("PDF at a story URL", _date_path(5, "annual-report-download-for-the-harbour"),
         "skipped"),
    Case("image at a story URL", _date_path(5, "harbour-photo-gallery-at-dawn-image"),
         "skipped"),
    Case("redirect loop", _date_path(6, "redirect-loop-story-about-parking"), "skipped",
         paths=("/moved/loop-b/",), failed=True),
    Case("long redirect chain", _date_path(6, "redirect-chain-story-about-the-ferry"), "skipped",
         paths=tuple(f"/moved/hop-{n}/" for n in range(1, REDIRECT_HOPS + 1)), failed=True),
    Case("429 with Retry-After", _date_path(7, "rate-limited-story-about-the-harbour"),
         "skipped", failed=True),
    Case("500 with Retry-After", _date_path(7, "server-error-story-about-the-harbour"),
         "skipped", failed=True),
    Case("503 with Retry-After", _date_path(7, "unavailable-story-about-the-harbour"),
         "skipped", failed=True),
    Case("server stalls mid-body", _date_path(8, "stalling-server-story-about-the-dock"),
         "skipped", failed=True),
    Case("body shorter than Content-Length", _date_path(8, "short-body-story-about-the-dock"),
         "skipped", failed=True),
    Case("empty 200", _date_path(8, "empty-page-story-about-the-dock"), "skipped"),
)
CASE_BY_PATH = {case.path: case for case in CASES}
# Pages of the site that are neither cases nor stories: listings that try to trap a crawl.
LINKS_PAGE = "/links/"
CALENDAR = "/calendar/2025/10/"
PAGINATED = "/archive/"
FILLERS = tuple(_date_path(10, f"archive-filler-story-number-{n}") for n in range(1, 5))


def calendar_path(year: int, month: int) -> str:
    """The infinite calendar's page of a month."""
    return f"/calendar/{year}/{month:02d}/"


@functools.cache
def gzip_bomb() -> bytes:
    """About a megabyte of gzip that inflates to BOMB_BYTES of spaces."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    parts = [packer.compress(block) for _ in range(BOMB_BYTES >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass
class Hit:
    """One request the site answered."""

    path: str
    at: float  # time.monotonic() when it arrived
    sent: int = 0  # body bytes written


@dataclass
class HostileSite:
    """The pages; `other` is the base URL of a loopback site the crawl must never reach."""

    other: str
    secret_file: Path
    base_url: str = ""
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    flaky_served: bool = False

    def url(self, path: str) -> str:
        """An absolute URL on this site."""
        return self.base_url + path

    def hit(self, path: str) -> Hit:
        """Record a request."""
        entry = Hit(path, time.monotonic())
        with self.lock:
            self.hits.append(entry)
        return entry

    def requested(self, path: str) -> list[Hit]:
        """The requests for a path (query string included), in order."""
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def paths(self) -> list[str]:
        """Every path requested, in order."""
        with self.lock:
            return [h.path for h in self.hits]

    def home(self) -> str:
        """The home page: a listing linking every case, the traps and forbidden schemes."""
        data_page = story(DATA_MARKER, PARAGRAPHS)
        links = [case.path for case in CASES] + [LINKS_PAGE, CALENDAR, PAGINATED]
        outside = [
            self.secret_file.as_uri(),
            "ftp://" + urlsplit(self.other).netloc + "/2025/10/01/ftp-story-about-the-harbour/",
            "data:text/html;charset=utf-8," + quote(data_page),
            "javascript:alert('harbour')",
            "mailto:newsdesk@example.org?subject=harbour",
            self.other + "/2025/10/01/story-on-another-loopback-site/",
            "//" + urlsplit(self.other).netloc + "/2025/10/01/protocol-relative-story-link/",
        ]
        items = "".join(f'<li><a href="{esc(u)}">Story {n}: the harbour, part {n}</a></li>\n'
                        for n, u in enumerate(links + outside))
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Hostile Harbour News</title>"
            '<meta property="og:type" content="website"></head><body>'
            f"<h1>Hostile Harbour News</h1><ul>\n{items}</ul></body></html>\n"
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: HostileSite  # set on the subclass made for each server

    def log_message(self, format: str, *args: object) -> None:
        """Requests are recorded on the site, never printed."""

    def do_GET(self) -> None:
        hit = self.site.hit(self.path)
        try:
            self.answer(urlsplit(self.path).path, hit)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # Answers

    def send(self, body: bytes, hit: Hit, content_type: str = "text/html; charset=utf-8",
             status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        hit.sent += len(body)

    def redirect(self, path: str, hit: Hit, status: int = 302) -> None:
        self.send(b"", hit, "text/html", status, (("Location", self.site.url(path)),))

    def stream(self, hit: Hit, chunked: bool) -> None:
        """HUGE_BYTES of page, made as it goes; stops when the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        block = (b"<p>" + b"The harbour is very large today. " * 31 + b"</p>\n")[:1024] * 64
        while hit.sent < HUGE_BYTES and not self.site.stop.is_set():
            data = block[: HUGE_BYTES - hit.sent]
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.wfile.write(data)
            hit.sent += len(data)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def partial(self, hit: Hit, stall: bool) -> None:
        """A page that promises more than it sends, then stalls or hangs up."""
        body = story("Dock story", PARAGRAPHS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body) * 4))
        self.end_headers()
        self.wfile.write(body[:600])
        self.wfile.flush()
        hit.sent += 600
        if stall:
            self.site.stop.wait(STALL_SECONDS)
        self.close_connection = True

    def answer(self, path: str, hit: Hit) -> None:
        site = self.site
        case = CASE_BY_PATH.get(path)
        name = case.name if case else None
        if path == "/robots.txt":
            self.send(b"User-agent: *\nAllow: /\n", hit, "text/plain")
        elif path == "/":
            self.send(site.home().encode(), hit)
        elif name == "good":
            self.send(story(GOOD_TITLE, PARAGRAPHS).encode(), hit)
        elif name == "cp1252 without charset":
            page = story(case.title, (CP1252_TEXT, *PARAGRAPHS[:2]))
            self.send(page.encode("cp1252"), hit, "text/html")
        elif name == "Shift_JIS with meta charset":
            page = story(case.title, JAPANESE, head='<meta charset="Shift_JIS">', lang="ja")
            self.send(page.encode("shift_jis"), hit, "text/html")
        elif name == "UTF-8 with BOM":
            page = story(case.title, (BOM_TEXT, *PARAGRAPHS[:2]))
            self.send(b"\xef\xbb\xbf" + page.encode(), hit, "text/html")
        elif name == "header latin-1, body UTF-8":
            page = story(case.title, (LATIN1_TEXT, *PARAGRAPHS[:2]),
                         head='<meta charset="utf-8">')
            self.send(page.encode(), hit, "text/html; charset=iso-8859-1")
        elif name == "truncated HTML":
            page = story(case.title, (TRUNCATED_TEXT, *PARAGRAPHS))
            self.send(page[: page.index(PARAGRAPHS[3]) + 40].encode(), hit)
        elif name == "unclosed tags":
            body = "".join(f"<div><p><b>{esc(p)}<span>" for p in (UNCLOSED_TEXT, *PARAGRAPHS))
            page = story(case.title, ()).replace('<div class="entry-content">',
                                                 f'<div class="entry-content">{body}')
            self.send(page.replace("</div></article>", "<article>").encode(), hit)
        elif name == "NUL bytes in text":
            page = story("Water meters\x00 for every house on the estate",
                         (NUL_TEXT, *PARAGRAPHS[:3]))
            self.send(page.encode(), hit)
        elif name == "malformed JSON-LD":
            broken = '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": '
            self.send(story(case.title, PARAGRAPHS, jsonld=broken + '"Library').encode(), hit)
        elif name == "date 0000-00-00":
            jsonld = json.dumps({"@type": "NewsArticle", "headline": case.title,
                                 "datePublished": "0000-00-00", "dateModified": "0000-00-00"})
            page = story(case.title, PARAGRAPHS, published="0000-00-00 00:00:00", jsonld=jsonld)
            page = page.replace("</h1>", '</h1><time datetime="0000-00-00">0000-00-00</time>')
            self.send(page.encode(), hit)
        elif name == "year 20250":
            stamp = "20250-01-01T00:00:00Z"
            jsonld = json.dumps({"@type": "NewsArticle", "headline": case.title,
                                 "datePublished": stamp, "dateModified": stamp})
            page = story(case.title, PARAGRAPHS, published=stamp, jsonld=jsonld)
            page = page.replace("</h1>", f'</h1><time datetime="{stamp}">{stamp}</time>')
            self.send(page.encode(), hit)
        elif name == "100 KB title":
            title = " ".join(f"lighthouse{n}" for n in range(10_000))[:100_000]
            self.send(story(title, PARAGRAPHS).encode(), hit)
        elif name == "503 once, then the page":
            if site.flaky_served:
                self.send(story(case.title, PARAGRAPHS).encode(), hit)
            else:
                site.flaky_served = True
                self.send(b"busy", hit, "text/plain", 503, (("Retry-After", "1"),))
        elif name == "50 MB page with Content-Length":
            self.stream(hit, chunked=False)
        elif name == "50 MB page, chunked":
            self.stream(hit, chunked=True)
        elif name == "gzip bomb":
            self.send(gzip_bomb(), hit, "text/html; charset=utf-8", 200,
                      (("Content-Encoding", "gzip"),))
        elif name == "binary labelled text/html":
            noise = random.Random(7).randbytes(64 * 1024)
            self.send(noise, hit, "text/html")
        elif path == "/files/annual-report.pdf" or name == "PDF at a story URL":
            stream = zlib.compress(random.Random(9).randbytes(8000))
            self.send(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\n"
                      + stream + b"\nendstream\nendobj\n%%EOF\n", hit, "application/pdf")
        elif path == "/images/harbour-at-dawn.jpg" or name == "image at a story URL":
            self.send(b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(20_000), hit,
                      "image/png")
        elif name == "redirect loop":
            self.redirect("/moved/loop-b/", hit)
        elif path == "/moved/loop-b/":
            self.redirect(CASES[[c.name for c in CASES].index("redirect loop")].path, hit)
        elif name == "long redirect chain":
            self.redirect("/moved/hop-1/", hit)
        elif path.startswith("/moved/hop-"):
            n = int(path.rstrip("/").rsplit("-", 1)[1])
            self.redirect(f"/moved/hop-{n + 1}/" if n < REDIRECT_HOPS else CASES[0].path, hit)
        elif name in ("429 with Retry-After", "500 with Retry-After", "503 with Retry-After"):
            status = int(name[:3])
            self.send(b"try later", hit, "text/plain", status,
                      (("Retry-After", str(RETRY_AFTER)),))
        elif name == "server stalls mid-body":
            self.partial(hit, stall=True)
        elif name == "body shorter than Content-Length":
            self.partial(hit, stall=False)
        elif name == "empty 200":
            self.send(b"", hit, "text/html; charset=utf-8")
        elif path == LINKS_PAGE:
            self.send(self.many_links().encode(), hit)
        elif path.startswith("/calendar/"):
            self.send(self.calendar(path).encode(), hit)
        elif path == PAGINATED or path.startswith(PAGINATED + "page/"):
            self.send(self.paginated(path).encode(), hit)
        elif path in FILLERS:
            title = path.strip("/").rsplit("/", 1)[1].replace("-", " ").capitalize()
            self.send(story(title, PARAGRAPHS).encode(), hit)
        else:
            self.send(b"<html><body><h1>Not found</h1></body></html>", hit, status=404)

    # Trap listings

    def many_links(self) -> str:
        """LINKS_PAGE_LINKS anchors: other hosts, fragments and tracking variants of one story."""
        good = CASES[0].path
        anchors = []
        for n in range(LINKS_PAGE_LINKS):
            if n % 2 == 0:
                href = f"http://site-{n}.invalid/2025/10/01/story-number-{n}/"
            elif n % 4 == 1:
                href = f"{good}?utm_source=list&utm_campaign=c{n}"
            else:
                href = f"#item-{n}"
            anchors.append(f'<li><a href="{href}">Harbour item number {n}</a></li>')
        return ("<!DOCTYPE html>\n<html><head><title>All the links</title></head><body>"
                f"<h1>All the links</h1><ul>{''.join(anchors)}</ul></body></html>\n")

    def calendar(self, path: str) -> str:
        """A month of an events calendar that links the next month, forever."""
        year, month = (int(p) for p in path.strip("/").split("/")[1:3])
        following = (year + month // 12, month % 12 + 1)
        return (
            "<!DOCTYPE html>\n<html><head><title>Events calendar</title></head><body>"
            f"<h1>Events in {year}-{month:02d}</h1><p>No events this month.</p>"
            f'<a href="{calendar_path(*following)}">Next month</a></body></html>\n'
        )

    def paginated(self, path: str) -> str:
        """A story archive whose pages after the last repeat it, each linking one more page."""
        page = int(path.rstrip("/").rsplit("/", 1)[1]) if "/page/" in path else 1
        shown = min(page, PAGINATION_PAGES)
        per_page = len(FILLERS) // PAGINATION_PAGES
        stories = FILLERS[(shown - 1) * per_page: shown * per_page]
        items = "".join(f'<li><h2><a href="{p}">Filler story {p[-3:-1]}</a></h2></li>'
                        for p in stories)
        return (
            "<!DOCTYPE html>\n<html><head><title>Archive</title>"
            f'<link rel="next" href="{PAGINATED}page/{page + 1}/"></head><body>'
            f"<h1>Archive, page {page}</h1><ul>{items}</ul>"
            f'<a class="next" rel="next" href="{PAGINATED}page/{page + 1}/">Older posts</a>'
            "</body></html>\n"
        )


class HostileServer:
    """The hostile site served on 127.0.0.1 from daemon threads."""

    def __init__(self, site: HostileSite) -> None:
        handler = type("Handler", (_Handler,), {"site": site})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.site = site
        site.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)

    def url(self, path: str) -> str:
        """An absolute URL on the site."""
        return self.site.url(path)

    def start(self) -> HostileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Release stalled answers, stop answering and free the port."""
        self.site.stop.set()
        self.httpd.shutdown()
        self.thread.join(timeout=5)
        self.httpd.server_close()


class _TrapHandler(socketserver.BaseRequestHandler):
    trap: TrapServer  # set on the subclass made for each server

    def handle(self) -> None:
        self.trap.record(self.client_address)
        self.request.settimeout(1)
        try:
            self.request.recv(4096)
            self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
                                 b"<html><body><p>trap</p></body></html>")
        except OSError:
            pass


class TrapServer:
    """Another loopback site: records every connection made to it, whatever the protocol."""

    def __init__(self) -> None:
        handler = type("TrapHandler", (_TrapHandler,), {"trap": self})
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.connections: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)

    def record(self, peer: tuple[str, int]) -> None:
        with self._lock:
            self.connections.append(peer)

    def start(self) -> TrapServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
        self.server.server_close()


@contextmanager
def serve_hostile(workdir: Path) -> Iterator[tuple[HostileServer, TrapServer]]:
    """The hostile site and the trap site, running; a story file for the file: link."""
    secret = workdir / "secret-story.html"
    secret.write_text(story(FILE_MARKER, PARAGRAPHS), encoding="utf-8")
    trap = TrapServer().start()
    server = HostileServer(HostileSite(trap.base_url, secret)).start()
    try:
        yield server, trap
    finally:
        server.stop()
        trap.stop()
