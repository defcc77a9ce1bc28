"""Ready records: everything a version write needs, worked out before the writer sees it.

Turning a fetched article into a record (its content hash, its compressed page, its similarity
signature) is pure CPU work with no SQLite: it runs in the crawl's worker processes or in a
distributed worker, and the archive's one writer only applies records (`Writes.save_batch`).
Records cross the Redis stream as JSON (bytes in base64, never pickle) and are checked on
arrival: a record whose page does not inflate to its hash, or whose signature is malformed,
is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.archive.changes import classify
from crawler.archive.diff import content_hash
from crawler.archive.pages import PAGE_COMPRESSION

HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
# The change record of a first version, whose shape a first_change from a stream must have.
FIRST_CHANGE = classify(None, {})


class RecordError(ValueError):
    """A ready record that cannot be trusted to write (forged, damaged or malformed)."""


@dataclass(frozen=True)
class StoredPage:
    """A fetched page as the archive keeps it: its SHA-256, size, encoding and zlib bytes."""

    hash: str
    size: int
    encoding: str | None
    compressed: bytes


@dataclass(frozen=True)
class ReadyRecord:
    """An article's fields (without its page bytes) and what its version write computes."""

    item: dict[str, Any]
    content_hash: str
    page: StoredPage | None
    signature: bytes  # MinHash of the body; b"" when too short to compare
    first_change: dict[str, Any]  # the change record when this is the article's first version

    @property
    def site(self) -> str:
        """The site the article belongs to (its revisit schedule's key)."""
        return self.item["site"]


def stored_page(raw: bytes | None, encoding: str | None) -> StoredPage | None:
    """A page compressed for storage; None for no page."""
    if not raw:
        return None
    return StoredPage(hashlib.sha256(raw).hexdigest(), len(raw), encoding,
                      zlib.compress(raw, PAGE_COMPRESSION))


def ready_record(item: Mapping[str, Any]) -> ReadyRecord:
    """The record of one fetched article: pure, no SQLite, safe to run in another process."""
    from crawler.archive.similar import signature

    fields = {name: value for name, value in item.items() if name != "page"}
    return ReadyRecord(fields, content_hash(fields),
                       stored_page(item.get("page"), item.get("encoding")),
                       signature(fields.get("body") or ""), classify(None, fields))


def record_fields(record: ReadyRecord) -> dict[str, Any]:
    """The record's own values in JSON-safe form (bytes as base64), for a stream entry."""
    page = record.page
    return {
        "content_hash": record.content_hash,
        "page_hash": page.hash if page else None,
        "page_size": page.size if page else None,
        "page_z": base64.b64encode(page.compressed).decode("ascii") if page else None,
        "signature": base64.b64encode(record.signature).decode("ascii"),
        "first_change": record.first_change,
    }


def _unbase64(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise RecordError(f"{name} is not base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RecordError(f"{name} is not base64") from None


def check_page(page: StoredPage, max_bytes: int) -> None:
    """Refuse a stored page that does not inflate (within max_bytes) to its size and hash."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(page.compressed, max_bytes + 1)
    except zlib.error as error:
        raise RecordError(f"unreadable page: {error}") from None
    if len(raw) > max_bytes or inflater.unconsumed_tail:
        raise RecordError(f"its page inflates past {max_bytes} bytes")
    if not inflater.eof:
        raise RecordError("unreadable page: truncated zlib data")
    if len(raw) != page.size or hashlib.sha256(raw).hexdigest() != page.hash:
        raise RecordError("its page does not match its hash")


def from_fields(item: dict[str, Any], values: Mapping[str, Any], max_page: int,
                check: bool = True) -> ReadyRecord:
    """The record a stream entry carries (`item` without the record's keys), checked:
    RecordError for a forged or damaged one. With check False its page is not inflated:
    the caller runs check_page on it before the record is used."""
    from crawler.archive.similar import PERMUTATIONS

    # The worker's hash, signature and counts are taken as sent (working them out again is
    # the CPU work the ingester is spared); their form is checked, and the page's bytes.
    digest = values.get("content_hash")
    if not isinstance(digest, str) or not HEX_SHA256.fullmatch(digest):
        raise RecordError("content_hash is not a SHA-256")
    first = values.get("first_change")
    if not isinstance(first, dict) or first.keys() != FIRST_CHANGE.keys() or any(
            type(first[key]) is not type(value) for key, value in FIRST_CHANGE.items()
            if key not in ("words_added", "words_removed")) or any(
            not isinstance(first[key], int) or isinstance(first[key], bool) or first[key] < 0
            for key in ("words_added", "words_removed")) or first["kind"] != "first":
        raise RecordError("first_change is not a first version's change record")
    signature = _unbase64(values.get("signature"), "signature")
    if len(signature) not in (0, PERMUTATIONS * 4):
        raise RecordError(f"signature has {len(signature)} bytes")
    page = None
    if values.get("page_z") is not None:
        size, page_hash = values.get("page_size"), values.get("page_hash")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise RecordError("page_size is not a positive integer")
        if not isinstance(page_hash, str) or not HEX_SHA256.fullmatch(page_hash):
            raise RecordError("page_hash is not a SHA-256")
        page = StoredPage(page_hash, size, item.get("encoding"),
                          _unbase64(values["page_z"], "page_z"))
        if check:
            check_page(page, max_page)
    return ReadyRecord(item, digest, page, signature, first)
