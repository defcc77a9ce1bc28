"""Send items to the Redis stream of distributed crawls, where `crawler ingest` archives them."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import redis
from scrapy.exceptions import DropItem

from crawler.archive.diff import content_hash
from crawler.archive.records import ready_record, record_fields
from crawler.distributed import url_digest
from crawler.distributed.codec import encode, encode_item
from crawler.distributed.worker import worker_run_of
from crawler.items import Article, Recheck, Refused, Skipped

logger = logging.getLogger(__name__)

# One story, one item per run over all workers: add the article to the stream only if none of
# its URLs was sent before, and mark them sent in the same step, so that a worker killed
# between the two can neither lose the item nor let another worker send it again.
SEND_ONCE = """
for i = 1, tonumber(ARGV[1]) do
  if redis.call('SISMEMBER', KEYS[1], ARGV[1 + i]) == 1 then return false end
end
for i = 1, tonumber(ARGV[1]) do redis.call('SADD', KEYS[1], ARGV[1 + i]) end
local fields = {}
for i = 2 + tonumber(ARGV[1]), #ARGV do table.insert(fields, ARGV[i]) end
return redis.call('XADD', KEYS[2], '*', unpack(fields))
"""
KIND = {Article: "article", Recheck: "recheck", Skipped: "skipped", Refused: "refused"}


def unchanged_check(item: Article, state: dict[str, Any] | None) -> Recheck | None:
    """A fetch of an archived article whose content is its newest version's, as a light
    re-check (no page, no text) for the ingester to record; None for news to archive."""
    if state is None or state.get("removed_at") or not state.get("content_hash"):
        return None
    if content_hash(item.to_dict()) != state["content_hash"]:
        return None
    return Recheck(state["id"], item.fetched_url or item.url, item.status or 200, item.site,
                   item.fetched_at, item.fetched_url or item.url)


class StreamPipeline:
    """Add each item to the run's stream; the ingester is the one writer of the archive."""

    def __init__(self, worker: Any, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = worker  # the WorkerRun of the crawl's plan
        self.send_once: Any = None
        self.failing = False
        self.stopping: asyncio.Future | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StreamPipeline:
        return cls(worker_run_of(crawler), crawler)

    def open_spider(self) -> None:
        self.send_once = self.worker.server.register_script(SEND_ONCE)
        # An incremental run knows the archive's newest content of each article.
        self.archive = self.worker.archive() if self.worker.config.incremental else None

    def entry(self, item: Article | Recheck | Skipped | Refused) -> dict[str, bytes]:
        """The item's stream entry; an article's carries its ready record, so the ingester
        only checks and writes it."""
        worker = self.worker
        if not isinstance(item, Article):
            return encode_item(KIND[type(item)], worker.keys.run, item.to_dict(), worker.id)
        record = ready_record(item.to_dict())
        return encode("article", worker.keys.run,
                      {**record.item, "record": record_fields(record)}, worker.id)

    def process_item(self, item: Any) -> Any:
        if type(item) not in KIND:  # views and site evidence are the local archive's only
            self.stats.inc_value("stream/not_streamed")
            raise DropItem(f"not streamed: {type(item).__name__}", "DEBUG")
        worker = self.worker
        if isinstance(item, Article) and self.archive is not None:
            check = unchanged_check(item, self.archive.state(item.url))
            if check is not None:
                self.stats.inc_value("stream/unchanged")
                item = check
        fields = self.entry(item)
        try:
            if isinstance(item, Article):
                urls = [url_digest(u) for u in dict.fromkeys((item.url, *item.aliases))]
                flat = [value for pair in fields.items() for value in pair]
                sent = self.send_once(keys=[worker.keys.items, worker.stream],
                                      args=[len(urls), *urls, *flat])
                if not sent:
                    self.stats.inc_value("dedupe/dropped_run")
                    raise DropItem(f"{item.url} already sent in this run", "DEBUG")
            else:
                worker.server.xadd(worker.stream, fields)
        except redis.RedisError as error:
            self.stats.inc_value("stream/error")
            if not self.failing:
                self.failing = True
                self.stats.set_value("stream/failure", str(error))
                logger.error("Stopping the worker: cannot send items to Redis: %s", error)
                self.stopping = asyncio.ensure_future(
                    self.crawler.engine.close_spider_async(reason="stream_error"))
            raise DropItem(f"not sent: {error}", "DEBUG") from None
        self.stats.inc_value(f"stream/{KIND[type(item)]}")
        if not isinstance(item, Article):  # a record for the archive, not an item for feeds
            raise DropItem(f"sent: {item.url}", "DEBUG")
        return item
