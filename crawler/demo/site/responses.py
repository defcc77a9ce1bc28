"""HTTP as the sample sites speak it: responses, entity tags, dates, conditional requests."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime


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
    def page(cls, text: str, status: int = 200, charset: str = "utf-8",
             declared: bool = True) -> Response:
        """An HTML page in a charset (characters it lacks as &#N; references, as old CMSes did).

        declared=False leaves the charset out of the Content-Type header, so only the page's
        own <meta> can say it.
        """
        body = text.encode(charset, "xmlcharrefreplace")
        media_type = f"text/html; charset={charset}" if declared else "text/html"
        return cls(status, body, (("Content-Type", media_type),))

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
