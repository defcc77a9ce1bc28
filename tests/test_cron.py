"""Cron at scale: the story's own age, new stories first, a time budget, temporary refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule, credible_published
from crawler.archive.schema import MIGRATIONS
from crawler.sites import SitesError, sites_of

NOW = "2025-10-06T12:00:00Z"
YEAR_AGO = "2024-10-06T09:00:00+01:00"


@pytest.mark.parametrize(
    ("published", "credible"),
    [
        ("2025-10-06T08:00:00+01:00", True),  # earlier today, in the page's own zone
        ("2025-10-05", True),  # a date alone
        ("2025-10-07T08:00:00Z", False),  # after first seen: a future date
        ("1989-12-31", False),  # before 1990
        ("last Tuesday", False),  # unreadable
        (None, False),
    ],
)
def test_credible_published(published, credible) -> None:
    assert (credible_published(published, NOW) is not None) is credible


@pytest.mark.parametrize(
    ("published", "last_changed", "expected"),
    [
        (YEAR_AGO, NOW, None),  # a year old, first seen now: never re-checked
        ("2025-10-05T12:00:00Z", NOW, "2025-10-06T18:00:00Z"),  # a day old: every 6 h
        ("2025-10-06T11:00:00Z", NOW, "2025-10-06T12:15:00Z"),  # an hour old: 15 min
        ("2031-01-01", NOW, "2025-10-06T12:15:00Z"),  # future date: age from first seen
        (None, NOW, "2025-10-06T12:15:00Z"),  # no date: age from first seen
        (YEAR_AGO, "2025-10-06T11:30:00Z", "2025-10-06T12:15:00Z"),  # changed: young again
    ],
)
def test_age_counts_from_the_published_date(published, last_changed, expected) -> None:
    first_seen = "2025-10-06T11:00:00Z" if last_changed != NOW else NOW
    assert DEFAULT_SCHEDULE.next_check(NOW, first_seen, last_changed, published) == expected


def test_a_site_can_count_age_from_first_seen() -> None:
    [config] = sites_of({"sites": {"old": {"start_urls": ["https://a.example/"],
                                           "revisit_age": "first_seen"}}}, "sites.toml")
    assert config.schedule.age_from == "first_seen"
    assert config.schedule.next_check(NOW, NOW, NOW, YEAR_AGO) == "2025-10-06T12:15:00Z"
    with pytest.raises(SitesError, match="revisit age"):
        sites_of({"sites": {"x": {"start_urls": ["https://a.example/"],
                                  "revisit_age": "modified"}}}, "sites.toml")


def test_default_schedule_reads_the_published_date() -> None:
    assert Schedule.parse().age_from == "published"


def _item(url: str, published: str | None, fetched_at: str) -> dict[str, object]:
    return {"url": url, "site": "a.example", "title": "T", "body": "Body " + url,
            "published": published, "fetched_at": fetched_at, "status": 200}


def test_saving_an_old_story_plans_no_recheck(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a.db")
    archive.save(_item("https://a.example/old", YEAR_AGO, NOW))
    archive.save(_item("https://a.example/new", "2025-10-06T11:50:00Z", NOW))
    due = dict(archive.conn.execute("SELECT url, next_check_at FROM articles"))
    archive.close()
    assert due == {"https://a.example/old": None,
                   "https://a.example/new": "2025-10-06T12:15:00Z"}


def test_an_archive_made_before_is_replanned_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    archive = Archive.open(path)
    archive.save(_item("https://a.example/old", YEAR_AGO, NOW))
    archive.save(_item("https://a.example/new", "2025-10-06T11:50:00Z", NOW))
    archive.close()
    # As the crawler before this rule left it: every story due within 15 minutes of first seen,
    # at the schema version before the replanning migration.
    conn = sqlite3.connect(path)
    conn.execute("UPDATE articles SET next_check_at = '2025-10-06T12:15:00Z'")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.commit()
    conn.close()
    archive = Archive.open(path)
    due = dict(archive.conn.execute("SELECT url, next_check_at FROM articles"))
    archive.close()
    assert due == {"https://a.example/old": None,
                   "https://a.example/new": "2025-10-06T12:15:00Z"}
