"""read_page() never raises and always returns every field, whatever it is given."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import Reading, clean_item, read_page
from crawler.items import READ_FIELDS, check_types

URL = "https://example.com/some-story-about-things/"

JUNK = [
    "",
    " ",
    "\x00\x01\x02",
    "\ud800 lone surrogate",
    "not html at all",
    "<",
    "<html>",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
    "<html><head><meta charset='windows-1252'></head><body>caf\xe9</body></html>",
    "<div>" * 5000 + "deep" + "</div>" * 5000,
    "<p>" + "word " * 200000 + "</p>",
    "<script type='application/ld+json'>{not json</script>",
    "<script type='application/ld+json'>[1, 2, {\"@type\": 5}]</script>",
    '<script type="application/ld+json">{"@type":"NewsArticle","author":[null,1,{"name":[]}],'
    '"datePublished":["x"],"headline":{"a":1}}</script>',
    "<link rel='canonical' href='http://[::1'><meta property='og:url' content='javascript:x'>",
    "<meta property='article:published_time' content='0000-00-00 00:00:00'>",
    "<html lang='zz-ZZ-x-very-long'><time datetime='99999-99-99'>now</time></html>",
]


def _check(reading: Reading) -> None:
    fields = reading.article
    assert tuple(fields) == READ_FIELDS
    assert check_types(fields) == []
    assert isinstance(reading.is_article, bool)
    assert reading.is_article is not bool(reading.why)
    assert clean_item(fields) == fields


@pytest.mark.parametrize("html", JUNK)
@pytest.mark.parametrize("url", [URL, "", "not a url", "http://[::1", "ftp://example.com/x"])
def test_junk_never_raises(html: str, url: str) -> None:
    reading = read_page(html, url)
    _check(reading)
    assert reading.is_article is False or html.count("<p>") == 1


def test_binary_input_gives_empty_fields() -> None:
    reading = read_page(bytes(range(256)).decode("latin-1"), URL)
    _check(reading)
    assert reading.is_article is False
    assert reading.article["url"] == URL


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("<>/=\"' apbdivhtmlscript{}[]:@\x00\n\ud7ff"))
        | st.characters(),
        max_size=400,
    )
)
def test_arbitrary_text_never_raises(html: str) -> None:
    _check(read_page(html, URL))
