"""The generic news spider: from listings, feeds and sitemaps to article items, site by site."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.archive import Archive, ArchiveError
from crawler.archive.schedule import format_time, parse_time
from crawler.discovery import Entry, feed_links, parse_feed, parse_sitemap, sitemaps_from_robots
from crawler.extraction import extract
from crawler.extraction.classify import classify_links, is_listing_url
from crawler.items import Article, Recheck
from crawler.profiles import Profile, ProfileError, load_profile, profile_for_url
from crawler.sites import SiteConfig, SitesError, load_sites
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
            start_urls, sites, profile, max_pages, max_hops)
        self.start_urls = [url for config in self.configs for url in config.start_urls]
        self.by_site = {config.site: config for config in self.configs}
        self.sites = frozenset(self.by_site)
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.start_urls})
        self.backfill = str(backfill or "").lower() in ("1", "true", "yes")
        self.recheck_mode = recheck or "due"
        self.seen: set[str] = set()  # canonical URLs requested in this crawl
        self.listings = 0
        self.reader: Archive | None = None
        self.known_sites: set[str] = set()  # sites the archive already holds articles of
        self.answered: set[str] = set()  # sites that answered at least one request

    @classmethod
    def check_arguments(cls, start_urls: str | None = None, sites: str | None = None,
                        profile: str | None = None, max_pages: str | None = None,
                        max_hops: str | None = None, recheck: str | None = None, **kwargs: Any,
                        ) -> tuple[list[SiteConfig], Profile | None]:
        """The sites and profile the -a arguments name; UsageError when they are bad."""
        try:
            forced = load_profile(profile or cls.profile_name) if (
                profile or cls.profile_name) else None
            configs = load_sites(sites) if sites else []
        except (ProfileError, SitesError) as error:
            raise UsageError(str(error)) from None
        urls = split_arg(start_urls) or ([] if sites else list(getattr(forced, "start_urls", ())))
        if recheck not in (None, "due", "all", "none"):
            raise UsageError(f"-a recheck must be due, all or none, not {recheck!r}")
        if not urls and not configs:
            raise UsageError("no start URLs: use -a start_urls=https://example.com/news/ "
                             "or -a sites=sites.toml")
        for url in urls:
            if not is_web_url(url):
                raise UsageError(f"start URL is not an http(s) URL: {url}")
        limits = {"max_pages": int_arg("max_pages", max_pages),
                  "max_hops": int_arg("max_hops", max_hops)}
        by_site: dict[str, list[str]] = {}
        for url in urls:
            by_site.setdefault(site_of(url), []).append(url)
        configs += [SiteConfig(name=site, start_urls=tuple(group),
                               profile=forced.name if forced else None, **limits)
                    for site, group in by_site.items()]
        return configs, forced

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = settings.getint("NEWS_MAX_PAGES")
        spider.max_hops = settings.getint("NEWS_MAX_HOPS")
        spider.recrawl_hops = settings.getint("NEWS_RECRAWL_MAX_HOPS")
        spider.max_dry = settings.getint("NEWS_MAX_DRY_PAGES")
        spider.max_listings = settings.getint("NEWS_MAX_LISTINGS")
        spider.clock = settings.get("CRAWL_CLOCK") or None
        spider.archive_path = settings.get("ARCHIVE_PATH") if settings.getbool(
            "ARCHIVE_ENABLED") else None
        return spider

    def now(self) -> str:
        """The crawl's current time (CRAWL_CLOCK when set, for tests and replays)."""
        return format_time(parse_time(self.clock) if self.clock else datetime.now(UTC))

    def archive(self) -> Archive | None:
        """A read-only view of the archive, to plan the crawl; None while there is none."""
        if self.reader is None and self.archive_path:
            try:
                self.reader = Archive.open(self.archive_path, readonly=True)
            except ArchiveError:
                return None
        return self.reader

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value("news/sites", len(self.sites))
        self.crawler.stats.set_value("news/sites_ok", len(self.answered))
        if self.reader is not None:
            self.reader.close()

    def config(self, url: str) -> SiteConfig:
        """The configuration of the site a URL belongs to."""
        return self.by_site[site_of(url)]

    def hops_limit(self, site: str) -> int:
        """How far from a start URL listings are followed on this site in this crawl."""
        config = self.by_site[site]
        if config.max_hops is not None:
            return config.max_hops
        return self.max_hops if self.backfill or site not in self.known_sites else min(
            self.max_hops, self.recrawl_hops)

    async def start(self) -> AsyncIterator[Request]:
        archive = self.archive()
        self.known_sites = archive.sites() if archive else set()
        for config in self.configs:
            for url in config.start_urls:
                yield self.request(url, hops=0)
            for url in config.feeds:
                yield Request(url, self.parse_feed, errback=self.failed)
            if config.sitemaps:
                root = urljoin(config.start_urls[0], "/robots.txt")
                yield Request(root, self.parse_robots, errback=self.failed, dont_filter=True)
        if archive is None or self.recheck_mode == "none":
            return
        for row in archive.due(self.sites, self.now(), every=self.recheck_mode == "all"):
            self.crawler.stats.inc_value("news/rechecks")
            self.seen.add(row["url"])
            yield self.recheck(row)

    def request(self, url: str, hops: int, page: int = 1, dry: int = 0, **kw: Any) -> Request:
        """A request for a page to parse, with its place in the crawl."""
        return Request(request_url(url), self.parse, errback=self.failed,
                       meta={"hops": hops, "page": page, "dry": dry}, **kw)

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
        if self.profile:
            return self.profile
        config = self.by_site.get(site_of(url))
        if config and config.profile:
            return load_profile(config.profile)
        return profile_for_url(url)

    def parse(self, response: Response) -> Iterator[Article | Recheck | Request]:
        stats = self.crawler.stats
        self.answered.add(site_of(response.url))
        if response.meta.get("recheck") and response.status in RECHECK_STATUSES:
            stats.inc_value(f"news/recheck_{response.status}")
            yield Recheck(response.meta["recheck"], response.request.url, response.status,
                          site_of(response.url), self.now())
            return
        if not isinstance(response, TextResponse):
            stats.inc_value("news/skipped_not_text")
            logger.info("Skipped %s: not a text page", response.url)
            return
        html = response.text
        profile = self.profile_for(response.url)
        fields = extract(html, response.url, profile)
        is_article = bool(fields.get("is_article")) and not is_listing_url(response.url)
        if is_article:
            stats.inc_value("news/articles")
            yield self.article(fields, response, profile)
        else:
            stats.inc_value("news/listings")
            if response.meta.get("hops") == 0:
                for url in feed_links(html, response.url):
                    if site_of(url) in self.sites and "comments" not in url:
                        yield Request(url, self.parse_feed, errback=self.failed)
        yield from self.follow(response, html, is_article)

    def fresh(self, urls: Iterable[str]) -> list[str]:
        """Article URLs neither requested in this crawl nor (unless backfilling) archived."""
        candidates = {canonical_url(url): url for url in urls}
        new = [key for key in candidates if key not in self.seen]
        archive = self.archive()
        known = archive.known(new) if archive else set()
        self.seen.update(new)
        return [candidates[key] for key in new if key not in known]

    def follow(self, response: Response, html: str, is_article: bool) -> Iterator[Request]:
        """Requests for the page's new article links, listings and pagination, within bounds."""
        meta = response.meta
        hops, page, dry = meta.get("hops", 0), meta.get("page", 1), meta.get("dry", 0)
        site = site_of(response.url)
        if site not in self.by_site:
            return
        links = classify_links(html, response.url, self.sites)
        fresh = self.fresh(links.articles)
        if hops <= self.hops_limit(site):
            for url in fresh:
                yield self.request(url, hops=hops + 1)
        if hops < self.hops_limit(site):
            for url in links.listings:
                if self.listings >= self.max_listings:
                    self.crawler.stats.inc_value("news/listings_capped")
                    break
                self.listings += 1
                yield self.request(url, hops=hops + 1)
        if is_article or not links.pagination:
            return
        dry = 0 if fresh else dry + 1
        limit = self.by_site[site].max_pages or self.max_pages
        if dry >= self.max_dry:
            self.crawler.stats.inc_value("news/pagination_dry_stop")
        elif page >= limit:
            self.crawler.stats.inc_value("news/pagination_max_stop")
            logger.info("Stopped paging at %s: page limit %s reached", response.url, limit)
        else:
            for url in links.pagination:
                yield self.request(url, hops=hops, page=page + 1, dry=dry)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in sitemaps_from_robots(response.text, response.url):
            if site_of(url) in self.sites:
                yield Request(url, self.parse_sitemap, errback=self.failed)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        sitemap = parse_sitemap(response.body, response.url)
        if sitemap.kind == "unknown":  # robots.txt may list a feed as a sitemap
            yield from self.discovered(parse_feed(response.body, response.url))
            return
        horizon = self.config(response.url).schedule.max_age
        for child in sitemap.sitemaps:
            if site_of(child.url) in self.sites and (self.backfill or self.recent(
                    child.modified, horizon)):
                yield Request(child.url, self.parse_sitemap, errback=self.failed)
        yield from self.discovered(sitemap.entries)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        yield from self.discovered(parse_feed(response.body, response.url))

    def recent(self, when: str | None, horizon: Any) -> bool:
        """True when a date is missing or within the horizon before now."""
        return when is None or parse_time(self.now()) - parse_time(when) <= horizon

    def discovered(self, entries: list[Entry]) -> Iterator[Request]:
        """Requests for feed or sitemap entries that are new, or changed since last fetched."""
        entries = [e for e in entries if site_of(e.url) in self.sites]
        archive = self.archive()
        states = archive.fetch_states(canonical_url(e.url) for e in entries) if archive else {}
        for entry in entries:
            key = canonical_url(entry.url)
            if key in self.seen:
                continue
            state = states.get(key)
            horizon = self.config(entry.url).schedule.max_age
            if state is None and (self.backfill or self.recent(
                    entry.published or entry.modified, horizon)):
                self.seen.add(key)
                self.crawler.stats.inc_value("news/discovered")
                yield self.request(entry.url, hops=self.hops_limit(site_of(entry.url)))
            elif state and entry.modified and state["removed_at"] is None and (
                    state["last_fetched_at"] or "") < entry.modified:
                self.seen.add(key)
                self.crawler.stats.inc_value("news/rechecks_lastmod")
                yield self.recheck(state)

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
        )

    def failed(self, failure: Failure) -> None:
        """Log and count a request that could not be fetched; the crawl goes on."""
        request = getattr(failure, "request", None)
        if failure.check(IgnoreRequest):  # robots.txt or a size limit said no: not an error
            self.crawler.stats.inc_value("news/ignored")
            logger.debug("Ignored %s: %s", getattr(request, "url", "?"), failure.getErrorMessage())
            return
        self.crawler.stats.inc_value("news/fetch_failed")
        logger.warning("Could not fetch %s: %s", getattr(request, "url", "?"),
                       failure.getErrorMessage())
