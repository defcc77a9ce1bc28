"""Write items to the archive and record the crawl, its outcome and its counts."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from crawler import clock
from crawler.archive import Archive, ArchiveError, ArchiveWriteError
from crawler.archive.lock import WriterLock
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule
from crawler.items import Article, Recheck, Skipped
from crawler.stats import crawl_counts, outcome_stat

logger = logging.getLogger(__name__)

# How Scrapy's finish reasons read as a crawl's status in the archive.
STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted", "cancelled": "interrupted"}


class ArchivePipeline:
    """Save each article to the archive: a new version only when its content changed."""

    def __init__(self, path: str, lock_wait: float, clock: str | None, crawler: Any) -> None:
        self.path = path
        self.lock_wait = lock_wait
        self.clock = clock
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive: Archive | None = None
        self.lock: WriterLock | None = None
        self.crawl_id: int | None = None
        self.failing = False  # a write failed: the crawl is being stopped
        self.stopping: asyncio.Future | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        pipeline = cls(settings.get("ARCHIVE_PATH"), settings.getfloat("ARCHIVE_LOCK_WAIT"),
                       settings.get("CRAWL_CLOCK") or None, crawler)
        # The crawl is recorded on spider_closed, after Scrapy has set its finish reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def now(self) -> str:
        """The crawl's current time (CRAWL_CLOCK when set, for tests and replays)."""
        return clock.now(self.clock)

    def open_spider(self) -> None:
        self.lock = WriterLock.acquire(self.path, self.lock_wait)
        self.archive = Archive.open(self.path)
        stale = self.archive.close_stale_crawls()
        if stale:
            logger.warning("%s earlier crawl(s) of %s were killed before finishing", stale,
                           self.path)
        spider = self.crawler.spider
        self.crawl_id = self.archive.start_crawl(spider.name, list(spider.start_urls), self.now())
        logger.info("Archiving to %s as crawl %s", self.path, self.crawl_id)

    def schedule_for(self, site: str) -> Schedule:
        """The revisit schedule of an item's site, as the spider knows it, else the default."""
        spider_schedule = getattr(self.crawler.spider, "schedule_for", None)
        return spider_schedule(site) if spider_schedule else DEFAULT_SCHEDULE

    def process_item(self, item: Article | Recheck | Skipped) -> Article | Recheck | Skipped:
        try:
            if isinstance(item, Skipped):
                self.archive.record_skip(item.url, item.reason, item.fetched_at)
                outcome = "skipped"
            elif isinstance(item, Recheck):
                outcome = self.archive.record_check(
                    item.article_id, item.status, item.url, self.crawl_id, item.fetched_at,
                    self.schedule_for(item.site), item.final_url)
            else:
                outcome = self.archive.save(item.to_dict(), self.crawl_id,
                                            self.schedule_for(item.site))
        except ArchiveWriteError as error:
            # The disk is full or the file became unwritable: stop cleanly, once, and say why.
            self.stats.inc_value("archive/error")
            if not self.failing:
                self.failing = True
                self.stats.set_value("archive/failure", str(error))
                logger.error("Stopping the crawl: %s", error)
                self.stopping = asyncio.ensure_future(
                    self.crawler.engine.close_spider_async(reason="archive_error"))
            raise DropItem(f"not archived: {error}", "DEBUG") from None
        except ArchiveError:
            self.stats.inc_value("archive/error")
            raise
        self.stats.inc_value(outcome_stat(outcome))
        logger.debug("%s: %s", outcome, item.url)
        if not isinstance(item, Article):  # a record for the archive, not an item for feeds
            raise DropItem(f"{outcome}: {item.url}", "DEBUG")
        return item

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.archive is None:
            return
        stats = self.stats.get_stats()
        status = STATUS_BY_REASON.get(reason, reason)
        counts = crawl_counts(stats)
        try:
            self.archive.finish_crawl(self.crawl_id, status, counts, stats, self.now())
        except (ArchiveError, sqlite3.Error) as error:
            # a full disk may refuse even this last write: the next crawl marks this one killed
            logger.error("Cannot record the end of crawl %s in %s: %s", self.crawl_id,
                         self.path, error)
        finally:
            self.archive.close()
            self.archive = None
            self.lock.release()
