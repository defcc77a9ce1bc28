"""Exports researchers load elsewhere: typed Parquet, rows that name their version, and a WARC
file that web-archive tools accept as a record of the crawl."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.archive import Archive
from crawler.archive.exports import EXPORT_COLUMNS
from crawler.cli import cli
from crawler.items import EXPORT_FIELDS

URL = "https://example.com/2026/11/30/council/"
PAGE = (b"<html><head><title>Council</title></head><body><article><h1>Council</h1>"
        b"<p>The council met on Monday.</p></article></body></html>")
EDITED = PAGE.replace(b"Monday", b"Tuesday")
HEADERS = {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A crawl's life: a first fetch, an unchanged re-fetch, a 304, an edit, then a 404."""
    path = tmp_path / "archive.db"
    item = {"url": URL, "site": "example.com", "title": "Council", "authors": ["Ann Lee"],
            "body": "The council met on Monday.", "published": "2026-11-30T09:00:00+01:00",
            "page": PAGE, "headers": HEADERS, "encoding": "utf-8", "fetched_url": URL}
    with Archive.open(path) as archive:
        crawl = archive.start_crawl("news", ["https://example.com/"], "2026-11-30T10:00:00Z")
        archive.save({**item, "fetched_at": "2026-11-30T10:00:00Z"}, crawl)
        archive.save({**item, "fetched_at": "2026-11-30T11:00:00Z"}, crawl)
        article_id = archive.article(URL)["id"]
        archive.record_check(article_id, 304, URL, crawl, "2026-11-30T12:00:00Z")
        archive.save({**item, "fetched_at": "2026-11-30T13:00:00Z", "page": EDITED,
                      "body": "The council met on Tuesday."}, crawl)
        archive.record_check(article_id, 404, URL, crawl, "2026-11-30T14:00:00Z")
        archive.finish_crawl(crawl, "finished", {}, {}, "2026-11-30T14:01:00Z")
    return str(path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_every_format_names_the_version(db: str) -> None:
    code, out = run("export", "--format", "csv", "--all-versions", "--db", db)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == list(EXPORT_COLUMNS)
    assert set(EXPORT_FIELDS) <= set(rows[0])
    assert [(r["article_id"], r["version"], r["crawl_id"]) for r in rows] == [
        ("1", "1", "1"), ("1", "2", "1")]
    assert rows[1]["change_kind"] and json.loads(rows[1]["changes"])["fields"] == ["body"]
    assert len(rows[1]["content_hash"]) == 64
    code, out = run("export", "--format", "jsonl", "--db", db)
    line = json.loads(out.splitlines()[0])
    assert line["version"] == 2 and line["authors"] == ["Ann Lee"]
    assert isinstance(line["changes"], dict)


def test_parquet_has_real_types(db: str, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "out.parquet"
    code, _ = run("export", "--format", "parquet", "--all-versions", "-o", str(target),
                  "--db", db)
    assert code == 0
    table = pq.read_table(target)
    schema = table.schema
    assert pa.types.is_timestamp(schema.field("fetched_at").type)
    assert pa.types.is_timestamp(schema.field("published").type)
    assert pa.types.is_int64(schema.field("version").type)
    assert pa.types.is_int64(schema.field("article_id").type)
    assert pa.types.is_list(schema.field("authors").type)
    rows = table.to_pylist()
    assert rows[0]["authors"] == ["Ann Lee"]
    assert rows[0]["published"].isoformat() == "2026-11-30T08:00:00+00:00"  # zone kept as UTC
    assert [r["version"] for r in rows] == [1, 2]


def test_warc_is_a_record_of_the_crawl(db: str, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    target = tmp_path / "crawl.warc.gz"
    code, out = run("export", "--format", "warc", "-o", str(target), "--db", db)
    assert code == 0 and "1 warcinfo" in out
    with target.open("rb") as stream:
        records = [(r.rec_type, r.http_headers.statusline if r.http_headers else None,
                    r.rec_headers.get_header("WARC-Profile"))
                   for r in ArchiveIterator(stream)]
    kinds = [kind for kind, _, _ in records]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == 3  # first fetch, the edit, the 404
    assert kinds.count("revisit") == 2  # the unchanged re-fetch and the 304
    assert kinds.count("request") == 5
    statuses = [line for kind, line, _ in records if kind in ("response", "revisit")]
    assert statuses == ["200 OK", "200 OK", "304 Not Modified", "200 OK", "404 Not Found"]
    profiles = [p for kind, _, p in records if kind == "revisit"]
    assert profiles[0].endswith("identical-payload-digest")
    assert profiles[1].endswith("server-not-modified")
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(target)],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# pywb pins redis 2, which scrapy-redis cannot run with: it lives in a virtualenv of its own.
@pytest.mark.skipif(importlib.util.find_spec("pywb") is None
                    or importlib.util.find_spec("webtest") is None,
                    reason="pywb and webtest are not installed")
def test_warc_replays_in_pywb(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "crawl.warc.gz"
    assert run("export", "--format", "warc", "-o", str(target), "--db", db)[0] == 0
    from pywb.apps.frontendapp import FrontEndApp
    from pywb.manager.manager import CollectionsManager
    from webtest import TestApp

    monkeypatch.chdir(tmp_path)  # pywb keeps its collections below the working directory
    manager = CollectionsManager("news", must_exist=False)
    manager.add_collection()
    manager.add_archives([str(target)])
    app = TestApp(FrontEndApp())
    edited = app.get(f"/news/20261130130000id_/{URL}")
    assert b"Tuesday" in edited.body
    first = app.get(f"/news/20261130100000id_/{URL}")
    assert b"Monday" in first.body


LONG_URL = "https://example.com/2026/11/30/a-very-long-story-slug-about-the-council-vote/"


def test_tables_fit_the_width_and_keep_urls_whole() -> None:
    from crawler.cli import text_table

    rows = [{"published": "2026-11-30", "title": "A headline " * 8, "url": LONG_URL,
             "snippet": "… words before the " + "padding " * 10 + "[vote] and after it …"}]
    columns = ["published", "title", "url", "snippet"]
    table = text_table(rows, columns, 160)
    line = table.splitlines()[1]
    assert LONG_URL in line  # never cut
    assert "[vote]" in line  # the match stays in view
    assert len(line) <= max(160, len(LONG_URL) + 60)
    wide = text_table(rows, columns, None)  # no limit in a pipe: nothing cut
    assert "A headline " * 7 in wide and "…" not in wide.split(LONG_URL)[0]


def test_search_table_uses_columns(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    code, out = run("search", "Tuesday", "--db", db)
    assert code == 0 and URL in out and "[Tuesday]" in out


def test_narrow_terminal_stacks_rows() -> None:
    from crawler.cli import text_table

    rows = [{"published": "2026-11-30", "title": "Council votes on the budget", "url": LONG_URL,
             "snippet": "before " * 20 + "[vote] after"}]
    lines = text_table(rows, ["published", "title", "url", "snippet"], 60).splitlines()
    assert lines[0] == "2026-11-30  Council votes on the budget"
    assert lines[1] == "  " + LONG_URL
    assert "[vote]" in lines[2] and len(lines[2]) <= 60


def test_demo_serve_prints_a_crawl_line_that_works(tmp_path: Path) -> None:
    import os
    import shlex

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "crawler", "demo", "--serve"],
                              stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(4)]
        command = next(line for line in lines if "scrapy crawl" in line).strip()
        assert "127.0.0.1:" in command
        words = shlex.split(command)
        settings = dict(w.split("=", 1) for w in words if w.startswith("SCRAPY_"))
        argv = [w for w in words if not w.startswith("SCRAPY_")]
        argv[0:1] = [sys.executable, "-m", "scrapy"]
        done = subprocess.run([*argv, "-s", "LOG_LEVEL=WARNING", "-s",
                               "CLOSESPIDER_ITEMCOUNT=5"], cwd=tmp_path,
                              env={**env, **settings}, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        with Archive.open(tmp_path / "demo.db", readonly=True) as archive:
            assert archive.counts()["articles"] >= 5
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()
