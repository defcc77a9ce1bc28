"""Distributed runs that crawl like the cron crawl: incremental rounds seeded from the archive,
one rate and one robots.txt per site over all workers, and kills at random moments.

Real parts: a real redis-server, real `scrapy crawl news` workers, a real `crawler ingest`.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import test_distributed
from conftest import ArchiveReader, StartedCrawl
from test_distributed import (
    FIRST,
    archived,
    cli,
    content,
    finish,
    ingest_argv,
    needs_redis_server,
    stop_ingester,
    wait_drained,
    worker_argv,
)

from crawler.demo import DigestSite, LedgerSite, RunningServer, serve
from crawler.demo.server import Hit
from crawler.distributed import Keys

redis = pytest.importorskip("redis", reason="needs the distributed extra")
redis_url = test_distributed.redis_url  # fixtures: a fresh redis-server, processes killed
processes = test_distributed.processes

# A week and an hour on: every story of round 1, 8 to 16 days old, is due its weekly check.
ROUND_2 = "2025-10-13T09:00:00Z"


def seed(url: str, run: str, server: RunningServer, *args: str) -> str:
    seeded = cli("seed", "--redis", url, "--run", run, *args, server.url("/"))
    assert seeded.returncode == 0, seeded.stderr
    return seeded.stdout


def distributed_round(url: str, server: RunningServer, db: Path, run: str, start: Callable,
                      *settings: str, workers: int = 3, seed_args: tuple[str, ...] = (),
                      ) -> str:
    """Seed a run (with seed_args), crawl it with workers and an ingester; what seed said."""
    said = seed(url, run, server, *seed_args)
    ingester = start(*ingest_argv(url, db))
    crawls = [start(*worker_argv(url, *settings)) for _ in range(workers)]
    for crawl in crawls:
        finish(crawl)
    wait_drained(url)
    stop_ingester(ingester)
    return said


def page_hits(server: RunningServer) -> list[Hit]:
    """The requests for pages (robots.txt aside: its count is tested on its own)."""
    return [hit for hit in server.hits() if hit.target != "/robots.txt"]


@needs_redis_server
@pytest.mark.parametrize("validators", [True, False])
def test_an_incremental_distributed_round_makes_the_requests_of_a_single_machine_round(
        redis_url: str, tmp_path: Path, run_crawl: Callable, processes: Callable,
        validators: bool) -> None:
    site = LedgerSite(validators=validators)
    with serve(site) as server:
        single, shared = tmp_path / "single.db", tmp_path / "shared.db"
        run_crawl(server.url("/"), single, "-s", FIRST)
        shutil.copy(single, shared)
        archived_urls = set(content(ArchiveReader(single)))
        originals = site.live_stories()
        added = [site.add_story(), site.add_story()]
        edited = site.edit_body(originals[4], lambda old: [*old, "This story was corrected."])
        site.churn()

        server.reset()
        run_crawl(server.url("/"), single, "-s", f"CRAWL_CLOCK={ROUND_2}")
        one = page_hits(server)
        server.reset()
        said = distributed_round(redis_url, server, shared, "round2", processes,
                                 f"CRAWL_CLOCK={ROUND_2}",
                                 seed_args=("--db", str(shared), "--clock", ROUND_2))
        many = page_hits(server)
    assert f"{len(originals)} articles due for a re-check" in said

    # The same requests: as many (within 5%), the same conditional ones.
    assert abs(len(many) - len(one)) <= 0.05 * len(one), (
        len(many), len(one), sorted({h.target for h in one} ^ {h.target for h in many}))
    conditional = sorted(h.target for h in one if h.conditional)
    assert len(conditional) == (len(originals) if validators else 0)
    assert sorted(h.target for h in many if h.conditional) == conditional
    statuses = Counter({304: len(originals) - 1, 200: 1}) if validators else Counter()
    assert Counter(h.status for h in many if h.conditional) == Counter(
        h.status for h in one if h.conditional) == statuses
    # Of the archived articles, only the due ones are fetched (all of round 1's are due),
    # each once; not-due ones would not be fetched at all.
    for hits in (one, many):
        again = Counter(server.url(h.target) for h in hits
                        if server.url(h.target) in archived_urls)
        assert set(again) == archived_urls and set(again.values()) == {1}
    assert {server.url(h.target) for h in many} >= {site.url(s) for s in added}

    # The same archive, and the same counts in the crawls table.
    a, b = ArchiveReader(single), ArchiveReader(shared)
    assert content(b) == content(a)
    assert b.versions()[site.url(edited)] == [1, 2]
    counts = ("status", "articles_new", "versions_new", "unchanged")
    assert {k: b.last_crawl()[k] for k in counts} == {k: a.last_crawl()[k] for k in counts} == {
        "status": "finished", "articles_new": 2, "versions_new": 3,
        "unchanged": len(originals) - 1}
    checks = b.rows("SELECT status, changed, page_id FROM fetches WHERE crawl_id = ?",
                    b.last_crawl()["id"])
    # The unchanged re-checks recorded without a page (304s, or 200s the worker found
    # unchanged and sent as light entries), the edit and the two new stories as versions.
    unchanged = (304 if validators else 200, 0, None)
    assert Counter((c["status"], c["changed"], c["page_id"] is None) for c in checks) == Counter(
        {(unchanged[0], 0, True): len(originals) - 1, (200, 1, False): 3})
    stats = json.loads(b.last_crawl()["stats"])
    assert stats.get("stream/unchanged", 0) == (0 if validators else len(originals) - 1)


@needs_redis_server
def test_a_distributed_run_keeps_refusals_and_retries_them_on_their_backoff(
        redis_url: str, tmp_path: Path, processes: Callable) -> None:
    from test_cron import RefusingSite

    site = RefusingSite(count=8)
    blocked = site.live_stories()[0]
    site.refused = {site.path(blocked)}
    clock = {"first": "2025-10-06T08:00:00Z", "early": "2025-10-06T08:30:00Z",
             "due": "2025-10-06T10:00:00Z"}  # the first retry waits an hour
    db = tmp_path / "a.db"

    def round_at(name: str, *seed_args: str) -> tuple[str, list[str]]:
        """What seed said, and the pages the workers asked for."""
        server.reset()
        said = distributed_round(redis_url, server, db, name, processes,
                                 f"CRAWL_CLOCK={clock[name]}", workers=2, seed_args=seed_args)
        return said, [hit.target for hit in page_hits(server)]

    with serve(site) as server:
        assert site.path(blocked) in round_at("first")[1]
        reader = ArchiveReader(db)
        [refusal] = reader.rows("SELECT url, attempts, retry_at FROM refusals")
        assert refusal == {"url": site.url(blocked), "attempts": 1,
                           "retry_at": "2025-10-06T09:00:00Z"}
        assert site.url(blocked) not in {row["url"] for row in reader.rows(
            "SELECT url FROM skipped")}

        # before its retry is due the link waits, though the home page still shows it
        said, early = round_at("early", "--db", str(db), "--clock", clock["early"])
        assert "0 refused links due for a retry" in said
        assert site.path(blocked) not in early

        site.refused = set()  # the site lets the crawler in again
        said, due = round_at("due", "--db", str(db), "--clock", clock["due"])
        assert "1 refused links due for a retry" in said
        assert due.count(site.path(blocked)) == 1
    reader = ArchiveReader(db)
    assert reader.rows("SELECT url FROM refusals") == []
    assert site.url(blocked) in content(reader)


@needs_redis_server
def test_three_workers_keep_one_site_at_its_delay_and_fetch_robots_txt_once(
        redis_url: str, tmp_path: Path, processes: Callable) -> None:
    with serve(DigestSite(count=8, seed=2)) as server:
        distributed_round(redis_url, server, tmp_path / "archive.db", "polite", processes,
                          "DOWNLOAD_DELAY=0.5", "RANDOMIZE_DOWNLOAD_DELAY=False", FIRST)
        hits = server.hits()
    assert [h.target for h in hits].count("/robots.txt") == 1
    times = sorted(h.at for h in hits)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) > 20
    # Spaced by the delay over all three workers (less a little jitter on the way).
    assert min(gaps) >= 0.4, sorted(gaps)[:5]
    assert statistics.median(gaps) >= 0.49
    assert len(hits) / (times[-1] - times[0] + 0.5) <= 2.05


class Held:
    """A stand-in for a worker's run: which in-flight entries were forgotten."""

    def __init__(self) -> None:
        self.forgotten: list[str | None] = []

    def forget(self, token: str | None) -> None:
        self.forgotten.append(token)


@pytest.mark.parametrize("items_first", [False, True])
def test_a_request_stays_in_flight_until_its_items_left_the_pipelines(items_first: bool) -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.distributed.queue import TOKEN
    from crawler.distributed.worker import InflightMiddleware

    held = Held()
    middleware = InflightMiddleware(held)
    response = HtmlResponse("https://example.com/a/", body=b"<html></html>",
                            request=Request("https://example.com/a/", meta={TOKEN: "7"}))
    item = {"url": "https://example.com/a/"}
    output = middleware.process_spider_output(response, [item, Request("https://example.com/b/")])
    taken = [next(output)]
    if items_first:  # the pipelines finish the item before the callback's output ends
        middleware.item_done(item, response)
    taken += list(output)
    assert len(taken) == 2
    if not items_first:
        # Scrapy runs items through the pipelines beside the rest of the output: a worker
        # killed now has not sent the item, so its request must still be in flight.
        assert held.forgotten == []
        middleware.item_done(item, response)
    assert held.forgotten == ["7"]


def kill_trial(url: str, server: RunningServer, single: Path, tmp_path: Path, start: Callable,
               run: str, fraction: float) -> None:
    """A worker and the ingester SIGKILLed once `fraction` of the articles are archived; the
    archive must then be the single-machine one, nothing lost or doubled."""
    shared = tmp_path / f"{run}.db"
    expected = content(ArchiveReader(single))
    seed(url, run, server)
    ingester = start(*ingest_argv(url, shared, "--batch", "3"))
    slow = ("CONCURRENT_REQUESTS_PER_DOMAIN=2", FIRST)
    workers: list[StartedCrawl] = [start(*worker_argv(url, *slow)) for _ in range(3)]
    deadline = time.monotonic() + 90
    while archived(shared) < fraction * len(expected):
        assert time.monotonic() < deadline, "nothing was archived"
        assert all(w.poll() is None for w in workers), "the run ended before the kill"
        time.sleep(0.02)
    workers[0].kill()
    ingester.kill()
    ingester = start(*ingest_argv(url, shared))
    for worker in workers[1:]:
        finish(worker)
    wait_drained(url)
    stop_ingester(ingester)
    many = ArchiveReader(shared)
    got = content(many)
    assert set(expected) - set(got) == set(), f"lost at {fraction:.0%}"
    assert got == expected
    per_article = Counter(r["article_id"] for r in many.rows("SELECT article_id FROM fetches"))
    assert set(per_article.values()) == {1}, f"an item was applied twice at {fraction:.0%}"
    crawl = many.last_crawl()
    assert crawl["status"] == "finished"
    assert json.loads(crawl["stats"])["distributed/workers_lost"] == 1


@needs_redis_server
@pytest.mark.parametrize("trial", [0, 1, 2])
def test_kills_at_seeded_random_moments_lose_and_double_nothing(
        redis_url: str, tmp_path: Path, run_crawl: Callable, processes: Callable,
        trial: int) -> None:
    # The moment first (49%), then seeded random ones between 10% and 90%.
    fraction = [0.49, *(random.Random(21).uniform(0.1, 0.9) for _ in range(2))][trial]
    with serve(DigestSite(count=40, seed=5)) as server:
        single = tmp_path / "single.db"
        run_crawl(server.url("/"), single, "-s", FIRST)
        kill_trial(redis_url, server, single, tmp_path, processes, f"kill{trial}", fraction)
    client = redis.Redis.from_url(redis_url)
    assert client.llen(Keys("crawler", f"kill{trial}").requests) == 0
    client.close()
