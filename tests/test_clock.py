"""The one clock: its time form, its stand-in for tests and replays, and no second copy of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler import clock

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [path for folder in ("crawler", "spiders", "pipelines")
           for path in (ROOT / folder).rglob("*.py")]


def test_now_is_the_real_time_in_the_archive_form() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    text = clock.now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text)
    assert before <= clock.parse_time(text) <= before + timedelta(seconds=5)


@pytest.mark.parametrize(("stand_in", "expected"), [
    ("2025-10-01T09:00:00Z", "2025-10-01T09:00:00Z"),
    ("2025-10-01T11:30:15+02:00", "2025-10-01T09:30:15Z"),
    ("2025-10-01T09:00:00.750", "2025-10-01T09:00:00Z"),
    ("2025-10-01", "2025-10-01T00:00:00Z"),
])
def test_a_clock_stands_in_for_now(stand_in: str, expected: str) -> None:
    assert clock.now(stand_in) == expected
    assert clock.now(clock.now(stand_in)) == expected


def test_format_and_parse_are_inverse() -> None:
    moment = datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    assert clock.format_time(moment) == "2024-03-01T04:59:59Z"
    assert clock.parse_time(clock.format_time(moment)) == moment
    assert clock.format_time(datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05Z"  # naive: UTC


def test_the_time_form_and_the_clock_are_written_once() -> None:
    written = [p.relative_to(ROOT).as_posix() for p in SOURCES
               if clock.TIME_FORMAT in p.read_text(encoding="utf-8")]
    assert written == ["crawler/clock.py"]
    reads_the_clock = [p.relative_to(ROOT).as_posix() for p in SOURCES
                       if re.search(r"datetime\.now\(|time\.gmtime\(", p.read_text("utf-8"))]
    # crawler/middlewares.py compares a Retry-After date with the real time, which is no stamp.
    assert set(reads_the_clock) <= {"crawler/clock.py", "crawler/middlewares.py"}
