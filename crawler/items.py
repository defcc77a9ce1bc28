"""The article item: what the spider extracts, the pipelines clean, and the archive stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Fields whose change makes a new version; the rest is metadata of a version.
CONTENT_FIELDS = ("title", "summary", "body")


@dataclass
class Article:
    """One fetched article page, as the crawl saw it."""

    url: str  # canonical URL: one story, one URL
    site: str  # registered domain of the canonical URL
    title: str | None = None
    summary: str | None = None  # standfirst or dek
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601
    modified: str | None = None  # ISO 8601
    section: str | None = None
    body: str = ""  # clean text, paragraphs separated by one blank line
    lang: str | None = None
    fetched_url: str = ""  # the URL that answered (after redirects)
    status: int = 200  # HTTP status of the fetch
    fetched_at: str = ""  # ISO 8601 UTC
    aliases: list[str] = field(default_factory=list)  # other URLs naming this story
    profile: str | None = None  # name of the site profile that sharpened the extraction
    etag: str | None = None  # HTTP validators, sent back when the article is re-checked
    last_modified: str | None = None
    extractor: str | None = None  # version of the extraction code that read the page
    headers: dict[str, str] = field(default_factory=dict)  # HTTP response headers
    encoding: str | None = None  # the charset the page was decoded with
    # The fetched page itself, kept in the archive; feed exports show its size only.
    page: bytes = field(default=b"", repr=False, metadata={"serializer": len})

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return asdict(self)


@dataclass
class Recheck:
    """A re-check of an archived article that brought no page: 304, or 404/410 (removed)."""

    article_id: int
    url: str  # the URL that was requested
    status: int
    site: str
    fetched_at: str  # ISO 8601 UTC
    final_url: str = ""  # where redirects led, when they did

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return asdict(self)


@dataclass
class Skipped:
    """A link that looked like an article but is none to archive (robots.txt, not a story)."""

    url: str  # canonical URL
    reason: str
    site: str
    fetched_at: str  # ISO 8601 UTC

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return asdict(self)
