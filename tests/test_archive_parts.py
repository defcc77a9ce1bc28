"""The archive's parts behind `Archive`: field columns from the registry, profiles per version,
the distributed runs' tables, and the crawl counts read from Scrapy's stats."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.archive import Archive, Outcome
from crawler.archive.exports import EXPORT_COLUMNS
from crawler.archive.schema import SCHEMA_VERSION, V6
from crawler.items import EXPORT_FIELDS, VERSION_FIELDS
from crawler.stats import crawl_counts, error_count, outcome_stat

URL = "https://example.com/news/harbour"
ITEM = {"url": URL, "site": "example.com", "title": "Harbour reopens", "lang": "en",
        "body": "The harbour reopened on Monday after the storm.", "profile": "ledger",
        "page": "<html><p>Harbour café</p></html>".encode("cp1252"), "encoding": "cp1252"}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive.open(tmp_path / "archive.db") as opened:
        yield opened


def columns(archive: Archive, table: str) -> list[str]:
    return [row[1] for row in archive.conn.execute(f"PRAGMA table_info({table})")]


def test_every_version_field_of_the_registry_is_a_column_of_versions_and_superseded(
        archive) -> None:
    assert set(VERSION_FIELDS) <= set(columns(archive, "versions"))
    assert set(VERSION_FIELDS) <= set(columns(archive, "superseded"))


def test_a_version_keeps_the_profile_and_reextraction_reads_it_with_the_encoding(
        archive) -> None:
    assert archive.save(ITEM) == Outcome.NEW_ARTICLE
    [version] = archive.versions(archive.article(URL)["id"])
    assert version["profile"] == "ledger"
    [row] = archive.versions_with_pages()
    assert (row["profile"], row["encoding"], row["lang"]) == ("ledger", "cp1252", "en")
    raw, encoding = archive.page(row["page_id"])
    assert raw.decode(encoding) == "<html><p>Harbour café</p></html>"


def test_supersede_keeps_what_it_is_not_given_and_the_old_text_whole(archive) -> None:
    archive.save(ITEM)
    [row] = archive.versions_with_pages()
    archive.supersede(row["id"], {"title": "Harbour reopens to ships", "body": ITEM["body"],
                                  "authors": ["A. Writer"]}, "x2", "2025-10-07T00:00:00Z")
    [version] = archive.versions(row["article_id"])
    assert (version["title"], version["authors"], version["profile"], version["lang"]) == (
        "Harbour reopens to ships", ["A. Writer"], "ledger", "en")
    assert version["extractor"] == "x2"
    old = archive.conn.execute(
        "SELECT title, profile, lang, authors FROM superseded").fetchall()
    assert old == [("Harbour reopens", "ledger", "en", "[]")]
    assert [r["url"] for r in archive.search("ships")] == [URL]


def test_export_rows_carry_every_export_field_of_the_registry(archive) -> None:
    archive.save(ITEM)
    for every in (False, True):
        [row] = archive.export_rows(all_versions=every)
        assert tuple(row) == EXPORT_COLUMNS
        assert set(EXPORT_FIELDS) <= set(row)
        assert row["authors"] == []


def test_the_distributed_tables_are_in_every_archive_and_kept_through_archive_methods(
        archive) -> None:
    crawl = archive.start_crawl("news", [])
    with archive.db.atomic():
        archive.add_distributed_run("r1", crawl, '{"spider": "news"}')
        archive.mark_applied("s", "1-0")
        archive.mark_applied("s", "2-0")
        archive.mark_applied("other", "1-0")
    assert archive.applied_entries("s", ["1-0", "2-0", "3-0"]) == {"1-0", "2-0"}
    with archive.db.atomic():
        archive.forget_applied("s", ["1-0"])
        archive.update_distributed_run("r1", {"w1": "running"}, {"pages": 3},
                                       {"new_article": 2})
    assert archive.applied_entries("s", ["1-0", "2-0"]) == {"2-0"}
    assert archive.applied_entries("other", ["1-0"]) == {"1-0"}
    assert archive.distributed_run("r1") == {
        "crawl_id": crawl, "config": '{"spider": "news"}', "workers": {"w1": "running"},
        "stats": {"pages": 3}, "counts": {"new_article": 2}}
    assert archive.distributed_run("r2") is None
    assert archive.close_stale_crawls() == 0  # a run between its ingests is not killed


def test_an_archive_whose_ingester_made_the_distributed_tables_migrates_with_their_rows(
        tmp_path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        archive.start_crawl("news", [])
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE distributed_runs; DROP TABLE distributed_applied;"
                       "ALTER TABLE versions DROP COLUMN profile;"
                       "ALTER TABLE superseded DROP COLUMN lang;"
                       "ALTER TABLE superseded DROP COLUMN profile;")
    conn.executescript(V6)  # as `crawler ingest` made them, before they were a migration
    conn.execute("INSERT INTO distributed_runs (run, crawl_id) VALUES ('r1', 1)")
    conn.execute("PRAGMA user_version = 5")  # before the distributed tables and profiles
    conn.commit()
    conn.close()
    with Archive.open(path) as archive:
        assert archive.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert archive.distributed_run("r1")["crawl_id"] == 1
        assert "profile" in columns(archive, "versions")


def test_crawl_counts_are_read_from_the_stat_names_of_the_archive_outcomes() -> None:
    stats = {"response_received_count": 9, outcome_stat(Outcome.NEW_ARTICLE): 2,
             "archive/new_version": 1, "archive/unchanged": 3, "archive/not_modified": 1,
             "archive/removed": 1, "archive/error": 1, "news/fetch_failed": 2,
             "log_count/ERROR": 3, "retry/max_reached": 2}
    assert crawl_counts(stats) == {"pages_fetched": 9, "articles_new": 2, "versions_new": 3,
                                   "unchanged": 4, "removed": 1, "errors": 4}
    assert error_count({}) == 0


def test_finish_crawl_takes_plain_counts(archive) -> None:
    crawl = archive.start_crawl("news", ["https://example.com/"], "2025-10-06T08:00:00Z")
    archive.finish_crawl(crawl, "finished", {"pages_fetched": 5, "versions_new": 2},
                         {"anything": "kept"}, "2025-10-06T08:05:00Z")
    [row] = archive.crawls()
    assert (row["pages_fetched"], row["versions_new"], row["errors"], row["stats"]) == (
        5, 2, 0, '{"anything": "kept"}')


def test_no_write_of_an_article_scans_a_whole_table(archive) -> None:
    """Saving, re-saving, checking and refusing run only indexed lookups: a table scan in one
    of them makes every write slower as the archive grows (skipped links, pairs, refusals)."""
    statements: list[str] = []
    body = " ".join(f"word{n}" for n in range(80))
    crawl = archive.start_crawl("news", [URL])
    archive.record_skip("https://example.com/about", "not an article")
    archive.record_refusal("https://example.com/news/locked", "example.com", "403")
    archive.conn.set_trace_callback(statements.append)
    archive.save({**ITEM, "body": body, "aliases": [URL + "?amp=1"]}, crawl)
    archive.save({**ITEM, "body": body + " updated"}, crawl)
    archive.save({**ITEM, "url": URL + "-2", "body": body}, crawl)
    article_id = archive.article(URL)["id"]
    archive.record_check(article_id, 304, URL, crawl)
    archive.record_refusal(URL + "-3", "example.com", "403")
    archive.conn.set_trace_callback(None)
    tables = {row[0] for row in archive.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    scans = set()
    for statement in set(statements):
        if statement.split(None, 1)[0].upper() not in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            continue
        for *_, detail in archive.conn.execute("EXPLAIN QUERY PLAN " + statement):
            words = detail.split()
            if words[:1] == ["SCAN"] and words[1] in tables and "INDEX" not in words:
                scans.add((words[1], " ".join(statement.split())[:80]))
    assert len([s for s in statements if s.startswith("SELECT url FROM skipped")]) == 2
    assert not {scan for scan in scans if not scan[0].endswith("_config")}, scans
