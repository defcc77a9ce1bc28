"""One story, one item per crawl, whatever URL variant reached it."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import Article
from crawler.seen import SeenSet


class DedupePipeline:
    """Drop an item whose canonical URL or alias was already archived in this crawl."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.seen: SeenSet | None = None  # the URLs of items already passed

    def open_spider(self) -> None:
        self.seen = SeenSet()

    def close_spider(self) -> None:
        if self.seen is not None:
            self.seen.close()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        assert self.seen is not None, "process_item before open_spider"
        keys = [item.url, *item.aliases]
        if self.seen.seen(keys):
            self.stats.inc_value("dedupe/dropped")
            raise DropItem(f"{item.url} already archived in this crawl", "DEBUG")
        self.seen.update(keys)
        return item
