"""The generic news spider: from listing pages to article items, on the start URLs' sites."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, UsageError
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extraction import extract
from crawler.extraction.classify import classify_links, is_listing_url
from crawler.items import Article
from crawler.profiles import Profile, ProfileError, load_profile, profile_for_url
from crawler.urls import canonical_url, is_web_url, request_url, site_of

logger = logging.getLogger(__name__)


def split_arg(value: str | list[str] | None) -> list[str]:
    """A comma- or whitespace-separated -a argument as a list."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [v.strip() for v in value if v.strip()]


def int_arg(name: str, value: Any, default: int) -> int:
    """An integer -a argument, or the setting's value when absent."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"-a {name} must be a whole number, not {value!r}") from None


class NewsSpider(Spider):
    """Crawl news sites from their listings; yield every article page found on them."""

    name = "news"
    profile_name: str | None = None  # a site profile forced on every page (named spiders)

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        profile: str | None = None,
        max_pages: str | None = None,
        max_hops: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.profile, urls = self.check_arguments(start_urls, profile, max_pages, max_hops)
        self.start_urls = urls
        self.sites = frozenset(site_of(url) for url in urls)
        self.allowed_domains = sorted({urlsplit(url).hostname or "" for url in urls})
        self._max_pages_arg, self._max_hops_arg = max_pages, max_hops
        self.seen: set[str] = set()  # canonical URLs of articles already requested
        self.listings = 0

    @classmethod
    def check_arguments(
        cls,
        start_urls: str | list[str] | None = None,
        profile: str | None = None,
        max_pages: str | None = None,
        max_hops: str | None = None,
        **kwargs: Any,
    ) -> tuple[Profile | None, list[str]]:
        """The profile and start URLs the -a arguments name; UsageError when they are bad."""
        name = profile or cls.profile_name
        try:
            site_profile = load_profile(name) if name else None
        except ProfileError as error:
            raise UsageError(str(error)) from None
        urls = split_arg(start_urls) or (list(site_profile.start_urls) if site_profile else [])
        if not urls:
            raise UsageError("no start URLs: use -a start_urls=https://example.com/news/")
        for url in urls:
            if not is_web_url(url):
                raise UsageError(f"start URL is not an http(s) URL: {url}")
        int_arg("max_pages", max_pages, 0)
        int_arg("max_hops", max_hops, 0)
        return site_profile, urls

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = int_arg("max_pages", spider._max_pages_arg,
                                   settings.getint("NEWS_MAX_PAGES"))
        spider.max_hops = int_arg("max_hops", spider._max_hops_arg,
                                  settings.getint("NEWS_MAX_HOPS"))
        spider.max_dry = settings.getint("NEWS_MAX_DRY_PAGES")
        spider.max_listings = settings.getint("NEWS_MAX_LISTINGS")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(url, self.parse, errback=self.failed,
                          meta={"hops": 0, "page": 1, "dry": 0}, dont_filter=True)

    def profile_for(self, url: str) -> Profile | None:
        """The forced profile, else the profile of the page's site, if any."""
        return self.profile or profile_for_url(url)

    def parse(self, response: Response) -> Iterator[Article | Request]:
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("news/skipped_not_text")
            logger.info("Skipped %s: not a text page (%s)", response.url,
                        response.headers.get("Content-Type", b"").decode("latin-1"))
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
        yield from self.follow(response, html, is_article)

    def follow(self, response: Response, html: str, is_article: bool) -> Iterator[Request]:
        """Requests for the page's article, listing and pagination links, within bounds."""
        meta = response.meta
        hops, page, dry = meta.get("hops", 0), meta.get("page", 1), meta.get("dry", 0)
        links = classify_links(html, response.url, self.sites)
        fresh = 0
        for url in links.articles:
            key = canonical_url(url)
            if key in self.seen:
                continue
            self.seen.add(key)
            fresh += 1
            if hops < self.max_hops + 1:
                yield Request(request_url(url), self.parse, errback=self.failed,
                              meta={"hops": hops + 1, "page": 1, "dry": 0})
        if hops < self.max_hops:
            for url in links.listings:
                if self.listings >= self.max_listings:
                    self.crawler.stats.inc_value("news/listings_capped")
                    break
                self.listings += 1
                yield Request(request_url(url), self.parse, errback=self.failed,
                              meta={"hops": hops + 1, "page": 1, "dry": 0})
        if is_article or not links.pagination:
            return
        dry = 0 if fresh else dry + 1
        if dry >= self.max_dry:
            self.crawler.stats.inc_value("news/pagination_dry_stop")
            logger.debug("Stopped paging at %s: %s pages without new articles", response.url, dry)
        elif page >= self.max_pages:
            self.crawler.stats.inc_value("news/pagination_max_stop")
            logger.info("Stopped paging at %s: NEWS_MAX_PAGES=%s reached", response.url, page)
        else:
            for url in links.pagination:
                yield Request(request_url(url), self.parse, errback=self.failed,
                              meta={"hops": hops, "page": page + 1, "dry": dry})

    def article(
        self, fields: dict[str, Any], response: Response, profile: Profile | None
    ) -> Article:
        """The item for an article page, with the URLs that reached it as aliases."""
        url = fields["url"]
        seen_as = [*fields.get("aliases", ()), response.url,
                   *response.meta.get("redirect_urls", ())]
        aliases: list[str] = []
        for candidate in seen_as:
            alias = canonical_url(candidate)
            parts = urlsplit(alias)
            if alias != url and alias not in aliases and (parts.path != "/" or parts.query):
                aliases.append(alias)
        return Article(
            url=url,
            site=fields.get("site") or site_of(url),
            title=fields.get("title"),
            summary=fields.get("summary"),
            authors=list(fields.get("authors") or []),
            published=fields.get("published"),
            modified=fields.get("modified"),
            section=fields.get("section"),
            body=fields.get("body") or "",
            lang=fields.get("lang"),
            fetched_url=response.url,
            status=response.status,
            fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            aliases=aliases,
            profile=profile.name if profile else None,
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
