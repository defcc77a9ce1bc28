"""The crawl plan: what one crawl fetches and how, decided once before it starts.

The spider builds it from its -a arguments (start URLs, a sites file) or from a distributed
run's configuration; the pipelines, the add-on and the worker read it, never the spider's
attributes. No Scrapy here: the plan is plain values, tested without a crawl.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from crawler import clock
from crawler.archive.schedule import (
    DEFAULT_BACKOFF_PLAN,
    DEFAULT_SCHEDULE,
    Backoff,
    Schedule,
    ScheduleError,
    parse_duration,
)
from crawler.distributed.runs import RunConfig
from crawler.frontier import Bounds
from crawler.profiles import Profile, ProfileError, load_profile
from crawler.sites import SiteConfig, SitesError, adhoc_sites, load_sites
from crawler.urls import is_web_url

# The -a arguments of `scrapy crawl news` that make the plan.
ARGUMENTS = ("start_urls", "sites", "profile", "max_pages", "max_hops", "backfill", "recheck",
             "budget", "site_budget", "revisit_age")
RECHECK_MODES = ("due", "all", "none")  # -a recheck: re-check what is due, everything, nothing
TRUE_WORDS = ("1", "true", "yes")  # how a yes/no -a argument says yes


class PlanError(ValueError):
    """Arguments that make no crawl, said in one line."""


def split_arg(value: str | list[str] | None) -> list[str]:
    """A comma- or whitespace-separated -a argument as a list."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [v.strip() for v in value if v.strip()]


def int_arg(name: str, value: Any) -> int | None:
    """An integer -a argument, None when absent."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise PlanError(f"-a {name} must be a whole number, not {value!r}") from None


def duration_arg(name: str, value: Any) -> float | None:
    """A duration -a argument (15m, 2h) in seconds, None when absent."""
    if value is None or value == "":
        return None
    try:
        seconds = parse_duration(value).total_seconds()
    except ScheduleError:
        raise PlanError(f"-a {name} must be a duration like 90s, 15m or 2h, not {value!r}"
                        ) from None
    if seconds <= 0:
        raise PlanError(f"-a {name} must be longer than nothing, not {value!r}")
    return seconds


@dataclass(frozen=True)
class CrawlPlan:
    """The sites of one crawl, the profile forced on its pages, its bounds and its clock."""

    spider: str  # the spider's name, as the crawls table records it
    sites: tuple[SiteConfig, ...]
    profile: Profile | None = None  # forced on every page (-a profile, a named spider, a run)
    bounds: Bounds = field(default_factory=Bounds)
    backfill: bool = False  # page through listings as on a first crawl
    recheck: str = "due"  # which archived articles to re-check: one of RECHECK_MODES
    clock: str | None = None  # CRAWL_CLOCK: the time the crawl takes as now (None: real time)
    archive_path: str | None = None  # the archive the crawl's items are for (None: none)
    run: Any = None  # the distributed run this crawl is a worker of (a WorkerRun), if any
    budget: float | None = None  # -a budget: seconds after which the run stops scheduling
    site_budget: float | None = None  # -a site_budget: the same for each site (its file's first)
    backoff: Backoff = DEFAULT_BACKOFF_PLAN  # REFUSAL_*: when refused pages are tried again

    # Derived once (the plan is frozen): the spider asks for the sites on every response.
    @cached_property
    def start_urls(self) -> tuple[str, ...]:
        """Every site's start URLs, in order."""
        return tuple(url for config in self.sites for url in config.start_urls)

    @cached_property
    def by_site(self) -> dict[str, SiteConfig]:
        """Each site's configuration by its registered domain."""
        return {config.site: config for config in self.sites}

    @cached_property
    def site_names(self) -> frozenset[str]:
        """The registered domains the crawl stays on."""
        return frozenset(self.by_site)

    @cached_property
    def allowed_domains(self) -> tuple[str, ...]:
        """The host names of the start URLs, for Scrapy's offsite check."""
        return tuple(sorted({urlsplit(url).hostname or "" for url in self.start_urls}))

    @property
    def reads_archive(self) -> bool:
        """Whether the crawl reads its archive (a distributed worker may be on another machine
        than the archive: it never does)."""
        return bool(self.archive_path) and self.run is None

    def schedule_for(self, site: str) -> Schedule:
        """The revisit schedule of a site (its sites-file entry, else the default)."""
        config = self.by_site.get(site)
        return config.schedule if config else DEFAULT_SCHEDULE

    def budget_for(self, site: str) -> float | None:
        """Seconds into the run after which no more requests of a site are scheduled (None:
        no limit): its sites-file budget, else -a site_budget, never past the run's budget."""
        config = self.by_site.get(site)
        own = config.budget if config and config.budget is not None else self.site_budget
        limits = [limit for limit in (own, self.budget) if limit is not None]
        return min(limits) if limits else None

    def now(self) -> str:
        """The crawl's current time in the archive's form (the clock when set)."""
        return clock.now(self.clock)

    @classmethod
    def from_arguments(cls, spider: str, arguments: Mapping[str, Any],
                       default_profile: str | None = None, require_start: bool = True,
                       **context: Any) -> CrawlPlan:
        """The plan the -a arguments of `scrapy crawl` make; PlanError when they are bad.

        `context` holds the values from the settings (bounds, clock, archive_path).
        `scrapy crawl` requires start URLs; `scrapy parse --spider news URL` needs none.
        """
        sites, profile = arguments.get("sites"), arguments.get("profile") or default_profile
        recheck = arguments.get("recheck")
        try:
            forced = load_profile(profile) if profile else None
            configs = load_sites(sites) if sites else []
        except (ProfileError, SitesError) as error:
            raise PlanError(str(error)) from None
        urls = split_arg(arguments.get("start_urls")) or (
            [] if sites else list(getattr(forced, "start_urls", ())))
        if recheck not in (None, *RECHECK_MODES):
            raise PlanError(f"-a recheck must be due, all or none, not {recheck!r}")
        if not urls and not configs and require_start:
            raise PlanError("no start URLs: use -a start_urls=https://example.com/news/ "
                            "or -a sites=sites.toml")
        for url in urls:
            if not is_web_url(url):
                raise PlanError(f"start URL is not an http(s) URL: {url}")
        try:
            schedule = Schedule.parse(age_from=arguments.get("revisit_age") or "published")
        except ScheduleError as error:
            raise PlanError(f"-a revisit_age: {error}") from None
        adhoc = adhoc_sites(urls, forced.name if forced else None,
                            int_arg("max_pages", arguments.get("max_pages")),
                            int_arg("max_hops", arguments.get("max_hops")), schedule)
        clash = {c.site for c in configs} & {c.site for c in adhoc}
        if clash:
            raise PlanError(f"{sorted(clash)[0]} is both in the sites file and in start_urls")
        backfill = str(arguments.get("backfill") or "").lower() in TRUE_WORDS
        return cls(spider, tuple(configs + adhoc), forced, backfill=backfill,
                   recheck=recheck or "due",
                   budget=duration_arg("budget", arguments.get("budget")),
                   site_budget=duration_arg("site_budget", arguments.get("site_budget")),
                   **context)

    @classmethod
    def from_run(cls, spider: str, config: RunConfig, default_profile: str | None = None,
                 run: Any = None, **context: Any) -> CrawlPlan:
        """The plan of a worker of a distributed run; PlanError when the run's sites are bad."""
        profile = config.profile or default_profile
        try:
            configs = config.configs()
            forced = load_profile(profile) if profile else None
        except (SitesError, ProfileError) as error:
            raise PlanError(str(error)) from None
        # A worker never reads the archive: an incremental run's seed put what is due in Redis.
        return cls(spider, tuple(configs), forced, backfill=config.backfill,
                   recheck="due" if config.incremental else "none", run=run, **context)


def plan_of(crawler: Any) -> CrawlPlan | None:
    """The plan of a crawler's spider, None for a spider that has none."""
    plan = getattr(getattr(crawler, "spider", None), "plan", None)
    return plan if isinstance(plan, CrawlPlan) else None
