"""The generic news spider: from listings, feeds and sitemaps to article items, site by site."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler import extractor_version
from crawler.archive import Archive
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule, format_time, parse_time
from crawler.discovery import (
    Entry,
    bounded_robots_txt,
    feed_links,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.extraction import extract
from crawler.extraction.body import looks_binary, page_text
from crawler.extraction.classify import Links, is_listing_url
from crawler.frontier import Bounds, Frontier
from crawler.items import Article, Recheck, Skipped
from crawler.profiles import Profile, ProfileError, load_profile, profile_for_url
from crawler.sites import SiteConfig, SitesError, adhoc_sites, load_sites
from crawler.urls import canonical_url, is_web_url, request_url, site_of

logger = logging.getLogger(__name__)
RECHECK_STATUSES = [304, 404, 410]  # answers to a re-check that the spider handles itself


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
        raise UsageError(f"-a {name} must be a whole number, not {value!r}") from None


ARTICLE_PRIORITY = 10  # article requests leave Scrapy's queue before listing pages


class NewsSpider(Spider):
    """Crawl news sites from their listings, feeds and sitemaps; re-check what is due."""

    name = "news"
    profile_name: str | None = None  # a site profile forced on every page (named spiders)

    def __init__(self, start_urls: str | None = None, sites: str | None = None,
                 profile: str | None = None, max_pages: str | None = None,
                 max_hops: str | None = None, backfill: str | None = None,
                 recheck: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.configs, self.profile = self.check_arguments(
            start_urls, sites, profile, max_pages, max_hops, recheck, require_start=False)
        self.start_urls = [url for config in self.configs for url in config.start_urls]
        self.sites = frozenset(config.site for config in self.configs)
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.start_urls})
        self.backfill = str(backfill or "").lower() in ("1", "true", "yes")
        self.recheck_mode = recheck or "due"
        self.reader: Archive | None = None  # read-only: the pipeline is the one writer
        self.frontier: Frontier | None = None  # made at start, when the archive can be read
        # The distributed run this worker is part of: its add-on sets it, with the run's sites.
        self.distributed: Any = None
        self.answered: set[str] = set()  # sites that answered at least one request
        self.sitemap_taken: dict[str, int] = {}  # sitemap entries taken per site in this run

    @classmethod
    def check_arguments(cls, start_urls: str | None = None, sites: str | None = None,
                        profile: str | None = None, max_pages: str | None = None,
                        max_hops: str | None = None, recheck: str | None = None,
                        require_start: bool = True, **kwargs: Any,
                        ) -> tuple[list[SiteConfig], Profile | None]:
        """The sites and profile the -a arguments name; UsageError when they are bad.

        `scrapy crawl` requires start URLs; `scrapy parse --spider news URL` needs none.
        """
        try:
            forced = load_profile(profile or cls.profile_name) if (
                profile or cls.profile_name) else None
            configs = load_sites(sites) if sites else []
        except (ProfileError, SitesError) as error:
            raise UsageError(str(error)) from None
        urls = split_arg(start_urls) or ([] if sites else list(getattr(forced, "start_urls", ())))
        if recheck not in (None, "due", "all", "none"):
            raise UsageError(f"-a recheck must be due, all or none, not {recheck!r}")
        if not urls and not configs and require_start:
            raise UsageError("no start URLs: use -a start_urls=https://example.com/news/ "
                             "or -a sites=sites.toml")
        for url in urls:
            if not is_web_url(url):
                raise UsageError(f"start URL is not an http(s) URL: {url}")
        adhoc = adhoc_sites(urls, forced.name if forced else None,
                            int_arg("max_pages", max_pages), int_arg("max_hops", max_hops))
        clash = {c.site for c in configs} & {c.site for c in adhoc}
        if clash:
            raise UsageError(f"{sorted(clash)[0]} is both in the sites file and in start_urls")
        return configs + adhoc, forced

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.bounds = Bounds(
            max_pages=settings.getint("NEWS_MAX_PAGES"),
            max_hops=settings.getint("NEWS_MAX_HOPS"),
            recrawl_hops=settings.getint("NEWS_RECRAWL_MAX_HOPS"),
            max_dry=settings.getint("NEWS_MAX_DRY_PAGES"),
            max_listings=settings.getint("NEWS_MAX_LISTINGS"),
        )
        spider.sitemap_depth = settings.getint("NEWS_SITEMAP_MAX_DEPTH")
        spider.sitemap_entries = settings.getint("NEWS_SITEMAP_MAX_ENTRIES")
        spider.sitemap_site_entries = settings.getint("NEWS_SITEMAP_MAX_PER_SITE")
        spider.robots_bounds = (settings.getint("ROBOTSTXT_MAX_BYTES"),
                                settings.getint("ROBOTSTXT_MAX_RULES"))
        spider.clock = settings.get("CRAWL_CLOCK") or None
        spider.archive_path = settings.get("ARCHIVE_PATH") if settings.getbool(
            "ARCHIVE_ENABLED") else None
        return spider

    def now(self) -> str:
        """The crawl's current time (CRAWL_CLOCK when set, for tests and replays)."""
        return format_time(parse_time(self.clock) if self.clock else datetime.now(UTC))

    @property
    def plan(self) -> Frontier:
        """The crawl's frontier (one without the archive when the crawl did not start it,
        as under `scrapy parse`)."""
        if self.frontier is None:
            self.frontier = Frontier(self.configs, self.bounds, None, self.now(), self.backfill)
        return self.frontier

    def schedule_for(self, site: str) -> Schedule:
        """The revisit schedule of a site (its sites-file entry, else the default)."""
        config = self.plan.by_site.get(site)
        return config.schedule if config else DEFAULT_SCHEDULE

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value("news/sites", len(self.sites))
        self.crawler.stats.set_value("news/sites_ok", len(self.answered))
        if self.reader is not None:
            self.reader.close()
        if self.frontier is not None:
            self.frontier.close()

    async def start(self) -> AsyncIterator[Request]:
        # A distributed worker may be on another machine than the archive: it never reads it.
        if self.archive_path and not self.distributed and Path(self.archive_path).is_file():
            self.reader = Archive.open(self.archive_path, readonly=True)
        self.frontier = Frontier(self.configs, self.bounds, self.reader, self.now(),
                                 self.backfill)
        configs = self.distributed.seeds(self.configs) if self.distributed else self.configs
        for config in configs:
            for request in self.site_start(config):
                yield request
        if self.recheck_mode != "none":
            for row in self.frontier.due(every=self.recheck_mode == "all"):
                self.crawler.stats.inc_value("news/rechecks")
                yield self.recheck(row)

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
                       headers=headers, meta={"recheck": row["id"], "hops": 99,
                                              "handle_httpstatus_list": RECHECK_STATUSES})

    def profile_for(self, url: str) -> Profile | None:
        """The forced profile, the site's configured one, else the profile of the page's site."""
        config = self.plan.config(url)
        if self.profile or not (config and config.profile):
            return self.profile or profile_for_url(url)
        return load_profile(config.profile)

    def parse(self, response: Response) -> Iterator[Article | Recheck | Request]:
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
        html = page_text(response.body, response.encoding, response.text)
        profile = self.profile_for(response.url)
        fields = extract(html, response.url, profile, self.sites, listing_body=False)
        is_article = bool(fields.get("is_article")) and not is_listing_url(response.url)
        if is_article:
            stats.inc_value("news/articles")
            yield self.article(fields, response, profile)
        else:
            stats.inc_value("news/listings")
            if response.meta.get("article") and self.archive_path:
                yield Skipped(canonical_url(response.url), "not an article",
                              site_of(response.url), self.now())
            if response.meta.get("hops") == 0:
                for url in feed_links(html, response.url):
                    if site_of(url) in self.sites and "comments" not in url:
                        yield Request(url, self.parse_feed, errback=self.failed)
        yield from self.follow(response, fields["links"], is_article)

    def follow(self, response: Response, links: Links, is_article: bool) -> Iterator[Request]:
        """Requests for the page's new article links, listings and pagination, within bounds."""
        meta, site = response.meta, site_of(response.url)
        hops, page, dry = meta.get("hops", 0), meta.get("page", 1), meta.get("dry", 0)
        if site not in self.sites:
            return
        chain = None if is_article else meta.get("chain", response.url)
        hops_limit = self.plan.hops_limit(site)
        fetch, fresh = self.plan.fresh_articles(links.articles, chain,
                                                    follow=hops <= hops_limit)
        for url in fetch:
            yield self.request(url, hops=hops + 1, article=True)
        if hops < hops_limit:
            for url in links.listings:
                if self.plan.take_listing(url):
                    yield self.request(url, hops=hops + 1)
                else:
                    self.crawler.stats.inc_value("news/listings_skipped")
        if is_article or not links.pagination:
            return
        go_on, dry, why = self.plan.paging(site, page, dry, fresh)
        if not go_on:
            self.crawler.stats.inc_value(f"news/pagination_stop_{why}")
            return
        url = self.plan.next_page(response.url, links.pagination)
        if url:
            yield self.request(url, hops=hops, page=page + 1, dry=dry, chain=chain)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        text = bounded_robots_txt(response.body, *self.robots_bounds).decode(
            response.encoding, "replace")
        for url in sitemaps_from_robots(text, response.url):
            if site_of(url) in self.sites:
                yield Request(url, self.parse_sitemap, errback=self.failed,
                              meta={"sitemap_depth": 0})

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        stats = self.crawler.stats
        sitemap = parse_sitemap(response.body, response.url, self.sitemap_entries)
        if sitemap.kind == "unknown":  # robots.txt may list a feed as a sitemap
            yield from self.discovered(parse_feed(response.body, response.url))
            return
        if sitemap.dropped:
            stats.inc_value("bounds/sitemap_entries_dropped", sitemap.dropped)
        depth = response.meta.get("sitemap_depth", 0)
        for child in sitemap.sitemaps:
            if depth >= self.sitemap_depth:  # the protocol allows no index in an index
                stats.inc_value("bounds/sitemaps_too_deep")
            elif self.plan.follow_sitemap(child):
                yield Request(child.url, self.parse_sitemap, errback=self.failed,
                              meta={"sitemap_depth": depth + 1})
        site = site_of(response.url)
        room = max(0, self.sitemap_site_entries - self.sitemap_taken.get(site, 0))
        if len(sitemap.entries) > room:
            stats.inc_value("bounds/sitemap_entries_dropped", len(sitemap.entries) - room)
        entries = sitemap.entries[:room]
        self.sitemap_taken[site] = self.sitemap_taken.get(site, 0) + len(entries)
        yield from self.discovered(entries)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        yield from self.discovered(parse_feed(response.body, response.url))

    def discovered(self, entries: list[Entry]) -> Iterator[Request]:
        """Requests for feed or sitemap entries that are new, or changed since last fetched."""
        new, rechecks = self.plan.triage(entries)
        self.crawler.stats.inc_value("news/discovered", len(new))
        self.crawler.stats.inc_value("news/rechecks_lastmod", len(rechecks))
        for url in new:
            yield self.request(url, hops=self.plan.hops_limit(site_of(url)), article=True)
        for row in rechecks:
            yield self.recheck(row)

    def article(self, fields: dict[str, Any], response: Response,
                profile: Profile | None) -> Article:
        """The item for an article page, with the URLs that reached it as aliases."""
        url = fields["url"]
        aliases: list[str] = []
        for seen_as in (*fields.get("aliases", ()), response.url,
                        *response.meta.get("redirect_urls", ())):
            alias = canonical_url(seen_as)
            parts = urlsplit(alias)
            if alias != url and alias not in aliases and (parts.path != "/" or parts.query):
                aliases.append(alias)
        headers = response.headers
        return Article(
            url=url, site=fields.get("site") or site_of(url), title=fields.get("title"),
            summary=fields.get("summary"), authors=list(fields.get("authors") or []),
            published=fields.get("published"), modified=fields.get("modified"),
            section=fields.get("section"), body=fields.get("body") or "",
            lang=fields.get("lang"), fetched_url=response.url, status=response.status,
            fetched_at=self.now(), aliases=aliases, profile=profile.name if profile else None,
            etag=(headers.get("ETag") or b"").decode("latin-1") or None,
            last_modified=(headers.get("Last-Modified") or b"").decode("latin-1") or None,
            extractor=extractor_version(), encoding=response.encoding, page=response.body,
            headers={name.decode("latin-1"): b", ".join(values).decode("latin-1")
                     for name, values in headers.items()},
        )

    def failed(self, failure: Failure) -> Iterator[Skipped]:
        """Log and count a request that could not be fetched; the crawl goes on."""
        request = getattr(failure, "request", None)
        # Still a 5xx or 429 after the retries: the page is down for now, which says nothing
        # about whether it is an article, so it is not remembered as skipped.
        status = failure.value.response.status if failure.check(HttpError) else None
        down = status in {int(code) for code in self.crawler.settings.getlist("RETRY_HTTP_CODES")}
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
