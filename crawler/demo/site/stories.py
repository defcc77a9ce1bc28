"""The story model: stories written from the bundled word lists, their index and ground truth."""

from __future__ import annotations

import html
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

BST = timezone(timedelta(hours=1))
# Text a crawler must never store as story text: the modules around the story of both themes.
MODULE_MARKERS = (
    "Today:", "mins read", "Previous Story", "Next Story", "Latest from", "Go toTop",
    "Don't Miss", "Most read", "Advertisement", "Read more:", "Share this", "shares",
    "Sign up for our free newsletter", "About the author", "Trending Now", "Recent Posts",
    "All rights reserved", "reading now",
)
TEASER_WORDS = 30  # words of summary and body in a listing excerpt, as WordPress trims them


@cache
def newsbank() -> dict[str, list[str]]:
    """The bundled word lists and sentence templates the stories are written from."""
    text = resources.files("crawler.demo").joinpath("newsbank.json").read_text(encoding="utf-8")
    return json.loads(text)


def slugify(text: str) -> str:
    """A WordPress-style slug: ASCII, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def long_date(day: date) -> str:
    """A date as the page prints it: 6 October 2025."""
    return f"{day.day} {day:%B %Y}"


def excerpt(text: str, words: int = TEASER_WORDS) -> str:
    """The first words of a text, as a listing teaser shows them."""
    return " ".join(text.split()[:words])


def esc(text: str) -> str:
    """Text escaped for HTML content and attribute values."""
    return html.escape(text, quote=True)


@dataclass
class Story:
    """One story of a site: what its article page shows, the ground truth of the archive."""

    id: int
    slug: str
    section: str
    title: str
    summary: str
    authors: list[str]
    published: datetime
    paragraphs: list[str]
    tags: list[str] = field(default_factory=list)
    modified: datetime | None = None
    metadata: str = "full"  # page metadata printed: "full", "website" (og:type only) or "none"
    private: bool = False  # under /private/, which robots.txt forbids
    removed: bool = False  # answers 404
    old_slugs: list[str] = field(default_factory=list)  # earlier slugs, answering 301
    teaser: str | None = None  # listing excerpt, when not derived from summary and body
    related: dict[str, list[int]] = field(default_factory=dict)  # fixed module contents by name
    revision: int = 1  # versions an archive should hold: one, and one per edit of the story

    @property
    def body(self) -> str:
        """The story text as the archive stores it: paragraphs separated by one blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def live(self) -> bool:
        """True when the story is public and published."""
        return not (self.private or self.removed)

    @property
    def excerpt(self) -> str:
        """The teaser text listings show."""
        return self.teaser or excerpt(f"{self.summary} {' '.join(self.paragraphs)}")

    @property
    def words(self) -> int:
        """Words in the story text."""
        return len(self.body.split())


@dataclass(frozen=True)
class Expected:
    """The ground truth of one archived article."""

    url: str
    title: str
    summary: str
    authors: list[str]
    published: str  # ISO 8601 with offset
    modified: str | None
    section: str
    body: str


class StoryWriter:
    """Writes invented stories from the bundled sentence templates, deterministically by seed."""

    def __init__(self, theme: str, seed: int) -> None:
        self.theme = theme
        self.seed = seed
        self.bank = newsbank()
        shuffler = random.Random(f"{theme}:{seed}")
        self.topics = shuffler.sample(self.bank["topics"], len(self.bank["topics"]))
        self.cities = shuffler.sample(self.bank["cities"], len(self.bank["cities"]))

    def _numbers(self, rng: random.Random) -> dict[str, str]:
        return {
            "n1": str(rng.randint(2, 18)),
            "n2": f"{rng.randint(1200, 48000):,}",
            "hundreds": f"{rng.randint(2, 18) * 100:,}",
            "pct": str(rng.randint(3, 41)),
            "amount": f"{rng.randint(12, 2400) / 10:g}",
            "year": str(rng.randint(2012, 2021)),
            "month": rng.choice(self.bank["months"]),
            "weekday": rng.choice(self.bank["weekdays"]),
        }

    def write(self, index: int, authors: int = 1) -> dict[str, Any]:
        """Title, summary, authors, paragraphs and tags of the story with this index."""
        rng = random.Random(f"{self.theme}:{self.seed}:story:{index}")
        bank = self.bank
        count = len(self.topics)
        official, rival = rng.sample(bank["officials"], 2)
        role, rival_role = rng.sample(bank["roles"], 2)
        names = {
            "topic": self.topics[index % count],
            "city": self.cities[(index + index // count) % count],
            "org": rng.choice(bank["orgs"]),
            "official": official,
            "rival": rival,
            "role": role,
            "rival_role": rival_role,
        }

        def fill(template: str) -> str:
            text = template.format(**names, **self._numbers(rng))
            return text[0].upper() + text[1:]

        title = fill(rng.choice(bank["titles"]))
        summary = fill(rng.choice(bank["standfirsts"])) + "."
        sizes = [rng.choice((1, 2, 2, 3)) for _ in range(rng.randint(5, 12))]
        sentences = [fill(rng.choice(bank["ledes"]))]  # the first sentence says what happened
        sentences += [fill(s) for s in rng.sample(bank["sentences"], sum(sizes) - 1)]
        paragraphs = []
        for size in sizes:
            paragraphs.append(" ".join(sentences[:size]))
            del sentences[:size]
        pool = bank[f"{self.theme}_authors"]
        return {
            "title": title,
            "summary": summary,
            "authors": rng.sample(pool, authors),
            "paragraphs": paragraphs,
            "tags": [names["city"], names["org"]],
        }


@dataclass
class Listing:
    """One page of a paginated list of stories."""

    stories: list[Story]
    page: int
    pages: int
    has_next: bool


@dataclass
class StoryIndex:
    """The lookups every page needs, built once per change to the stories."""

    live: list[Story]  # public stories, newest first
    position: dict[int, int]  # story id -> place in live
    by_id: dict[int, Story]  # every story
    by_path: dict[str, Story]  # article path -> story, removed ones left out
    by_old_path: dict[str, Story]  # earlier article paths (301s) -> story
    by_section: dict[str, list[Story]]  # section slug -> public stories, newest first
    by_tag: dict[str, list[Story]]
    by_author: dict[str, list[Story]]
    tags: list[str]  # every tag of a public story, sorted
