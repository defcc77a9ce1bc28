"""A sample news site, deterministic and mutable, rendered as realistic HTML in several themes.

`DigestSite` is a WordPress news site modelled on a real page (date bar, read time, post
navigation, "Latest from" and "Don't Miss" teasers, sidebar widgets, shortlinks); `LedgerSite`
is a modern site (JSON-LD, AMP variants, tracking parameters on links, inline "Read more" boxes
and adverts inside the story); `LegacySite` is an old table-layout paper in windows-1252 (no
`<p>`, no metadata, day-first datelines, comments, a visitor counter and a poll that change on
every request, print views); `HeavySite` is the digest theme at a real site's weight, for the
crawl benchmark. `churn()` changes everything that is not the story; `edit_body`, `edit_title`,
`add_story`, `remove_story` and `move_story` change the stories, `acceptance_round(n)` plays a
round of the three-round acceptance run, and `expected()` gives the ground truth an archive
should hold.

Like a real site, each advertises an RSS feed of its newest stories in every page's head, lists
a sitemap index and a Google News sitemap in robots.txt, and sends article pages with an ETag
and a Last-Modified date, answering a conditional request 304 when the story has not changed.
Stories are indexed once per change, so a site of thousands of stories renders a page in about a
millisecond. Standard library only: `crawler.demo.server` serves a site on 127.0.0.1.

Modules: `stories` (the story model, writer and ground truth), `responses` (HTTP answers,
validators, conditional requests), `feeds` (robots.txt, RSS, sitemaps), `base` (the site every
theme shares: stories, edits, churn, routing), `seed` (a real page's parts), and one module per
theme. Every public name is re-exported here.
"""

from __future__ import annotations

from crawler.demo.site.base import NewsSite, Round
from crawler.demo.site.digest import DigestSite
from crawler.demo.site.feeds import NEWS_SITEMAP_NS, SITEMAP_NS, Syndication
from crawler.demo.site.heavy import HeavySite
from crawler.demo.site.ledger import LedgerSite
from crawler.demo.site.legacy import FURNITURE_MARKERS, LegacySite
from crawler.demo.site.responses import (
    Response,
    etag_matches,
    etag_of,
    http_date,
    not_modified_since,
)
from crawler.demo.site.seed import SeedPage
from crawler.demo.site.stories import (
    BST,
    MODULE_MARKERS,
    TEASER_WORDS,
    Expected,
    Listing,
    Story,
    StoryIndex,
    StoryWriter,
    esc,
    excerpt,
    long_date,
    newsbank,
    slugify,
)

__all__ = [
    "BST",
    "FURNITURE_MARKERS",
    "MODULE_MARKERS",
    "NEWS_SITEMAP_NS",
    "SITEMAP_NS",
    "TEASER_WORDS",
    "DigestSite",
    "Expected",
    "HeavySite",
    "LedgerSite",
    "LegacySite",
    "Listing",
    "NewsSite",
    "Response",
    "Round",
    "SeedPage",
    "Story",
    "StoryIndex",
    "StoryWriter",
    "Syndication",
    "esc",
    "etag_matches",
    "etag_of",
    "excerpt",
    "http_date",
    "long_date",
    "newsbank",
    "not_modified_since",
    "slugify",
]
