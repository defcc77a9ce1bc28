"""Distributed crawls: real redis-server, real `scrapy crawl news` workers, a real ingester.

The archive three workers and one ingester make of a site must be the archive one process
makes of it (same articles, same versions), also when a worker and the ingester are killed
mid-run.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, TEST_SETTINGS, ArchiveReader, StartedCrawl

from crawler.demo import DigestSite, RunningServer, serve
from crawler.distributed import Keys, stream_key
from crawler.distributed.codec import EntryError, decode, encode, encode_item
from crawler.distributed.runs import RunConfig
from crawler.sites import SitesError

redis = pytest.importorskip("redis", reason="needs the distributed extra")
pytest.importorskip("scrapy_redis", reason="needs the distributed extra")
from crawler.distributed.ingest import Ingester, Run  # noqa: E402 (needs redis)

needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server is not installed (apt-get install redis-server)")

FIRST = "CRAWL_CLOCK=2025-10-06T08:00:00Z"
LATER = "CRAWL_CLOCK=2025-10-06T08:30:00Z"
# Quick heartbeats, a short wait before a silent worker counts as dead and before an idle
# run ends: a test run takes seconds, not minutes.
WORKER_SETTINGS = (
    "DISTRIBUTED=1",
    "DISTRIBUTED_HEARTBEAT=0.2",
    "DISTRIBUTED_WORKER_TIMEOUT=2",
    "DISTRIBUTED_IDLE_CLOSE=1",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A fresh redis-server on a free loopback port, without persistence."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)
    yield url
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def processes() -> Iterator[Callable[..., StartedCrawl]]:
    """`start(*argv)`: a process in the repo root, killed if the test leaves it running."""
    started: list[StartedCrawl] = []

    def start(*argv: str) -> StartedCrawl:
        started.append(StartedCrawl([sys.executable, *argv]))
        return started[-1]

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    from conftest import run_cli

    return run_cli(*args)


def worker_argv(url: str, *settings: str) -> list[str]:
    argv = ["-m", "scrapy", "crawl", "news", "-s", f"REDIS_URL={url}"]
    for setting in (*TEST_SETTINGS, *WORKER_SETTINGS, *settings):
        argv += ["-s", setting]
    return argv


def ingest_argv(url: str, db: Path, *args: str) -> list[str]:
    return ["-m", "crawler", "ingest", "--redis", url, "--db", str(db), *args]


def wait_drained(url: str, timeout: float = 60) -> None:
    """Wait until the ingester has applied and deleted every entry of the stream."""
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    while client.xlen(stream_key("crawler")):
        assert time.monotonic() < deadline, "the ingester did not drain the stream"
        time.sleep(0.1)
    client.close()


def finish(proc: StartedCrawl, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    done = proc.wait(timeout=timeout)
    assert done.returncode == 0, f"exit {done.returncode}:\n{done.stderr[-4000:]}"
    return done


def stop_ingester(proc: StartedCrawl) -> str:
    """SIGTERM a continuous ingester: it finishes its batch and exits 0; its summary."""
    proc.proc.send_signal(signal.SIGTERM)
    return finish(proc, timeout=30).stdout


def run_distributed(url: str, server: RunningServer, db: Path, run: str, start: Callable,
                    *settings: str, workers: int = 3) -> list[str]:
    """Seed a run, crawl it with workers and a continuous ingester; the workers' summaries."""
    seeded = cli("seed", "--redis", url, "--run", run, server.url("/"))
    assert seeded.returncode == 0, seeded.stderr
    ingester = start(*ingest_argv(url, db))
    crawls = [start(*worker_argv(url, *settings)) for _ in range(workers)]
    summaries = [finish(crawl).stdout for crawl in crawls]
    wait_drained(url)
    assert "Ingested:" in stop_ingester(ingester)
    return summaries


def archived(path: Path) -> int:
    """How many articles an archive being written holds (0 before it exists)."""
    try:
        return len(ArchiveReader(path).rows("SELECT id FROM articles"))
    except sqlite3.OperationalError:
        return 0


def pages(summary: str) -> int:
    return int(summary.split(" pages")[0].rsplit(" ", 1)[1])


def content(archive: ArchiveReader) -> dict[str, list[tuple[Any, ...]]]:
    """Every article's versions: number, content hash, title, body, change kind."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for row in archive.rows(
            "SELECT a.url, v.version, v.content_hash, v.title, v.body, v.change_kind "
            "FROM versions v JOIN articles a ON a.id = v.article_id ORDER BY a.url, v.version"):
        out.setdefault(row["url"], []).append(tuple(list(row.values())[1:]))
    return out


# Without Redis: the stream's entries and a run's configuration.


def test_entries_carry_an_article_with_its_page_bytes() -> None:
    item = {"url": "https://example.com/a/", "site": "example.com", "title": "Ünïcode",
            "page": b"\x00<html>" * 50,
            "headers": {"ETag": '"1"'}}
    kind, run, worker, data = decode(encode_item("article", "r1", item, "w1"))
    assert (kind, run, worker) == ("article", "r1", "w1")
    assert data == item
    assert decode(encode("closed", "r1", {"reason": "finished"}))[3] == {"reason": "finished"}
    with pytest.raises(EntryError):
        decode({b"kind": b"nonsense", b"data": b"{}"})
    with pytest.raises(EntryError):
        decode({b"kind": b"article", b"data": b"{not json"})


def test_a_run_configuration_reads_back_its_sites() -> None:
    sites = ('[defaults]\nrevisit = "1h:10m"\n[sites.one]\nstart_urls = '
             '["https://one.example/news/"]\nmax_pages = 5\n')
    config = RunConfig("r1", start_urls=["https://two.example/"], sites=sites, max_hops=1)
    again = RunConfig.from_json(config.to_json())
    configs = again.configs()
    assert [c.site for c in configs] == ["one.example", "two.example"]
    assert configs[0].max_pages == 5 and configs[1].max_hops == 1
    assert again.all_start_urls() == ["https://one.example/news/", "https://two.example/"]
    with pytest.raises(SitesError):
        RunConfig("r2", start_urls=["https://one.example/x/"], sites=sites).configs()
    with pytest.raises(SitesError):
        RunConfig("r3").configs()


@pytest.mark.parametrize(("workers", "status"), [
    ({"a": "finished", "b": "running"}, None),
    ({"a": "finished", "b": "lost"}, "finished"),
    ({"a": "shutdown", "b": "finished"}, "finished"),
    ({"a": "shutdown", "b": "lost"}, "interrupted"),
    ({"a": "lost"}, "killed"),
    ({"a": "closespider_itemcount"}, "finished"),
])
def test_a_run_is_done_when_every_worker_closed_or_was_lost(
        workers: dict[str, str], status: str | None) -> None:
    assert Run("r", 1, None, workers).status() == status


# With a real Redis server.


@needs_redis_server
def test_ingest_applies_an_entry_delivered_twice_once(redis_url: str, tmp_path: Path) -> None:
    client = redis.Redis.from_url(redis_url)
    stream = stream_key("crawler")
    body = "Paragraph one of the story, long enough to be an article. " * 10
    item = {"url": "https://example.com/2025/10/06/story/", "site": "example.com",
            "title": "A story", "body": body, "fetched_at": "2025-10-06T08:00:00Z",
            "fetched_url": "https://example.com/2025/10/06/story/", "page": b"<html>x</html>"}
    entry_id = client.xadd(stream, encode_item("article", "r1", item, "w1"))
    db = tmp_path / "archive.db"
    entries = client.xrange(stream)
    assert [e[0] for e in entries] == [entry_id]
    first = Ingester(str(db), redis_url, "crawler", "archive")
    first.open()
    first.apply(entries)
    first.close()
    # Delivered again, as to an ingester restarted after a crash between its commit and its
    # acknowledgement: recognised, not applied.
    again = Ingester(str(db), redis_url, "crawler", "archive")
    again.open()
    try:
        again.apply(entries)
        later = {**item, "url": "https://example.com/2025/10/06/other/", "body": body * 2}
        again.apply(client.xrange(stream, min=client.xadd(
            stream, encode_item("article", "r1", later, "w1"))))
    finally:
        again.close()
    assert first.totals == Counter(new_article=1)
    assert again.totals == Counter(already_applied=1, new_article=1)
    archive = ArchiveReader(db)
    assert archive.versions() == {item["url"]: [1], later["url"]: [1]}
    assert len(archive.rows("SELECT * FROM fetches")) == 2
    assert client.xlen(stream) == 0
    # Marks of acknowledged entries are dropped: only the last batch's is left.
    assert len(archive.rows("SELECT * FROM distributed_applied")) == 1
    client.close()


@needs_redis_server
def test_a_worker_without_a_seeded_run_says_so(redis_url: str) -> None:
    done = subprocess.run([sys.executable, *worker_argv(redis_url)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "Error: no distributed run to join: seed one with `crawler seed`")
    seeded = cli("seed", "--redis", redis_url, "--run", "r1", "ftp://example.com/")
    assert seeded.returncode == 1 and seeded.stderr.startswith("Error: start URL is not")


@needs_redis_server
def test_three_workers_and_an_ingester_archive_what_one_process_does(
        redis_url: str, tmp_path: Path, run_crawl: Callable, processes: Callable) -> None:
    site = DigestSite(count=30, seed=3)
    with serve(site) as server:
        single = tmp_path / "single.db"
        run_crawl(server.url("/"), single, "-s", FIRST)
        server.reset()
        shared = tmp_path / "shared.db"
        summaries = run_distributed(redis_url, server, shared, "first", processes,
                                    f"ARCHIVE_PATH={tmp_path / 'never.db'}", FIRST)
        # One frontier: no URL fetched twice, robots.txt included (one copy for the run).
        fetched = Counter(server.requested())
        assert fetched and max(fetched.values()) == 1, fetched.most_common(3)
        # Pages are the answers received: not the redirects (short links), and robots.txt
        # twice: the fetch the rules came from, and the spider's copy of it (its sitemaps).
        answered = [h for h in server.hits() if h.status not in (301, 302)]
        assert sum(pages(s) for s in summaries) == len(answered) + 1
        assert sum(pages(s) > 1 for s in summaries) >= 2, "the work was not shared"
        assert sum(int(s.split(" articles and")[0].rsplit(" ", 1)[1]) for s in summaries) == 30
        assert not (tmp_path / "never.db").exists(), "a worker opened the archive"

        one, many = ArchiveReader(single), ArchiveReader(shared)
        assert content(many) == content(one) and len(content(one)) == 30
        crawl = many.last_crawl()
        assert (crawl["status"], crawl["articles_new"], crawl["versions_new"]) == (
            "finished", 30, 30)
        assert json.loads(crawl["start_urls"]) == [server.url("/")]
        assert crawl["pages_fetched"] == sum(pages(s) for s in summaries)
        assert json.loads(crawl["stats"])["distributed/workers"] == 3

        # An edited story: one new version, in both archives alike.
        site.edit_title(site.live_stories()[4], "Council confirms the delay")
        site.churn()
        run_crawl(server.url("/"), single, "-s", LATER, "-a", "recheck=all")
        run_distributed(redis_url, server, shared, "second", processes, LATER)
    assert content(many) == content(one)
    assert sorted(len(v) for v in content(many).values()) == [1] * 29 + [2]
    assert [c["status"] for c in many.rows("SELECT status FROM crawls")] == ["finished"] * 2


@needs_redis_server
def test_a_killed_worker_and_a_killed_ingester_lose_and_double_nothing(
        redis_url: str, tmp_path: Path, run_crawl: Callable, processes: Callable) -> None:
    with serve(DigestSite(count=40, seed=5)) as server:
        single = tmp_path / "single.db"
        run_crawl(server.url("/"), single, "-s", FIRST)
        shared = tmp_path / "shared.db"
        assert cli("seed", "--redis", redis_url, "--run", "kill", server.url("/")).returncode == 0
        ingester = processes(*ingest_argv(redis_url, shared, "--batch", "3"))
        # Slow workers (one request at a time, 0.1-0.3 s apart), so the kills land mid-run.
        slow = ("CONCURRENT_REQUESTS_PER_DOMAIN=1", "DOWNLOAD_DELAY=0.2", FIRST)
        workers = [processes(*worker_argv(redis_url, *slow)) for _ in range(3)]
        deadline = time.monotonic() + 60
        while archived(shared) < 8:
            assert time.monotonic() < deadline, "nothing was archived"
            time.sleep(0.1)
        workers[0].kill()
        ingester.kill()
        client = redis.Redis.from_url(redis_url)
        keys = Keys("crawler", "kill")
        assert client.llen(keys.requests) + sum(
            client.llen(keys.inflight(w.decode())) for w in client.hgetall(keys.workers)) > 0, \
            "the kills came too late: the run was already over"
        ingester = processes(*ingest_argv(redis_url, shared))
        for worker in workers[1:]:
            finish(worker)
        wait_drained(redis_url)
        stop_ingester(ingester)
    one, many = ArchiveReader(single), ArchiveReader(shared)
    assert content(many) == content(one) and len(content(one)) == 40
    per_article = Counter(r["article_id"] for r in many.rows("SELECT article_id FROM fetches"))
    assert set(per_article.values()) == {1}, "an item was applied twice"
    crawl = many.last_crawl()
    stats = json.loads(crawl["stats"])
    assert (crawl["status"], stats["distributed/workers_lost"]) == ("finished", 1)
    assert crawl["articles_new"] == 40
    conn = sqlite3.connect(shared)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    client.close()
