"""Drop the article pages left with too little text to archive.

The text itself is cleaned where it is read (``crawler.extraction.read_page``).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from crawler.items import Article

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Drop article pages whose body is too short to be a story (a stub, a paywall teaser)."""

    def __init__(self, min_body_chars: int, stats: Any) -> None:
        self.min_body_chars = min_body_chars
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        return cls(crawler.settings.getint("CLEAN_MIN_BODY_CHARS"), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if len(item.body) < self.min_body_chars:
            self.stats.inc_value("clean/dropped_short")
            raise DropItem(
                f"body of {item.url} has {len(item.body)} characters, too few", "DEBUG"
            )
        self.stats.inc_value("clean/kept")
        return item
