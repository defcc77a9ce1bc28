"""Exports researchers load elsewhere: rows (CSV, JSON lines, Parquet) and WARC.

Every row names its article, version, content hash, kind of change and the crawl that fetched
it; Parquet keeps real types (timestamps, integers, a list of authors). The WARC file is a
record of the crawl: a warcinfo record, then for each fetch a request and its response, or a
revisit record where the fetch found no change (a 304, or an unchanged 200).
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from crawler import clock
from crawler.items import BY_NAME, EXPORT_FIELDS, VERSION_FIELDS

# The archive's own columns beside the item's fields, in the order exports show them.
KEY_COLUMNS = ("article_id", "version", "crawl_id")
ARCHIVE_COLUMNS = ("first_seen", "last_seen", "fetched_at", "content_hash", "change_kind",
                   "changes")
# The row's keys, the story's identity and times, the version's fields with the long body last.
EXPORT_COLUMNS = (*KEY_COLUMNS, *(n for n in EXPORT_FIELDS if n not in VERSION_FIELDS),
                  *ARCHIVE_COLUMNS, *sorted((n for n in EXPORT_FIELDS if n in VERSION_FIELDS),
                                            key="body".__eq__))
# Columns that hold an ISO 8601 time: timestamps in Parquet.
TIME_COLUMNS = ("first_seen", "last_seen", "fetched_at", "published", "modified")
_ARTICLE_COLUMNS = ("url", "site", "first_seen", "last_seen")
# Headers that described the bytes on the wire, not the decoded page a WARC record holds.
WARC_DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def _select() -> str:
    return ", ".join(f"a.{c}" if c in _ARTICLE_COLUMNS else f"v.{c}" for c in EXPORT_COLUMNS)


def export_rows(conn: sqlite3.Connection,
                all_versions: bool = False) -> Iterator[dict[str, Any]]:
    """Latest versions (or every version) joined with their article, streamed."""
    newest = "" if all_versions else (
        "WHERE v.version = (SELECT MAX(version) FROM versions WHERE article_id = v.article_id)")
    cursor = conn.execute(f"SELECT {_select()} FROM versions v JOIN articles a "
                          f"ON a.id = v.article_id {newest} ORDER BY v.article_id, v.version")
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        for name in EXPORT_FIELDS:
            if BY_NAME[name].type is list:
                row[name] = json.loads(row[name] or "[]")
        row["changes"] = json.loads(row["changes"] or "{}")
        yield row


def as_text(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its lists and objects as JSON text, for CSV."""
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in row.items()}


def utc_time(value: str | None) -> datetime | None:
    """An ISO 8601 time (or date) as an aware UTC datetime; None when it is not one."""
    if not value:
        return None
    try:
        return clock.parse_time(value).astimezone(UTC)
    except ValueError:
        return None


def parquet_schema() -> Any:
    """The Parquet schema of an export: real types for times, numbers and lists."""
    import pyarrow as pa

    def kind(name: str) -> Any:
        if name in KEY_COLUMNS:
            return pa.int64()
        if name in TIME_COLUMNS:
            return pa.timestamp("s", tz="UTC")
        if name in BY_NAME and BY_NAME[name].type is list:
            return pa.list_(pa.string())
        return pa.string()

    return pa.schema([(name, kind(name)) for name in EXPORT_COLUMNS])


def parquet_columns(batch: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """A batch of rows as Parquet columns."""
    columns: dict[str, list[Any]] = {}
    for name in EXPORT_COLUMNS:
        values = [row.get(name) for row in batch]
        if name in TIME_COLUMNS:
            values = [utc_time(v) for v in values]
        elif name == "changes":
            values = [json.dumps(v, ensure_ascii=False) for v in values]
        columns[name] = values
    return columns


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _digest(data: bytes) -> str:
    import base64

    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def write_warc(conn: sqlite3.Connection, out: BinaryIO, gzip: bool,
               software: str) -> dict[str, int]:
    """Write the crawl's fetches as WARC records; returns how many of each kind."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
    counts = {"warcinfo": 1, "request": 0, "response": 0, "revisit": 0}
    info = writer.create_warcinfo_record("archive.warc", {
        "software": software, "format": "WARC File Format 1.1",
        "description": "Pages fetched by the news archive crawler, with their fetches.",
        "isPartOf": "news-archive"})
    writer.write_record(info)
    # the newest response of each article: what a revisit record refers to
    last_response: dict[int, tuple[str, str, str, str]] = {}
    cursor = conn.execute(
        "SELECT f.id, f.article_id, f.url, f.fetched_at, f.status, f.changed, f.headers, "
        "p.content FROM fetches f LEFT JOIN pages p ON p.id = f.page_id ORDER BY f.id")
    for _id, article_id, url, fetched_at, status, _changed, headers_json, content in cursor:
        if not url:
            continue
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = StatusAndHeaders(f"GET {target} HTTP/1.1", [
            ("Host", parts.netloc), ("Accept", "text/html,application/xhtml+xml")],
            is_http_request=True)
        headers = [(k, v) for k, v in json.loads(headers_json or "{}").items()
                   if k.lower() not in WARC_DROPPED_HEADERS]
        body = zlib.decompress(content) if content is not None else None
        earlier = last_response.get(article_id)
        if body is not None and (earlier is None or earlier[3] != _digest(body)):
            headers.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(_status_line(status), headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": fetched_at})
            kind = "response"
            last_response[article_id] = (
                url, fetched_at, record.rec_headers.get_header("WARC-Record-ID"), _digest(body))
        elif body is None and status not in (200, 304):  # gone: the answer, with no page
            http = StatusAndHeaders(_status_line(status), [*headers, ("Content-Length", "0")],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(b""), length=0, http_headers=http,
                warc_headers_dict={"WARC-Date": fetched_at})
            kind = "response"
        elif earlier is not None:
            http = StatusAndHeaders(_status_line(status), headers, protocol="HTTP/1.1")
            profile = ("http://netpreserve.org/warc/1.1/revisit/server-not-modified"
                       if status == 304 else
                       "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
            record = writer.create_revisit_record(
                url, earlier[3], earlier[0], earlier[1], http_headers=http)
            record.rec_headers.replace_header("WARC-Profile", profile)
            record.rec_headers.replace_header("WARC-Date", fetched_at)
            record.rec_headers.add_header("WARC-Refers-To", earlier[2])
            kind = "revisit"
        else:
            continue  # a 304 with nothing archived before it to refer to
        writer.write_record(record)
        request_record = writer.create_warc_record(
            url, "request", http_headers=request,
            warc_headers_dict={"WARC-Date": fetched_at,
                               "WARC-Concurrent-To": record.rec_headers.get_header(
                                   "WARC-Record-ID")})
        writer.write_record(request_record)
        counts[kind] += 1
        counts["request"] += 1
    return counts

