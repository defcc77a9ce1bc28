"""Incremental crawl benchmark: what a scheduled run costs when nothing is due and nothing is new.

Serves a sample news site of N stories (the digest theme, listings of --per-page stories with
WordPress pagination, an RSS feed, a sitemap index and a news sitemap, ETags) from a thread on
127.0.0.1, then runs the real `scrapy crawl news` twice into a fresh archive, each as its own
subprocess with DOWNLOAD_DELAY=0 and AutoThrottle off:

  (1) first: the first crawl of the site, at CRAWL_CLOCK 2025-10-06T08:00:00Z (with
      --first-backfill, `-a backfill=1`, which reads every sitemap entry whatever its age);
  (2) second: --minutes later on the crawl clock (default 5, before any article's first
      re-check is due at 15 minutes), the sidebars churned, no story added or changed.

It prints, for each run, the requests the server answered (by kind: robots.txt, feed, sitemap,
listing, article), the wall seconds split into startup (to the first request: Python, Scrapy
and the archive opening), fetching (first to last request) and closing (last request to exit),
the crawl process's CPU seconds, the archive's counts for the run and how many of the site's
stories the archive holds after it (a first crawl that misses some leaves them "new" for the
second run, which then costs what it takes to fetch them), then the second run's
requests and wall time as a share of the first's beside the target (at most 5% of each;
printed, never asserted), then the same figures as JSON.

Example:
    .venv/bin/python tests/benchmarks/incremental.py
    .venv/bin/python tests/benchmarks/incremental.py --first-backfill
    .venv/bin/python tests/benchmarks/incremental.py --articles 5000 --json-out inc.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crawler.demo.server import RunningServer, serve  # noqa: E402
from crawler.demo.site import DigestSite  # noqa: E402

FIRST_CLOCK = datetime.fromisoformat("2025-10-06T08:00:00+00:00")  # after the newest story
TARGET_SHARE = 0.05  # the second run's requests and wall time, as a share of the first's
KINDS = ("robots", "feed", "sitemap", "listing", "article")


def crawl_settings(concurrency: int) -> list[str]:
    """The -s arguments of both runs: no politeness delays on loopback."""
    settings = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=WARNING",
                f"CONCURRENT_REQUESTS={2 * concurrency}",
                f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}")
    return [arg for setting in settings for arg in ("-s", setting)]


def kind_of(site: DigestSite, target: str, story_paths: set[str]) -> str:
    """What a request asked for."""
    path = urlsplit(target).path
    if path == "/robots.txt":
        return "robots"
    if path == site.feed_path:
        return "feed"
    if path.endswith(".xml"):
        return "sitemap"
    return "article" if path in story_paths else "listing"


def run(server: RunningServer, archive: Path, when: datetime, concurrency: int,
        *args: str) -> dict[str, Any]:
    """One `scrapy crawl news` of the served site at a crawl-clock time, measured."""
    site: DigestSite = server.site  # type: ignore[assignment]
    command = [sys.executable, "-m", "scrapy", "crawl", "news",
               "-a", f"start_urls={server.url('/')}", "-s", f"ARCHIVE_PATH={archive}",
               "-s", f"CRAWL_CLOCK={when.strftime('%Y-%m-%dT%H:%M:%SZ')}",
               *crawl_settings(concurrency), *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("SCRAPY_SETTINGS_MODULE", None)  # scrapy.cfg at the repository root names them
    server.reset()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    ended = time.monotonic()
    wall = ended - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"the crawl exited {done.returncode}:\n{done.stderr[-3000:]}")
    hits = server.hits()
    story_paths = {site.path(s) for s in site.stories}
    kinds = Counter(kind_of(site, hit.target, story_paths) for hit in hits)
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        crawl = dict(conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone())
        archived = {url for (url,) in conn.execute("SELECT url FROM articles")}
    conn.close()  # the context manager commits; it does not close
    return {
        "requests": len(hits),
        "by_kind": {kind: kinds.get(kind, 0) for kind in KINDS},
        "conditional": sum(hit.conditional for hit in hits),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),  # the crawl process's user and system CPU
        "startup_s": round(hits[0].at - started, 2) if hits else None,
        "fetching_s": round(hits[-1].at - hits[0].at, 2) if hits else None,
        "closing_s": round(ended - hits[-1].at, 2) if hits else None,
        "articles_new": crawl["articles_new"],
        "versions_new": crawl["versions_new"],
        "unchanged": crawl["unchanged"],
        "errors": crawl["errors"],
        "archived": len(archived & set(site.expected())),
        "summary": done.stdout.strip().splitlines()[-1],
    }


def share(second: float, first: float) -> float:
    return round(second / first, 4) if first else float("inf")


def report(results: dict[str, Any]) -> None:
    """The table of both runs and the ratios against the target."""
    first, second = results["first"], results["second"]
    print(f"Site: {results['articles']} articles, {results['per_page']} a listing page; "
          f"second run {results['minutes']} min after the first on the crawl clock; "
          f"first run {'with' if results['first_backfill'] else 'without'} backfill\n")
    columns = ("run", "requests", *KINDS, "304s", "wall s", "startup", "fetching", "closing",
               "cpu s", "new", "unchanged", "archived")
    rows = [(name, r["requests"], *(r["by_kind"][k] for k in KINDS), r["conditional"],
             r["wall_s"], r["startup_s"], r["fetching_s"], r["closing_s"], r["cpu_s"],
             r["articles_new"], r["unchanged"],
             f"{r['archived']}/{results['articles']}")
            for name, r in (("first", first), ("second", second))]
    widths = [max(len(str(c)), *(len(str(row[i])) for row in rows))
              for i, c in enumerate(columns)]
    for line in (columns, *rows):
        print("  ".join(str(v).rjust(w) for v, w in zip(line, widths, strict=True)))
    print()
    for name in ("requests", "wall_s"):
        value = results["ratios"][name]
        verdict = "ok" if value <= TARGET_SHARE else "over target"
        print(f"second/first {name:<8} {value:7.2%}   (target <= {TARGET_SHARE:.0%}: {verdict})")
    if first["archived"] < results["articles"]:
        print(f"\nThe first run archived {first['archived']} of {results['articles']} stories: "
              "the second run's 'new' articles are the rest.")
    print(f"\nfirst:  {first['summary']}\nsecond: {second['summary']}\n")
    print(json.dumps(results, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="stories on the site")
    parser.add_argument("--per-page", type=int, default=20, help="stories per listing page")
    parser.add_argument("--minutes", type=float, default=5,
                        help="crawl-clock minutes between the runs")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="requests in flight to the site (CONCURRENT_REQUESTS_PER_DOMAIN)")
    parser.add_argument("--no-churn", action="store_true",
                        help="leave the sidebars as they were between the runs")
    parser.add_argument("--first-backfill", action="store_true",
                        help="run the first crawl with -a backfill=1")
    parser.add_argument("--json-out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()

    site = DigestSite(count=args.articles, per_page=args.per_page)
    with tempfile.TemporaryDirectory(prefix="incremental-bench-") as tmp, serve(site) as server:
        archive = Path(tmp) / "archive.db"
        backfill = ("-a", "backfill=1") if args.first_backfill else ()
        first = run(server, archive, FIRST_CLOCK, args.concurrency, *backfill)
        if not args.no_churn:
            site.churn()
        later = FIRST_CLOCK + timedelta(minutes=args.minutes)
        second = run(server, archive, later, args.concurrency)
    results = {
        "articles": args.articles, "per_page": args.per_page, "minutes": args.minutes,
        "concurrency": args.concurrency, "churn": not args.no_churn,
        "first_backfill": args.first_backfill,
        "first": first, "second": second,
        "ratios": {"requests": share(second["requests"], first["requests"]),
                   "wall_s": share(second["wall_s"], first["wall_s"])},
        "target_share": TARGET_SHARE,
    }
    report(results)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
