"""Write items to the archive and record the crawl, its outcome and its counts.

An article's CPU work (hashing, compressing its page, its similarity signature) is done in
worker processes (`crawler.pool`); the ready records come back here, the one writer, which
commits them in batches. Scrapy's scraper waits for each item's record before it takes more
responses, so a pool that falls behind slows the fetching instead of growing a queue.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from crawler.archive import Archive, ArchiveError, ArchiveWriteError
from crawler.archive.lock import WriterLock
from crawler.archive.records import ReadyRecord
from crawler.extraction.site import SiteModel
from crawler.items import Article, Refused, SiteEvidence, Skipped, View
from crawler.plan import CrawlPlan, plan_of
from crawler.pool import Pool, pool_size, shared_pool
from crawler.stats import crawl_counts, outcome_stat

logger = logging.getLogger(__name__)

# How Scrapy's finish reasons read as a crawl's status in the archive.
STATUS_BY_REASON = {"finished": "finished", "shutdown": "interrupted", "cancelled": "interrupted"}


class ArchivePipeline:
    """Save each article to the archive: a new version only when its content changed.

    The archive's writer lock is the crawl command's: it takes it before the crawl starts and
    gives it back when the process's crawl is over, so this pipeline writes under it.
    """

    def __init__(self, plan: CrawlPlan, crawler: Any, processes: int = 0,
                 batch_size: int = 1, batch_seconds: float = 0.0) -> None:
        self.plan = plan
        self.path = plan.archive_path
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        self.failing = False  # a write failed: the crawl is being stopped
        self.stopping: asyncio.Future | None = None
        self.models: dict[str, SiteModel] = {}  # the sites' learned models, saved at the end
        self.processes = processes
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.pool: Pool | None = None
        self.batch: list[tuple[ReadyRecord, str]] = []  # prepared, not yet committed
        self.timer: Any = None  # the call that commits a batch left waiting too long

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        if not crawler.settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        plan = plan_of(crawler)
        if plan is None:
            raise NotConfigured(f"spider {crawler.spider.name!r} has no crawl plan")
        settings = crawler.settings
        pipeline = cls(plan, crawler, pool_size(settings.get("CRAWL_POOL_PROCESSES")),
                       settings.getint("ARCHIVE_BATCH_SIZE"),
                       settings.getfloat("ARCHIVE_BATCH_SECONDS"))
        # The crawl is recorded on spider_closed, after Scrapy has set its finish reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def now(self) -> str | None:
        """The plan's clock as the archive's time form, or None for the real clock."""
        return self.plan.now() if self.plan.clock else None

    def open_spider(self) -> None:
        if not WriterLock.held_here(self.path):
            # `scrapy parse`, `runspider`: no crawl command took the lock, so nothing is written
            # (a crawl of the same archive may be running, and its row must not look killed).
            logger.warning("Not archiving to %s: only `scrapy crawl` takes its writer lock",
                           self.path)
            return
        self.archive = Archive.open(self.path)
        stale = self.archive.close_stale_crawls()
        if stale:
            logger.warning("%s earlier crawl(s) of %s were killed before finishing", stale,
                           self.path)
        self.crawl_id = self.archive.start_crawl(self.plan.spider, list(self.plan.start_urls),
                                                 self.now())
        logger.info("Archiving to %s as crawl %s", self.path, self.crawl_id)
        self.pool = shared_pool(self.processes)

    def learn(self, item: SiteEvidence) -> str:
        """Fold one page's evidence into its site's model (stored when the crawl ends)."""
        model = self.models.get(item.site)
        if model is None:
            stored = self.archive.site_model(item.site)
            model = SiteModel.from_dict(stored) if stored else SiteModel(item.site)
        self.models[item.site] = model.learn(item.evidence)
        return "site_evidence"

    def save_models(self) -> None:
        """Store every site's model learned in this crawl."""
        for site, model in self.models.items():
            self.archive.save_site_model(site, model.to_dict(), self.now())
            self.stats.set_value(f"sites/model_size/{site}", model.size())

    async def process_item(self, item: Any) -> Any:
        if self.archive is None:  # not archiving: see open_spider
            if not isinstance(item, Article):
                raise DropItem(f"not archived: {item.url}", "DEBUG")
            return item
        if isinstance(item, Article):
            if self.failing:  # the archive cannot be written: the crawl is stopping
                self.stats.inc_value("archive/error")
                raise DropItem(f"not archived: {self.stats.get_value('archive/failure')}",
                               "DEBUG")
            record = await self.pool.ready(item.to_dict())
            self.batch.append((record, item.url))
            if len(self.batch) >= self.batch_size:
                self.commit()
            elif self.timer is None:
                from twisted.internet import reactor

                self.timer = reactor.callLater(self.batch_seconds, self.commit)
            return item
        try:
            if isinstance(item, SiteEvidence):
                outcome = self.learn(item)
            elif isinstance(item, View):
                self.commit()  # its article may wait in the batch: a view aliases what is saved
                outcome = self.archive.save_view(item.to_dict(), item.fetched_at)
            elif isinstance(item, Refused):
                outcome = self.archive.record_refusal(item.url, item.site, item.reason,
                                                      item.fetched_at, item.article_id,
                                                      self.plan.backoff)
            elif isinstance(item, Skipped):
                self.archive.record_skip(item.url, item.reason, item.fetched_at)
                outcome = "skipped"
            else:
                outcome = self.archive.record_check(
                    item.article_id, item.status, item.url, self.crawl_id, item.fetched_at,
                    self.plan.schedule_for(item.site), item.final_url)
        except ArchiveWriteError as error:
            self.failed(error, 1)
            raise DropItem(f"not archived: {error}", "DEBUG") from None
        except ArchiveError:
            self.stats.inc_value("archive/error")
            raise
        self.stats.inc_value(outcome_stat(outcome))
        what = getattr(item, "url", None) or getattr(item, "site", "")
        logger.debug("%s: %s", outcome, what)
        # a record for the archive, not an item for feeds
        raise DropItem(f"{outcome}: {what}", "DEBUG")

    def commit(self) -> None:
        """Write the prepared records in one transaction and count their outcomes."""
        if self.timer is not None:
            if self.timer.active():
                self.timer.cancel()
            self.timer = None
        batch, self.batch = self.batch, []
        if not batch or self.archive is None:
            return
        try:
            outcomes = self.archive.save_batch([record for record, _ in batch], self.crawl_id,
                                               self.plan.schedule_for)
        except ArchiveWriteError as error:
            self.failed(error, len(batch))
            return
        except ArchiveError as error:
            self.stats.inc_value("archive/error", len(batch))
            logger.error("Not archived: %s articles: %s", len(batch), error)
            return
        for outcome, (_, url) in zip(outcomes, batch, strict=True):
            self.stats.inc_value(outcome_stat(outcome))
            logger.debug("%s: %s", outcome, url)

    def failed(self, error: ArchiveWriteError, count: int) -> None:
        """The disk is full or the file became unwritable: stop cleanly, once, and say why."""
        self.stats.inc_value("archive/error", count)
        if not self.failing:
            self.failing = True
            self.stats.set_value("archive/failure", str(error))
            logger.error("Stopping the crawl: %s", error)
            self.stopping = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason="archive_error"))

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.pool is not None:
            self.stats.set_value("pool/workers_started", self.pool.started)
            self.pool.close()
            self.pool = None
        if self.archive is None:
            return
        self.commit()  # the last records, before the crawl's counts are taken
        stats = self.stats.get_stats()
        status = STATUS_BY_REASON.get(reason, reason)
        counts = crawl_counts(stats)
        try:
            self.save_models()
            self.archive.finish_crawl(self.crawl_id, status, counts, stats, self.now())
        except (ArchiveError, sqlite3.Error) as error:
            # a full disk may refuse even this last write: the next crawl marks this one killed
            logger.error("Cannot record the end of crawl %s in %s: %s", self.crawl_id,
                         self.path, error)
        finally:
            self.archive.close()
            self.archive = None
