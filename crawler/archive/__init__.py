"""The archive: schema, versioned storage, history, diffs and search over one SQLite file."""

from crawler.archive.store import (
    Archive,
    ArchiveError,
    ArchiveNotFound,
    ArchiveWriteError,
    ArticleNotFound,
    Outcome,
    VersionNotFound,
    crawl_counts,
    error_count,
    utc_now,
)

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveNotFound",
    "ArchiveWriteError",
    "ArticleNotFound",
    "Outcome",
    "VersionNotFound",
    "crawl_counts",
    "error_count",
    "utc_now",
]
