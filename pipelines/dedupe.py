"""One story, one item per crawl, whatever URL variant reached it."""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import Article


class DedupePipeline:
    """Drop an item whose canonical URL or alias was already archived in this crawl."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.seen: set[bytes] = set()  # 8-byte digests of the URLs of items already passed

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        keys = [hashlib.blake2b(u.encode(), digest_size=8).digest()
                for u in (item.url, *item.aliases)]
        if any(key in self.seen for key in keys):
            self.stats.inc_value("dedupe/dropped")
            raise DropItem(f"{item.url} already archived in this crawl", "DEBUG")
        self.seen.update(keys)
        return item
