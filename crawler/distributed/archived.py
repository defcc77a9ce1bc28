"""What a worker of an incremental run knows of the archive: the answers `crawler seed --db`
put in Redis, behind the frontier's questions to the archive (known, fetch_states, sites, due).

A worker may run on another machine than the archive, so it never opens it; the frontier asks
this object instead and applies the same rules as a single-machine crawl.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from crawler.distributed import Keys, url_digest

TAKE = 100  # due articles (or refused links) a worker takes from the run's list at a time
# A fetch state's fields, packed as a JSON array in this order (the URL only when the state is
# filed under an alias): a third of the size of the row as an object.
STATE_FIELDS = ("id", "url", "fetch_url", "etag", "last_modified", "last_fetched_at",
                "removed_at", "content_hash")


def pack_state(key: str, state: dict[str, Any]) -> str:
    """A fetch state as stored under a URL's digest."""
    values = [state.get(name) for name in STATE_FIELDS]
    if values[1] == key:
        values[1] = None
    while values and values[-1] is None:
        values.pop()
    return json.dumps(values, separators=(",", ":"))


def unpack_state(key: str, text: bytes | str) -> dict[str, Any]:
    """The fetch state stored under a URL's digest."""
    values = json.loads(text)
    state = dict(zip(STATE_FIELDS, values + [None] * (len(STATE_FIELDS) - len(values)),
                     strict=True))
    state["url"] = state["url"] or key
    return state


class RunArchive:
    """The archive's state as the run was seeded with it, read from Redis."""

    def __init__(self, server: Any, keys: Keys) -> None:
        self.server = server
        self.keys = keys

    def known(self, urls: Iterable[str], before: str = "9999") -> set[str]:
        """The ones among these canonical URLs the archive knew when the run was seeded."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return set()
        found = self.server.smismember(self.keys.known, [url_digest(u) for u in urls])
        return {url for url, hit in zip(urls, found, strict=True) if hit}

    def fetch_states(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """For the ones among these canonical URLs that are archived: their fetch state."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return {}
        found = self.server.hmget(self.keys.states, [url_digest(u) for u in urls])
        return {url: unpack_state(url, state) for url, state in zip(urls, found, strict=True)
                if state is not None}

    def state(self, url: str) -> dict[str, Any] | None:
        """One canonical URL's fetch state (with its newest content hash), None if unknown."""
        text = self.server.hget(self.keys.states, url_digest(url))
        return unpack_state(url, text) if text is not None else None

    def sites(self, finished: bool = False) -> set[str]:
        """The run's sites a finished crawl covered (the only question the frontier asks)."""
        return {site.decode() for site in self.server.smembers(self.keys.known_sites)}

    def due(self, sites: Iterable[str], now: str, every: bool = False, changed_since: str = "",
            ) -> Iterator[dict[str, Any]]:
        """The due articles of these sites no worker has taken yet (seed chose them under the
        schedule); each goes to one worker only."""
        return self._take(self.keys.due, sites)

    def due_refusals(self, sites: Iterable[str], now: str) -> Iterator[dict[str, Any]]:
        """The refused links of these sites whose retry was due when the run was seeded, that
        no worker has taken yet; each goes to one worker only."""
        return self._take(self.keys.refusals, sites)

    def _take(self, list_of: Callable[[str], str], sites: Iterable[str],
              ) -> Iterator[dict[str, Any]]:
        """The rows of each site's list (`list_of(site)`), taken off it TAKE at a time."""
        for site in sites:
            while rows := self.server.lpop(list_of(site), TAKE):
                for text in rows:
                    yield json.loads(text)

    def site_model(self, site: str) -> dict[str, Any] | None:
        """None: a worker learns each site's model from the run's own pages."""
        return None

    def close(self) -> None:
        """Nothing to close: the connection is the worker's."""
