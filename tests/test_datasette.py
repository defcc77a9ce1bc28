"""The archive in Datasette: the real server, started by serve(), over a real archive."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from crawler.archive import Archive, ArchiveNotFound
from crawler.datasette import (
    FTS_SHADOW_TABLES,
    INSTALL_HINT,
    QUERIES,
    SIMILARITY_INDEX_TABLES,
    DatasetteNotInstalled,
    metadata,
    serve,
    split_config,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(UTC)
A, B = "https://a.example", "https://b.example"
PLAN = f"{A}/politics/council-plan/"
CORRECTION = "Correction: An earlier version of this story misnamed the council leader."
WIRE = {"title": "Storm floods coastal towns", "summary": "Hundreds leave their homes.",
        "authors": ["Wire Staff"], "section": "World",
        "body": "A storm flooded coastal towns overnight, forcing hundreds of families to leave "
                "their homes before dawn.\n\nRoads along the shore were closed and schools "
                "will stay shut on Monday while crews clear fallen trees and repair power "
                "lines, officials said."}
HAS_DATASETTE = importlib.util.find_spec("datasette") is not None
needs_datasette = pytest.mark.skipif(not HAS_DATASETTE, reason="datasette is not installed")


def ago(days: float) -> str:
    """An ISO 8601 UTC time so many days before the test started."""
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def item(url: str, days: float, **fields: Any) -> dict[str, Any]:
    site = url.split("/")[2]
    return {"url": url, "site": site, "fetched_at": ago(days), "summary": "",
            "published": ago(days), "authors": [], "lang": "en", **fields}


def build_archive(path: Path) -> None:
    """Two sites: edits, a headline change, a correction, wire copy, a removed story."""
    plan = {"title": "Council weighs plan", "section": "Politics", "authors": ["Ann Lee"],
            "body": "The council met on Tuesday.\n\nThe vote is expected in May."}
    with Archive.open(path) as archive:
        first = archive.start_crawl("news", [A + "/", B + "/"], started_at=ago(40))
        archive.save(item(PLAN, 40, **plan), first)
        archive.save(item(f"{A}/sport/final/", 39, title="Rovers win the final",
                          section="Sport", authors=["Bo Chan", "Ann Lee"],
                          body="Rovers won the quarterfinal and then the final."), first)
        archive.finish_crawl(first, "finished", {"pages_fetched": 2, "articles_new": 2}, {},
                             finished_at=ago(39.99))
        crawl = archive.start_crawl("news", [A + "/", B + "/"], started_at=ago(36))
        archive.save(item(PLAN, 35, **{**plan, "title": "Council approves plan"}), crawl)
        archive.save(item(PLAN, 2, **{**plan, "title": "Council approves budget plan"}), crawl)
        archive.save(item(PLAN, 1, **{**plan, "title": "Council approves budget plan",
                                      "body": plan["body"] + "\n\n" + CORRECTION}), crawl)
        archive.save(item(f"{A}/world/storm/", 3, **WIRE), crawl)
        archive.save(item(f"{B}/news/storm-floods-towns/", 3, **WIRE), crawl)
        archive.save(item(f"{A}/politics/election/", 3, title="Election results",
                          section="Politics", body="Turnout was high in the north."), crawl)
        archive.save(item(f"{B}/vote/election/", 3, title=" Election Results ",
                          section="News", body="Counting went on all night in the south."),
                     crawl)
        archive.save(item(f"{B}/news/minister/", 3, title="Minister resigns", section="News",
                          body="The minister resigned on Friday."), crawl)
        removed = archive.article(f"{B}/news/minister/")["id"]
        archive.record_check(removed, 404, f"{B}/news/minister/", crawl, fetched_at=ago(1))
        archive.finish_crawl(crawl, "finished", {"pages_fetched": 9, "versions_new": 9}, {},
                             finished_at=ago(0.9))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """serve() in a subprocess on a free loopback port, queried over HTTP."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = free_port()
        self.log = db.with_suffix(".log").open("w")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from crawler.datasette import serve; "
             "serve(sys.argv[1], port=int(sys.argv[2]))", str(db), str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.get("/-/versions.json")
                return
            except (URLError, ConnectionError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("Datasette did not start:\n" + db.with_suffix(".log").read_text())
                time.sleep(0.1)

    def get(self, path: str, **params: Any) -> Any:
        """The JSON at path, with query parameters."""
        query = "?" + urlencode(params) if params else ""
        with urlopen(f"http://127.0.0.1:{self.port}{path}{query}", timeout=10) as response:
            return json.loads(response.read())

    def text(self, path: str) -> str:
        with urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return response.read().decode("utf-8")

    def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of a table, view or canned query as dicts."""
        return self.get(path, _shape="array", **params)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("datasette") / "archive.db"
    build_archive(path)
    return path


@pytest.fixture(scope="module")
def server(archive: Path) -> Iterator[Server]:
    if not HAS_DATASETTE:
        pytest.skip("datasette is not installed")
    running = Server(archive)
    yield running
    running.stop()


def test_every_column_of_the_archive_is_described(archive: Path, tmp_path: Path) -> None:
    tables = metadata()["databases"]["archive"]["tables"]
    copy = tmp_path / "archive.db"
    with sqlite3.connect(archive) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    conn = sqlite3.connect(copy)
    names = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'versions_fts%' AND name NOT LIKE 'latest_fts%' "
        "AND name NOT LIKE 'sqlite_%'")]
    for name in names:
        assert tables.get(name, {}).get("description"), f"{name} has no description"
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")]
        undescribed = set(columns) - set(tables[name]["columns"])
        assert not undescribed, f"{name}: no description for {sorted(undescribed)}"
        assert not set(tables[name]["columns"]) - set(columns), f"{name}: stale descriptions"
    conn.close()


def test_canned_queries_compile_against_the_schema(archive: Path) -> None:
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    for name, query in metadata()["databases"]["archive"]["queries"].items():
        params = {p: "" for p in query.get("params", [])}
        conn.execute("EXPLAIN " + query["sql"], params)  # raises on an unknown column
        assert query["title"] and query["description"], name
    conn.close()


def test_datasette_1_reads_search_facets_and_queries_from_its_configuration() -> None:
    meta, config = split_config(metadata("news"))
    assert meta["title"] == "News archive" and "queries" not in meta["databases"]["news"]
    assert meta["databases"]["news"]["tables"]["latest"]["columns"]["url"]
    assert "facets" not in meta["databases"]["news"]["tables"]["latest"]
    latest = config["databases"]["news"]["tables"]["latest"]
    assert latest["fts_table"] == "latest_fts" and latest["fts_pk"] == "version_id"
    assert config["databases"]["news"]["queries"].keys() == QUERIES.keys()
    assert all(config["databases"]["news"]["tables"][t]["hidden"] for t in FTS_SHADOW_TABLES)


def test_queries_trust_the_kind_of_change_when_the_archive_records_one(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path)
    conn = sqlite3.connect(path)

    def versions(name: str) -> list[int]:
        params = {p: "" for p in QUERIES[name].get("params", [])}
        return [row[2] for row in conn.execute(QUERIES[name]["sql"], params)]

    kinds = dict(conn.execute("SELECT version, change_kind FROM versions WHERE article_id = 1"))
    assert kinds == {1: "first", 2: "headline", 3: "headline", 4: "correction"}
    with conn:  # versions archived before kinds were recorded: the wording and fields decide
        conn.execute("UPDATE versions SET change_kind = NULL")
    assert versions("corrections") == [4] and versions("recent_headline_changes") == [3]
    with conn:  # the crawler's kind wins over the wording
        conn.execute("UPDATE versions SET change_kind = 'minor' WHERE article_id = 1")
        conn.execute("UPDATE versions SET change_kind = 'correction' "
                     "WHERE article_id = 1 AND version = 3")
    assert versions("corrections") == [3]
    conn.close()


def test_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="no archive at"):
        serve(str(tmp_path / "missing.db"))


def test_without_datasette_one_line_says_how_to_install(
        monkeypatch: pytest.MonkeyPatch, archive: Path) -> None:
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    with pytest.raises(DatasetteNotInstalled) as raised:
        serve(str(archive))
    assert INSTALL_HINT in str(raised.value) and "\n" not in str(raised.value)


@needs_datasette
def test_tables_and_the_latest_view_are_listed(server: Server) -> None:
    database = server.get("/archive.json")
    tables = {t["name"]: t for t in database["tables"]}
    for name in ("articles", "aliases", "versions", "crawls", "fetches", "similar"):
        assert not tables[name]["hidden"], name
    for name in (*FTS_SHADOW_TABLES, *SIMILARITY_INDEX_TABLES):  # 1.0 does not list them
        assert tables.get(name, {"hidden": True})["hidden"], name
    assert "latest" in [v["name"] for v in database["views"]]
    assert {q["name"] for q in database["queries"]} <= set(QUERIES)  # 1.0 lists a few
    assert database.get("queries_count", len(database["queries"])) == len(QUERIES)
    latest = server.rows("/archive/latest.json", _size="max")
    assert len(latest) == 7 and latest[0]["url"] == PLAN and latest[0]["version"] == 4
    published = [row["published"] for row in latest]
    assert published == sorted(published, reverse=True)  # newest first, not in id order


@needs_datasette
def test_search_on_latest_finds_only_newest_versions(server: Server) -> None:
    found = server.rows("/archive/latest.json", _search="budget")
    assert [r["url"] for r in found] == [PLAN]
    assert server.rows("/archive/latest.json", _search="weighs") == []  # only in version 1
    old = server.rows("/archive/versions.json", _search="weighs")
    assert [(r["title"], r["version"]) for r in old] == [("Council weighs plan", 1)]
    assert [r["url"] for r in server.rows("/archive/latest.json", _search="quarterfinal",
                                          site="a.example")] == [f"{A}/sport/final/"]


@needs_datasette
def test_facets_for_site_section_and_authors(server: Server) -> None:
    data = server.get("/archive/latest.json", _shape="objects", _extra="facet_results")
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # Datasette 1.0 nests them
    counts = {name: {v["value"]: v["count"] for v in facets[name]["results"]}
              for name in ("site", "section", "authors")}
    assert counts["site"] == {"a.example": 4, "b.example": 3}
    assert counts["section"]["Politics"] == 2 and counts["section"]["World"] == 2
    assert counts["authors"] == {"Ann Lee": 2, "Wire Staff": 2, "Bo Chan": 1}


@needs_datasette
def test_canned_queries(server: Server) -> None:
    headlines = server.rows("/archive/recent_headline_changes.json")
    assert [(r["url"], r["old_title"], r["new_title"]) for r in headlines] == [
        (PLAN, "Council approves plan", "Council approves budget plan")]
    assert len(server.rows("/archive/recent_headline_changes.json", days=60)) == 2

    edited = server.rows("/archive/most_edited.json")
    assert [(r["url"], r["versions"]) for r in edited] == [(PLAN, 4)]
    assert len(server.rows("/archive/most_edited.json", top=0)) == 0

    corrections = server.rows("/archive/corrections.json")
    assert [(r["url"], r["version"], r["notice"]) for r in corrections] == [
        (PLAN, 4, CORRECTION)]

    syndicated = {r["matched_by"]: r for r in server.rows("/archive/syndicated.json")}
    assert set(syndicated) == {"same text", "same headline"}
    assert sorted(json.loads(syndicated["same text"]["urls"])) == [
        f"{A}/world/storm/", f"{B}/news/storm-floods-towns/"]
    assert syndicated["same headline"]["sites"] == 2

    pairs = server.rows("/archive/near_duplicates.json")
    assert [(p["similarity"], p["url"], p["other_url"]) for p in pairs] == [
        (1.0, f"{A}/world/storm/", f"{B}/news/storm-floods-towns/")]

    removed = server.rows("/archive/removed.json")
    assert [(r["url"], r["removed_at"]) for r in removed] == [(f"{B}/news/minister/", ago(1))]

    crawls = server.rows("/archive/crawl_history.json")
    assert [(c["id"], c["status"], c["article_fetches"]) for c in crawls] == [
        (2, "finished", 9), (1, "finished", 2)]
    assert crawls[1]["seconds"] == round(0.01 * 86400)


@needs_datasette
def test_descriptions_are_served(server: Server) -> None:
    assert "News archive" in server.text("/")
    page = server.text("/archive/latest")
    assert "Each article with its newest version." in page
    assert "Bylines, a JSON array of names." in page  # a column description


@needs_datasette
def test_reads_what_a_running_crawl_writes(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path)
    server = Server(path)
    try:
        with Archive.open(path) as writer:  # holds the WAL open, as a crawl does
            assert server.rows("/archive/latest.json", _search="hailstones") == []
            writer.save(item(f"{B}/news/hail/", 0, title="Hailstones the size of eggs",
                             body="Hail fell for an hour."))
            found = server.rows("/archive/latest.json", _search="hailstones")
            assert [r["url"] for r in found] == [f"{B}/news/hail/"]
            assert len(server.rows("/archive/latest.json", _size="max")) == 8
    finally:
        server.stop()
