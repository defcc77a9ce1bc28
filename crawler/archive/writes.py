"""Writing the archive: the rules of saving, versioning and re-checking, in one place."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from crawler.archive.changes import classify
from crawler.archive.diff import content_hash
from crawler.archive.errors import ArchiveWriteError, ArticleNotFound
from crawler.archive.neardup import NearDuplicates, NewText
from crawler.archive.pages import Pages
from crawler.archive.records import ReadyRecord, ready_record
from crawler.archive.schedule import DEFAULT_SCHEDULE, Schedule
from crawler.archive.tables import Tables, column_values, marks, utc_now
from crawler.items import VERSION_FIELDS

GONE_STATUSES = (404, 410)  # answers that mean an article was taken down
# A version's columns besides the item's fields; the item's come from the field registry.
VERSION_COLUMNS = ("article_id", "version", "crawl_id", "fetched_at", "fetched_url", "status",
                   "content_hash", *VERSION_FIELDS, "changes", "change_kind", "page_id",
                   "extractor")
_INSERT_VERSION = (f"INSERT INTO versions ({', '.join(VERSION_COLUMNS)}) "
                   f"VALUES ({', '.join(':' + name for name in VERSION_COLUMNS)})")


def _published(conn: sqlite3.Connection, article_id: int) -> str | None:
    """The published date the article's newest version gave."""
    row = conn.execute("SELECT published FROM versions WHERE article_id = ? "
                       "ORDER BY version DESC LIMIT 1", (article_id,)).fetchone()
    return row[0] if row else None


def replan_checks(conn: sqlite3.Connection, schedule: Schedule = DEFAULT_SCHEDULE) -> int:
    """Recompute every pending next check by the schedule, as if made at the last fetch; returns
    how many changed. Archives made when age counted from first seen get their plan by the
    story's age once, instead of a storm of re-checks of old stories."""
    rows = conn.execute(
        """SELECT a.id, a.first_seen, a.last_changed_at, a.next_check_at,
                  COALESCE(a.last_fetched_at, a.last_seen),
                  (SELECT published FROM versions WHERE article_id = a.id
                   ORDER BY version DESC LIMIT 1)
           FROM articles a WHERE a.removed_at IS NULL AND a.next_check_at IS NOT NULL""",
    ).fetchall()
    changed = 0
    for article_id, first_seen, last_changed, planned, fetched, published in rows:
        # The first version was once recorded as a change; the schedule tells them apart.
        replanned = schedule.next_check(fetched, first_seen, last_changed, published)
        if replanned != planned:
            conn.execute("UPDATE articles SET next_check_at = ? WHERE id = ?",
                         (replanned, article_id))
            changed += 1
    return changed


# What a record's write raises when its fields are wrong (a missing key, a value of the wrong
# type, one SQLite cannot bind): the record's own fault, set aside alone; anything else fails
# the whole batch.
BAD_RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError, sqlite3.ProgrammingError)
# The skipped reason of a view whose article is not archived yet, before its text's hash.
VIEW_REASON = "view of "


class Outcome(StrEnum):
    """What saving one fetched article did to the archive."""

    NEW_ARTICLE = "new_article"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    NOT_MODIFIED = "not_modified"  # a 304 answer to a conditional re-check
    REMOVED = "removed"  # a 404 or 410 answer to a re-check
    ALIAS = "alias"  # a print or mobile view, filed as an alias of its article
    VIEW = "view"  # such a view before its article: filed as an alias when the article comes


class Writes(Tables):
    """Articles, aliases, versions and fetches: every write a fetch or a re-extraction makes."""

    def __init__(self, conn: sqlite3.Connection, database: Any, pages: Pages,
                 near: NearDuplicates, path: object) -> None:
        super().__init__(conn, database)
        self.pages = pages
        self.near = near
        self.path = path  # where the archive is, for error messages

    def _moved_article(self, site: str, digest: str) -> dict[str, Any] | None:
        """The article of the same site whose newest text is exactly this: a story whose URL
        changed without a redirect the crawl could follow."""
        # Start from the content-hash index: a lookup by site would walk the whole site.
        return self.one(
            """SELECT a.* FROM versions v INDEXED BY versions_content_hash
               JOIN articles a ON a.id = v.article_id
               WHERE v.content_hash = ? AND a.site = ? AND v.version = (
                   SELECT MAX(version) FROM versions WHERE article_id = a.id)
               ORDER BY a.id LIMIT 1""", (digest, site))

    def save_view(self, item: Mapping[str, Any], seen_at: str | None = None) -> Outcome:
        """File a print or mobile view (noindex, same text) as an alias of its article.

        Matched on the cleaned text: when no article of the site holds it yet, the view is
        remembered among the skipped links until the article is saved.
        """
        digest = content_hash(item)
        seen_at = seen_at or utc_now()
        with self.db.atomic():
            article = self._moved_article(item["site"], digest)
            if article is not None:
                self.conn.execute("INSERT OR IGNORE INTO aliases (url, article_id) VALUES (?, ?)",
                                  (item["url"], article["id"]))
                self.conn.execute("DELETE FROM skipped WHERE url = ?", (item["url"],))
                return Outcome.ALIAS
            self.conn.execute(
                "INSERT INTO skipped (url, reason, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET reason = excluded.reason, "
                "last_seen = excluded.last_seen", (item["url"], VIEW_REASON + digest, seen_at,
                                                   seen_at))
        return Outcome.VIEW

    def save(self, item: Mapping[str, Any], crawl_id: int | None = None,
             schedule: Schedule = DEFAULT_SCHEDULE) -> Outcome:
        """Store one fetched article: a new version only when its content changed.

        Records the fetch and schedules the next check. The whole write is one transaction:
        a process killed at any moment leaves either all of it or none of it.
        """
        outcome = self.save_batch([ready_record(item)], crawl_id, lambda site: schedule)[0]
        assert outcome is not None  # without on_bad, a bad record raises
        return outcome

    def save_batch(self, records: Iterable[ReadyRecord], crawl_id: int | None = None,
                   schedule_for: Callable[[str], Schedule] = lambda site: DEFAULT_SCHEDULE,
                   on_bad: Callable[[int, Exception], None] | None = None,
                   ) -> list[Outcome | None]:
        """Store many ready records in one transaction; each record's outcome, in order.

        A killed process leaves the whole batch or none of it; the full-text and similarity
        indexes are updated in the same transaction. With on_bad, a record whose fields make
        its write fail (BAD_RECORD_ERRORS) is rolled back alone and given to
        on_bad(its index, the error), its outcome None; without it, the batch fails.
        """
        records = list(records)
        try:
            with self.db.atomic():
                before = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM versions"
                                           ).fetchone()[0]
                try:  # the records together, without two savepoint statements per record
                    with self.db.atomic():
                        outcomes, texts = self._save_records(records, crawl_id, schedule_for)
                except BAD_RECORD_ERRORS:
                    if on_bad is None:
                        raise
                    # written again one savepoint each, so that a bad one is rolled back alone
                    outcomes, texts = self._save_records(records, crawl_id, schedule_for,
                                                         on_bad)
                self.near.index_batch(texts)
                self._index_text(before)
                return outcomes
        except sqlite3.OperationalError as error:
            raise ArchiveWriteError(f"cannot write to {self.path}: {error}") from error
        except sqlite3.DatabaseError as error:  # a damaged file: stop before writing more
            raise ArchiveWriteError(f"{self.path} is damaged: {error}") from error

    def _save_records(self, records: list[ReadyRecord], crawl_id: int | None,
                      schedule_for: Callable[[str], Schedule],
                      on_bad: Callable[[int, Exception], None] | None = None,
                      ) -> tuple[list[Outcome | None], list[NewText]]:
        """Write the records in order; with on_bad, each in its own savepoint, a bad one
        rolled back and given to on_bad (its outcome None). Their outcomes, and their new
        texts for the near-duplicate index."""
        outcomes: list[Outcome | None] = []
        texts: list[NewText] = []
        for index, record in enumerate(records):
            try:
                if on_bad is None:
                    outcome, text = self._save(record, crawl_id, schedule_for(record.site))
                else:
                    with self.db.atomic():
                        outcome, text = self._save(record, crawl_id, schedule_for(record.site))
            except BAD_RECORD_ERRORS as error:
                if on_bad is None:
                    raise
                on_bad(index, error)
                outcomes.append(None)
                continue
            outcomes.append(outcome)
            if text is not None:
                texts.append(text)
        return outcomes, texts

    def _index_text(self, before: int) -> None:
        """Put the versions written since version id `before` into the full-text indexes:
        every one into versions_fts, and in latest_fts each article's newest in place of its
        newest before them. Once per batch, after the records' savepoints (see schema V10);
        reading the rows back makes a record rolled back on its own leave no trace."""
        self.conn.execute(
            "INSERT INTO versions_fts (rowid, title, summary, body) "
            "SELECT id, title, summary, body FROM versions WHERE id > ? ORDER BY id", (before,))
        self.conn.execute(
            """INSERT INTO latest_fts (latest_fts, rowid, title, summary, body)
               SELECT 'delete', o.id, o.title, o.summary, o.body FROM versions o
               WHERE o.article_id IN (SELECT article_id FROM versions WHERE id > :before)
               AND o.id <= :before AND o.version = (SELECT MAX(version) FROM versions
                   WHERE article_id = o.article_id AND id <= :before)""", {"before": before})
        self.conn.execute(
            """INSERT INTO latest_fts (rowid, title, summary, body)
               SELECT n.id, n.title, n.summary, n.body FROM versions n
               WHERE n.id > ? AND n.version = (SELECT MAX(version) FROM versions
                   WHERE article_id = n.article_id) ORDER BY n.id""", (before,))

    def _save(self, record: ReadyRecord, crawl_id: int | None, schedule: Schedule,
              ) -> tuple[Outcome, NewText | None]:
        """Write one record (in the caller's transaction); its outcome, and its new text for
        the near-duplicate index, which the batch updates once all its records are written."""
        item = record.item
        url = item["url"]
        urls = [url, *(u for u in item.get("aliases") or () if u != url)]
        fetched_at = item.get("fetched_at") or utc_now()
        digest = record.content_hash
        article = self.article_for(urls) or self._moved_article(item["site"], digest)
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
            newest = self.one(
                "SELECT * FROM versions WHERE article_id = ? ORDER BY version DESC LIMIT 1",
                (article_id,),
            )
        if article is None:  # views of this text seen before it: its aliases now
            views = [row[0] for row in self.conn.execute(
                "SELECT url FROM skipped WHERE reason = ?", (VIEW_REASON + digest,))]
            urls += [v for v in views if v not in urls]
            self.conn.executemany("DELETE FROM skipped WHERE url = ?",
                                  [(v,) for v in views])
        for alias in urls:
            if article is None or alias != article["url"]:
                self.conn.execute(
                    "INSERT OR IGNORE INTO aliases (url, article_id) VALUES (?, ?)",
                    (alias, article_id),
                )
        changed = newest is None or newest["content_hash"] != digest
        version_id = page_id = text = None
        if changed:
            page_id = self.pages.store_page(record.page)
            version_id = self._insert_version(record, article_id, newest, crawl_id,
                                              page_id)
            text = NewText(article_id, version_id, record.signature, fetched_at)
        last_changed = fetched_at if changed else article["last_changed_at"]
        published = item.get("published") or (newest or {}).get("published")
        self.conn.execute(
            """UPDATE articles SET last_seen = ?, last_crawl_id = ?, fetch_url = ?,
               last_fetched_at = ?, last_changed_at = ?, next_check_at = ?, etag = ?,
               last_modified = ?, removed_at = NULL WHERE id = ?""",
            (
                fetched_at, crawl_id, item.get("fetched_url") or url, fetched_at,
                last_changed,
                schedule.next_check(fetched_at, first_seen, last_changed, published),
                item.get("etag"), item.get("last_modified"), article_id,
            ),
        )
        self._record_fetch(article_id, crawl_id, fetched_at,
                           item.get("fetched_url") or url, item.get("status") or 200,
                           version_id, page_id, item.get("headers"))
        # A page the site refused before and now gave: its refusals are over.
        self.conn.execute(f"DELETE FROM refusals WHERE url IN ({marks(urls)}) "
                          "OR article_id = ?", (*urls, article_id))
        if article is None:
            return Outcome.NEW_ARTICLE, text
        return Outcome.NEW_VERSION if changed else Outcome.UNCHANGED, text

    def _insert_version(self, record: ReadyRecord, article_id: int,
                        newest: dict[str, Any] | None, crawl_id: int | None,
                        page_id: int | None) -> int:
        item, digest = record.item, record.content_hash
        if newest is None:
            change = record.first_change
        else:
            earlier = self.all(
                "SELECT version, content_hash FROM versions WHERE article_id = ? AND "
                "version < ? ORDER BY version", (article_id, newest["version"]))
            change = classify(newest, item, earlier, digest)
        cursor = self.conn.execute(_INSERT_VERSION, {
            **column_values(item),
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
        })
        return cursor.lastrowid

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
            article = self.one("SELECT * FROM articles WHERE id = ?", (article_id,))
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
                                         article["last_changed_at"],
                                         _published(self.conn, article_id)), article_id),
                )
                outcome = Outcome.NOT_MODIFIED
                self.conn.execute("DELETE FROM refusals WHERE article_id = ?", (article_id,))
            self._record_fetch(article_id, crawl_id, fetched_at, url, status, None)
        return outcome

    def supersede(self, version_id: int, fields: Mapping[str, Any], extractor: str,
                  replaced_at: str | None = None) -> None:
        """Replace a version's extracted text with a better extraction of the same page.

        The text it had is kept in `superseded`, and the page itself is never touched; the
        item fields not given keep their values.
        """
        kept = ", ".join(VERSION_FIELDS)
        values = column_values(fields, tuple(n for n in VERSION_FIELDS if n in fields))
        assignments = "".join(f"{name} = :{name}, " for name in values)
        with self.db.atomic():
            before = self.one(f"SELECT {kept} FROM versions WHERE id = ?", (version_id,)) or {}
            self.conn.execute(
                f"""INSERT INTO superseded (version_id, replaced_at, extractor, content_hash,
                    {kept}) SELECT id, ?, extractor, content_hash, {kept} FROM versions
                    WHERE id = ?""",
                (replaced_at or utc_now(), version_id),
            )
            self.conn.execute(
                f"UPDATE versions SET {assignments}content_hash = :content_hash, "
                "extractor = :extractor WHERE id = :id",
                {**values, "content_hash": content_hash({**before, **fields}),
                 "extractor": extractor, "id": version_id},
            )
            newest = self.one(
                """SELECT article_id FROM versions v WHERE id = ? AND version =
                   (SELECT max(version) FROM versions WHERE article_id = v.article_id)""",
                (version_id,))
            if newest:  # the near-duplicate index follows each article's newest text
                self.near.index(newest["article_id"], version_id, fields.get("body") or "",
                                replaced_at or utc_now())
