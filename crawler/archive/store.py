"""The Archive: one SQLite file of articles, their versions and the crawls that fetched them.

`Archive` is the one door to the file. Each job is done by one part behind it: `writes`
(saving and versioning), `reads` (articles, versions, diffs, search, export), `revisits`
(the crawl's questions before it fetches), `neardup` (the near-duplicate index), `pages`
(page storage) and `ledger` (crawls and distributed runs).
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote

from crawler.archive import exports
from crawler.archive.errors import (
    ArchiveError,
    ArchiveNotFound,
    ArchiveWriteError,
    ArticleNotFound,
    VersionNotFound,
)
from crawler.archive.ledger import Ledger
from crawler.archive.neardup import SIMILAR_THRESHOLD, NearDuplicates
from crawler.archive.pages import PAGE_COMPRESSION, Pages
from crawler.archive.reads import Reads
from crawler.archive.records import ReadyRecord
from crawler.archive.revisits import Revisits
from crawler.archive.schedule import DEFAULT_BACKOFF_PLAN, DEFAULT_SCHEDULE, Backoff, Schedule
from crawler.archive.schema import SCHEMA_VERSION, migrate, schema_version
from crawler.archive.sites import SiteModels
from crawler.archive.tables import utc_now
from crawler.archive.writes import GONE_STATUSES, VERSION_COLUMNS, Outcome, Writes

if TYPE_CHECKING:
    from sqlite_utils import Database

# sqlite-utils (which imports numpy), the similarity index (numpy) and URL canonicalisation
# (w3lib) are imported where they are used: a read-only command that needs none of them
# starts in a third of the time.

BUSY_TIMEOUT_MS = 15000  # how long a writer or reader waits for the other before giving up
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite file

__all__ = [
    "GONE_STATUSES", "PAGE_COMPRESSION", "SIMILAR_THRESHOLD", "VERSION_COLUMNS", "Archive",
    "ArchiveError", "ArchiveNotFound", "ArchiveWriteError", "ArticleNotFound", "Outcome",
    "VersionNotFound", "check_file", "utc_now",
]


def check_file(path: Path) -> None:
    """Refuse a file that is not whole SQLite (another kind of file, or one cut short)
    before anything reads or writes it; an empty or missing file is a new archive."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
            size = os.fstat(file.fileno()).st_size
    except FileNotFoundError:
        return
    if not header:
        return
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise ArchiveError(f"{path} is not a news archive (not an SQLite database)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only kept up to date by SQLite 3.7+, which marks it valid this way.
    counted = header[24:28] == header[92:96]
    if counted and size < pages * page_size:
        raise ArchiveError(f"{path} is damaged: cut short at {size} of "
                           f"{pages * page_size} bytes")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection; one that writes nothing at all (no WAL index) when the folder
    cannot be written to, as on a shared drive or a published copy."""
    uri = f"file:{quote(str(path.resolve()))}"
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if os.access(path.parent, os.W_OK):
            raise
    # immutable: SQLite takes no locks and makes no -shm file; nobody writes here anyway
    return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def _sqlite_error(path: Path, error: sqlite3.DatabaseError) -> ArchiveError:
    """An SQLite failure met while using the archive, as the archive's one-line error."""
    if isinstance(error, sqlite3.OperationalError):
        return ArchiveError(f"cannot use {path}: {error}")
    return ArchiveError(f"{path} is damaged: {error}")


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Make the SQLite errors of a method, or of the rows it streams, ArchiveErrors."""

    @functools.wraps(method)
    def guarded(self: Archive, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            raise _sqlite_error(self.path, error) from error
        return self._guarded_rows(result) if isinstance(result, Iterator) else result

    return guarded


class Archive:
    """Reads and writes the archive; open it with `Archive.open(path)`.

    Any SQLite error behind a method (a damaged file, a failing disk) comes out as an
    ArchiveError.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool,
                 db: Database | None = None) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._db = db
        parts = (conn, self._database)
        self._ledger = Ledger(*parts)
        self._reads = Reads(*parts)
        self._revisits = Revisits(*parts)
        self._near = NearDuplicates(*parts)
        self._pages = Pages(*parts)
        self._sites = SiteModels(*parts)
        self._writes = Writes(*parts, self._pages, self._near, path)

    def _database(self) -> Database:
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils Database: its writes and transactions."""
        return self._database()

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False, cache_kib: int | None = None,
             ) -> Archive:
        """Open (creating and migrating unless read-only) the archive at path; with cache_kib,
        SQLite keeps up to that many KiB of its pages in memory (2 MiB by default)."""
        path = Path(path)
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                if not path.is_file():
                    raise ArchiveNotFound(f"no archive at {path}")
                check_file(path)
                conn = _connect_readonly(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                check_file(path)
                conn = sqlite3.connect(path)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if cache_kib:
                conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
            version = schema_version(conn)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # a readable schema
            db = None
            if readonly:
                if version == 0:
                    raise ArchiveError(f"{path} is not a news archive")
                if version < SCHEMA_VERSION:
                    raise ArchiveError(
                        f"{path} has schema version {version}; run a crawl on it to migrate"
                    )
            else:
                if version:  # refuse a damaged archive before writing anything to it
                    problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                    if problem != "ok":
                        raise ArchiveError(f"{path} is damaged: {problem}")
                from sqlite_utils import Database

                db = Database(conn, execute_plugins=False)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(db, path)
        except BaseException as error:
            if conn is not None:
                conn.close()
            if isinstance(error, (sqlite3.DatabaseError, OSError)):
                raise ArchiveError(f"cannot open archive {path}: {error}") from error
            raise
        return cls(conn, path, readonly, db)

    def _guarded_rows(self, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        try:
            yield from rows
        except sqlite3.DatabaseError as error:
            raise _sqlite_error(self.path, error) from error

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The crawl ledger

    @_guarded
    def start_crawl(self, spider: str, start_urls: list[str], started_at: str | None = None) -> int:
        """Record a crawl as running; returns its id."""
        return self._ledger.start_crawl(spider, start_urls, started_at)

    @_guarded
    def finish_crawl(self, crawl_id: int, status: str, counts: Mapping[str, int],
                     stats: Mapping[str, Any], finished_at: str | None = None) -> None:
        """Record how a crawl ended, its counts and its full stats."""
        self._ledger.finish_crawl(crawl_id, status, counts, stats, finished_at)

    @_guarded
    def crawls(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent crawls, newest first."""
        return self._ledger.crawls(limit)

    @_guarded
    def close_stale_crawls(self, current: int | None = None) -> int:
        """Mark crawls still 'running' (their process was killed) as 'killed'."""
        return self._ledger.close_stale_crawls(current)

    @_guarded
    def applied_entries(self, stream: str, ids: Iterable[str]) -> set[str]:
        """The ones among these stream entries already applied and not yet forgotten."""
        return self._ledger.applied_entries(stream, ids)

    @_guarded
    def mark_applied(self, stream: str, entry_id: str) -> None:
        """Remember that a stream entry has been applied."""
        self._ledger.mark_applied(stream, entry_id)

    @_guarded
    def forget_applied(self, stream: str, ids: Iterable[str]) -> None:
        """Drop the applied marks of entries the stream will never deliver again."""
        self._ledger.forget_applied(stream, ids)

    @_guarded
    def distributed_run(self, run: str) -> dict[str, Any] | None:
        """A distributed run's crawl, configuration, workers, stats and counts."""
        return self._ledger.distributed_run(run)

    @_guarded
    def add_distributed_run(self, run: str, crawl_id: int, config: str | None) -> None:
        """Record a distributed run as the crawl it is, with its configuration (JSON text)."""
        self._ledger.add_distributed_run(run, crawl_id, config)

    @_guarded
    def update_distributed_run(self, run: str, workers: Mapping[str, str],
                               stats: Mapping[str, Any], counts: Mapping[str, int]) -> None:
        """Keep a distributed run's workers, summed stats and archive outcomes."""
        self._ledger.update_distributed_run(run, workers, stats, counts)

    # Writing

    @_guarded
    def save(self, item: Mapping[str, Any], crawl_id: int | None = None,
             schedule: Schedule = DEFAULT_SCHEDULE) -> Outcome:
        """Store one fetched article: a new version only when its content changed."""
        return self._writes.save(item, crawl_id, schedule)

    @_guarded
    def save_view(self, item: Mapping[str, Any], seen_at: str | None = None) -> Outcome:
        """File a print or mobile view as an alias of the article with its text."""
        return self._writes.save_view(item, seen_at)

    @_guarded
    def save_batch(self, records: Iterable[ReadyRecord], crawl_id: int | None = None,
                   schedule_for: Callable[[str], Schedule] = lambda site: DEFAULT_SCHEDULE,
                   on_bad: Callable[[int, Exception], None] | None = None,
                   ) -> list[Outcome | None]:
        """Store many ready records (`records.ready_record`) in one transaction; with on_bad,
        a record with wrong fields is set aside alone (`Writes.save_batch`)."""
        return self._writes.save_batch(records, crawl_id, schedule_for, on_bad)

    @_guarded
    def record_check(self, article_id: int, status: int, url: str, crawl_id: int | None = None,
                     fetched_at: str | None = None, schedule: Schedule = DEFAULT_SCHEDULE,
                     final_url: str | None = None) -> Outcome:
        """Record a re-check that brought no page to extract: 304, or 404/410 (removed)."""
        return self._writes.record_check(article_id, status, url, crawl_id, fetched_at,
                                         schedule, final_url)

    @_guarded
    def supersede(self, version_id: int, fields: Mapping[str, Any], extractor: str,
                  replaced_at: str | None = None) -> None:
        """Replace a version's extracted text with a better extraction of the same page."""
        self._writes.supersede(version_id, fields, extractor, replaced_at)

    # Site models

    @_guarded
    def site_model(self, site: str) -> dict[str, Any] | None:
        """The learned model of a site as plain values, or None."""
        return self._sites.site_model(site)

    @_guarded
    def site_models(self) -> list[dict[str, Any]]:
        """Every site's learned model, by site."""
        return self._sites.site_models()

    @_guarded
    def save_site_model(self, site: str, model: Mapping[str, Any],
                        updated_at: str | None = None) -> None:
        """Store a site's learned model in place of the one before."""
        self._sites.save_site_model(site, model, updated_at)

    # Before a crawl fetches

    @_guarded
    def due(self, sites: Iterable[str], now: str, every: bool = False, changed_since: str = "",
            ) -> Iterator[dict[str, Any]]:
        """Articles of these sites whose next check is due (or all of them), most overdue first."""
        return self._revisits.due(sites, now, every, changed_since)

    @_guarded
    def record_skip(self, url: str, reason: str, seen_at: str | None = None) -> None:
        """Remember a link that looked like an article but is none to fetch or archive."""
        self._revisits.record_skip(url, reason, seen_at)

    @_guarded
    def record_refusal(self, url: str, site: str, reason: str, at: str | None = None,
                       article_id: int | None = None, backoff: Backoff = DEFAULT_BACKOFF_PLAN,
                       ) -> str:
        """Remember a page the site refused for now, to retry on the backoff (or give up)."""
        return self._revisits.record_refusal(url, site, reason, at, article_id, backoff)

    @_guarded
    def due_refusals(self, sites: Iterable[str], now: str) -> Iterator[dict[str, Any]]:
        """Links never archived that the site refused, whose retry is due."""
        return self._revisits.due_refusals(sites, now)

    @_guarded
    def known(self, urls: Iterable[str], before: str = "9999") -> set[str]:
        """The ones among these canonical URLs that name an article, or a skipped link."""
        return self._revisits.known(urls, before)

    @_guarded
    def fetch_states(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """For the ones among these canonical URLs that are archived: their fetch state."""
        return self._revisits.fetch_states(urls)

    @_guarded
    def known_states(self, sites: Iterable[str], before: str = "9999",
                     ) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """Every URL `known` and `fetch_states` answer for, with its fetch state (None for a
        skipped link), for `crawler seed --db`."""
        return self._revisits.known_states(sites, before)

    @_guarded
    def sites(self, finished: bool = False) -> set[str]:
        """Every site the archive holds articles of (or only those a finished crawl covered)."""
        return self._revisits.sites(finished)

    # Reading

    @_guarded
    def article(self, url: str) -> dict[str, Any]:
        """The article a URL names, however it was written (tracking parameters, AMP ...)."""
        return self._reads.article(url)

    @_guarded
    def versions(self, article_id: int) -> list[dict[str, Any]]:
        """Every version of an article, oldest first, with authors and changes decoded."""
        return self._reads.versions(article_id)

    @_guarded
    def diff(self, url: str, from_version: int | None = None, to_version: int | None = None,
             style: str = "unified") -> str:
        """Diff of an article between two versions (default: the last two)."""
        return self._reads.diff(url, from_version, to_version, style)

    @_guarded
    def search(self, query: str, limit: int = 20, site: str | None = None,
               all_versions: bool = False, section: str | None = None,
               since: str | None = None, until: str | None = None, rank: bool = False,
               ) -> list[dict[str, Any]]:
        """Full-text search (FTS5 syntax) over articles' newest versions, or every version."""
        return self._reads.search(query, limit, site, all_versions, section, since, until, rank)

    @_guarded
    def export_rows(self, all_versions: bool = False) -> Iterator[dict[str, Any]]:
        """Latest versions (or every version) joined with their article, streamed."""
        return exports.export_rows(self.conn, all_versions)

    @_guarded
    def counts(self) -> dict[str, int]:
        """How many articles, versions and crawls the archive holds."""
        return self._reads.counts()

    @_guarded
    def similar(self, url: str, threshold: float = SIMILAR_THRESHOLD) -> list[dict[str, Any]]:
        """Articles whose newest text nearly duplicates this one's, most similar first."""
        return self._near.similar(self.article(url)["id"], threshold)

    # Pages

    @_guarded
    def page(self, page_id: int) -> tuple[bytes, str | None]:
        """A stored page's raw bytes and the encoding it was read with."""
        return self._pages.page(page_id)

    @_guarded
    def versions_with_pages(self) -> Iterator[dict[str, Any]]:
        """Every version whose page is kept, with its profile and its page's encoding."""
        return self._pages.versions_with_pages()

    @_guarded
    def write_warc(self, out: BinaryIO, gzip: bool, software: str) -> dict[str, int]:
        """The crawl's fetches as WARC records; how many of each kind were written."""
        return exports.write_warc(self.conn, out, gzip, software)
