"""What one crawl has seen, kept on disk: a crawl's memory stays flat however large the site.

A crawl remembers every URL it requested, every story a listing chain showed and every item
it passed on. As Python sets these grow with the site (about 150 bytes an entry); here they
live in a private temporary SQLite database that SQLite deletes when the crawl closes it, with
a small page cache in front, so memory stays bounded while lookups stay in microseconds.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable

# Pages of the temporary database kept in memory (negative: KiB), per SeenSet.
CACHE_KIB = 2048


def _key(value: str | bytes) -> bytes:
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
    return hashlib.blake2b(data, digest_size=16).digest()


class SeenSet:
    """A set of strings (or bytes) in a private temporary database: add, contains, update."""

    def __init__(self) -> None:
        # An empty file name: SQLite's private on-disk database, deleted when closed.
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.db.executescript(
            f"""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -{CACHE_KIB};
            CREATE TABLE seen (key BLOB PRIMARY KEY) WITHOUT ROWID;
            """
        )
        self.count = 0

    def __contains__(self, value: str | bytes) -> bool:
        return self.db.execute("SELECT 1 FROM seen WHERE key = ?", (_key(value),)).fetchone() \
            is not None

    def __len__(self) -> int:
        return self.count

    def add(self, value: str | bytes) -> bool:
        """Remember a value; True when it was not seen before."""
        added = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (_key(value),)).rowcount
        self.count += added
        return added > 0

    def update(self, values: Iterable[str | bytes]) -> None:
        """Remember every value."""
        cursor = self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?)",
                                     ((_key(v),) for v in values))
        self.count += max(cursor.rowcount, 0)

    def seen(self, values: Iterable[str | bytes]) -> set[str | bytes]:
        """Those of the values already seen, in one query per 500."""
        values = list(values)
        found: set[str | bytes] = set()
        for start in range(0, len(values), 500):
            batch = {_key(v): v for v in values[start:start + 500]}
            marks = ",".join("?" * len(batch))
            rows = self.db.execute(f"SELECT key FROM seen WHERE key IN ({marks})", list(batch))
            found.update(batch[key] for (key,) in rows)
        return found

    def close(self) -> None:
        """Drop the temporary database."""
        self.db.close()
