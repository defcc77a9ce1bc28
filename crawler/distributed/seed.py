"""Seed a distributed run: its sites into Redis, for workers to take, and its start into the
stream, for the ingester to record as a crawl."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from crawler.distributed import Keys, current_key, stream_key, url_digest
from crawler.distributed.codec import encode
from crawler.distributed.runs import RunConfig


class RunExists(Exception):
    """A run of that name is already in Redis."""


CHUNK = 5000  # URLs per Redis command while seeding what the archive knows


def seed_run(server: Any, prefix: str, config: RunConfig, replace: bool = False,
             archive_path: str | None = None) -> dict[str, int]:
    """Put a run's configuration and one seed per site in Redis and make it the current run;
    with an archive, also what its workers need to crawl as the cron crawl does (see
    `seed_archive`). Returns the counts seeded (sites, due, refused, known). SitesError when
    the sites are wrong, RunExists when the name is taken (unless replace, which clears the old
    run's frontier first)."""
    configs = config.configs()
    config.incremental = archive_path is not None
    keys = Keys(prefix, config.name)
    if server.exists(keys.config, keys.requests, keys.dupefilter) and not replace:
        raise RunExists(f"run {config.name!r} is already in Redis; name another with --run, "
                        "or start it again from nothing with --replace")
    stale = list(server.scan_iter(match=keys.inflight("*"), count=1000))
    stale += list(server.scan_iter(match=keys.site("*"), count=1000))
    stale += list(server.scan_iter(match=keys.robots("*"), count=1000))
    stale += list(server.scan_iter(match=keys.due("*"), count=1000))
    stale += list(server.scan_iter(match=keys.refusals("*"), count=1000))
    server.delete(*keys.all(), *stale)
    counts = {"sites": len(configs), "due": 0, "refused": 0, "known": 0}
    # What the archive knows goes in first: a worker joins the run once its config is there.
    if archive_path is not None:
        counts.update(seed_archive(server, keys, archive_path, configs,
                                   config.started_at or ""))
    pipe = server.pipeline()
    pipe.set(keys.config, config.to_json())
    pipe.rpush(keys.seeds, *range(len(configs)))
    pipe.set(current_key(prefix), config.name)
    run: dict[str, Any] = {**config.__dict__, "all_start_urls": config.all_start_urls()}
    pipe.xadd(stream_key(prefix), encode("run", config.name, run))
    pipe.execute()
    return counts


def seed_archive(server: Any, keys: Keys, archive_path: str, configs: list[Any], now: str,
                 ) -> dict[str, int]:
    """Put in Redis what a run's workers ask the archive, read once here beside it: the
    articles due for a re-check (with their ETag and Last-Modified), the refused links whose
    retry is due, every URL the archive knows (as 8-byte digests), the fetch states of
    archived articles, and the sites already crawled. The frontier's own rules decide what is
    due, as on one machine."""
    from crawler.archive import Archive
    from crawler.distributed.archived import pack_state
    from crawler.frontier import Bounds, Frontier

    archive = Archive.open(archive_path, readonly=True)
    frontier = Frontier(configs, Bounds(), archive, now)
    try:
        sites = sorted(frontier.sites)
        pipe = server.pipeline(transaction=False)
        if frontier.known_sites & frontier.sites:
            pipe.sadd(keys.known_sites, *sorted(frontier.known_sites & frontier.sites))
        due = push_rows(pipe, keys.due, frontier.due())
        refused = push_rows(pipe, keys.refusals, archive.due_refusals(sites, now))
        known, states = [], {}
        for url, state in archive.known_states(sites, before=now):
            known.append(url_digest(url))
            if state is not None:
                states[url_digest(url)] = pack_state(url, state)
            if len(known) >= CHUNK:
                flush(pipe, keys, known, states)
        flush(pipe, keys, known, states)
        pipe.execute()
        return {"due": due, "refused": refused, "known": server.scard(keys.known)}
    finally:
        frontier.close()
        archive.close()


def push_rows(pipe: Any, list_of: Callable[[str], str], rows: Iterable[dict[str, Any]]) -> int:
    """Add each row (JSON) to its site's list (`list_of(site)`) in the pipeline; how many."""
    count = 0
    for row in rows:
        pipe.rpush(list_of(row["site"]), json.dumps(row, separators=(",", ":")))
        count += 1
    return count


def flush(pipe: Any, keys: Keys, known: list[bytes], states: dict[bytes, str]) -> None:
    """Add a chunk of known URLs and fetch states to the pipeline, and empty the chunk."""
    if known:
        pipe.sadd(keys.known, *known)
    if states:
        pipe.hset(keys.states, mapping=states)
    known.clear()
    states.clear()
