"""The crawl's worker processes: a page's CPU work done beside the reactor, not in it.

Reading a fetched page (decoding, `read_page`) and preparing an article's record (hashing,
compression, the similarity signature) are pure functions of plain values; a crawl runs them
in a pool of processes, one per core, while the reactor goes on fetching and the archive's
one writer commits; the workers start once the crawl has done a little of that work itself.
`0` processes runs them inline, in the crawl's own process (debugging).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from functools import lru_cache
from typing import Any

from crawler import heap
from crawler.archive.records import ReadyRecord, ready_record
from crawler.extraction import Reading, read_page
from crawler.extraction.html import decode_page
from crawler.extraction.site import SiteModel
from crawler.profiles import Profile, load_profile


def pool_size(setting: Any) -> int:
    """Worker processes a setting asks for: None or a negative number means one per core."""
    if setting is None or setting == "":
        return os.cpu_count() or 1
    count = int(setting)
    return (os.cpu_count() or 1) if count < 0 else count


@lru_cache(maxsize=64)
def _profile(name: str) -> Profile:
    return load_profile(name)


def read_fetched(body: bytes, declared: str | None, url: str, profile: str | None,
                 sites: frozenset[str], site_model: SiteModel | None = None,
                 ) -> tuple[str, str, Reading]:
    """A fetched page decoded and read: its text, the encoding used, and what it holds."""
    html, encoding = decode_page(body, declared)
    return html, encoding, read_page(html, url, _profile(profile) if profile else None, sites,
                                     listing_body=False, site_model=site_model)


START_AFTER_SECONDS = 0.3  # the crawl's own work on pages before it starts the workers
PARENT_CHECK_SECONDS = 1.0  # how often a worker looks whether its crawl is still alive


def _outlive_no_crawl(parent: int) -> None:
    # a crawl killed with SIGKILL cannot stop its workers: each leaves once orphaned
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _warm(parent: int) -> None:
    """Import the reading and record code (lxml, numpy) once per worker, before any page;
    and leave when the crawl that started the worker is gone."""
    import crawler.archive.similar  # noqa: F401

    heap.started()  # the imports live as long as the worker
    threading.Thread(target=_outlive_no_crawl, args=(parent,), daemon=True).start()


def _up() -> None:
    """Nothing: its answer says that a worker has started and imported what it needs."""


class Pool:
    """Runs pages' CPU work in `processes` worker processes (0: in this process)."""

    def __init__(self, processes: int, start_after: float = START_AFTER_SECONDS) -> None:
        self.processes = processes
        self.start_after = start_after
        self.inline_seconds = 0.0  # time this process spent on the work before workers started
        self.executor: Executor | None = None
        self.up: Future[None] | None = None  # done once a worker can take work
        self.started = False  # whether the workers were ever started
        self.closed = False  # whether close() was called: the pool starts no workers again

    def start(self) -> None:
        """Start the workers (once), if this pool has any."""
        if self.processes > 0 and self.executor is None and not self.closed:
            # spawn, not fork: the crawl process has threads (DNS, the reactor's pool) whose
            # locks a forked child could inherit held; nor forkserver, whose workers are not
            # the crawl's children, so their CPU time would not count in the crawl's.
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(self.processes, mp_context=context,
                                                initializer=_warm, initargs=(os.getpid(),))
            self.up = self.executor.submit(_up)
            self.started = True

    async def _run(self, function: Any, *args: Any) -> Any:
        if self.executor is None or (self.up is not None and not self.up.done()):
            # Workers start only once the crawl has done a little work itself (a run that
            # re-checks a few pages never pays for their start-up, about a second of CPU),
            # and until one is up the crawl goes on doing the work: a short run never waits
            # for workers, a long one moves on to them.
            began = time.perf_counter()
            try:
                return function(*args)
            finally:
                self.inline_seconds += time.perf_counter() - began
                if self.inline_seconds >= self.start_after:
                    self.start()
        return await asyncio.wrap_future(self.executor.submit(function, *args))

    async def read(self, body: bytes, declared: str | None, url: str,
                   profile: Profile | None, sites: frozenset[str],
                   site_model: SiteModel | None = None) -> tuple[str, str, Reading]:
        """`read_fetched` in a worker; the profile travels by name (profiles are shipped), the
        site's model as learned so far by value."""
        return await self._run(read_fetched, body, declared, url,
                               profile.name if profile else None, sites, site_model)

    async def ready(self, item: Mapping[str, Any]) -> ReadyRecord:
        """The item's ready record (`records.ready_record`), worked out in a worker."""
        return await self._run(ready_record, dict(item))

    def wait_up(self, timeout: float | None = None) -> None:
        """Start the workers and block until one can take work (at once with no workers)."""
        self.start()
        if self.up is not None:
            self.up.result(timeout)

    def close(self) -> None:
        """Stop the workers (after the work in hand)."""
        self.closed = True
        if self.executor is not None:
            if self.up is not None and not self.up.done():
                # No worker ever came up, so none holds work: stop them starting rather than
                # wait for their imports (the executor has no public way before Python 3.14).
                for process in list(getattr(self.executor, "_processes", {}).values()):
                    process.terminate()
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


_POOLS: dict[int, Pool] = {}  # the process's pool: the spider and the archive share it


def shared_pool(processes: int) -> Pool:
    """The process's pool of this size, started on first use (again after a close)."""
    pool = _POOLS.get(processes)
    if pool is None or pool.closed:
        pool = _POOLS[processes] = Pool(processes)
    return pool
