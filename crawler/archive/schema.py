"""The archive's schema, built by numbered migrations recorded in PRAGMA user_version."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

logger = logging.getLogger(__name__)

V1 = """
CREATE TABLE crawls (
    id INTEGER PRIMARY KEY,
    spider TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    start_urls TEXT NOT NULL DEFAULT '[]',
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    versions_new INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    stats TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    first_crawl_id INTEGER REFERENCES crawls(id),
    last_crawl_id INTEGER REFERENCES crawls(id)
);
CREATE INDEX articles_site ON articles(site);
CREATE TABLE aliases (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id)
) WITHOUT ROWID;
CREATE INDEX aliases_article ON aliases(article_id);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    crawl_id INTEGER REFERENCES crawls(id),
    fetched_at TEXT NOT NULL,
    fetched_url TEXT,
    status INTEGER,
    content_hash TEXT NOT NULL,
    title TEXT,
    summary TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    published TEXT,
    modified TEXT,
    section TEXT,
    body TEXT NOT NULL DEFAULT '',
    lang TEXT,
    changes TEXT NOT NULL DEFAULT '{}',
    UNIQUE (article_id, version)
);
CREATE INDEX versions_crawl ON versions(crawl_id);
CREATE INDEX versions_fetched_at ON versions(fetched_at);
CREATE VIEW latest AS
SELECT
    a.id AS article_id, a.url, a.site, a.first_seen, a.last_seen,
    v.id AS version_id, v.version, v.fetched_at, v.content_hash, v.title, v.summary, v.authors,
    v.published, v.modified, v.section, v.body, v.lang
FROM articles a
JOIN versions v ON v.article_id = a.id
WHERE v.version = (SELECT MAX(version) FROM versions WHERE article_id = a.id);
-- Full-text index named and triggered the sqlite-utils way, so its tools and Datasette find it.
CREATE VIRTUAL TABLE [versions_fts] USING FTS5 (
    [title], [summary], [body], tokenize='porter unicode61', content=[versions]
);
CREATE TRIGGER [versions_ai] AFTER INSERT ON [versions] BEGIN
    INSERT INTO [versions_fts] (rowid, [title], [summary], [body])
    VALUES (new.rowid, new.[title], new.[summary], new.[body]);
END;
CREATE TRIGGER [versions_ad] AFTER DELETE ON [versions] BEGIN
    INSERT INTO [versions_fts] ([versions_fts], rowid, [title], [summary], [body])
    VALUES ('delete', old.rowid, old.[title], old.[summary], old.[body]);
END;
CREATE TRIGGER [versions_au] AFTER UPDATE ON [versions] BEGIN
    INSERT INTO [versions_fts] ([versions_fts], rowid, [title], [summary], [body])
    VALUES ('delete', old.rowid, old.[title], old.[summary], old.[body]);
    INSERT INTO [versions_fts] (rowid, [title], [summary], [body])
    VALUES (new.rowid, new.[title], new.[summary], new.[body]);
END;
"""


V2 = """
ALTER TABLE articles ADD COLUMN fetch_url TEXT;
ALTER TABLE articles ADD COLUMN last_fetched_at TEXT;
ALTER TABLE articles ADD COLUMN last_changed_at TEXT;
ALTER TABLE articles ADD COLUMN next_check_at TEXT;
ALTER TABLE articles ADD COLUMN etag TEXT;
ALTER TABLE articles ADD COLUMN last_modified TEXT;
ALTER TABLE articles ADD COLUMN removed_at TEXT;
UPDATE articles SET
    fetch_url = url,
    last_fetched_at = last_seen,
    last_changed_at = (SELECT MAX(fetched_at) FROM versions WHERE article_id = articles.id),
    next_check_at = last_seen;
CREATE INDEX articles_due ON articles(next_check_at) WHERE removed_at IS NULL;
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    crawl_id INTEGER REFERENCES crawls(id),
    fetched_at TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    changed INTEGER NOT NULL DEFAULT 0,
    version_id INTEGER REFERENCES versions(id)
);
INSERT INTO fetches (article_id, crawl_id, fetched_at, url, status, changed, version_id)
SELECT article_id, crawl_id, fetched_at, COALESCE(fetched_url, ''), COALESCE(status, 200), 1, id
FROM versions ORDER BY id;
CREATE INDEX fetches_article ON fetches(article_id, fetched_at);
CREATE INDEX fetches_crawl ON fetches(crawl_id);
DROP VIEW latest;
CREATE VIEW latest AS
SELECT
    a.id AS article_id, a.url, a.site, a.first_seen, a.last_seen, a.last_changed_at,
    a.removed_at, v.id AS version_id, v.version, v.fetched_at, v.content_hash, v.title, v.summary,
    v.authors, v.published, v.modified, v.section, v.body, v.lang
FROM articles a
JOIN versions v ON v.article_id = a.id
WHERE v.version = (SELECT MAX(version) FROM versions WHERE article_id = a.id);
"""


V3 = """
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    encoding TEXT,
    content BLOB NOT NULL
);
ALTER TABLE versions ADD COLUMN page_id INTEGER REFERENCES pages(id);
ALTER TABLE versions ADD COLUMN extractor TEXT;
ALTER TABLE fetches ADD COLUMN page_id INTEGER REFERENCES pages(id);
ALTER TABLE fetches ADD COLUMN headers TEXT;
CREATE TABLE superseded (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    replaced_at TEXT NOT NULL,
    extractor TEXT,
    content_hash TEXT NOT NULL,
    title TEXT,
    summary TEXT,
    authors TEXT,
    published TEXT,
    modified TEXT,
    section TEXT,
    body TEXT
);
CREATE INDEX superseded_version ON superseded(version_id);
"""


V4 = """
CREATE INDEX versions_content_hash ON versions(content_hash);
ALTER TABLE versions ADD COLUMN change_kind TEXT;
CREATE INDEX versions_change_kind ON versions(change_kind);
CREATE TABLE signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    version_id INTEGER NOT NULL REFERENCES versions(id),
    signature BLOB NOT NULL
);
CREATE TABLE similarity_bands (
    band INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE INDEX similarity_bands_article ON similarity_bands(article_id);
CREATE TABLE skipped (
    url TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE similar (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    other_id INTEGER NOT NULL REFERENCES articles(id),
    similarity REAL NOT NULL,
    found_at TEXT NOT NULL,
    PRIMARY KEY (article_id, other_id)
) WITHOUT ROWID;
"""


# A second full-text index holding each article's newest version only, the one search reads by
# default: a third of versions_fts's rows, none of which has to be checked for being the newest.
# Triggers keep it so however versions are written, rewritten or removed.
V5 = """
CREATE VIRTUAL TABLE [latest_fts] USING FTS5 (
    [title], [summary], [body], tokenize='porter unicode61', content=[versions]
);
INSERT INTO [latest_fts] (rowid, [title], [summary], [body])
SELECT v.id, v.title, v.summary, v.body FROM versions v
WHERE v.version = (SELECT MAX(version) FROM versions WHERE article_id = v.article_id);
CREATE TRIGGER [versions_latest_ai] AFTER INSERT ON [versions]
WHEN NOT EXISTS (SELECT 1 FROM versions WHERE article_id = new.article_id
                 AND version > new.version)
BEGIN
    INSERT INTO [latest_fts] ([latest_fts], rowid, [title], [summary], [body])
    SELECT 'delete', id, title, summary, body FROM versions
    WHERE article_id = new.article_id AND version < new.version
    ORDER BY version DESC LIMIT 1;
    INSERT INTO [latest_fts] (rowid, [title], [summary], [body])
    VALUES (new.id, new.title, new.summary, new.body);
END;
CREATE TRIGGER [versions_latest_au] AFTER UPDATE OF title, summary, body ON [versions]
WHEN NOT EXISTS (SELECT 1 FROM versions WHERE article_id = old.article_id
                 AND version > old.version)
BEGIN
    INSERT INTO [latest_fts] ([latest_fts], rowid, [title], [summary], [body])
    VALUES ('delete', old.id, old.title, old.summary, old.body);
    INSERT INTO [latest_fts] (rowid, [title], [summary], [body])
    VALUES (new.id, new.title, new.summary, new.body);
END;
CREATE TRIGGER [versions_latest_ad] AFTER DELETE ON [versions]
WHEN NOT EXISTS (SELECT 1 FROM versions WHERE article_id = old.article_id
                 AND version > old.version)
BEGIN
    INSERT INTO [latest_fts] ([latest_fts], rowid, [title], [summary], [body])
    VALUES ('delete', old.id, old.title, old.summary, old.body);
    INSERT INTO [latest_fts] (rowid, [title], [summary], [body])
    SELECT id, title, summary, body FROM versions WHERE article_id = old.article_id
    ORDER BY version DESC LIMIT 1;
END;
"""


def run_script(db: Database, script: str) -> None:
    """Run SQL statements one by one, inside the caller's transaction (executescript commits)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


def _v1(db: Database) -> None:
    run_script(db, V1)


# Each migration takes the schema from its index to its index + 1; never edit a shipped one.
def _v2(db: Database) -> None:
    """Fetch records, HTTP validators, the revisit schedule and removals."""
    run_script(db, V2)


def _v3(db: Database) -> None:
    """Raw pages behind versions, compressed and deduplicated; re-extraction history."""
    run_script(db, V3)


def _v4(db: Database) -> None:
    """Change kinds per version; MinHash signatures and LSH bands for near-duplicates."""
    run_script(db, V4)


def _v5(db: Database) -> None:
    """A full-text index of newest versions only, for search that stays fast at scale."""
    run_script(db, V5)


# Tables of distributed crawls, which `crawler ingest` keeps. Archives it had already opened
# have them (it used to create them itself), hence IF NOT EXISTS.
V6 = """
CREATE TABLE IF NOT EXISTS distributed_applied (
    stream TEXT NOT NULL, entry_id TEXT NOT NULL, PRIMARY KEY (stream, entry_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS distributed_runs (
    run TEXT PRIMARY KEY, crawl_id INTEGER REFERENCES crawls(id), config TEXT,
    workers TEXT NOT NULL DEFAULT '{}', stats TEXT NOT NULL DEFAULT '{}',
    counts TEXT NOT NULL DEFAULT '{}'
);
"""


V7 = """
ALTER TABLE versions ADD COLUMN profile TEXT;
ALTER TABLE superseded ADD COLUMN lang TEXT;
ALTER TABLE superseded ADD COLUMN profile TEXT;
"""


def _v6(db: Database) -> None:
    """The distributed runs an ingester applied, and the stream entries it has applied."""
    run_script(db, V6)


def _v7(db: Database) -> None:
    """The site profile each version was extracted with; superseded keeps every item field."""
    run_script(db, V7)


# Pages a site refused for now (401, 403, 451, repeated timeouts), retried on a backoff.
V8 = """
CREATE TABLE IF NOT EXISTS refusals (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    article_id INTEGER REFERENCES articles(id),
    reason TEXT NOT NULL,
    first_refused TEXT NOT NULL,
    last_refused TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    retry_at TEXT,
    gave_up_at TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refusals_due ON refusals(retry_at) WHERE retry_at IS NOT NULL;
"""

# What the crawl learned of each site from its pages (crawler.extraction.site.SiteModel):
# model is its JSON (recurring line shapes, title affixes, date order), small and bounded.
V9 = """
CREATE TABLE IF NOT EXISTS site_models (
    site TEXT PRIMARY KEY,
    pages INTEGER NOT NULL DEFAULT 0,
    model TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
"""


# New versions reach the full-text indexes once per write batch (Writes.save_batch), not by a
# trigger per row: FTS5 flushes its pending terms to a new segment at every savepoint, and a
# batch holds a savepoint per record, so per-row triggers wrote (and merged) one segment per
# version. The update and delete triggers stay: rewrites and removals are rare and single.
V10 = """
DROP TRIGGER IF EXISTS [versions_ai];
DROP TRIGGER IF EXISTS [versions_latest_ai];
"""


# Indexes for the lookups every article write makes whose cost grew with the archive: the
# views of a text waiting for it (skipped by reason), the pairs naming an article as the
# other one (similar by other_id) and an article's refusals (by article_id). Each was a scan
# of its whole table per saved article: with 100,000 skipped links a save took 4x as long.
V11 = """
CREATE INDEX IF NOT EXISTS skipped_reason ON skipped(reason);
CREATE INDEX IF NOT EXISTS similar_other ON similar(other_id);
CREATE INDEX IF NOT EXISTS refusals_article ON refusals(article_id) WHERE article_id IS NOT NULL;
"""


def _v8(db: Database) -> None:
    """Next checks planned by the story's own age (from its published date), not first seen;
    refused pages retried on a backoff."""
    from crawler.archive.writes import replan_checks

    replan_checks(db.conn)
    run_script(db, V8)


def _v9(db: Database) -> None:
    """Each site's learned model: its template lines, title affixes and date order."""
    run_script(db, V9)


def _v10(db: Database) -> None:
    """Full-text rows of new versions written per batch by the archive, not per row."""
    run_script(db, V10)


def _v11(db: Database) -> None:
    """Indexes so that saving an article never scans the skipped, similar or refusals table."""
    run_script(db, V11)


MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9,
                                                _v10, _v11]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database | sqlite3.Connection) -> int:
    """The schema version recorded in the database file."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def backup(path: Path, version: int) -> Path:
    """Copy the archive (consistently, through SQLite) before a migration changes it."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target


def migrate(db: Database, path: Path | None = None) -> int:
    """Bring the schema up to date, one atomic step per migration; returns the new version."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"archive schema version {current} is newer than this crawler's ({SCHEMA_VERSION})"
        )
    if current and current < SCHEMA_VERSION and path is not None:
        saved = backup(path, current)
        logger.info("Archive schema %s -> %s; backup at %s", current, SCHEMA_VERSION, saved)
    for number in range(current, SCHEMA_VERSION):
        with db.atomic():
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
    return SCHEMA_VERSION
