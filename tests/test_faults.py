"""Faults an archive meets in months of unattended crawls, with real crawls and real SQLite reads.

A crawl killed at any moment, stopped by a signal, read while it writes, refused its disk, or
handed an archive of an older schema: the archive stays sound and the next crawl loses nothing.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.archive import Archive
from crawler.archive.diff import content_hash
from crawler.archive.schema import SCHEMA_VERSION, V1
from crawler.demo import DigestSite, LedgerSite, RunningServer, serve

# Crawl times: the first crawl, and a later one when every young article is due again.
FIRST = ("-s", "CRAWL_CLOCK=2025-10-06T08:00:00Z")
LATER = ("-s", "CRAWL_CLOCK=2025-10-06T08:30:00Z")
RECHECK_ALL = ("-a", "recheck=all")
KILL_SEED = 20251006  # the kill moments are random, but the same on every run
STORIES = 40  # stories per sample site: a crawl of the two takes a few seconds
MIN_KILL_DELAY = 0.3  # seconds after the start of a crawl before the earliest kill
EXIT_INTERRUPTED = 3  # `scrapy crawl`'s exit status after Ctrl-C or SIGTERM
MIN_SNAPSHOTS = 200  # reader snapshots that must run during the crawls of the reader test
MIN_CLI_RUNS = 6  # `crawler` commands that must run during those crawls
OLD_URL = "https://old.example.org/2024/12/30/pier-reopens-after-storm-repairs/"  # a v1 story


# Helpers


@contextmanager
def sample_sites(count: int = STORIES, **options: Any) -> Iterator[list[RunningServer]]:
    """A fresh pair of sample sites (both themes), identical whenever they are made."""
    with ExitStack() as stack:
        yield [stack.enter_context(serve(DigestSite(count=count, **options))),
               stack.enter_context(serve(LedgerSite(count=count, **options)))]


def home_pages(servers: list[RunningServer]) -> list[str]:
    return [server.url("/") for server in servers]


def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection with the sqlite3 module's defaults, as a researcher opens one."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def local(url: str) -> str:
    """A URL without its scheme and host: the same story on two copies of a site match."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def archive_state(path: Path) -> tuple[set[str], set[tuple[str, int, str]]]:
    """The archive's articles and its (article, version, content hash) rows, site-independent."""
    conn = connect_ro(path)
    try:
        articles = {local(url) for (url,) in conn.execute("SELECT url FROM articles")}
        versions = {
            (local(url), number, digest) for url, number, digest in conn.execute(
                "SELECT a.url, v.version, v.content_hash FROM versions v "
                "JOIN articles a ON a.id = v.article_id")
        }
    finally:
        conn.close()
    return articles, versions


def stories_in(path: Path) -> int:
    """How many articles the archive holds (0 when a kill left no archive or no schema)."""
    try:
        return len(archive_state(path)[0]) if path.exists() else 0
    except sqlite3.OperationalError:
        return 0


def soundness_problems(path: Path) -> list[str]:
    """What is wrong with the archive as a database and as an archive; empty when sound."""
    conn = sqlite3.connect(path)  # read-write, as the next crawl opens it (recovers the WAL)
    try:
        problems = []
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        if "fetches" not in tables:  # killed before the schema was made: nothing to lose
            return problems
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {foreign[:5]}")
        for what, sql in (
            ("versions without their article",
             "SELECT COUNT(*) FROM versions v WHERE NOT EXISTS "
             "(SELECT 1 FROM articles a WHERE a.id = v.article_id)"),
            ("versions without their crawl",
             "SELECT COUNT(*) FROM versions v WHERE v.crawl_id IS NULL OR NOT EXISTS "
             "(SELECT 1 FROM crawls c WHERE c.id = v.crawl_id)"),
            ("articles without a version",
             "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
             "(SELECT 1 FROM versions v WHERE v.article_id = a.id)"),
            ("versions without the fetch that wrote them",
             "SELECT COUNT(*) FROM versions v WHERE NOT EXISTS "
             "(SELECT 1 FROM fetches f WHERE f.version_id = v.id)"),
            ("gaps in version numbers",
             "SELECT COUNT(*) FROM (SELECT article_id FROM versions GROUP BY article_id "
             "HAVING MAX(version) != COUNT(*))"),
        ):
            count = conn.execute(sql).fetchone()[0]
            if count:
                problems.append(f"{count} {what}")
        try:
            conn.execute("INSERT INTO versions_fts(versions_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as error:
            problems.append(f"versions_fts: {error}")
        return problems
    finally:
        conn.close()


def crawl_rows(path: Path) -> list[dict[str, Any]]:
    conn = connect_ro(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM crawls ORDER BY id")]
    finally:
        conn.close()


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables aside), to compare an archive before/after."""
    conn = connect_ro(path)
    try:
        names = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")]
        return {name: sorted(conn.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr)
                for name in names}
    finally:
        conn.close()


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


# SIGKILL at random moments


# How the sample sites let a crawl find their stories: as they come (links, an RSS feed and
# sitemaps in robots.txt), and by links alone, as many small sites do.
DISCOVERY = {"feeds and sitemaps": {}, "links only": {"feed_size": 0, "sitemaps": False}}


def kill_trials(trials: int, discovery: str, tmp_path: Path,
                background_crawl: Callable[..., Any], run_crawl: Callable[..., Any]) -> None:
    """Kill `trials` crawls at random moments; each must leave a sound archive that the next
    crawl completes to exactly what one uninterrupted crawl archives."""
    options = DISCOVERY[discovery]
    with sample_sites(**options) as servers:
        started = time.monotonic()
        run_crawl(home_pages(servers), tmp_path / "reference.db", *FIRST)
        duration = time.monotonic() - started
    reference = archive_state(tmp_path / "reference.db")
    rng = random.Random(KILL_SEED + trials)
    outcomes, failures = [], []
    for trial in range(trials):
        delay = rng.uniform(MIN_KILL_DELAY, max(0.9 * duration, MIN_KILL_DELAY * 2))
        archive = tmp_path / f"trial-{trial}" / "archive.db"
        with sample_sites(**options) as servers:
            crawl = background_crawl(home_pages(servers), archive, *FIRST)
            time.sleep(delay)
            alive = crawl.running()
            if alive:
                os.kill(crawl.pid, signal.SIGKILL)
            crawl.wait()
            problems = soundness_problems(archive) if archive.exists() else []
            at_kill = stories_in(archive) if not problems else 0
            after = run_crawl(home_pages(servers), archive, *LATER, *RECHECK_ALL, check=False)
        outcome = (f"trial {trial}: killed at {delay:.2f} s "
                   f"({'mid-crawl' if alive else 'after it ended'}), {at_kill} articles archived")
        if after.returncode != 0:
            problems.append(f"next crawl exited {after.returncode}: {after.stderr[-600:]}")
        else:
            problems += [f"after the next crawl: {p}" for p in soundness_problems(archive)]
            articles, versions = archive_state(archive)
            missing = sorted(reference[0] - articles)
            if missing or articles != reference[0]:
                problems.append(f"after the next crawl {len(missing)} of {len(reference[0])} "
                                f"stories are missing (e.g. {missing[:2]}), "
                                f"{len(articles - reference[0])} extra")
            elif versions != reference[1]:
                problems.append(f"versions differ from the reference: "
                                f"{sorted(versions ^ reference[1])[:3]}")
            statuses = [row["status"] for row in crawl_rows(archive)]
            if "running" in statuses or statuses[-1] != "finished":
                problems.append(f"crawls.status after the next crawl: {statuses}")
            # a process killed while it shuts down, after its crawl recorded how it ended,
            # keeps that record: 'finished' is the truth then, not 'killed'
            elif len(statuses) == 2 and statuses[0] not in (
                    ("killed", "finished") if alive else ("finished",)):
                problems.append(f"the first crawl is recorded as {statuses[0]!r}")
        outcomes.append(outcome + (": " + "; ".join(problems) if problems else ": ok"))
        if problems:
            failures.append(outcomes[-1])
    killed = sum("mid-crawl" in outcome for outcome in outcomes)
    print(f"\nSIGKILL, sites with {discovery}: {trials - len(failures)} of {trials} trials "
          f"({killed} killed mid-crawl) recovered exactly (reference crawl {duration:.1f} s, "
          f"{len(reference[0])} stories)")
    print("\n".join(outcomes))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("discovery", DISCOVERY)
def test_crawls_killed_at_random_moments_leave_a_sound_archive_that_the_next_crawl_completes(
    discovery, tmp_path, background_crawl, run_crawl
) -> None:
    kill_trials(3, discovery, tmp_path, background_crawl, run_crawl)


@pytest.mark.slow
@pytest.mark.parametrize("discovery", DISCOVERY)
def test_twenty_crawls_killed_at_random_moments(
    discovery, tmp_path, background_crawl, run_crawl
) -> None:
    kill_trials(20, discovery, tmp_path, background_crawl, run_crawl)


# SIGTERM and SIGINT


def wait_for_versions(path: Path, count: int, crawl: Any, timeout: float = 60) -> None:
    """Wait until the archive holds `count` versions (the crawl is mid-way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert crawl.running(), f"the crawl ended early:\n{crawl.output()[-3000:]}"
        if path.exists():
            try:
                conn = connect_ro(path)
                try:
                    if conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0] >= count:
                        return
                finally:
                    conn.close()
            except sqlite3.OperationalError:
                pass  # the schema is not made yet
        time.sleep(0.02)
    raise AssertionError(f"no {count} versions after {timeout} s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_crawl_gracefully_and_keeps_what_it_archived(
    signum, tmp_path, archive_path, background_crawl
) -> None:
    with sample_sites(count=80) as servers:
        crawl = background_crawl(home_pages(servers), archive_path, *FIRST)
        wait_for_versions(archive_path, 5, crawl)
        os.kill(crawl.pid, signum)
        status = crawl.wait(timeout=60)
        truth = {local(url): story for server in servers
                 for url, story in server.site.expected().items()}

    output = crawl.output()
    assert status == EXIT_INTERRUPTED, output[-3000:]
    assert re.search(r"^Interrupted: .*\d+ new articles", output, re.M), output[-2000:]
    assert "Traceback" not in output, output
    assert soundness_problems(archive_path) == []
    [row] = crawl_rows(archive_path)
    assert row["status"] == "interrupted"
    assert row["finished_at"]
    conn = connect_ro(archive_path)
    try:
        articles = conn.execute("SELECT COUNT(*) FROM articles WHERE first_crawl_id = ?",
                                (row["id"],)).fetchone()[0]
        versions = conn.execute("SELECT COUNT(*) FROM versions WHERE crawl_id = ?",
                                (row["id"],)).fetchone()[0]
        archived = conn.execute("SELECT url, title, body FROM latest").fetchall()
    finally:
        conn.close()
    assert row["pages_fetched"] >= articles >= 5
    assert (row["articles_new"], row["versions_new"]) == (articles, versions)
    assert json.loads(row["stats"])["finish_reason"] == "shutdown"
    assert archived and len(archived) < len(truth), "the crawl was not stopped mid-way"
    for url, title, body in archived:
        assert (title, body) == (truth[local(url)].title, truth[local(url)].body), url


def test_the_crawl_after_an_interrupted_one_archives_what_it_missed(
    archive_path, background_crawl, run_crawl
) -> None:
    # Twice the usual stories, stopped at three in eight: the crawl writes in batches and is
    # quick, so stopping nearer its end could find it already finished.
    with sample_sites(count=STORIES * 2, **DISCOVERY["links only"]) as servers:
        crawl = background_crawl(home_pages(servers), archive_path, *FIRST)
        wait_for_versions(archive_path, STORIES * 3 // 2, crawl)
        os.kill(crawl.pid, signal.SIGTERM)
        assert crawl.wait(timeout=60) == EXIT_INTERRUPTED, crawl.output()[-3000:]
        interrupted = archive_state(archive_path)[0]

        run_crawl(home_pages(servers), archive_path, *LATER, *RECHECK_ALL)
        truth = {local(url) for server in servers for url in server.site.expected()}

    archived = archive_state(archive_path)[0]
    missing = sorted(truth - archived)
    assert not missing, (f"{len(missing)} of {len(truth)} stories never archived after a crawl "
                         f"interrupted at {len(interrupted)}: {missing[:3]}")


# Readers during crawls


class Readers:
    """Researchers reading the archive while crawls write it: SQL snapshots and CLI commands."""

    def __init__(self, path: Path, word: str) -> None:
        self.path = path
        self.word = word
        self.stop = threading.Event()
        self.snapshots = 0
        self.cli_runs = 0
        self.errors: list[str] = []
        self.counts = (0, 0)  # articles, versions seen last
        self.urls: list[str] = []
        self.threads = [threading.Thread(target=self._guard, args=(fn,), daemon=True)
                        for fn in (self._sql, self._cli)]

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _guard(self, loop: Callable[[], None]) -> None:
        try:
            loop()
        except Exception as error:  # a reader that dies must fail the test, not vanish
            self.errors.append(f"reader crashed: {error!r}")

    def _sql(self) -> None:
        while not self.stop.is_set():
            try:
                self._snapshot()
            except sqlite3.OperationalError as error:
                self.errors.append(f"SQL reader: {error}")
            self.snapshots += 1
            time.sleep(0.003)

    def _snapshot(self) -> None:
        conn = connect_ro(self.path)
        try:
            conn.execute("BEGIN")  # one snapshot: every count below sees the same commit
            articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            versions = conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
            latest = conn.execute("SELECT url, version, title, body FROM latest").fetchall()
            orphans = conn.execute(
                "SELECT COUNT(*) FROM versions v LEFT JOIN articles a ON a.id = v.article_id "
                "LEFT JOIN crawls c ON c.id = v.crawl_id WHERE a.id IS NULL OR c.id IS NULL"
            ).fetchone()[0]
            unfetched = conn.execute(
                "SELECT COUNT(*) FROM versions v WHERE NOT EXISTS "
                "(SELECT 1 FROM fetches f WHERE f.version_id = v.id)").fetchone()[0]
            conn.execute("COMMIT")
        finally:
            conn.close()
        if orphans or unfetched:
            self.errors.append(f"half-written versions: {orphans} without article or crawl, "
                               f"{unfetched} without their fetch")
        if len(latest) != articles or any(not body for _, _, _, body in latest):
            self.errors.append(f"{articles} articles but {len(latest)} latest versions")
        if (articles, versions) < self.counts or versions < self.counts[1]:
            self.errors.append(f"counts went down: {self.counts} -> {(articles, versions)}")
        self.counts = (articles, versions)
        if latest:
            self.urls = [row[0] for row in latest]

    def _cli(self) -> None:
        db = ["--db", str(self.path)]
        commands = [["search", self.word, "--json", *db], ["crawls", *db]]
        while not self.stop.is_set():
            for command in commands + ([["history", random.choice(self.urls), "--json", *db]]
                                       if self.urls else []):
                proc = subprocess.run([sys.executable, "-m", "crawler", *command],
                                      capture_output=True, text=True, timeout=60)
                self.cli_runs += 1
                if proc.returncode != 0 or "locked" in proc.stderr:
                    self.errors.append(f"crawler {command[0]}: exit {proc.returncode}, "
                                       f"{proc.stderr.strip()[-300:]}")
                elif command[0] == "history":
                    numbers = [json.loads(line)["version"] for line in proc.stdout.splitlines()]
                    if numbers != list(range(1, len(numbers) + 1)) or not numbers:
                        self.errors.append(f"history shows versions {numbers}")


def test_readers_during_crawls_never_meet_a_lock_or_a_half_written_version(
    tmp_path, archive_path, run_crawl
) -> None:
    with sample_sites() as servers:
        urls = home_pages(servers)
        word = servers[0].site.live_stories()[0].title.split()[-1]
        Archive.open(archive_path).close()  # an empty archive: readers start before any crawl
        started = time.monotonic()
        with Readers(archive_path, word) as readers:
            while not readers.snapshots:
                time.sleep(0.01)
            run_crawl(urls, archive_path, *FIRST)
            for server in servers:
                site = server.site
                for story in site.live_stories()[:8]:
                    site.edit_body(story, lambda old: [*old, "A correction was added later."])
                for _ in range(5):
                    site.add_story()
                site.churn()
            run_crawl(urls, archive_path, *LATER, *RECHECK_ALL)
        seconds = time.monotonic() - started

    queries = readers.snapshots + readers.cli_runs
    print(f"\nreaders: {queries} queries during two crawls in {seconds:.1f} s "
          f"({readers.snapshots} SQL snapshots, {readers.cli_runs} crawler commands), "
          f"{len(readers.errors)} errors")
    assert readers.errors == [], readers.errors[:10]
    assert readers.snapshots >= MIN_SNAPSHOTS
    assert readers.cli_runs >= MIN_CLI_RUNS
    assert readers.counts[1] > readers.counts[0] > 0, "the readers never saw the crawls' work"


# An archive the crawl cannot write


def chattr_works(probe: Path) -> bool:
    """True when this machine lets the tests make a directory immutable (root, ext4 ...)."""
    probe.mkdir()
    try:
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True)
    except FileNotFoundError:
        return False
    if done.returncode != 0:
        return False
    try:
        (probe / "file").write_text("x")
    except OSError:
        return True
    finally:
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
    return False  # immutable, yet writable: the flag does nothing here


def assert_one_clear_error(status: int, output: str, mentions: str) -> None:
    assert status != 0, f"the crawl exited 0:\n{output[-3000:]}"
    errors = error_lines(output)
    assert len(errors) == 1, f"{len(errors)} 'Error:' lines:\n{output[-3000:]}"
    assert mentions in errors[0], errors[0]
    assert "Traceback" not in output, f"a traceback instead of one line:\n{output[-4000:]}"


def test_archive_under_a_file_is_one_clear_error(tmp_path, run_crawl) -> None:
    (tmp_path / "not-a-directory").write_text("a file where the archive's folder should be")
    archive = tmp_path / "not-a-directory" / "archive.db"
    with sample_sites(count=4) as servers:
        proc = run_crawl(home_pages(servers[:1]), archive, check=False)
        untouched = servers[0].requests == []

    assert_one_clear_error(proc.returncode, proc.stdout + proc.stderr, "not-a-directory")
    assert untouched, "the crawl fetched pages it could not archive"


def test_read_only_archive_folder_is_one_clear_error_and_the_archive_stays_intact(
    tmp_path, run_crawl
) -> None:
    if not chattr_works(tmp_path / "probe"):
        pytest.skip("chattr +i is not available here (needs root on a filesystem with it)")
    folder = tmp_path / "archive"
    archive = folder / "archive.db"
    with sample_sites(count=6) as servers:
        run_crawl(home_pages(servers[:1]), archive, *FIRST)
        before = table_dump(archive)
        servers[0].site.add_story()
        frozen = [*folder.iterdir(), folder]  # as on a read-only mount: no file can change
        subprocess.run(["chattr", "+i", *map(str, frozen)], check=True)
        try:
            proc = run_crawl(home_pages(servers[:1]), archive, *LATER, check=False)
        finally:
            subprocess.run(["chattr", "-i", *map(str, frozen)], check=True)

    assert_one_clear_error(proc.returncode, proc.stdout + proc.stderr, str(archive))
    assert table_dump(archive) == before
    assert soundness_problems(archive) == []


def test_full_disk_fails_the_crawl_clearly_and_the_next_crawl_loses_nothing(
    tmp_path, archive_path, background_crawl, run_crawl
) -> None:
    limit = 256 * 1024  # bytes any file of the crawl may grow to: a disk about to fill up

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with sample_sites(count=10) as servers:
        urls = home_pages(servers[:1])
        run_crawl(urls, archive_path, *FIRST)
        before = table_dump(archive_path)
        site = servers[0].site
        for story in site.live_stories():
            site.edit_body(story, lambda old: [*old, "The figures were revised on Monday."])
        for _ in range(10):
            site.add_story()
        crawl = background_crawl(urls, archive_path, *LATER, *RECHECK_ALL,
                                 preexec_fn=small_disk)
        status = crawl.wait()
        output = crawl.output()
        full = table_dump(archive_path)
        assert soundness_problems(archive_path) == []
        after = run_crawl(urls, archive_path, "-s", "CRAWL_CLOCK=2025-10-06T09:00:00Z",
                          *RECHECK_ALL)
        truth = {local(url): story for url, story in site.expected().items()}

    assert "disk I/O error" in output or "full" in output, "the disk never filled up"
    assert_one_clear_error(status, output, str(archive_path))
    # what was archived before the disk filled is all there: versions are never rewritten
    assert set(before["versions"]) <= set(full["versions"])
    assert {row[:2] for row in before["articles"]} <= {row[:2] for row in full["articles"]}
    assert "Traceback" not in after.stderr
    conn = connect_ro(archive_path)
    try:
        latest = {local(url): (title, body)
                  for url, title, body in conn.execute("SELECT url, title, body FROM latest")}
    finally:
        conn.close()
    assert set(latest) == set(truth), "stories lost to the full disk"
    for path, story in truth.items():
        assert latest[path] == (story.title, story.body), path


# An archive of an older schema


def build_v1_archive(path: Path, served_url: str) -> dict[str, Any]:
    """A version-1 archive made by hand: two crawls, two articles (one on the served site)."""
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    old_story = {"title": "Pier reopens after storm repairs",
                 "summary": "The pier is open again.",
                 "body": "The pier reopened on Saturday after the winter storm repairs."}
    edited = {**old_story, "body": old_story["body"] + "\n\nThe quayside gelateria opens in May."}
    served_old = {"title": "An earlier headline of the served story", "summary": None,
                  "body": "What the served story said when the old crawler archived it."}
    with conn:
        conn.executemany(
            "INSERT INTO crawls (id, spider, started_at, finished_at, status, start_urls, "
            "pages_fetched, articles_new, versions_new) VALUES (?, 'news', ?, ?, 'finished', "
            "'[]', ?, ?, ?)",
            [(1, "2025-01-01T08:00:00Z", "2025-01-01T08:01:00Z", 3, 2, 2),
             (2, "2025-01-02T08:00:00Z", "2025-01-02T08:01:00Z", 2, 0, 1)])
        conn.executemany(
            "INSERT INTO articles (id, url, site, first_seen, last_seen, first_crawl_id, "
            "last_crawl_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(1, OLD_URL, "example.org", "2025-01-01T08:00:10Z", "2025-01-02T08:00:10Z", 1, 2),
             (2, served_url, urlsplit(served_url).netloc, "2025-01-01T08:00:20Z",
              "2025-01-01T08:00:20Z", 1, 1)])
        for vid, article, number, crawl, fields in (
            (1, 1, 1, 1, old_story), (2, 2, 1, 1, served_old), (3, 1, 2, 2, edited),
        ):
            conn.execute(
                "INSERT INTO versions (id, article_id, version, crawl_id, fetched_at, "
                "fetched_url, status, content_hash, title, summary, authors, body) "
                "VALUES (?, ?, ?, ?, ?, ?, 200, ?, ?, ?, '[\"Ann Reporter\"]', ?)",
                (vid, article, number, crawl, f"2025-01-0{crawl}T08:00:30Z",
                 None, content_hash(fields), fields["title"], fields["summary"],
                 fields["body"]))
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    return {"old": old_story, "edited": edited, "served_old": served_old}


def test_version_1_archive_is_migrated_in_place_with_a_backup_and_keeps_its_rows(
    tmp_path, archive_path, run_crawl
) -> None:
    with serve(DigestSite(count=6)) as server:
        served = server.site.live_stories()[0]
        texts = build_v1_archive(archive_path, server.site.url(served))
        v1_rows = table_dump(archive_path)

        proc = run_crawl(server.url("/"), archive_path, *FIRST)
        expected = server.site.expected()
        server_url = server.site.url

    assert "Traceback" not in proc.stderr
    backup = archive_path.with_name("archive.db.v1.bak")
    assert backup.is_file(), sorted(p.name for p in archive_path.parent.iterdir())
    conn = connect_ro(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert table_dump(backup) == v1_rows

    assert soundness_problems(archive_path) == []
    conn = connect_ro(archive_path)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        versions = {(row["article_id"], row["version"]): row for row in conn.execute(
            "SELECT * FROM versions WHERE id <= 3")}
        assert {key: (row["title"], row["body"]) for key, row in versions.items()} == {
            (1, 1): (texts["old"]["title"], texts["old"]["body"]),
            (1, 2): (texts["edited"]["title"], texts["edited"]["body"]),
            (2, 1): (texts["served_old"]["title"], texts["served_old"]["body"]),
        }
        served_versions = conn.execute(
            "SELECT version, title, body FROM versions WHERE article_id = 2 ORDER BY version"
        ).fetchall()
        assert [tuple(row) for row in served_versions] == [
            (1, texts["served_old"]["title"], texts["served_old"]["body"]),
            (2, served.title, served.body)]
        articles = {row["url"] for row in conn.execute("SELECT url FROM articles")}
        assert {OLD_URL, server_url(served)} < articles <= {OLD_URL, *expected}
        fetched = conn.execute(
            "SELECT COUNT(*) FROM fetches WHERE version_id IN (1, 2, 3)").fetchone()[0]
        assert fetched == 3, "the migration gave old versions no fetch records"
        crawls = [tuple(row) for row in conn.execute("SELECT id, status FROM crawls")]
        assert crawls == [(1, "finished"), (2, "finished"), (3, "finished")]
        hits = conn.execute("SELECT rowid FROM versions_fts WHERE versions_fts MATCH 'gelateria'"
                            ).fetchall()
        assert [row[0] for row in hits] == [3], "the old versions left the full-text index"
    finally:
        conn.close()
