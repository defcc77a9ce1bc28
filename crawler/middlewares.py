"""Downloader middleware of the crawl: keep every request on the crawl's sites and off private
addresses, drop what a site's spent time budget left queued, honour Retry-After, refuse
redirect loops aloud, check every request against robots.txt; and the crawl's DNS resolver."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver, dnscache
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from twisted.internet import defer, threads
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.discovery import bounded_robots_txt
from crawler.urls import ip_literal, is_public_address, is_web_url, site_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
Resolve = Callable[[str], list[str]]  # a host name to its IP addresses (OSError if none)


def system_addresses(host: str) -> list[str]:
    """The IP addresses the system's resolver gives a host name, IPv4 first."""
    answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    found = list(dict.fromkeys(str(info[4][0]) for info in answers))
    return sorted(found, key=lambda address: ":" in address)


class ScopeMiddleware:
    """Refuse, before any connection is made, a request off the crawl's sites or to a
    non-public address (loopback, private, link-local, metadata), however it was made: a link,
    a feed or sitemap entry, a 3xx or meta-refresh redirect, a robots.txt.

    A host name is resolved here, its answer checked, and the checked address pinned in
    Scrapy's DNS cache, so that the connection goes where the check looked (DNS rebinding).
    Non-public addresses of the start URLs themselves are allowed (a crawl of an intranet site
    or of the demo on 127.0.0.1), as are all with SCOPE_ALLOW_PRIVATE.
    """

    def __init__(self, crawler: Crawler, resolve: Resolve, allow_private: bool) -> None:
        self.crawler = crawler
        self.resolve = resolve
        self.allow_private = allow_private
        self.allowed: set[str] | None = None  # non-public addresses of the start URLs
        self.verdicts: dict[str, tuple[str | None, str | None]] = {}  # host: (problem, pin)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        settings = crawler.settings
        return cls(crawler, load_object(settings.get("SCOPE_RESOLVER")),
                   settings.getbool("SCOPE_ALLOW_PRIVATE"))

    async def process_request(self, request: Request) -> None:
        problem = self.site_problem(request.url) or await self.address_problem(request)
        if problem:
            kind = "offsite" if problem.startswith("off") else "private"
            self.crawler.stats.inc_value(f"scope/refused_{kind}")
            logger.debug("Refused %s: %s", request.url, problem)
            raise IgnoreRequest(f"refused: {problem}")

    def site_problem(self, url: str) -> str | None:
        """Why the URL is off the crawl's sites; None when it is on one."""
        if not is_web_url(url):
            return "not an http(s) URL"
        sites = getattr(self.crawler.spider, "sites", None)
        if sites and site_of(url) not in sites:  # no sites: `scrapy parse` of one URL
            return f"off-site ({site_of(url)} is not a site of this crawl)"
        return None

    async def address_problem(self, request: Request) -> str | None:
        """Why the request's host is an address the crawl must not reach; None when it is not."""
        if self.allow_private:
            return None
        host = (urlparse_cached(request).hostname or "").lower()
        if self.allowed is None:
            starts = list(getattr(self.crawler.spider, "start_urls", None) or [request.url])
            allowed: set[str] = set()
            for url in starts:
                start = (urlsplit(url).hostname or "").lower()
                allowed.update(a for a in await self.addresses(start) if not is_public_address(a))
            self.allowed = allowed
        if host not in self.verdicts:
            addresses = await self.addresses(host)
            barred = [a for a in addresses if not is_public_address(a) and a not in self.allowed]
            problem = f"{host} is at the non-public address {barred[0]}" if barred else None
            pin = next((a for a in addresses if ":" not in a), None)
            self.verdicts[host] = (problem, None if ip_literal(host) else pin)
        problem, pin = self.verdicts[host]
        if pin and not problem:
            dnscache[host] = pin  # the connection goes to the address checked
        return problem

    async def addresses(self, host: str) -> list[str]:
        """The host's IP addresses (itself when it is one); none when it does not resolve."""
        literal = ip_literal(host)
        if literal or not host:
            return [literal] if literal else []
        try:
            return await asyncio.to_thread(self.resolve, host)
        except (OSError, UnicodeError):
            return []  # the download's own lookup fails and says so


class ScopeResolver(CachingThreadedResolver):
    """Scrapy's caching DNS resolver, asking the crawl's SCOPE_RESOLVER function, so that a
    crawl connects where ScopeMiddleware checked (and a test's names never reach real DNS)."""

    resolve: Resolve = staticmethod(system_addresses)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> ScopeResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.resolve = load_object(crawler.settings.get("SCOPE_RESOLVER"))
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        if name in dnscache:
            return defer.succeed(dnscache[name])

        def first_ipv4() -> str:
            try:
                found = [a for a in self.resolve(name) if ":" not in a]
            except (OSError, UnicodeError) as error:
                raise DNSLookupError(f"{name}: {error}") from None
            if not found:
                raise DNSLookupError(f"{name}: no IPv4 address")
            return found[0]

        deferred = threads.deferToThreadPool(self.reactor, self.reactor.getThreadPool(),
                                             first_ipv4)
        if dnscache.limit:
            deferred.addCallback(self._cache_result, name)
        return deferred


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class OverBudget(IgnoreRequest):
    """A request that left the queue after its site's share of the run's time budget ran out."""


class BudgetMiddleware:
    """Drop a request, as it leaves the queue, when its site may no longer fetch: its share of
    the run's time budget (`-a site_budget`, a site's `budget`) is spent. The spider stops
    scheduling such a site's requests; this drops those it had queued before, counted as left
    for the next run (re-checks stay due, stories not reached are still new next time)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        budget = getattr(self.crawler.spider, "budget", None)  # the news spider's
        if budget is None:
            return
        site = site_of(request.url)
        if not budget.allows(site):
            budget.left["requests"] += 1
            raise OverBudget(f"{site} has spent its share of the time budget")


class RetryAfterMiddleware:
    """Hold a 429 or 503 answer for its Retry-After (capped) before Scrapy's retry resends it."""

    def __init__(self, max_wait: float, max_retries: int, codes: set[int], stats: Any) -> None:
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.codes = codes
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED") or settings.getfloat("RETRY_AFTER_MAX") <= 0:
            raise NotConfigured("retries are off, or RETRY_AFTER_MAX is 0")
        return cls(settings.getfloat("RETRY_AFTER_MAX"), settings.getint("RETRY_TIMES"),
                   {429, 503}, crawler.stats)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.codes:
            return response
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times",
                                                                   self.max_retries):
            return response  # no retry will follow: nothing to wait for
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        if seconds:
            wait = min(seconds, self.max_wait)
            self.stats.inc_value("retry_after/waits")
            logger.info("Waiting %.0f s before retrying %s (Retry-After: %.0f s)", wait,
                        request.url, seconds)
            await asyncio.sleep(wait)
        return response


class RedirectLoopMiddleware:
    """Refuse, with a log line, a redirect back to a URL its own chain already visited.

    Scrapy's duplicate filter would drop such a request without a word.
    """

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectLoopMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        visited = {*request.meta.get("redirect_urls", ()), request.url}
        if target in visited:
            self.stats.inc_value("news/redirect_loops")
            logger.warning("Redirect loop at %s: it leads back to %s", request.url, target)
            raise IgnoreRequest(f"redirect loop back to {target}")
        return response


# Scrapy 2.19 awaits the one Deferred of a robots.txt being fetched from every request waiting
# for it; under the asyncio reactor only the first waiter receives the parser and the others
# None, which Scrapy's middleware reads as "no robots.txt": they were fetched unchecked. A crawl
# with several start URLs on one site, or a distributed worker taking many requests at once,
# hits this on its first requests.

class RobotsErrorInOneLine(logging.Filter):
    """Scrapy logs a robots.txt it could not fetch as an ERROR with a traceback, though the crawl
    goes on as if the site had none: this makes that record the one WARNING line it deserves."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith("Error downloading"):
            error = record.exc_info[1]
            args = record.args if isinstance(record.args, dict) else {}
            page = urlsplit(getattr(args.get("request"), "url", ""))
            record.msg = "Could not fetch %s (%s): crawling the site as if it had none"
            record.args = (f"{page.scheme}://{page.netloc}/robots.txt", error)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


ROBOTS_LOGGER = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
ROBOTS_BOUND = "robots_max_bytes"  # request meta: bytes of a robots.txt read at most
ROBOTS_RECEIVED = "robots_received"  # request meta: bytes of it received so far


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Each request waiting for a robots.txt gets its own Deferred, fed by the shared one."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if not any(isinstance(f, RobotsErrorInOneLine) for f in ROBOTS_LOGGER.filters):
            ROBOTS_LOGGER.addFilter(RobotsErrorInOneLine())
        self.max_bytes = crawler.settings.getint("ROBOTSTXT_MAX_BYTES")
        self.max_rules = crawler.settings.getint("ROBOTSTXT_MAX_RULES")
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        # A robots.txt larger than DOWNLOAD_MAXSIZE would be dropped and the site crawled as if
        # it had none: read its first ROBOTSTXT_MAX_BYTES instead, whatever its size.
        if urlparse_cached(request).path == "/robots.txt":
            request.meta["download_maxsize"] = 0
            request.meta[ROBOTS_BOUND] = self.max_bytes
        await super().process_request(request)

    def bytes_received(self, data: bytes, request: Request, spider: Any) -> None:
        """Stop a robots.txt download past its bound, keeping what arrived."""
        bound = request.meta.get(ROBOTS_BOUND)
        if bound:
            received = request.meta.get(ROBOTS_RECEIVED, 0) + len(data)
            request.meta[ROBOTS_RECEIVED] = received
            if received > bound:
                raise StopDownload(fail=False)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        body = bounded_robots_txt(response.body, self.max_bytes, self.max_rules)
        if len(body) < len(response.body):
            self.crawler.stats.inc_value("bounds/robots_txt_cut")
            logger.info("Read the first %s bytes of %s (%s rules at most)", len(body),
                        response.url, self.max_rules)
            response = response.replace(body=body)
        await super()._parse_robots(response, netloc, request)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[RobotParser | None] = Deferred()

            def relay(parser: RobotParser | None) -> RobotParser | None:
                waiter.callback(parser)
                return parser  # for the next waiter: the result must stay on the chain

            pending.addCallback(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)
