"""When to re-check an archived article: often while young or changing, then rarely, then never."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.clock import format_time, parse_time

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# As "age:interval" steps: an article younger than 3 h (or changed less than 3 h ago) is
# re-checked every 30 min, younger than a day every 3 h, ... About 18 checks in a story's first
# week: most edits come in its first hours, and a cron run each hour or less cannot check more
# often than it runs. Denser steps (NewsDiffs' 15 min, 1 h, 6 h) cost about 45 checks per new
# story in its first week, more than the rest of a site's re-checks together.
DEFAULT_STEPS = "3h:30m, 1d:3h, 3d:12h, 7d:1d, 30d:7d"
DEFAULT_MAX_AGE = "30d"  # articles older than this, and unchanged as long, are no longer checked
# Where a story's age counts from: "published" (its credible published date, else first seen)
# or "first_seen" (when the crawler first saw it, whatever the page says).
AGE_FROM = ("published", "first_seen")
DEFAULT_AGE_FROM = "published"
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)  # dates before this are not credible


class ScheduleError(ValueError):
    """A revisit schedule that cannot be read."""


def credible_published(published: str | None, first_seen: str) -> datetime | None:
    """A page's published date when it can be believed: readable, not before 1990, not later
    than the crawler first saw the page (which also rules out dates in the future)."""
    if not published:
        return None
    try:
        value = parse_time(str(published).strip())
    except ValueError:
        return None
    if not EARLIEST_PUBLISHED <= value <= parse_time(first_seen):
        return None
    return value


def parse_duration(text: str) -> timedelta:
    """'15m', '3h', '2d', '1w' as a timedelta."""
    match = DURATION.match(str(text))
    if not match:
        raise ScheduleError(f"not a duration: {text!r} (use forms like 15m, 3h, 2d, 1w)")
    return timedelta(seconds=float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()])


@dataclass(frozen=True)
class Schedule:
    """Age thresholds with their re-check intervals, and the age after which checks stop."""

    steps: tuple[tuple[timedelta, timedelta], ...]
    max_age: timedelta
    age_from: str = DEFAULT_AGE_FROM  # one of AGE_FROM

    @classmethod
    def parse(cls, steps: str = DEFAULT_STEPS, max_age: str = DEFAULT_MAX_AGE,
              age_from: str = DEFAULT_AGE_FROM) -> Schedule:
        """Read 'age:interval, ...' steps (ages increasing), a maximum age and where age counts
        from."""
        if age_from not in AGE_FROM:
            raise ScheduleError(f"revisit age must count from {' or '.join(AGE_FROM)}, "
                                f"not {age_from!r}")
        parsed = []
        for part in steps.split(","):
            if not part.strip():
                continue
            age, sep, interval = part.partition(":")
            if not sep:
                raise ScheduleError(f"revisit step {part.strip()!r} is not age:interval")
            parsed.append((parse_duration(age), parse_duration(interval)))
        if not parsed:
            raise ScheduleError("a revisit schedule needs at least one age:interval step")
        if [age for age, _ in parsed] != sorted(age for age, _ in parsed):
            raise ScheduleError("revisit steps must be in increasing order of age")
        return cls(tuple(parsed), parse_duration(max_age), age_from)

    def born(self, first_seen: str, published: str | None = None) -> datetime:
        """When a story's age starts: its credible published date (unless the schedule counts
        from first seen), else when the crawler first saw it."""
        if self.age_from == "published":
            credible = credible_published(published, first_seen)
            if credible is not None:
                return credible
        return parse_time(first_seen)

    def ages(self, now: str, first_seen: str, last_changed: str | None,
             published: str | None = None) -> tuple[timedelta, timedelta]:
        """The story's age (see `born`) and the time since its last change; the first version
        is no change (it is when the crawler first saw the story), so then both are the age."""
        current = parse_time(now)
        age = current - self.born(first_seen, published)
        changed = last_changed and parse_time(last_changed) > parse_time(first_seen)
        return age, (current - parse_time(last_changed) if changed else age)

    def youth(self, now: str, first_seen: str, last_changed: str | None,
              published: str | None = None) -> timedelta:
        """How young a story counts as: the lesser of its age and the time since it changed."""
        return min(self.ages(now, first_seen, last_changed, published))

    def next_check(self, now: str, first_seen: str, last_changed: str | None,
                   published: str | None = None) -> str | None:
        """When to check next, or None when the article is old and stable enough to leave.

        Age is the story's (see `born`); a change after the first version makes it young again.
        """
        current = parse_time(now)
        age, quiet = self.ages(now, first_seen, last_changed, published)
        if age >= self.max_age and quiet >= self.max_age:
            return None
        effective = min(age, quiet)
        for threshold, interval in self.steps:
            if effective < threshold:
                return format_time(current + interval)
        return format_time(current + self.steps[-1][1])


DEFAULT_SCHEDULE = Schedule.parse()


DEFAULT_BACKOFF = "1h, 6h, 1d, 3d"  # waits before retrying a refused page; the last repeats
DEFAULT_GIVE_UP = "14d"  # a page refused for this long, first refusal to last, is given up


@dataclass(frozen=True)
class Backoff:
    """When to try again a page the site refused for now (401, 403, 451, repeated timeouts)."""

    waits: tuple[timedelta, ...]
    give_up: timedelta

    @classmethod
    def parse(cls, waits: str = DEFAULT_BACKOFF, give_up: str = DEFAULT_GIVE_UP) -> Backoff:
        """Read comma-separated waits ('1h, 6h, 1d') and how long refusals are retried."""
        parsed = tuple(parse_duration(part) for part in waits.split(",") if part.strip())
        if not parsed:
            raise ScheduleError("a refusal backoff needs at least one wait")
        return cls(parsed, parse_duration(give_up))

    def retry_at(self, now: str, first_refused: str, attempts: int) -> str | None:
        """When to try again after this many refusals; None when it is time to give up."""
        current = parse_time(now)
        if current - parse_time(first_refused) >= self.give_up:
            return None
        return format_time(current + self.waits[min(attempts, len(self.waits)) - 1])


DEFAULT_BACKOFF_PLAN = Backoff.parse()
