"""`crawler demo`: crawl the sample sites, edit a story, crawl again and show what changed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from crawler.archive import Archive
from crawler.archive.changes import describe
from crawler.demo.server import serve
from crawler.demo.site import DigestSite, LedgerSite, LegacySite

# Settings for a crawl of sites on this machine: no politeness delay is needed.
LOCAL_CRAWL_SETTINGS = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "LOG_LEVEL=WARNING")


def crawl(start_urls: list[str], archive: Path, workdir: Path) -> None:
    """Run the real `scrapy crawl news` on the start URLs into the archive, re-checking all."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "recheck=all",
               "-a", "start_urls=" + ",".join(start_urls), "-s", f"ARCHIVE_PATH={archive}"]
    for setting in LOCAL_CRAWL_SETTINGS:
        command += ["-s", setting]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"the demo crawl failed: {done.stderr.strip().splitlines()[-1:]}")


def report_crawl(archive: Archive, echo: Callable[[str], None]) -> None:
    """One line of counts for the newest crawl."""
    row = archive.crawls(1)[0]
    echo(f"Crawl {row['id']} {row['status']}: {row['pages_fetched']} pages fetched, "
         f"{row['articles_new']} new articles, {row['versions_new']} new versions, "
         f"{row['unchanged']} unchanged, {row['errors']} errors")


def run_demo(db_path: str | None, echo: Callable[[str], None]) -> None:
    """Serve three sample sites, crawl, edit one story, crawl again, print the history and diff.

    The sites: WordPress-style (digest), modern with JSON-LD (ledger), and an old table layout
    in windows-1252 with comments, counters and print views (legacy).
    """
    with tempfile.TemporaryDirectory(prefix="crawler-demo-") as tmp:
        workdir = Path(tmp)
        archive_path = Path(db_path).resolve() if db_path else workdir / "archive.db"
        digest, ledger, legacy = DigestSite(), LedgerSite(), LegacySite()
        with (serve(digest) as digest_server, serve(ledger) as ledger_server,
              serve(legacy) as legacy_server):
            starts = [server.base_url + "/" for server in (digest_server, ledger_server,
                                                            legacy_server)]
            echo(f"Serving three sample news sites: {', '.join(starts)}")
            echo("Crawling them with `scrapy crawl news` ...")
            crawl(starts, archive_path, workdir)
            with Archive.open(archive_path, readonly=True) as archive:
                report_crawl(archive, echo)
                for row in archive.export_rows():
                    echo(f"  v{row['version']}  {row['site']:<16}  {row['title']}")

            story = digest.live_stories()[0]
            echo(f"\nThe site edits one story ({story.title!r}), and its sidebars change.")
            for site in (digest, ledger, legacy):
                site.churn()
            digest.edit_title(story, story.title + ", officials confirm")
            digest.edit_body(story, lambda paragraphs: [
                paragraphs[0].replace(".", ", according to a second source.", 1),
                *paragraphs[1:],
                "Correction: an earlier version of this story gave the wrong date for the vote.",
            ])
            echo("Crawling again ...")
            crawl(starts, archive_path, workdir)
            with Archive.open(archive_path, readonly=True) as archive:
                report_crawl(archive, echo)
                url = digest.url(story)
                article = archive.article(url)
                echo(f"\nHistory of {article['url']}:")
                for version in archive.versions(article["id"]):
                    echo(f"  v{version['version']}  {version['fetched_at']}  "
                         f"{describe(version['changes'])}")
                echo("\n" + archive.diff(url))
        if db_path:
            echo(f"\nThe archive is kept at {archive_path}: try `crawler search --db {db_path} "
                 f"vote` or `crawler history --db {db_path} {url}`.")
