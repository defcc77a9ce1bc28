"""One writer at a time: an advisory lock beside the archive that dies with its process."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import ClassVar

from crawler.archive.store import ArchiveError

POLL_SECONDS = 0.5  # how often a waiting crawl tries the lock again


class ArchiveLocked(ArchiveError):
    """Another process is writing to the archive."""


class WriterLock:
    """An flock on `<archive>.lock`: the kernel releases it when the holder exits or is killed."""

    _held: ClassVar[dict[Path, WriterLock]] = {}  # held by this process: it never blocks itself

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.count = 0

    @classmethod
    def acquire(cls, archive_path: str | Path, wait: float = 0) -> WriterLock:
        """Take the archive's writer lock, waiting up to `wait` seconds; ArchiveLocked if not."""
        path = Path(f"{Path(archive_path).resolve()}.lock")
        lock = cls._held.get(path)
        if lock is None:
            lock = cls(path)
            lock._take(wait)
            cls._held[path] = lock
        lock.count += 1
        return lock

    def _take(self, wait: float) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise ArchiveError(
                f"cannot write beside the archive {self.path.with_suffix('')}: "
                f"{error.strerror or error}") from None
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                    os.close(fd)
                    raise ArchiveLocked(
                        f"another crawl (pid {holder}) is writing to "
                        f"{self.path.with_suffix('')}; try again later "
                        "or wait for it with -s ARCHIVE_LOCK_WAIT=SECONDS"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd

    def release(self) -> None:
        """Give the lock back once every holder in this process has released it."""
        self.count -= 1
        if self.count > 0 or self.fd is None:
            return
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None
        self._held.pop(self.path, None)
