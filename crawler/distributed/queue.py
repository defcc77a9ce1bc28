"""The shared request queue: scrapy-redis's queue interface, made reliable for killed workers.

A plain scrapy-redis queue pops a request and forgets it: a worker killed while fetching loses
it. Here a pop moves the request, in one Redis command, from the shared queue to the worker's
in-flight list, where it stays until the worker has handled the response (or put the request
back, as a retry or a redirect does). Another worker gives a dead worker's in-flight requests
back to the queue (see `crawler.distributed.worker`).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.exceptions import UsageError
from scrapy.utils.misc import load_object
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.distributed import serializer as json_requests

logger = logging.getLogger(__name__)
TOKEN = "distributed_token"  # request meta key: which in-flight entry a request is
# Mark a request scheduled and queue it in one step: a worker killed between the two would
# leave it marked and never queued, so no worker would ever fetch it. KEYS: queue, filter,
# in-flight list; ARGV: request, fingerprint ("" for a request that is not filtered), the
# in-flight entry it replaces ("" for none).
PUSH = """
if ARGV[3] ~= '' then redis.call('LREM', KEYS[3], 1, ARGV[3]) end
if ARGV[2] ~= '' and redis.call('SADD', KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[1])
return 1
"""


class ReliableQueue(Base):
    """A last-in first-out queue (Scrapy's default order) with per-worker in-flight lists."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        # Pickle (scrapy-redis's default) would run code from anyone who can write to Redis.
        if serializer is not None and serializer is not json_requests:
            raise UsageError(f"SCHEDULER_SERIALIZER must be {json_requests.__name__}, "
                             f"not {getattr(serializer, '__name__', serializer)}")
        super().__init__(server, spider, key, json_requests)
        self.worker = spider.plan.run  # the run the spider's plan is a worker of

    def __len__(self) -> int:
        return self.server.llen(self.key)

    def push(self, request: Request, filter_key: str = "", fingerprint: str = "") -> bool:
        """Queue a request (unless its fingerprint is already in the filter); False when it
        was seen before."""
        token = request.meta.pop(TOKEN, None)
        data = self._encode_request(request)
        held = self.worker.held.get(token, b"") if token else b""
        pushed = self.server.eval(PUSH, 3, self.key, filter_key or self.key,
                                  self.worker.inflight_key, data, fingerprint, held)
        if token:  # a retry or redirect of an in-flight request: that entry is done
            self.worker.held.pop(token, None)
        return bool(pushed)

    def pop(self, timeout: int = 0) -> Request | None:
        while True:
            data = self.server.lmove(self.key, self.worker.inflight_key, "LEFT", "LEFT")
            if data is None:
                return None
            token = self.worker.hold(data)
            try:
                request = self._decode_request(data)
            except (ValueError, TypeError, AttributeError) as error:
                # Not a request of ours (another writer's, or forged): drop it, run nothing.
                self.worker.forget(token)
                self.spider.crawler.stats.inc_value("distributed/bad_requests")
                logger.warning("Dropped a queued entry that is not a request: %s", error)
                continue
            request.meta[TOKEN] = token
            return request


class Scheduler(RedisScheduler):
    """scrapy-redis's scheduler, without the Scrapy APIs it uses that Scrapy deprecated (the
    spider argument of stats, Spider.log)."""

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider,
                                                 key=self.queue_key, serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if len(self.queue):
            logger.info("Joining a run with %s requests queued", len(self.queue))

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push(request, self.df.key, fingerprint):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
