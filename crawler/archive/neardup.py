"""The near-duplicate index: each article's newest signature, its band keys and its pairs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from crawler.archive.tables import Tables

# The MinHash code (crawler.archive.similar) needs numpy: it is imported where a text is
# indexed, so a read-only command that never indexes starts in a third of the time.

SIMILAR_THRESHOLD = 0.5  # estimated Jaccard of word shingles above which texts are one story


# The newest `per` articles of each of the given band buckets, leaving out the given articles
# (a batch's own, whose buckets the batch works out itself): one query for a whole batch.
_BUCKETS_SQL = """
SELECT band, article_id FROM (
    SELECT band, article_id,
           row_number() OVER (PARTITION BY band ORDER BY article_id DESC) AS n
    FROM similarity_bands
    WHERE band IN (SELECT value FROM json_each(:keys))
      AND article_id NOT IN (SELECT value FROM json_each(:ids)))
WHERE n <= :per"""
_SIGNATURES_SQL = ("SELECT article_id, signature FROM signatures "
                   "WHERE article_id IN (SELECT value FROM json_each(?))")


class NewText(NamedTuple):
    """An article's newest text to index: its version, signature (b"" for none) and when."""

    article_id: int
    version_id: int
    signature: bytes
    found_at: str


class NearDuplicates(Tables):
    """The signatures, similarity_bands and similar tables."""

    def index(self, article_id: int, version_id: int, body: str, found_at: str,
              sig: bytes | None = None) -> None:
        """Index an article's newest text (its signature, when worked out already) and link it
        to the articles it nearly duplicates."""
        from crawler.archive.similar import signature

        sig = signature(body) if sig is None else sig
        self.index_batch([NewText(article_id, version_id, sig, found_at)])

    def index_batch(self, texts: Sequence[NewText]) -> None:
        """Index new texts in their order, with the result index() one at a time gives: each
        text's candidates are the newest BAND_CANDIDATES articles of each of its band buckets
        as the texts before it left them, and its pairs replace the article's old ones.

        The archive is read once for the whole batch (the buckets' newest articles outside
        it, their signatures, the batch's articles' old signatures), the buckets are followed
        in memory, and the rows are written sorted, once per batch."""
        from crawler.archive.similar import BAND_CANDIDATES, bands, similarities

        if not texts:
            return
        ids = sorted({text.article_id for text in texts})
        sigs: dict[int, bytes] = dict(self.conn.execute(_SIGNATURES_SQL, (json.dumps(ids),)))
        # each batch article's band keys as the batch goes on, from its old signature first
        current = {article_id: bands(sig) for article_id, sig in sigs.items()}
        new_keys = [bands(text.signature) if text.signature else [] for text in texts]
        # Each bucket's members from the batch, as the batch goes on (each is small) ...
        members: dict[int, set[int]] = {}
        for article_id, keys in current.items():
            for key in keys:
                members.setdefault(key, set()).add(article_id)
        # ... and its newest articles outside the batch, which the batch does not change.
        outside: dict[int, list[int]] = {}
        keys = sorted({key for keys in new_keys for key in keys})
        for key, article_id in self.conn.execute(_BUCKETS_SQL, {
                "keys": json.dumps(keys), "ids": json.dumps(ids), "per": BAND_CANDIDATES}):
            outside.setdefault(key, []).append(article_id)
        wanted = sorted({a for found in outside.values() for a in found} - sigs.keys())
        sigs.update(self.conn.execute(_SIGNATURES_SQL, (json.dumps(wanted),)))
        pairs: dict[frozenset[int], tuple[int, int, float, str]] = {}
        pairs_of: dict[int, set[frozenset[int]]] = {}  # the pairs found naming each article
        newest: dict[int, NewText] = {}
        for text, keys in zip(texts, new_keys, strict=True):
            article_id = text.article_id
            for key in current.pop(article_id, ()):
                members[key].discard(article_id)
            for pair in pairs_of.pop(article_id, ()):
                del pairs[pair]
                (other,) = pair - {article_id}
                pairs_of[other].discard(pair)
            newest[article_id] = text
            if not keys:
                sigs.pop(article_id, None)
                continue
            candidates: set[int] = set()
            for key in keys:
                found, mates = outside.get(key), members.get(key)
                if not (found or mates):  # most buckets hold nothing else
                    continue
                bucket = [*(found or ()), *(mates or ())]
                if len(bucket) > BAND_CANDIDATES:
                    bucket = sorted(bucket, reverse=True)[:BAND_CANDIDATES]
                candidates.update(bucket)
            others = sorted(a for a in candidates if a in sigs)
            scores = similarities(text.signature, [sigs[other] for other in others])
            for other, score in zip(others, scores, strict=True):
                if score >= SIMILAR_THRESHOLD:
                    pair = frozenset((article_id, other))
                    pairs[pair] = (article_id, other, score, text.found_at)
                    pairs_of.setdefault(article_id, set()).add(pair)
                    pairs_of.setdefault(other, set()).add(pair)
            sigs[article_id] = text.signature
            current[article_id] = keys
            for key in keys:
                members.setdefault(key, set()).add(article_id)
        self._write_batch(ids, current, newest, list(pairs.values()))

    def _write_batch(self, ids: list[int], keys: dict[int, list[int]],
                     newest: dict[int, NewText], pairs: list[tuple[int, int, float, str]],
                     ) -> None:
        """Replace the batch's articles' signatures, band rows and pairs by their new ones."""
        conn = self.conn
        rows = [(article_id,) for article_id in ids]
        conn.executemany("DELETE FROM similarity_bands WHERE article_id = ?", rows)
        conn.executemany("DELETE FROM similar WHERE article_id = ?", rows)
        conn.executemany("DELETE FROM similar WHERE other_id = ?", rows)
        conn.executemany("DELETE FROM signatures WHERE article_id = ?",
                         [(a,) for a in ids if a not in keys])
        conn.executemany(
            "INSERT OR REPLACE INTO signatures (article_id, version_id, signature) "
            "VALUES (?, ?, ?)",
            [(a, newest[a].version_id, newest[a].signature) for a in ids if a in keys])
        conn.executemany("INSERT OR IGNORE INTO similarity_bands (band, article_id) "
                         "VALUES (?, ?)",
                         sorted((key, a) for a, found in keys.items() for key in found))
        conn.executemany(
            "INSERT OR REPLACE INTO similar (article_id, other_id, similarity, found_at) "
            "VALUES (?, ?, ?, ?)",
            [row for one, other, score, found_at in pairs
             for row in ((one, other, score, found_at), (other, one, score, found_at))])

    def similar(self, article_id: int, threshold: float = SIMILAR_THRESHOLD,
                ) -> list[dict[str, Any]]:
        """Articles whose newest text nearly duplicates this article's, most similar first."""
        return self.all(
            """SELECT a.url, a.site, l.title, l.published, s.similarity
               FROM similar s JOIN articles a ON a.id = s.other_id
               JOIN latest l ON l.article_id = a.id
               WHERE s.article_id = ? AND s.similarity >= ?
               ORDER BY s.similarity DESC, a.url""", (article_id, threshold))
