"""Scrapy's own tools keep working beside the archive: list, parse, feed exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def scrapy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_scrapy_list_names_every_spider() -> None:
    done = scrapy("list")
    assert done.returncode == 0 and done.stdout.split() == ["arabdailydigital", "news"]


def test_scrapy_parse_shows_the_item_and_writes_no_archive(digest_server, tmp_path) -> None:
    site = digest_server.site
    story = site.live_stories()[0]
    archive = tmp_path / "archive.db"
    done = scrapy("parse", "--spider", "news", site.url(story), "-s", "LOG_LEVEL=ERROR",
                  "-s", f"ARCHIVE_PATH={archive}")
    assert done.returncode == 0, done.stderr
    assert "Scraped Items" in done.stdout and repr(story.title)[1:-1] in done.stdout
    assert "Traceback" not in done.stderr
    assert not archive.exists(), "scrapy parse recorded a crawl in the archive"


def test_feed_export_beside_the_archive(digest_server, archive_path, archive_db, run_crawl,
                                        tmp_path: Path) -> None:
    feed = tmp_path / "items.jsonl"
    done = run_crawl([digest_server.base_url + "/"], archive_path, "-O", str(feed))
    assert done.returncode == 0, done.stderr
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert sorted(i["url"] for i in items) == sorted(archive_db.latest())
    assert all(isinstance(i["page"], int) and i["body"] for i in items)  # page: its size only
