"""Strip the sidebar modules that survived extraction and normalise the item's text."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from crawler.extraction import clean_item
from crawler.items import Article
from crawler.profiles import load_profile

logger = logging.getLogger(__name__)


class CleanPipeline:
    """Run the text-level cleaning pass; drop pages left with too little text to be articles."""

    def __init__(self, min_body_chars: int, stats: Any) -> None:
        self.min_body_chars = min_body_chars
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        return cls(crawler.settings.getint("CLEAN_MIN_BODY_CHARS"), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        profile = load_profile(item.profile) if item.profile else None
        fields = clean_item(item.to_dict(), profile)
        for name, value in fields.items():
            if hasattr(item, name):
                setattr(item, name, value)
        if len(item.body) < self.min_body_chars:
            self.stats.inc_value("clean/dropped_short")
            raise DropItem(
                f"body of {item.url} has {len(item.body)} characters, too few", "DEBUG"
            )
        self.stats.inc_value("clean/kept")
        return item
