"""Reading the archive: an article and its versions, diffs, search, export rows, counts."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crawler.archive.diff import html_diff, unified_diff, word_diff
from crawler.archive.errors import ArchiveError, ArticleNotFound, VersionNotFound
from crawler.archive.tables import JSON_FIELDS, Tables


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for name in JSON_FIELDS:
        if name in row:
            row[name] = json.loads(row[name] or "[]")
    return row


class Reads(Tables):
    """Queries over articles and versions that change nothing."""

    def article(self, url: str) -> dict[str, Any]:
        """The article a URL names, however it was written (tracking parameters, AMP ...)."""
        # Archived URLs are canonical (and canonical_url leaves a canonical URL as it is), so
        # one that is archived as given needs no canonicalising.
        article = self.one("SELECT * FROM articles WHERE url = ?", (url,))
        if article is not None:
            return article
        from crawler.urls import canonical_url

        canonical = canonical_url(url)
        article = self.article_for([canonical] if canonical == url else [canonical, url])
        if article is None:
            raise ArticleNotFound(f"no article in the archive for {url}")
        return article

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """Every version of an article, oldest first, with authors and changes decoded."""
        rows = self.all(
            "SELECT * FROM versions WHERE article_id = ? ORDER BY version", (article_id,)
        )
        for row in rows:
            _decoded(row)
            row["changes"] = json.loads(row["changes"] or "{}")
        return rows

    def diff(self, url: str, from_version: int | None = None, to_version: int | None = None,
             style: str = "unified") -> str:
        """Diff of an article between two versions (default: the last two).

        style: "unified" (lines), "words" ([-old-]{+new+}) or "html" (a self-contained page).
        """
        article = self.article(url)
        versions = {v["version"]: v for v in self.versions(article["id"])}
        newest = max(versions)
        to_version = to_version or newest
        from_version = from_version or max(to_version - 1, 1)
        for number in (from_version, to_version):
            if number not in versions:
                raise VersionNotFound(
                    f"{article['url']} has no version {number} (it has 1 to {newest})"
                )
        old, new = versions[from_version], versions[to_version]
        labels = f"v{from_version} ({old['fetched_at']})", f"v{to_version} ({new['fetched_at']})"
        if style == "words":
            return word_diff(old, new)
        if style == "html":
            return html_diff(old, new, article["url"], *labels)
        return unified_diff(old, new, *labels)

    def search(
        self, query: str, limit: int = 20, site: str | None = None, all_versions: bool = False,
        section: str | None = None, since: str | None = None, until: str | None = None,
        rank: bool = False,
    ) -> list[dict[str, Any]]:
        """Full-text search (FTS5 syntax) over articles' newest versions, or every version.

        Newest first (the version archived last first), an order the index keeps, so a word in
        most articles costs no more than a rare one; rank=True orders by relevance (bm25)
        instead, which scores every match first. since/until bound the publication date (or,
        without one, when the article was first seen); an ISO date like 2025-10-06 covers
        the whole day.
        """
        fts = "versions_fts" if all_versions else "latest_fts"
        where = [f"{fts} MATCH :query"]
        if section:
            where.append("v.section = :section COLLATE NOCASE")
        if since:
            where.append("COALESCE(v.published, a.first_seen) >= :since")
        if until:
            where.append("COALESCE(v.published, a.first_seen) < :until")
            until = until + "\uffff"  # an ISO prefix covers everything that starts with it
        if site:
            where.append("a.site = :site")
        sql = f"""
            SELECT a.url, a.site, v.version, v.fetched_at, v.title, v.section, v.published,
                   snippet({fts}, 2, '[', ']', '…', 16) AS snippet
            FROM {fts}
            JOIN versions v ON v.id = {fts}.rowid
            JOIN articles a ON a.id = v.article_id
            WHERE {" AND ".join(where)}
            ORDER BY {f"{fts}.rank" if rank else f"{fts}.rowid DESC"} LIMIT :limit"""
        try:
            return self.all(sql, {"query": query, "site": site, "limit": limit,
                                  "section": section, "since": since, "until": until})
        except sqlite3.OperationalError as error:
            raise ArchiveError(f"bad search query {query!r}: {error}") from error

    def counts(self) -> dict[str, int]:
        """How many articles, versions and crawls the archive holds."""
        return {
            table: self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("articles", "versions", "crawls")
        }
