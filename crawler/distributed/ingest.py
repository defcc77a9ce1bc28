"""The one writer of a distributed crawl: apply the stream's items to the archive.

Entries are read through a consumer group and acknowledged (and deleted) only after the SQLite
transaction that applied them has committed; the ids of applied entries are kept in the archive
in that same transaction until they are acknowledged, so an entry delivered again after a crash
is recognised and skipped.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.archive import Archive, ArchiveError, ArticleNotFound
from crawler.archive.lock import WriterLock
from crawler.archive.records import ReadyRecord, RecordError, check_page, from_fields, ready_record
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule
from crawler.archive.writes import BAD_RECORD_ERRORS
from crawler.distributed import Keys, stream_key
from crawler.distributed.codec import MAX_PAGE_BYTES, EntryError, decode
from crawler.distributed.runs import RunConfig
from crawler.sites import SitesError
from crawler.stats import crawl_counts

logger = logging.getLogger(__name__)

# How the workers' finish reasons read as the run's status in the crawls table.
INTERRUPTED = ("shutdown", "cancelled")
FINISHED = ("finished", "closespider_itemcount", "closespider_pagecount",
            "closespider_timeout", "closespider_errorcount")


DEAD_LETTERS_KEPT = 10000  # bad entries the dead-letter stream keeps, the newest
# The one writer of what may be a large archive: with 64 MiB of SQLite's pages in memory (not
# 2), the indexes a batch writes to all over (near-duplicate bands, full text) stay cached.
INGEST_CACHE_KIB = 65536

# An entry decoded: its kind, run, worker and data, and for an article its record and the check
# of its page (inflated and hashed by a second thread while this one decodes the batch's other
# entries: zlib and hashlib let go of the interpreter); or the reason it is unreadable.
Decoded = tuple[str, str, str, dict[str, Any], ReadyRecord | None, "Future[None] | None"] | str


def dead_letter_key(stream: str) -> str:
    """The stream where the ingester moves the entries of a stream it cannot apply."""
    return f"{stream}:dead"


class IngestError(Exception):
    """The ingester cannot go on, said in one line."""


class PagesRefused(Exception):
    """Pages of a batch being written failed their check: the batch is rolled back."""


def stream_order(entry_id: bytes) -> tuple[int, ...]:
    """A stream entry id ("ms-seq") as numbers, to sort ids in the stream's order."""
    return tuple(int(part) for part in entry_id.split(b"-"))


@dataclass
class Run:
    """What the ingester knows of one run: its crawl, its sites' schedules, its workers."""

    name: str
    crawl_id: int
    config: RunConfig | None
    workers: dict[str, str] = field(default_factory=dict)  # worker -> running / finish reason
    stats: dict[str, Any] = field(default_factory=dict)  # the workers' stats, summed
    counts: Counter = field(default_factory=Counter)  # archive outcomes of the run's items
    schedules: dict[str, Schedule] = field(default_factory=dict)
    dirty: bool = False

    def __post_init__(self) -> None:
        if self.config is not None:
            try:
                self.schedules = {c.site: c.schedule for c in self.config.configs()}
            except SitesError as error:
                logger.warning("Run %s: %s; the default revisit schedule applies", self.name,
                               error)

    def schedule_for(self, site: str) -> Schedule:
        return self.schedules.get(site, DEFAULT_SCHEDULE)

    def status(self) -> str | None:
        """The crawl's status once every worker has closed or been lost; None before."""
        reasons = list(self.workers.values())
        if not reasons or "running" in reasons:
            return None
        reported = [r for r in reasons if r != "lost"]
        if not reported:
            return "killed"
        # A worker finishes only when the whole run is done: then the run is, whoever was
        # interrupted or killed on the way (their requests went to the others).
        if "finished" in reported:
            return "finished"
        if any(r in INTERRUPTED for r in reported):
            return "interrupted"
        odd = [r for r in reported if r not in FINISHED]
        return odd[0] if odd else "finished"

    def merged_stats(self) -> dict[str, Any]:
        stats = dict(self.stats)
        stats.update({f"archive/{k}": v for k, v in self.counts.items()})
        stats["distributed/run"] = self.name
        stats["distributed/workers"] = len(self.workers)
        stats["distributed/workers_lost"] = sum(r == "lost" for r in self.workers.values())
        return stats


def add_stats(total: dict[str, Any], stats: dict[str, Any]) -> None:
    """Sum one worker's numeric stats into the run's."""
    for key, value in stats.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value


class Ingester:
    """Reads a stream through a consumer group and applies its entries to one archive."""

    def __init__(self, archive_path: str, redis_url: str, prefix: str, group: str,
                 batch: int = 500, lock_wait: float = 0) -> None:
        self.archive_path = archive_path
        self.redis_url = redis_url
        self.prefix = prefix
        self.stream = stream_key(prefix)
        self.group = group
        self.batch = batch
        self.lock_wait = lock_wait
        self.consumer = f"{socket.gethostname()}-{os.getpid()}"
        self.server: redis.Redis | None = None
        self.archive: Archive | None = None
        self.lock: WriterLock | None = None
        self.runs: dict[str, Run] = {}
        self.totals: Counter = Counter()
        self.acknowledged: list[str] = []  # ids of the last batch acknowledged
        self.dead_stream = dead_letter_key(self.stream)
        self.dead: list[dict[bytes, bytes]] = []  # the batch's bad entries, with their reasons
        # Article entries read and not yet written: written together, one save_batch, so the
        # archive's per-batch work (full-text rows) is done once for all of them.
        self.articles: list[tuple[str, dict[bytes, bytes], Run, ReadyRecord,
                                  Future[None] | None]] = []
        self.checks: ThreadPoolExecutor | None = None  # checks the pages of article entries

    def open(self) -> None:
        """Take the archive's writer lock, open it, and join (or create) the consumer group."""
        self.lock = WriterLock.acquire(self.archive_path, self.lock_wait)
        try:
            self.archive = Archive.open(self.archive_path, cache_kib=INGEST_CACHE_KIB)
            self.checks = ThreadPoolExecutor(1, thread_name_prefix="page-check")
            self.server = redis.Redis.from_url(self.redis_url)
            try:
                self.server.xgroup_create(self.stream, self.group, id="0", mkstream=True)
            except redis.ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise
            self.claim()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.checks is not None:
            self.checks.shutdown(cancel_futures=True)
            self.checks = None
        if self.archive is not None:
            self.archive.close()
            self.archive = None
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def claim(self) -> int:
        """Take over every entry delivered to an earlier ingester and not acknowledged: it died
        (the archive's writer lock, which this process holds, says no other one runs)."""
        claimed, start = 0, "0-0"
        while True:
            start, entries, *_ = self.server.xautoclaim(
                self.stream, self.group, self.consumer, min_idle_time=0, start_id=start,
                count=self.batch)
            claimed += len(entries)
            if start in (b"0-0", "0-0"):
                break
        for consumer in self.server.xinfo_consumers(self.stream, self.group):
            name = consumer["name"].decode() if isinstance(consumer["name"], bytes) \
                else consumer["name"]
            if name != self.consumer and not consumer["pending"]:
                self.server.xgroup_delconsumer(self.stream, self.group, name)
        if claimed:
            logger.info("Took over %s entries an earlier ingester had not finished", claimed)
        return claimed

    def run(self, drain: bool = False, block_ms: int = 1000,
            stopping: Callable[[], bool] = lambda: False) -> Counter:
        """Apply entries until stopped (or, with drain, until the stream has nothing new)."""
        backlog = True  # entries claimed or delivered before: read them first
        while not stopping():
            if backlog:
                answer = self.server.xreadgroup(self.group, self.consumer, {self.stream: "0"},
                                                count=self.batch)
            else:
                # a drain asks without waiting: an empty answer means nothing is left
                answer = self.server.xreadgroup(self.group, self.consumer, {self.stream: ">"},
                                                count=self.batch,
                                                block=None if drain else block_ms)
            entries = answer[0][1] if answer else []
            if not entries:
                if backlog:
                    backlog = False
                    continue
                if drain:
                    break
                continue
            self.apply(entries)
        return self.totals

    def apply(self, entries: list[tuple[bytes, dict[bytes, bytes] | None]]) -> None:
        """Apply a batch in one transaction, then acknowledge and delete its entries."""
        ids = [entry_id.decode() for entry_id, _ in entries]
        db = self.archive.db
        self.dead = []  # a batch rolled back and read again finds its bad entries again
        self.articles = []
        try:
            with db.atomic():
                self.forget_acknowledged()
                done = self.applied(ids)
                # an entry deleted from the stream comes back without fields
                decoded = [self.decode(fields) if fields and entry_id not in done else ""
                           for (_, fields), entry_id in zip(entries, ids, strict=True)]
                for (_, fields), entry_id, entry in zip(entries, ids, decoded, strict=True):
                    if entry_id in done:
                        self.totals["already_applied"] += 1
                        continue
                    if fields:
                        self.apply_entry(entry_id, fields, entry)
                    self.archive.mark_applied(self.stream, entry_id)
                self.save_articles()
                self.save_runs()
        except ArchiveError as error:
            raise IngestError(str(error)) from None
        pipe = self.server.pipeline()
        self.dead.sort(key=lambda fields: stream_order(fields[b"entry_id"]))
        for fields in self.dead:
            pipe.xadd(self.dead_stream, fields, maxlen=DEAD_LETTERS_KEPT, approximate=True)
        self.dead = []
        pipe.xack(self.stream, self.group, *ids)
        pipe.xdel(self.stream, *ids)
        pipe.execute()
        self.acknowledged = ids

    def forget_acknowledged(self) -> None:
        """Drop the applied marks of entries acknowledged since: Redis never delivers those
        again, so only the marks of a batch applied but not yet acknowledged are kept."""
        if self.acknowledged:
            self.archive.forget_applied(self.stream, self.acknowledged)
            self.acknowledged = []

    def applied(self, ids: Iterable[str]) -> set[str]:
        return self.archive.applied_entries(self.stream, ids)

    def dead_letter(self, entry_id: str, fields: dict[bytes, bytes], reason: str) -> None:
        """Set a bad entry aside, with why, for the dead-letter stream (written with the ack)."""
        self.totals["unreadable"] += 1
        logger.error("Moved stream entry %s to %s: %s", entry_id, self.dead_stream, reason)
        self.dead.append({**fields, b"entry_id": entry_id.encode(),
                          b"reason": reason.encode("utf-8", "replace")})

    def decode(self, fields: dict[bytes, bytes]) -> Decoded:
        """An entry decoded, its page's check started; or the reason it is unreadable."""
        try:
            kind, run_name, worker, data = decode(fields)
            record = article_record(data) if kind == "article" else None
        except (EntryError, RecordError) as error:
            return str(error)
        check = None
        if record is not None and record.page is not None:
            assert self.checks is not None
            check = self.checks.submit(check_page, record.page, MAX_PAGE_BYTES)
        return kind, run_name, worker, data, record, check

    def apply_entry(self, entry_id: str, fields: dict[bytes, bytes], entry: Decoded) -> None:
        if isinstance(entry, str):
            self.dead_letter(entry_id, fields, entry)
            return
        kind, run_name, worker, data, record, check = entry
        run = self.run_of(run_name, data if kind == "run" else None)
        if record is not None:  # an article's entry
            if self.articles and self.articles[0][2] is not run:
                self.save_articles()  # a batch of records has one crawl
            self.articles.append((entry_id, fields, run, record, check))
            return
        self.save_articles()  # what entries do, they do in the stream's order
        if kind == "run":
            return
        if kind in ("opened", "closed", "lost"):
            self.worker_event(run, kind, worker, data)
            return
        try:
            with self.archive.db.atomic():
                outcome = self.apply_item(run, kind, data)
        except (*BAD_RECORD_ERRORS, ArticleNotFound) as error:
            run.counts["error"] += 1
            self.dead_letter(entry_id, fields, f"{kind}: {error!r}")
            return
        run.counts[str(outcome)] += 1
        run.dirty = True
        self.totals[str(outcome)] += 1

    def save_articles(self) -> None:
        """Write the article entries read since the last write, as one batch; an entry whose
        fields make its write fail, or whose page fails its check, goes to the dead-letter
        stream alone.

        The batch is written while its pages are checked, then rolled back and written again
        without the entries whose page failed (there are none, but for a forged entry)."""
        articles, self.articles = self.articles, []
        if not articles:
            return
        run = articles[0][2]
        failed: list[tuple[int, Exception]] = []  # (index, error) of records that cannot be
        while True:                               # written (BAD_RECORD_ERRORS)
            failed.clear()
            try:
                with self.archive.db.atomic():
                    outcomes = self.archive.save_batch(
                        [article[3] for article in articles], run.crawl_id, run.schedule_for,
                        lambda index, error: failed.append((index, error)))
                    refused = self.refused_pages(articles)
                    if refused:
                        raise PagesRefused
            except PagesRefused:
                for index in sorted(refused, reverse=True):
                    entry_id, fields, *_ = articles.pop(index)
                    self.dead_letter(entry_id, fields, refused[index])
                continue
            break
        for index, error in failed:
            entry_id, fields, *_ = articles[index]
            run.counts["error"] += 1
            self.dead_letter(entry_id, fields, f"article: {error!r}")
        for outcome in outcomes:
            if outcome is not None:
                run.counts[str(outcome)] += 1
                self.totals[str(outcome)] += 1
        run.dirty = True

    @staticmethod
    def refused_pages(articles: list[tuple[str, dict[bytes, bytes], Run, ReadyRecord,
                                           Future[None] | None]]) -> dict[int, str]:
        """The articles whose page failed its check, by index, with why (waiting for the
        checks still running)."""
        refused = {}
        for index, (*_, check) in enumerate(articles):
            problem = check.exception() if check is not None else None
            if isinstance(problem, RecordError):
                refused[index] = str(problem)
            elif problem is not None:
                raise problem
        return refused

    def apply_item(self, run: Run, kind: str, data: dict[str, Any]) -> str:
        """A skipped link's, a refused page's or a light re-check's entry (articles go in
        batches)."""
        archive = self.archive
        if kind == "skipped":
            archive.record_skip(data["url"], data["reason"], data.get("fetched_at"))
            return "skipped"
        if kind == "refused":  # tried again on the default backoff (REFUSAL_BACKOFF)
            return archive.record_refusal(data["url"], data["site"], data["reason"],
                                          data.get("fetched_at"), data.get("article_id"))
        return archive.record_check(
            data["article_id"], data["status"], data["url"], run.crawl_id,
            data.get("fetched_at"), run.schedule_for(data["site"]), data.get("final_url"))

    def run_of(self, name: str, start: dict[str, Any] | None) -> Run:
        """The run an entry belongs to, recording its crawl the first time it is seen."""
        if name in self.runs:
            return self.runs[name]
        row = self.archive.distributed_run(name)
        if row:
            run = Run(name, row["crawl_id"],
                      RunConfig.from_json(row["config"]) if row["config"] else None,
                      row["workers"], row["stats"], Counter(row["counts"]))
        else:
            config = RunConfig.from_json(json.dumps(start)) if start else self.stored_config(name)
            urls = (start or {}).get("all_start_urls") or (
                safe_start_urls(config) if config else [])
            crawl_id = self.archive.start_crawl(
                config.spider if config else "news", urls, config.started_at if config else None)
            run = Run(name, crawl_id, config, dirty=True)
            self.archive.add_distributed_run(name, crawl_id,
                                             config.to_json() if config else None)
            logger.info("Run %s is crawl %s of the archive", name, crawl_id)
        self.runs[name] = run
        return run

    def stored_config(self, name: str) -> RunConfig | None:
        """A run's configuration from Redis, for entries whose run start was never read."""
        text = self.server.get(Keys(self.prefix, name).config)
        return RunConfig.from_json(text) if text else None

    def worker_event(self, run: Run, kind: str, worker: str, data: dict[str, Any]) -> None:
        """A worker joined, closed (with its stats) or was found dead; finish the crawl once
        every worker of the run has closed or been lost."""
        if kind == "opened":
            run.workers[worker] = "running"
        elif kind == "closed":
            run.workers[worker] = data.get("reason") or "finished"
            add_stats(run.stats, data.get("stats") or {})
        elif run.workers.get(worker, "running") == "running":
            run.workers[worker] = "lost"
        run.dirty = True
        self.totals[f"worker_{kind}"] += 1
        status = run.status()
        if status is not None:
            stats = run.merged_stats()
            self.archive.finish_crawl(run.crawl_id, status, crawl_counts(stats), stats,
                                      data.get("at"))

    def save_runs(self) -> None:
        for run in self.runs.values():
            if run.dirty:
                self.archive.update_distributed_run(run.name, run.workers, run.stats,
                                                    run.counts)
                run.dirty = False


def article_record(data: dict[str, Any]) -> ReadyRecord:
    """The ready record an article entry carries, checked but for its page (see
    Ingester.decode); one worked out here for an entry of a worker that sent its page
    instead."""
    values = data.pop("record", None)
    if values is None:
        return ready_record(data)
    if not isinstance(values, dict):
        raise RecordError("its record is not an object")
    return from_fields(data, values, MAX_PAGE_BYTES, check=False)


def safe_start_urls(config: RunConfig) -> list[str]:
    try:
        return config.all_start_urls()
    except SitesError:
        return list(config.start_urls)
