"""The one clock and time format: every time the crawl writes is ISO 8601 UTC, to the second."""

from __future__ import annotations

from datetime import UTC, datetime

# The form of every time in the archive, the crawl's messages and the Datasette queries (SQLite's
# strftime() reads the same codes).
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_time(text: str) -> datetime:
    """An ISO 8601 time as an aware datetime (UTC when no zone is given)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    """A datetime in the archive's form (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def now(clock: str | None = None) -> str:
    """The current time in the archive's form; a clock (an ISO 8601 time) stands in for it."""
    return format_time(parse_time(clock) if clock else datetime.now(UTC))
