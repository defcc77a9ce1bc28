"""A news site: its stories, the changes a test makes to them, the modules that churn, routing."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from crawler.demo.site.feeds import Syndication
from crawler.demo.site.responses import Response, etag_of, http_date
from crawler.demo.site.stories import (
    MODULE_MARKERS,
    Expected,
    Listing,
    Story,
    StoryIndex,
    StoryWriter,
    esc,
    newsbank,
    slugify,
)


@dataclass
class Round:
    """What one round of the acceptance run changed on a site: what a re-crawl must notice."""

    number: int
    added: list[Story] = field(default_factory=list)  # new stories
    edited: list[Story] = field(default_factory=list)  # body edits
    retitled: list[Story] = field(default_factory=list)  # headline changes
    corrected: list[Story] = field(default_factory=list)  # a correction added to the body
    removed: list[Story] = field(default_factory=list)  # now 404
    moved: list[tuple[Story, str]] = field(default_factory=list)  # (story, its old URL): 301

    @property
    def new_versions(self) -> int:
        """Versions a re-crawl after this round should add: churn and moves make none."""
        return len(self.added) + len(self.edited) + len(self.retitled) + len(self.corrected)


class NewsSite(Syndication):
    """Stories, routes and module churn shared by both themes; a theme renders the pages."""

    theme: ClassVar[str]
    name: ClassVar[str]
    default_sections: ClassVar[tuple[str, ...]]
    first_id: ClassVar[int]
    id_step: ClassVar[int]
    newest: ClassVar[datetime]
    # Text a crawler must never store as story text: the theme's modules around the story.
    furniture: ClassVar[tuple[str, ...]] = MODULE_MARKERS


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

    def authors_for(self, index: int) -> int:
        """How many authors the story with this index has: a hook for themes; here one."""
        return 1

    def _new_story(self, index: int, **fields: Any) -> Story:
        written = self.writer.write(index, self.authors_for(index))
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
        story = Story(**values)
        if "paragraphs" not in fields:
            self.finish_story(story, index)
        return story

    def finish_story(self, story: Story, index: int) -> None:
        """Adjust a story just written from the templates: a hook for themes; here a no-op."""

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
        story.revision += 1
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

    def acceptance_round(self, number: int) -> Round:
        """Change the site as round `number` of the three-round acceptance run does.

        Round 1 is the site as built. Round 2: two new stories, a body edit, a headline change,
        and churn. Round 3: a removal, a correction, a move to a new URL (301), and churn.
        """
        done = Round(number)
        live = self.live_stories()
        if number == 2:
            done.added = [self.add_story(), self.add_story()]
            done.edited = [self.edit_body(live[2], lambda paragraphs: [
                paragraphs[0],
                paragraphs[1] + " The council will publish its final decision next month.",
                *paragraphs[2:],
            ] if len(paragraphs) > 1 else [*paragraphs, "The decision is due next month."])]
            done.retitled = [self.edit_title(live[3], live[3].title + ", officials confirm")]
        elif number == 3:
            done.removed = [self.remove_story(live[4])]
            done.corrected = [self.edit_body(live[5], lambda paragraphs: [
                *paragraphs,
                "Correction: an earlier version of this story gave the wrong date for the "
                "public meeting.",
            ])]
            old_url = self.url(live[6])
            done.moved = [(self.move_story(live[6]), old_url)]
        if number > 1:
            self.churn()
        return done

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

    def handle(self, target: str, headers: Mapping[str, str] | None = None) -> Response:
        """Answer a GET for a path with its query string, honouring conditional headers."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        response = (self.files(parts.path) or self.route(parts.path, query)
                    or self.not_found_response())
        if headers:
            response = response.answer({k.lower(): v for k, v in headers.items()})
        return response

    def article_response(self, story: Story, text: str, variant: str = "",
                         **page: Any) -> Response:
        """An article page, with an ETag and Last-Modified when the site sends validators.

        page: Response.page's charset and declared, for a theme that serves another charset.
        """
        response = Response.page(text, **page)
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

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        """The theme's answer to a path, None for 404."""
        raise NotImplementedError

    def not_found(self) -> str:
        """The 404 page."""
        raise NotImplementedError

    def not_found_response(self) -> Response:
        """The answer to a path the site does not have."""
        return Response.page(self.not_found(), 404)
