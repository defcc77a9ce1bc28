"""What the archive's web pages show, read with plain SQL from one SQLite connection."""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

from crawler.archive.changes import describe

# Kinds of change the front page and the feeds show unless asked for every kind.
NOTABLE_KINDS = ("headline", "correction", "substantive", "revert")
CHANGE_KINDS = ("headline", "correction", "substantive", "minor", "revert")
PAGE_SIZE = 50  # changes per page of the front page and per feed
EXCERPT_CHARS = 240  # characters of body text a row of a table shows


def _rows(conn: sqlite3.Connection, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def is_archive(conn: sqlite3.Connection) -> bool:
    """True when the database is a news archive (it has articles and versions)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"articles", "versions", "crawls"} <= names


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """The archive's size and its last crawl, for the top of the front page."""
    row = conn.execute(
        "SELECT (SELECT COUNT(DISTINCT site) FROM articles), (SELECT COUNT(*) FROM articles),"
        " (SELECT COUNT(*) FROM versions),"
        " (SELECT MAX(COALESCE(finished_at, started_at)) FROM crawls)").fetchone()
    return dict(zip(("sites", "articles", "versions", "last_crawl"), row, strict=True))


def filters(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The sites and sections the front page can filter by."""
    return {
        "sites": [r[0] for r in conn.execute(
            "SELECT DISTINCT site FROM articles ORDER BY site")],
        "sections": [r[0] for r in conn.execute(
            "SELECT DISTINCT section FROM versions WHERE section IS NOT NULL "
            "AND section != '' ORDER BY section LIMIT 200")],
    }


def _summary(row: dict[str, Any]) -> str:
    try:
        change = json.loads(row.get("changes") or "{}")
    except ValueError:
        change = {}
    change.setdefault("kind", row.get("change_kind"))
    return describe(change)


def recent_changes(conn: sqlite3.Connection, site: str | None = None,
                   section: str | None = None, kind: str | None = None,
                   article_id: int | None = None, offset: int = 0,
                   limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """Versions after the first, newest first, with what changed and the previous title."""
    where, params = ["v.version > 1"], []
    if site:
        where.append("a.site = ?")
        params.append(site)
    if section:
        where.append("v.section = ?")
        params.append(section)
    if article_id is not None:
        where.append("v.article_id = ?")
        params.append(article_id)
    if kind == "all":
        pass
    elif kind in CHANGE_KINDS:
        where.append("v.change_kind = ?")
        params.append(kind)
    else:
        marks = ", ".join("?" * len(NOTABLE_KINDS))
        where.append(f"(v.change_kind IN ({marks}) OR v.change_kind IS NULL)")
        params.extend(NOTABLE_KINDS)
    rows = _rows(conn, f"""
        SELECT v.id AS version_id, v.article_id, v.version, v.fetched_at, v.title,
               v.summary, v.section, v.change_kind, v.changes, a.site, a.url,
               (SELECT p.title FROM versions p WHERE p.article_id = v.article_id
                AND p.version = v.version - 1) AS old_title
        FROM versions v JOIN articles a ON a.id = v.article_id
        WHERE {" AND ".join(where)}
        ORDER BY v.fetched_at DESC, v.id DESC LIMIT ? OFFSET ?""",
        (*params, limit, offset))
    for row in rows:
        row["summary_line"] = _summary(row)
    return rows


def article_id_for(conn: sqlite3.Connection, url: str) -> int | None:
    """The article a URL names, as its canonical URL or one of its aliases."""
    row = conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
    if row is None:
        row = conn.execute("SELECT article_id FROM aliases WHERE url = ?", (url,)).fetchone()
    return row[0] if row else None


def article(conn: sqlite3.Connection, article_id: int) -> dict[str, Any] | None:
    """An article with its versions (oldest first) and aliases; None when there is none."""
    found = _rows(conn, "SELECT * FROM articles WHERE id = ?", (article_id,))
    if not found:
        return None
    result = found[0]
    result["versions"] = _rows(conn, """
        SELECT id, version, fetched_at, fetched_url, title, summary, authors, published,
               modified, section, body, change_kind, changes, page_id
        FROM versions WHERE article_id = ? ORDER BY version""", (article_id,))
    for row in result["versions"]:
        row["summary_line"] = _summary(row) if row["version"] > 1 else describe(
            {"kind": "first", "words_added": len((row["body"] or "").split())})
    result["aliases"] = [r[0] for r in conn.execute(
        "SELECT url FROM aliases WHERE article_id = ? AND url != ? ORDER BY url",
        (article_id, result["url"]))]
    return result


def archived_page(conn: sqlite3.Connection, version_id: int) -> tuple[bytes, str | None] | None:
    """The stored page a version was read from, and its encoding; None when none was kept."""
    row = conn.execute(
        "SELECT p.content, p.encoding FROM versions v JOIN pages p ON p.id = v.page_id "
        "WHERE v.id = ?", (version_id,)).fetchone()
    if row is None:
        return None
    return zlib.decompress(row[0]), row[1]
