"""The archive in a browser: Datasette's real server with the project's pages, read over HTTP
and by a real headless Chromium."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest

from crawler.archive import Archive
from crawler.archive.diff import text_blocks, word_diff
from tests.browser import Browser
from tests.test_datasette import free_port

HAS_DATASETTE = importlib.util.find_spec("datasette") is not None
pytestmark = pytest.mark.skipif(not HAS_DATASETTE, reason="datasette is not installed")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots of the pages, for a person to look at
A = "https://a.example"
STORY = f"{A}/politics/minister-resigns/"
OLD_SENTENCE = "“I am not resigning,” the minister told reporters on Monday."
NEW_SENTENCE = "An assessment published on Tuesday found the department had overspent."
BODY = ("The minister faced questions over the budget.\n\n" + OLD_SENTENCE +
        " She then left the building.\n\nThe opposition called for an inquiry.")


class Beacon:
    """A loopback server that counts requests: a script in an archived page would call it."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def page_with_script(beacon: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<html><head><title>Minister</title><script>fetch('{beacon}/ran');"
            f"new Image().src='{beacon}/img';top.document.title='PWNED';</script></head>"
            f"<body><h1>Minister resigns</h1>{paragraphs}"
            f"<img src=x onerror=\"fetch('{beacon}/onerror')\"></body></html>").encode()


def build(path: Path, beacon: str) -> None:
    item = {"url": STORY, "site": "a.example", "title": "Minister faces questions",
            "summary": "", "authors": ["Ann Lee"], "section": "Politics", "lang": "en",
            "published": "2026-11-30T09:00:00Z", "fetched_at": "2026-11-30T10:00:00Z",
            "body": BODY, "encoding": "utf-8"}
    with Archive.open(path) as archive:
        crawl = archive.start_crawl("news", [A + "/"], started_at="2026-11-30T09:59:00Z")
        archive.save({**item, "page": page_with_script(beacon, BODY)}, crawl)
        edited = BODY.replace(OLD_SENTENCE, NEW_SENTENCE)
        archive.save({**item, "fetched_at": "2026-11-30T12:00:00Z", "body": edited,
                      "page": page_with_script(beacon, edited)}, crawl)
        archive.save({**item, "fetched_at": "2026-11-30T14:00:00Z", "body": edited,
                      "title": "Minister resigns after budget row",
                      "page": page_with_script(beacon, edited + " ")}, crawl)
        archive.save({"url": f"{A}/sport/final/", "site": "a.example", "title": "Rovers win",
                      "body": "Rovers won the final on Saturday.", "section": "Sport",
                      "fetched_at": "2026-11-30T11:00:00Z"}, crawl)
        archive.finish_crawl(crawl, "finished", {"pages_fetched": 4}, {},
                             finished_at="2026-11-30T14:01:00Z")


class Server:
    """`crawler serve` on a free loopback port, as a user starts it."""

    def __init__(self, path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler", "serve", "--db", str(path), "--port",
             str(self.port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urlopen(self.base + "/-/versions.json", timeout=2).read()
                return
            except (URLError, ConnectionError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("crawler serve did not start")

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        try:
            with urlopen(self.base + path, timeout=10) as answer:
                headers = {k.lower(): v for k, v in answer.headers.items()}
                return answer.status, headers, answer.read().decode()
        except HTTPError as error:
            headers = {k.lower(): v for k, v in error.headers.items()}
            return error.code, headers, error.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@pytest.fixture(scope="module")
def beacon() -> Iterator[Beacon]:
    server = Beacon()
    yield server
    server.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, beacon: Beacon) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("web") / "archive.db"
    build(path, beacon.url)
    running = Server(path)
    yield running
    running.stop()


def test_replaced_sentence_reads_whole() -> None:
    blocks = text_blocks(BODY, BODY.replace(OLD_SENTENCE, NEW_SENTENCE))
    change = next(b for b in blocks if b["kind"] == "change")
    removed = "".join(t for op, t in change["runs"] if op == "-")
    added = "".join(t for op, t in change["runs"] if op == "+")
    assert removed.strip() == OLD_SENTENCE and added.strip() == NEW_SENTENCE
    assert [op for op, _ in change["runs"]] == ["-", "+", " "]


def test_edited_word_is_marked_alone() -> None:
    marked = word_diff({"body": "The vote is expected in May."},
                       {"body": "The vote is expected in June."})
    assert "in [-May-]{+June+}." in marked


def test_unchanged_paragraphs_fold() -> None:
    old = "\n\n".join(f"Paragraph {n} says something." for n in range(10))
    new = old.replace("Paragraph 5 says", "Paragraph 5 now says")
    kinds = [b["kind"] for b in text_blocks(old, new)]
    assert kinds == ["fold", "same", "change", "same", "fold"]


def test_front_page_lists_changes(server: Server) -> None:
    status, _, page = server.get("/")
    assert status == 200
    assert "Minister resigns after budget row" in page and "was: <del>Minister faces" in page
    assert "<strong>2</strong> articles" in page and "<strong>4</strong> versions" in page
    assert "Rovers win" not in page  # a story with one version has not changed
    _, _, sport = server.get("/?section=Sport")
    assert "Minister resigns" not in sport and "No changes yet" in sport


def test_tables_are_readable(server: Server) -> None:
    _, _, latest = server.get("/archive/latest")
    assert "news-rows" in latest and "/-/article/" in latest
    assert "every column" in latest
    _, _, found = server.get("/archive/latest?_search=assessment")
    assert "<mark>assessment</mark>" in found.lower() or "<mark>Assessment</mark>" in found
    _, _, full = server.get("/archive/latest?_full=1")
    assert "news-rows" not in full and "rows-and-columns" in full


def test_feeds_validate(server: Server) -> None:
    feedparser = pytest.importorskip("feedparser")
    _, headers, atom = server.get("/-/changes.atom")
    assert headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(atom)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 2 and "Minister resigns after budget row" in titles[0]
    assert feed.entries[0].link.startswith(server.base + "/-/article/")
    status, _, diff_page = server.get(feed.entries[0].link[len(server.base):])
    assert status == 200 and "Minister faces questions" in diff_page
    _, _, data = server.get("/-/changes.json?site=a.example")
    items = json.loads(data)["items"]
    assert [i["_archive"]["version"] for i in items] == [3, 2]
    _, _, none = server.get("/-/changes.json?site=b.example")
    assert json.loads(none)["items"] == []


def test_archived_page_is_sandboxed(server: Server) -> None:
    _, _, page = server.get("/-/article/1")
    assert "<iframe" in page and "sandbox" in page
    assert "fetch(" not in page  # the stored page is never put into our page
    status, headers, stored = server.get("/-/archived/1")
    assert status == 200 and "fetch(" in stored
    assert headers["content-security-policy"].startswith("sandbox")


@pytest.mark.skipif(Browser.find() is None, reason="no Chromium installed (apt-get install "
                                                   "chromium)")
def test_browser_compares_versions(server: Server, beacon: Beacon) -> None:
    browser = Browser(Browser.find() or "")
    try:
        browser.goto(server.base + "/")
        browser.screenshot(ARTIFACTS / "front.png")
        link = browser.evaluate("document.querySelector('a.news-title').href")
        browser.goto(link)
        browser.wait_for("!!document.getElementById('compare')")
        # pick v1 against v3 and submit the form, as a reader does
        browser.evaluate("document.getElementById('from').value = '1';"
                         "document.getElementById('to').value = '3';"
                         "document.getElementById('compare').click(); true")
        browser.wait_for("location.search.includes('from=1') && "
                         "document.readyState === 'complete'")
        browser.screenshot(ARTIFACTS / "article-diff.png")
        removed = browser.evaluate(
            "[...document.querySelectorAll('.news-diff del')].map(e => e.textContent)")
        added = browser.evaluate(
            "[...document.querySelectorAll('.news-diff ins')].map(e => e.textContent)")
        assert any(OLD_SENTENCE in text for text in removed)
        assert any(NEW_SENTENCE in text for text in added)
        assert any("Minister faces questions" in text for text in removed)  # the title first
        browser.evaluate("document.querySelector('input[value=side]').checked = true;"
                         "document.getElementById('compare').click(); true")
        browser.wait_for("location.search.includes('mode=side') && "
                         "document.readyState === 'complete'")
        browser.screenshot(ARTIFACTS / "article-side.png")
        old_side = browser.evaluate(
            "[...document.querySelectorAll('.news-old')].map(e => e.textContent).join(' ')")
        assert OLD_SENTENCE in old_side and NEW_SENTENCE not in old_side
        # the archived page's scripts run neither framed in our page nor opened alone
        time.sleep(1.0)
        assert browser.evaluate("document.title") != "PWNED"
        browser.goto(server.base + "/-/archived/1")
        time.sleep(1.0)
        browser.goto(server.base + "/archive/latest?_search=assessment")
        browser.screenshot(ARTIFACTS / "search.png")
        assert beacon.hits == []
    finally:
        browser.close()
