"""Distributed crawling: many `scrapy crawl news` workers share a Redis frontier (scrapy-redis),
send their items to a Redis stream, and one `crawler ingest` applies them to the archive.

This package's top level imports neither Scrapy nor redis: `crawler seed` and `crawler ingest`
need only redis, and single-machine crawls need neither.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

DEFAULT_PREFIX = "crawler"  # the first part of every Redis key of distributed crawls


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one distributed run (and the stream all runs share)."""

    prefix: str
    run: str

    def _key(self, name: str) -> str:
        return f"{self.prefix}:run:{self.run}:{name}"

    @property
    def config(self) -> str:
        """String: the run's configuration (JSON), written by `crawler seed`."""
        return self._key("config")

    @property
    def seeds(self) -> str:
        """List: indexes of the run's sites whose start requests no worker has made yet."""
        return self._key("seeds")

    @property
    def requests(self) -> str:
        """List: the shared request queue (scrapy-redis's queue key)."""
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        """Set: fingerprints of every request scheduled in the run (scrapy-redis's filter)."""
        return self._key("dupefilter")

    @property
    def items(self) -> str:
        """Set: digests of the article URLs sent to the stream in this run (one story, one item)."""
        return self._key("items")

    @property
    def workers(self) -> str:
        """Hash: worker id -> "<redis time> <busy 0/1>", its last heartbeat."""
        return self._key("workers")

    def inflight(self, worker: str) -> str:
        """List: the requests a worker took from the queue and has not finished."""
        return self._key(f"inflight:{worker}")

    @property
    def known(self) -> str:
        """Set: 8-byte digests of the URLs the archive knows (articles, aliases, skipped links),
        written by `crawler seed --db`: listings do not fetch them again."""
        return self._key("known")

    @property
    def states(self) -> str:
        """Hash: digest of an archived article's URL -> its fetch state (JSON), for feed and
        sitemap entries that say the article changed."""
        return self._key("states")

    def due(self, site: str) -> str:
        """List: a site's archived articles due for a re-check (JSON rows), most overdue
        first, taken by the workers."""
        return self._key(f"due:{site}")

    def refusals(self, site: str) -> str:
        """List: a site's links refused before whose retry is due (JSON rows), taken by the
        workers."""
        return self._key(f"refusals:{site}")

    @property
    def known_sites(self) -> str:
        """Set: the run's sites a finished crawl of the archive covered (crawled as re-crawls)."""
        return self._key("known_sites")

    def site(self, host: str) -> str:
        """Hash: a site's shared download slot (next start, AutoThrottle's delay); with
        `<key>:leases`, a sorted set of the requests in flight to it."""
        return self._key(f"site:{host}")

    def robots(self, netloc: str) -> str:
        """Hash: a site's robots.txt as the run fetched it (status, body), with an expiry."""
        return self._key(f"robots:{netloc}")

    def all(self, workers: list[str] | tuple[str, ...] = ()) -> list[str]:
        """Every key of the run (with these workers' in-flight lists)."""
        return [self.config, self.seeds, self.requests, self.dupefilter, self.items,
                self.workers, self.known, self.states, self.known_sites,
                *(self.inflight(w) for w in workers)]


def url_digest(url: str) -> bytes:
    """A canonical URL's key in the run's sets of URLs (known, sent): 8 bytes."""
    return hashlib.blake2b(url.encode(), digest_size=8).digest()


def stream_key(prefix: str) -> str:
    """The stream every worker adds its items to and `crawler ingest` reads."""
    return f"{prefix}:items"


def current_key(prefix: str) -> str:
    """String: the name of the run that workers without DISTRIBUTED_RUN join."""
    return f"{prefix}:current"


def worker_summary(stats: dict[str, Any]) -> str:
    """The one-line summary of a worker's crawl: what it fetched and sent to the stream (the
    archive's counts are the ingester's)."""
    from crawler.stats import error_count

    return (
        f"{stats.get('news/sites', 0)} sites ({stats.get('news/sites_ok', 0)} answered), "
        f"{stats.get('response_received_count', 0)} pages, "
        f"{stats.get('stream/article', 0)} articles and {stats.get('stream/skipped', 0)} "
        f"skipped links sent to the stream, {stats.get('dedupe/dropped_run', 0)} already sent, "
        f"{error_count(stats)} errors"
    )
