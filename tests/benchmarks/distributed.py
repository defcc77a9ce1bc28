"""Distributed crawl benchmark: articles per second with 1, 2 and 4 workers, and the ingester's
own ceiling in items per second.

Serves the crawl benchmark's generated news site (tests/benchmarks/crawl.py: N stories at a
real site's weight) from its own process on 127.0.0.1 and starts a redis-server on a free
loopback port. For each worker count it seeds a fresh run, starts the workers (`scrapy crawl
news -s DISTRIBUTED=1`) with no ingester running, and times them until every article is in the
stream: that is the crawl's rate, measured from the workers' start to the last article sent
(the workers' idle wait at the end is not counted). Then it runs `crawler ingest --drain` alone
into a fresh archive and times it: that is the ingester's ceiling, the rate at which one writer
applies items, with nothing else competing for the CPU. Every process is a fresh subprocess.
First, as a baseline, one plain `scrapy crawl news` crawls the same site into its own archive.

On a machine with few cores the site's server, the workers and Redis share them: the figures
say how far workers scale on this machine, not on many.

Example:
    .venv/bin/python tests/benchmarks/distributed.py --articles 2000 --workers 1,2,4
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl import CRAWL_SETTINGS, Server, env  # noqa: E402

PREFIX = "bench"  # Redis key prefix of the benchmark's runs
IDLE_CLOSE = 2  # seconds the run must be idle before workers exit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server without persistence on a free loopback port."""

    def __init__(self, workdir: Path) -> None:
        import redis

        port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{port}/0"
        self.client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(10)


def cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "crawler", *args], cwd=ROOT, env=env(),
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"Error: crawler {args[0]} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def crawl(server: Server, redis: RedisServer, workers: int, workdir: Path) -> dict[str, Any]:
    """Seed a run and crawl it with `workers` workers; their rate, up to the last article."""
    from crawler.distributed import Keys, stream_key

    redis.client.flushall()
    run = f"w{workers}"
    cli("seed", "--redis", redis.url, "--prefix", PREFIX, "--run", run, server.home)
    settings = [*CRAWL_SETTINGS, "DISTRIBUTED=1", f"REDIS_URL={redis.url}",
                f"DISTRIBUTED_PREFIX={PREFIX}", f"DISTRIBUTED_IDLE_CLOSE={IDLE_CLOSE}"]
    args = [arg for setting in settings for arg in ("-s", setting)]
    sent_key = Keys(PREFIX, run).items  # grows with each article sent (its URL and aliases)
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "news", *args],
                              cwd=ROOT, env=env(), stdout=subprocess.PIPE,
                              stderr=(workdir / f"{run}-{i}.log").open("w"), text=True)
             for i in range(workers)]
    sent, last_change = 0, started
    while any(p.poll() is None for p in procs):
        now_sent = redis.client.scard(sent_key)
        if now_sent != sent:
            sent, last_change = now_sent, time.perf_counter()
        time.sleep(0.05)
    sent_final = redis.client.scard(sent_key)
    if sent_final != sent:
        last_change = time.perf_counter()
    summaries = [p.stdout.read().strip().splitlines()[-1:] for p in procs]
    codes = [p.returncode for p in procs]
    if any(codes):
        raise SystemExit(f"Error: a worker failed ({codes}); see {workdir}")
    wall = last_change - started
    pages = sum(int(s[0].split(" pages")[0].rsplit(" ", 1)[1]) for s in summaries if s)
    articles = sum(1 for _, fields in redis.client.xrange(stream_key(PREFIX))
                   if fields[b"kind"] == b"article")
    return {"workers": workers, "articles": articles, "pages": pages, "seconds": wall,
            "articles_per_s": articles / wall, "pages_per_s": pages / wall,
            "stream_entries": redis.client.xlen(stream_key(PREFIX))}


def single(server: Server, workdir: Path) -> dict[str, Any]:
    """The same crawl by one `scrapy crawl news` writing its own archive: the baseline."""
    archive = workdir / "single.db"
    args = [arg for setting in CRAWL_SETTINGS for arg in ("-s", setting)]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a",
                    f"start_urls={server.home}", "-s", f"ARCHIVE_PATH={archive}", *args],
                   cwd=ROOT, env=env(), check=True, capture_output=True)
    wall = time.perf_counter() - started
    conn = sqlite3.connect(archive)
    articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    conn.close()
    return {"articles": articles, "seconds": wall, "articles_per_s": articles / wall}


def ingest(redis: RedisServer, workdir: Path, workers: int, profile: bool = False,
           ) -> dict[str, Any]:
    """Apply the stream to a fresh archive with `crawler ingest --drain`, alone; its rate."""
    archive = workdir / f"archive-w{workers}.db"
    entries = redis.client.xlen(f"{PREFIX}:items")
    stats = workdir / f"ingest-w{workers}.prof"
    python = [sys.executable, "-m", "cProfile", "-o", str(stats)] if profile else [sys.executable]
    started = time.perf_counter()
    done = subprocess.run([*python, "-m", "crawler", "ingest", "--redis", redis.url, "--prefix",
                           PREFIX, "--db", str(archive), "--drain"], cwd=ROOT, env=env(),
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"Error: crawler ingest failed: {done.stderr.strip()[-2000:]}")
    out = done.stdout
    if profile:
        print(f"  where the ingester's time goes (cumulative, {stats}):")
        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(25)
    conn = sqlite3.connect(archive)
    articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    status = conn.execute("SELECT status FROM crawls ORDER BY id DESC").fetchone()[0]
    conn.close()
    return {"entries": entries, "articles": articles, "seconds": wall,
            "items_per_s": entries / wall, "crawl_status": status,
            "summary": out.strip().splitlines()[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="stories on the site")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure")
    parser.add_argument("--per-page", type=int, default=10, help="stories per listing page")
    parser.add_argument("--seed", type=int, default=1, help="the site's seed")
    parser.add_argument("--profile-ingest", action="store_true",
                        help="run the ingester under cProfile and print where its time goes")
    parser.add_argument("--no-single", action="store_true",
                        help="skip the single-process baseline crawl")
    parser.add_argument("--json-out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        raise SystemExit("Error: redis-server is not installed (apt-get install redis-server)")
    counts = [int(n) for n in args.workers.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="distributed-bench-"))
    print(f"Building and serving a site of {args.articles:,} articles ...", flush=True)
    server = Server(args.articles, args.per_page, args.seed, warm=True)
    redis = RedisServer(workdir)
    results: list[dict[str, Any]] = []
    baseline = None
    try:
        if not args.no_single:
            baseline = single(server, workdir)
            print(f"single process (archive in-process): {baseline['articles']} articles in "
                  f"{baseline['seconds']:.1f} s = {baseline['articles_per_s']:.1f} articles/s",
                  flush=True)
        for workers in counts:
            load = os.getloadavg()[0]
            crawled = crawl(server, redis, workers, workdir)
            crawled["load_before"] = load
            print(f"{workers} worker(s): {crawled['articles']} articles in "
                  f"{crawled['seconds']:.1f} s = {crawled['articles_per_s']:.1f} articles/s "
                  f"({crawled['pages_per_s']:.1f} pages/s; load average before {load:.1f})",
                  flush=True)
            ingested = ingest(redis, workdir, workers, args.profile_ingest)
            print(f"  ingest alone: {ingested['entries']} entries in {ingested['seconds']:.1f} s"
                  f" = {ingested['items_per_s']:.1f} items/s; archive: {ingested['articles']} "
                  f"articles, crawl {ingested['crawl_status']}", flush=True)
            results.append({"crawl": crawled, "ingest": ingested})
    finally:
        redis.stop()
        server.stop()
    figures = {"articles": args.articles, "cpus": os.cpu_count(), "single": baseline,
               "runs": results, "workdir": str(workdir)}
    print(json.dumps(figures, indent=1))
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
