"""The near-duplicate index: each article's newest signature, its band keys and its pairs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crawler.archive.tables import Tables

# The MinHash code (crawler.archive.similar) needs numpy: it is imported where a text is
# indexed, so a read-only command that never indexes starts in a third of the time.

SIMILAR_THRESHOLD = 0.5  # estimated Jaccard of word shingles above which texts are one story


@lru_cache(maxsize=4)
def _candidates_sql(band_count: int, per_band: int) -> str:
    """The signatures of the newest `per_band` articles in each of `band_count` band buckets."""
    newest = ("SELECT article_id FROM (SELECT article_id FROM similarity_bands WHERE band = ? "
              f"ORDER BY article_id DESC LIMIT {int(per_band)})")
    return ("SELECT article_id, signature FROM signatures WHERE article_id IN ("
            + " UNION ALL ".join([newest] * band_count) + ")")


class NearDuplicates(Tables):
    """The signatures, similarity_bands and similar tables."""

    def index(self, article_id: int, version_id: int, body: str, found_at: str,
              sig: bytes | None = None) -> None:
        """Index an article's newest text (its signature, when worked out already) and link it
        to the articles it nearly duplicates."""
        from crawler.archive.similar import BAND_CANDIDATES, bands, signature, similarities

        sig = signature(body) if sig is None else sig
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

    def similar(self, article_id: int, threshold: float = SIMILAR_THRESHOLD,
                ) -> list[dict[str, Any]]:
        """Articles whose newest text nearly duplicates this article's, most similar first."""
        return self.all(
            """SELECT a.url, a.site, l.title, l.published, s.similarity
               FROM similar s JOIN articles a ON a.id = s.other_id
               JOIN latest l ON l.article_id = a.id
               WHERE s.article_id = ? AND s.similarity >= ?
               ORDER BY s.similarity DESC, a.url""", (article_id, threshold))
