"""The Archive: one SQLite file of articles, their versions and the crawls that fetched them."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from crawler.archive.changes import classify
from crawler.archive.diff import (
    content_hash,
    html_diff,
    unified_diff,
    word_diff,
)
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule
from crawler.archive.schema import SCHEMA_VERSION, migrate, schema_version

if TYPE_CHECKING:
    from sqlite_utils import Database

# sqlite-utils (which imports numpy), the similarity index (numpy) and URL canonicalisation
# (w3lib) are imported where they are used: a read-only command that needs none of them
# starts in a third of the time.

BUSY_TIMEOUT_MS = 15000  # how long a writer or reader waits for the other before giving up
SIMILAR_THRESHOLD = 0.5  # estimated Jaccard of word shingles above which texts are one story
PAGE_COMPRESSION = 4  # zlib level of stored pages: ~0.2 of the HTML's size, 60% of level 6's time
GONE_STATUSES = (404, 410)  # answers that mean an article was taken down
VERSION_COLUMNS = (
    "title", "summary", "authors", "published", "modified", "section", "body", "lang",
)


class ArchiveError(Exception):
    """Anything the archive cannot do, said in one line."""


class ArchiveNotFound(ArchiveError):
    """No archive file at the given path."""


class ArticleNotFound(ArchiveError):
    """No article in the archive for the given URL."""


class VersionNotFound(ArchiveError):
    """The article has no version with the given number."""


class ArchiveWriteError(ArchiveError):
    """SQLite could not write: disk full, read-only file or folder, I/O error."""


class Outcome(StrEnum):
    """What saving one fetched article did to the archive."""

    NEW_ARTICLE = "new_article"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"  # a 304 answer to a conditional re-check
    REMOVED = "removed"  # a 404 or 410 answer to a re-check


def crawl_counts(stats: dict[str, Any]) -> dict[str, int]:
    """A crawl's headline counts, as the crawls table keeps them, from its Scrapy stats."""
    return {
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_new": stats.get(f"archive/{Outcome.NEW_ARTICLE}", 0),
        "versions_new": stats.get(f"archive/{Outcome.NEW_ARTICLE}", 0)
        + stats.get(f"archive/{Outcome.NEW_VERSION}", 0),
        "unchanged": stats.get(f"archive/{Outcome.UNCHANGED}", 0)
        + stats.get(f"archive/{Outcome.NOT_MODIFIED}", 0),
        "removed": stats.get(f"archive/{Outcome.REMOVED}", 0),
        "errors": error_count(stats),
    }


def error_count(stats: dict[str, Any]) -> int:
    """A crawl's errors: failed fetches, items the archive refused, other errors logged.

    Scrapy logs an ERROR line for each request it gives up retrying, and the spider counts the
    same request once more as a failed fetch: those lines are not counted twice.
    """
    logged = stats.get("log_count/ERROR", 0) - stats.get("retry/max_reached", 0)
    return (max(0, logged) + stats.get("news/fetch_failed", 0)
            + stats.get("archive/error", 0))


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=4)
def _candidates_sql(band_count: int, per_band: int) -> str:
    """The signatures of the newest `per_band` articles in each of `band_count` band buckets."""
    newest = ("SELECT article_id FROM (SELECT article_id FROM similarity_bands WHERE band = ? "
              f"ORDER BY article_id DESC LIMIT {int(per_band)})")
    return ("SELECT article_id, signature FROM signatures WHERE article_id IN ("
            + " UNION ALL ".join([newest] * band_count) + ")")


def _row(cursor: sqlite3.Cursor, values: tuple) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


class Archive:
    """Reads and writes the archive; open it with `Archive.open(path)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool,
                 db: Database | None = None) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._db = db

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils Database: its writes and transactions."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> Archive:
        """Open (creating and migrating unless read-only) the archive at path."""
        path = Path(path)
        try:
            if readonly:
                if not path.is_file():
                    raise ArchiveNotFound(f"no archive at {path}")
                conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db = None
            if readonly:
                version = schema_version(conn)
                if version == 0:
                    conn.close()
                    raise ArchiveError(f"{path} is not a news archive")
                if version < SCHEMA_VERSION:
                    conn.close()
                    raise ArchiveError(
                        f"{path} has schema version {version}; run a crawl on it to migrate"
                    )
            else:
                from sqlite_utils import Database

                db = Database(conn, execute_plugins=False)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(db, path)
        except (sqlite3.DatabaseError, OSError) as error:
            raise ArchiveError(f"cannot open archive {path}: {error}") from error
        return cls(conn, path, readonly, db)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        cursor = self.conn.execute(sql, params)
        values = cursor.fetchone()
        return _row(cursor, values) if values else None

    def _all(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        return [_row(cursor, values) for values in cursor.fetchall()]

    # Crawls

    def start_crawl(self, spider: str, start_urls: list[str], started_at: str | None = None) -> int:
        """Record a crawl as running; returns its id."""
        with self.db.atomic():
            cursor = self.conn.execute(
                "INSERT INTO crawls (spider, started_at, status, start_urls) VALUES (?, ?, ?, ?)",
                (spider, started_at or utc_now(), "running", json.dumps(start_urls)),
            )
        return cursor.lastrowid

    def finish_crawl(
        self,
        crawl_id: int,
        status: str,
        counts: Mapping[str, int],
        stats: Mapping[str, Any],
        finished_at: str | None = None,
    ) -> None:
        """Record how a crawl ended, its counts and its full Scrapy stats."""
        with self.db.atomic():
            self.conn.execute(
                """UPDATE crawls SET finished_at = ?, status = ?, pages_fetched = ?,
                   articles_new = ?, versions_new = ?, unchanged = ?, errors = ?, stats = ?
                   WHERE id = ?""",
                (
                    finished_at or utc_now(), status, counts.get("pages_fetched", 0),
                    counts.get("articles_new", 0), counts.get("versions_new", 0),
                    counts.get("unchanged", 0), counts.get("errors", 0),
                    json.dumps(stats, default=str, sort_keys=True), crawl_id,
                ),
            )

    def crawls(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent crawls, newest first."""
        return self._all("SELECT * FROM crawls ORDER BY id DESC LIMIT ?", (limit,))

    # Writing

    def _article_for(self, urls: list[str]) -> dict[str, Any] | None:
        for url in urls:
            row = self._one("SELECT * FROM articles WHERE url = ?", (url,))
            if row:
                return row
        for url in urls:
            row = self._one(
                "SELECT a.* FROM aliases JOIN articles a ON a.id = aliases.article_id "
                "WHERE aliases.url = ?",
                (url,),
            )
            if row:
                return row
        return None

    def _moved_article(self, site: str, digest: str) -> dict[str, Any] | None:
        """The article of the same site whose newest text is exactly this: a story whose URL
        changed without a redirect the crawl could follow."""
        # Start from the content-hash index: a lookup by site would walk the whole site.
        return self._one(
            """SELECT a.* FROM versions v INDEXED BY versions_content_hash
               JOIN articles a ON a.id = v.article_id
               WHERE v.content_hash = ? AND a.site = ? AND v.version = (
                   SELECT MAX(version) FROM versions WHERE article_id = a.id)
               ORDER BY a.id LIMIT 1""", (digest, site))

    def save(
        self,
        item: Mapping[str, Any],
        crawl_id: int | None = None,
        schedule: Schedule = DEFAULT_SCHEDULE,
    ) -> Outcome:
        """Store one fetched article: a new version only when its content changed.

        Records the fetch and schedules the next check. The whole write is one transaction:
        a process killed at any moment leaves either all of it or none of it.
        """
        try:
            return self._save(item, crawl_id, schedule)
        except sqlite3.OperationalError as error:
            raise ArchiveWriteError(f"cannot write to {self.path}: {error}") from error

    def _save(self, item: Mapping[str, Any], crawl_id: int | None, schedule: Schedule,
              ) -> Outcome:
        url = item["url"]
        urls = [url, *(u for u in item.get("aliases") or () if u != url)]
        fetched_at = item.get("fetched_at") or utc_now()
        digest = content_hash(item)
        with self.db.atomic():
            article = self._article_for(urls) or self._moved_article(item["site"], digest)
            if article is None:
                cursor = self.conn.execute(
                    """INSERT INTO articles (url, site, first_seen, last_seen,
                       first_crawl_id, last_crawl_id) VALUES (?, ?, ?, ?, ?, ?)""",
                    (url, item["site"], fetched_at, fetched_at, crawl_id, crawl_id),
                )
                article_id, first_seen = cursor.lastrowid, fetched_at
                newest = None
            else:
                article_id, first_seen = article["id"], article["first_seen"]
                newest = self._one(
                    "SELECT * FROM versions WHERE article_id = ? ORDER BY version DESC LIMIT 1",
                    (article_id,),
                )
            for alias in urls:
                if article is None or alias != article["url"]:
                    self.conn.execute(
                        "INSERT OR IGNORE INTO aliases (url, article_id) VALUES (?, ?)",
                        (alias, article_id),
                    )
            changed = newest is None or newest["content_hash"] != digest
            version_id = page_id = None
            if changed:
                page_id = self._store_page(item.get("page"), item.get("encoding"))
                version_id = self._insert_version(item, article_id, newest, crawl_id, digest,
                                                  page_id)
                self._index_similarity(article_id, version_id, item.get("body") or "",
                                       fetched_at)
            last_changed = fetched_at if changed else article["last_changed_at"]
            self.conn.execute(
                """UPDATE articles SET last_seen = ?, last_crawl_id = ?, fetch_url = ?,
                   last_fetched_at = ?, last_changed_at = ?, next_check_at = ?, etag = ?,
                   last_modified = ?, removed_at = NULL WHERE id = ?""",
                (
                    fetched_at, crawl_id, item.get("fetched_url") or url, fetched_at,
                    last_changed, schedule.next_check(fetched_at, first_seen, last_changed),
                    item.get("etag"), item.get("last_modified"), article_id,
                ),
            )
            self._record_fetch(article_id, crawl_id, fetched_at,
                               item.get("fetched_url") or url, item.get("status") or 200,
                               version_id, page_id, item.get("headers"))
        if article is None:
            return Outcome.NEW_ARTICLE
        return Outcome.NEW_VERSION if changed else Outcome.UNCHANGED

    def _insert_version(
        self,
        item: Mapping[str, Any],
        article_id: int,
        newest: dict[str, Any] | None,
        crawl_id: int | None,
        digest: str,
        page_id: int | None,
    ) -> int:
        values = {name: item.get(name) for name in VERSION_COLUMNS}
        values["authors"] = json.dumps(list(item.get("authors") or []), ensure_ascii=False)
        values["body"] = item.get("body") or ""
        earlier = self._all(
            "SELECT version, content_hash FROM versions WHERE article_id = ? AND version < ? "
            "ORDER BY version", (article_id, newest["version"])) if newest else []
        change = classify(newest, item, earlier, digest)
        cursor = self.conn.execute(
            """INSERT INTO versions (article_id, version, crawl_id, fetched_at, fetched_url,
               status, content_hash, title, summary, authors, published, modified, section,
               body, lang, changes, change_kind, page_id, extractor)
               VALUES (:article_id, :version, :crawl_id, :fetched_at, :fetched_url, :status,
               :content_hash, :title, :summary, :authors, :published, :modified, :section,
               :body, :lang, :changes, :change_kind, :page_id, :extractor)""",
            {
                **values,
                "article_id": article_id,
                "version": newest["version"] + 1 if newest else 1,
                "crawl_id": crawl_id,
                "fetched_at": item.get("fetched_at") or utc_now(),
                "fetched_url": item.get("fetched_url"),
                "status": item.get("status"),
                "content_hash": digest,
                "changes": json.dumps(change, ensure_ascii=False),
                "change_kind": change["kind"],
                "page_id": page_id,
                "extractor": item.get("extractor"),
            },
        )
        return cursor.lastrowid

    def _index_similarity(self, article_id: int, version_id: int, body: str,
                          found_at: str) -> None:
        """Index an article's newest text and link it to the articles it nearly duplicates."""
        from crawler.archive.similar import BAND_CANDIDATES, bands, signature, similarities

        sig = signature(body)
        self.conn.execute("DELETE FROM similarity_bands WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM similar WHERE article_id = ? OR other_id = ?",
                          (article_id, article_id))
        if not sig:
            self.conn.execute("DELETE FROM signatures WHERE article_id = ?", (article_id,))
            return
        keys = bands(sig)
        # Read before this text's own keys go in, so it never finds itself.
        candidates = self.conn.execute(_candidates_sql(len(keys), BAND_CANDIDATES),
                                       keys).fetchall()
        self.conn.execute(
            "INSERT OR REPLACE INTO signatures (article_id, version_id, signature) "
            "VALUES (?, ?, ?)", (article_id, version_id, sig))
        self.conn.executemany("INSERT OR IGNORE INTO similarity_bands (band, article_id) "
                              "VALUES (?, ?)", [(key, article_id) for key in keys])
        scores = similarities(sig, [other_sig for _, other_sig in candidates])
        pairs = [(other_id, score) for (other_id, _), score in zip(candidates, scores, strict=True)
                 if score >= SIMILAR_THRESHOLD]
        self.conn.executemany(
            "INSERT OR REPLACE INTO similar (article_id, other_id, similarity, found_at) "
            "VALUES (?, ?, ?, ?)",
            [row for other_id, score in pairs
             for row in ((article_id, other_id, score, found_at),
                         (other_id, article_id, score, found_at))])

    def similar(self, url: str, threshold: float = SIMILAR_THRESHOLD) -> list[dict[str, Any]]:
        """Articles whose newest text nearly duplicates this one's, most similar first."""
        article = self.article(url)
        return self._all(
            """SELECT a.url, a.site, l.title, l.published, s.similarity
               FROM similar s JOIN articles a ON a.id = s.other_id
               JOIN latest l ON l.article_id = a.id
               WHERE s.article_id = ? AND s.similarity >= ?
               ORDER BY s.similarity DESC, a.url""", (article["id"], threshold))

    def _store_page(self, raw: bytes | None, encoding: str | None) -> int | None:
        """Keep a fetched page once, compressed; returns its id (None for no page)."""
        if not raw:
            return None
        digest = hashlib.sha256(raw).hexdigest()
        row = self.conn.execute("SELECT id FROM pages WHERE hash = ?", (digest,)).fetchone()
        if row:
            return row[0]
        cursor = self.conn.execute(
            "INSERT INTO pages (hash, size, encoding, content) VALUES (?, ?, ?, ?)",
            (digest, len(raw), encoding, zlib.compress(raw, PAGE_COMPRESSION)),
        )
        return cursor.lastrowid

    def page(self, page_id: int) -> tuple[bytes, str | None]:
        """A stored page's raw bytes and the encoding it was read with."""
        row = self.conn.execute("SELECT content, encoding FROM pages WHERE id = ?",
                              (page_id,)).fetchone()
        if row is None:
            raise ArchiveError(f"no page {page_id} in the archive")
        return zlib.decompress(row[0]), row[1]

    def _record_fetch(
        self, article_id: int, crawl_id: int | None, fetched_at: str, url: str, status: int,
        version_id: int | None, page_id: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.conn.execute(
            """INSERT INTO fetches (article_id, crawl_id, fetched_at, url, status, changed,
               version_id, page_id, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (article_id, crawl_id, fetched_at, url, status, int(version_id is not None),
             version_id, page_id, json.dumps(dict(headers)) if headers else None),
        )

    def record_check(
        self,
        article_id: int,
        status: int,
        url: str,
        crawl_id: int | None = None,
        fetched_at: str | None = None,
        schedule: Schedule = DEFAULT_SCHEDULE,
        final_url: str | None = None,
    ) -> Outcome:
        """Record a re-check that brought no page to extract: 304, or 404/410 (removed).

        When redirects led the check elsewhere, that URL becomes an alias of the article and
        the URL its next checks go to.
        """
        fetched_at = fetched_at or utc_now()
        with self.db.atomic():
            article = self._one("SELECT * FROM articles WHERE id = ?", (article_id,))
            if article is None:
                raise ArticleNotFound(f"no article with id {article_id}")
            if final_url and final_url != url:
                from crawler.urls import canonical_url

                alias = canonical_url(final_url)
                if alias != article["url"]:
                    self.conn.execute(
                        "INSERT OR IGNORE INTO aliases (url, article_id) VALUES (?, ?)",
                        (alias, article_id))
                self.conn.execute("UPDATE articles SET fetch_url = ? WHERE id = ?",
                                (final_url, article_id))
                url = final_url
            if status in GONE_STATUSES:
                self.conn.execute(
                    """UPDATE articles SET last_fetched_at = ?, next_check_at = NULL,
                       removed_at = COALESCE(removed_at, ?) WHERE id = ?""",
                    (fetched_at, fetched_at, article_id),
                )
                outcome = Outcome.REMOVED
            else:
                self.conn.execute(
                    """UPDATE articles SET last_seen = ?, last_crawl_id = ?, last_fetched_at = ?,
                       next_check_at = ? WHERE id = ?""",
                    (fetched_at, crawl_id, fetched_at,
                     schedule.next_check(fetched_at, article["first_seen"],
                                         article["last_changed_at"]), article_id),
                )
                outcome = Outcome.NOT_MODIFIED
            self._record_fetch(article_id, crawl_id, fetched_at, url, status, None)
        return outcome

    def due(
        self, sites: Iterable[str], now: str, every: bool = False, changed_since: str = "",
    ) -> Iterator[dict[str, Any]]:
        """Articles of these sites whose next check is due (or all of them), most overdue first;
        with changed_since, only those first seen or changed since then."""
        sites = list(sites)
        if not sites:
            return
        marks = ", ".join("?" for _ in sites)
        when = "" if every else "AND next_check_at IS NOT NULL AND next_check_at <= ?"
        cursor = self.conn.execute(
            f"""SELECT id, url, site, fetch_url, etag, last_modified, next_check_at
                FROM articles WHERE removed_at IS NULL {when} AND site IN ({marks})
                AND COALESCE(last_changed_at, first_seen) >= ?
                ORDER BY next_check_at""",
            ((*sites, changed_since) if every else (now, *sites, changed_since)),
        )
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def record_skip(self, url: str, reason: str, seen_at: str | None = None) -> None:
        """Remember a link that looked like an article but is none to fetch or archive."""
        seen_at = seen_at or utc_now()
        with self.db.atomic():
            self.conn.execute(
                """INSERT INTO skipped (url, reason, first_seen, last_seen) VALUES (?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET reason = excluded.reason,
                   last_seen = excluded.last_seen""", (url, reason, seen_at, seen_at))

    def known(self, urls: Iterable[str], before: str = "9999") -> set[str]:
        """The ones among these canonical URLs that name an article, or a link skipped as none,
        first seen before a time."""
        urls = list(dict.fromkeys(urls))
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for (url,) in self.conn.execute(
                f"SELECT url FROM articles WHERE url IN ({marks}) AND first_seen < ? "
                f"UNION SELECT l.url FROM aliases l JOIN articles a ON a.id = l.article_id "
                f"WHERE l.url IN ({marks}) AND a.first_seen < ? "
                f"UNION SELECT url FROM skipped WHERE url IN ({marks}) AND first_seen < ?",
                (*chunk, before, *chunk, before, *chunk, before),
            ):
                found.add(url)
        return found

    def fetch_states(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """For the ones among these canonical URLs that are archived: their fetch state."""
        urls = list(dict.fromkeys(urls))
        states: dict[str, dict[str, Any]] = {}
        columns = ("a.id, a.url, a.fetch_url, a.etag, a.last_modified, a.last_fetched_at, "
                   "a.removed_at")
        for start in range(0, len(urls), 500):
            chunk = urls[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self._all(
                f"SELECT a.url AS key, {columns} FROM articles a WHERE a.url IN ({marks}) "
                f"UNION ALL SELECT l.url AS key, {columns} FROM aliases l "
                f"JOIN articles a ON a.id = l.article_id WHERE l.url IN ({marks})",
                (*chunk, *chunk),
            ):
                states.setdefault(row.pop("key"), row)
        return states

    def sites(self, finished: bool = False) -> set[str]:
        """Every site the archive holds articles of (or only those a finished crawl covered)."""
        if not finished:
            return {site for (site,) in self.conn.execute("SELECT DISTINCT site FROM articles")}
        return {site for (site,) in self.conn.execute(
            """SELECT DISTINCT a.site FROM articles a JOIN crawls c
               ON c.id IN (a.first_crawl_id, a.last_crawl_id) WHERE c.status = 'finished'""")}

    def close_stale_crawls(self, current: int | None = None) -> int:
        """Mark crawls still 'running' (their process was killed) as 'killed'.

        A distributed run's crawl stays 'running' between its ingests, and its ingester
        finishes it: it is left alone.
        """
        distributed = self._one(
            "SELECT 1 AS found FROM sqlite_master WHERE name = 'distributed_runs'", ())
        spared = ("AND id NOT IN (SELECT crawl_id FROM distributed_runs "
                  "WHERE crawl_id IS NOT NULL)" if distributed else "")
        with self.db.atomic():
            cursor = self.conn.execute(
                "UPDATE crawls SET status = 'killed' WHERE status = 'running' AND id IS NOT ? "
                + spared,
                (current,),
            )
        return cursor.rowcount

    # Reading

    def article(self, url: str) -> dict[str, Any]:
        """The article a URL names, however it was written (tracking parameters, AMP ...)."""
        # Archived URLs are canonical (and canonical_url leaves a canonical URL as it is), so
        # one that is archived as given needs no canonicalising.
        article = self._one("SELECT * FROM articles WHERE url = ?", (url,))
        if article is not None:
            return article
        from crawler.urls import canonical_url

        canonical = canonical_url(url)
        article = self._article_for([canonical] if canonical == url else [canonical, url])
        if article is None:
            raise ArticleNotFound(f"no article in the archive for {url}")
        return article

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """Every version of an article, oldest first, with authors and changes decoded."""
        rows = self._all(
            "SELECT * FROM versions WHERE article_id = ? ORDER BY version", (article_id,)
        )
        for row in rows:
            row["authors"] = json.loads(row["authors"] or "[]")
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
            return self._all(sql, {"query": query, "site": site, "limit": limit,
                                   "section": section, "since": since, "until": until})
        except sqlite3.OperationalError as error:
            raise ArchiveError(f"bad search query {query!r}: {error}") from error

    def export_rows(self, all_versions: bool = False) -> Iterator[dict[str, Any]]:
        """Latest versions (or every version) joined with their article, streamed."""
        from crawler.archive.exports import export_rows

        return export_rows(self.conn, all_versions)

    def _stream(self, sql: str, params: tuple = ()) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def versions_with_pages(self) -> Iterator[dict[str, Any]]:
        """Every version whose fetched page is kept, with its article's URL, streamed."""
        return self._stream(
            """SELECT v.id, v.article_id, v.version, a.url, v.fetched_url, v.page_id,
                      v.extractor, v.content_hash, v.title, v.summary, v.authors, v.published,
                      v.modified, v.section, v.body
               FROM versions v JOIN articles a ON a.id = v.article_id
               WHERE v.page_id IS NOT NULL ORDER BY v.id""")

    def supersede(self, version_id: int, fields: Mapping[str, Any], extractor: str,
                  replaced_at: str | None = None) -> None:
        """Replace a version's extracted text with a better extraction of the same page.

        The text it had is kept in `superseded`, and the page itself is never touched.
        """
        with self.db.atomic():
            self.conn.execute(
                """INSERT INTO superseded (version_id, replaced_at, extractor, content_hash,
                   title, summary, authors, published, modified, section, body)
                   SELECT id, ?, extractor, content_hash, title, summary, authors, published,
                   modified, section, body FROM versions WHERE id = ?""",
                (replaced_at or utc_now(), version_id),
            )
            self.conn.execute(
                """UPDATE versions SET title = ?, summary = ?, authors = ?, published = ?,
                   modified = ?, section = ?, body = ?, content_hash = ?, extractor = ?
                   WHERE id = ?""",
                (fields.get("title"), fields.get("summary"),
                 json.dumps(list(fields.get("authors") or []), ensure_ascii=False),
                 fields.get("published"), fields.get("modified"), fields.get("section"),
                 fields.get("body") or "", content_hash(fields), extractor, version_id),
            )
            newest = self._one(
                """SELECT article_id FROM versions v WHERE id = ? AND version =
                   (SELECT max(version) FROM versions WHERE article_id = v.article_id)""",
                (version_id,))
            if newest:  # the near-duplicate index follows each article's newest text
                self._index_similarity(newest["article_id"], version_id, fields.get("body") or "",
                                       replaced_at or utc_now())

    def counts(self) -> dict[str, int]:
        """How many articles, versions and crawls the archive holds."""
        return {
            table: self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("articles", "versions", "crawls")
        }
