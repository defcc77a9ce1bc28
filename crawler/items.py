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

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return asdict(self)
