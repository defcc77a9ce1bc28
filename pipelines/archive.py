"""Write items to the archive and record the crawl, its outcome and its counts."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.archive import Archive, ArchiveError, Outcome
from crawler.items import Article

logger = logging.getLogger(__name__)

# How Scrapy's finish reasons read as a crawl's status in the archive.
STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted", "cancelled": "interrupted"}


def crawl_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The crawl's headline counts, from its Scrapy stats."""
    return {
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_new": stats.get(f"archive/{Outcome.NEW_ARTICLE}", 0),
        "versions_new": stats.get(f"archive/{Outcome.NEW_ARTICLE}", 0)
        + stats.get(f"archive/{Outcome.NEW_VERSION}", 0),
        "unchanged": stats.get(f"archive/{Outcome.UNCHANGED}", 0),
        "errors": stats.get("log_count/ERROR", 0)
        + stats.get("news/fetch_failed", 0)
        + stats.get("archive/error", 0),
    }


class ArchivePipeline:
    """Save each article to the archive: a new version only when its content changed."""

    def __init__(self, path: str, crawler: Any) -> None:
        self.path = path
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive: Archive | None = None
        self.crawl_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        if not crawler.settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        pipeline = cls(crawler.settings.get("ARCHIVE_PATH"), crawler)
        # The crawl is recorded on spider_closed, after Scrapy has set its finish reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.archive = Archive.open(self.path)
        spider = self.crawler.spider
        self.crawl_id = self.archive.start_crawl(spider.name, list(spider.start_urls))
        logger.info("Archiving to %s as crawl %s", self.path, self.crawl_id)

    def process_item(self, item: Article) -> Article:
        try:
            outcome = self.archive.save(item.to_dict(), self.crawl_id)
        except ArchiveError:
            self.stats.inc_value("archive/error")
            raise
        self.stats.inc_value(f"archive/{outcome}")
        logger.debug("%s: %s", outcome, item.url)
        return item

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is None:
            return
        stats = self.stats.get_stats()
        status = STATUS_BY_REASON.get(reason, reason)
        self.archive.finish_crawl(self.crawl_id, status, crawl_counts(stats), stats)
        counts = crawl_counts(stats)
        logger.info(
            "Crawl %s %s: %s pages, %s new articles, %s new versions, %s unchanged, %s errors",
            self.crawl_id, status, counts["pages_fetched"], counts["articles_new"],
            counts["versions_new"], counts["unchanged"], counts["errors"],
        )
        self.archive.close()
        self.archive = None
