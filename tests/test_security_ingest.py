"""The ingester's poison pills: a zlib bomb, entries that do not match their record, data that
is no JSON object; each moves to the dead-letter stream with its reason, and the good entries
after them are applied, in a real `crawler ingest` against a real redis-server."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from conftest import REPO_ROOT, ArchiveReader, _env, own_peak_memory

from crawler.archive.records import ready_record, record_fields
from crawler.distributed.codec import MAX_PAGE_BYTES, EntryError, decode, encode, encode_item

redis = pytest.importorskip("redis", reason="needs the distributed extra")
pytest.importorskip("scrapy_redis", reason="needs the distributed extra")
from test_distributed import redis_url  # noqa: E402, F401

from crawler.distributed import stream_key  # noqa: E402
from crawler.distributed.ingest import dead_letter_key  # noqa: E402

BOMB_BYTES = 1024 ** 3  # what the bomb inflates to
MEMORY_CAP = 512 * 1024 * 1024  # the ingester's peak memory must stay below this
BODY = "Paragraph one of the story, long enough to be an article. " * 10


def zlib_bomb(size: int = BOMB_BYTES) -> bytes:
    """zlib data of `size` zero bytes, made a MiB at a time."""
    packer = zlib.compressobj(9)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(size // len(zeros))]
    return b"".join(parts) + packer.flush()


def story(slug: str, **extra: object) -> dict[str, object]:
    url = f"https://example.com/2025/10/06/{slug}/"
    return {"url": url, "site": "example.com", "title": slug, "body": BODY,
            "fetched_at": "2025-10-06T08:00:00Z", "fetched_url": url, **extra}


POISON: list[tuple[str, dict[bytes, bytes]]] = [
    ("inflates past", {**encode_item("article", "r1", story("bomb")),
                       b"page": b""}),  # the bomb itself is put in by the test
    ("not an object", {b"kind": b"article", b"run": b"r1", b"data": b"[1, 2]"}),
    ("unreadable", {b"kind": b"article", b"run": b"r1", b"data": b"[" * 100_000}),
    ("authors", encode("article", "r1", story("bad-authors", authors=7))),
    ("no url", encode("article", "r1", {"site": "example.com", "body": "x"})),
    ("not an http(s) URL", encode("article", "r1", story("x", url="javascript:alert(1)"))),
    ("article_id is a str", encode("recheck", "r1", {
        "article_id": "1; DROP TABLE", "url": "https://example.com/", "status": 304,
        "site": "example.com", "fetched_at": "2025-10-06T08:00:00Z"})),
    ("stats is not an object", encode("closed", "r1", {"reason": "finished", "stats": [1]})),
    ("name is a int", encode("run", "r2", {"name": 5})),
    ("carries a page", {**encode("skipped", "r1", {
        "url": "https://example.com/x/", "reason": "r", "site": "example.com",
        "fetched_at": "2025-10-06T08:00:00Z"}), b"page": zlib.compress(b"x")}),
    ("not UTF-8", {b"kind": b"\xff\xfe", b"data": b"{}"}),
    ("article_id is a str", encode("refused", "r1", {
        "url": "https://example.com/y/", "reason": "HTTP 403", "site": "example.com",
        "fetched_at": "2025-10-06T08:00:00Z", "article_id": "7"})),
    ("not an http(s) URL", encode("refused", "r1", {
        "url": "file:///etc/passwd", "reason": "HTTP 403", "site": "example.com",
        "fetched_at": "2025-10-06T08:00:00Z", "article_id": None})),
    ("status", encode("article", "r1", story("huge-status", status=2 ** 70))),
]


def record_entry(slug: str, **forged: object) -> dict[bytes, bytes]:
    """An article's entry as a worker sends it, with its ready record; `forged` replaces some
    of the record's values."""
    record = ready_record(story(slug, page=f"<html>{slug}</html>".encode()))
    return encode("article", "r1", {**record.item, "record": {**record_fields(record),
                                                              **forged}})


def z64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# Ready records whose structure is right and whose page is not what they say: found only by
# inflating the page, which the ingester does beside writing the batch they are in.
FORGED: list[tuple[str, dict[bytes, bytes]]] = [
    ("does not match its hash", record_entry("forged", page_z=z64(zlib.compress(b"<html>x")))),
    ("unreadable page", record_entry("not-zlib", page_z=z64(b"not zlib at all"))),
]


@pytest.mark.parametrize(("reason", "fields"), POISON[1:], ids=[p[0] for p in POISON[1:]])
def test_each_poison_pill_is_refused_in_one_line(reason: str, fields: dict[bytes, bytes]) -> None:
    with pytest.raises(EntryError) as refused:
        decode(fields)
    assert len(str(refused.value).splitlines()) == 1


def test_a_page_inflating_past_the_cap_is_refused_without_inflating_it() -> None:
    fields = {**encode_item("article", "r1", story("bomb")), b"page": zlib_bomb(64 << 20)}
    with pytest.raises(EntryError, match="inflates past"):
        decode(fields)
    page = b"<html>" + bytes(MAX_PAGE_BYTES - 6)
    assert decode(encode_item("article", "r1", {**story("big"), "page": page}))[3]["page"] == page


def test_poison_pills_go_to_the_dead_letter_stream_and_the_good_entries_are_applied(
        redis_url: str, tmp_path: Path) -> None:  # noqa: F811
    client = redis.Redis.from_url(redis_url)
    stream = stream_key("crawler")
    client.xadd(stream, encode("run", "r1", {"name": "r1", "start_urls": [
        "https://example.com/"], "all_start_urls": ["https://example.com/"]}))
    client.xadd(stream, encode_item("article", "r1", story("before", page=b"<html>1</html>")))
    bad_ids = []
    for reason, fields in POISON:
        if reason == "inflates past":
            fields = {**fields, b"page": zlib_bomb()}
        bad_ids.append(client.xadd(stream, fields).decode())
    client.xadd(stream, record_entry("between"))
    for _reason, fields in FORGED:  # in the batch of good records around them
        bad_ids.append(client.xadd(stream, fields).decode())
        client.xadd(stream, record_entry(f"after-{len(bad_ids)}"))
    client.xadd(stream, encode_item("article", "r1", story("after", page=b"<html>2</html>")))
    db = tmp_path / "archive.db"
    log = tmp_path / "ingest.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "ingest", "--redis", redis_url, "--db", str(db),
             "--drain"], cwd=REPO_ROOT, env=_env(), stdout=out, stderr=out)
        returncode, peak = reap(proc, timeout=300)
    stderr = log.read_text(errors="replace")
    assert returncode == 0, stderr[-3000:]
    urls = set(ArchiveReader(db).latest())
    good = ["before", "between", *(f"after-{len(POISON) + n}" for n in (1, 2)), "after"]
    assert urls == {story(slug)["url"] for slug in good}, stderr[-2000:]
    dead = client.xrange(dead_letter_key(stream))
    assert [fields[b"entry_id"].decode() for _, fields in dead] == bad_ids
    for (reason, _), (_, fields) in zip(POISON + FORGED, dead, strict=True):
        assert reason in fields[b"reason"].decode(), (reason, fields[b"reason"])
    for entry_id in bad_ids:
        assert entry_id in stderr
    assert client.xlen(stream) == 0
    assert "Traceback" not in stderr
    assert json.loads(ArchiveReader(db).last_crawl()["start_urls"]) == ["https://example.com/"]
    client.close()
    assert peak < MEMORY_CAP, f"the ingester took {peak >> 20} MiB"
    print(f"\ningester peak memory with a 1 GiB zlib bomb in the stream: {peak >> 20} MiB")


def reap(proc: subprocess.Popen, timeout: float) -> tuple[int, int]:
    """Wait for a process; its exit status and its own peak memory (bytes)."""
    deadline = time.monotonic() + timeout
    peak = 0
    while True:
        peak = max(peak, own_peak_memory(proc.pid) or 0)
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, peak
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the ingester did not finish")
        time.sleep(0.02)
