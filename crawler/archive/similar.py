"""Near-duplicate stories across sites: MinHash signatures of word shingles, LSH band keys."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy as np

WORD = re.compile(r"\w+")
SHINGLE_SIZE = 5  # words per shingle: unrelated stories rarely share five words in a row
MIN_WORDS = 30  # a text with fewer words gets no signature: too little to compare
PERMUTATIONS = 192  # MinHash values per signature, 32 bits each: 768 bytes
ROWS = 4  # signature values per LSH band
BANDS = PERMUTATIONS // ROWS  # 48 band keys per signature
THRESHOLD = 0.5  # estimated Jaccard from which two signatures tell the same story
# Two texts with Jaccard s share at least one band with probability 1 - (1 - s**ROWS)**BANDS:
#   s    0.1    0.2    0.3    0.4    0.5    0.6    0.8
#   P  0.005  0.074  0.323  0.712  0.955  0.999  1.000
# 32 bands of 4 (128 values) catch only 0.87 of pairs at 0.5; 42 bands of 3 catch 0.29 at 0.2.
# Pairs found through a shared band are meant to be confirmed with similarity() >= THRESHOLD,
# so a stray collision costs one comparison; a missed pair is lost, hence 192 values, not 128.
BAND_CANDIDATES = 32  # newest articles read from one band's bucket when looking for pairs
# A band key shared by many unrelated texts (boilerplate, or stories written from templates,
# where any two share a fifth of their shingles) would otherwise make every new text read and
# compare that whole bucket: a cost growing with the archive. Capping each of the 48 buckets
# keeps a save's work bounded (at most 1,536 comparisons); a true pair usually shares several
# bands, so it is still found through a quieter one. On stories from a template writer (any
# two at Jaccard ~0.21, buckets of up to 1,800), 548 of 551 pairs at >= 0.5 were found, as
# against all 551 uncapped; where buckets stay under the cap nothing changes.

_CHUNK = 2048  # shingles hashed at once: bounds the (shingles x permutations) work array
_MAX64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_SHIFT32 = np.uint64(32)
_PRIME = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier that chains token hashes into a shingle


def _parameters() -> tuple[np.ndarray, np.ndarray]:
    # From a fixed byte stream, not a numpy generator: signatures stored in an archive must
    # stay comparable across numpy releases.
    stream = hashlib.shake_256(b"crawler.archive.similar minhash v1").digest(PERMUTATIONS * 16)
    values = np.frombuffer(stream, dtype="<u8").astype(np.uint64).reshape(2, PERMUTATIONS)
    return values[0] | np.uint64(1), values[1]


_MULTIPLIERS, _OFFSETS = _parameters()  # one multiply-add-shift hash per permutation


def _words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _mix(values: np.ndarray) -> np.ndarray:
    # MurmurHash3's 64-bit finaliser: spreads every input bit over the whole output.
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def _shingle_hashes(words: list[str], size: int) -> np.ndarray:
    if not words:
        return np.empty(0, dtype=np.uint64)
    # CRC-32 per distinct word is the fast part; the chaining and _mix make the shingle hash.
    crc = {word: zlib.crc32(word.encode()) for word in set(words)}
    tokens = np.fromiter(map(crc.__getitem__, words), dtype=np.uint64, count=len(words))
    size = max(1, min(size, len(tokens)))
    count = len(tokens) - size + 1
    hashes = tokens[:count].copy()
    for offset in range(1, size):
        hashes = hashes * _PRIME + tokens[offset:offset + count]
    return np.unique(_mix(hashes))


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    """The text's word shingles (lower-cased runs of `size` words) as unsigned 64-bit hashes."""
    return set(_shingle_hashes(_words(text), size).tolist())


def signature(text: str) -> bytes:
    """The text's MinHash signature (PERMUTATIONS little-endian uint32), b"" if too short."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return b""
    hashes = _shingle_hashes(words, SHINGLE_SIZE)
    minimum = np.full(PERMUTATIONS, _MAX64, dtype=np.uint64)
    for start in range(0, len(hashes), _CHUNK):
        values = np.multiply.outer(hashes[start:start + _CHUNK], _MULTIPLIERS)
        values += _OFFSETS
        np.minimum(minimum, values.min(axis=0), out=minimum)
    # The top 32 bits of a*x + b are the permutation's value; shifting keeps the minimum.
    return (minimum >> _SHIFT32).astype("<u4").tobytes()


def _values(sig: bytes) -> np.ndarray:
    if len(sig) % 4:
        raise ValueError(f"a signature is whole 32-bit values, not {len(sig)} bytes")
    return np.frombuffer(sig, dtype="<u4")


def bands(sig: bytes, rows: int = ROWS) -> list[int]:
    """LSH band keys of a signature: band index in the top 7 bits, a 56-bit hash below."""
    count = len(_values(sig)) // rows if rows > 0 else 0
    if rows < 1 or count > 127:
        raise ValueError(f"cannot cut {len(sig) // 4} values into bands of {rows} rows")
    width = rows * 4
    # Non-negative and below 2**63, so a key fits SQLite's signed INTEGER; equal rows in
    # different bands still give different keys.
    return [
        (band << 56)
        | int.from_bytes(
            hashlib.blake2b(sig[band * width:(band + 1) * width], digest_size=7).digest(),
            "little",
        )
        for band in range(count)
    ]


def similarities(sig: bytes, others: list[bytes]) -> list[float]:
    """similarity() of one signature with each of the others, compared in one array."""
    values = _values(sig)
    if not len(values) or not others:
        return [0.0] * len(others)
    for other in others:
        if len(other) != len(sig) and len(other):
            raise ValueError(f"signatures of different lengths: {len(sig)} and {len(other)} bytes")
    rows = np.frombuffer(b"".join(o or bytes(len(sig)) for o in others), dtype="<u4")
    equal = np.count_nonzero(rows.reshape(len(others), len(values)) == values, axis=1)
    return [float(n) / len(values) if other else 0.0
            for other, n in zip(others, equal, strict=True)]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two texts from their signatures (0.0 if either is empty)."""
    left, right = _values(a), _values(b)
    if not len(left) or not len(right):
        return 0.0
    if len(left) != len(right):
        raise ValueError(f"signatures of different lengths: {len(a)} and {len(b)} bytes")
    return float(np.count_nonzero(left == right)) / len(left)
