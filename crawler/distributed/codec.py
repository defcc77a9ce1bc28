"""Stream entries: what workers send to `crawler ingest`, as flat Redis stream fields."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

PAGE_COMPRESSION = 1  # zlib level of the page bytes in the stream: fast, about a quarter of size
ITEM_KINDS = ("article", "recheck", "skipped")  # entries that carry an item for the archive
EVENT_KINDS = ("run", "opened", "closed", "lost")  # entries that tell the run's provenance


class EntryError(ValueError):
    """A stream entry that cannot be read."""


def encode(kind: str, run: str, data: Mapping[str, Any], worker: str = "",
           page: bytes | None = None) -> dict[str, bytes]:
    """The fields of a stream entry: its kind, run, worker, JSON data and compressed page."""
    fields = {
        "kind": kind.encode(),
        "run": run.encode(),
        "worker": worker.encode(),
        "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(),
    }
    if page:
        fields["page"] = zlib.compress(page, PAGE_COMPRESSION)
    return fields


def encode_item(kind: str, run: str, item: Mapping[str, Any], worker: str = "",
                ) -> dict[str, bytes]:
    """The fields of an item's entry; an article's page bytes go in their own field."""
    data = dict(item)
    page = data.pop("page", None) or None
    return encode(kind, run, data, worker, page)


def decode(fields: Mapping[bytes | str, bytes]) -> tuple[str, str, str, dict[str, Any]]:
    """A stream entry as (kind, run, worker, data), an article's page restored to `page`."""
    def text(name: str) -> str:
        value = fields.get(name.encode(), fields.get(name))
        return value.decode() if isinstance(value, bytes) else (value or "")

    kind = text("kind")
    if kind not in ITEM_KINDS + EVENT_KINDS:
        raise EntryError(f"unknown entry kind {kind!r}")
    try:
        data = json.loads(text("data") or "{}")
        page = fields.get(b"page", fields.get("page"))
        if page:
            data["page"] = zlib.decompress(page)
    except (ValueError, zlib.error) as error:
        raise EntryError(f"unreadable {kind} entry: {error}") from None
    if not isinstance(data, dict):
        raise EntryError(f"unreadable {kind} entry: data is not an object")
    return kind, text("run"), text("worker"), data
