"""`crawler seed`, `crawler ingest` and `crawler status`: the commands of distributed crawls."""

from __future__ import annotations

import functools
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crawler import clock
from crawler.archive import ArchiveError
from crawler.archive.lock import ArchiveLocked
from crawler.distributed import DEFAULT_PREFIX, Keys, current_key, stream_key

DEFAULT_REDIS = "redis://localhost:6379/0"
EXIT_LOCKED = 75  # as `scrapy crawl`: another process writes to the archive, try later


def redis_options(command: Callable) -> Callable:
    """--redis URL and --prefix, shared by the distributed commands."""
    command = click.option("--prefix", default=DEFAULT_PREFIX, show_default=True,
                           help="First part of every Redis key (DISTRIBUTED_PREFIX).")(command)
    return click.option("--redis", "redis_url", default=DEFAULT_REDIS, show_default=True,
                        envvar="REDIS_URL", help="Redis server of the run (or $REDIS_URL).",
                        )(command)


def redis_errors(command: Callable) -> Callable:
    """A missing redis package or an unreachable server as one `Error: ...` line, exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            import redis
        except ImportError:
            raise click.ClickException(
                "distributed crawls need `pip install 'news-archive-crawler[distributed]'`",
            ) from None
        try:
            return command(*args, **kwargs)
        except redis.RedisError as error:
            raise click.ClickException(
                f"Redis at {kwargs.get('redis_url')}: {error}") from None

    return wrapper


def connect(url: str) -> Any:
    import redis

    server = redis.Redis.from_url(url)
    server.ping()
    return server


@click.command()
@click.argument("start_urls", nargs=-1)
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False),
              help="A sites file (TOML) naming the sites to crawl.")
@click.option("--run", "run_name", help="Name of the run (default: the current UTC time).")
@click.option("--spider", default="news", show_default=True,
              help="The spider the workers run (recorded in the crawls table).")
@click.option("--profile", help="Site profile to force on every page (as -a profile=).")
@click.option("--max-pages", type=click.IntRange(min=1), help="As -a max_pages=.")
@click.option("--max-hops", type=click.IntRange(min=0), help="As -a max_hops=.")
@click.option("--backfill", is_flag=True, help="Page through every listing to the end.")
@click.option("--replace", is_flag=True, help="Start a run of that name again from nothing.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True),
              help="The archive the run adds to (read here, beside it): workers re-check its "
                   "due articles and skip what it knows, as the cron crawl does.")
@click.option("--clock", "crawl_clock", envvar="CRAWL_CLOCK",
              help="ISO 8601 time the run takes as now (as CRAWL_CLOCK; for tests, replays).")
@redis_options
@redis_errors
def seed(start_urls: tuple[str, ...], sites_file: str | None, run_name: str | None,
         spider: str, profile: str | None, max_pages: int | None, max_hops: int | None,
         backfill: bool, replace: bool, db_path: str | None, crawl_clock: str | None,
         redis_url: str, prefix: str) -> None:
    """Seed a distributed run: its sites go to Redis, for the workers to crawl.

    Workers (`scrapy crawl news -s DISTRIBUTED=1 -s REDIS_URL=...`) join the run seeded last;
    `crawler ingest` records it as one crawl of the archive. With --db, the run is incremental
    like a cron crawl: due articles are re-checked with conditional requests, and archived
    articles that are not due are not fetched again.

    Example:

        crawler seed --redis redis://queue:6379/0 --sites sites.toml --db archive.db
    """
    from crawler.distributed.runs import RunConfig
    from crawler.distributed.seed import RunExists, seed_run
    from crawler.sites import SitesError

    if not start_urls and not sites_file:
        raise click.UsageError("give start URLs or --sites FILE")
    text = None
    if sites_file:
        try:
            text = Path(sites_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise click.ClickException(f"cannot read sites file {sites_file}: {error}") from None
    started = clock.now(crawl_clock)
    config = RunConfig(run_name or started.replace(":", "").replace("-", ""), spider,
                       list(start_urls), text, profile, max_pages, max_hops, backfill, started)
    try:
        counts = seed_run(connect(redis_url), prefix, config, replace, db_path)
    except (SitesError, RunExists, ArchiveError) as error:
        raise click.ClickException(str(error)) from None
    sites = counts["sites"]
    line = f"Seeded run {config.name}: {sites} site{'s' if sites != 1 else ''}"
    if db_path:
        line += (f", {counts['due']} articles due for a re-check, {counts['refused']} refused "
                 f"links due for a retry, {counts['known']} known URLs")
    click.echo(line)


@click.command()
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(dir_okay=False), help="Archive file to write.")
@click.option("--drain", is_flag=True, help="Exit once the stream has nothing new (for cron).")
@click.option("--group", default="archive", show_default=True,
              help="Redis consumer group of the ingester (one archive per stream: applied "
                   "entries are deleted; feed another archive from another --prefix).")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(min=1),
              help="Entries applied per transaction.")
@click.option("--wait", "lock_wait", default=0.0, show_default=True,
              help="Seconds to wait for another writer of the archive.")
@redis_options
@redis_errors
def ingest(db_path: str, drain: bool, group: str, batch: int, lock_wait: float,
           redis_url: str, prefix: str) -> None:
    """Apply the items distributed workers sent to Redis to the archive: the one writer.

    Each entry is acknowledged only after the transaction that applied it has committed, and
    applied entries are remembered, so a killed ingester loses and doubles nothing. Runs until
    SIGTERM or Ctrl-C (it finishes the batch in hand), or with --drain until nothing is left.

    Example:

        crawler ingest --redis redis://queue:6379/0 --db archive.db
    """
    from crawler.distributed.ingest import Ingester, IngestError

    ingester = Ingester(db_path, redis_url, prefix, group, batch, lock_wait)
    stop: list[int] = []

    def request_stop(signum: int, frame: Any) -> None:
        stop.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    try:
        ingester.open()
        click.echo(f"Ingesting {stream_key(prefix)} into {db_path} (group {group})",
                   err=True)
        totals = ingester.run(drain=drain, stopping=lambda: bool(stop))
    except ArchiveLocked as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except (ArchiveError, IngestError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        ingester.close()
    items = sum(totals[k] for k in ("new_article", "new_version", "unchanged", "not_modified",
                                    "removed", "skipped", "refused", "gave_up"))
    click.echo(f"Ingested: {items} items ({totals['new_article']} new articles, "
               f"{totals['new_version']} new versions, {totals['unchanged']} unchanged, "
               f"{totals['skipped']} skipped, {totals['refused'] + totals['gave_up']} refused), "
               f"{totals['already_applied']} already applied, {totals['unreadable']} unreadable")


@click.command()
@click.option("--run", "run_name", help="The run to describe (default: the current one).")
@click.option("--group", default="archive", show_default=True, help="The ingester's group.")
@click.option("--json", "as_json", is_flag=True, help="Output one JSON object.")
@redis_options
@redis_errors
def status(run_name: str | None, group: str, as_json: bool, redis_url: str, prefix: str,
           ) -> None:
    """What a distributed run is doing: its frontier, its workers and the ingester's backlog.

    Example:

        crawler status --redis redis://queue:6379/0
    """
    server = connect(redis_url)
    name = run_name or (server.get(current_key(prefix)) or b"").decode()
    if not name:
        raise click.ClickException("no distributed run in Redis: seed one with `crawler seed`")
    keys = Keys(prefix, name)
    now = server.time()[0]
    workers = []
    for worker, beat in sorted(server.hgetall(keys.workers).items()):
        worker = worker.decode()
        seconds, _, busy = beat.decode().partition(" ")
        workers.append({"worker": worker, "heartbeat_age": now - int(seconds),
                        "busy": busy == "1", "in_flight": server.llen(keys.inflight(worker))})
    stream = stream_key(prefix)
    pending = 0
    if server.exists(stream):
        for info in server.xinfo_groups(stream):
            if (info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
                    ) == group:
                pending = info["pending"]
    report = {
        "run": name,
        "known_run": bool(server.exists(keys.config)),
        "sites_to_start": server.llen(keys.seeds),
        "queued": server.llen(keys.requests),
        "scheduled": server.scard(keys.dupefilter),
        "articles_sent": server.scard(keys.items),
        "stream_length": server.xlen(stream) if server.exists(stream) else 0,
        "ingest_pending": pending,
        "workers": workers,
    }
    if as_json:
        click.echo(json.dumps(report))
        return
    for key, value in report.items():
        if key != "workers":
            click.echo(f"{key}: {value}")
    for worker in workers:
        click.echo(f"worker {worker['worker']}: heartbeat {worker['heartbeat_age']} s ago, "
                   f"{'busy' if worker['busy'] else 'idle'}, {worker['in_flight']} in flight")

