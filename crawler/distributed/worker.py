"""One worker of a distributed run: the run's sites from Redis, heartbeats, the hand-back of a
dead worker's in-flight requests, and the decision to stop when the whole run is done."""

from __future__ import annotations

import itertools
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured, UsageError
from scrapy.http import Response
from twisted.internet import task

from crawler.distributed import Keys, stream_key
from crawler.distributed.addon import worker_problem
from crawler.distributed.archived import RunArchive
from crawler.distributed.codec import encode
from crawler.distributed.queue import TOKEN
from crawler.distributed.runs import RunConfig
from crawler.plan import CrawlPlan, plan_of
from crawler.sites import SiteConfig

logger = logging.getLogger(__name__)


def worker_run_of(crawler: Any) -> WorkerRun:
    """The distributed run a crawler's spider works for; NotConfigured when there is none."""
    if not crawler.settings.getbool("DISTRIBUTED"):
        raise NotConfigured("DISTRIBUTED is off")
    plan = plan_of(crawler)
    if plan is None or plan.run is None:
        raise NotConfigured("the spider is not a worker of a distributed run")
    return plan.run

# Give the in-flight requests of workers silent for too long back to the queue, atomically (two
# workers may find the same dead one), and tell the ingester that worker will never report.
RECOVER = """
local now = tonumber(redis.call('TIME')[1])
local beats = redis.call('HGETALL', KEYS[1])
local found = {}
for i = 1, #beats, 2 do
  local id = beats[i]
  local beat = tonumber(string.match(beats[i + 1], '^(%d+)'))
  if id ~= ARGV[4] and beat and now - beat > tonumber(ARGV[2]) then
    local n = 0
    while redis.call('RPOPLPUSH', ARGV[1] .. id, KEYS[2]) do n = n + 1 end
    redis.call('HDEL', KEYS[1], id)
    redis.call('XADD', KEYS[3], '*', 'kind', 'lost', 'run', ARGV[3], 'worker', id,
               'data', '{"requeued":' .. n .. '}')
    table.insert(found, id)
    table.insert(found, n)
  end
end
return found
"""
# A heartbeat in the server's clock, so that workers on machines whose clocks differ agree.
BEAT = "redis.call('HSET', KEYS[1], ARGV[1], redis.call('TIME')[1] .. ' ' .. ARGV[2])"


class WorkerRun:
    """This worker's part in a run: its id, the run's configuration and its in-flight requests."""

    def __init__(self, server: redis.Redis, keys: Keys, config: RunConfig) -> None:
        self.server = server
        self.keys = keys
        self.config = config
        self.stream = stream_key(keys.prefix)
        self.id = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
        self.inflight_key = keys.inflight(self.id)
        self.held: dict[str, bytes] = {}  # token -> the in-flight entry's bytes
        self.tokens = itertools.count(1)

    @classmethod
    def join(cls, settings: Any) -> WorkerRun:
        """Connect to the run named in the settings; UsageError when it cannot be joined."""
        url, run = settings.get("REDIS_URL"), settings.get("DISTRIBUTED_RUN")
        keys = Keys(settings.get("DISTRIBUTED_PREFIX"), run)
        server = redis.Redis.from_url(url)
        try:
            text = server.get(keys.config)
        except redis.RedisError as error:
            raise UsageError(f"cannot reach Redis at {url}: {error}") from None
        if text is None:
            raise UsageError(f"no distributed run {run!r} in Redis: seed it with `crawler seed`")
        return cls(server, keys, RunConfig.from_json(text))

    def archive(self) -> RunArchive:
        """The archive's state the run was seeded with (an incremental run's)."""
        return RunArchive(self.server, self.keys)

    def hold(self, data: bytes) -> str:
        """Remember an entry just moved to the in-flight list; returns its token."""
        token = str(next(self.tokens))
        self.held[token] = data
        return token

    def forget(self, token: str | None, pipe: Any = None) -> None:
        """Drop an in-flight entry: its request is handled, or back in the queue."""
        data = self.held.pop(token, None) if token else None
        if data is not None:
            (pipe or self.server).lrem(self.inflight_key, 1, data)

    def seeds(self, configs: list[SiteConfig]) -> Iterator[SiteConfig]:
        """The run's sites whose start requests are this worker's to make (each site's go to
        the first worker that takes it)."""
        while (index := self.server.lpop(self.keys.seeds)) is not None:
            yield configs[int(index)]

    def beat(self, busy: bool) -> None:
        """Record that this worker is alive (and whether it has work in hand)."""
        self.server.eval(BEAT, 1, self.keys.workers, self.id, int(busy))

    def recover(self, timeout: float) -> list[tuple[str, int]]:
        """Give dead workers' in-flight requests back to the queue: (worker, requests) each."""
        found = self.server.eval(RECOVER, 3, self.keys.workers, self.keys.requests, self.stream,
                                 self.keys.inflight(""), int(timeout), self.keys.run, self.id)
        return [(found[i].decode(), int(found[i + 1])) for i in range(0, len(found), 2)]

    def run_busy(self, timeout: float) -> bool:
        """Whether anything in the run is left to do: sites to start, queued requests, or a
        worker (alive, or dead with requests not yet given back) with work in hand."""
        pipe = self.server.pipeline(transaction=False)
        pipe.llen(self.keys.seeds).llen(self.keys.requests).hgetall(self.keys.workers)
        pipe.time()
        seeds, queued, beats, (now, _) = pipe.execute()
        if seeds or queued:
            return True
        others = [w.decode() for w in beats if w.decode() != self.id]
        pipe = self.server.pipeline(transaction=False)
        for worker in others:
            pipe.llen(self.keys.inflight(worker))
        for worker, inflight in zip(others, pipe.execute(), strict=True):
            beat, _, busy = beats[worker.encode()].decode().partition(" ")
            if inflight or (busy == "1" and now - int(beat) <= timeout):
                return True
        return False

    def event(self, kind: str, data: dict[str, Any]) -> None:
        """Tell the ingester about this worker: opened, closed."""
        self.server.xadd(self.stream, encode(kind, self.keys.run, data, self.id))

    def leave(self, finished: bool) -> None:
        """Take this worker out of the run: its in-flight requests go back to the queue unless
        the run is done."""
        pipe = self.server.pipeline()
        if not finished:
            for data in self.held.values():
                pipe.lpush(self.keys.requests, data)
        pipe.delete(self.inflight_key)
        pipe.hdel(self.keys.workers, self.id)
        pipe.execute()
        self.held.clear()


def join_run(settings: Any, spider_args: dict[str, Any]) -> WorkerRun:
    """Join the distributed run the settings name (or the current one); UsageError when the
    crawl cannot be a worker of it."""
    problem = worker_problem(settings, spider_args)
    if problem:
        raise UsageError(problem)
    return WorkerRun.join(settings)


class WorkerExtension:
    """Heartbeats, recovery of dead workers' requests, and staying open until the run is done."""

    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.interval = settings.getfloat("DISTRIBUTED_HEARTBEAT")
        self.timeout = settings.getfloat("DISTRIBUTED_WORKER_TIMEOUT")
        self.idle_close = settings.getfloat("DISTRIBUTED_IDLE_CLOSE")
        self.keep = settings.getint("DISTRIBUTED_KEEP")
        self.plan: CrawlPlan | None = None
        self.worker: WorkerRun | None = None
        self.loop: task.LoopingCall | None = None
        self.quiet_since: float | None = None  # when the whole run was first seen idle
        self.idle_tokens: set[str] | None = None  # tokens held at the last idle heartbeat

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerExtension:
        if not crawler.settings.getbool("DISTRIBUTED"):
            raise NotConfigured("DISTRIBUTED is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.plan = plan_of(self.crawler)
        self.worker = self.plan.run
        self.worker.event("opened", {"at": self.plan.now()})
        self.worker.beat(busy=True)
        logger.info("Worker %s joined run %s", self.worker.id, self.worker.keys.run)
        self.loop = task.LoopingCall(self.heartbeat)
        self.loop.start(self.interval, now=False)

    def busy(self) -> bool:
        """Whether this worker is fetching or parsing anything."""
        engine = self.crawler.engine
        return bool(engine.downloader.active) or not engine.scraper.slot.is_idle()

    def heartbeat(self) -> None:
        try:
            self._heartbeat()
        except redis.RedisError as error:
            logger.warning("Heartbeat of worker %s failed: %s", self.worker.id, error)

    def _heartbeat(self) -> None:
        busy = self.busy()
        self.worker.beat(busy)
        for dead, requeued in self.worker.recover(self.timeout):
            self.crawler.stats.inc_value("distributed/workers_recovered")
            logger.warning("Worker %s stopped answering: %s of its requests went back to the "
                           "queue", dead, requeued)
        if busy:
            self.idle_tokens = None
            return
        # Entries held over two idle heartbeats belong to requests that ended without a
        # callback (a failure the errback handled): nothing of theirs is in flight any more.
        held = set(self.worker.held)
        if self.idle_tokens is not None:
            for token in held & self.idle_tokens:
                self.worker.forget(token)
        self.idle_tokens = set(self.worker.held)
        # An idle Scrapy engine looks at its scheduler only every 5 s; other workers may have
        # queued requests since.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def spider_idle(self, spider: Any) -> None:
        try:
            busy = self.worker.run_busy(self.timeout)
        except redis.RedisError as error:  # Redis is away: wait for it rather than stop
            logger.warning("Cannot tell whether run %s is done: %s", self.worker.keys.run, error)
            busy = True
        if busy:
            self.quiet_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.quiet_since is None:
            self.quiet_since = now
        if self.idle_close <= 0 or now - self.quiet_since < self.idle_close:
            raise DontCloseSpider
        logger.info("Run %s is done: worker %s stops", self.worker.keys.run, self.worker.id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.worker is None:
            return
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        stats = self.crawler.stats.get_stats()
        finished = reason == "finished"
        try:
            self.worker.leave(finished)
            self.worker.event("closed", {"reason": reason, "at": self.plan.now(),
                                         "stats": json.loads(json.dumps(stats, default=str))})
            if finished and self.keep > 0:
                pipe = self.worker.server.pipeline()
                for key in self.worker.keys.all():
                    pipe.expire(key, self.keep)
                pipe.execute()
        except redis.RedisError as error:
            logger.error("Worker %s could not leave run %s cleanly: %s", self.worker.id,
                         self.worker.keys.run, error)


class InflightMiddleware:
    """Mark a request handled once the engine has taken all its callback's output and the item
    pipelines have finished with every item of it (sent it to the stream, or dropped it).

    Scrapy runs a callback's items through the pipelines in parallel with the rest of its
    output: the end of the output is not the end of the items. A request forgotten then, by a
    worker killed before its items reached the stream, would be lost.
    """

    def __init__(self, worker: WorkerRun) -> None:
        self.worker = worker
        self.pending: dict[str, int] = {}  # token -> items of its response still in pipelines
        self.finished: set[str] = set()  # tokens whose callback output has all been taken

    @classmethod
    def from_crawler(cls, crawler: Any) -> InflightMiddleware:
        middleware = cls(worker_run_of(crawler))
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(middleware.item_done, signal=signal)
        return middleware

    def item_out(self, token: str | None, output: Any) -> None:
        """Count an item of a response's output (requests are queued as they are taken)."""
        if token and not isinstance(output, Request) and output is not None:
            self.pending[token] = self.pending.get(token, 0) + 1

    def item_done(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        """An item left the pipelines: its request is done once nothing else of it is left."""
        token = getattr(response, "meta", {}).get(TOKEN) if response is not None else None
        if token is None or token not in self.pending:
            return
        self.pending[token] -= 1
        if self.pending[token] <= 0:
            del self.pending[token]
            if token in self.finished:
                self.finished.discard(token)
                self.worker.forget(token)

    def done(self, response: Response) -> None:
        token = response.meta.get(TOKEN)
        if token and self.pending.get(token):
            self.finished.add(token)  # its last item will forget it
            return
        self.worker.forget(token)

    def process_spider_output(self, response: Response, result: Iterable[Any]
                              ) -> Iterator[Any]:
        token = response.meta.get(TOKEN)
        for output in result:
            self.item_out(token, output)
            yield output
        self.done(response)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        token = response.meta.get(TOKEN)
        async for output in result:
            self.item_out(token, output)
            yield output
        self.done(response)
