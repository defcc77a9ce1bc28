"""A real digest-style page, as a naive scraper saw it: the seed of a story and its modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SeedPage:
    """The parts of a real digest-style page, parsed from its text as a scraper saw it."""

    today: date
    published: date
    read_time: str
    title: str
    summary: str
    paragraphs: list[str]
    previous: str
    next: str
    section: str
    latest: list[tuple[str, str]]
    dont_miss: list[tuple[str, str]]

    @staticmethod
    def matches(text: str) -> bool:
        """True when the text looks like a digest-style page."""
        return text.startswith("Today:") and "\nPrevious Story" in text and "\nNext Story" in text

    @classmethod
    def parse(cls, text: str) -> SeedPage:
        """Split the page text into date bar, story and modules."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        today, day, read_time, title, summary = lines[:5]
        end = lines.index("Previous Story")
        previous, marker, following, latest_heading = lines[end + 1 : end + 5]
        if marker != "Next Story" or not latest_heading.startswith("Latest from"):
            raise ValueError("not a digest-style page: no post navigation before Latest from")
        top = lines.index("Go toTop", end)
        miss = lines.index("Don't Miss", top)

        def pairs(block: list[str]) -> list[tuple[str, str]]:
            return list(zip(block[::2], block[1::2], strict=False))

        return cls(
            today=datetime.strptime(today.removeprefix("Today:").strip(), "%d %B %Y").date(),
            published=datetime.strptime(day, "%d %B %Y").date(),
            read_time=read_time,
            title=title,
            summary=summary,
            paragraphs=lines[5:end],
            previous=previous,
            next=following,
            section=latest_heading.removeprefix("Latest from").strip(" -"),
            latest=pairs(lines[end + 5 : top]),
            dont_miss=pairs(lines[miss + 1 :]),
        )
