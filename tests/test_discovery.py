"""Discovery: advertised feeds, RSS/Atom/JSON feeds, sitemaps and robots.txt, safely parsed."""

from __future__ import annotations

import gzip
import io
import json
import time
import tracemalloc
from pathlib import Path

import pytest

from crawler import discovery
from crawler.discovery import (
    MAX_DECOMPRESSED_BYTES,
    Entry,
    Sitemap,
    changed_since,
    feed_links,
    is_news_sitemap_url,
    iso_date,
    newest_first,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)

SITE = "https://news.example.com/"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Example News</title>
    <link>https://news.example.com/</link>
    <atom:link href="https://news.example.com/feed/" rel="self"/>
    <item>
      <title>Council &amp; mayor agree budget</title>
      <link>
        https://news.example.com/2025/08/22/budget/
      </link>
      <pubDate>Fri, 22 Aug 2025 10:30:00 +0200</pubDate>
    </item>
    <item>
      <title>Relative link</title>
      <link>/2025/08/21/relative/</link>
      <pubDate>Thu, 21 Aug 2025 23:15:00 -0500</pubDate>
    </item>
    <item>
      <title>Only a guid</title>
      <guid>https://news.example.com/2025/08/20/guid/</guid>
      <dc:date>2025-08-20T08:00:00Z</dc:date>
    </item>
    <item>
      <title>A guid that is no link</title>
      <guid isPermaLink="false">tag:news.example.com,2025:123</guid>
    </item>
    <item><title>Script</title><link>javascript:alert(1)</link></item>
    <item><title>Data</title><link>data:text/html,hi</link></item>
    <item><title>Mail</title><link>mailto:desk@example.com</link></item>
    <item><title>File</title><link>file:///etc/passwd</link></item>
    <item>
      <title>Broken date</title>
      <link>https://news.example.com/2025/08/19/broken-date/</link>
      <pubDate>Mon, 1 Jan 20250 00:00:00 GMT</pubDate>
    </item>
    <item>
      <title>Duplicate</title>
      <link>https://news.example.com/2025/08/22/budget/</link>
    </item>
  </channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example.com/blog/">
  <title>Example Blog</title>
  <link rel="self" href="https://news.example.com/blog/atom.xml"/>
  <entry>
    <title type="html">&lt;b&gt;Bridge&lt;/b&gt; reopens</title>
    <link rel="self" href="https://news.example.com/api/entries/1"/>
    <link rel="edit" href="https://news.example.com/api/entries/1/edit"/>
    <link rel="enclosure" type="audio/mpeg" href="https://cdn.example.com/1.mp3"/>
    <link rel="alternate" type="application/pdf" href="https://news.example.com/1.pdf"/>
    <link rel="alternate" type="text/html" href="2025/08/bridge"/>
    <published>2025-08-22T09:00:00+02:00</published>
    <updated>2025-08-23T12:00:00.250-04:00</updated>
  </entry>
  <entry>
    <title>No rel means alternate</title>
    <link href="https://news.example.com/blog/2025/08/plain"/>
    <updated>2025-08-21</updated>
  </entry>
  <entry>
    <title>Only a replies link</title>
    <link rel="replies" href="https://news.example.com/blog/2025/08/comments"/>
  </entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example.com/rss">
    <title>Example RDF</title>
    <items><rdf:Seq><rdf:li rdf:resource="https://news.example.com/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://news.example.com/a">
    <title>First</title>
    <link>https://news.example.com/a</link>
    <dc:date>2025-08-22T07:00:00+01:00</dc:date>
  </item>
  <item rdf:about="https://news.example.com/b">
    <title>Link only in rdf:about</title>
    <dc:date>2025-08-21</dc:date>
  </item>
</rdf:RDF>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://news.example.com/2025/08/22/budget/</loc>
    <lastmod>2025-08-22T12:00:00+00:00</lastmod>
    <image:image><image:loc>https://cdn.example.com/1.jpg</image:loc>
      <image:title>Not the article title</image:title></image:image>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>2025-08-22T10:30:00+02:00</news:publication_date>
      <news:title>Council agrees budget</news:title>
    </news:news>
  </url>
  <url>
    <loc><![CDATA[https://news.example.com/2025/08/21/cdata/?a=1&b=2]]></loc>
    <news:news><news:publication_date>2025-08-21</news:publication_date></news:news>
  </url>
  <url><loc>/2025/08/20/relative/</loc><lastmod>0000-00-00</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><lastmod>2025-08-20</lastmod></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.com/sitemap-news.xml</loc>
    <lastmod>2025-08-22T10:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://news.example.com/sitemap-2025-08.xml.gz</loc>
    <lastmod>2025-08</lastmod></sitemap>
  <sitemap><loc>sitemap-tags.xml</loc></sitemap>
  <sitemap><loc>ftp://news.example.com/old.xml</loc></sitemap>
</sitemapindex>"""

BILLION_LAUGHS_ENTITIES = b'<!ENTITY lol0 "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10)
)


def _bomb(size: int) -> bytes:
    """A gzip of `size` zero bytes, written in steps so the test never holds them all."""
    buffer = io.BytesIO()
    step = bytes(1024 * 1024)
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as stream:
        for _ in range(size // len(step)):
            stream.write(step)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 22 Aug 2025 10:30:00 +0200", "2025-08-22T08:30:00Z"),
        ("Thu, 21 Aug 2025 23:15:00 -0500", "2025-08-22T04:15:00Z"),
        ("Fri, 22 Aug 2025 10:30:00 GMT", "2025-08-22T10:30:00Z"),
        ("Fri, 22 Aug 2025 10:30:00 EDT", "2025-08-22T14:30:00Z"),
        ("22 Aug 2025 10:30 +0000", "2025-08-22T10:30:00Z"),
        ("Fri, 22 Aug 25 10:30:00 +0000", "2025-08-22T10:30:00Z"),
        ("2025-08-22T10:30:00Z", "2025-08-22T10:30:00Z"),
        ("2025-08-22T10:30:00.123456+02:00", "2025-08-22T08:30:00Z"),
        ("2025-08-22T10:30+0530", "2025-08-22T05:00:00Z"),
        ("2025-08-22 10:30:00", "2025-08-22T10:30:00Z"),
        ("2025-08-22", "2025-08-22T00:00:00Z"),
        ("  2025-08-22\n", "2025-08-22T00:00:00Z"),
        ("2025-08", "2025-08-01T00:00:00Z"),
        ("2025-01-01T00:30:00+01:00", "2024-12-31T23:30:00Z"),
        ("0000-00-00", None),
        ("0000-00-00 00:00:00", None),
        ("0000-01-01T00:00:00Z", None),
        ("20250-08-22", None),
        ("Mon, 1 Jan 20250 00:00:00 GMT", None),
        ("2025-13-01", None),
        ("2025-02-30", None),
        ("2025-08-22T25:00:00Z", None),
        ("2025-08-22T10:00:00+99:00", None),
        ("1066-10-14", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_rss2_items_with_dates_titles_and_resolved_links() -> None:
    entries = parse_feed(RSS, "https://news.example.com/feed/")
    assert entries == [
        Entry(
            "https://news.example.com/2025/08/22/budget/",
            published="2025-08-22T08:30:00Z",
            title="Council & mayor agree budget",
        ),
        Entry(
            "https://news.example.com/2025/08/21/relative/",
            published="2025-08-22T04:15:00Z",
            title="Relative link",
        ),
        Entry(
            "https://news.example.com/2025/08/20/guid/",
            published="2025-08-20T08:00:00Z",
            title="Only a guid",
        ),
        Entry("https://news.example.com/2025/08/19/broken-date/", title="Broken date"),
    ]


def test_atom_picks_the_html_alternate_and_reads_published_and_updated() -> None:
    entries = parse_feed(ATOM, "https://news.example.com/blog/atom.xml")
    assert entries == [
        Entry(
            "https://news.example.com/blog/2025/08/bridge",
            published="2025-08-22T07:00:00Z",
            modified="2025-08-23T16:00:00Z",
            title="Bridge reopens",
        ),
        Entry(
            "https://news.example.com/blog/2025/08/plain",
            modified="2025-08-21T00:00:00Z",
            title="No rel means alternate",
        ),
    ]


def test_atom_links_resolve_against_xml_base_and_the_feed_url() -> None:
    feed = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/news/">
      <entry xml:base="2025/"><link href="one"/></entry>
      <entry><link href="two"/></entry>
    </feed>"""
    entries = parse_feed(feed, "https://example.org/feeds/atom.xml")
    assert [e.url for e in entries] == [
        "https://example.org/news/2025/one",
        "https://example.org/news/two",
    ]


def test_rdf_items_with_dc_dates_and_rdf_about() -> None:
    entries = parse_feed(RDF, "https://news.example.com/rss")
    assert entries == [
        Entry("https://news.example.com/a", published="2025-08-22T06:00:00Z", title="First"),
        Entry(
            "https://news.example.com/b",
            published="2025-08-21T00:00:00Z",
            title="Link only in rdf:about",
        ),
    ]


def test_rss_091_feedburner_origlink_and_atom_link_in_items() -> None:
    feed = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
    <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
      "http://my.netscape.com/publish/formats/rss-0.91.dtd">
    <rss version="0.91" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
         xmlns:atom="http://www.w3.org/2005/Atom">
    <channel>
      <item><title>Caf\xe9</title><link>https://feeds.example.net/~r/x/1</link>
        <feedburner:origLink>https://news.example.com/cafe</feedburner:origLink></item>
      <item><title>Atom link</title><atom:link rel="alternate" href="/atom-link"/></item>
    </channel></rss>"""
    entries = parse_feed(feed, "https://news.example.com/rss")
    assert entries == [
        Entry("https://news.example.com/cafe", title="Café"),
        Entry("https://news.example.com/atom-link", title="Atom link"),
    ]


def test_json_feed() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Example",
        "items": [
            {
                "id": "1",
                "url": "/2025/08/22/json/",
                "title": " JSON  story ",
                "date_published": "2025-08-22T10:00:00+02:00",
                "date_modified": "2025-08-22T11:00:00Z",
            },
            {"id": "https://news.example.com/by-id", "title": "Id is the link"},
            {"id": "2", "url": "javascript:void(0)"},
            "not an item",
            {"id": "3", "url": 42},
        ],
    }
    entries = parse_feed(json.dumps(feed).encode(), "https://news.example.com/feed.json")
    assert entries == [
        Entry(
            "https://news.example.com/2025/08/22/json/",
            published="2025-08-22T08:00:00Z",
            modified="2025-08-22T11:00:00Z",
            title="JSON story",
        ),
        Entry("https://news.example.com/by-id", title="Id is the link"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"not xml at all",
        b"\x00\x01\x02\xff\xfe",
        b"<html><head><title>Not found</title></head><body><p>404</p></body></html>",
        b"<!DOCTYPE html><html><body><a href='/a'>a</a><item><link>/x</link></item>",
        b"<rss><channel><item><link>https://news.example.com/a",
        NEWS_SITEMAP,
        b'{"version": "https://jsonfeed.org/version/1", "items": "nope"}',
        b'{"version": "something else", "items": [{"url": "https://news.example.com/a"}]}',
        b"{not json",
        b"[" * 100_000,
        b"\x1f\x8b not really gzip",
    ],
)
def test_anything_but_a_feed_yields_nothing(data: bytes) -> None:
    if data.startswith(b"<rss"):  # truncated: recovered as far as it goes
        assert parse_feed(data, SITE) == [Entry("https://news.example.com/a")]
    else:
        assert parse_feed(data, SITE) == []


def test_news_sitemap_with_publication_dates_and_titles() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://news.example.com/sitemap-news.xml")
    assert sitemap == Sitemap(
        "urlset",
        entries=[
            Entry(
                "https://news.example.com/2025/08/22/budget/",
                published="2025-08-22T08:30:00Z",
                modified="2025-08-22T12:00:00Z",
                title="Council agrees budget",
            ),
            Entry(
                "https://news.example.com/2025/08/21/cdata/?a=1&b=2",
                published="2025-08-21T00:00:00Z",
            ),
            Entry("https://news.example.com/2025/08/20/relative/"),
        ],
    )


def test_sitemapindex_with_lastmod() -> None:
    sitemap = parse_sitemap(SITEMAP_INDEX, "https://news.example.com/sitemaps/index.xml")
    assert sitemap == Sitemap(
        "sitemapindex",
        sitemaps=[
            Entry("https://news.example.com/sitemap-news.xml", modified="2025-08-22T10:00:00Z"),
            Entry(
                "https://news.example.com/sitemap-2025-08.xml.gz",
                modified="2025-08-01T00:00:00Z",
            ),
            Entry("https://news.example.com/sitemaps/sitemap-tags.xml"),
        ],
    )


def test_gzip_sitemap_reads_like_the_plain_one() -> None:
    plain = parse_sitemap(NEWS_SITEMAP, SITE)
    assert parse_sitemap(gzip.compress(NEWS_SITEMAP), SITE) == plain
    assert parse_feed(gzip.compress(RSS), SITE) == parse_feed(RSS, SITE)


def test_gzip_with_several_members_and_a_truncated_one() -> None:
    head, tail = SITEMAP_INDEX[:300], SITEMAP_INDEX[300:]
    two_members = gzip.compress(head) + gzip.compress(tail)
    assert parse_sitemap(two_members, SITE) == parse_sitemap(SITEMAP_INDEX, SITE)
    truncated = gzip.compress(NEWS_SITEMAP)[:-200]
    entries = parse_sitemap(truncated, SITE).entries
    assert entries
    assert entries[0].url == "https://news.example.com/2025/08/22/budget/"


def test_compression_bomb_is_refused_without_holding_it() -> None:
    bomb = _bomb(MAX_DECOMPRESSED_BYTES + 10 * 1024 * 1024)
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        started = time.perf_counter()
        assert parse_sitemap(bomb, SITE) == Sitemap("unknown")
        assert parse_feed(bomb, SITE) == []
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # the bomb is measured, never held
    assert elapsed < 3


def test_the_cap_is_exact_and_counts_every_gzip_member(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b"https://news.example.com/a\n".ljust(1000)
    monkeypatch.setattr(discovery, "MAX_DECOMPRESSED_BYTES", len(body))
    assert parse_sitemap(gzip.compress(body), SITE).entries == [Entry("https://news.example.com/a")]
    assert parse_sitemap(gzip.compress(body + b" "), SITE) == Sitemap("unknown")
    assert parse_sitemap(gzip.compress(body) + gzip.compress(b" "), SITE) == Sitemap("unknown")


def test_a_large_gzip_body_under_the_cap_is_read() -> None:
    body = b"https://news.example.com/a\n" + b" " * (5 * 1024 * 1024)
    sitemap = parse_sitemap(gzip.compress(body), SITE)
    assert sitemap == Sitemap("urlset", entries=[Entry("https://news.example.com/a")])


def test_malformed_xml_yields_what_parsed() -> None:
    broken = b"""<?xml version="1.0"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://news.example.com/a</loc><lastmod>2025-08-22</lastmod></url>
      <url><loc>https://news.example.com/b & c</loc></url>
      <url><loc>https://news.example.com/d</loc><lastmod>not a date</lastmod>
      <url><loc>https://news.example.com/e"""
    urls = [e.url for e in parse_sitemap(broken, SITE).entries]
    assert urls[0] == "https://news.example.com/a"
    assert all(url.startswith("https://news.example.com/") for url in urls)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body><h1>Sitemap</h1><a href='/a'>a</a></body></html>",
        RSS,
        b'{"urls": ["https://news.example.com/a"]}',
        b"\x00\x01\x02",
        b"Forbidden",
        b"<sitemapindex",
    ],
)
def test_not_a_sitemap_is_unknown(data: bytes) -> None:
    expected = "sitemapindex" if data == b"<sitemapindex" else "unknown"  # truncated, empty
    assert parse_sitemap(data, SITE) == Sitemap(expected)


def test_plain_text_sitemap() -> None:
    text = (
        b"\xef\xbb\xbfhttps://news.example.com/a\r\n"
        b"\n"
        b"  https://news.example.com/b  \n"
        b"/relative\n"
        b"Forbidden\n"
        b"javascript:alert(1)\n"
        b"https://news.example.com/a\n"
        b"two words https://news.example.com/c\n"
    )
    sitemap = parse_sitemap(text, "https://news.example.com/sitemap.txt")
    assert [e.url for e in sitemap.entries] == [
        "https://news.example.com/a",
        "https://news.example.com/b",
    ]
    assert sitemap.kind == "urlset"


def test_billion_laughs_is_not_expanded() -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE lolz [' + BILLION_LAUGHS_ENTITIES + b"]>"
    feed = doctype + (
        b"<rss><channel><item><title>Laugh &lol9;</title>"
        b"<link>https://news.example.com/lol</link></item></channel></rss>"
    )
    sitemap = doctype + (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://news.example.com/&lol9;</loc></url></urlset>"
    )
    started = time.perf_counter()
    results = repr(parse_feed(feed, SITE)) + repr(parse_sitemap(sitemap, SITE))
    assert time.perf_counter() - started < 1
    assert "lol" not in results
    assert len(results) < 500


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    feed = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "'
        + secret.as_uri().encode()
        + b'">]><rss><channel><item><title>&xxe;</title>'
        b"<link>https://news.example.com/x</link></item></channel></rss>"
    )
    entries = parse_feed(feed, SITE)
    assert entries == [Entry("https://news.example.com/x")]


def test_internal_entities_stay_unexpanded_and_never_garble_a_url() -> None:
    feed = b"""<!DOCTYPE rss [<!ENTITY site "https://elsewhere.example.net">]>
    <rss><channel>
      <item><title>&site; &amp; bar</title><link>&site;/x</link>
        <guid>https://news.example.com/guid</guid></item>
    </channel></rss>"""
    assert parse_feed(feed, SITE) == [Entry("https://news.example.com/guid", title="& bar")]


def test_undefined_html_entities_do_not_lose_the_item() -> None:
    feed = b"""<rss version="0.91"><channel>
      <item><title>Caf&eacute; du monde</title><link>https://news.example.com/cafe</link></item>
    </channel></rss>"""
    assert parse_feed(feed, SITE) == [Entry("https://news.example.com/cafe", title="Caf du monde")]


HOME = """<!DOCTYPE html><html><head>
<link rel="alternate" type="application/rss+xml" title="All" href="/feed/">
<link rel="alternate" type="application/atom+xml" href="https://news.example.com/atom.xml">
<link rel="Alternate" type="Application/RSS+XML; charset=utf-8" href="feed/politics">
<link rel="alternate" type="application/feed+json" href="//news.example.com/feed.json">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" hreflang="de" href="https://news.example.com/de/">
<link rel="stylesheet" type="text/css" href="/style.css">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="data:application/rss+xml,x">
<link rel="alternate" type="application/rss+xml">
</head><body>
<link rel="alternate" type="application/atom+xml" href="/body-feed.xml">
<a href="/rss.xml" type="application/rss+xml" rel="alternate">an anchor, not a link</a>
</body></html>"""


def test_feed_links_in_page_order_absolute_and_unique() -> None:
    assert feed_links(HOME, "https://news.example.com/section/") == [
        "https://news.example.com/feed/",
        "https://news.example.com/atom.xml",
        "https://news.example.com/section/feed/politics",
        "https://news.example.com/feed.json",
        "https://news.example.com/body-feed.xml",
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("", []),
        ("   ", []),
        ("<p>no head</p>", []),
        (
            '<?xml version="1.0" encoding="utf-8"?><html><head>'
            '<link rel="alternate" type="application/rss+xml" href="/rss"></head></html>',
            ["https://news.example.com/rss"],
        ),
        (
            '<base href="https://cdn.example.com/mirror/">'
            '<link rel="alternate" type="application/rss+xml" href="rss">',
            ["https://cdn.example.com/mirror/rss"],
        ),
        (
            '<base href="javascript:void(0)">'
            '<link rel="alternate" type="application/rss+xml" href="rss">',
            ["https://news.example.com/rss"],
        ),
    ],
)
def test_feed_links_edge_cases(html: str, expected: list[str]) -> None:
    assert feed_links(html, SITE) == expected


def test_sitemaps_from_robots() -> None:
    robots = (
        "\ufeffUser-agent: *\n"
        "Disallow: /search\n"
        "Sitemap: https://news.example.com/sitemap.xml\n"
        "sitemap:/news-sitemap.xml   # the news one\n"
        "  SITEMAP : https://news.example.com/sitemap.xml\n"
        "# Sitemap: https://news.example.com/commented.xml\n"
        "Sitemap: javascript:alert(1)\n"
        "Sitemap:\n"
        "Disallow: /sitemap: not a sitemap line\n"
    )
    assert sitemaps_from_robots(robots, "https://news.example.com/robots.txt") == [
        "https://news.example.com/sitemap.xml",
        "https://news.example.com/news-sitemap.xml",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.com/news-sitemap.xml", True),
        ("https://news.example.com/sitemap_news.xml.gz", True),
        ("https://news.example.com/sitemaps/googlenews.xml", True),
        ("https://news.example.com/sitemap/news/2025-08.xml", True),
        ("https://news.example.com/sitemap.xml", False),
        ("https://news.example.com/newsletter-sitemap.xml", False),
        ("https://news.example.com/sitemap-posts.xml?topic=news", False),
        ("http://[::1", False),
    ],
)
def test_is_news_sitemap_url(url: str, expected: bool) -> None:
    assert is_news_sitemap_url(url) is expected


STORIES = [
    Entry("https://news.example.com/undated-1"),
    Entry("https://news.example.com/old", published="2025-08-01T00:00:00Z"),
    Entry(
        "https://news.example.com/revised",
        published="2025-07-01T00:00:00Z",
        modified="2025-08-23T00:00:00Z",
    ),
    Entry("https://news.example.com/new", published="2025-08-22T00:00:00Z"),
    Entry("https://news.example.com/undated-2"),
]


def test_newest_first_by_latest_date_undated_last() -> None:
    assert [e.url.rsplit("/", 1)[1] for e in newest_first(STORIES)] == [
        "revised",
        "new",
        "old",
        "undated-1",
        "undated-2",
    ]


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2025-08-22", ["undated-1", "revised", "new", "undated-2"]),
        ("Fri, 22 Aug 2025 12:00:00 +0000", ["undated-1", "revised", "undated-2"]),
        ("2025-09-01T00:00:00Z", ["undated-1", "undated-2"]),
        (None, ["undated-1", "old", "revised", "new", "undated-2"]),
        ("garbage", ["undated-1", "old", "revised", "new", "undated-2"]),
    ],
)
def test_changed_since(since: str | None, expected: list[str]) -> None:
    assert [e.url.rsplit("/", 1)[1] for e in changed_since(STORIES, since)] == expected
