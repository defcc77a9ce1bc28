"""Scrapy's robots.txt middleware, with every request that waits for a site's robots.txt
given the parsed rules.

Scrapy 2.19 awaits the one Deferred of a robots.txt being fetched from each waiting request;
under the asyncio reactor only the first waiter receives the parser and the others receive None,
which the middleware reads as "no robots.txt": they are fetched unchecked. A worker that joins
a run takes up to CONCURRENT_REQUESTS requests at once, all waiting for the same robots.txt, so
distributed crawls would hit this on every worker.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Each request waiting for a robots.txt gets its own Deferred, fed by the shared one."""

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
