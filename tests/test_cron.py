"""Cron at scale: the story's own age, new stories first, a time budget, temporary refusals."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler import settings
from crawler.archive import Archive
from crawler.archive.schedule import (
    DEFAULT_BACKOFF,
    DEFAULT_GIVE_UP,
    DEFAULT_SCHEDULE,
    Backoff,
    Schedule,
    credible_published,
)
from crawler.clock import format_time
from crawler.demo import DigestSite, RunningServer, serve
from crawler.demo.site import Response
from crawler.frontier import Bounds, Frontier
from crawler.plan import CrawlPlan, PlanError
from crawler.sites import SitesError, sites_of

NOW = "2025-10-06T12:00:00Z"
YEAR_AGO = "2024-10-06T09:00:00+01:00"


@pytest.mark.parametrize(
    ("published", "credible"),
    [
        ("2025-10-06T08:00:00+01:00", True),  # earlier today, in the page's own zone
        ("2025-10-05", True),  # a date alone
        ("2025-10-07T08:00:00Z", False),  # after first seen: a future date
        ("1989-12-31", False),  # before 1990
        ("last Tuesday", False),  # unreadable
        (None, False),
    ],
)
def test_credible_published(published, credible) -> None:
    assert (credible_published(published, NOW) is not None) is credible


@pytest.mark.parametrize(
    ("published", "last_changed", "expected"),
    [
        (YEAR_AGO, NOW, None),  # a year old, first seen now: never re-checked
        ("2025-10-05T12:00:00Z", NOW, "2025-10-07T00:00:00Z"),  # a day old: every 12 h
        ("2025-10-06T11:00:00Z", NOW, "2025-10-06T12:30:00Z"),  # an hour old: 30 min
        ("2031-01-01", NOW, "2025-10-06T12:30:00Z"),  # future date: age from first seen
        (None, NOW, "2025-10-06T12:30:00Z"),  # no date: age from first seen
        (YEAR_AGO, "2025-10-06T11:30:00Z", "2025-10-06T12:30:00Z"),  # changed: young again
    ],
)
def test_age_counts_from_the_published_date(published, last_changed, expected) -> None:
    first_seen = "2025-10-06T11:00:00Z" if last_changed != NOW else NOW
    assert DEFAULT_SCHEDULE.next_check(NOW, first_seen, last_changed, published) == expected


def test_a_site_can_count_age_from_first_seen() -> None:
    [config] = sites_of({"sites": {"old": {"start_urls": ["https://a.example/"],
                                           "revisit_age": "first_seen"}}}, "sites.toml")
    assert config.schedule.age_from == "first_seen"
    assert config.schedule.next_check(NOW, NOW, NOW, YEAR_AGO) == "2025-10-06T12:30:00Z"
    with pytest.raises(SitesError, match="revisit age"):
        sites_of({"sites": {"x": {"start_urls": ["https://a.example/"],
                                  "revisit_age": "modified"}}}, "sites.toml")


def test_default_schedule_reads_the_published_date() -> None:
    assert Schedule.parse().age_from == "published"


def _item(url: str, published: str | None, fetched_at: str) -> dict[str, object]:
    return {"url": url, "site": "a.example", "title": "T", "body": "Body " + url,
            "published": published, "fetched_at": fetched_at, "status": 200}


def test_saving_an_old_story_plans_no_recheck(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.db")
    archive.save(_item("https://a.example/old", YEAR_AGO, NOW))
    archive.save(_item("https://a.example/new", "2025-10-06T11:50:00Z", NOW))
    due = dict(archive.conn.execute("SELECT url, next_check_at FROM articles"))
    archive.close()
    assert due == {"https://a.example/old": None,
                   "https://a.example/new": "2025-10-06T12:30:00Z"}


def test_an_archive_made_before_is_replanned_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    archive = Archive.open(path)
    archive.save(_item("https://a.example/old", YEAR_AGO, NOW))
    archive.save(_item("https://a.example/new", "2025-10-06T11:50:00Z", NOW))
    archive.close()
    # As the crawler before this rule left it: every story due within 30 minutes of first seen,
    # at the schema version before the replanning migration.
    conn = sqlite3.connect(path)
    conn.execute("UPDATE articles SET next_check_at = '2025-10-06T12:15:00Z'")
    conn.execute("DROP TABLE refusals")
    conn.execute("PRAGMA user_version = 7")  # the schema before the replanning migration (8)
    conn.commit()
    conn.close()
    archive = Archive.open(path)
    due = dict(archive.conn.execute("SELECT url, next_check_at FROM articles"))
    archive.close()
    assert due == {"https://a.example/old": None,
                   "https://a.example/new": "2025-10-06T12:30:00Z"}


# Real crawls of the sample site (stories 13 hours apart, the newest at 17:30 UTC on Oct 5)

C0 = datetime.fromisoformat("2025-10-05T18:00:00+00:00")  # half an hour after the newest story


def at(**delta: float) -> str:
    """The archive's form of a time this far after the first crawl."""
    return format_time(C0 + timedelta(**delta))


def crawl(run_crawl: Any, server: RunningServer, archive: Path, *args: str, **kw: Any) -> Any:
    """One crawl of a served site, after forgetting the server's earlier requests."""
    server.reset()
    return run_crawl(server.url("/"), archive, *args, **kw)


def story_ids(server: RunningServer) -> list[int]:
    """The ids of the stories requested since the log was last reset, in request order."""
    site = server.site
    by_path = {site.path(story): story.id for story in site.stories}
    return [by_path[path] for hit in server.hits()
            if (path := urlsplit(hit.target).path) in by_path]


def test_old_stories_are_not_rechecked_after_a_first_crawl(
    archive_path, archive_db, run_crawl
) -> None:
    site = DigestSite(count=80)  # 80 stories over 43 days
    with serve(site) as server:
        crawl(run_crawl, server, archive_path, "-s", f"CRAWL_CLOCK={at()}")
        rows = {row["url"]: row for row in archive_db.rows(
            "SELECT url, next_check_at FROM articles")}
        assert len(rows) == len(site.expected())
        month_old = [s for s in site.live_stories() if C0 - s.published > timedelta(days=30)]
        assert month_old and all(rows[site.url(s)]["next_check_at"] is None for s in month_old)
        newest = site.live_stories()[0]
        first_step = DEFAULT_SCHEDULE.steps[0][1].total_seconds()  # a young story's interval
        assert rows[site.url(newest)]["next_check_at"] == at(seconds=first_step)

        crawl(run_crawl, server, archive_path, "-s", f"CRAWL_CLOCK={at(seconds=first_step + 300)}")
        # Only the story younger than 3 hours was due; a first-seen age would re-check all 80.
        assert story_ids(server) == [newest.id]


def test_new_stories_go_before_rechecks_and_rechecks_youngest_first(
    archive_path, run_crawl
) -> None:
    site = DigestSite(count=12)
    with serve(site) as server:
        crawl(run_crawl, server, archive_path, "-s", f"CRAWL_CLOCK={at()}")
        added = {site.add_story().id for _ in range(2)}
        # A week on, every story younger than 30 days is due; one request at a time shows order.
        crawl(run_crawl, server, archive_path, "-s", f"CRAWL_CLOCK={at(days=7)}",
              "-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        order = story_ids(server)
    # While the home page is read in the worker pool the one download slot is free, and takes
    # the first queued re-check; the new stories go out as soon as the page is read.
    assert added <= set(order[:3]), order
    rechecked = [i for i in order if i not in added]
    published = {story.id: story.published for story in site.stories}
    assert len(rechecked) >= 5
    assert rechecked == sorted(rechecked, key=lambda i: published[i], reverse=True), (
        "the due re-checks were not made youngest first")


def test_a_budget_stops_the_run_cleanly_and_the_next_run_goes_on(
    archive_path, archive_db, run_crawl, run_cli
) -> None:
    site = DigestSite(count=300, feed_size=0, sitemaps=False)
    with serve(site, delay=0.05) as server:
        began = time.monotonic()
        first = crawl(run_crawl, server, archive_path, "-a", "budget=4s", "-a", "backfill=1",
                      "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", f"CRAWL_CLOCK={at()}")
        took = time.monotonic() - began
        line = first.stdout.strip().splitlines()[-1]
        crawl_row = archive_db.last_crawl()
        stats = json.loads(crawl_row["stats"])
        archived = len(archive_db.rows("SELECT id FROM articles"))
        assert took < 4 + 30
        assert crawl_row["status"] == "budget"
        assert "stopped at the time budget, left for the next run" in line, line
        assert stats.get("budget/left_requests", 0) > 0
        assert 0 < archived < len(site.expected())
        listed = json.loads(run_cli("crawls", "--db", str(archive_path), "--json").stdout
                            .splitlines()[0])
        assert (listed["status"], listed["left"] > 0) == ("budget", True)

        crawl(run_crawl, server, archive_path, "-a", "budget=4s",
              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", f"CRAWL_CLOCK={at(minutes=5)}")
        again = len(archive_db.rows("SELECT id FROM articles"))
        assert again > archived, "the next run did not go on where the first stopped"
        refetched = archive_db.rows("SELECT COUNT(*) AS n FROM fetches GROUP BY article_id "
                                    "HAVING n > 1")
        assert refetched == [], "the next run fetched again what the first had archived"


class RefusingSite(DigestSite):
    """The sample site answering 403 to the story paths in `refused`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: set[str] = set()

    def handle(self, target: str, headers: Any = None) -> Response:
        """403 for a refused path, else the page."""
        if urlsplit(target).path in self.refused:
            return Response(403, b"Forbidden")
        return super().handle(target, headers)


def test_a_403_is_tried_again_on_a_backoff_and_given_up_in_the_end(
    archive_path, archive_db, run_crawl, run_cli
) -> None:
    site = RefusingSite(count=8)
    blocked, stubborn = site.live_stories()[0], site.live_stories()[1]
    site.refused = {site.path(blocked), site.path(stubborn)}
    give_up = ("-s", "REFUSAL_GIVE_UP=90m")
    with serve(site) as server:
        first = crawl(run_crawl, server, archive_path, *give_up, "-s", f"CRAWL_CLOCK={at()}")
        assert "2 refused (tried again later)" in first.stdout.strip().splitlines()[-1]
        skipped = {row["url"] for row in archive_db.rows("SELECT url FROM skipped")}
        assert not {site.url(blocked), site.url(stubborn)} & skipped
        refusals = {row["url"]: row for row in archive_db.rows("SELECT * FROM refusals")}
        assert refusals[site.url(blocked)]["retry_at"] == at(hours=1)
        listed = run_cli("crawls", "--db", str(archive_path), "--json")
        assert json.loads(listed.stdout.splitlines()[0])["refused"] == 2

        crawl(run_crawl, server, archive_path, *give_up, "-s", f"CRAWL_CLOCK={at(minutes=30)}")
        assert not {blocked.id, stubborn.id} & set(story_ids(server)), "retried before its time"

        site.refused = {site.path(stubborn)}  # the site lets the crawler in again, but one
        later = crawl(run_crawl, server, archive_path, *give_up,
                      "-s", f"CRAWL_CLOCK={at(hours=2)}")
        assert {blocked.id, stubborn.id} <= set(story_ids(server))
        assert site.url(blocked) in archive_db.latest()
        [left] = archive_db.rows("SELECT * FROM refusals")
        assert (left["url"], left["retry_at"]) == (site.url(stubborn), None)
        assert "1 refused too long (given up)" in later.stdout.strip().splitlines()[-1]

        crawl(run_crawl, server, archive_path, *give_up, "-s", f"CRAWL_CLOCK={at(hours=9)}")
        assert stubborn.id not in story_ids(server)


def test_the_refusal_settings_are_the_backoffs_defaults() -> None:
    assert (settings.REFUSAL_BACKOFF, settings.REFUSAL_GIVE_UP) == (DEFAULT_BACKOFF,
                                                                   DEFAULT_GIVE_UP)


@pytest.mark.parametrize(
    ("attempts", "now", "expected"),
    [
        (1, NOW, "2025-10-06T13:00:00Z"),  # 1 h
        (2, NOW, "2025-10-06T18:00:00Z"),  # 6 h
        (3, NOW, "2025-10-07T12:00:00Z"),  # 1 d
        (9, NOW, "2025-10-09T12:00:00Z"),  # the last wait repeats
        (5, "2025-10-20T12:00:00Z", None),  # refused for 14 days: given up
    ],
)
def test_refusal_backoff(attempts, now, expected) -> None:
    assert Backoff.parse().retry_at(now, NOW, attempts) == expected


def test_a_site_past_its_share_of_the_budget_fetches_nothing_it_had_queued(
    archive_path, archive_db, run_crawl
) -> None:
    site = DigestSite(count=300, feed_size=0, sitemaps=False)
    share = 3.0
    with serve(site, delay=0.2) as server:
        done = crawl(run_crawl, server, archive_path, "-a", f"site_budget={share:g}s",
                     "-a", "backfill=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                     "-s", f"CRAWL_CLOCK={at()}")
        arrivals = [hit.at for hit in server.hits()]
        stats = json.loads(archive_db.last_crawl()["stats"])
        archived = len(archive_db.rows("SELECT id FROM articles"))
        # Each listing queues its 20 stories at once, and at 2 requests per 0.2 s the queue
        # stays long. Past the share only what the downloader already held goes out (at most
        # CONCURRENT_REQUESTS), never the queue.
        late = [at for at in arrivals if at > min(arrivals) + share + 0.3]
        assert len(late) <= settings.CONCURRENT_REQUESTS < stats["budget/left_requests"]
        assert "left for the next run" in done.stdout.strip().splitlines()[-1]
        assert 0 < archived < len(site.expected())
        crawl(run_crawl, server, archive_path, "-a", f"site_budget={share:g}s",
              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", f"CRAWL_CLOCK={at(minutes=5)}")
        assert len(archive_db.rows("SELECT id FROM articles")) > archived


def test_budgets_per_run_and_per_site() -> None:
    plan = CrawlPlan.from_arguments("news", {"sites": None, "start_urls": "https://a.example/",
                                             "budget": "15m", "site_budget": "5m"})
    assert (plan.budget, plan.budget_for("a.example")) == (900, 300)
    [config] = sites_of({"sites": {"a": {"start_urls": ["https://a.example/"],
                                         "budget": "20m"}}}, "sites.toml")
    assert config.budget == 1200
    with pytest.raises(PlanError, match="budget must be a duration"):
        CrawlPlan.from_arguments("news", {"start_urls": "https://a.example/", "budget": "soon"})


def test_due_rechecks_take_turns_between_sites_youngest_first(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.db")
    for site in ("a.example", "b.example"):
        for hours in (30, 2, 10):
            published = format_time(datetime.fromisoformat("2025-10-06T12:00:00+00:00")
                                    - timedelta(hours=hours))
            archive.save({**_item(f"https://{site}/{hours}", published, NOW), "site": site})
    configs = sites_of({"sites": {s: {"start_urls": [f"https://{s}/"]}
                                  for s in ("a.example", "b.example")}}, "sites.toml")
    frontier = Frontier(configs, Bounds(), archive, "2025-10-08T12:00:00Z")
    order = [row["url"] for row in frontier.due()]
    frontier.close()
    archive.close()
    assert order == ["https://a.example/2", "https://b.example/2", "https://a.example/10",
                     "https://b.example/10", "https://a.example/30", "https://b.example/30"]
