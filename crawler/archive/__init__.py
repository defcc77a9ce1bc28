"""The archive: schema, versioned storage, history, diffs and search over one SQLite file."""

from crawler.archive.errors import (
    ArchiveError,
    ArchiveNotFound,
    ArchiveWriteError,
    ArticleNotFound,
    VersionNotFound,
)
from crawler.archive.store import Archive
from crawler.archive.tables import utc_now
from crawler.archive.writes import Outcome

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveNotFound",
    "ArchiveWriteError",
    "ArticleNotFound",
    "Outcome",
    "VersionNotFound",
    "utc_now",
]
