"""One writer at a time: an advisory lock beside the archive that dies with its process."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from pathlib import Path

from crawler.archive.store import ArchiveError

POLL_SECONDS = 0.5  # how often a waiting crawl tries the lock again
PID_WIDTH = 20  # bytes the holder's pid takes at the start of the lock file, space-padded
# Never follow a link planted at the lock's path, never truncate what is there, never wait on a
# FIFO: the lock file is only ever a regular file of its own.
OPEN_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class ArchiveLocked(ArchiveError):
    """Another process is writing to the archive."""


class WriterLock:
    """An flock on `<archive>.lock`: the kernel releases it when the holder exits or is killed.

    Each writing process has one owner of the lock, which acquires it once and releases it once;
    a second acquire, even in the same process, waits for the first to be released.
    """

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd: int | None = fd

    @classmethod
    def acquire(cls, archive_path: str | Path, wait: float = 0) -> WriterLock:
        """Take the archive's writer lock, waiting up to `wait` seconds; ArchiveLocked if not."""
        path = lock_path(archive_path)
        fd = open_lock_file(path)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, PID_WIDTH, 0).decode(errors="replace").strip() or "?"
                    os.close(fd)
                    raise ArchiveLocked(
                        f"another crawl (pid {holder}) is writing to "
                        f"{path.with_suffix('')}; try again later "
                        "or wait for it with -s ARCHIVE_LOCK_WAIT=SECONDS"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.pwrite(fd, str(os.getpid()).ljust(PID_WIDTH).encode(), 0)
        return cls(path, fd)

    @staticmethod
    def held_here(archive_path: str | Path) -> bool:
        """Whether this process holds the archive's writer lock (through its one owner)."""
        try:
            fd = open_lock_file(lock_path(archive_path), create=False)
        except ArchiveError:  # no lock file (nobody ever locked), or not a lock file at all
            return False
        try:
            # A lock of this process's owner is on another open file: this one cannot take it.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, PID_WIDTH, 0).split()[:1] == [str(os.getpid()).encode()]
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def release(self) -> None:
        """Give the lock back."""
        if self.fd is None:
            return
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None


def lock_path(archive_path: str | Path) -> Path:
    """Where an archive's writer lock lives: beside the archive's real file."""
    return Path(f"{Path(archive_path).resolve()}.lock")


def open_lock_file(path: Path, create: bool = True) -> int:
    """The lock file's descriptor, created if missing unless not `create`; ArchiveError when it
    cannot be opened or holds anything but a regular file of its own (a link, a FIFO, a folder,
    a device)."""
    refused = ArchiveError(f"the writer lock {path} is not a regular file: "
                           "remove it, or put the archive elsewhere")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, OPEN_FLAGS if create else OPEN_FLAGS & ~os.O_CREAT, 0o644)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise refused from None
        raise ArchiveError(
            f"cannot write beside the archive {path.with_suffix('')}: "
            f"{error.strerror or error}") from None
    info = os.fstat(fd)
    # A second hard link would make the lock's pid overwrite another file's first bytes.
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        raise refused
    os.set_blocking(fd, True)
    return fd
