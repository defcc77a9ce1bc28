"""`scrapy crawl` for cron: one-line errors, one writer per archive, a summary, exit statuses."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler import heap
from crawler.archive import Archive, ArchiveError
from crawler.archive.lock import ArchiveLocked, WriterLock
from crawler.stats import crawl_counts

# Exit statuses, documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1  # every site failed, or the crawl itself failed
EXIT_USAGE = 2  # bad arguments
EXIT_INTERRUPTED = 3  # stopped by Ctrl-C or SIGTERM; what was fetched is archived
EXIT_LOCKED = 75  # another crawl is writing to the same archive (EX_TEMPFAIL: try later)
FINISHED_REASONS = ("finished", "closespider_itemcount", "closespider_pagecount",
                    "closespider_timeout", "closespider_errorcount",
                    "budget")  # -a budget: stopped on time, the rest left for the next run


def fail(message: str, status: int) -> None:
    """Print one error line and exit."""
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(status)


# What a crawl left out at its bounds (crawler/settings.py), as the summary names it.
BOUNDS_DROPPED = (
    ("bounds/sitemap_entries_dropped", "sitemap entries dropped at their bounds"),
    ("bounds/sitemaps_too_deep", "nested sitemap indexes not followed"),
    # pages the site refused for now (401, 403, 451, timeouts), and those refused too long
    ("archive/refused", "refused (tried again later)"),
    ("archive/gave_up", "refused too long (given up)"),
)


# What a run stopped at its time budget left for the next run, by the spider's budget/left_* stats.
BUDGET_LEFT = {
    "requests": "queued requests",
    "articles": "new article links not requested",
    "rechecks": "re-checks still due",
}


def summary(stats: dict[str, Any]) -> str:
    """The one-line summary of a crawl."""
    counts = crawl_counts(stats)
    return (
        f"{stats.get('news/sites', 0)} sites ({stats.get('news/sites_ok', 0)} answered), "
        f"{counts['pages_fetched']} pages, {counts['articles_new']} new articles, "
        f"{counts['versions_new']} new versions, {counts['unchanged']} unchanged, "
        f"{counts['removed']} removed, {counts['errors']} errors"
    ) + "".join(f", {stats[key]} {what}" for key, what in BOUNDS_DROPPED if stats.get(key)
                ) + budget_left(stats)


def budget_left(stats: dict[str, Any]) -> str:
    """What a run stopped at its time budget (or a site at its share) left for the next run."""
    left = {kind: stats.get(f"budget/left_{kind}", 0) for kind in BUDGET_LEFT}
    if stats.get("finish_reason") != "budget" and not any(left.values()):
        return ""
    parts = [f"{count} {BUDGET_LEFT[kind]}" for kind, count in left.items() if count]
    return f"; stopped at the time budget, left for the next run: {', '.join(parts) or 'nothing'}"


class Command(ScrapyCrawl):
    """Scrapy's crawl command, made safe to run from cron."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return
        heap.starting()  # until the engine has started: see crawler/heap.py
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            fail(f"no spider named {args[0]!r} (see `scrapy list`)", EXIT_USAGE)
        check = getattr(spidercls, "check_arguments", None)
        if self.settings.getbool("DISTRIBUTED"):  # a worker's sites come from `crawler seed`
            from crawler.distributed.addon import worker_problem

            problem = worker_problem(self.settings, opts.spargs)
            if problem:
                fail(problem, EXIT_USAGE)
            check = None
        if check is not None:
            try:
                check(**opts.spargs)
            except UsageError as error:
                fail(str(error), EXIT_USAGE)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)
            return
        # This command is the one owner of the archive's writer lock: it holds it from before
        # the archive is created or migrated until the crawl is over; the pipeline writes under it.
        lock = None
        distributed = self.settings.getbool("DISTRIBUTED")  # workers never touch the archive
        if self.settings.getbool("ARCHIVE_ENABLED") and not distributed:
            path = self.settings.get("ARCHIVE_PATH")
            try:
                lock = WriterLock.acquire(path, self.settings.getfloat("ARCHIVE_LOCK_WAIT"))
                Archive.open(path).close()  # creates or migrates it, or says why it cannot
            except ArchiveLocked as error:
                fail(str(error), EXIT_LOCKED)
            except ArchiveError as error:
                if lock is not None:
                    lock.release()
                fail(str(error), EXIT_FAILED)
        try:
            crawler = self._create_crawler(args[0])
            crawler.signals.connect(heap.started, signal=signals.engine_started)
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            if lock is not None:
                lock.release()
        heap.ending()  # what is left is to print the summary and exit
        # Scrapy sets a crawler's stats only once it started: a crawl that could not start has
        # none, and asking raises in recent Scrapy, which would hide the real error.
        try:
            collector = crawler.stats
        except RuntimeError:
            collector = None
        stats = collector.get_stats() if collector is not None else {}
        reason = stats.get("finish_reason")
        line = summary(stats)
        if distributed:  # a worker archives nothing: say what it sent to the ingester
            from crawler.distributed import worker_summary

            line = worker_summary(stats)
        if self.crawler_process.bootstrap_failed or reason is None:
            fail(f"the crawl could not start; see the log above ({line})", EXIT_FAILED)
        elif reason in ("shutdown", "cancelled"):
            print(f"Interrupted: {line}")
            self.exitcode = EXIT_INTERRUPTED
        elif (stats.get("news/sites", 0) and not stats.get("news/sites_ok", 0)
              and not distributed):  # a worker may have been given nothing to fetch
            fail(f"every site failed: {line}", EXIT_FAILED)
        elif stats.get("archive/failure"):
            fail(f"{stats['archive/failure']} ({line})", EXIT_FAILED)
        elif reason not in FINISHED_REASONS:
            fail(f"the crawl ended with {reason}: {line}", EXIT_FAILED)
        else:
            print(f"Crawled: {line}")
