"""Page storage: each fetched page kept once, compressed, behind the versions and fetches."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from crawler.archive.errors import ArchiveError
from crawler.archive.tables import Tables
from crawler.items import VERSION_FIELDS

if TYPE_CHECKING:
    from crawler.archive.records import StoredPage

PAGE_COMPRESSION = 4  # zlib level of stored pages: ~0.2 of the HTML's size, 60% of level 6's time


class Pages(Tables):
    """The pages table, and the versions and fetches whose page it keeps."""

    def store_page(self, page: StoredPage | None) -> int | None:
        """Keep a compressed page once; returns its id (None for no page)."""
        if page is None:
            return None
        row = self.conn.execute("SELECT id FROM pages WHERE hash = ?", (page.hash,)).fetchone()
        if row:
            return row[0]
        cursor = self.conn.execute(
            "INSERT INTO pages (hash, size, encoding, content) VALUES (?, ?, ?, ?)",
            (page.hash, page.size, page.encoding, page.compressed),
        )
        return cursor.lastrowid

    def page(self, page_id: int) -> tuple[bytes, str | None]:
        """A stored page's raw bytes and the encoding it was read with."""
        row = self.conn.execute("SELECT content, encoding FROM pages WHERE id = ?",
                                (page_id,)).fetchone()
        if row is None:
            raise ArchiveError(f"no page {page_id} in the archive")
        return zlib.decompress(row[0]), row[1]

    def versions_with_pages(self) -> Iterator[dict[str, Any]]:
        """Every version whose fetched page is kept, with its article's URL, the profile it was
        extracted with and the encoding its page was read with, streamed."""
        fields = ", ".join(f"v.{name}" for name in VERSION_FIELDS)
        return self.stream(
            f"""SELECT v.id, v.article_id, v.version, a.url, v.fetched_url, v.page_id,
                       v.extractor, v.content_hash, {fields}, p.encoding
                FROM versions v JOIN articles a ON a.id = v.article_id
                JOIN pages p ON p.id = v.page_id ORDER BY v.id""")
