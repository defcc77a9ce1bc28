"""Seed a distributed run: its sites into Redis, for workers to take, and its start into the
stream, for the ingester to record as a crawl."""

from __future__ import annotations

from typing import Any

from crawler.distributed import Keys, current_key, stream_key
from crawler.distributed.codec import encode
from crawler.distributed.runs import RunConfig


class RunExists(Exception):
    """A run of that name is already in Redis."""


def seed_run(server: Any, prefix: str, config: RunConfig, replace: bool = False) -> int:
    """Put a run's configuration and one seed per site in Redis and make it the current run;
    returns the number of sites. SitesError when the sites are wrong, RunExists when the name
    is taken (unless replace, which clears the old run's frontier first)."""
    configs = config.configs()
    keys = Keys(prefix, config.name)
    if server.exists(keys.config, keys.requests, keys.dupefilter) and not replace:
        raise RunExists(f"run {config.name!r} is already in Redis; name another with --run, "
                        "or start it again from nothing with --replace")
    stale = list(server.scan_iter(match=keys.inflight("*"), count=1000))
    pipe = server.pipeline()
    pipe.delete(*keys.all(), *stale)
    pipe.set(keys.config, config.to_json())
    pipe.rpush(keys.seeds, *range(len(configs)))
    pipe.set(current_key(prefix), config.name)
    run: dict[str, Any] = {**config.__dict__, "all_start_urls": config.all_start_urls()}
    pipe.xadd(stream_key(prefix), encode("run", config.name, run))
    pipe.execute()
    return len(configs)
