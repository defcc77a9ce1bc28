"""Fixtures: the sample news sites on 127.0.0.1, a temporary archive, real crawls, CLI runs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.demo import DigestSite, LedgerSite, LegacySite, RunningServer, serve

REPO_ROOT = Path(__file__).resolve().parents[1]  # where scrapy.cfg is
SHARED = REPO_ROOT.parent / "shared"  # data shared between checkouts; absent in a fresh clone
# Settings that make a crawl of the local sites quick: no politeness delays on loopback.
TEST_SETTINGS = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "LOG_LEVEL=INFO",
)


@pytest.fixture
def digest_server() -> Iterator[RunningServer]:
    """A fresh WordPress-style site (the "digest" theme), served on its own port."""
    with serve(DigestSite()) as server:
        yield server


@pytest.fixture
def ledger_server() -> Iterator[RunningServer]:
    """A fresh modern news site (the "ledger" theme), served on its own port."""
    with serve(LedgerSite()) as server:
        yield server


@pytest.fixture
def legacy_server() -> Iterator[RunningServer]:
    """A fresh old table-layout site in windows-1252 (the "legacy" theme), on its own port."""
    with serve(LegacySite()) as server:
        yield server


@pytest.fixture
def outside_server() -> Iterator[RunningServer]:
    """Another site on 127.0.0.1 that the others link to: a crawl of them must never reach it."""
    with serve(DigestSite(count=6, seed=99)) as server:
        yield server


def old_schema_archive(path: Path, version: int) -> Any:
    """A sqlite-utils Database at path with the schema as migrations 1..version left it, as an
    archive of an older crawler has it; the caller inserts its rows and closes it."""
    import sqlite_utils

    from crawler.archive.schema import MIGRATIONS

    old = sqlite_utils.Database(path)
    for number, migration in enumerate(MIGRATIONS[:version], 1):
        with old.atomic():
            migration(old)
            old.execute(f"PRAGMA user_version = {number}")
    return old


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """Where a test's archive lives; no file until a crawl makes it."""
    return tmp_path / "archive.db"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.pop("SCRAPY_SETTINGS_MODULE", None)  # scrapy.cfg at the repo root names the settings
    return env


def crawl_command(
    start_urls: list[str] | str, archive: Path, *extra_args: str, spider: str = "news"
) -> list[str]:
    """The `scrapy crawl <spider>` command line of a test crawl (no start URLs: pass [])."""
    urls = [start_urls] if isinstance(start_urls, str) else list(start_urls)
    command = [sys.executable, "-m", "scrapy", "crawl", spider,
               "-a", f"start_urls={','.join(urls)}", "-s", f"ARCHIVE_PATH={archive}"]
    for setting in TEST_SETTINGS:
        command += ["-s", setting]
    return command + list(extra_args)


class StartedCrawl:
    """A test crawl running in the background; its output goes to files, so it never blocks."""

    def __init__(self, command: list[str]) -> None:
        # closed by wait(), which the fixture calls for every crawl a test leaves behind
        self._out = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._err = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(command, cwd=REPO_ROOT, env=_env(), stdout=self._out,
                                     stderr=self._err, text=True)

    def poll(self) -> int | None:
        """The exit status, or None while the crawl runs."""
        return self.proc.poll()

    def kill(self) -> None:
        """SIGKILL the crawl, as the OOM killer or a power cut would, and reap it."""
        self.proc.kill()
        self.proc.wait(timeout=30)

    def wait(self, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Wait for the crawl to end; its exit status and output."""
        self.proc.wait(timeout=timeout)
        output = []
        for stream in (self._out, self._err):
            if not stream.closed:
                stream.seek(0)
                output.append(stream.read())
                stream.close()
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode,
                                           *(output or ["", ""]))


def start_crawl(
    start_urls: list[str] | str, archive: Path, *extra_args: str, spider: str = "news"
) -> StartedCrawl:
    """Start a test crawl in the background; the caller waits for it (or kills it)."""
    return StartedCrawl(crawl_command(start_urls, archive, *extra_args, spider=spider))


def run_crawl(
    start_urls: list[str] | str,
    archive: Path,
    *extra_args: str,
    spider: str = "news",
    timeout: float = 120,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run the real `scrapy crawl <spider>` on the start URLs into the archive; return the run.

    With check, a crawl that exits non-zero fails the test with the end of its log.
    """
    command = crawl_command(start_urls, archive, *extra_args, spider=spider)
    proc = subprocess.run(
        command, cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=timeout
    )
    if check:
        assert proc.returncode == 0, f"crawl exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return proc


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m crawler <args>` from the repo root; return the run."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=timeout,
    )


class ArchiveReader:
    """Read-only access to a crawl's archive with the standard sqlite3 module."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """The rows of a query as dicts."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()

    def latest(self) -> dict[str, dict[str, Any]]:
        """The newest version of every article, by URL, authors decoded."""
        rows = self.rows("SELECT * FROM latest")
        for row in rows:
            row["authors"] = json.loads(row["authors"] or "[]")
        return {row["url"]: row for row in rows}

    def versions(self) -> dict[str, list[int]]:
        """The version numbers of every article, by URL."""
        out: dict[str, list[int]] = {}
        for row in self.rows(
            "SELECT a.url, v.version FROM versions v JOIN articles a ON a.id = v.article_id "
            "ORDER BY a.url, v.version"
        ):
            out.setdefault(row["url"], []).append(row["version"])
        return out

    def last_crawl(self) -> dict[str, Any]:
        """The most recent crawls row."""
        return self.rows("SELECT * FROM crawls ORDER BY id DESC LIMIT 1")[0]


@pytest.fixture(name="run_crawl")
def run_crawl_fixture() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_crawl(start_urls, archive, *extra_args, spider="news", timeout=120)`."""
    return run_crawl


@pytest.fixture(name="start_crawl")
def start_crawl_fixture() -> Iterator[Callable[..., StartedCrawl]]:
    """`start_crawl(start_urls, archive, *extra_args)`: a `StartedCrawl` in the background.

    Crawls the test left running are killed when it ends.
    """
    started: list[StartedCrawl] = []

    def start(*args: Any, **kwargs: Any) -> StartedCrawl:
        started.append(start_crawl(*args, **kwargs))
        return started[-1]

    yield start
    for crawl in started:
        if crawl.poll() is None:
            crawl.kill()
        crawl.wait()


@pytest.fixture(name="run_cli")
def run_cli_fixture() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_cli(*args)`: `python -m crawler <args>` as a subprocess."""
    return run_cli


@pytest.fixture
def archive_db(archive_path: Path) -> ArchiveReader:
    """A reader of the test's archive (open it after a crawl)."""
    return ArchiveReader(archive_path)


@pytest.fixture
def seeds_dir() -> Path:
    """The real pages' text under ../shared/seeds; skips the test when it is absent."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is absent")
    return path


# Crawls to start, signal, watch or measure while they run (faults and hostile-input tests).


def own_peak_memory(pid: int) -> int | None:
    """A running process's peak resident memory (bytes), its own only.

    A child's ru_maxrss also counts the memory of the parent it was forked from, before it
    ran its program: a test process grown large would make every child look large.
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


class BackgroundCrawl:
    """A real `scrapy crawl` in the background whose log can be read while it runs, that can
    be started with Popen options (resource limits) and reports its peak memory when reaped."""

    def __init__(self, command: list[str], log: Path, **popen: Any) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(command, cwd=REPO_ROOT, env=_env(), stdout=self._out,
                                     stderr=subprocess.STDOUT, **popen)
        self.peak_memory = 0  # bytes: the most the process held, read while it ran

    @property
    def pid(self) -> int:
        """The crawl's process id."""
        return self.proc.pid

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.proc.returncode is None and self._reap() is None

    def _reap(self) -> int | None:
        self.peak_memory = max(self.peak_memory, own_peak_memory(self.proc.pid) or 0)
        pid, status, _ = os.wait4(self.proc.pid, os.WNOHANG)
        if pid:
            self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.proc.returncode

    def wait(self, timeout: float = 120) -> int:
        """Wait for the process to exit (killing it after timeout); returns its exit status."""
        deadline = time.monotonic() + timeout
        while self.proc.returncode is None and self._reap() is None:
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"crawl still running after {timeout} s:\n"
                                     f"{self.output()[-4000:]}")
            time.sleep(0.02)
        self._out.close()
        return self.proc.returncode

    def output(self) -> str:
        """What the crawl printed so far: its log and its summary line."""
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Kill the process if it still runs, and reap it."""
        if self.proc.returncode is None:
            self.proc.kill()
            self.wait()
        self._out.close()


@pytest.fixture(name="background_crawl", scope="session")
def background_crawl_fixture(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., BackgroundCrawl]]:
    """`background_crawl(start_urls, archive, *extra_args, spider="news", **popen)` starts a
    real crawl and returns its `BackgroundCrawl`; crawls still running at the end are killed."""
    started: list[BackgroundCrawl] = []
    logs = tmp_path_factory.mktemp("crawl-logs")

    def start(start_urls: list[str] | str, archive: Path, *extra_args: str,
              spider: str = "news", **popen: Any) -> BackgroundCrawl:
        command = crawl_command(start_urls, archive, *extra_args, spider=spider)
        started.append(BackgroundCrawl(command, logs / f"crawl-{len(started) + 1}.log", **popen))
        return started[-1]

    yield start
    for crawl in started:
        crawl.stop()
