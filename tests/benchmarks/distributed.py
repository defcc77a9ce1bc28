"""Distributed crawl benchmark: articles per second with 1, 2 and 4 workers, and the ingester's
own ceiling in items per second; with --round2, the requests of an incremental distributed round
divided by a single-machine round's; with --kill-trials N, N runs each with a worker and the
ingester SIGKILLed at a seeded random moment between 10% and 90%, counting what was lost or
doubled.

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
    .venv/bin/python tests/benchmarks/distributed.py --workers '' --round2 --kill-trials 20
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import random
import shutil
import signal
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
# Quick heartbeats and a short wait before a silent worker counts as dead (kill trials).
TRIAL_SETTINGS = ("DISTRIBUTED=1", "DISTRIBUTED_HEARTBEAT=0.2", "DISTRIBUTED_WORKER_TIMEOUT=2",
                  "DISTRIBUTED_IDLE_CLOSE=1", "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                  "LOG_LEVEL=WARNING")
T0 = "2025-10-06T08:00:00Z"  # round 1's clock
T1 = "2025-10-06T08:20:00Z"  # round 2's: every article of round 1 is due


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
           repeat: int = 1) -> dict[str, Any]:
    """Apply the stream to a fresh archive with `crawler ingest --drain`, alone, `repeat` times
    (the stream restored each time from a copy taken before the first); the median run's
    figures, with each run's seconds."""
    key = f"{PREFIX}:items"
    copy = redis.client.dump(key)
    runs = []
    for number in range(repeat):
        if number:
            redis.client.delete(key)
            redis.client.restore(key, 0, copy)
        runs.append(ingest_once(redis, workdir / f"w{workers}-{number}", profile and not number))
    runs.sort(key=lambda run: run["seconds"])
    median = dict(runs[len(runs) // 2])
    median["repeats"] = [run["seconds"] for run in runs]
    median["items_per_s_all"] = [run["items_per_s"] for run in runs]
    return median


def ingest_once(redis: RedisServer, workdir: Path, profile: bool) -> dict[str, Any]:
    """One `crawler ingest --drain` of the stream into a fresh archive, timed from its start
    (interpreter, imports and a new archive's schema included) to its exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    archive = workdir / "archive.db"
    entries = redis.client.xlen(f"{PREFIX}:items")
    stats = workdir / "ingest.prof"
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


def scrapy(*args: str, settings: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    """A `scrapy crawl news` in the background, its output kept for its end."""
    argv = [sys.executable, "-m", "scrapy", "crawl", "news", *args]
    for setting in settings:
        argv += ["-s", setting]
    return subprocess.Popen(argv, cwd=ROOT, env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def ended(proc: subprocess.Popen[str], timeout: float = 300) -> str:
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode:
        raise SystemExit(f"Error: a process failed ({proc.returncode}): {err[-2000:]}")
    return out


def versions(path: Path) -> dict[str, list[tuple[int, str]]]:
    """Every article's versions (number, content hash): what two archives must agree on."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT a.url, v.version, v.content_hash FROM versions v JOIN articles a "
                        "ON a.id = v.article_id ORDER BY a.url, v.version").fetchall()
    conn.close()
    out: dict[str, list[tuple[int, str]]] = {}
    for url, number, digest in rows:
        out.setdefault(url, []).append((number, digest))
    return out


def articles_in(path: Path) -> int:
    try:
        conn = sqlite3.connect(path)
        try:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def distributed_round(redis: RedisServer, url: str, db: Path, run: str, workers: int,
                      seed_args: tuple[str, ...] = (), clock: str = T0,
                      kill_at: float | None = None, expected: int = 0) -> None:
    """Seed a run, crawl it with workers and an ingester; with kill_at, SIGKILL a worker and
    the ingester once that fraction of `expected` articles is archived, and go on."""
    redis.client.flushall()
    cli("seed", "--redis", redis.url, "--prefix", PREFIX, "--run", run, *seed_args, url)
    ingest_argv = [sys.executable, "-m", "crawler", "ingest", "--redis", redis.url, "--prefix",
                   PREFIX, "--db", str(db)]
    ingester = subprocess.Popen([*ingest_argv, "--batch", "3"], cwd=ROOT, env=env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    settings = (*TRIAL_SETTINGS, f"REDIS_URL={redis.url}", f"DISTRIBUTED_PREFIX={PREFIX}",
                f"CRAWL_CLOCK={clock}", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    procs = [scrapy(settings=settings) for _ in range(workers)]
    if kill_at is not None:
        deadline = time.monotonic() + 120
        while articles_in(db) < kill_at * expected and time.monotonic() < deadline:
            time.sleep(0.02)
        procs.pop(0).kill()
        ingester.kill()
        ingester.wait()
        ingester = subprocess.Popen(ingest_argv, cwd=ROOT, env=env(), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
    for proc in procs:
        ended(proc)
    while redis.client.xlen(f"{PREFIX}:items"):
        time.sleep(0.1)
    ingester.send_signal(signal.SIGTERM)
    ended(ingester, timeout=60)


def round2(workdir: Path, redis: RedisServer) -> dict[str, Any]:
    """Two rounds on the ledger fixture site: round 2 by one process and by three workers
    seeded with the round-1 archive; their requests, and how many were conditional."""
    from crawler.demo import LedgerSite, serve

    site = LedgerSite()
    single, shared = workdir / "round-single.db", workdir / "round-shared.db"
    with serve(site) as server:
        home = server.url("/")
        ended(scrapy("-a", f"start_urls={home}", settings=(
            *CRAWL_SETTINGS, f"ARCHIVE_PATH={single}", f"CRAWL_CLOCK={T0}")))
        shutil.copy(single, shared)
        site.add_story()
        site.add_story()
        site.edit_body(site.live_stories()[4], lambda old: [*old, "This story was corrected."])
        site.churn()
        server.reset()
        ended(scrapy("-a", f"start_urls={home}", settings=(
            *CRAWL_SETTINGS, f"ARCHIVE_PATH={single}", f"CRAWL_CLOCK={T1}")))
        one = server.hits()
        server.reset()
        distributed_round(redis, home, shared, "round2", 3,
                          ("--db", str(shared), "--clock", T1), clock=T1)
        many = server.hits()
    return {"single_requests": len(one), "distributed_requests": len(many),
            "ratio": len(many) / len(one),
            "single_conditional": sum(h.conditional for h in one),
            "distributed_conditional": sum(h.conditional for h in many),
            "same_versions": versions(single) == versions(shared)}


def kill_trials(trials: int, workdir: Path, redis: RedisServer, seed: int = 21,
                ) -> dict[str, Any]:
    """Trials of a worker and the ingester SIGKILLed at seeded random moments (10-90%)."""
    from crawler.demo import DigestSite, serve

    rng = random.Random(seed)
    failures: list[dict[str, Any]] = []
    with serve(DigestSite(count=40, seed=5)) as server:
        home = server.url("/")
        single = workdir / "kill-single.db"
        ended(scrapy("-a", f"start_urls={home}", settings=(
            *CRAWL_SETTINGS, f"ARCHIVE_PATH={single}", f"CRAWL_CLOCK={T0}")))
        expected = versions(single)
        for trial in range(trials):
            fraction = 0.49 if trial == 0 else rng.uniform(0.1, 0.9)  # the moment first
            db = workdir / f"kill-{trial}.db"
            distributed_round(redis, home, db, f"kill{trial}", 3, kill_at=fraction,
                              expected=len(expected))
            got = versions(db)
            conn = sqlite3.connect(db)
            doubled = conn.execute("SELECT COUNT(*) FROM (SELECT article_id FROM fetches "
                                   "GROUP BY article_id HAVING COUNT(*) > 1)").fetchone()[0]
            conn.close()
            lost = len(set(expected) - set(got))
            print(f"  kill trial {trial + 1}/{trials} at {fraction:.0%}: {len(got)} articles, "
                  f"{lost} lost, {doubled} doubled", flush=True)
            if lost or doubled or got != expected:
                failures.append({"trial": trial, "fraction": fraction, "lost": lost,
                                 "doubled": doubled})
    return {"trials": trials, "articles": len(expected), "failures": failures}


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
    parser.add_argument("--round2", action="store_true",
                        help="measure round-2 requests, distributed / single machine")
    parser.add_argument("--kill-trials", type=int, default=0,
                        help="kill trials to run (a worker and the ingester SIGKILLed)")
    parser.add_argument("--ingest-repeat", type=int, default=3,
                        help="times to ingest each stream (restored from a copy), for a median")
    parser.add_argument("--json-out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        raise SystemExit("Error: redis-server is not installed (apt-get install redis-server)")
    counts = [int(n) for n in args.workers.split(",") if n]
    workdir = Path(tempfile.mkdtemp(prefix="distributed-bench-"))
    server = None
    if counts:
        print(f"Building and serving a site of {args.articles:,} articles ...", flush=True)
        server = Server(args.articles, args.per_page, args.seed, warm=True)
    redis = RedisServer(workdir)
    results: list[dict[str, Any]] = []
    baseline = rounds = kills = None
    try:
        if args.round2:
            rounds = round2(workdir, redis)
            print(f"round 2: {rounds['distributed_requests']} requests distributed / "
                  f"{rounds['single_requests']} single = {rounds['ratio']:.3f} "
                  f"(conditional {rounds['distributed_conditional']} / "
                  f"{rounds['single_conditional']}); same versions: {rounds['same_versions']}",
                  flush=True)
        if args.kill_trials:
            kills = kill_trials(args.kill_trials, workdir, redis)
            print(f"kill trials: {len(kills['failures'])} of {kills['trials']} lost or doubled "
                  "something", flush=True)
        if not args.no_single and counts:
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
            ingested = ingest(redis, workdir, workers, args.profile_ingest,
                              args.ingest_repeat)
            rates = ingested["items_per_s_all"]
            print(f"  ingest alone: {ingested['entries']} entries in {ingested['seconds']:.2f} s"
                  f" = {ingested['items_per_s']:.0f} items/s [{min(rates):.0f}-{max(rates):.0f}"
                  f" over {len(rates)}]; archive: {ingested['articles']} articles, crawl "
                  f"{ingested['crawl_status']}", flush=True)
            results.append({"crawl": crawled, "ingest": ingested})
    finally:
        redis.stop()
        if server is not None:
            server.stop()
    figures = {"articles": args.articles, "cpus": os.cpu_count(), "single": baseline,
               "runs": results, "round2": rounds, "kill_trials": kills, "workdir": str(workdir)}
    print(json.dumps(figures, indent=1))
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
