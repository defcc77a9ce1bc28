"""A sample news site, deterministic and mutable, rendered as realistic HTML in two themes.

`DigestSite` is a WordPress news site modelled on a real page (date bar, read time, post
navigation, "Latest from" and "Don't Miss" teasers, sidebar widgets, shortlinks); `LedgerSite`
is a modern site (JSON-LD, AMP variants, tracking parameters on links, inline "Read more" boxes
and adverts inside the story). `churn()` changes everything that is not the story; `edit_body`,
`edit_title`, `add_story`, `remove_story` and `move_story` change the stories, and `expected()`
gives the ground truth an archive should hold.

Like a real site, each advertises an RSS feed of its newest stories in every page's head, lists
a sitemap index and a Google News sitemap in robots.txt, and sends article pages with an ETag
and a Last-Modified date, answering a conditional request 304 when the story has not changed.
Stories are indexed once per change, so a site of thousands of stories renders a page in about a
millisecond. Standard library only: `crawler.demo.server` serves a site on 127.0.0.1.
"""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

import hashlib
import html
import json
import math
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from importlib import resources
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

BST = timezone(timedelta(hours=1))
# Text a crawler must never store as story text: the modules around the story of both themes.
MODULE_MARKERS = (
    "Today:", "mins read", "Previous Story", "Next Story", "Latest from", "Go toTop",
    "Don't Miss", "Most read", "Advertisement", "Read more:", "Share this", "shares",
    "Sign up for our free newsletter", "About the author", "Trending Now", "Recent Posts",
    "All rights reserved", "reading now",
)
TEASER_WORDS = 30  # words of summary and body in a listing excerpt, as WordPress trims them
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_SITEMAP_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@cache
def newsbank() -> dict[str, list[str]]:
    """The bundled word lists and sentence templates the stories are written from."""
    text = resources.files(__package__).joinpath("newsbank.json").read_text(encoding="utf-8")
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


def http_date(moment: datetime) -> str:
    """A time as HTTP headers write it: Sun, 05 Oct 2025 17:30:00 GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def etag_of(*parts: object) -> str:
    """A strong entity tag for content made of these parts."""
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return f'"{digest[:20]}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """True when an If-None-Match value names the tag (weakly compared) or is "*"."""
    wanted = etag.removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


def not_modified_since(if_modified_since: str, last_modified: str) -> bool:
    """True when the page is not newer than an If-Modified-Since date (bad dates: False)."""
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Response:
    """What the site answers to one request."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def page(cls, text: str, status: int = 200) -> Response:
        """An HTML page."""
        return cls(status, text.encode("utf-8"), (("Content-Type", "text/html; charset=utf-8"),))

    @classmethod
    def text(cls, text: str) -> Response:
        """A plain text file."""
        return cls(200, text.encode("utf-8"), (("Content-Type", "text/plain; charset=utf-8"),))

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        """A permanent redirect."""
        return cls(status, b"", (("Location", location), ("Content-Type", "text/html")))

    @classmethod
    def xml(cls, text: str, media_type: str = "application/xml") -> Response:
        """An XML document: a feed or a sitemap."""
        return cls(200, text.encode("utf-8"), (("Content-Type", f"{media_type}; charset=utf-8"),))

    def header(self, name: str) -> str | None:
        """The value of a header, by case-insensitive name."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def with_headers(self, *headers: tuple[str, str]) -> Response:
        """The same response with more headers."""
        return Response(self.status, self.body, (*self.headers, *headers))

    def answer(self, request_headers: Mapping[str, str]) -> Response:
        """This response, or 304 Not Modified when the request's validators still match it.

        If-None-Match wins over If-Modified-Since, as RFC 9110 says; only 200s with
        validators are ever answered 304.
        """
        etag, last_modified = self.header("ETag"), self.header("Last-Modified")
        if self.status != 200 or not (etag or last_modified):
            return self
        if_none_match = request_headers.get("if-none-match")
        if_modified_since = request_headers.get("if-modified-since")
        if if_none_match is not None:
            fresh = bool(etag) and etag_matches(if_none_match, etag)
        else:
            fresh = bool(if_modified_since and last_modified) and not_modified_since(
                if_modified_since, last_modified)
        if not fresh:
            return self
        kept = tuple((k, v) for k, v in self.headers if k in ("ETag", "Last-Modified"))
        return Response(304, b"", kept)


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


class NewsSite:
    """Stories, routes and module churn shared by both themes; a theme renders the pages."""

    theme: ClassVar[str]
    name: ClassVar[str]
    default_sections: ClassVar[tuple[str, ...]]
    first_id: ClassVar[int]
    id_step: ClassVar[int]
    newest: ClassVar[datetime]

    feed_path: ClassVar[str]  # the RSS feed
    sitemap_index_path: ClassVar[str]  # the sitemap index robots.txt lists
    sitemap_path: ClassVar[str]  # one sitemap of the index, "{n}" for its number from 1
    news_sitemap_path: ClassVar[str]  # the Google News sitemap robots.txt lists
    disallow: ClassVar[tuple[str, ...]] = ("/private/",)  # robots.txt Disallow rules

    def __init__(
        self,
        count: int = 16,
        seed: int = 1,
        per_page: int = 5,
        *,
        feed_size: int = 10,
        sitemaps: bool = True,
        sitemap_size: int = 1000,
        news_days: float = 2,
        validators: bool = True,
        stable_etags: bool = True,
    ) -> None:
        self.seed = seed
        self.per_page = per_page
        self.base_url = "http://127.0.0.1"  # the server sets the address it listens on
        self.generation = 0  # bumped by churn(): sidebars, dates, counts and ads change
        self.endless_pagination = False  # every listing page links to one more page
        self.partner_links: list[tuple[str, str]] = []  # (text, URL) in the footer: other sites
        self.feed_size = feed_size  # stories in the RSS feed; 0: no feed at all
        self.sitemaps = sitemaps  # robots.txt lists a sitemap index and a news sitemap
        self.sitemap_size = sitemap_size  # URLs per sitemap of the index
        self.news_days = news_days  # the news sitemap's window before the newest story
        self.validators = validators  # article pages send ETag and Last-Modified
        # True: the ETag hashes the story alone; False: every byte, so churn changes it too.
        self.stable_etags = stable_etags
        self.sections = list(self.default_sections)
        self.writer = StoryWriter(self.theme, seed)
        self.stories: list[Story] = []
        self.today = date(2025, 10, 6)
        self._changes = 0  # bumped by every method that changes the stories
        self._index: tuple[tuple[int, int], StoryIndex] | None = None
        for index in range(count):
            self.stories.append(self._new_story(index))
        self.private = self._new_story(count, private=True)
        self.stories.append(self.private)

    # Stories

    def _authors_for(self, index: int) -> int:
        return 1

    def _new_story(self, index: int, **fields: Any) -> Story:
        written = self.writer.write(index, self._authors_for(index))
        rng = random.Random(f"{self.theme}:{self.seed}:time:{index}")
        published = self.newest - timedelta(hours=13 * index, minutes=rng.randint(0, 50))
        values: dict[str, Any] = {
            "id": self.first_id + self.id_step * index,
            "section": self.sections[index % len(self.sections)],
            "published": published,
            "modified": published + timedelta(minutes=rng.randint(5, 90)),
            **written,
        }
        values.update(fields)
        if values.get("private"):
            values["title"] = f"Staff notice: {values['title']}"
        values.setdefault("slug", slugify(values["title"]))
        return Story(**values)

    def add_story(self, **fields: Any) -> Story:
        """Publish a new story, newest of all unless fields say otherwise; returns it."""
        index = len(self.stories)
        fields.setdefault("published", max(s.published for s in self.stories) + timedelta(hours=2))
        fields.setdefault("modified", fields["published"])
        story = self._new_story(index, **fields)
        self.stories.append(story)
        self.changed()
        return story

    def story(self, key: int | str | Story) -> Story:
        """The story with this id, slug, earlier slug, path or URL."""
        if isinstance(key, Story):
            return key
        for story in self.stories:
            if key in (story.id, story.slug) or key in story.old_slugs:
                return story
            if isinstance(key, str) and key in (self.path(story), self.url(story)):
                return story
        raise KeyError(f"no story {key!r}")

    def live_stories(self) -> list[Story]:
        """Public stories, newest first."""
        return list(self.index().live)

    def changed(self) -> None:
        """Say that stories changed; the site's methods call it, code that sets fields must."""
        self._changes += 1

    def index(self) -> StoryIndex:
        """The lookups over the stories as they are now."""
        key = (len(self.stories), self._changes)
        if self._index is None or self._index[0] != key:
            self._index = (key, self._build_index())
        return self._index[1]

    def _build_index(self) -> StoryIndex:
        live = sorted((s for s in self.stories if s.live), key=lambda s: s.published,
                      reverse=True)
        by_path: dict[str, Story] = {}
        by_old_path: dict[str, Story] = {}
        for story in self.stories:
            if not story.removed:
                by_path.setdefault(self.path(story), story)
                for slug in story.old_slugs:
                    by_old_path.setdefault(self.path(story, slug), story)
        by_section: dict[str, list[Story]] = {}
        by_tag: dict[str, list[Story]] = {}
        by_author: dict[str, list[Story]] = {}
        for story in live:
            by_section.setdefault(slugify(story.section), []).append(story)
            for tag in dict.fromkeys(map(slugify, story.tags)):
                by_tag.setdefault(tag, []).append(story)
            for author in dict.fromkeys(map(slugify, story.authors)):
                by_author.setdefault(author, []).append(story)
        return StoryIndex(
            live=live,
            position={s.id: n for n, s in enumerate(live)},
            by_id={s.id: s for s in reversed(self.stories)},  # the first of an id wins
            by_path=by_path,
            by_old_path=by_old_path,
            by_section=by_section,
            by_tag=by_tag,
            by_author=by_author,
            tags=sorted({t for s in live for t in s.tags}),
        )

    def _touch(self, story: Story) -> None:
        story.modified = max(story.modified or story.published, story.published) + timedelta(
            hours=3
        )
        self.changed()

    def edit_body(
        self, key: int | str | Story, paragraphs: list[str] | Callable[[list[str]], list[str]]
    ) -> Story:
        """Replace a story's paragraphs (or pass a function from old paragraphs to new)."""
        story = self.story(key)
        new = paragraphs(list(story.paragraphs)) if callable(paragraphs) else paragraphs
        story.paragraphs = list(new)
        self._touch(story)
        return story

    def edit_title(self, key: int | str | Story, title: str) -> Story:
        """Change a story's headline (its URL stays, as on WordPress)."""
        story = self.story(key)
        story.title = title
        self._touch(story)
        return story

    def edit_summary(self, key: int | str | Story, summary: str) -> Story:
        """Change a story's standfirst."""
        story = self.story(key)
        story.summary = summary
        self._touch(story)
        return story

    def remove_story(self, key: int | str | Story) -> Story:
        """Unpublish a story: its URL answers 404 and no page links to it."""
        story = self.story(key)
        story.removed = True
        self.changed()
        return story

    def move_story(self, key: int | str | Story, slug: str | None = None) -> Story:
        """Give a story a new slug; its old URL answers 301 to the new one."""
        story = self.story(key)
        story.old_slugs.append(story.slug)
        story.slug = slug or f"{story.slug}-updated"
        self.changed()
        return story

    def churn(self) -> None:
        """Change everything around the stories: dates, counts, teasers, ads."""
        self.generation += 1

    # Ground truth

    def path(self, story: Story, slug: str | None = None) -> str:
        """The path of a story's article page."""
        raise NotImplementedError

    def url(self, key: int | str | Story) -> str:
        """The canonical URL of a story."""
        return self.base_url + self.path(self.story(key))

    def expected(self) -> dict[str, Expected]:
        """What the archive should hold after crawling the site, by canonical URL."""
        return {
            self.url(s): Expected(
                url=self.url(s),
                title=s.title,
                summary=s.summary,
                authors=list(s.authors),
                published=s.published.isoformat(),
                modified=s.modified.isoformat() if s.modified else None,
                section=s.section,
                body=s.body,
            )
            for s in self.live_stories()
        }

    # Modules that churn

    def rng(self, *key: object) -> random.Random:
        """A random source for one module of one page in the current generation."""
        return random.Random(f"{self.theme}:{self.seed}:{self.generation}:{key}")

    def current_day(self) -> date:
        """The date the site thinks it is today."""
        return self.today + timedelta(days=self.generation)

    def read_minutes(self, story: Story) -> int:
        """The reading time a page prints: recomputed by the theme on every render."""
        return max(1, round(story.words / 200)) + self.generation % 3

    def pick(self, key: object, stories: Iterable[Story], count: int) -> list[Story]:
        """A churning selection of stories for a module."""
        pool = list(stories)
        return self.rng(key).sample(pool, min(count, len(pool)))

    def advert(self, key: object) -> str:
        """The text of a churning advert."""
        rng = self.rng("ad", key)
        return rng.choice(newsbank()["ads"]).format(n=rng.randint(3, 400))

    def fixed(self, story: Story, module: str) -> list[Story] | None:
        """A module's stories when the story fixes them (pages built from a seed)."""
        if module not in story.related:
            return None
        return [self.story(i) for i in story.related[module]]

    def paginate(self, stories: list[Story], page: int) -> Listing | None:
        """One page of a list; None when the page does not exist."""
        pages = max(1, math.ceil(len(stories) / self.per_page))
        if page < 1 or (page > pages and not self.endless_pagination):
            return None
        start = (min(page, pages) - 1) * self.per_page
        chunk = stories[start : start + self.per_page]
        return Listing(chunk, page, pages, page < pages or self.endless_pagination)

    def in_section(self, slug: str) -> list[Story]:
        """Public stories of the section with this slug, newest first."""
        return list(self.index().by_section.get(slug, ()))

    def by_author(self, slug: str) -> list[Story]:
        """Public stories with an author of this slug, newest first."""
        return list(self.index().by_author.get(slug, ()))

    def tagged(self, slug: str) -> list[Story]:
        """Public stories with a tag of this slug, newest first."""
        return list(self.index().by_tag.get(slug, ()))

    def partners(self) -> str:
        """Footer list items linking to other sites."""
        return "".join(f'<li><a href="{esc(url)}">{esc(text)}</a></li>'
                       for text, url in self.partner_links)

    # Requests

    def robots_txt(self) -> str:
        """The site's robots.txt, with its sitemaps."""
        lines = ["User-agent: *", *(f"Disallow: {rule}" for rule in self.disallow)]
        if self.sitemaps:
            lines += ["", f"Sitemap: {self.base_url}{self.sitemap_index_path}",
                      f"Sitemap: {self.base_url}{self.news_sitemap_path}"]
        return "\n".join(lines) + "\n"

    def handle(self, target: str, headers: Mapping[str, str] | None = None) -> Response:
        """Answer a GET for a path with its query string, honouring conditional headers."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        response = (self.files(parts.path) or self.route(parts.path, query)
                    or Response.page(self.not_found(), 404))
        if headers:
            response = response.answer({k.lower(): v for k, v in headers.items()})
        return response

    def files(self, path: str) -> Response | None:
        """robots.txt, the feed and the sitemaps; None for any other path."""
        if path == "/robots.txt":
            return Response.text(self.robots_txt())
        if self.feed_size and path == self.feed_path:
            return Response.xml(self.feed(), "application/rss+xml")
        if not self.sitemaps:
            return None
        if path == self.sitemap_index_path:
            return Response.xml(self.sitemap_index())
        if path == self.news_sitemap_path:
            return Response.xml(self.news_sitemap())
        before, _, after = self.sitemap_path.partition("{n}")
        number = path.removeprefix(before).removesuffix(after)
        if path.startswith(before) and path.endswith(after) and number.isdigit():
            text = self.sitemap(int(number))
            return Response.xml(text) if text else None
        return None

    def article_response(self, story: Story, text: str, variant: str = "") -> Response:
        """An article page, with an ETag and Last-Modified when the site sends validators."""
        response = Response.page(text)
        if not self.validators:
            return response
        modified = story.modified or story.published
        if self.stable_etags:  # the story's own fields, as a CMS hashes its post
            etag = etag_of(self.theme, story.id, variant, story.title, story.summary,
                           story.authors, story.section, story.published.isoformat(),
                           modified.isoformat(), *story.paragraphs)
        else:
            etag = f'"{hashlib.sha1(response.body).hexdigest()[:20]}"'
        return response.with_headers(("ETag", etag), ("Last-Modified", http_date(modified)))

    # Feed and sitemaps

    def feed_link(self) -> str:
        """The <link> in every page's head that advertises the feed."""
        if not self.feed_size:
            return ""
        return (f'<link rel="alternate" type="application/rss+xml" title="{esc(self.name)} '
                f'&raquo; Feed" href="{self.base_url}{self.feed_path}">\n')

    def feed(self) -> str:
        """RSS 2.0 of the newest stories."""
        stories = self.index().live[: self.feed_size]
        built = max(((s.modified or s.published) for s in stories), default=self.newest)
        items = "".join(
            f"<item>\n<title>{esc(s.title)}</title>\n<link>{self.url(s)}</link>\n"
            f'<guid isPermaLink="false">{self.theme}-{s.id}</guid>\n'
            f"<pubDate>{format_datetime(s.published)}</pubDate>\n"
            + "".join(f"<dc:creator>{esc(a)}</dc:creator>\n" for a in s.authors)
            + f"<category>{esc(s.section)}</category>\n"
            f"<description>{esc(s.excerpt)}</description>\n</item>\n"
            for s in stories
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{esc(self.name)}</title>
<atom:link href="{self.base_url}{self.feed_path}" rel="self" type="application/rss+xml"/>
<link>{self.base_url}/</link>
<description>The latest stories from {esc(self.name)}</description>
<lastBuildDate>{format_datetime(built)}</lastBuildDate>
<language>en-GB</language>
{items}</channel>
</rss>
"""

    def sitemap_chunks(self) -> list[list[Story]]:
        """The stories of each sitemap of the index: oldest first, so old sitemaps never change."""
        oldest_first = self.index().live[::-1]
        size = max(1, self.sitemap_size)
        return [oldest_first[n : n + size] for n in range(0, len(oldest_first), size)]

    def sitemap_index(self) -> str:
        """The sitemap index: each sitemap with the newest modified time of its stories."""
        entries = "".join(
            f"<sitemap><loc>{self.base_url}{self.sitemap_path.format(n=n)}</loc>"
            f"<lastmod>{max((s.modified or s.published) for s in chunk).isoformat()}</lastmod>"
            "</sitemap>\n"
            for n, chunk in enumerate(self.sitemap_chunks(), start=1)
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
                f"{entries}</sitemapindex>\n")

    def sitemap(self, number: int) -> str | None:
        """One sitemap of the index: every story's URL and modified time; None past the last."""
        chunks = self.sitemap_chunks()
        if not 1 <= number <= len(chunks):
            return None
        entries = "".join(
            f"<url><loc>{self.url(s)}</loc>"
            f"<lastmod>{(s.modified or s.published).isoformat()}</lastmod></url>\n"
            for s in chunks[number - 1]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'

    def news_stories(self) -> list[Story]:
        """The news sitemap's stories: those published in the window before the newest story."""
        live = self.index().live
        if not live:
            return []
        since = live[0].published - timedelta(days=self.news_days)
        return [s for s in live if s.published >= since]

    def news_sitemap(self) -> str:
        """A Google News sitemap with publication dates."""
        entries = "".join(
            f"<url><loc>{self.url(s)}</loc>"
            f"<lastmod>{(s.modified or s.published).isoformat()}</lastmod>"
            f"<news:news><news:publication><news:name>{esc(self.name)}</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{s.published.isoformat()}</news:publication_date>"
            f"<news:title>{esc(s.title)}</news:title></news:news></url>\n"
            for s in self.news_stories()
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" '
                f'xmlns:news="{NEWS_SITEMAP_NS}">\n{entries}</urlset>\n')

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        """The theme's answer to a path, None for 404."""
        raise NotImplementedError

    def not_found(self) -> str:
        """The 404 page."""
        raise NotImplementedError


# The "digest" theme: WordPress, modelled on a real news page


class DigestSite(NewsSite):
    """A WordPress news site: date bar, read time, post navigation, teasers, widgets."""

    theme = "digest"
    name = "The Daily Digest"
    default_sections = ("Top News", "Business", "Regions")
    first_id = 5102
    id_step = 3
    newest = datetime(2025, 10, 5, 18, 30, tzinfo=BST)
    feed_path = "/feed/"
    sitemap_index_path = "/sitemap_index.xml"
    sitemap_path = "/post-sitemap{n}.xml"
    news_sitemap_path = "/news-sitemap.xml"

    def __init__(self, count: int = 16, seed: int = 1, per_page: int = 5, **options: Any) -> None:
        super().__init__(count, seed, per_page, **options)
        # One story says it is no article (og:type website, no article:*), one has no metadata.
        if count > 3:
            self.stories[3].metadata = "website"
        if count > 7:
            self.stories[7].metadata = "none"

    def path(self, story: Story, slug: str | None = None) -> str:
        """/YYYY/MM/DD/slug/, or /private/slug/ for a private story."""
        slug = slug or story.slug
        if story.private:
            return f"/private/{slug}/"
        return f"/{story.published:%Y/%m/%d}/{slug}/"

    def add_seed(self, seed: SeedPage) -> Story:
        """Add the story of a real page, with its modules' stories, as the seed shows them."""
        published = datetime.combine(seed.published, datetime.min.time(), BST).replace(hour=10)
        if seed.section not in self.sections:
            self.sections.append(seed.section)
        self.today = seed.today

        def teaser(title: str, text: str, when: datetime, section: str) -> Story:
            return self.add_story(
                title=title, teaser=text or None, published=when, section=section
            )

        previous = teaser(seed.previous, "", published - timedelta(hours=5), seed.section)
        following = teaser(seed.next, "", published + timedelta(hours=4), seed.section)
        latest = [
            teaser(t, x, published + timedelta(days=40, hours=i), seed.section)
            for i, (t, x) in enumerate(seed.latest)
        ]
        other = next(s for s in self.sections if s != seed.section)
        dont_miss = [
            teaser(t, x, published - timedelta(days=30, hours=i), other)
            for i, (t, x) in enumerate(seed.dont_miss)
        ]
        return self.add_story(
            title=seed.title,
            summary=seed.summary,
            paragraphs=list(seed.paragraphs),
            section=seed.section,
            published=published,
            modified=published + timedelta(minutes=20),
            related={
                "previous": [previous.id],
                "next": [following.id],
                "latest": [s.id for s in latest],
                "dont_miss": [s.id for s in dont_miss],
            },
        )

    # Routes

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        if path == "/" and "p" in query:
            return self._shortlink(query["p"])
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            return Response.redirect(self.base_url + path + "/")  # WordPress adds the slash
        parts = [p for p in path.split("/") if p]
        page = 1
        if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
            page = int(parts[-1])
            parts = parts[:-2]
            if page == 1:
                return Response.redirect(self.base_url + "/" + "".join(p + "/" for p in parts))
        match parts:
            case []:
                return self._listing(self.live_stories(), page, "/", "home blog", None)
            case ["category", slug] if self.in_section(slug):
                stories = self.in_section(slug)
                title = f"Category: <span>{esc(stories[0].section)}</span>"
                return self._listing(stories, page, f"/category/{slug}/", "archive category", title)
            case ["tag", slug] if self.tagged(slug):
                stories = self.tagged(slug)
                label = next(t for t in stories[0].tags if slugify(t) == slug)
                title = f"Tag: <span>{esc(label)}</span>"
                return self._listing(stories, page, f"/tag/{slug}/", "archive tag", title)
            case ["author", slug] if self.by_author(slug):
                stories = self.by_author(slug)
                name = next(a for a in stories[0].authors if slugify(a) == slug)
                title = f"Author: <span>{esc(name)}</span>"
                return self._listing(stories, page, f"/author/{slug}/", "archive author", title)
            case _ if page != 1:
                return None
            case ["about-us"]:
                return Response.page(self._about())
            case ["wp-login.php"]:
                return Response.page(self._login())
            case ["private", slug] | [_, _, _, slug]:
                return self._article(path, slug)
        return None

    def _shortlink(self, post_id: str) -> Response | None:
        story = self.index().by_id.get(int(post_id)) if post_id.isdigit() else None
        if story is None or story.removed:
            return None
        return Response.redirect(self.url(story))

    def _article(self, path: str, slug: str) -> Response | None:
        index = self.index()
        if story := index.by_path.get(path):
            return self.article_response(story, self._article_page(story))
        if story := index.by_old_path.get(path):
            return Response.redirect(self.url(story))
        return None

    # Page parts

    def _head(self, title: str, extra: str = "") -> str:
        rng = self.rng("head")
        return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{extra}{self.feed_link()}<link rel="stylesheet" id="digest-style-css" href="/wp-content/themes/digest/style.css?ver=6.{self.generation}" media="all">
<script id="digest-js-extra">var digestVars = {{"ajaxurl":"\\/wp-admin\\/admin-ajax.php","nonce":"{rng.getrandbits(40):010x}"}};</script>
</head>
"""

    def _top(self, body_class: str) -> str:
        nav = "".join(
            f'<li class="menu-item"><a href="/category/{slugify(s)}/">{esc(s)}</a></li>'
            for s in self.sections
        )
        return f"""<body class="{body_class} wp-theme-digest">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<div class="top-bar"><div class="container">
<div class="date-bar"><span class="today">Today: {long_date(self.current_day())}</span></div>
<ul class="social-links"><li><a href="https://www.facebook.com/dailydigest" rel="noopener">Facebook</a></li><li><a href="https://twitter.com/dailydigest" rel="noopener">X</a></li></ul>
</div></div>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="/" rel="home">{self.name}</a></p>
<p class="site-description">News, views and analysis</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item current-menu-item"><a href="/">Home</a></li>{nav}</ul></nav>
</header>
<div id="content" class="site-content"><div class="container">
"""

    def _sidebar(self) -> str:
        index = self.index()
        live = index.live
        recent = "".join(
            f'<li><a href="{self.path(s)}">{esc(s.title)}</a></li>' for s in live[:5]
        )
        trending = "".join(
            f'<li><a href="/?p={s.id}">{esc(s.title)}</a> <span class="views">'
            f"{self.rng('views', s.id).randint(200, 9000):,} views</span></li>"
            for s in self.pick("trending", live, 4)
        )
        categories = "".join(
            f'<li class="cat-item"><a href="/category/{slugify(s)}/">{esc(s)}</a> '
            f"({len(index.by_section[slugify(s)])})</li>"
            for s in self.sections
            if index.by_section.get(slugify(s))
        )
        cloud = " ".join(
            f'<a href="/tag/{slugify(t)}/" class="tag-cloud-link">{esc(t)}</a>' for t in index.tags
        )
        return f"""<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search …" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
<section id="trending-3" class="widget widget_trending"><h2 class="widget-title">Trending Now</h2><ul>{trending}</ul></section>
<section id="text-4" class="widget widget_text"><div class="textwidget ad-widget"><span class="ad-label">Advertisement</span><p class="ad-copy">{esc(self.advert("sidebar"))}</p></div></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{categories}</ul></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">{cloud}</div></section>
<section id="meta-2" class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul><li><a href="/wp-login.php">Log in</a></li><li><a href="https://wordpress.org/">WordPress.org</a></li></ul></section>
</aside>
"""

    def _bottom(self) -> str:
        return f"""</div></div>
<footer id="colophon" class="site-footer"><div class="container">
<nav class="footer-navigation"><ul><li><a href="/about-us/">About us</a></li><li><a href="https://www.example.org/advertise">Advertise with us</a></li>{self.partners()}</ul></nav>
<div class="site-info">© {self.current_day().year} {self.name}. All rights reserved. <a href="https://wordpress.org/">Proudly powered by WordPress</a></div>
</div></footer>
</div>
<script src="/wp-content/themes/digest/js/navigation.js?ver=6.{self.generation}" id="digest-navigation-js"></script>
</body>
</html>
"""

    def _byline(self, story: Story) -> str:
        links = " and ".join(
            f'<span class="author vcard"><a class="url fn n" href="/author/{slugify(a)}/">'
            f"{esc(a)}</a></span>"
            for a in story.authors
        )
        return f'<span class="byline"> by {links}</span>'

    def _time(self, story: Story) -> str:
        modified = story.modified or story.published
        return (
            f'<span class="posted-on"><time class="entry-date published" '
            f'datetime="{story.published.isoformat()}">{long_date(story.published)}</time>'
            f'<time class="updated" datetime="{modified.isoformat()}">'
            f"{long_date(modified)}</time></span>"
        )

    def _teaser(self, story: Story, heading: str = "h3") -> str:
        return (
            f'<article class="post-{story.id} post type-post hentry teaser">'
            f'<{heading} class="entry-title"><a href="{self.path(story)}" rel="bookmark">'
            f"{esc(story.title)}</a></{heading}>"
            f'<div class="entry-summary"><p>{esc(story.excerpt)}</p></div></article>\n'
        )

    def _paragraphs(self, story: Story) -> str:
        org = next((t for t in story.tags[1:] if t), None)
        out = []
        linked = False
        for index, text in enumerate(story.paragraphs):
            markup = esc(text)
            if org and not linked and esc(org) in markup:
                anchor = f'<a href="/tag/{slugify(org)}/">{esc(org)}</a>'
                markup = markup.replace(esc(org), anchor, 1)
                linked = True
            elif index == 0 and ". " in text:
                first, rest = text.split(". ", 1)
                markup = f"<strong>{esc(first)}.</strong> {esc(rest)}"
            out.append(f"<p>{markup}</p>\n")
            if index == 2:
                out.append(
                    '<div class="code-block code-block-2" style="margin: 8px auto;">'
                    '<span class="ad-label">Advertisement</span>'
                    f'<ins class="adsbygoogle" data-ad-slot="{self.rng("slot").getrandbits(30)}">'
                    f'</ins><p class="ad-copy">{esc(self.advert(("inline", story.id)))}</p>'
                    "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>\n"
                )
        return "".join(out)

    def _meta(self, story: Story) -> str:
        url = self.url(story)
        lines = [
            f'<link rel="canonical" href="{url}">',
            f'<link rel="shortlink" href="{self.base_url}/?p={story.id}">',
        ]
        if story.metadata != "none":
            kind = "article" if story.metadata == "full" else "website"
            lines += [
                f'<meta name="description" content="{esc(story.summary)}">',
                '<meta property="og:locale" content="en_GB">',
                f'<meta property="og:type" content="{kind}">',
                f'<meta property="og:title" content="{esc(story.title)}">',
                f'<meta property="og:description" content="{esc(story.summary)}">',
                f'<meta property="og:url" content="{url}">',
                f'<meta property="og:site_name" content="{self.name}">',
            ]
        if story.metadata == "full":
            modified = story.modified or story.published
            lines += [
                f'<meta property="article:published_time" content="{story.published.isoformat()}">',
                f'<meta property="article:modified_time" content="{modified.isoformat()}">',
                f'<meta property="article:section" content="{esc(story.section)}">',
                *(f'<meta property="article:tag" content="{esc(t)}">' for t in story.tags),
                f'<meta name="author" content="{esc(", ".join(story.authors))}">',
            ]
        return "\n".join(lines) + "\n"

    def _neighbours(self, story: Story) -> tuple[Story | None, Story | None]:
        index = self.index()
        place = index.position.get(story.id)
        if place is None:  # not public: neighbours by date among the public stories
            ordered = index.live[::-1]
            older = [s for s in ordered if s.published <= story.published][-1:]
            newer = [s for s in ordered if s.published > story.published][:1]
        else:
            older = index.live[place + 1 : place + 2]
            newer = index.live[max(0, place - 1) : place]
        previous = self.fixed(story, "previous") or older or [None]
        following = self.fixed(story, "next") or newer or [None]
        return previous[0], following[0]

    def _article_page(self, story: Story) -> str:
        section = slugify(story.section)
        previous, following = self._neighbours(story)
        nav = ""
        if previous:
            nav += (
                f'<div class="nav-previous"><a href="{self.path(previous)}" rel="prev">'
                f'<span class="nav-subtitle">Previous Story</span> '
                f'<span class="nav-title">{esc(previous.title)}</span></a></div>'
            )
        if following:
            nav += (
                f'<div class="nav-next"><a href="{self.path(following)}" rel="next">'
                f'<span class="nav-subtitle">Next Story</span> '
                f'<span class="nav-title">{esc(following.title)}</span></a></div>'
            )
        index = self.index()
        section_stories = index.by_section.get(section, [])
        same = [s for s in section_stories[:9] if s.id != story.id][:8]
        # The other sections' stories in date order: the live list without this section.
        rest = [s for s in index.live if s.section != story.section]
        candidates = (same + rest)[:8]  # the section first, topped up when it has too few
        latest = self.fixed(story, "latest") or self.pick(("latest", story.id), candidates, 5)
        dont_miss = self.fixed(story, "dont_miss") or self.pick(("miss", story.id), rest, 2)
        tags = ", ".join(
            f'<a href="/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in story.tags
        )
        url = self.url(story)
        shares = self.rng("shares", story.id).randint(3, 900)
        post_class = (
            f"post-{story.id} post type-post status-publish format-standard has-post-thumbnail "
            f"hentry category-{section}"
        )
        return (
            self._head(f"{story.title} – {self.name}", self._meta(story))
            + self._top(f"post-template-default single single-post postid-{story.id} "
                        "single-format-standard")
            + f"""<main id="primary" class="site-main">
<article id="post-{story.id}" class="{post_class}">
<header class="entry-header">
<div class="cat-links"><a href="/category/{section}/" rel="category tag">{esc(story.section)}</a></div>
<h1 class="entry-title">{esc(story.title)}</h1>
<div class="entry-meta">{self._time(story)}{self._byline(story)} <span class="read-time">{self.read_minutes(story)} mins read</span></div>
<div class="entry-subtitle"><p>{esc(story.summary)}</p></div>
</header>
<figure class="post-thumbnail"><img width="1200" height="675" src="/wp-content/uploads/{story.published:%Y/%m}/{story.slug}.jpg" alt=""></figure>
<div class="entry-content">
{self._paragraphs(story)}<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>
<li><a class="share-twitter" href="https://twitter.com/intent/tweet?url={url}">X</a></li>
<li><a class="share-facebook" href="https://www.facebook.com/sharer.php?u={url}">Facebook <span class="share-count">{shares}</span></a></li>
<li><a class="share-email" href="mailto:?subject={esc(story.title)}">Email</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tags: {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">{nav}</div></nav>
<section class="latest-from related-posts"><h3 class="block-title">Latest from -<a href="/category/{section}/">{esc(story.section)}</a></h3>
{"".join(self._teaser(s, "h4") for s in latest)}</section>
<a href="#page" class="go-to-top"><span>Go to</span><span>Top</span></a>
<section class="dont-miss"><h3 class="block-title">Don't Miss</h3>
{"".join(self._teaser(s, "h4") for s in dont_miss)}</section>
</main>
"""
            + self._sidebar()
            + self._bottom()
        )

    def _pagination(self, listing: Listing, base: str) -> str:
        def href(n: int) -> str:
            return base if n == 1 else f"{base}page/{n}/"

        links = []
        if listing.page > 1:
            previous = href(listing.page - 1)
            links.append(f'<a class="prev page-numbers" href="{previous}">Previous</a>')
        # WordPress's paginate_links(): the first and last page, two either side of this one.
        last = max(listing.pages, listing.page)
        shown = sorted({1, last, *range(max(1, listing.page - 2), min(last, listing.page + 2) + 1)})
        for before, n in zip([0, *shown], shown, strict=False):
            if n > before + 1:
                links.append('<span class="page-numbers dots">&hellip;</span>')
            if n == listing.page:
                links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            else:
                links.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
        if listing.has_next:
            links.append(f'<a class="next page-numbers" href="{href(listing.page + 1)}">Next</a>')
        return (
            '<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">'
            f'Posts navigation</h2><div class="nav-links">{" ".join(links)}</div></nav>\n'
        )

    def _listing(
        self, stories: list[Story], page: int, base: str, kind: str, heading: str | None
    ) -> Response | None:
        listing = self.paginate(stories, page)
        if listing is None:
            return None
        extra = f'<link rel="canonical" href="{self.base_url}{base}">\n'
        if listing.has_next:
            extra += f'<link rel="next" href="{self.base_url}{base}page/{page + 1}/">\n'
        breaking = ""
        if base == "/" and page == 1 and not self.private.removed:
            breaking = (
                '<div class="breaking-news"><span class="label">Breaking</span> '
                f'<a href="{self.path(self.private)}">{esc(self.private.title)}</a></div>\n'
            )
        items = "".join(
            f'<article id="post-{s.id}" class="post-{s.id} post type-post status-publish hentry">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{self.path(s)}" '
            f'rel="bookmark">{esc(s.title)}</a></h2><div class="entry-meta">{self._time(s)}'
            f"{self._byline(s)}</div></header>"
            f'<div class="entry-summary"><p>{esc(s.excerpt)} […]</p></div>'
            f'<a class="more-link" href="{self.path(s)}">Continue reading</a></article>\n'
            for s in listing.stories
        )
        header = (
            f'<header class="page-header"><h1 class="page-title">{heading}</h1></header>\n'
            if heading
            else ""
        )
        paged = f" paged paged-{page}" if page > 1 else ""
        title = f"{self.name} – News, views and analysis"
        return Response.page(
            self._head(title if page == 1 else f"{title} – Page {page}", extra)
            + self._top(f"{kind}{paged}")
            + f'<main id="primary" class="site-main">\n{breaking}{header}{items}'
            + self._pagination(listing, base)
            + "</main>\n"
            + self._sidebar()
            + self._bottom()
        )

    def _about(self) -> str:
        return (
            self._head(f"About us – {self.name}")
            + self._top("page-template-default page")
            + f"""<main id="primary" class="site-main"><article class="page type-page hentry">
<header class="entry-header"><h1 class="entry-title">About us</h1></header>
<div class="entry-content">
<p>{self.name} is an independent news website covering politics, business and sport across the country and the wider region. It was founded by a small group of journalists who wanted to provide clear, accurate and timely reporting.</p>
<p>Our reporters work from offices in several cities and contribute stories every day. We correct our mistakes promptly and publish corrections at the foot of the article concerned.</p>
<p>To contact the newsroom, please write to the editor. We welcome tips, corrections and letters from readers, and we read every message we receive.</p>
</div></article></main>
"""
            + self._sidebar()
            + self._bottom()
        )

    def _login(self) -> str:
        return (
            self._head(f"Log In ‹ {self.name} — WordPress")
            + '<body class="login"><div id="login"><form name="loginform" id="loginform" '
            'action="/wp-login.php" method="post"><label>Username or Email Address '
            '<input type="text" name="log"></label><label>Password <input type="password" '
            'name="pwd"></label><input type="submit" value="Log In"></form></div></body></html>\n'
        )

    def not_found(self) -> str:
        return (
            self._head(f"Page not found – {self.name}")
            + self._top("error404")
            + '<main id="primary" class="site-main"><section class="error-404 not-found">'
            '<header class="page-header"><h1 class="page-title">Oops! That page can’t be found.'
            "</h1></header><div class=\"page-content\"><p>It looks like nothing was found at this "
            "location. Maybe try one of the links below or a search?</p></div></section></main>\n"
            + self._sidebar()
            + self._bottom()
        )


# The "ledger" theme: a modern news site


class LedgerSite(NewsSite):
    """A modern news site: JSON-LD, AMP variants, tracked links, inline boxes in the story."""

    theme = "ledger"
    name = "The Ledger"
    default_sections = ("Politics", "Business", "Local")
    first_id = 10407
    id_step = 1
    newest = datetime(2025, 10, 5, 16, 45, tzinfo=UTC)
    feed_path = "/rss.xml"
    sitemap_index_path = "/sitemap.xml"
    sitemap_path = "/sitemaps/articles-{n}.xml"
    news_sitemap_path = "/sitemaps/news.xml"
    disallow = ("/private/", "/search", "/newsletter")

    def _authors_for(self, index: int) -> int:
        return 3 if index % 7 == 6 else 2 if index % 3 == 1 else 1

    def path(self, story: Story, slug: str | None = None) -> str:
        """/news/<section>/<slug>-<id>, or /private/<slug>-<id>."""
        slug = slug or story.slug
        if story.private:
            return f"/private/{slug}-{story.id}"
        return f"/news/{slugify(story.section)}/{slug}-{story.id}"

    def tracked(self, story: Story, source: str) -> str:
        """A story link as listings print it: with tracking parameters or a fragment."""
        path = self.path(story)
        variant = (story.id + len(source)) % 4
        if variant == 0:
            return f"{path}?utm_source={source}&amp;utm_medium=referral&amp;utm_campaign=top"
        if variant == 1:
            return f"{path}#story-{story.id}"
        if variant == 2:
            return f"{path}?fbclid=IwAR{self.rng('fbclid', story.id).getrandbits(48):012x}"
        return path

    # Routes

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        parts = [p for p in path.split("/") if p]
        page = query.get("page", "1")
        if not page.isdigit():
            return None
        page_number = int(page)
        match parts:
            case [] if page_number == 1:
                return Response.page(self._home())
            case ["section", slug] if self.in_section(slug):
                stories = self.in_section(slug)
                label = stories[0].section
                return self._listing(stories, page_number, f"/section/{slug}", label)
            case ["topic", slug] if self.tagged(slug):
                stories = self.tagged(slug)
                label = next(t for t in stories[0].tags if slugify(t) == slug)
                return self._listing(stories, page_number, f"/topic/{slug}", label)
            case ["people", slug] if self.by_author(slug):
                stories = self.by_author(slug)
                label = next(a for a in stories[0].authors if slugify(a) == slug)
                return self._listing(stories, page_number, f"/people/{slug}", label)
            case ["about"]:
                return Response.page(self._about())
            case ["news" | "private", *_]:
                return self._article(path)
        return None

    def _article(self, path: str) -> Response | None:
        amp = path.endswith("/amp") or path.endswith("/amp/")
        clean = re.sub(r"/amp/?$", "", path)
        found = re.search(r"-(\d+)/?$", clean)
        if not found:
            return None
        story = self.index().by_id.get(int(found.group(1)))
        if story is None or story.removed:
            return None
        wanted = self.path(story) + ("/amp" if amp else "")
        if path != wanted:
            if story.private != path.startswith("/private/"):
                return None
            return Response.redirect(self.base_url + wanted)  # any slug with the id finds it
        if amp:
            return self.article_response(story, self._amp_page(story), "amp")
        return self.article_response(story, self._article_page(story))

    # Page parts

    def _head(self, title: str, canonical: str, extra: str = "", kind: str = "listing") -> str:
        layer = json.dumps({"pageType": kind, "abVariant": self.rng("ab").choice("ABCD")})
        return f"""<!doctype html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{canonical}">
{extra}{self.feed_link()}<link rel="preload" href="/static/app.{self.generation:04d}.css" as="style">
<script>window.dataLayer = [{layer}];</script>
</head>
"""

    def _masthead(self) -> str:
        nav = "".join(
            f'<li><a href="/section/{slugify(s)}">{esc(s)}</a></li>' for s in self.sections
        )
        ticker = self.rng("ticker").uniform(7100, 8400)
        return f"""<header class="masthead" role="banner">
<a class="masthead__logo" href="/" aria-label="{self.name} home">{self.name}</a>
<nav class="masthead__nav" aria-label="Sections"><ul>{nav}</ul></nav>
<div class="masthead__ticker">FTSE 100 <span class="ticker-value">{ticker:,.2f}</span></div>
<a class="masthead__subscribe" href="https://subscribe.example.com/ledger">Subscribe</a>
</header>
"""

    def _rail(self) -> str:
        items = "".join(
            f'<li class="most-read__item"><a href="{self.tracked(s, "mostread")}">'
            f'{esc(s.title)}</a> <span class="most-read__count">'
            f"{self.rng('reading', s.id).randint(40, 4000):,} reading now</span></li>"
            for s in self.pick("mostread", self.live_stories(), 5)
        )
        return f"""<aside class="rail">
<section class="most-read" data-live="true"><h2 class="rail__title">Most read</h2><ol>{items}</ol></section>
<div class="ad-slot ad-slot--mpu"><span class="ad-slot__label">Advertisement</span><div class="ad-slot__creative">{esc(self.advert("rail"))}</div></div>
</aside>
"""

    def _newsletter(self) -> str:
        return """<section class="newsletter-signup" aria-label="Newsletter">
<h2 class="newsletter-signup__title">The Morning Ledger</h2>
<p class="newsletter-signup__text">Sign up for our free newsletter and get the day’s essential stories before breakfast.</p>
<form action="/newsletter" method="post"><input type="email" name="email" placeholder="Your email address"><button type="submit">Sign up</button></form>
</section>
"""

    def _footer(self) -> str:
        return f"""<footer class="site-footer">
<ul class="site-footer__links"><li><a href="/about">About us</a></li><li><a href="https://careers.example.com/">Careers</a></li><li><a href="https://www.example.org/privacy">Privacy</a></li>{self.partners()}</ul>
<p class="site-footer__copyright">© {self.name} {self.current_day().year}. All rights reserved.</p>
</footer>
</body>
</html>
"""

    def _byline(self, story: Story) -> str:
        names = [f'<a class="byline__author" href="/people/{slugify(a)}">{esc(a)}</a>'
                 for a in story.authors]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f'<p class="byline">By {joined}</p>'

    def _json_ld(self, story: Story) -> str:
        url = self.url(story)
        base = self.base_url
        modified = story.modified or story.published
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Organization", "@id": f"{base}/#organization", "name": self.name,
                 "url": f"{base}/", "logo": {"@type": "ImageObject", "url": f"{base}/logo.png"}},
                {"@type": "WebPage", "@id": url, "url": url, "name": story.title,
                 "breadcrumb": {"@id": f"{url}#breadcrumb"}},
                {"@type": "NewsArticle", "@id": f"{url}#article", "headline": story.title,
                 "description": story.summary, "datePublished": story.published.isoformat(),
                 "dateModified": modified.isoformat(), "articleSection": story.section,
                 "author": [{"@type": "Person", "name": a, "url": f"{base}/people/{slugify(a)}"}
                            for a in story.authors],
                 "publisher": {"@id": f"{base}/#organization"}, "mainEntityOfPage": {"@id": url},
                 "isAccessibleForFree": True, "inLanguage": "en-GB",
                 "keywords": list(story.tags)},
                {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
                    {"@type": "ListItem", "position": 2, "name": story.section,
                     "item": f"{base}/section/{slugify(story.section)}"}]},
            ],
        }
        data = json.dumps(graph, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">{data}</script>\n'

    def _meta(self, story: Story) -> str:
        url = self.url(story)
        return (
            f'<link rel="amphtml" href="{url}/amp">\n'
            f'<meta name="description" content="{esc(story.summary)}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(story.title)}">\n'
            f'<meta property="og:description" content="{esc(story.summary)}">\n'
            f'<meta property="og:url" content="{url}">\n'
            '<meta name="twitter:card" content="summary_large_image">\n'
            + self._json_ld(story)
        )

    def _body(self, story: Story, amp: bool = False) -> str:
        others = [s for s in self.live_stories() if s.id != story.id]
        related = self.pick(("readmore", story.id), others, 1)
        out = []
        for index, text in enumerate(story.paragraphs):
            out.append(f"<p>{esc(text)}</p>\n")
            if index == 1 and related and len(story.paragraphs) > 3:
                link = self.tracked(related[0], "inline")
                out.append(
                    f'<p class="read-more"><strong>Read more:</strong> '
                    f'<a href="{link}">{esc(related[0].title)}</a></p>\n'
                )
            if index == 3 and len(story.paragraphs) > 5:
                ad = esc(self.advert(("inline", story.id)))
                if amp:
                    out.append(
                        '<div class="amp-ad-wrap"><span class="ad-label">Advertisement</span>'
                        '<amp-ad width="300" height="250" type="doubleclick" '
                        f'data-slot="/1234/ledger/{self.generation}"><div fallback>{ad}</div>'
                        "</amp-ad></div>\n"
                    )
                else:
                    out.append(
                        '<div class="ad-slot ad-slot--inline" data-ad-unit="inarticle">'
                        f'<span class="ad-slot__label">Advertisement</span>'
                        f'<div class="ad-slot__creative">{ad}</div></div>\n'
                    )
        return "".join(out)

    def _dateline(self, story: Story) -> str:
        published = story.published
        modified = story.modified or published
        return (
            f'<time class="story__published" datetime="{published.isoformat()}">'
            f"{long_date(published)}, {published:%H:%M}</time>"
            f' <span class="story__updated">Updated <time datetime="{modified.isoformat()}">'
            f"{modified:%H:%M}</time></span>"
        )

    def _article_page(self, story: Story) -> str:
        url = self.url(story)
        section = slugify(story.section)
        rng = self.rng("share", story.id)
        bios = "".join(
            f'<p><a href="/people/{slugify(a)}">{esc(a)}</a> is {self.name}’s '
            f"{newsbank()['beats'][sum(map(ord, a)) % len(newsbank()['beats'])]} correspondent.</p>"
            for a in story.authors
        )
        return (
            self._head(f"{story.title} | {self.name}", url, self._meta(story), "article")
            + '<body class="page page--article">\n'
            + self._masthead()
            + f"""<main class="layout" id="main">
<article class="story" data-story-id="{story.id}">
<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/section/{section}">{esc(story.section)}</a></nav>
<h1 class="story__headline">{esc(story.title)}</h1>
<p class="story__dek">{esc(story.summary)}</p>
<div class="story__meta">{self._byline(story)}{self._dateline(story)}</div>
<div class="share-bar"><span class="share-bar__total">{rng.randint(10, 9000):,} shares</span>
<a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a>
<a href="https://twitter.com/intent/tweet?url={url}">X</a>
<a href="https://www.linkedin.com/shareArticle?url={url}">LinkedIn</a>
<span class="share-bar__comments"><a href="{self.path(story)}#comments">{rng.randint(0, 300)} comments</a></span></div>
<figure class="story__lead"><img src="/media/{story.id}/lead.jpg" alt="" width="1280" height="720"></figure>
<div class="story__body" data-component="text">
{self._body(story)}</div>
{self._newsletter()}<aside class="author-bio"><h2 class="author-bio__title">About the author</h2>{bios}</aside>
</article>
{self._rail()}</main>
"""
            + self._footer()
        )

    def _amp_page(self, story: Story) -> str:
        url = self.url(story)
        return f"""<!doctype html>
<html ⚡ lang="en-GB">
<head>
<meta charset="utf-8">
<title>{esc(story.title)} | {self.name}</title>
<link rel="canonical" href="{url}">
{self.feed_link()}<meta name="viewport" content="width=device-width">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script async custom-element="amp-ad" src="https://cdn.ampproject.org/v0/amp-ad-0.1.js"></script>
{self._json_ld(story)}<style amp-custom>body{{font-family:Georgia,serif}}</style>
</head>
<body>
<header class="amp-header"><a href="{self.base_url}/">{self.name}</a></header>
<article class="amp-story">
<h1 class="amp-story__headline">{esc(story.title)}</h1>
<p class="amp-story__dek">{esc(story.summary)}</p>
{self._byline(story)}<p class="amp-story__date">{self._dateline(story)}</p>
<div class="amp-story__body">
{self._body(story, amp=True)}</div>
</article>
<footer class="amp-footer"><a href="{url}">View the full site</a> · <a href="{self.base_url}/section/{slugify(story.section)}">More {esc(story.section)}</a></footer>
</body>
</html>
"""

    def _card(self, story: Story, source: str) -> str:
        return (
            f'<li class="story-card">'
            f'<a class="story-card__link" href="{self.tracked(story, source)}">'
            f'<h3 class="story-card__headline">{esc(story.title)}</h3></a>'
            f'<p class="story-card__dek">{esc(story.summary)}</p>'
            f'<span class="story-card__section">{esc(story.section)}</span></li>\n'
        )

    def _home(self) -> str:
        live = self.live_stories()
        top = "".join(self._card(s, "homepage") for s in live[:8])
        lite = "".join(
            f'<li><a href="{self.path(s)}/amp">{esc(s.title)}</a></li>' for s in live[:3]
        )
        notice = ""
        if not self.private.removed:
            notice = (
                f'<p class="staff-notice"><a href="{self.path(self.private)}">'
                f"{esc(self.private.title)}</a></p>\n"
            )
        return (
            self._head(f"{self.name} – Independent news", f"{self.base_url}/", kind="home")
            + '<body class="page page--home">\n'
            + self._masthead()
            + f"""<main class="layout" id="main"><div class="layout__main">
<section class="top-stories"><h2>Top stories</h2><ul class="story-list">
{top}</ul></section>
<section class="lite"><h2>Lite edition</h2><ul>{lite}</ul></section>
{notice}{self._newsletter()}</div>
{self._rail()}</main>
"""
            + self._footer()
        )

    def _listing(self, stories: list[Story], page: int, base: str, label: str) -> Response | None:
        listing = self.paginate(stories, page)
        if listing is None:
            return None

        def href(n: int) -> str:
            return base if n == 1 else f"{base}?page={n}"

        extra = ""
        pager = []
        if page > 1:
            extra += f'<link rel="prev" href="{self.base_url}{href(page - 1)}">\n'
            pager.append(f'<a class="pager__prev" rel="prev" href="{href(page - 1)}">Previous</a>')
        if listing.has_next:
            extra += f'<link rel="next" href="{self.base_url}{href(page + 1)}">\n'
            pager.append(f'<a class="pager__next" rel="next" href="{href(page + 1)}">Next</a>')
        more = ""
        if listing.has_next:
            more = (
                f'<a class="load-more" href="{href(page + 1)}" data-component="load-more">'
                "Load more</a>\n"
            )
        cards = "".join(self._card(s, "section") for s in listing.stories)
        title = f"{label} | {self.name}" + (f" | Page {page}" if page > 1 else "")
        return Response.page(
            self._head(title, f"{self.base_url}{href(page)}", extra)
            + '<body class="page page--listing">\n'
            + self._masthead()
            + f"""<main class="layout" id="main"><div class="layout__main">
<h1 class="listing__title">{esc(label)}</h1>
<ul class="story-list">
{cards}</ul>
{more}<nav class="pager" aria-label="Pages">{" ".join(pager)}</nav>
</div>
{self._rail()}</main>
"""
            + self._footer()
        )

    def _about(self) -> str:
        return (
            self._head(f"About us | {self.name}", f"{self.base_url}/about", kind="static")
            + '<body class="page page--static">\n'
            + self._masthead()
            + f"""<main class="layout" id="main"><div class="layout__main"><h1>About us</h1>
<p>{self.name} is an independent newsroom reporting on world affairs, business and politics. We are funded by our readers and never by the people we write about.</p>
<p>Our journalists follow a published code of practice. When we get something wrong we say so, and we correct it as quickly as we can.</p>
</div></main>
"""
            + self._footer()
        )

    def not_found(self) -> str:
        return (
            self._head(f"Page not found | {self.name}", f"{self.base_url}/", kind="error")
            + '<body class="page page--error">\n'
            + self._masthead()
            + '<main class="layout" id="main"><h1>Sorry, we couldn’t find that page</h1>'
            "<p>It may have been moved or deleted.</p></main>\n"
            + self._footer()
        )


# A real page, as a naive scraper saw it


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
