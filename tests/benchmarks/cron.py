"""Cron benchmark: what scheduled runs cost when stories age by their published date.

Serves a sample news site (the digest theme, listings of 20 stories, an RSS feed, sitemaps,
ETags) from a thread on 127.0.0.1 and runs the real `scrapy crawl news` into a fresh archive, a
subprocess per run with DOWNLOAD_DELAY=0 and AutoThrottle off, on the crawl clock
(CRAWL_CLOCK). Three measures, each printed with its target (printed, never asserted):

  idle    N stories published over --span-days (365 and 3 by default, both run): a first crawl,
          then one 20 minutes later with nothing changed (--idle-repeat times, each from the
          archive as the first crawl left it: the median); the second's requests and wall
          time as a share of the first's (target: at most 5% of each).
  week    a simulated week on the N-story site published over a year: one run per simulated
          hour, 20 new stories and 10 edits of random stories a day (edits of stories younger
          than 3 days among them); prints the total requests against 2x (stories + new stories
          + edits + one weekly re-check per story), the new stories not archived by the first
          run after they appeared, and the edits of young stories caught later than their
          schedule interval (plus the hour between runs).
  With --revisit STEPS the site's revisit schedule is STEPS (through a sites file).
  budget  `-a budget=B` on a site too large for B (a 50 ms answer delay): the run's wall time
          against B + 30 s, what it left, and that the next run archives more.

Example:
    nice -n 10 .venv/bin/python tests/benchmarks/cron.py idle --articles 500
    nice -n 10 .venv/bin/python tests/benchmarks/cron.py week --articles 2000 --hours 168
    nice -n 10 .venv/bin/python tests/benchmarks/cron.py budget --budget 2m
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule, parse_duration  # noqa: E402
from crawler.clock import format_time  # noqa: E402
from crawler.demo.server import RunningServer, serve  # noqa: E402
from crawler.demo.site import DigestSite  # noqa: E402

START = datetime.fromisoformat("2025-10-06T08:00:00+00:00")  # the first crawl's clock
TARGET_SHARE = 0.05  # an idle run's requests and wall time, as a share of the first crawl's
BUDGET_SLACK = 30  # seconds a budgeted run may take past its budget


def generated_site(count: int, span: timedelta, per_page: int = 20) -> DigestSite:
    """A sample site of `count` stories published evenly over `span` before START."""
    site = DigestSite(count=count, per_page=per_page)
    step = span / max(count, 1)
    for index, story in enumerate(site.stories):
        story.published = START - timedelta(minutes=30) - step * index
        story.modified = story.published + timedelta(minutes=10)
    site.changed()
    return site


REVISIT: str | None = None  # --revisit: the site's revisit steps, through a sites file


def site_arguments(server: RunningServer, archive: Path) -> list[str]:
    """-a start_urls for the served site, or -a sites for a sites file with --revisit."""
    if REVISIT is None:
        return ["-a", f"start_urls={server.url('/')}"]
    sites = archive.with_name("sites.toml")
    sites.write_text(f'[sites.sample]\nstart_urls = ["{server.url("/")}"]\n'
                     f'revisit = "{REVISIT}"\n', encoding="utf-8")
    return ["-a", f"sites={sites}"]


def crawl(server: RunningServer, archive: Path, when: datetime, *args: str,
          concurrency: int = 8) -> dict[str, Any]:
    """One `scrapy crawl news` of the served site at a crawl-clock time, measured."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news",
               *site_arguments(server, archive), "-s", f"ARCHIVE_PATH={archive}",
               "-s", f"CRAWL_CLOCK={format_time(when)}", "-s", "DOWNLOAD_DELAY=0",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
               "-s", f"CONCURRENT_REQUESTS={2 * concurrency}",
               "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}", *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    server.reset()
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the crawl exited {done.returncode}:\n{done.stderr[-3000:]}")
    return {"requests": len(server.hits()), "wall_s": round(wall, 2),
            "summary": done.stdout.strip().splitlines()[-1]}


def share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else float("inf")


def idle(count: int, span_days: float, repeat: int = 3) -> dict[str, Any]:
    """A first crawl, then one 20 minutes later with nothing changed, `repeat` times from the
    same archive (restored from a copy taken after the first crawl): the median and spread."""
    site = generated_site(count, timedelta(days=span_days))
    with tempfile.TemporaryDirectory(prefix="cron-bench-") as tmp, serve(site) as server:
        archive = Path(tmp) / "archive.db"
        first = crawl(server, archive, START, "-a", "backfill=1")
        kept = archive.with_name("after-first.db")
        shutil.copyfile(archive, kept)  # the crawl closed it: no WAL left beside it
        seconds = []
        for _ in range(repeat):
            shutil.copyfile(kept, archive)
            second = crawl(server, archive, START + timedelta(minutes=20))
            seconds.append(second["wall_s"])
    second["wall_s"] = round(statistics.median(seconds), 2)
    result = {"articles": count, "span_days": span_days, "first": first, "second": second,
              "second_wall_s": seconds,
              "requests_share": share(second["requests"], first["requests"]),
              "wall_share": share(second["wall_s"], first["wall_s"])}
    ok = all(result[k] <= TARGET_SHARE for k in ("requests_share", "wall_share"))
    print(f"idle, {count} stories over {span_days} days: first {first['requests']} requests "
          f"{first['wall_s']} s; 20 min later {second['requests']} requests {second['wall_s']} s"
          f" (median of {repeat}: {', '.join(f'{s:.2f}' for s in sorted(seconds))})"
          f" = {result['requests_share']:.2%} of the requests, {result['wall_share']:.2%} of "
          f"the wall time (target <= {TARGET_SHARE:.0%}: {'ok' if ok else 'over target'})")
    print(f"  first:  {first['summary']}\n  second: {second['summary']}")
    return result


def caught_at(conn: sqlite3.Connection, url: str, since: str) -> str | None:
    """When the archive first held a version of a story fetched at or after a time (its first
    version, when the story was edited before it was ever archived)."""
    row = conn.execute(
        "SELECT MIN(v.fetched_at) FROM versions v JOIN articles a ON a.id = v.article_id "
        "WHERE a.url = ? AND v.fetched_at >= ?", (url, since)).fetchone()
    return row[0] if row else None


def interval_for(age: timedelta) -> timedelta:
    """The schedule's interval for a story of this age."""
    schedule = Schedule.parse(REVISIT) if REVISIT else DEFAULT_SCHEDULE
    for threshold, interval in schedule.steps:
        if age < threshold:
            return interval
    return schedule.steps[-1][1]


def week(count: int, hours: int, new_per_day: int = 20, edits_per_day: int = 10,
         seed: int = 7) -> dict[str, Any]:
    """One run per simulated hour over a site published over a year."""
    site = generated_site(count, timedelta(days=365))
    rng = random.Random(seed)
    new_late: list[str] = []
    edits: list[dict[str, Any]] = []
    requests = 0
    added = 0
    wall = 0.0
    with tempfile.TemporaryDirectory(prefix="cron-bench-") as tmp, serve(site) as server:
        archive = Path(tmp) / "archive.db"
        first = crawl(server, archive, START, "-a", "backfill=1")
        requests += first["requests"]
        for hour in range(1, hours + 1):
            now = START + timedelta(hours=hour)
            fresh = []
            # New stories and edits spread evenly over the day, at the hour before the run.
            for _ in range(new_per_day * hour // 24 - new_per_day * (hour - 1) // 24):
                published = now - timedelta(minutes=rng.randint(5, 55))
                fresh.append(site.add_story(published=published))
                added += 1
            for _ in range(edits_per_day * hour // 24 - edits_per_day * (hour - 1) // 24):
                live = site.live_stories()
                # Half the edits are of stories younger than 3 days, as on a news site.
                young = [s for s in live if now - s.published < timedelta(days=3)]
                story = rng.choice(young if young and rng.random() < 0.5 else live)
                note = f"Update at {format_time(now)}."
                site.edit_body(story, lambda old, note=note: [*old, note])
                # An edit comes after its story was published, never before.
                edited = max(now - timedelta(minutes=rng.randint(1, 50)),
                             story.published + timedelta(minutes=1))
                edits.append({"url": site.url(story), "at": format_time(edited),
                              "age_h": (edited - story.published).total_seconds() / 3600})
            run = crawl(server, archive, now)
            requests += run["requests"]
            wall += run["wall_s"]
            conn = sqlite3.connect(archive)
            try:
                archived = {url for (url,) in conn.execute("SELECT url FROM articles")}
            finally:
                conn.close()
            new_late += [site.url(s) for s in fresh if site.url(s) not in archived]
            if hour % 24 == 0:
                print(f"  hour {hour}: {requests} requests so far, last run: {run['summary']}",
                      flush=True)
        conn = sqlite3.connect(archive)
        late = []
        young_edits = [e for e in edits if e["age_h"] < 72]
        try:
            for edit in young_edits:
                when = caught_at(conn, edit["url"], edit["at"])
                allowed = interval_for(timedelta(hours=edit["age_h"])) + timedelta(hours=1)
                delay = (datetime.fromisoformat(when.replace("Z", "+00:00"))
                         - datetime.fromisoformat(edit["at"].replace("Z", "+00:00"))
                         ) if when else None
                edited = datetime.fromisoformat(edit["at"].replace("Z", "+00:00"))
                if delay is None and edited + allowed > START + timedelta(hours=hours):
                    continue  # its interval had not passed when the simulation ended
                if delay is None or delay > allowed:
                    late.append({**edit, "caught": when})
        finally:
            conn.close()
    bound = 2 * (count + added + len(edits) + count + added)
    result = {"articles": count, "hours": hours, "first": first, "requests": requests,
              "bound": bound, "new_stories": added, "new_late": new_late, "edits": len(edits),
              "young_edits": len(young_edits), "young_edits_late": late,
              "wall_s_after_first": round(wall, 1)}
    print(f"week, {count} stories, {hours} hourly runs: {requests} requests in all (first crawl "
          f"{first['requests']}), bound {bound} ({'ok' if requests <= bound else 'over'}); "
          f"{added} new stories, {len(new_late)} not archived by the next run; {len(edits)} "
          f"edits, {len(young_edits)} of stories younger than 3 days, {len(late)} caught late; "
          f"{wall:.0f} s of runs after the first")
    return result


def budget(count: int, limit: str) -> dict[str, Any]:
    """A budgeted run on a site too large for it, then the next run."""
    seconds = parse_duration(limit).total_seconds()
    site = generated_site(count, timedelta(days=365))
    with (tempfile.TemporaryDirectory(prefix="cron-bench-") as tmp,
          serve(site, delay=0.05) as server):
        archive = Path(tmp) / "archive.db"
        args = ("-a", f"budget={limit}", "-a", "backfill=1")
        first = crawl(server, archive, START, *args, concurrency=2)
        held = _count(archive)
        second = crawl(server, archive, START + timedelta(minutes=5), *args, concurrency=2)
        after = _count(archive)
    ok = first["wall_s"] <= seconds + BUDGET_SLACK
    result = {"articles": count, "budget_s": seconds, "first": first, "archived_first": held,
              "second": second, "archived_second": after}
    print(f"budget {limit} on {count} stories (50 ms an answer, 2 at a time): the run took "
          f"{first['wall_s']} s (target <= {seconds + BUDGET_SLACK:.0f} s: "
          f"{'ok' if ok else 'over'}), archived {held}; the next run took {second['wall_s']} s "
          f"and brought the archive to {after}")
    print(f"  first:  {first['summary']}\n  second: {second['summary']}")
    return result


def _count(archive: Path) -> int:
    conn = sqlite3.connect(archive)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measure", choices=("idle", "week", "budget", "all"))
    parser.add_argument("--articles", type=int, default=2000, help="stories on the site")
    parser.add_argument("--span-days", type=float, action="append",
                        help="idle: days the stories were published over (default 365 and 3)")
    parser.add_argument("--idle-repeat", type=int, default=3,
                        help="idle: re-crawls 20 minutes later, each from the same archive")
    parser.add_argument("--hours", type=int, default=168, help="week: simulated hourly runs")
    parser.add_argument("--budget", default="2m", help="budget: the run's -a budget")
    parser.add_argument("--budget-articles", type=int, default=20000,
                        help="budget: stories on the too-large site")
    parser.add_argument("--revisit", help="the site's revisit steps (default: the schedule's)")
    parser.add_argument("--json-out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    global REVISIT
    REVISIT = args.revisit
    results: dict[str, Any] = {}
    if args.measure in ("idle", "all"):
        results["idle"] = [idle(args.articles, days, args.idle_repeat)
                           for days in args.span_days or (365, 3)]
    if args.measure in ("week", "all"):
        results["week"] = week(args.articles, args.hours)
    if args.measure in ("budget", "all"):
        results["budget"] = budget(args.budget_articles, args.budget)
    print(json.dumps(results, indent=2))
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
