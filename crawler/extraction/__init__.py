"""Article extraction: pure functions from an HTML string and its URL to the item's fields.

``extract(html, url, profile)`` reads every field from one parse of the page;
``clean_item(fields, profile)`` is the text-level second pass. The crawl's clean pipeline
and ``crawler extract`` both run ``clean_item(extract(html, url, profile), profile)``.
Neither imports Scrapy nor the archive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from crawler.extraction.classify import (
    Links,
    classify_links,
    is_article_page,
    is_listing_url,
    looks_like_article_url,
)
from crawler.extraction.page import Page
from crawler.extraction.text import (
    clean_authors,
    comparable,
    has_story_text,
    is_author_note,
    is_end_marker,
    is_noise_line,
    is_own_rights_line,
    join_paragraphs,
    normalize_space,
    split_paragraphs,
)
from crawler.urls import canonical_url, site_of

if TYPE_CHECKING:
    from crawler.profiles import Profile

__all__ = [
    "Links",
    "Page",
    "classify_links",
    "clean_item",
    "extract",
    "is_article_page",
    "is_listing_url",
    "looks_like_article_url",
]

logger = logging.getLogger(__name__)

# The fields extract() returns, in order.
FIELDS = (
    "url",
    "site",
    "title",
    "summary",
    "authors",
    "published",
    "modified",
    "section",
    "body",
    "lang",
    "is_article",
    "aliases",
)


def empty_fields(url: str) -> dict[str, Any]:
    """The fields of a page nothing could be read from."""
    try:
        canonical = canonical_url(url) if url else ""
        site = site_of(canonical) if canonical else ""
    except (ValueError, TypeError, AttributeError):
        canonical, site = url if isinstance(url, str) else "", ""
    return {
        "url": canonical,
        "site": site,
        "title": None,
        "summary": None,
        "authors": [],
        "published": None,
        "modified": None,
        "section": None,
        "body": "",
        "lang": None,
        "is_article": False,
        "aliases": [],
    }


def _read(fields: dict[str, Any], name: str, read: Callable[[], Any], url: str) -> None:
    try:
        fields[name] = read()
    except Exception as err:  # one unreadable field never costs the others
        logger.warning("cannot read %s of %s: %r", name, url, err)


def extract(html: str | bytes, url: str, profile: Profile | None = None,
            sites: frozenset[str] | None = None, listing_body: bool = True) -> dict[str, Any]:
    """Every field of the item from a page's HTML; never raises.

    ``html`` is the decoded text, or the raw bytes read in the charset the page declares.
    ``profile`` adds a site's selectors and noise rules to the generic ones; pass
    ``crawler.profiles.profile_for_url(url)`` to use the shipped profile of the URL's site.
    With ``sites``, the page's links to those sites are sorted too, from the same parse, under
    the key ``links`` (see ``classify_links``). ``listing_body=False`` leaves the body of a
    page that is no article unread (the crawl archives none; this saves it the time).
    """
    fields = empty_fields(url)
    try:
        page = Page(html, url, profile)
    except Exception as err:
        logger.warning("cannot parse %s: %r", url, err)
        return fields
    _read(fields, "url", lambda: page.url_canonical, url)
    _read(fields, "site", lambda: page.site, url)
    _read(fields, "title", lambda: page.title, url)
    _read(fields, "summary", lambda: page.summary, url)
    _read(fields, "authors", lambda: page.authors, url)
    _read(fields, "published", lambda: page.published, url)
    _read(fields, "modified", lambda: page.modified, url)
    _read(fields, "section", lambda: page.section, url)
    _read(fields, "lang", lambda: page.lang, url)
    _read(fields, "aliases", lambda: page.aliases, url)
    _read(fields, "is_article", lambda: is_article_page(page, url), url)
    if sites is not None:  # before the body, which prunes the parsed tree
        fields["links"] = classify_links(page.tree, url, sites)
    if fields["is_article"] or listing_body:
        _read(fields, "body", lambda: page.body, url)
    # a page that says it is a story but holds no text is no article to archive
    fields["is_article"] = bool(fields["is_article"] and fields["body"])
    return fields


# Paragraphs that end a sentence: story text, not a teaser's title or its cut excerpt.
_SENTENCE_END = tuple('.!?"”’»)')
# Characters from which a paragraph that ends a sentence counts as story text.
SENTENCE_CHARS = 80


def _story_goes_on(following: list[str]) -> bool:
    """True when most of the text after a sidebar heading is whole sentences of a story.

    Only the text up to the next heading counts: "Back to top" links between the sections
    of a long guide each end nothing when a section of sentences follows them.
    """
    least = SENTENCE_CHARS
    for i, paragraph in enumerate(following):
        if is_end_marker(paragraph):
            # between two headings, teaser excerpts are sentences too: ask for longer ones
            following, least = following[:i], 2 * SENTENCE_CHARS
            break
    story = [p for p in following if len(p) >= SENTENCE_CHARS and p.endswith(_SENTENCE_END)]
    total = sum(len(p) for p in following)
    long_enough = bool(story) and sum(len(p) for p in story) >= least * len(story)
    return len(story) >= 2 and long_enough and sum(len(p) for p in story) * 2 >= total


def clean_body(
    body: str | None,
    title: str | None = None,
    summary: str | None = None,
    profile: Profile | None = None,
    site: str | None = None,
) -> str:
    """The body without module text, ending before the sidebar headings that follow it."""
    patterns = profile.noise_patterns if profile else ()
    paragraphs = split_paragraphs(body)
    kept: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if is_end_marker(paragraph):
            # "Don't miss" boxes also sit inside a story: a heading ends the text unless
            # the story's sentences go on after it (teasers are titles and cut excerpts),
            # and one before any story text ("Up Next" above a video) ends nothing
            if has_story_text(kept) and not _story_goes_on(paragraphs[i + 1 :]):
                break
            continue
        if not (is_noise_line(paragraph, patterns) or is_own_rights_line(paragraph, site)):
            kept.append(paragraph)
    heads = {comparable(title), comparable(summary)} - {""}
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


def clean_item(fields: dict[str, Any], profile: Profile | None = None) -> dict[str, Any]:
    """The text-level second pass over extracted fields; idempotent, returns a new dict."""
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
            cleaned.get("summary"),
            profile,
            cleaned.get("site"),
        )
    return cleaned
