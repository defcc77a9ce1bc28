"""A bare Scrapy spider for the crawl benchmark: follows every same-site link, keeps nothing.

tests/benchmarks/crawl.py runs it with `scrapy runspider` beside the `news` crawl, with the same
settings, as the floor a crawl of the same site cannot go below: Scrapy's own fetch, parse and
link-extraction cost and nothing more. Its stats go to the JSON file named by -a stats_out.

Example:
    scrapy runspider tests/benchmarks/bare_spider.py -a start_url=http://127.0.0.1:8000/ \
        -a stats_out=bare-stats.json
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

# The sample digest site's story URLs (/YYYY/MM/DD/slug/): counted as articles, nothing more.
ARTICLE_PATH = re.compile(r"^/\d{4}/\d{2}/\d{2}/[^/]+/$")


class BareSpider(Spider):
    """Fetch a site's pages through its links; count article pages; keep nothing."""

    name = "bare"
    # The project's settings apply (same middlewares, robots.txt, User-Agent), not its pipelines.
    custom_settings: ClassVar[dict[str, Any]] = {"ITEM_PIPELINES": {}, "ARCHIVE_ENABLED": False}

    def __init__(self, start_url: str = "", stats_out: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(start_url)
        self.start_urls = [start_url]
        self.allowed_domains = [parts.hostname or ""]
        self.stats_out = stats_out
        # LinkExtractor compares allow_domains with host:port, so the port goes in too.
        self.links = LinkExtractor(allow_domains=[parts.netloc])
        self.seen: set[str] = set()  # URLs already requested: no Request made twice

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(url, self.parse)

    def parse(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        kind = "articles" if ARTICLE_PATH.match(urlsplit(response.url).path) else "other_pages"
        self.crawler.stats.inc_value(f"bare/{kind}")
        for link in self.links.extract_links(response):
            if link.url not in self.seen:
                self.seen.add(link.url)
                yield Request(link.url, self.parse)

    def closed(self, reason: str) -> None:
        if self.stats_out:
            with open(self.stats_out, "w", encoding="utf-8") as out:
                json.dump(self.crawler.stats.get_stats(), out, default=str, indent=1)
