"""Send items to the Redis stream of distributed crawls, where `crawler ingest` archives them."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import redis
from scrapy.exceptions import DropItem, NotConfigured

from crawler.archive.records import ready_record, record_fields
from crawler.distributed.codec import encode, encode_item
from crawler.items import Article, Recheck, Skipped
from crawler.plan import plan_of

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
KIND = {Article: "article", Recheck: "recheck", Skipped: "skipped"}


def url_digest(url: str) -> bytes:
    """A URL's key in the run's set of sent articles."""
    return hashlib.blake2b(url.encode(), digest_size=8).digest()


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
        if not crawler.settings.getbool("DISTRIBUTED"):
            raise NotConfigured("DISTRIBUTED is off")
        plan = plan_of(crawler)
        if plan is None or plan.run is None:
            raise NotConfigured("the spider is not a worker of a distributed run")
        return cls(plan.run, crawler)

    def open_spider(self) -> None:
        self.send_once = self.worker.server.register_script(SEND_ONCE)

    def entry(self, item: Article | Recheck | Skipped) -> dict[str, bytes]:
        """The item's stream entry; an article's carries its ready record, so the ingester
        only checks and writes it."""
        worker = self.worker
        if not isinstance(item, Article):
            return encode_item(KIND[type(item)], worker.keys.run, item.to_dict(), worker.id)
        record = ready_record(item.to_dict())
        return encode("article", worker.keys.run,
                      {**record.item, "record": record_fields(record)}, worker.id)

    def process_item(self, item: Article | Recheck | Skipped) -> Article | Recheck | Skipped:
        worker = self.worker
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
