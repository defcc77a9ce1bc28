"""The crawl's worker processes: an article's CPU work done beside the reactor, not in it."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from crawler.archive.records import ReadyRecord, ready_record


def pool_size(setting: Any) -> int:
    """Worker processes a setting asks for: None or a negative number means one per core."""
    if setting is None or setting == "":
        return os.cpu_count() or 1
    count = int(setting)
    return (os.cpu_count() or 1) if count < 0 else count


def _warm() -> None:
    """Import the record code (and numpy) once per worker, before the first article."""
    import crawler.archive.similar  # noqa: F401


class RecordPool:
    """Turns fetched articles into ready records in `processes` workers (0: in this process)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.executor: Executor | None = None
        if processes > 0:
            # forkserver, not fork: the crawl process has threads (DNS, the reactor's pool)
            # whose locks a forked child could inherit held.
            context = multiprocessing.get_context("forkserver")
            self.executor = ProcessPoolExecutor(processes, mp_context=context,
                                                initializer=_warm)

    async def ready(self, item: Mapping[str, Any]) -> ReadyRecord:
        """The item's ready record, worked out in a worker process."""
        if self.executor is None:
            return ready_record(item)
        future = self.executor.submit(ready_record, dict(item))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop the workers (after the work in hand)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
