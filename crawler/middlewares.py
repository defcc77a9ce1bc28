"""Downloader middleware of the crawl: honour Retry-After, refuse redirect loops aloud, check
every request against robots.txt."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


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


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Each request waiting for a robots.txt gets its own Deferred, fed by the shared one."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        if not any(isinstance(f, RobotsErrorInOneLine) for f in ROBOTS_LOGGER.filters):
            ROBOTS_LOGGER.addFilter(RobotsErrorInOneLine())

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
