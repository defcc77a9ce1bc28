"""The on-disk seen sets that keep a crawl's memory flat."""

from __future__ import annotations

import tracemalloc

from scrapy import Request

from crawler.dupefilter import DiskDupeFilter
from crawler.seen import SeenSet


def test_seen_set_remembers_what_was_added() -> None:
    seen = SeenSet()
    assert "https://example.com/a" not in seen
    assert seen.add("https://example.com/a") is True
    assert seen.add("https://example.com/a") is False
    assert "https://example.com/a" in seen
    seen.update(["https://example.com/b", b"\x00\x01"])
    assert b"\x00\x01" in seen and "https://example.com/b" in seen
    assert len(seen) == 3
    assert seen.seen(["https://example.com/a", "https://example.com/c", b"\x00\x01"]) == {
        "https://example.com/a", b"\x00\x01"}
    seen.close()


def test_seen_set_answers_batches_larger_than_one_query() -> None:
    seen = SeenSet()
    urls = [f"https://example.com/story-{n}" for n in range(1_200)]
    seen.update(urls[::2])
    assert seen.seen(urls) == set(urls[::2])
    seen.close()


def test_seen_set_memory_stays_flat_as_it_grows() -> None:
    seen = SeenSet()
    tracemalloc.start()
    seen.update(f"https://example.com/2025/01/01/story-number-{n}/" for n in range(50_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # a Python set of these URLs holds over 7 MB; SQLite's own cache is not traced here
    assert peak < 1_000_000
    assert len(seen) == 50_000
    seen.close()


def test_dupefilter_filters_repeated_requests() -> None:
    dupefilter = DiskDupeFilter()
    assert dupefilter.request_seen(Request("https://example.com/a")) is False
    assert dupefilter.request_seen(Request("https://example.com/a")) is True
    assert dupefilter.request_seen(Request("https://example.com/a#comments")) is True
    assert dupefilter.request_seen(Request("https://example.com/b")) is False
    dupefilter.close("finished")
