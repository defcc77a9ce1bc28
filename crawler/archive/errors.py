"""The archive's exceptions: each says in one line what it cannot do."""

from __future__ import annotations


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
