"""The crawl with its worker pool and batched writer archives what the inline crawl does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import run_crawl

from crawler.demo import RunningServer

CLOCK = ("-s", "CRAWL_CLOCK=2025-10-06T08:00:00Z")


def archived(path: Path) -> tuple[dict[str, tuple], dict]:
    """Each article's versions (hash, change kind, page size, signature) and the crawl's counts."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            """SELECT a.url, v.version, v.content_hash, v.change_kind, p.size, s.signature
               FROM articles a JOIN versions v ON v.article_id = a.id
               LEFT JOIN pages p ON p.id = v.page_id
               LEFT JOIN signatures s ON s.article_id = a.id ORDER BY a.url, v.version""")
        versions = {url: rest for url, *rest in rows}
        conn.row_factory = sqlite3.Row
        [crawl] = conn.execute("SELECT status, pages_fetched, articles_new, versions_new, "
                               "unchanged, errors FROM crawls").fetchall()
        return versions, dict(crawl)
    finally:
        conn.close()


def test_pool_and_batches_archive_what_the_inline_crawl_does(
        digest_server: RunningServer, tmp_path: Path) -> None:
    home = digest_server.url("/")
    inline, pooled = tmp_path / "inline.db", tmp_path / "pooled.db"
    run_crawl(home, inline, *CLOCK, "-s", "CRAWL_POOL_PROCESSES=0", "-s", "ARCHIVE_BATCH_SIZE=1")
    # batches of 3 leave a part-filled batch for the timer and one for the crawl's end
    run_crawl(home, pooled, *CLOCK, "-s", "CRAWL_POOL_PROCESSES=2", "-s", "ARCHIVE_BATCH_SIZE=3",
              "-s", "ARCHIVE_BATCH_SECONDS=0.2")
    inline_versions, inline_counts = archived(inline)
    pooled_versions, pooled_counts = archived(pooled)
    assert len(inline_versions) == len(digest_server.site.expected())
    assert pooled_versions == inline_versions
    assert pooled_counts == inline_counts
    assert pooled_counts["articles_new"] == len(inline_versions)
    assert pooled_counts["status"] == "finished"


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def test_a_killed_crawl_leaves_no_worker_behind(tmp_path: Path, start_crawl) -> None:
    import time

    from crawler.demo.server import serve
    from crawler.demo.site import DigestSite

    with serve(DigestSite(count=200), delay=0.05) as server:
        crawl = start_crawl(server.url("/"), tmp_path / "a.db", *CLOCK,
                            "-s", "CRAWL_POOL_PROCESSES=2")
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and crawl.poll() is None:
            workers = _children(crawl.proc.pid) - {crawl.proc.pid}
            time.sleep(0.2)
        assert len(workers) >= 2, "the crawl started no workers"
        crawl.kill()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
            time.sleep(0.2)
    left = [p for p in workers if Path(f"/proc/{p}/stat").exists()
            and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert not left, f"workers outlived the crawl: {left}"


def test_a_short_crawl_never_starts_the_workers_and_a_long_one_does(tmp_path: Path) -> None:
    import json

    from crawler.demo.server import serve
    from crawler.demo.site import DigestSite

    def workers_started(count: int, path: Path) -> bool:
        with serve(DigestSite(count=count)) as server:
            run_crawl(server.url("/"), path, *CLOCK, "-s", "CRAWL_POOL_PROCESSES=2")
        conn = sqlite3.connect(path)
        try:
            [stats] = conn.execute("SELECT stats FROM crawls").fetchone()
        finally:
            conn.close()
        return json.loads(stats)["pool/workers_started"]

    assert workers_started(3, tmp_path / "short.db") is False
    assert workers_started(300, tmp_path / "long.db") is True


def test_the_collector_pauses_for_start_up_and_collects_again_after_it() -> None:
    import subprocess
    import sys

    # in a process of its own: the collector's state is the whole process's
    script = (
        "import gc\n"
        "from crawler import heap\n"
        "heap.starting()\n"
        "assert not gc.isenabled()\n"
        "built = [[n] for n in range(1000)]\n"
        "heap.started()\n"
        "assert gc.isenabled() and gc.get_freeze_count() >= 1000\n"
        "loop = []\n"
        "loop.append(loop)\n"
        "del loop\n"
        "assert gc.collect() >= 1, 'a cycle made after start-up is still collected'\n"
        "heap.ending()\n"
        "assert not gc.isenabled()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=False)
    assert done.returncode == 0, done.stderr
