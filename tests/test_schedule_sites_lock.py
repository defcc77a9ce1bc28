"""Revisit schedule, sites files and the writer lock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.archive import ArchiveError
from crawler.archive.lock import ArchiveLocked, WriterLock
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule, ScheduleError, parse_duration
from crawler.demo import RunningServer
from crawler.sites import SitesError, load_sites

T0 = "2025-10-06T12:00:00Z"


@pytest.mark.parametrize(
    ("now", "first_seen", "last_changed", "expected"),
    [
        ("2025-10-06T12:00:00Z", T0, T0, "2025-10-06T12:30:00Z"),  # brand new: 30 min
        ("2025-10-06T16:00:00Z", T0, T0, "2025-10-06T19:00:00Z"),  # 4 h old: 3 h
        ("2025-10-08T12:00:00Z", T0, T0, "2025-10-09T00:00:00Z"),  # 2 days: 12 h
        ("2025-10-11T12:00:00Z", T0, T0, "2025-10-12T12:00:00Z"),  # 5 days: daily
        ("2025-10-20T12:00:00Z", T0, T0, "2025-10-27T12:00:00Z"),  # 2 weeks: weekly
        ("2025-11-06T12:00:00Z", T0, T0, None),  # past 30 days and stable: never again
        # old but changed an hour ago: young again
        ("2025-11-06T12:00:00Z", T0, "2025-11-06T11:00:00Z", "2025-11-06T12:30:00Z"),
    ],
)
def test_default_schedule(now, first_seen, last_changed, expected) -> None:
    assert DEFAULT_SCHEDULE.next_check(now, first_seen, last_changed) == expected


@pytest.mark.parametrize("steps", ["", "3h", "3h:xx", "1d:1h, 3h:15m", "3 hours:15m"])
def test_bad_schedules_are_named_errors(steps: str) -> None:
    with pytest.raises(ScheduleError):
        Schedule.parse(steps)


def test_durations() -> None:
    assert parse_duration("90s").total_seconds() == 90
    assert parse_duration("1w").days == 7


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_sites_file(tmp_path: Path) -> None:
    path = write(tmp_path, """
        [defaults]
        revisit = "1h:10m, 2d:2h"
        revisit_max_age = "10d"

        [sites.asianlite]
        start_urls = ["https://asianlite.com/", "https://asianlite.com/category/news/"]
        profile = "arabdailydigital"
        max_pages = 20

        [sites.example]
        start_urls = "https://www.example.com/news/"
        revisit_max_age = "3d"
    """)
    first, second = load_sites(path)
    assert first.site == "asianlite.com" and first.max_pages == 20 and first.max_hops is None
    assert first.profile == "arabdailydigital"
    assert first.schedule.next_check(T0, T0, T0) == "2025-10-06T12:10:00Z"
    assert second.site == "example.com" and second.schedule.max_age.days == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sites.a]\nstart_urls = []\n", "no start_urls"),
        ("[sites.a]\nstart_urls = ['ftp://x.org/']\n", "not an http(s) URL"),
        ("[sites.a]\nstart_urls = ['https://a.org/']\nmax_pages = -1\n", "whole number"),
        ("[sites.a]\nstart_urls = ['https://a.org/']\ncolour = 'red'\n", "unknown key"),
        ("[sites.a]\nstart_urls = ['https://a.org/']\nrevisit = 'soon'\n", "age:interval"),
        ("[sites.a]\nstart_urls = ['https://a.org/']\n[sites.b]\nstart_urls = "
         "['https://www.a.org/x']\n", "same site"),
        ("this is not toml", "cannot read"),
        ("[other]\n", "names no sites"),
    ],
)
def test_bad_sites_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SitesError, match=re.escape(message)):
        load_sites(write(tmp_path, text))


def test_missing_sites_file(tmp_path: Path) -> None:
    with pytest.raises(SitesError, match="no sites file"):
        load_sites(tmp_path / "nope.toml")


HOLD = """
import sys, time
from crawler.archive.lock import WriterLock
WriterLock.acquire(sys.argv[1])
print("held", flush=True)
time.sleep(60)
"""


def test_writer_lock_is_exclusive_and_dies_with_its_process(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(archive)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ArchiveLocked, match=f"pid {holder.pid}"):
            WriterLock.acquire(archive, wait=0.6)
    finally:
        holder.kill()  # SIGKILL: no cleanup runs, the kernel drops the lock
        holder.wait()
        holder.stdout.close()
    lock = WriterLock.acquire(archive)
    with pytest.raises(ArchiveLocked, match=f"pid {os.getpid()}"):
        WriterLock.acquire(archive)  # one owner: a second acquire waits, even in this process
    lock.release()
    assert lock.fd is None
    WriterLock.acquire(archive).release()


# The lock's path holds what someone planted there: it is refused, and left as it was.

SECRET = "a file the crawl's user can write, which must keep its content\n"


def plant(kind: str, lock: Path, tmp_path: Path) -> Path | None:
    """Put something other than a lock file of its own at the lock's path; the file it
    points at, if any."""
    target = tmp_path / "precious.txt"
    target.write_text(SECRET)
    if kind == "symlink":
        lock.symlink_to(target)
    elif kind == "dangling symlink":
        lock.symlink_to(tmp_path / "nowhere")
        return None
    elif kind == "hard link":
        os.link(target, lock)
    elif kind == "fifo":
        os.mkfifo(lock)
        return None
    else:
        lock.mkdir()
        return None
    return target


PLANTED = ["symlink", "dangling symlink", "hard link", "fifo", "directory"]


@pytest.mark.parametrize("kind", PLANTED)
def test_writer_lock_refuses_a_path_that_is_not_its_own_regular_file(
        tmp_path: Path, kind: str) -> None:
    archive = tmp_path / "archive.db"
    lock = tmp_path / "archive.db.lock"
    target = plant(kind, lock, tmp_path)
    with pytest.raises(ArchiveError, match="is not a regular file") as refused:
        WriterLock.acquire(archive)
    assert not isinstance(refused.value, ArchiveLocked)
    if target is not None:
        assert target.read_text() == SECRET
    assert not (tmp_path / "nowhere").exists()


def test_writer_lock_keeps_the_lock_file_and_rewrites_only_the_pid(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    lock = tmp_path / "archive.db.lock"
    lock.write_text("9" * 30)  # a longer leftover: the pid overwrites its start, no truncation
    held = WriterLock.acquire(archive)
    try:
        assert lock.read_text().split()[0] == str(os.getpid())
        assert len(lock.read_text()) == 30
    finally:
        held.release()


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_crawl_refuses_a_planted_lock_in_one_line_and_leaves_it(
        tmp_path: Path, kind: str, digest_server: RunningServer, run_crawl: Callable) -> None:
    archive = tmp_path / "archive.db"
    lock = tmp_path / "archive.db.lock"
    target = plant(kind, lock, tmp_path)
    proc = run_crawl(digest_server.url("/"), archive, check=False, timeout=60)

    assert proc.returncode == 1, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: the writer lock {archive.resolve()}.lock is not a regular file: "
                      "remove it, or put the archive elsewhere"], proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert digest_server.requests == [], "the crawl fetched pages it could not archive"
    assert not archive.exists()
    if target is not None:
        assert target.read_text() == SECRET
        assert lock.is_symlink()


def test_held_here_tells_whether_this_process_owns_the_lock(tmp_path: Path) -> None:
    archive = tmp_path / "archive.db"
    assert not WriterLock.held_here(archive)
    assert not (tmp_path / "archive.db.lock").exists()  # asking makes no lock file
    lock = WriterLock.acquire(archive)
    assert WriterLock.held_here(archive)
    assert WriterLock.held_here(archive)  # asking does not give the lock back
    lock.release()
    assert not WriterLock.held_here(archive)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(archive)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not WriterLock.held_here(archive)  # held, but by another process
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_crawl_without_the_crawl_command_writes_no_archive(
        tmp_path: Path, digest_server: RunningServer) -> None:
    archive = tmp_path / "archive.db"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", "spiders/news.py",
         "-a", f"start_urls={digest_server.url('/')}", "-s", f"ARCHIVE_PATH={archive}",
         "-s", "CLOSESPIDER_ITEMCOUNT=2", "-s", "DOWNLOAD_DELAY=0"],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"Not archiving to {archive}: only `scrapy crawl` takes its writer lock" in proc.stderr
    assert "'item_scraped_count'" in proc.stderr  # the crawl ran, its items went nowhere
    assert not archive.exists()
