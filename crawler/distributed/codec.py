"""Stream entries: what workers send to `crawler ingest`, as flat Redis stream fields."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from typing import Any

from crawler.items import Recheck, Refused, Skipped, check_types
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.urls import is_web_url

PAGE_COMPRESSION = 1  # zlib level of the page bytes in the stream: fast, about a quarter of size
ITEM_KINDS = ("article", "recheck", "skipped", "refused")  # entries with an item for the archive
EVENT_KINDS = ("run", "opened", "closed", "lost")  # entries that tell the run's provenance
# Bytes a page may inflate to: DOWNLOAD_MAXSIZE, the most a worker could have fetched; a
# larger one is a forged entry (a zlib bomb of 1 GiB is 1 MiB in the stream).
MAX_PAGE_BYTES = DOWNLOAD_MAXSIZE
# The JSON types of each record's fields, by the dataclass that makes the record.
_TYPES = {"str": str, "int": int, "str | None": (str, type(None)),
          "int | None": (int, type(None))}
RECORDS = {kind: {f.name: _TYPES[str(f.type)] for f in dataclass_fields(cls)}
           for kind, cls in (("recheck", Recheck), ("skipped", Skipped), ("refused", Refused))}
# Fields of a run's start entry (RunConfig's, and the start URLs seed works out).
RUN_FIELDS = {"name": str, "spider": str, "start_urls": list, "sites": (str, type(None)),
              "profile": (str, type(None)), "max_pages": (int, type(None)),
              "max_hops": (int, type(None)), "backfill": bool, "started_at": (str, type(None)),
              "all_start_urls": list, "incremental": bool}


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


def decode(fields: Mapping[bytes | str, bytes], max_page: int = MAX_PAGE_BYTES,
           ) -> tuple[str, str, str, dict[str, Any]]:
    """A stream entry as (kind, run, worker, data), an article's page restored to `page`;
    EntryError for an entry that is unreadable or does not match its record's schema."""
    def text(name: str) -> str:
        value = fields.get(name.encode(), fields.get(name))
        try:
            return value.decode() if isinstance(value, bytes) else (value or "")
        except UnicodeDecodeError:
            raise EntryError(f"its {name} is not UTF-8") from None

    kind = text("kind")
    if kind not in ITEM_KINDS + EVENT_KINDS:
        raise EntryError(f"unknown entry kind {kind!r}")
    try:
        data = json.loads(text("data") or "{}")
    except (ValueError, RecursionError) as error:
        raise EntryError(f"unreadable {kind} entry: {error}") from None
    if not isinstance(data, dict):
        raise EntryError(f"unreadable {kind} entry: data is not an object")
    problem = schema_problem(kind, data)
    if problem:
        raise EntryError(f"{kind} entry does not match its schema: {problem}")
    page = fields.get(b"page", fields.get("page"))
    if page:
        if kind != "article":
            raise EntryError(f"a {kind} entry carries a page")
        data["page"] = inflate(page, max_page)
    return kind, text("run"), text("worker"), data


def inflate(data: bytes, max_bytes: int) -> bytes:
    """zlib data inflated, at most max_bytes of it; EntryError past that or when corrupt."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise EntryError(f"unreadable page: {error}") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise EntryError(f"its page inflates past {max_bytes} bytes")
    if not inflater.eof:
        raise EntryError("unreadable page: truncated zlib data")
    return out


def _wrong(value: Any, kinds: type | tuple[type, ...]) -> bool:
    return not isinstance(value, kinds) or (isinstance(value, bool) and bool not in (
        kinds if isinstance(kinds, tuple) else (kinds,)))


def schema_problem(kind: str, data: dict[str, Any]) -> str | None:
    """What is wrong with an entry's data for its kind's record; None when it fits."""
    for name, value in data.items():
        if isinstance(value, int) and not -(2 ** 63) <= value < 2 ** 63:
            return f"{name} is out of SQLite's integer range"
    if kind == "article":
        for name in ("url", "site"):  # what the archive files a version under
            if not isinstance(data.get(name), str) or not data[name]:
                return f"no {name}"
        if not is_web_url(data["url"]):
            return "url is not an http(s) URL"
        if "page" in data:
            return "page in the data"
        wrong = check_types(data)
        return wrong[0] if wrong else None
    if kind in RECORDS:
        for name, kinds in RECORDS[kind].items():
            if name in data and _wrong(data[name], kinds):
                return f"{name} is a {type(data[name]).__name__}"
        missing = [n for n in RECORDS[kind] if n not in data and n != "final_url"]
        if missing:
            return f"no {missing[0]}"
        if kind == "refused" and not is_web_url(data["url"]):  # seed hands it to workers
            return "url is not an http(s) URL"
        return None
    if kind == "run":
        for name, value in data.items():
            if name in RUN_FIELDS and _wrong(value, RUN_FIELDS[name]):
                return f"{name} is a {type(value).__name__}"
        if not isinstance(data.get("name"), str):
            return "no name"
        lists = (data.get("start_urls") or []) + (data.get("all_start_urls") or [])
        return None if all(isinstance(url, str) for url in lists) else "a start URL not a string"
    if kind == "closed":
        if _wrong(data.get("reason"), (str, type(None))):
            return "reason is not a string"
        if _wrong(data.get("stats", {}), dict):
            return "stats is not an object"
    if _wrong(data.get("at"), (str, type(None))):
        return "at is not a string"
    return None
