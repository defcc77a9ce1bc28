"""The generic news spider: from listings, feeds and sitemaps to article items, site by site."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, UsageError
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from crawler import extractor_version
from crawler.archive import Archive
from crawler.archive.schedule import DEFAULT_BACKOFF, DEFAULT_GIVE_UP, Backoff, ScheduleError
from crawler.discovery import (
    Entry,
    bounded_robots_txt,
    feed_links,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.extraction import Reading, SiteModel
from crawler.extraction.classify import Links
from crawler.extraction.html import header_charset, looks_binary
from crawler.frontier import Bounds, Budget, Frontier
from crawler.items import Article, Recheck, Refused, SiteEvidence, Skipped, View
from crawler.middlewares import OverBudget
from crawler.plan import ARGUMENTS, CrawlPlan, PlanError
from crawler.pool import pool_size, shared_pool
from crawler.profiles import Profile, load_profile, profile_for_url
from crawler.sites import SiteConfig
from crawler.urls import canonical_url, request_url, site_of

logger = logging.getLogger(__name__)
RECHECK_STATUSES = [304, 404, 410]  # answers to a re-check that the spider handles itself
REFUSED_STATUSES = (401, 403, 451)  # refusals for now: tried again on a backoff, not skipped
ARTICLE_PRIORITY = 10  # article requests leave Scrapy's queue before listing pages
RECHECK_PRIORITY = -1  # re-checks of archived articles leave it after every new story's


class NewsSpider(Spider):
    """Crawl news sites from their listings, feeds and sitemaps; re-check what is due."""

    name = "news"
    profile_name: str | None = None  # a site profile forced on every page (named spiders)

    def __init__(self, plan: CrawlPlan | None = None, **kwargs: Any) -> None:
        arguments = {name: kwargs.pop(name) for name in ARGUMENTS if name in kwargs}
        self.plan = plan or self.make_plan(arguments, require_start=False)
        super().__init__(**kwargs)
        self.reader: Archive | None = None  # read-only: the pipeline is the one writer
        self._frontier: Frontier | None = None  # made at start, when the archive can be read
        self.answered: set[str] = set()  # sites that answered at least one request
        self.sitemap_taken: dict[str, int] = {}  # sitemap entries taken per site in this run
        self.budget = Budget({site: self.plan.budget_for(site) for site in self.plan.site_names})
        self._budget_timer: Any = None  # the call that stops the run at its budget
        self._closing: asyncio.Future | None = None  # the engine closing the spider at it
        self.models: dict[str, SiteModel] = {}  # each site's model, learned as pages arrive

    @classmethod
    def check_arguments(cls, require_start: bool = True, **kwargs: Any) -> CrawlPlan:
        """The plan the -a arguments make; UsageError when they are bad.

        `scrapy crawl` requires start URLs; `scrapy parse --spider news URL` needs none.
        """
        arguments = {name: kwargs[name] for name in ARGUMENTS if name in kwargs}
        return cls.make_plan(arguments, require_start)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        arguments = {name: kwargs.pop(name) for name in ARGUMENTS if name in kwargs}
        plan = cls.make_plan(arguments, require_start=False, settings=crawler.settings)
        return super().from_crawler(crawler, *args, plan=plan, **kwargs)

    @classmethod
    def make_plan(cls, arguments: dict[str, Any], require_start: bool,
                  settings: Any = None) -> CrawlPlan:
        """The crawl's plan: from the -a arguments, or from the distributed run the settings
        join; with the settings' bounds, clock and archive. UsageError when there is none."""
        context: dict[str, Any] = {}
        if settings is not None:
            context = {
                "bounds": Bounds(
                    max_pages=settings.getint("NEWS_MAX_PAGES"),
                    max_hops=settings.getint("NEWS_MAX_HOPS"),
                    recrawl_hops=settings.getint("NEWS_RECRAWL_MAX_HOPS"),
                    max_dry=settings.getint("NEWS_MAX_DRY_PAGES"),
                    max_listings=settings.getint("NEWS_MAX_LISTINGS"),
                    sitemap_depth=settings.getint("NEWS_SITEMAP_MAX_DEPTH"),
                    sitemap_entries=settings.getint("NEWS_SITEMAP_MAX_ENTRIES"),
                    sitemap_site_entries=settings.getint("NEWS_SITEMAP_MAX_PER_SITE"),
                    robots_bytes=settings.getint("ROBOTSTXT_MAX_BYTES"),
                    robots_rules=settings.getint("ROBOTSTXT_MAX_RULES"),
                ),
                "clock": settings.get("CRAWL_CLOCK") or None,
                "backoff": Backoff.parse(settings.get("REFUSAL_BACKOFF") or DEFAULT_BACKOFF,
                                         settings.get("REFUSAL_GIVE_UP") or DEFAULT_GIVE_UP),
                "archive_path": settings.get("ARCHIVE_PATH") if settings.getbool(
                    "ARCHIVE_ENABLED") else None,
            }
        try:
            if settings is not None and settings.getbool("DISTRIBUTED"):  # the run's sites
                from crawler.distributed.worker import join_run

                run = join_run(settings, arguments)
                return CrawlPlan.from_run(cls.name, run.config, cls.profile_name, run,
                                          **context)
            return CrawlPlan.from_arguments(cls.name, arguments, cls.profile_name,
                                            require_start, **context)
        except (PlanError, ScheduleError) as error:
            raise UsageError(str(error)) from None

    @property
    def start_urls(self) -> list[str]:  # type: ignore[override]
        """The plan's start URLs."""
        return list(self.plan.start_urls)

    @property
    def allowed_domains(self) -> list[str]:
        """The plan's start hosts, for Scrapy's offsite check."""
        return list(self.plan.allowed_domains)

    @property
    def sites(self) -> frozenset[str]:
        """The sites the crawl stays on."""
        return self.plan.site_names

    @property
    def archive_path(self) -> str | None:
        """The archive the crawl's items are for, None when nothing is archived."""
        return self.plan.archive_path

    def now(self) -> str:
        """The crawl's current time (CRAWL_CLOCK when set, for tests and replays)."""
        return self.plan.now()

    @property
    def frontier(self) -> Frontier:
        """The crawl's frontier (one without the archive when the crawl did not start it,
        as under `scrapy parse`)."""
        if self._frontier is None:
            self._frontier = self.make_frontier()
        return self._frontier

    def make_frontier(self) -> Frontier:
        """A frontier over the plan's sites, reading the archive when the crawl opened it."""
        plan = self.plan
        return Frontier(list(plan.sites), plan.bounds, self.reader, self.now(), plan.backfill)

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        stats.set_value("news/sites", len(self.plan.site_names))
        stats.set_value("news/sites_ok", len(self.answered))
        if self._budget_timer is not None:
            self._budget_timer.cancel()
        for kind, count in self.budget.left.items():
            stats.set_value(f"budget/left_{kind}", count)
        if self.budget.stopped and self._frontier is not None:  # what the next run starts with
            stats.set_value("budget/left_rechecks", sum(1 for _ in self._frontier.due()))
        if self.reader is not None:
            self.reader.close()
        if self._frontier is not None:
            self._frontier.close()

    async def start(self) -> AsyncIterator[Request]:
        plan = self.plan
        if plan.reads_archive and Path(plan.archive_path).is_file():
            self.reader = Archive.open(plan.archive_path, readonly=True)
        elif plan.run is not None and plan.run.config.incremental:
            self.reader = plan.run.archive()  # what `crawler seed --db` put in Redis
        self._frontier = self.make_frontier()
        if plan.budget:
            from scrapy.utils.asyncio import call_later

            self._budget_timer = call_later(plan.budget, self.out_of_budget)
        configs = plan.run.seeds(list(plan.sites)) if plan.run else plan.sites
        for config in configs:
            for request in self.site_start(config):
                yield request
        if self.reader is not None:  # refused links whose retry is due, as new stories
            for row in self.reader.due_refusals(plan.site_names, self.now()):
                if self._frontier.take_refused(row["url"]) and self.budget.allows(row["site"]):
                    self.crawler.stats.inc_value("news/refusals_retried")
                    yield self.request(row["url"], hops=99, article=True)
        if plan.recheck != "none":
            for row in self._frontier.due(every=plan.recheck == "all"):
                if self.budget.allows(row["site"]):
                    self.crawler.stats.inc_value("news/rechecks")
                    yield self.recheck(row)

    def out_of_budget(self) -> None:
        """Stop at the run's time budget: nothing more is scheduled, what is being fetched is
        finished and archived, and what was waiting is counted as left for the next run."""
        self._budget_timer = None
        self.budget.stopped = True
        stats = self.crawler.stats
        waiting = (stats.get_value("scheduler/enqueued", 0)
                   - stats.get_value("scheduler/dequeued", 0))
        self.budget.left["requests"] += waiting
        logger.info("Time budget of %ss spent: stopping, %s requests left for the next run",
                    self.plan.budget, waiting)
        self._closing = asyncio.ensure_future(
            self.crawler.engine.close_spider_async(reason="budget"))

    def site_start(self, config: SiteConfig) -> Iterator[Request]:
        """The requests a site's crawl starts with: its start URLs, feeds and robots.txt."""
        for url in config.start_urls:
            yield self.request(url, hops=0)
        for url in config.feeds:
            yield Request(url, self.parse_feed, errback=self.failed)
        if config.sitemaps:
            root = urljoin(config.start_urls[0], "/robots.txt")
            yield Request(root, self.parse_robots, errback=self.failed, dont_filter=True)

    def request(self, url: str, hops: int, page: int = 1, dry: int = 0,
                chain: str | None = None, article: bool = False) -> Request:
        """A request for a page to parse, with its place in the crawl (and listing chain)."""
        meta: dict[str, Any] = {"hops": hops, "page": page, "dry": dry, "article": article}
        if chain:
            meta["chain"] = chain
        # Articles before listings: the queue then holds about one listing page's stories,
        # not every story of the pages paged through ahead of them.
        return Request(request_url(url), self.parse, errback=self.failed, meta=meta,
                       priority=ARTICLE_PRIORITY if article else 0)

    def recheck(self, row: dict[str, Any]) -> Request:
        """A conditional request for an archived article whose check is due."""
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        return Request(row["fetch_url"] or row["url"], self.parse, errback=self.failed,
                       headers=headers, priority=RECHECK_PRIORITY,
                       meta={"recheck": row["id"], "hops": 99,
                             "handle_httpstatus_list": RECHECK_STATUSES})

    def profile_for(self, url: str) -> Profile | None:
        """The forced profile, the site's configured one, else the profile of the page's site."""
        forced, config = self.plan.profile, self.frontier.config(url)
        if forced or not (config and config.profile):
            return forced or profile_for_url(url)
        return load_profile(config.profile)

    async def parse(self, response: Response) -> AsyncIterator[Article | Recheck | Request]:
        stats = self.crawler.stats
        self.answered.add(site_of(response.url))
        if response.meta.get("recheck") and response.status in RECHECK_STATUSES:
            stats.inc_value(f"news/recheck_{response.status}")
            asked = (response.meta.get("redirect_urls") or [response.url])[0]
            yield Recheck(response.meta["recheck"], asked, response.status,
                          site_of(response.url), self.now(), response.url)
            return
        if not isinstance(response, TextResponse) or looks_binary(response.body):
            stats.inc_value("news/skipped_not_text")
            logger.info("Skipped %s: not a text page", response.url)
            return
        if not response.body.strip():
            stats.inc_value("news/skipped_empty")
            logger.info("Skipped %s: empty page", response.url)
            return
        declared = header_charset(response.headers.get("Content-Type"))
        profile = self.profile_for(response.url)
        site = site_of(response.url)
        model = self.model_for(site)
        # Decoding and reading are the page's CPU work: done in the crawl's worker processes.
        pool = shared_pool(pool_size(self.crawler.settings.get("CRAWL_POOL_PROCESSES")))
        html, encoding, reading = await pool.read(response.body, declared, response.url,
                                                  profile, self.sites, model)
        if reading.is_article and reading.noindex:  # a print or mobile view of a story
            stats.inc_value("news/views")
            fields = reading.article
            if self.archive_path:  # filed as its article's alias, never an article of its own
                yield View(fields["url"], fields["site"] or site, fields["title"],
                           fields["summary"], fields["body"], self.now())
        elif reading.is_article:
            if reading.evidence:
                self.models[site] = model.learn(reading.evidence)
                if self.archive_path:
                    yield SiteEvidence(site, reading.evidence)
            stats.inc_value("news/articles")
            yield self.article(reading, response, profile, encoding)
        else:
            stats.inc_value("news/listings")
            if response.meta.get("article") and self.archive_path:
                yield Skipped(canonical_url(response.url), "not an article",
                              site_of(response.url), self.now())
            if response.meta.get("hops") == 0:
                for url in feed_links(html, response.url):
                    if site_of(url) in self.sites and "comments" not in url:
                        yield Request(url, self.parse_feed, errback=self.failed)
        for request in self.follow(response, reading.links, reading.is_article):
            yield request

    def model_for(self, site: str) -> SiteModel:
        """The site's model as learned so far: from the archive, then from this crawl's pages."""
        if site not in self.models:
            stored = self.reader.site_model(site) if self.reader else None
            self.models[site] = SiteModel.from_dict(stored) if stored else SiteModel(site)
        return self.models[site]

    def follow(self, response: Response, links: Links, is_article: bool) -> Iterator[Request]:
        """Requests for the page's new article links, listings and pagination, within bounds."""
        meta, site = response.meta, site_of(response.url)
        hops, page, dry = meta.get("hops", 0), meta.get("page", 1), meta.get("dry", 0)
        if site not in self.sites:
            return
        chain = None if is_article else meta.get("chain", response.url)
        hops_limit = self.frontier.hops_limit(site)
        fetch, fresh = self.frontier.fresh_articles(links.articles, chain,
                                                    follow=hops <= hops_limit)
        for url in self.budget.take(site, fetch, "articles"):
            yield self.request(url, hops=hops + 1, article=True)
        if not self.budget.allows(site):
            return
        if hops < hops_limit:
            for url in links.listings:
                if self.frontier.take_listing(url):
                    yield self.request(url, hops=hops + 1)
                else:
                    self.crawler.stats.inc_value("news/listings_skipped")
        if is_article or not links.pagination:
            return
        go_on, dry, why = self.frontier.paging(site, page, dry, fresh)
        if not go_on:
            self.crawler.stats.inc_value(f"news/pagination_stop_{why}")
            return
        url = self.frontier.next_page(response.url, links.pagination)
        if url:
            yield self.request(url, hops=hops, page=page + 1, dry=dry, chain=chain)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        bounds = self.plan.bounds
        text = bounded_robots_txt(response.body, bounds.robots_bytes, bounds.robots_rules).decode(
            response.encoding, "replace")
        for url in sitemaps_from_robots(text, response.url):
            if site_of(url) in self.sites:
                yield Request(url, self.parse_sitemap, errback=self.failed,
                              meta={"sitemap_depth": 0})

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        stats = self.crawler.stats
        bounds = self.plan.bounds
        sitemap = parse_sitemap(response.body, response.url, bounds.sitemap_entries)
        if sitemap.kind == "unknown":  # robots.txt may list a feed as a sitemap
            yield from self.discovered(parse_feed(response.body, response.url))
            return
        if sitemap.dropped:
            stats.inc_value("bounds/sitemap_entries_dropped", sitemap.dropped)
        depth = response.meta.get("sitemap_depth", 0)
        for child in sitemap.sitemaps:
            if depth >= bounds.sitemap_depth:  # the protocol allows no index in an index
                stats.inc_value("bounds/sitemaps_too_deep")
            elif self.frontier.follow_sitemap(child):
                yield Request(child.url, self.parse_sitemap, errback=self.failed,
                              meta={"sitemap_depth": depth + 1})
        site = site_of(response.url)
        room = max(0, bounds.sitemap_site_entries - self.sitemap_taken.get(site, 0))
        if len(sitemap.entries) > room:
            stats.inc_value("bounds/sitemap_entries_dropped", len(sitemap.entries) - room)
        entries = sitemap.entries[:room]
        self.sitemap_taken[site] = self.sitemap_taken.get(site, 0) + len(entries)
        yield from self.discovered(entries)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        yield from self.discovered(parse_feed(response.body, response.url))

    def discovered(self, entries: list[Entry]) -> Iterator[Request]:
        """Requests for feed or sitemap entries that are new, or changed since last fetched."""
        new, rechecks = self.frontier.triage(entries)
        new = [url for url in new if self.budget.take(site_of(url), [url], "articles")]
        rechecks = [row for row in rechecks if self.budget.allows(site_of(row["url"]))]
        self.crawler.stats.inc_value("news/discovered", len(new))
        self.crawler.stats.inc_value("news/rechecks_lastmod", len(rechecks))
        for url in new:
            yield self.request(url, hops=self.frontier.hops_limit(site_of(url)), article=True)
        for row in rechecks:
            yield self.recheck(row)

    def article(self, reading: Reading, response: Response,
                profile: Profile | None, encoding: str) -> Article:
        """The item for an article page: the fields read, with the URLs that reached it as
        aliases, and the fetch's own fields."""
        fields = dict(reading.article)
        url = fields["url"]
        aliases: list[str] = []
        for seen_as in (*fields["aliases"], response.url,
                        *response.meta.get("redirect_urls", ())):
            alias = canonical_url(seen_as)
            parts = urlsplit(alias)
            if alias != url and alias not in aliases and (parts.path != "/" or parts.query):
                aliases.append(alias)
        fields.update(site=fields["site"] or site_of(url), aliases=aliases)
        headers = response.headers
        return Article(
            **fields, fetched_url=response.url, status=response.status, fetched_at=self.now(),
            profile=profile.name if profile else None,
            etag=(headers.get("ETag") or b"").decode("latin-1") or None,
            last_modified=(headers.get("Last-Modified") or b"").decode("latin-1") or None,
            extractor=extractor_version(), encoding=encoding, page=response.body,
            headers={name.decode("latin-1"): b", ".join(values).decode("latin-1")
                     for name, values in headers.items()},
        )

    def refusal(self, failure: Failure, request: Request | None, status: int | None,
                ) -> Refused | None:
        """The record of a refusal for now (401, 403, 451; a timeout after every retry) of an
        article or re-check request, to be tried again on the backoff; None for other
        failures."""
        if request is None or not self.archive_path or not (
                request.meta.get("article") or request.meta.get("recheck")):
            return None
        if status in REFUSED_STATUSES:
            reason = f"HTTP {status}"
        elif failure.check(DownloadTimeoutError, TwistedTimeoutError, TimeoutError):
            reason = "timeout"
        else:
            return None
        self.crawler.stats.inc_value("news/refused")
        logger.info("Refused %s (%s): trying again later", request.url, reason)
        return Refused(canonical_url(request.url), reason, site_of(request.url), self.now(),
                       request.meta.get("recheck"))

    def failed(self, failure: Failure) -> Iterator[Skipped | Refused]:
        """Log and count a request that could not be fetched; the crawl goes on."""
        request = getattr(failure, "request", None)
        if failure.check(OverBudget):  # counted as left for the next run, nothing to remember
            return
        # Still a 5xx or 429 after the retries: the page is down for now, which says nothing
        # about whether it is an article, so it is not remembered as skipped.
        status = failure.value.response.status if failure.check(HttpError) else None
        down = status in {int(code) for code in self.crawler.settings.getlist("RETRY_HTTP_CODES")}
        refused = self.refusal(failure, request, status)
        if refused is not None:
            yield refused
            return
        if failure.check(IgnoreRequest) and not down:  # robots.txt, a size limit, a 404 said no
            self.crawler.stats.inc_value("news/ignored")
            message = failure.getErrorMessage()
            level = logging.DEBUG if "robots.txt" in message else logging.INFO
            logger.log(level, "Ignored %s: %s", getattr(request, "url", "?"), message)
            if request is not None and request.meta.get("article") and self.archive_path:
                yield Skipped(canonical_url(request.url), message[:200],
                              site_of(request.url), self.now())
            return
        self.crawler.stats.inc_value("news/fetch_failed")
        logger.warning("Could not fetch %s: %s", getattr(request, "url", "?"),
                       f"HTTP {status}" if down else failure.getErrorMessage())
