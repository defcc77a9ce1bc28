"""Ready records: worked out away from the writer, written in batches, checked off the stream."""

from __future__ import annotations

import asyncio
import base64
import json
import zlib
from pathlib import Path

import pytest

from crawler.archive import Archive, ArchiveError
from crawler.archive.records import RecordError, from_fields, ready_record, record_fields
from crawler.pool import Pool, pool_size, read_fetched

PARAGRAPH = ("The harbour authority said on Monday that the northern quay would stay closed "
             "while divers inspected the damage the storm had done to its piles and moorings.")
PAGE_BYTES = 1_000_000


def item(n: int, body: str | None = None) -> dict:
    """An article of its own text and page."""
    text = body if body is not None else f"Story {n}. " + " ".join([PARAGRAPH] * 3) + f" End {n}."
    return {"url": f"https://example.com/news/{n}", "site": "example.com",
            "title": f"Harbour story {n}", "body": text, "lang": "en",
            "fetched_url": f"https://example.com/news/{n}", "status": 200,
            "page": f"<html><h1>Harbour story {n}</h1><p>{text}</p></html>".encode(),
            "encoding": "utf-8"}


def dump(archive: Archive) -> dict[str, list]:
    """What a write leaves in the tables a version write touches (ids and times aside)."""
    queries = {
        "versions": "SELECT article_id, version, content_hash, title, body, change_kind, "
                    "changes FROM versions ORDER BY id",
        "pages": "SELECT hash, size, encoding, content FROM pages ORDER BY id",
        "signatures": "SELECT article_id, signature FROM signatures ORDER BY article_id",
        "similar": "SELECT article_id, other_id, similarity FROM similar ORDER BY 1, 2",
        "fts": "SELECT rowid FROM latest_fts WHERE latest_fts MATCH 'divers' ORDER BY rowid",
    }
    return {name: archive.conn.execute(sql).fetchall() for name, sql in queries.items()}


def test_a_batch_of_ready_records_writes_what_saving_one_by_one_writes(tmp_path: Path) -> None:
    items = [item(n) for n in range(6)] + [{**item(0), "title": "Harbour story 0, updated"}]
    with Archive.open(tmp_path / "one.db") as one, Archive.open(tmp_path / "batch.db") as batch:
        saved = [one.save(i) for i in items]
        written = batch.save_batch([ready_record(i) for i in items])
        assert written == saved
        assert [str(o) for o in written] == ["new_article"] * 6 + ["new_version"]
        assert dump(batch) == dump(one)
        assert dump(batch)["similar"], "near-duplicate stories are linked within the batch"
        assert len(dump(batch)["fts"]) == 6  # the newest version of each, searchable


def test_a_batch_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    records = [ready_record(item(n)) for n in range(3)]
    bad = ready_record({**item(9), "status": [200]})  # SQLite cannot bind a list
    with Archive.open(tmp_path / "a.db") as archive:
        with pytest.raises(ArchiveError):
            archive.save_batch([*records, bad])
        assert archive.counts()["articles"] == 0
        assert archive.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 0


def through_stream(record_values: dict) -> dict:
    """The record's values as JSON text and back, as they cross the Redis stream."""
    return json.loads(json.dumps(record_values))


def test_a_record_crosses_the_stream_as_json_and_comes_back_equal() -> None:
    record = ready_record(item(1))
    assert record.signature and record.page is not None
    values = through_stream(record_fields(record))
    assert from_fields(dict(record.item), values, PAGE_BYTES) == record


@pytest.mark.parametrize(("change", "problem"), [
    ({"content_hash": "abc"}, "content_hash"),
    ({"signature": base64.b64encode(b"\x00" * 10).decode()}, "signature has 10 bytes"),
    ({"signature": "not base64!"}, "signature is not base64"),
    ({"page_z": base64.b64encode(zlib.compress(b"<html>other</html>")).decode()},
     "does not match its hash"),
    ({"page_z": base64.b64encode(zlib.compress(b"\x00" * (PAGE_BYTES + 1))).decode()},
     "inflates past"),
    ({"page_z": base64.b64encode(b"not zlib").decode()}, "unreadable page"),
    ({"page_size": -3}, "page_size"),
    ({"first_change": {"kind": "revert"}}, "first_change"),
    ({"first_change": None}, "first_change"),
])
def test_a_forged_or_damaged_record_is_refused(change: dict, problem: str) -> None:
    record = ready_record(item(2))
    values = {**through_stream(record_fields(record)), **change}
    with pytest.raises(RecordError, match=problem):
        from_fields(dict(record.item), values, PAGE_BYTES)


def test_a_pool_of_processes_works_out_what_the_inline_code_does() -> None:
    paragraphs = "".join(f"<p>{PARAGRAPH} {n}</p>" for n in range(4))
    page = {**item(3), "url": "https://example.com/news/2026/12/harbour-quay-closed",
            "page": ('<html><head><meta property="og:type" content="article"></head><body>'
                     f"<article><h1>Harbour quay stays closed</h1>{paragraphs}</article>"
                     "</body></html>").encode()}

    async def both() -> tuple:
        pool = Pool(1)
        pool.wait_up(60)  # through the worker, not in this process while it starts
        try:
            return (await pool.ready(page), await pool.read(page["page"], None, page["url"],
                                                            None, frozenset({"example.com"})))
        finally:
            pool.close()

    record, (html, encoding, reading) = asyncio.run(both())
    assert record == ready_record(page)
    inline = read_fetched(page["page"], None, page["url"], None, frozenset({"example.com"}))
    assert (html, encoding) == inline[:2]
    assert reading == inline[2]
    assert reading.is_article and "divers inspected" in reading.article["body"]


def test_the_pool_size_setting() -> None:
    assert pool_size(0) == 0
    assert pool_size(3) == 3
    assert pool_size(-1) == pool_size(None) >= 1


def index_rows(archive: Archive, index: str, word: str) -> list[int]:
    return [rowid for (rowid,) in archive.conn.execute(
        f"SELECT rowid FROM {index} WHERE {index} MATCH ? ORDER BY rowid", (word,))]


def versions_with(archive: Archive, word: str, newest_only: bool) -> list[int]:
    """The ids of the versions whose text holds the word, read from the versions table."""
    newest = ("AND version = (SELECT MAX(version) FROM versions w "
              "WHERE w.article_id = v.article_id)") if newest_only else ""
    return [row[0] for row in archive.conn.execute(
        f"SELECT id FROM versions v WHERE (' ' || lower(title || ' ' || body) || ' ') "
        f"LIKE ? {newest} ORDER BY id", (f"% {word}%",))]


def assert_indexes_follow(archive: Archive, words: tuple[str, ...]) -> None:
    for word in words:
        assert index_rows(archive, "versions_fts", word) == versions_with(archive, word, False)
        assert index_rows(archive, "latest_fts", word) == versions_with(archive, word, True)
    # versions_fts against its content table; latest_fts, a part of it, on its own
    archive.conn.execute("INSERT INTO versions_fts (versions_fts, rank) "
                         "VALUES ('integrity-check', 1)")
    archive.conn.execute("INSERT INTO latest_fts (latest_fts) VALUES ('integrity-check')")


def test_full_text_rows_of_a_batch_follow_its_versions_within_and_across_batches(
        tmp_path: Path) -> None:
    words = ("harbour", "gulls", "ferries", "tugs", "cranes")
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save_batch([ready_record(item(n)) for n in range(3)])
        # one batch: two new versions of story 0, a new one of story 1, a new story 3
        archive.save_batch([ready_record(i) for i in (
            item(0, "Story 0. Gulls over the quay. " + PARAGRAPH),
            item(0, "Story 0. Ferries at the quay. " + PARAGRAPH),
            item(1, "Story 1. Tugs in the harbour. " + PARAGRAPH),
            item(3, "Story 3. Cranes on the quay. " + PARAGRAPH))])
        assert_indexes_follow(archive, words)
        assert index_rows(archive, "latest_fts", "gulls") == []
        assert len(index_rows(archive, "versions_fts", "gulls")) == 1
        archive.save(item(0, "Story 0. Cranes and gulls again. " + PARAGRAPH))
        assert_indexes_follow(archive, words)
        assert [h["url"] for h in archive.search("ferries")] == []


def test_a_record_with_bad_fields_is_set_aside_alone_and_leaves_no_text_in_the_index(
        tmp_path: Path) -> None:
    bad = ready_record({**item(9, "Story 9. Gulls and ferries. " + PARAGRAPH), "status": [200]})
    set_aside: list[tuple[int, str]] = []
    with Archive.open(tmp_path / "a.db") as archive:
        outcomes = archive.save_batch(
            [ready_record(item(1)), bad, ready_record(item(2))],
            on_bad=lambda index, error: set_aside.append((index, type(error).__name__)))
        assert [str(o) if o else None for o in outcomes] == ["new_article", None,
                                                              "new_article"]
        assert [index for index, _ in set_aside] == [1]
        assert archive.counts()["articles"] == 2
        assert index_rows(archive, "versions_fts", "gulls") == []
        assert_indexes_follow(archive, ("harbour", "gulls", "story"))


def test_an_archive_of_schema_9_keeps_its_search_and_indexes_new_versions_per_batch(
        tmp_path: Path) -> None:
    from conftest import old_schema_archive

    from crawler.archive.schema import SCHEMA_VERSION

    path = tmp_path / "archive.db"
    old = old_schema_archive(path, 9)
    with old.atomic():  # schema 9's triggers index what is inserted
        at = "2025-10-06T08:00:00Z"
        old.execute("INSERT INTO articles (id, url, site, first_seen, last_seen) VALUES "
                    "(1, 'https://example.com/news/1', 'example.com', ?, ?)", (at, at))
        old.execute("INSERT INTO versions (article_id, version, fetched_at, content_hash, "
                    "title, body) VALUES (1, 1, ?, 'x', 'Harbour story 1', ?)",
                    (at, "Story 1. Gulls over the quay. " + PARAGRAPH))
    old.close()
    with Archive.open(path) as archive:
        assert archive.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        triggers = {name for (name,) in archive.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "versions_ai" not in triggers and "versions_latest_ai" not in triggers
        assert len(archive.search("gulls")) == 1
        archive.save(item(1, "Story 1. Ferries at the quay. " + PARAGRAPH))
        assert archive.search("gulls") == [] and len(archive.search("ferries")) == 1
        assert len(archive.search("gulls", all_versions=True)) == 1
        assert_indexes_follow(archive, ("gulls", "ferries", "harbour"))


def test_a_pool_starts_its_workers_only_once_the_crawl_has_done_some_work_itself() -> None:
    page = {**item(5), "page": b"<html><body><p>one</p></body></html>"}

    async def run(pool: Pool, count: int) -> list:
        return [await pool.ready(page) for _ in range(count)]

    idle = Pool(1, start_after=60)
    try:
        records = asyncio.run(run(idle, 3))
        assert not idle.started and idle.executor is None  # done inline, no worker started
        assert records == [ready_record(page)] * 3
    finally:
        idle.close()
    busy = Pool(1, start_after=0)
    try:
        asyncio.run(run(busy, 1))
        assert busy.started  # past its threshold: the workers are coming up
        busy.wait_up(60)
        assert asyncio.run(run(busy, 1)) == [ready_record(page)]
    finally:
        busy.close()
    assert busy.closed and busy.executor is None
