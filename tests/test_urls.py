"""Canonical URLs: tracking parameters, fragments, variants and hosts map to one URL."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.urls import canonical_url, is_web_url, request_url, same_site, site_of

STORY = "https://example.com/2025/08/22/big-push/"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.com/2025/08/22/big-push/",
        "https://www.example.com/2025/08/22/big-push/",
        "https://WWW.EXAMPLE.COM/2025/08/22/big-push/",
        "https://example.com/2025/08/22/big-push/#comments",
        "https://example.com/2025/08/22/big-push/?utm_source=twitter&utm_medium=social",
        "https://example.com/2025/08/22/big-push/?fbclid=IwAR0abc&gclid=xyz",
        "https://example.com/2025/08/22/big-push/amp/",
        "https://amp.example.com/2025/08/22/big-push/",
        "https://m.example.com/2025/08/22/big-push/",
        "https://example.com:443/2025/08/22/big-push/",
        "https://example.com/amp/2025/08/22/big-push/",
        "https://example.com//2025/08/22/big-push/",
    ],
)
def test_variants_of_a_story_share_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == STORY


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/?p=123&utm_campaign=x", "https://example.com/?p=123"),
        ("https://example.com/news?b=2&a=1", "https://example.com/news?a=1&b=2"),
        ("https://example.com/story.amp.html", "https://example.com/story.html"),
        ("https://example.com/story/index.html", "https://example.com/story/"),
        ("http://example.com/story", "http://example.com/story"),
        ("http://127.0.0.1:8080/a/amp", "http://127.0.0.1:8080/a"),
    ],
)
def test_canonical_url_table(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("https://edition.cnn.com/x", "cnn.com"),
        ("https://asianlite.com/2025/x/", "asianlite.com"),
        ("http://127.0.0.1:8080/x", "127.0.0.1:8080"),
        ("http://localhost:9000/", "localhost:9000"),
    ],
)
def test_site_of(url: str, site: str) -> None:
    assert site_of(url) == site


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/x", "data:text/html,hi", "javascript:alert(1)",
     "mailto:a@example.com", "/relative/path", ""],
)
def test_non_web_urls_are_never_same_site(url: str) -> None:
    assert not is_web_url(url)
    assert not same_site(url, frozenset({"example.com"}))


def test_request_url_keeps_host_but_drops_tracking_and_variants() -> None:
    url = "https://www.example.com/news/story-12/amp?utm_source=x&page=2#top"
    assert request_url(url) == "https://www.example.com/news/story-12?page=2"


segments = st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True), max_size=4)
params = st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                         st.from_regex(r"[a-z0-9]{0,6}", fullmatch=True), max_size=4)
tracking = st.dictionaries(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid",
                                            "utm_campaign", "mc_cid"]),
                           st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), max_size=3)
hosts = st.sampled_from(["example.com", "news.example.co.uk", "127.0.0.1:8080"])


def build(host: str, path: list[str], query: list[tuple[str, str]], fragment: str) -> str:
    url = f"https://{host}/" + "/".join(path)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query)
    return url + (f"#{fragment}" if fragment else "")


@given(hosts, segments, params, tracking, st.from_regex(r"[a-z]{0,5}", fullmatch=True),
       st.randoms())
def test_canonical_url_properties(host, path, query, noise, fragment, rnd) -> None:
    clean = build(host, path, list(query.items()), "")
    pairs = list(query.items()) + list(noise.items())
    rnd.shuffle(pairs)
    noisy = build(host, path, pairs, fragment)
    canonical = canonical_url(noisy)
    assert canonical == canonical_url(clean)  # ignores tracking, fragment and parameter order
    assert canonical_url(canonical) == canonical  # idempotent
    assert site_of(canonical) == site_of(clean)  # never leaves the site
    assert "#" not in canonical and "utm_" not in canonical


def test_retry_after_header() -> None:
    from datetime import UTC, datetime

    from crawler.middlewares import retry_after_seconds

    now = datetime(2025, 10, 6, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds(b"Mon, 06 Oct 2025 12:00:30 GMT", now) == 30
    assert retry_after_seconds(b"Mon, 06 Oct 2025 11:00:00 GMT", now) == 0
    assert retry_after_seconds(b"soon", now) is None
    assert retry_after_seconds(None, now) is None
