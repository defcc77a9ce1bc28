"""Crawl benchmark: a bare Scrapy spider, the news crawl and a forced re-check of the same site.

Serves a sample news site of N stories from a separate process on 127.0.0.1 (the digest theme
at a real site's weight: 5-15 KB of story text, 60-120 KB pages with menus, sidebar widgets,
inline styles and scripts, comments; listings of 10 stories with WordPress pagination), then
runs one after the other, each as a fresh subprocess with the same settings:

  (a) bare: `scrapy runspider bare_spider.py`, following every same-site link, keeping nothing;
  (b) crawl: `scrapy crawl news` into a fresh archive;
  (c) recheck: `scrapy crawl news -a recheck=all` on that archive after the sidebars churned,
      the server sending no ETag or Last-Modified, so every article is fetched, extracted and
      compared with its archived version.

It prints wall and CPU seconds, requests, articles per second, CPU ms per article, peak RSS,
the server's CPU, the archive's bytes per article and the ratios, as median [min-max] over the
repeats, beside the targets (printed, never asserted), then the same figures as JSON.
--baseline FILE (the --json-out of a run at another N) adds the scaling targets; --profile runs
(b) once more under cProfile and says where its time goes (with --repeat 0, that run alone).

Example:
    .venv/bin/python tests/benchmarks/crawl.py --articles 2000 --repeat 3 --json-out n2000.json
    .venv/bin/python tests/benchmarks/crawl.py --articles 20000 --repeat 1 --baseline n2000.json
    .venv/bin/python tests/benchmarks/crawl.py --articles 2000 --repeat 1 --profile
    .venv/bin/python tests/benchmarks/crawl.py --articles 20000 --repeat 0 --profile
"""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import pstats
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
BARE_SPIDER = Path(__file__).resolve().with_name("bare_spider.py")
sys.path.insert(0, str(ROOT))

from crawler.demo.server import serve  # noqa: E402
from crawler.demo.site import HeavySite, Response, Story  # noqa: E402

# The same for every run: no politeness delays, 16 requests in flight, robots.txt as the product.
CRAWL_SETTINGS = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "LOG_LEVEL=WARNING",
)
CONTROL = "/__bench/"  # the server's control paths: state (churn, validators) and stats
RUNS = ("bare", "crawl", "recheck")
WALL_TARGET = 1.5  # (b)/(a) wall at any page weight, N=2,000
LABELS = {"bare": "(a) bare spider", "crawl": "(b) news crawl", "recheck": "(c) re-check all"}

# Runs one command, its output to a log, and reports its wall time and the rusage of its process
# tree: a fresh parent per run, so ru_maxrss is this run's peak and not the largest so far.
MEASURE = r"""
import json, resource, subprocess, sys, time
log, out, command = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.perf_counter()
with open(log, "wb") as sink:
    status = subprocess.call(command, stdout=sink, stderr=subprocess.STDOUT)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as report:
    json.dump({"status": status, "wall": wall, "user": usage.ru_utime, "system": usage.ru_stime,
               "maxrss_kb": usage.ru_maxrss}, report)
"""


# The site: the heavy digest theme, with a render cache and control paths


# Article page KB = chrome + markup x story text KB, measured on each theme's pages: the heavy
# theme's CSS, scripts, menus and widgets; the plain digest theme repeats more of the text
# (teasers, structured data).
HEAVY_CHROME_KB, HEAVY_MARKUP = 81, 1.4
LIGHT_CHROME_KB, LIGHT_MARKUP = 16, 2.9
DEFAULT_STORY_CHARS = (5000, 15000)  # the default pages: 60-120 KB, 5-15 KB of story text


def story_chars_for(page_kb: int | None) -> tuple[tuple[int, int], bool]:
    """Story lengths and theme (heavy or not) for article pages of about page_kb KB."""
    if page_kb is None:
        return DEFAULT_STORY_CHARS, True
    heavy = page_kb >= HEAVY_CHROME_KB + 10
    chrome, markup = (HEAVY_CHROME_KB, HEAVY_MARKUP) if heavy else (LIGHT_CHROME_KB, LIGHT_MARKUP)
    text = int(max(1, page_kb - chrome) * 1024 / markup)
    return (text * 2 // 3, text * 4 // 3), heavy


class BenchSite(HeavySite):
    """The heavy digest theme, each page rendered once per state, with control paths.

    With page_kb, stories are as long as pages of about that weight need; below the heavy
    theme's own weight the pages wear the plain digest theme's head, masthead and sidebar.
    """

    def __init__(self, count: int, seed: int = 1, per_page: int = 10,
                 page_kb: int | None = None, warm: bool = True) -> None:
        story_chars, self.heavy = story_chars_for(page_kb)
        super().__init__(count, seed, per_page, story_chars)
        self.warm_cache = warm
        self.cache: dict[tuple[str, int, bool], Response] = {}
        self.running: Any = None  # the RunningServer, to forget its request log between runs
        self._served = 0
        self._lock = threading.Lock()

    def head_extra(self) -> str:
        return super().head_extra() if self.heavy else super(HeavySite, self).head_extra()

    def masthead_extra(self) -> str:
        return super().masthead_extra() if self.heavy else super(HeavySite, self).masthead_extra()

    def sidebar_extra(self) -> str:
        return super().sidebar_extra() if self.heavy else super(HeavySite, self).sidebar_extra()

    def after_article(self, story: Story) -> str:
        if self.heavy:
            return super().after_article(story)
        return super(HeavySite, self).after_article(story)

    # Serving: every page rendered once per state, so the server costs little CPU per request

    def handle(self, target: str, headers: Mapping[str, str] | None = None) -> Response:
        if target.startswith(CONTROL):
            return self.control(target)
        with self._lock:
            self._served += 1
        key = (target, self.generation, self.validators)
        response = self.cache.get(key)
        if response is None:
            response = self.cache[key] = super().handle(target)
        if headers:
            response = response.answer({k.lower(): v for k, v in headers.items()})
        return response

    def control(self, target: str) -> Response:
        """/__bench/state?churn=1&validators=0 sets the site up for a run; stats; sizes."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == CONTROL + "state":
            started = time.perf_counter()
            if query.get("churn") == "1":
                self.churn()
            self.validators = query.get("validators", "1") == "1"
            self.cache.clear()
            if self.warm_cache:
                for path in self.page_paths():
                    self.handle(path)
            if self.running is not None:
                self.running.reset()
            with self._lock:
                self._served = 0
            return Response.text(json.dumps({
                "generation": self.generation, "validators": self.validators,
                "cached_pages": len(self.cache), "seconds": time.perf_counter() - started}))
        if parts.path == CONTROL + "stats":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return Response.text(json.dumps({
                "cpu_s": usage.ru_utime + usage.ru_stime, "served": self._served,
                "maxrss_mb": usage.ru_maxrss / 1024}))
        if parts.path == CONTROL + "sizes":
            live = self.index().live
            sample = live[:: max(1, len(live) // 50)]
            return Response.text(json.dumps({
                "articles": [len(HeavySite.handle(self, self.path(s)).body) for s in sample],
                "story_chars": [len(s.body) for s in sample],
                "home": len(HeavySite.handle(self, "/").body)}))
        return Response.text("unknown control path\n")

def run_server(count: int, per_page: int, seed: int, warm: bool, conn: Connection,
               page_kb: int | None = None) -> None:
    """Build and serve the site in this process until the benchmark says stop."""
    started = time.perf_counter()
    site = BenchSite(count, seed, per_page, page_kb, warm=warm)
    running = serve(site)
    site.running = running
    conn.send((running.base_url, time.perf_counter() - started))
    with contextlib.suppress(EOFError):  # the benchmark died: stop all the same
        conn.recv()
    running.stop()


class Server:
    """The site's server process, seen from the benchmark."""

    def __init__(self, count: int, per_page: int, seed: int, warm: bool,
                 page_kb: int | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=run_server,
                                       args=(count, per_page, seed, warm, child, page_kb),
                                       daemon=True)
        self.process.start()
        if not self.conn.poll(1800):
            raise SystemExit("Error: the site server did not start")
        self.base_url, self.build_seconds = self.conn.recv()
        self.home = self.base_url + "/"

    def control(self, path: str, timeout: float = 1800) -> dict[str, Any]:
        with urllib.request.urlopen(self.base_url + CONTROL + path, timeout=timeout) as answer:
            return json.loads(answer.read())

    def state(self, churn: bool, validators: bool) -> dict[str, Any]:
        return self.control(f"state?churn={int(churn)}&validators={int(validators)}")

    def stop(self) -> None:
        self.conn.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()


# Runs


def product_state() -> dict[str, Any]:
    """The last commit of the product's code and its files changed in the work tree since."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = git("diff", "--name-only", "HEAD", "--", "crawler", "spiders", "pipelines")
    return {"commit": git("log", "-1", "--format=%h", "--", "crawler", "spiders", "pipelines"),
            "changed_files": changed.split()}


def env() -> dict[str, str]:
    """The crawl's environment: this checkout first on the path, settings from scrapy.cfg."""
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    environ.pop("SCRAPY_SETTINGS_MODULE", None)
    return environ


def settings_args() -> list[str]:
    return [arg for setting in CRAWL_SETTINGS for arg in ("-s", setting)]


def measured(command: list[str], workdir: Path, name: str) -> dict[str, Any]:
    """Run a command in a fresh measuring parent; its wall, CPU and peak RSS."""
    log, out = workdir / f"{name}.log", workdir / f"{name}.rusage.json"
    load = os.getloadavg()[0]
    subprocess.run([sys.executable, "-c", MEASURE, str(log), str(out), *command], cwd=ROOT,
                   env=env(), check=True)
    usage = json.loads(out.read_text())
    usage["load"] = (load + os.getloadavg()[0]) / 2
    if usage["status"] != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise SystemExit(f"Error: {name} exited {usage['status']}:\n{tail}")
    usage["log"] = log
    return usage


def crawl_stats(archive: Path) -> dict[str, Any]:
    """The last crawl's Scrapy stats, as the archive recorded them."""
    with sqlite3.connect(archive) as db:
        (stats,) = db.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


def archive_figures(archive: Path, articles: int) -> dict[str, Any]:
    """Bytes the archive spends per article, after a checkpoint folds the WAL into the file."""
    with sqlite3.connect(archive) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stored, raw, pages = db.execute(
            "SELECT COALESCE(SUM(LENGTH(content)), 0), COALESCE(SUM(size), 0), COUNT(*) FROM pages"
        ).fetchone()
    size = sum(p.stat().st_size for p in (archive, archive.with_name(archive.name + "-wal"))
               if p.exists())
    per = max(1, articles)
    return {"archive_mb": size / 1e6, "archive_bytes_per_article": size / per,
            "page_bytes_per_article": stored / per, "page_raw_bytes_per_article": raw / per,
            "pages_stored": pages}


def figures(usage: dict[str, Any], requests: int, articles: int,
            server: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    """The per-run figures every run reports."""
    cpu = usage["user"] + usage["system"]
    return {
        "wall_s": usage["wall"], "cpu_s": cpu, "user_s": usage["user"], "system_s": usage["system"],
        "peak_rss_mb": usage["maxrss_kb"] / 1024, "requests": requests, "articles": articles,
        "articles_per_s": articles / usage["wall"] if usage["wall"] else 0.0,
        "cpu_ms_per_article": 1000 * cpu / articles if articles else None,
        "wall_ms_per_request": 1000 * usage["wall"] / requests if requests else None,
        "server_cpu_s": server[1]["cpu_s"] - server[0]["cpu_s"],
        "server_requests": server[1]["served"] - server[0]["served"],
        "load_avg": usage["load"],  # the machine's 1-minute load around the run: noise
        "cores": cpu / usage["wall"] if usage["wall"] else 0.0,  # cores kept busy on average
    }


def run_bare(server: Server, workdir: Path) -> dict[str, Any]:
    stats_path = workdir / "bare-stats.json"
    before = server.control("stats")
    usage = measured([sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER),
                      "-a", f"start_url={server.home}", "-a", f"stats_out={stats_path}",
                      *settings_args()], workdir, "bare")
    stats = json.loads(stats_path.read_text())
    result = figures(usage, stats.get("downloader/request_count", 0),
                     stats.get("bare/articles", 0), (before, server.control("stats")))
    result["other_pages"] = stats.get("bare/other_pages", 0)
    return result


def run_news(server: Server, workdir: Path, archive: Path, name: str, *extra: str,
             profile: Path | None = None) -> dict[str, Any]:
    before = server.control("stats")
    python = [sys.executable, "-m", "cProfile", "-o", str(profile)] if profile else [sys.executable]
    usage = measured([*python, "-m", "scrapy", "crawl", "news", "-a", f"start_urls={server.home}",
                      "-s", f"ARCHIVE_PATH={archive}", *extra, *settings_args()], workdir, name)
    stats = crawl_stats(archive)
    recheck = bool(extra)
    articles = (stats.get("archive/unchanged", 0) + stats.get("archive/new_version", 0)
                + stats.get("archive/not_modified", 0)) if recheck else stats.get(
                    "archive/new_article", 0)
    result = figures(usage, stats.get("downloader/request_count", 0), articles,
                     (before, server.control("stats")))
    result.update({
        "listings": stats.get("news/listings", 0),
        "new_versions": stats.get("archive/new_version", 0),
        "new_articles": stats.get("archive/new_article", 0),
        "not_modified": stats.get("archive/not_modified", 0),
        "errors": stats.get("log_count/ERROR", 0) + stats.get("news/fetch_failed", 0),
        "listings_capped": stats.get("news/listings_capped", 0),
        "pagination_stop_dry": stats.get("news/pagination_stop_dry", 0),
        "summary": next((line for line in usage["log"].read_text(errors="replace").splitlines()
                         if line.startswith("Crawled:")), ""),
    })
    return result


def extraction_check(server: Server, count: int, per_page: int, seed: int,
                     archive: Path, page_kb: int | None = None, sample: int = 40,
                     ) -> dict[str, Any]:
    """How many archived bodies equal their story's text: the padding must not fool extraction."""
    site = BenchSite(count, seed, per_page, page_kb, warm=False)  # the served site's stories
    site.base_url = server.base_url
    expected = site.expected()
    with sqlite3.connect(archive) as db:
        rows = db.execute("SELECT url, body FROM latest ORDER BY url").fetchall()
    rows = rows[:: max(1, len(rows) // sample)][:sample]
    equal = sum(1 for url, body in rows if url in expected and body == expected[url].body)
    return {"checked": len(rows), "body_equal": equal, "site_articles": len(expected)}


def repeat_once(server: Server, workdir: Path, runs: tuple[str, ...] = RUNS) -> dict[str, Any]:
    """(a), (b) and (c) once (or those of them in runs), each on a site in the state it needs."""
    result: dict[str, Any] = {}
    server.state(churn=False, validators=True)
    if "bare" in runs:
        result["bare"] = run_bare(server, workdir)
    archive = workdir / "archive.db"
    if "crawl" in runs:
        for leftover in workdir.glob("archive.db*"):
            leftover.unlink()
        crawl = run_news(server, workdir, archive, "crawl")
        crawl.update(archive_figures(archive, crawl["articles"]))
        result["crawl"] = crawl
    if "recheck" in runs:
        server.state(churn=True, validators=False)
        result["recheck"] = run_news(server, workdir, archive, "recheck", "-a", "recheck=all")
    return result


def ratios(runs: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """The ratios the targets are about, for one repeat."""
    missing: dict[str, Any] = {}
    bare, crawl, recheck = (runs.get(run, missing) for run in RUNS)

    def div(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    return {
        "crawl_over_bare_wall": div(crawl.get("wall_s"), bare.get("wall_s")),
        "crawl_over_bare_wall_per_request": div(crawl.get("wall_ms_per_request"),
                                                bare.get("wall_ms_per_request")),
        "crawl_over_bare_cpu": div(crawl.get("cpu_s"), bare.get("cpu_s")),
        "crawl_over_bare_cpu_per_request": div(div(crawl.get("cpu_s"), crawl.get("requests")),
                                               div(bare.get("cpu_s"), bare.get("requests"))),
        "crawl_over_bare_cpu_per_article": div(crawl.get("cpu_ms_per_article"),
                                               bare.get("cpu_ms_per_article")),
        "recheck_over_crawl_wall": div(recheck.get("wall_s"), crawl.get("wall_s")),
        "recheck_over_crawl_wall_per_article": div(
            div(recheck.get("wall_s"), recheck.get("articles")), div(crawl.get("wall_s"), crawl.get("articles"))),
        "recheck_over_crawl_cpu": div(recheck.get("cpu_s"), crawl.get("cpu_s")),
    }


def spread(values: list[Any]) -> dict[str, float] | None:
    """Median, min and max of the numbers among values."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    return {"median": statistics.median(numbers), "min": min(numbers), "max": max(numbers)}


def summarise(repeats: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and min-max of every figure over the repeats."""
    summary: dict[str, Any] = {}
    for run in (run for run in RUNS if run in repeats[0]):
        keys = [k for k, v in repeats[0][run].items() if not isinstance(v, str)]
        summary[run] = {k: spread([r[run].get(k) for r in repeats]) for k in keys}
    keys = list(repeats[0]["ratios"])
    summary["ratios"] = {k: spread([r["ratios"][k] for r in repeats]) for k in keys}
    return summary


# Output


def fmt(value: dict[str, float] | None, digits: int = 1, scale: float = 1.0) -> str:
    if value is None:
        return "-"
    median = f"{value['median'] * scale:,.{digits}f}"
    if value["min"] == value["max"]:
        return median
    return f"{median} [{value['min'] * scale:,.{digits}f}-{value['max'] * scale:,.{digits}f}]"


def print_table(summary: dict[str, Any]) -> None:
    columns = (("wall s", "wall_s", 1), ("CPU s", "cpu_s", 1), ("requests", "requests", 0),
               ("articles", "articles", 0), ("art/s", "articles_per_s", 1),
               ("CPU ms/art", "cpu_ms_per_article", 2), ("cores", "cores", 2),
               ("peak RSS MB", "peak_rss_mb", 0),
               ("server CPU s", "server_cpu_s", 1), ("load", "load_avg", 1))
    rows = [[LABELS[run], *(fmt(summary[run][key], digits) for _, key, digits in columns)]
            for run in RUNS if run in summary]
    header = ["run", *(title for title, _, _ in columns)]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                        for i, cell in enumerate(row)))


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "meets" if ok else "MISSES"


def at_most(value: dict[str, float] | None, limit: float) -> bool | None:
    """Whether a figure's median is at most limit; None when the figure was not measured."""
    return None if value is None else value["median"] <= limit


def targets(summary: dict[str, Any], count: int, baseline: dict[str, Any] | None
            ) -> list[tuple[str, str, str]]:
    """(target, value, verdict) of every target, on medians."""
    ratio = summary["ratios"]
    out = []
    wall = ratio["crawl_over_bare_wall"]
    out.append((f"(b)/(a) wall <= {WALL_TARGET}", fmt(wall, 2),
                verdict(at_most(wall, WALL_TARGET))))
    per_request = ratio["crawl_over_bare_wall_per_request"]
    out.append(("  same, per request (the runs fetch different pages)", fmt(per_request, 2),
                verdict(at_most(per_request, WALL_TARGET))))
    # CPU is not wall: with the pool, the crawl spends more CPU than the bare spider on the
    # same pages, spread over the cores; this line says how much, with no target of its own.
    cpu = ratio["crawl_over_bare_cpu_per_request"]
    out.append(("  CPU s per request, for information", fmt(cpu, 2), "n/a"))
    wall = ratio["recheck_over_crawl_wall"]
    out.append(("(c)/(b) wall <= 0.8", fmt(wall, 2), verdict(at_most(wall, 0.8))))
    per_article = ratio["recheck_over_crawl_wall_per_article"]
    out.append(("  same, per article (c) re-checked / (b) archived", fmt(per_article, 2),
                verdict(at_most(per_article, 0.8))))
    cpu = ratio["recheck_over_crawl_cpu"]
    out.append(("  same, CPU s (less noisy)", fmt(cpu, 2), verdict(at_most(cpu, 0.8))))
    if "crawl" not in summary:
        return out
    rss = summary["crawl"]["peak_rss_mb"]
    note = "" if count >= 20000 else f" (N={count:,}; the target is for N=20,000)"
    out.append((f"peak RSS (b) < 300 MB at N=20,000{note}", fmt(rss, 0) + " MB",
                verdict(rss["median"] < 300)))
    if baseline is None:
        out.append(("RSS (b) grows < 20% from N=2,000 to 20,000", "needs --baseline", "n/a"))
        out.append(("CPU/article (b) at N=20,000 within 15% of N=2,000", "needs --baseline", "n/a"))
        return out
    pair = sorted([(baseline["config"]["articles"], baseline["summary"]), (count, summary)],
                  key=lambda item: item[0])
    (n_small, small), (n_large, large) = pair
    if "crawl" not in small:
        return out
    growth = large["crawl"]["peak_rss_mb"]["median"] / small["crawl"]["peak_rss_mb"]["median"] - 1
    out.append((f"RSS (b) grows < 20% from N={n_small:,} to {n_large:,}", f"{growth:+.0%}",
                verdict(growth < 0.20)))
    for run in (run for run in ("crawl", "recheck") if run in small and run in large):
        change = (large[run]["cpu_ms_per_article"]["median"]
                  / small[run]["cpu_ms_per_article"]["median"] - 1)
        out.append((f"CPU/article {LABELS[run][:3]} at N={n_large:,} within 15% of N={n_small:,}",
                    f"{change:+.0%}", verdict(abs(change) <= 0.15)))
    return out


def report(result: dict[str, Any], baseline: dict[str, Any] | None) -> None:
    config, summary = result["config"], result["summary"]
    print(f"\nCrawl benchmark: {config['articles']:,} stories, {config['per_page']} per listing "
          f"page, {config['repeat']} repeat(s), median [min-max]; article pages "
          f"{fmt(config['article_page_kb'], 0)} KB with {fmt(config['story_text_kb'], 1)} KB of "
          f"story text, home page {config['home_page_kb']:.0f} KB\n")
    print_table(summary)
    product, after = config["product"], config["product_after"]
    print(f"\nproduct: commit {product['commit']}"
          + (f", uncommitted changes in {', '.join(product['changed_files'])}"
             if product["changed_files"] else ", clean work tree"))
    if after != product:
        print(f"WARNING: the product changed during the benchmark (now commit {after['commit']}"
              f"{', changes in ' + ', '.join(after['changed_files']) if after['changed_files'] else ''}"
              "): the repeats measured different code")
    crawl = summary.get("crawl")
    if crawl:
        print(f"\n(b) archive: {fmt(crawl['archive_mb'])} MB, "
              f"{fmt(crawl['archive_bytes_per_article'], 0)} bytes/article; raw pages stored "
              f"{fmt(crawl['page_bytes_per_article'], 0)} bytes/article compressed "
              f"({fmt(crawl['page_raw_bytes_per_article'], 0)} uncompressed)")
        print(f"(b) archived {fmt(crawl['articles'], 0)} of {config['articles']:,} stories; "
              f"listings {fmt(crawl['listings'], 0)}, listing budget hit "
              f"{fmt(crawl['listings_capped'], 0)} times, pagination stopped dry "
              f"{fmt(crawl['pagination_stop_dry'], 0)} times")
    recheck = summary.get("recheck")
    if recheck:
        print(f"(c) new versions {fmt(recheck['new_versions'], 0)} (0 expected: only sidebars "
              "churned), "
              f"new articles found {fmt(recheck['new_articles'], 0)}, "
              f"304s {fmt(recheck['not_modified'], 0)}, errors {fmt(recheck['errors'], 0)}")
    check = result.get("extraction_check")
    if check:
        print(f"extraction check: {check['body_equal']}/{check['checked']} sampled archived "
              "bodies equal their story text")
    print("\nRatios")
    for key, value in summary["ratios"].items():
        print(f"  {key:40} {fmt(value, 2)}")
    print("\nTargets (printed, not asserted; medians)")
    rows = targets(summary, config["articles"], baseline)
    width = max(len(t) for t, _, _ in rows)
    for target, value, ok in rows:
        print(f"  {target:{width}}  {value:>22}  {ok}")


# Profile


# lxml's module functions are Cython, invisible to cProfile: their time is the own time of the
# Python function that calls them, so these callers stand for "parse the HTML".
PARSE_FUNCTIONS = (
    ("crawler/extraction/body.py", "parse_html"),
    ("crawler/discovery.py", "_parse_html"),
    ("parsel/selector.py", "create_root_node"),
    ("lxml/html/__init__.py", "document_fromstring"),
)
PARSE_CALL = re.compile(r"lxml\.etree\.(fromstring|HTML|XML|parse)\b|"
                        r"'(feed|close)' of 'lxml\.etree\.\w*Parser")
# Frames that wrap the whole crawl (interpreter, event loop, middleware chains): left out of
# the cumulative list, where they would fill every line.
PLUMBING = re.compile(r"runpy|builtins\.exec|<string>|scrapy/__main__|scrapy/cmdline|"
                      r"commands/crawl\.py|asyncio/|_contextvars|asyncioreactor|"
                      r"scrapy/crawler\.py|scrapy/utils/(asyncgen|asyncio|defer|python|"
                      r"decorators)\.py|spidermw\.py|spidermiddlewares/|twisted/internet/defer")
HASH_CALL = re.compile(r"_hashlib|_blake2|hexdigest|'digest' of|_sha\d|_md5")
GROUP_BY_PATH = (
    ("/twisted/", "fetch/Twisted"),
    ("/crawler/extraction/classify.py", "link classification & frontier"),
    ("/crawler/frontier.py", "link classification & frontier"),
    ("/crawler/urls.py", "link classification & frontier"),
    ("/crawler/discovery.py", "link classification & frontier"),
    ("/crawler/extraction/", "extraction (crawler.extraction)"),
    ("/crawler/archive/", "SQLite (crawler.archive)"),
    ("/sqlite_utils/", "SQLite (crawler.archive)"),
    ("/hashlib.py", "hashing"),
    ("/spiders/", "spider & pipelines (own code)"),
    ("/pipelines/", "spider & pipelines (own code)"),
    ("/crawler/", "other crawler code"),
    ("/scrapy/", "Scrapy overhead"),
    ("/parsel/", "Scrapy overhead"),
    ("/w3lib/", "Scrapy overhead"),
    ("/itemadapter/", "Scrapy overhead"),
    ("/queuelib/", "Scrapy overhead"),
    ("/protego", "Scrapy overhead"),
)
ENTRY_POINTS = (
    ("spiders/news.py", "parse", "NewsSpider.parse (read_page + follow + item)"),
    ("crawler/extraction/__init__.py", "read_page", "read_page()"),
    ("spiders/news.py", "follow", "NewsSpider.follow (links, frontier)"),
    ("crawler/extraction/page.py", "__init__", "Page() (parse, CSS index)"),
    ("crawler/extraction/css.py", "__init__", "CSS index of a page"),
    ("crawler/extraction/classify.py", "is_article_page", "is_article_page() (incl. body)"),
    ("crawler/extraction/body.py", "extract_body", "extract_body()"),
    ("crawler/extraction/classify.py", "classify_links", "classify_links()"),
    ("crawler/urls.py", "canonical_url", "canonical_url()"),
    ("crawler/frontier.py", "fresh_articles", "Frontier.fresh_articles (incl. Archive.known)"),
    ("crawler/discovery.py", "feed_links", "feed_links()"),
    ("spiders/news.py", "article", "NewsSpider.article (item)"),
    ("pipelines/clean.py", "process_item", "CleanPipeline (length gate)"),
    ("pipelines/dedupe.py", "process_item", "DedupePipeline"),
    ("pipelines/archive.py", "process_item", "ArchivePipeline (Archive.save)"),
    ("crawler/archive/writes.py", "_moved_article", "Writes._moved_article (a query)"),
    ("crawler/archive/writes.py", "_insert_version", "Writes._insert_version"),
    ("crawler/archive/neardup.py", "index", "NearDuplicates.index (similarity)"),
    ("crawler/archive/pages.py", "store", "Pages.store (zlib + insert)"),
    ("sqlite_utils/db.py", "atomic", "transactions (sqlite-utils atomic, commit)"),
    ("scrapy/core/downloader/handlers/http11.py", "_cb_bodydone", "HTTP body received"),
)


def own_group(key: tuple[str, int, str]) -> str | None:
    """The group a function's own time belongs to; None: its callers' group."""
    filename, _, name = key
    path = filename.replace("\\", "/")
    if any(path.endswith(suffix) and name == function for suffix, function in PARSE_FUNCTIONS):
        return "HTML parse (lxml)"
    if filename == "~":  # a built-in: by what it does
        if PARSE_CALL.search(name):
            return "HTML parse (lxml)"
        if HASH_CALL.search(name):
            return "hashing"
        if "sqlite3" in name:
            return "SQLite (crawler.archive)"
        if "zlib" in name:
            return "zlib (page compression)"
        if "epoll" in name or "_socket" in name or "select" in name:
            return "fetch/Twisted"
        return None
    return next((group for part, group in GROUP_BY_PATH if part in path), None)


def breakdown(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of own time per group; time in the standard library and in lxml queries goes to
    the groups of its callers, in proportion."""
    table = stats.stats  # type: ignore[attr-defined]
    memo: dict[Any, dict[str, float]] = {}
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))

    def shares(key: Any, stack: frozenset) -> dict[str, float]:
        if key in memo:
            return memo[key]
        group = own_group(key)
        if group:
            result = {group: 1.0}
        else:
            callers = {c: v for c, v in table[key][4].items() if c not in stack and c in table}
            weight = sum(v[2] for v in callers.values()) or sum(v[0] for v in callers.values())
            if not callers or not weight:
                result = {"other (interpreter, start-up)": 1.0}
            else:
                result = defaultdict(float)
                for caller, v in callers.items():
                    share = (v[2] if sum(x[2] for x in callers.values()) else v[0]) / weight
                    for group, fraction in shares(caller, stack | {key}).items():
                        result[group] += share * fraction
                result = dict(result)
        memo[key] = result
        return result

    totals: dict[str, float] = defaultdict(float)
    for key, (_, _, tottime, _, _) in table.items():
        for group, fraction in shares(key, frozenset()).items():
            totals[group] += tottime * fraction
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def top(stats: pstats.Stats, sort: str, count: int = 25) -> list[dict[str, Any]]:
    """The top functions by cumulative (plumbing left out) or own time."""
    table = stats.stats  # type: ignore[attr-defined]
    index = 3 if sort == "cumulative" else 2
    rows = [(key, value) for key, value in table.items()
            if sort != "cumulative" or not PLUMBING.search(pstats.func_std_string(key))]
    rows = sorted(rows, key=lambda item: -item[1][index])[:count]
    return [{"function": short_name(key), "calls": value[1], "tottime": value[2],
             "cumtime": value[3]} for key, value in rows]


def short_name(key: tuple[str, int, str]) -> str:
    """A function as pstats names it, its file relative to the checkout, site-packages or
    the standard library."""
    name = pstats.func_std_string(key).replace(str(ROOT) + os.sep, "")
    return re.sub(r"^.*?(site-packages|lib/python3\.\d+)/", "", name)


def profile_figures(path: Path, pages: int) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    table = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    entry = {}
    for suffix, name, label in ENTRY_POINTS:
        found = [v for k, v in table.items()
                 if k[0].replace("\\", "/").endswith(suffix) and k[2] == name]
        if found:
            entry[label] = {"calls": sum(v[1] for v in found), "cumtime": sum(v[3] for v in found)}
    parses = sum(v[1] for k, v in table.items() if own_group(k) == "HTML parse (lxml)"
                 and k[2] != "document_fromstring")  # it calls etree.fromstring, counted
    return {"total_s": total, "pages": pages, "html_parses": parses,
            "html_parses_per_page": parses / pages if pages else None,
            "groups": breakdown(stats), "entry_points": entry,
            "top_cumulative": top(stats, "cumulative"), "top_tottime": top(stats, "tottime")}


def print_profile(profile: dict[str, Any]) -> None:
    total = profile["total_s"]
    print(f"\nProfile of (b) under cProfile: {total:.1f} s profiled, {profile['pages']} pages, "
          f"{profile['html_parses']} HTML parses ({profile['html_parses_per_page']:.2f} a page)")
    print("(profiling slows Python code more than C code: shares, not seconds, are the figures)")
    for title, key in (("cumulative", "top_cumulative"), ("own (tottime)", "top_tottime")):
        print(f"\nTop 25 by {title} time" + (" (event loop and middleware wrappers left out)"
                                            if key == "top_cumulative" else ""))
        print(f"  {'cum s':>7} {'own s':>7} {'calls':>9}  function")
        for row in profile[key]:
            print(f"  {row['cumtime']:7.2f} {row['tottime']:7.2f} {row['calls']:9d}  "
                  f"{row['function']}")
    print("\nWhere the time goes (own time by group; the standard library's and lxml's time "
          "charged to the callers')")
    pages = max(1, profile["pages"])
    for group, seconds in profile["groups"].items():
        print(f"  {group:38} {seconds:7.2f} s  {seconds / total:6.1%}  "
              f"{1000 * seconds / pages:6.2f} ms/page")
    print("\nEntry points (inclusive; generators count a call per resumption)")
    for label, value in profile["entry_points"].items():
        print(f"  {label:48} {value['cumtime']:7.2f} s  {value['cumtime'] / total:6.1%}  "
              f"{value['calls']:7d} calls  {1000 * value['cumtime'] / pages:6.2f} ms/page")


# Main


def main(argv: list[str] | None = None) -> int:
    """Serve the site, run (a), (b), (c) --repeat times, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="stories on the site")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of (a), (b), (c)")
    parser.add_argument("--per-page", type=int, default=10, help="stories per listing page")
    parser.add_argument("--page-kb", type=int,
                        help="article pages of about this many KB (default: 60-120 KB)")
    parser.add_argument("--seed", type=int, default=1, help="the site's seed")
    parser.add_argument("--json-out", type=Path, help="also write the JSON figures here")
    parser.add_argument("--baseline", type=Path,
                        help="the --json-out of a run at another N, for the scaling targets")
    parser.add_argument("--profile", action="store_true",
                        help="then run (b) once under cProfile and print where the time goes")
    parser.add_argument("--runs", default=",".join(RUNS),
                        help="which of bare,crawl,recheck to run (default: all three)")
    parser.add_argument("--no-warm", action="store_true",
                        help="render pages on request instead of before each run")
    parser.add_argument("--keep", type=Path, help="folder for logs, stats and archives (kept)")
    args = parser.parse_args(argv)
    selected = tuple(run for run in RUNS if run in args.runs.split(","))
    if not selected or ("recheck" in selected and "crawl" not in selected):
        parser.error(f"--runs takes some of {','.join(RUNS)}; recheck needs crawl")
    if args.repeat < 0 or (args.repeat == 0 and not args.profile):
        parser.error("--repeat takes a count of 1 or more (0 only with --profile)")
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="crawl-benchmark-"))
    workdir.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    product = product_state()
    server = Server(args.articles, args.per_page, args.seed, warm=not args.no_warm,
                    page_kb=args.page_kb)
    try:
        print(f"site of {args.articles:,} stories built and served at {server.base_url} in "
              f"{server.build_seconds:.1f} s", file=sys.stderr)
        repeats = []
        for number in range(1, args.repeat + 1):
            runs = repeat_once(server, workdir, selected)
            runs["ratios"] = ratios(runs)
            repeats.append(runs)
            print(f"repeat {number}: " + ", ".join(
                f"{run} {runs[run]['wall_s']:.1f} s" for run in RUNS if run in runs),
                file=sys.stderr)
        sizes = server.control("sizes")
        check = extraction_check(server, args.articles, args.per_page, args.seed,
                                 workdir / "archive.db", args.page_kb) if "crawl" in selected and repeats else None
        profile = None
        if args.profile:
            server.state(churn=False, validators=True)
            archive = workdir / "profile.db"
            for leftover in workdir.glob("profile.db*"):
                leftover.unlink()
            prof = workdir / "crawl.prof"
            run = run_news(server, workdir, archive, "profile", profile=prof)
            profile = profile_figures(prof, run["requests"])
            profile["run"] = {k: v for k, v in run.items() if k != "summary"}
    finally:
        server.stop()

    pages, story = sorted(sizes["articles"]), sorted(sizes["story_chars"])
    result = {
        "config": {
            "articles": args.articles, "repeat": args.repeat, "per_page": args.per_page,
            "seed": args.seed, "settings": list(CRAWL_SETTINGS), "warm_server": not args.no_warm,
            "cpus": os.cpu_count(), "python": sys.version.split()[0],
            "page_kb_asked": args.page_kb,
            "article_page_kb": {"median": statistics.median(pages) / 1024,
                                "min": pages[0] / 1024, "max": pages[-1] / 1024},
            "story_text_kb": {"median": statistics.median(story) / 1024,
                              "min": story[0] / 1024, "max": story[-1] / 1024},
            "home_page_kb": sizes["home"] / 1024, "server_build_s": server.build_seconds,
            "seconds": time.perf_counter() - started,
            "product": product, "product_after": product_state(),
        },
        "repeats": repeats,
        "summary": summarise(repeats) if repeats else None,
        "extraction_check": check,
    }
    if profile:
        result["profile"] = profile
    if repeats:
        report(result, baseline)
    if profile:
        print_profile(profile)
    text = json.dumps(result, indent=1, default=str)
    print("\n" + text)
    if args.json_out:
        args.json_out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
