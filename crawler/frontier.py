"""The crawl's plan: which links and feed or sitemap entries to fetch, within the crawl's bounds.

The spider turns these decisions into requests; everything here is plain Python over the
archive (read-only) and the sites' configurations, so it is tested without a crawl.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from crawler import settings as defaults
from crawler.archive import Archive
from crawler.clock import format_time, parse_time
from crawler.discovery import Entry
from crawler.seen import SeenSet
from crawler.sites import SiteConfig
from crawler.urls import canonical_url, site_of
from crawler.vocab.pagination import page_number

# Listings that repeat what sections show: a crawl of a site already archived skips them.
SECONDARY_LISTING = re.compile(
    r"/(?:tags?|topics?|authors?|writers?|profiles?|contributors?|people|byline)/", re.I)


@dataclass(frozen=True)
class Bounds:
    """How far a crawl may go, from the NEWS_* settings."""

    # the defaults are the settings' (crawler/settings.py says what each bounds)
    max_pages: int = defaults.NEWS_MAX_PAGES
    max_hops: int = defaults.NEWS_MAX_HOPS
    recrawl_hops: int = defaults.NEWS_RECRAWL_MAX_HOPS
    max_dry: int = defaults.NEWS_MAX_DRY_PAGES
    max_listings: int = defaults.NEWS_MAX_LISTINGS
    sitemap_depth: int = defaults.NEWS_SITEMAP_MAX_DEPTH
    sitemap_entries: int = defaults.NEWS_SITEMAP_MAX_ENTRIES
    sitemap_site_entries: int = defaults.NEWS_SITEMAP_MAX_PER_SITE
    robots_bytes: int = defaults.ROBOTSTXT_MAX_BYTES
    robots_rules: int = defaults.ROBOTSTXT_MAX_RULES


class Budget:
    """A run's time budget: until when each site may schedule requests, and what was left."""

    def __init__(self, limits: Mapping[str, float | None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = dict(limits)  # seconds into the run, by site (None: no limit)
        self.clock = clock
        self.started = clock()
        self.stopped = False  # the run's whole budget is spent
        self.left: Counter[str] = Counter()  # what was not requested, by kind

    def allows(self, site: str) -> bool:
        """Whether a request of this site may still be scheduled."""
        limit = self.limits.get(site)
        return not self.stopped and (limit is None or self.clock() - self.started < limit)

    def take(self, site: str, items: list[Any], kind: str) -> list[Any]:
        """The items, when the site may still schedule them; else none, counted as left."""
        if items and not self.allows(site):
            self.left[kind] += len(items)
            return []
        return items


class Frontier:
    """What one crawl has requested, and what it should request next."""

    def __init__(self, configs: list[SiteConfig], bounds: Bounds, archive: Archive | None,
                 now: str, backfill: bool = False) -> None:
        self.by_site = {config.site: config for config in configs}
        self.sites = frozenset(self.by_site)
        self.bounds = bounds
        self.archive = archive
        self.now = now
        self.backfill = backfill
        # Sites a crawl has finished: until one has, every crawl of a site pages on as a
        # backfill would, so stories an interrupted crawl never reached are still found.
        self.known_sites = archive.sites(finished=True) if archive else set()
        self.seen = SeenSet()  # canonical URLs of articles requested in this crawl
        self.shown = SeenSet()  # (listing chain, canonical URL) of the links each chain showed
        self.listings = 0

    def close(self) -> None:
        """Drop what the crawl remembered (temporary databases)."""
        self.seen.close()
        self.shown.close()

    def config(self, url: str) -> SiteConfig | None:
        """The configuration of the site a URL belongs to, None when it is not ours."""
        return self.by_site.get(site_of(url))

    def hops_limit(self, site: str) -> int:
        """How far from a start URL listings are followed on this site in this crawl."""
        config = self.by_site[site]
        if config.max_hops is not None:
            return config.max_hops
        if self.backfill or site not in self.known_sites:
            return self.bounds.max_hops
        return min(self.bounds.max_hops, self.bounds.recrawl_hops)

    def page_limit(self, site: str) -> int:
        """How many pages of one listing may be fetched on this site."""
        return self.by_site[site].max_pages or self.bounds.max_pages

    def take_refused(self, url: str) -> bool:
        """Whether to try again a refused link whose retry is due (once per crawl)."""
        return self.seen.add(canonical_url(url))

    def take_listing(self, url: str) -> bool:
        """Whether to fetch a listing page: within the crawl's listing budget, and on a site
        already crawled (unless backfilling) not a tag or author page, which only repeat what
        the home and section pages show."""
        site = site_of(url)
        if (not self.backfill and site in self.known_sites and self.by_site[site].max_hops is None
                and SECONDARY_LISTING.search(url)):
            return False
        if self.listings >= self.bounds.max_listings:
            return False
        self.listings += 1
        return True

    def fresh_articles(self, urls: Iterable[str], chain: str | None = None,
                       follow: bool = True) -> tuple[list[str], int]:
        """Article links to fetch, and how many of them are news to a listing chain.

        A link is fetched when this crawl has not requested it and it was not archived before
        this crawl began (archived ones are re-checked on their own schedule). For paging, a
        link is new when the chain (one listing and its next pages) has not shown it before
        and, unless backfilling, it was not archived before the crawl: a page that repeats
        what the chain already showed is as dry as one that shows only old stories, while
        stories reached first through another listing still keep this one paging. With
        follow False (the page is too far from a start URL) nothing is fetched or marked.
        """
        candidates: dict[str, str] = {}
        for url in urls:
            candidates.setdefault(canonical_url(url), url)
        known = self.archive.known(candidates, before=self.now) if self.archive else set()
        fetch: list[str] = []
        if follow:
            requested = self.seen.seen(candidates)
            fresh_keys = [key for key in candidates if key not in requested and key not in known]
            self.seen.update(fresh_keys)
            fetch = [candidates[key] for key in fresh_keys]
        if chain is None:
            return fetch, len(fetch)
        by_link = {f"{chain}\n{key}": key for key in candidates}
        shown = self.shown.seen(by_link)
        fresh = sum(1 for link, key in by_link.items()
                    if link not in shown and (self.backfill or key not in known
                                              or site_of(key) not in self.known_sites))
        self.shown.update(by_link)
        return fetch, fresh

    def paging(self, site: str, page: int, dry: int, fresh: int) -> tuple[bool, int, str]:
        """Whether to follow a listing's next page: (go on, dry pages so far, why not)."""
        dry = 0 if fresh else dry + 1
        if dry >= self.bounds.max_dry:
            return False, dry, "dry"
        if page >= self.page_limit(site):
            return False, dry, "max"
        return True, dry, ""

    def recent(self, when: str | None, horizon: timedelta) -> bool:
        """True when a date is missing or within the horizon before now."""
        return when is None or parse_time(self.now) - parse_time(when) <= horizon

    def follow_sitemap(self, child: Entry) -> bool:
        """Whether a sitemap index's child sitemap may hold anything worth fetching."""
        config = self.config(child.url)
        return config is not None and (
            self.backfill or self.recent(child.modified, config.schedule.max_age))

    def triage(self, entries: Iterable[Entry]) -> tuple[list[str], list[dict[str, Any]]]:
        """Feed or sitemap entries worth fetching: (new article URLs, archived ones to re-check).

        New means not archived and, unless backfilling, published within the revisit horizon;
        an archived article is re-checked when the entry says it changed after its last fetch.
        """
        entries = [e for e in entries if e.url and site_of(e.url) in self.sites]
        keys = [canonical_url(e.url) for e in entries]
        states = self.archive.fetch_states(keys) if self.archive else {}
        # Links skipped as no article, or refused and not yet due for a retry, wait as they do
        # when a listing shows them.
        held = self.archive.known([k for k in keys if k not in states], before=self.now) if (
            self.archive) else set()
        new: list[str] = []
        rechecks: list[dict[str, Any]] = []
        for entry, key in zip(entries, keys, strict=True):
            if key in self.seen:
                continue
            state = states.get(key)
            if state is None and key in held:
                continue
            horizon = self.by_site[site_of(entry.url)].schedule.max_age
            if state is None:
                if self.backfill or self.recent(entry.published or entry.modified, horizon):
                    self.seen.add(key)
                    new.append(entry.url)
            elif (entry.modified and state["removed_at"] is None
                  and (state["last_fetched_at"] or "") < entry.modified):
                self.seen.add(key)
                rechecks.append(state)
        return new, rechecks

    def due(self, every: bool = False) -> Iterator[dict[str, Any]]:
        """Archived articles of these sites whose re-check is due, leaving out those older than
        their site's maximum age and unchanged for as long; or (every) all not removed.

        Each site's youngest first (the likeliest to have changed: by the site's schedule, the
        lesser of the story's age and the time since its change), the sites taking turns: a run
        cut short by its time budget has spent it fairly over the sites.
        """
        if self.archive is None:
            return
        queues = []
        for site, config in self.by_site.items():
            schedule = config.schedule
            horizon = "" if every else format_time(parse_time(self.now) - schedule.max_age)
            rows = list(self.archive.due([site], self.now, every=every, changed_since=horizon))
            rows.sort(key=lambda row, schedule=schedule: schedule.youth(
                self.now, row["first_seen"], row["last_changed_at"], row["published"]))
            queues.append(iter(rows))
        while queues:
            for queue in list(queues):
                row = next(queue, None)
                if row is None:
                    queues.remove(queue)
                    continue
                self.seen.add(row["url"])
                yield row

    def next_page(self, current: str, pagination: list[str]) -> str | None:
        """The one page after this one among a listing's pagination links (1 2 3 … 14 Next)."""
        number = page_number(current) or 1
        later = sorted((n, url) for url in pagination if (n := page_number(url)) and n > number)
        if later:
            return later[0][1]
        unnumbered = [url for url in pagination if page_number(url) is None]
        return unnumbered[0] if unnumbered else None
