"""The crawl plan: built once from -a arguments, a sites file or a distributed run, then read."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule
from crawler.distributed.runs import RunConfig
from crawler.frontier import Bounds
from crawler.plan import CrawlPlan, PlanError, plan_of
from spiders.arabdailydigital import ArabDailyDigitalSpider
from spiders.news import NewsSpider

REPO_ROOT = Path(__file__).resolve().parents[1]
SITES = """
[defaults]
revisit = "0m:1h, 2d:1d"

[sites.ledger]
start_urls = ["https://ledger.example/news/"]
max_pages = 4
revisit = "0m:10m"

[sites.digest]
start_urls = ["https://digest.example/"]
"""


def sites_file(tmp_path: Path, text: str = SITES) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_start_urls_make_one_site_each_with_the_arguments_limits() -> None:
    plan = CrawlPlan.from_arguments("news", {
        "start_urls": "https://a.example/news/, https://a.example/world/ https://www.b.example/",
        "max_pages": "7", "max_hops": "2", "backfill": "yes"})
    assert [(c.site, c.start_urls, c.max_pages, c.max_hops) for c in plan.sites] == [
        ("a.example", ("https://a.example/news/", "https://a.example/world/"), 7, 2),
        ("b.example", ("https://www.b.example/",), 7, 2)]
    assert plan.start_urls == ("https://a.example/news/", "https://a.example/world/",
                               "https://www.b.example/")
    assert plan.site_names == {"a.example", "b.example"}
    assert plan.allowed_domains == ("a.example", "www.b.example")
    assert (plan.backfill, plan.recheck, plan.profile, plan.run) == (True, "due", None, None)


def test_the_settings_values_travel_with_the_plan(tmp_path: Path) -> None:
    bounds = Bounds(max_pages=3, max_hops=1, recrawl_hops=0, max_dry=2, max_listings=9)
    plan = CrawlPlan.from_arguments(
        "news", {"start_urls": "https://a.example/", "recheck": "all"}, bounds=bounds,
        clock="2025-10-06T08:00:00+00:00", archive_path=str(tmp_path / "a.db"))
    assert (plan.bounds, plan.recheck, plan.archive_path) == (bounds, "all", str(tmp_path / "a.db"))
    assert plan.now() == "2025-10-06T08:00:00Z"
    assert plan.reads_archive
    assert not dataclasses.replace(plan, archive_path=None).reads_archive


def test_a_sites_file_gives_each_site_its_schedule(tmp_path: Path) -> None:
    plan = CrawlPlan.from_arguments("news", {"sites": sites_file(tmp_path)})
    assert [c.name for c in plan.sites] == ["ledger", "digest"]
    assert plan.schedule_for("ledger.example") == Schedule.parse("0m:10m")
    assert plan.schedule_for("digest.example") == Schedule.parse("0m:1h, 2d:1d")
    assert plan.schedule_for("elsewhere.example") == DEFAULT_SCHEDULE


def test_a_named_spider_forces_its_profile_and_its_start_urls() -> None:
    plan = ArabDailyDigitalSpider.check_arguments()
    assert plan.profile is not None and plan.profile.name == "arabdailydigital"
    assert plan.start_urls == ("https://arabdailydigital.com/", "https://asianlite.com/")
    assert {c.profile for c in plan.sites} == {"arabdailydigital"}
    assert plan.spider == "arabdailydigital"


@pytest.mark.parametrize(("arguments", "message"), [
    ({}, "no start URLs: use -a start_urls="),
    ({"start_urls": "ftp://a.example/"}, "start URL is not an http(s) URL: ftp://a.example/"),
    ({"start_urls": "https://a.example/", "max_pages": "many"},
     "-a max_pages must be a whole number, not 'many'"),
    ({"start_urls": "https://a.example/", "recheck": "sometimes"},
     "-a recheck must be due, all or none, not 'sometimes'"),
    ({"start_urls": "https://a.example/", "profile": "no-such-profile"}, "no-such-profile"),
    ({"sites": "/nonexistent/sites.toml"}, "no sites file at /nonexistent/sites.toml"),
])
def test_bad_arguments_make_no_plan(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(PlanError) as error:
        CrawlPlan.from_arguments("news", arguments)
    assert message in str(error.value)


def test_a_site_both_in_the_file_and_the_arguments_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"ledger\.example is both in the sites file"):
        CrawlPlan.from_arguments("news", {"sites": sites_file(tmp_path),
                                          "start_urls": "https://ledger.example/other/"})


def test_without_start_urls_a_plan_for_scrapy_parse_has_no_sites() -> None:
    plan = CrawlPlan.from_arguments("news", {}, require_start=False)
    assert (plan.sites, plan.start_urls, plan.site_names) == ((), (), frozenset())


def test_a_workers_plan_is_the_runs_sites_and_rechecks_nothing() -> None:
    config = RunConfig(name="r1", start_urls=["https://a.example/"], sites=textwrap.dedent(SITES),
                       max_hops=1, backfill=True)
    worker = object()  # the live run is only carried, never read, by the plan
    plan = CrawlPlan.from_run("news", config, "arabdailydigital", worker,
                              archive_path="archive.db")
    assert [c.site for c in plan.sites] == ["ledger.example", "digest.example", "a.example"]
    assert plan.profile is not None and plan.profile.name == "arabdailydigital"
    assert (plan.recheck, plan.backfill, plan.run) == ("none", True, worker)
    assert not plan.reads_archive  # a worker may be on another machine than the archive


def test_a_runs_bad_sites_make_no_plan() -> None:
    with pytest.raises(PlanError, match="no start URLs and no sites"):
        CrawlPlan.from_run("news", RunConfig(name="empty"))


def test_the_plan_is_frozen() -> None:
    plan = CrawlPlan.from_arguments("news", {"start_urls": "https://a.example/"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.recheck = "none"  # type: ignore[misc]


def test_the_spider_builds_one_plan_from_its_arguments_and_settings(tmp_path: Path) -> None:
    crawler = get_crawler(NewsSpider, {"NEWS_MAX_PAGES": 5, "NEWS_MAX_LISTINGS": 11,
                                       "CRAWL_CLOCK": "2025-10-06T08:00:00Z",
                                       "ARCHIVE_ENABLED": True,
                                       "ARCHIVE_PATH": str(tmp_path / "x.db")})
    spider = NewsSpider.from_crawler(crawler, start_urls="https://a.example/", recheck="none",
                                     note="kept")
    plan = spider.plan
    assert (plan.bounds.max_pages, plan.bounds.max_listings) == (5, 11)
    assert (plan.clock, plan.archive_path, plan.recheck) == (
        "2025-10-06T08:00:00Z", str(tmp_path / "x.db"), "none")
    assert spider.start_urls == ["https://a.example/"] and spider.sites == {"a.example"}
    assert spider.allowed_domains == ["a.example"]
    assert spider.now() == "2025-10-06T08:00:00Z"
    assert spider.note == "kept"  # other -a arguments stay spider attributes, as in Scrapy
    with pytest.raises(AttributeError):
        spider.sites = frozenset({"b.example"})  # type: ignore[misc]
    assert spider.frontier.sites == {"a.example"}


def test_archiving_off_leaves_the_plan_without_an_archive() -> None:
    crawler = get_crawler(NewsSpider, {"ARCHIVE_ENABLED": False})
    spider = NewsSpider.from_crawler(crawler, start_urls="https://a.example/")
    assert spider.plan.archive_path is None


class Holder:
    """Something with a spider, as a Scrapy crawler is."""

    def __init__(self, spider: Any) -> None:
        self.spider = spider


def test_plan_of_finds_the_spiders_plan_or_none() -> None:
    spider = NewsSpider(start_urls="https://a.example/")
    assert plan_of(Holder(spider)) is spider.plan
    assert plan_of(Holder(object())) is None
    assert plan_of(Holder(None)) is None


@pytest.mark.parametrize(("arguments", "message"), [
    ([], "Error: no start URLs: use -a start_urls=https://example.com/news/ "
         "or -a sites=sites.toml"),
    (["-a", "start_urls=http://127.0.0.1:9/", "-a", "max_hops=far"],
     "Error: -a max_hops must be a whole number, not 'far'"),
    (["-a", "start_urls=mailto:x@example.com"],
     "Error: start URL is not an http(s) URL: mailto:x@example.com"),
    (["-a", "start_urls=http://127.0.0.1:9/", "-a", "recheck=never"],
     "Error: -a recheck must be due, all or none, not 'never'"),
])
def test_bad_crawl_arguments_are_one_line_and_exit_status_2(
        tmp_path: Path, arguments: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *arguments,
         "-s", f"ARCHIVE_PATH={tmp_path / 'archive.db'}"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines()[-1] == message
    assert [line for line in proc.stderr.splitlines() if line.startswith("Error:")] == [message]
    assert not (tmp_path / "archive.db").exists()
