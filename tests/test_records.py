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
