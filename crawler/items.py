"""The article item: what the spider extracts, the pipelines clean, and the archive stores.

``FIELDS`` is the one registry of the article's fields: each is declared once with its type,
its roles and its description, and every other list of fields (the content hash, the
``versions`` columns, the export columns, the fields a site profile may select, the
descriptions Datasette and the README show) is derived from it.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, make_dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One field of the article, with the roles it plays."""

    name: str
    type: type  # the Python type of a present value
    description: str
    default: Any = None  # the value of a field nothing could be read for
    optional: bool = True  # None is a valid value
    read: bool = False  # read from the page by the extractor
    content: bool = False  # part of the content hash: a change makes a new version
    version: bool = False  # a column of every stored version
    export: bool = False  # a column of `crawler export`
    selector: bool = False  # a site profile may give CSS selectors for it


def _list() -> list[Any]:
    return []


def _dict() -> dict[str, Any]:
    return {}


FIELDS: tuple[Field, ...] = (
    Field("url", str, "Canonical URL: one story, one URL.", "", False, read=True,
          export=True),
    Field("site", str, "Registered domain of the canonical URL.", "", False, read=True,
          export=True),
    Field("title", str, "Headline.", read=True, content=True, version=True, export=True,
          selector=True),
    Field("summary", str, "Standfirst or description the page gave.", read=True,
          content=True, version=True, export=True, selector=True),
    Field("authors", list, "Bylines, a JSON array of names.", _list, False, read=True,
          version=True, export=True, selector=True),
    Field("published", str, "Publication date the page gave, in its own time zone "
          "(ISO 8601).", read=True, version=True, export=True, selector=True),
    Field("modified", str, "Last-modified date the page gave (ISO 8601).", read=True,
          version=True, export=True, selector=True),
    Field("section", str, "Section of the site the page gave (news, sport ...).", read=True,
          version=True, export=True, selector=True),
    Field("body", str, "Clean article text, paragraphs separated by one blank line.", "",
          False, read=True, content=True, version=True, export=True, selector=True),
    Field("lang", str, "Language the page declared.", read=True, version=True, export=True),
    Field("aliases", list, "Other URLs naming this story.", _list, False, read=True),
    Field("fetched_url", str, "The URL the page was fetched from (after redirects).", "",
          False),
    Field("status", int, "HTTP status of the fetch.", 200, False),
    Field("fetched_at", str, "When the page was fetched (ISO 8601 UTC).", "", False),
    Field("profile", str, "The site profile the page was extracted with; empty for none.",
          version=True),
    Field("etag", str, "The ETag of the answer, sent back as If-None-Match."),
    Field("last_modified", str, "The Last-Modified of the answer, sent back as "
          "If-Modified-Since."),
    Field("extractor", str, "Version of the extraction code that read the page."),
    Field("headers", dict, "The HTTP response headers.", _dict, False),
    Field("encoding", str, "The character encoding the page was decoded with."),
    Field("page", bytes, "The fetched page itself, kept in the archive.", b"", False),
)

BY_NAME = {f.name: f for f in FIELDS}
READ_FIELDS = tuple(f.name for f in FIELDS if f.read)  # what the extractor returns
CONTENT_FIELDS = tuple(f.name for f in FIELDS if f.content)  # what the content hash covers
VERSION_FIELDS = tuple(f.name for f in FIELDS if f.version)  # the item's columns of a version
EXPORT_FIELDS = tuple(f.name for f in FIELDS if f.export)  # the item's columns of an export
SELECTOR_FIELDS = tuple(f.name for f in FIELDS if f.selector)  # what a profile may select
DESCRIPTIONS = {f.name: f.description for f in FIELDS}


def default_of(name: str) -> Any:
    """A fresh default value of a field."""
    default = BY_NAME[name].default
    return default() if callable(default) else default


def check_types(values: dict[str, Any]) -> list[str]:
    """The fields of values whose type the registry does not allow, as messages."""
    wrong = []
    for name, value in values.items():
        spec = BY_NAME.get(name)
        if spec is None:
            continue
        if value is None and spec.optional:
            continue
        if not isinstance(value, spec.type) or isinstance(value, bool) != (spec.type is bool):
            wrong.append(f"{name}: {type(value).__name__}, not {spec.type.__name__}")
        elif spec.type is list and not all(isinstance(v, str) for v in value):
            wrong.append(f"{name}: a list of other than strings")
    return wrong


def _dataclass_field(spec: Field) -> tuple[str, Any, Any]:
    kind: Any = spec.type | None if spec.optional else spec.type
    if spec.name in ("url", "site"):  # the two every item must be given
        return spec.name, kind, field(default=MISSING)
    if callable(spec.default):
        return spec.name, kind, field(default_factory=spec.default)
    if spec.name == "page":  # feed exports show the page's size only
        return spec.name, kind, field(default=b"", repr=False, metadata={"serializer": len})
    return spec.name, kind, field(default=spec.default)


def _to_dict(self: Any) -> dict[str, Any]:
    """The item as a plain dict."""
    return asdict(self)


Article = make_dataclass(
    "Article", [_dataclass_field(spec) for spec in FIELDS],
    namespace={"to_dict": _to_dict, "__doc__": "One fetched article page, as the crawl saw it.",
               "__module__": __name__},
)


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
class Refused:
    """A page the site refused for now (401, 403, 451, still timing out): tried again later."""

    url: str  # canonical URL
    reason: str  # "HTTP 403", "timeout"
    site: str
    fetched_at: str  # ISO 8601 UTC
    article_id: int | None = None  # the archived article a re-check of it was for

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


@dataclass
class View:
    """A print or mobile view of a story (noindex, no canonical): an alias, never an article."""

    url: str  # canonical URL of the view
    site: str
    title: str | None
    summary: str | None
    body: str
    fetched_at: str  # ISO 8601 UTC

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return asdict(self)


@dataclass
class SiteEvidence:
    """What one article page told about its site's template, for the site's learned model."""

    site: str
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return asdict(self)
