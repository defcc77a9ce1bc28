"""Article extraction: pure functions from an HTML string and its URL to the item's fields.

``read_page(html, url, profile, sites)`` is the one way to read a page: one parse, every
field read from it and cleaned (``clean_item``, the text-level pass), whether the page is an
article decided once, and its links sorted. The crawl, ``crawler extract``, ``reextract``,
the benchmarks and the tests all call it. Neither imports Scrapy nor the archive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.extraction.classify import (
    Links,
    classify_links,
    is_article_page,
    is_listing_url,
    looks_like_article_url,
)
from crawler.extraction.page import Page
from crawler.extraction.site import SiteModel
from crawler.extraction.text import (
    STORY_LINE_CHARS,
    clean_authors,
    comparable,
    has_story_text,
    is_author_note,
    is_comment_heading,
    is_end_marker,
    is_noise_line,
    is_own_rights_line,
    join_paragraphs,
    normalize_space,
    split_paragraphs,
    story_length,
    text_length,
)
from crawler.items import READ_FIELDS, default_of
from crawler.urls import canonical_url, site_of

if TYPE_CHECKING:
    from crawler.profiles import Profile

__all__ = [
    "Links",
    "Page",
    "Reading",
    "SiteModel",
    "classify_links",
    "clean_item",
    "is_article_page",
    "is_listing_url",
    "looks_like_article_url",
    "read_page",
]

logger = logging.getLogger(__name__)

# Why a page is no article to archive (Reading.why).
WHY_UNPARSABLE = "unparsable page"
WHY_LISTING_URL = "listing URL"
WHY_LISTING = "reads as a listing"
WHY_NO_TEXT = "no article text"


@dataclass(frozen=True)
class Reading:
    """What one read of a page found: its fields, whether it is an article, its links."""

    article: dict[str, Any]  # every field of crawler.items.READ_FIELDS, cleaned
    is_article: bool
    links: Links  # the same-site links sorted (empty unless read_page was given sites)
    why: str = ""  # why the page is no article ("" when it is one)
    # what the page tells about its site's template, for its SiteModel (articles only)
    evidence: dict[str, Any] | None = None
    noindex: bool = False  # the page asks not to be indexed (a print or e-mail view)


def empty_fields(url: str) -> dict[str, Any]:
    """The fields of a page nothing could be read from."""
    try:
        canonical = canonical_url(url) if url else ""
        site = site_of(canonical) if canonical else ""
    except (ValueError, TypeError, AttributeError):
        canonical, site = url if isinstance(url, str) else "", ""
    fields = {name: default_of(name) for name in READ_FIELDS}
    fields.update(url=canonical, site=site)
    return fields


def _read(fields: dict[str, Any], name: str, read: Callable[[], Any], url: str) -> None:
    try:
        fields[name] = read()
    except Exception as err:  # one unreadable field never costs the others
        logger.warning("cannot read %s of %s: %r", name, url, err)


def read_page(html: str | bytes, url: str, profile: Profile | None = None,
              sites: frozenset[str] | None = None, *, listing_body: bool = True,
              site_model: SiteModel | None = None) -> Reading:
    """Every field of a page, cleaned, whether it is an article and its links; never raises.

    ``html`` is the decoded text, or the raw bytes read in the charset the page declares.
    ``profile`` adds a site's selectors and noise rules to the generic ones; pass
    ``crawler.profiles.profile_for_url(url)`` to use the shipped profile of the URL's site.
    With ``sites``, the page's links to those sites are sorted (see ``classify_links``).
    ``listing_body=False`` leaves the body of a page that is no article empty (the crawl
    archives none; this saves it the time). ``site_model`` is what the crawl has learned of
    the page's site (its template lines, title affixes, date order).
    """
    fields = empty_fields(url)
    try:
        page = Page(html, url, profile, site_model)
    except Exception as err:
        logger.warning("cannot parse %s: %r", url, err)
        return Reading(fields, False, Links(), WHY_UNPARSABLE)
    for name in READ_FIELDS:
        if name == "url":
            _read(fields, name, lambda: page.url_canonical, url)
        elif name != "body":
            _read(fields, name, lambda name=name: getattr(page, name), url)
    links = classify_links(page.tree, url, sites) if sites is not None else Links()
    why = ""
    if is_listing_url(url):
        why = WHY_LISTING_URL
    elif not is_article_page(page, url):
        why = WHY_LISTING
    if not why or listing_body:
        _read(fields, "body", lambda: page.body, url)
    standfirst: dict[str, Any] = {}
    _read(standfirst, "standfirst", lambda: page.standfirst_atop(fields["body"]), url)
    cleaned = clean_item(fields, profile, standfirst.get("standfirst"))
    # a page that says it is a story but holds no text of its own is no article to archive
    if not why and not cleaned["body"]:
        why = WHY_NO_TEXT
    found = None
    if not why:
        try:
            found = page.evidence
        except Exception as err:  # the model misses one page; the reading stands
            logger.warning("cannot read the site evidence of %s: %r", url, err)
    robots = (page.meta.first("robots") or "").lower()
    return Reading(cleaned, not why, links, why, found, "noindex" in robots)


def _story_goes_on(following: list[str]) -> bool:
    """True when most of the text after a sidebar heading is whole sentences of a story.

    Only the text up to the next heading counts: "Back to top" links between the sections
    of a long guide each end nothing when a section of sentences follows them.
    """
    least = STORY_LINE_CHARS
    for i, paragraph in enumerate(following):
        if is_end_marker(paragraph):
            # between two headings, teaser excerpts are sentences too: ask for longer ones
            following, least = following[:i], 2 * STORY_LINE_CHARS
            break
    story = [length for length in map(story_length, following) if length]
    total = sum(map(text_length, following))
    long_enough = bool(story) and sum(story) >= least * len(story)
    return len(story) >= 2 and long_enough and sum(story) * 2 >= total


def clean_body(
    body: str | None,
    title: str | None = None,
    standfirst: str | None = None,
    profile: Profile | None = None,
    site: str | None = None,
) -> str:
    """The body without module text, ending before the sidebar headings that follow it.

    A first paragraph repeating the title or the standfirst is dropped; one repeating only
    the page's description is the story's lead (descriptions are often copied from it).
    """
    patterns = profile.noise_patterns if profile else ()
    paragraphs = split_paragraphs(body)
    kept: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if is_end_marker(paragraph):
            # "Don't miss" boxes also sit inside a story: a heading ends the text unless
            # the story's sentences go on after it (teasers are titles and cut excerpts),
            # and one before any story text ("Up Next" above a video) ends nothing
            if has_story_text(kept) and (
                is_comment_heading(paragraph) or not _story_goes_on(paragraphs[i + 1 :])
            ):
                break
            continue
        if not (is_noise_line(paragraph, patterns) or is_own_rights_line(paragraph, site)):
            kept.append(paragraph)
    heads = {comparable(title), comparable(standfirst)} - {""}
    while kept and comparable(kept[0]) in heads:
        kept.pop(0)
    while len(kept) > 1 and is_author_note(kept[-1]):
        kept.pop()
    return join_paragraphs(kept)


# Longest title, summary and section kept: past this a field is page junk, not a headline.
FIELD_LIMITS = {"title": 400, "summary": 2000, "section": 120}


def shorten(text: str | None, limit: int) -> str | None:
    """Text cut at the last word boundary within limit characters (with an ellipsis)."""
    if not text or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip() + "…"


def clean_item(
    fields: dict[str, Any], profile: Profile | None = None, standfirst: str | None = None
) -> dict[str, Any]:
    """The text-level second pass over extracted fields; idempotent, returns a new dict.

    ``standfirst`` is the one the page shows under its headline, when it has one: the body
    does not repeat it.
    """
    cleaned = dict(fields)
    for name in ("title", "summary", "section"):
        if name in cleaned:
            cleaned[name] = shorten(normalize_space(cleaned[name]), FIELD_LIMITS[name]) or None
    if "authors" in cleaned:
        cleaned["authors"] = clean_authors(cleaned.get("authors") or [])
    if "body" in cleaned:
        cleaned["body"] = clean_body(
            cleaned.get("body"),
            cleaned.get("title"),
            normalize_space(standfirst),
            profile,
            cleaned.get("site"),
        )
    return cleaned
