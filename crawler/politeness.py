"""Politeness shared by every worker of a distributed run: one rate per site, one robots.txt.

Scrapy's DOWNLOAD_DELAY, per-domain concurrency and AutoThrottle live in one process: three
workers on one site would load it three times as hard. Here each request to a site first takes
a lease from the site's slot in Redis, which spaces requests by the site's delay and caps those
in flight over the whole run; AutoThrottle's estimate of the delay is kept in the same slot, so
every worker slows down for a slow site together. The add-on turns the per-process delay and
AutoThrottle off for workers (see `crawler.distributed.addon`).

A site's robots.txt is fetched by the first worker that needs it and kept in Redis for the run
(with an expiry): every other worker parses the same copy, and the spider's own request for it
(for its sitemaps) is answered from that copy instead of a second download.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.distributed.worker import worker_run_of
from crawler.middlewares import SharedRobotsTxtMiddleware

logger = logging.getLogger(__name__)

LEASE = "politeness_lease"  # request meta: the slot lease a request holds while downloading
WAIT_FULL = 0.05  # seconds before asking a full slot again
ROBOTS_POLL = 0.1  # seconds between looks for a robots.txt another worker is fetching

# Take a lease from a site's slot, or say how long to wait. KEYS: the slot (hash: next = the
# earliest start of the next request, delay = AutoThrottle's estimate), its leases (sorted set,
# scored by expiry). ARGV: lease id, base delay, concurrency, lease seconds, random factor of
# the gap, key expiry. Times are the Redis server's, so workers on machines whose clocks differ
# agree; numbers go back as strings (Lua's would be cut to integers).
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local next = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if next > now then return tostring(next - now) end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
local delay = math.max(tonumber(ARGV[2]), tonumber(redis.call('HGET', KEYS[1], 'delay') or '0'))
redis.call('HSET', KEYS[1], 'next', tostring(now + delay * tonumber(ARGV[5])))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return '0'
"""
# Give a lease back; with a latency (AutoThrottle on), move the site's delay halfway towards
# latency / target concurrency, within [base delay, max delay], as Scrapy's AutoThrottle does.
# ARGV: lease id, latency ('' for none), target concurrency, base delay, max delay.
GIVE = """
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then
  local old = tonumber(redis.call('HGET', KEYS[1], 'delay') or ARGV[4])
  local new = (old + tonumber(ARGV[2]) / tonumber(ARGV[3])) / 2
  new = math.min(tonumber(ARGV[5]), math.max(tonumber(ARGV[4]), new))
  redis.call('HSET', KEYS[1], 'delay', tostring(new))
end
return 1
"""


def site_key(request: Request) -> str:
    """The slot a request's site has: its host name, as Scrapy's own download slots."""
    return urlparse_cached(request).hostname or ""


class SharedSlotMiddleware:
    """Space the requests of all workers to one site by its delay; cap those in flight."""

    def __init__(self, worker: Any, crawler: Any) -> None:
        settings = crawler.settings
        self.worker = worker
        self.stats = crawler.stats
        self.delay = settings.getfloat("DISTRIBUTED_SITE_DELAY")
        self.concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.randomize = settings.getbool("RANDOMIZE_DOWNLOAD_DELAY")
        self.lease_seconds = settings.getfloat("DOWNLOAD_TIMEOUT") + 30
        self.keep = max(settings.getint("DISTRIBUTED_KEEP"), 60)
        self.throttle = settings.getbool("AUTOTHROTTLE_ENABLED")
        self.target = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY")
        self.max_delay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY")
        self.take = worker.server.register_script(TAKE)
        self.give = worker.server.register_script(GIVE)
        self.leases = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedSlotMiddleware:
        return cls(worker_run_of(crawler), crawler)

    def keys(self, request: Request) -> list[str]:
        slot = self.worker.keys.site(site_key(request))
        return [slot, f"{slot}:leases"]

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get(LEASE):
            return  # already holds one (a request handed back by a later middleware)
        self.leases += 1
        lease = f"{self.worker.id}:{self.leases}"
        factor = random.uniform(0.5, 1.5) if self.randomize else 1.0
        waited = 0.0
        while True:
            answer = self.take(keys=self.keys(request), args=[
                lease, self.delay, self.concurrency, self.lease_seconds, factor, self.keep])
            answer = answer.decode() if isinstance(answer, bytes) else str(answer)
            if answer == "0":
                break
            wait = WAIT_FULL if answer == "full" else float(answer)
            waited += wait
            await asyncio.sleep(wait)
        if waited:
            self.stats.inc_value("politeness/waited_ms", int(waited * 1000))
        request.meta[LEASE] = lease

    def release(self, request: Request, latency: float | None) -> None:
        lease = request.meta.pop(LEASE, None)
        if lease is None:
            return
        throttled = self.throttle and latency is not None
        self.give(keys=self.keys(request), args=[
            lease, latency if throttled else "", self.target, self.delay, self.max_delay])

    def process_response(self, request: Request, response: Response, spider: Any = None,
                         ) -> Response:
        # AutoThrottle learns only from answers that say how fast the site is.
        latency = request.meta.get("download_latency")
        self.release(request, latency if response.status < 400 else None)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None,
                          ) -> None:
        self.release(request, None)


class RunRobotsTxtMiddleware(SharedRobotsTxtMiddleware):
    """robots.txt fetched once per site per run, by one worker, and obeyed by all of them."""

    def __init__(self, crawler: Any, worker: Any) -> None:
        super().__init__(crawler)
        self.worker = worker
        self.ttl = crawler.settings.getint("DISTRIBUTED_ROBOTS_TTL")
        self.pages: dict[str, tuple[int, bytes] | None] = {}  # netloc -> (status, body)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRobotsTxtMiddleware:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off")
        return cls(crawler, worker_run_of(crawler))

    async def process_request(self, request: Request, spider: Any = None) -> Response | None:
        netloc = urlparse_cached(request).netloc
        if urlparse_cached(request).path == "/robots.txt" and not request.meta.get(
                "dont_obey_robotstxt"):
            # The spider's own request, for the sitemaps: the copy the rules came from.
            await self.robot_parser(request)
            page = self.pages.get(netloc)
            if page is not None:
                self.crawler.stats.inc_value("robotstxt/shared")
                return TextResponse(request.url, status=page[0], body=page[1],
                                    encoding="utf-8", request=request)
        return await super().process_request(request)

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            page = await self.shared_page(request)
            self.pages[netloc] = page
            if page is None:
                self._robots_error(IgnoreRequest("no robots.txt"), netloc)
            else:
                response = TextResponse(f"{request.url.split('//')[0]}//{netloc}/robots.txt",
                                        status=page[0], body=page[1], encoding="utf-8")
                await self._parse_robots(response, netloc, request)
        return await super().robot_parser(request)

    async def shared_page(self, request: Request) -> tuple[int, bytes] | None:
        """The site's robots.txt as the run has it: fetched here if no worker has yet; None
        when it could not be fetched (the site is crawled as if it had none)."""
        parts = urlparse_cached(request)
        key = self.worker.keys.robots(parts.netloc)
        server = self.worker.server
        while True:
            status, body = server.hmget(key, "status", "body")
            if status is not None:
                return (int(status), body or b"") if int(status) else None
            if server.set(f"{key}:fetching", self.worker.id, nx=True,
                          ex=int(self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT")) + 30):
                break
            await asyncio.sleep(ROBOTS_POLL)
        page = await self.fetch(f"{parts.scheme}://{parts.netloc}/robots.txt", request)
        pipe = server.pipeline()
        pipe.hset(key, mapping={"status": page[0] if page else 0,
                                "body": page[1] if page else b""})
        pipe.expire(key, self.ttl)
        pipe.delete(f"{key}:fetching")
        pipe.execute()
        return page

    async def fetch(self, url: str, request: Request) -> tuple[int, bytes] | None:
        robots = Request(url, priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                         meta={"dont_obey_robotstxt": True})
        self.crawler.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except IgnoreRequest:
            return None
        except Exception as error:  # any failure: crawl as if it had none
            logger.warning("Could not fetch %s (%s): crawling the site as if it had none", url,
                           error)
            return None
        return response.status, response.body
