"""Table-driven tests of the story/listing predicates and the link sorter."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from crawler.extraction.classify import (
    Links,
    classify_links,
    is_article_page,
    is_listing_url,
    looks_like_article_url,
)
from crawler.extraction.page import Page

GOLDEN = Path(__file__).parent / "golden"
SITE = "https://harbourdailydigital.com"


@pytest.mark.parametrize(
    ("url", "listing", "article"),
    [
        (f"{SITE}/", True, False),
        (f"{SITE}", True, False),
        (f"{SITE}/category/top-news/", True, False),
        (f"{SITE}/category/top-news/page/3/", True, False),
        (f"{SITE}/tag/flooding/", True, False),
        (f"{SITE}/author/jane-doe/", True, False),
        (f"{SITE}/2025/", True, False),
        (f"{SITE}/2025/08/", True, False),
        (f"{SITE}/2025/08/22/", True, False),
        (f"{SITE}/page/2/", True, False),
        (f"{SITE}/?page=2", True, False),
        (f"{SITE}/world/", False, False),
        (f"{SITE}/sport/football/", False, False),
        (f"{SITE}/coastal-towns-agree-flood-defence-pact/", False, True),
        (f"{SITE}/coastal-towns-agree-flood-defence-pact/amp/", False, True),
        (f"{SITE}/2025/08/22/sea-wall/", False, True),
        (f"{SITE}/news/local/council-approves-new-cycle-lanes-8812345", False, True),
        (f"{SITE}/news/article-12345678.html", False, True),
        (f"{SITE}/world/story.html", False, False),
        (f"{SITE}/news/20250822/sea-wall", False, True),
        (f"{SITE}/?p=48213", False, True),
        (f"{SITE}/about-us/", False, False),
        (f"{SITE}/privacy-policy/", False, False),
        (f"{SITE}/wp-login.php", False, False),
        (f"{SITE}/feed/", False, False),
        (f"{SITE}/wp-content/uploads/2025/08/sea-wall-in-cornwall-at-dawn.jpg", False, False),
        (f"{SITE}/search/?s=flood", False, False),
    ],
)
def test_url_shapes(url: str, listing: bool, article: bool) -> None:
    assert is_listing_url(url) is listing
    assert looks_like_article_url(url) is article


@pytest.mark.parametrize(
    ("case", "url", "expected"),
    [
        ("wordpress_seed_like", f"{SITE}/coastal-towns-agree-flood-defence-pact/", True),
        (
            "jsonld_graph",
            "https://www.deepwaterreview.org/science/2024/03/05/mapping-the-ocean-floor",
            True,
        ),
        ("amp_variant", f"{SITE}/lifeboat-crews-mark-centenary/amp/", True),
        (
            "noisy_article",
            "https://northfieldgazette.com/2024/05/02/the-quiet-return-of-the-village-shop/",
            True,
        ),
        ("listing_home", f"{SITE}/", False),
        ("listing_home", f"{SITE}/latest-stories-from-the-coast-today/", False),
        ("wordpress_seed_like", f"{SITE}/category/top-news/", False),
    ],
)
def test_golden_pages(case: str, url: str, expected: bool) -> None:
    html = (GOLDEN / f"{case}.html").read_text(encoding="utf-8")
    assert is_article_page(html, url) is expected
    assert is_article_page(Page(html, url), url) is expected


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


PARAGRAPHS = "".join(
    f"<p>{'A sentence of the story that goes on for a while. ' * 4}{i}</p>" for i in range(5)
)
TEASERS = "".join(
    f'<h3><a href="/story-{i}-with-a-long-slug/">Teaser {i}</a></h3>' for i in range(12)
)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            _page(
                '<script type="application/ld+json">{"@type":"NewsArticle"}</script>', PARAGRAPHS
            ),
            True,
        ),
        (
            _page(
                '<script type="application/ld+json">{"@graph":[{"@type":"WebPage"},'
                '{"@type":["ReportageNewsArticle"]}]}</script>'
            ),
            True,
        ),
        (
            _page(
                '<script type="application/ld+json">[{"@type":"BlogPosting"}]</script>', "<p>x</p>"
            ),
            True,
        ),
        (_page('<meta property="og:type" content="article">', PARAGRAPHS), True),
        (_page('<meta property="article:published_time" content="2025-01-01">', PARAGRAPHS), True),
        (_page("", PARAGRAPHS), True),
        (
            _page(
                '<script type="application/ld+json">{"@type":"CollectionPage"}</script>', TEASERS
            ),
            False,
        ),
        (
            _page('<script type="application/ld+json">{"@type":"ItemList"}</script>', PARAGRAPHS),
            False,
        ),
        (_page('<meta property="og:type" content="website">', TEASERS), False),
        (_page("", TEASERS), False),
        ("", False),
        ("\x00\x01 binary junk \xff", False),
    ],
)
def test_pages(html: str, expected: bool) -> None:
    assert is_article_page(html, f"{SITE}/some-story-about-the-coast/") is expected


LINKS_PAGE = """<html><head><link rel="next" href="/category/top-news/page/2/"></head><body>
<a href="/coastal-towns-agree-flood-defence-pact/">A story</a>
<a href="https://www.harbourdailydigital.com/coastal-towns-agree-flood-defence-pact/#c">Same</a>
<a href="/coastal-towns-agree-flood-defence-pact/?utm_source=x">Same story, tracked</a>
<a href="/2025/08/21/fishing-quotas-set-for-next-year/">Dated story</a>
<a href="/category/business/">Business</a>
<a href="/tag/flooding/">Flooding</a>
<a href="/author/jane-doe/">Jane Doe</a>
<a href="/world/">World</a>
<a href="/category/top-news/page/2/">2</a>
<a href="/archive?page=3">3</a>
<a href="/more-stories-listing-url">Older posts</a>
<a href="/lifeboat-crews-mark-their-centenary-in-falmouth/" rel="next">Next Story</a>
<a href="https://othersite.com/a-story-on-another-site-entirely/">Elsewhere</a>
<a href="mailto:news@harbourdailydigital.com">Mail</a>
<a href="javascript:void(0)">JS</a>
<a href="ftp://harbourdailydigital.com/file-name-of-some-archive/">FTP</a>
<a href="file:///etc/passwd">File</a>
<a href="data:text/html,hi">Data</a>
<a href="/wp-content/uploads/2025/08/report-on-the-sea-walls.pdf">PDF</a>
<a href="/wp-admin/post.php?post=1">Admin</a>
<a href="/wp-json/wp/v2/posts">API</a>
<a href="/feed/">RSS</a>
<a href="/wp-login.php">Log in</a>
<a href="/?s=flood">Search</a>
<a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>
<a href="/coastal-towns-agree-flood-defence-pact/?replytocom=12">Reply</a>
<a href="/about-us/">About</a>
<a href="#top">Top</a>
</body></html>"""


def test_classify_links() -> None:
    links = classify_links(
        LINKS_PAGE, f"{SITE}/category/top-news/", frozenset({"harbourdailydigital.com"})
    )
    assert isinstance(links, Links)
    assert links.articles == [
        f"{SITE}/coastal-towns-agree-flood-defence-pact/",
        f"{SITE}/2025/08/21/fishing-quotas-set-for-next-year/",
        f"{SITE}/lifeboat-crews-mark-their-centenary-in-falmouth/",
    ]
    assert links.listings == [
        f"{SITE}/category/business/",
        f"{SITE}/tag/flooding/",
        f"{SITE}/author/jane-doe/",
        f"{SITE}/world/",  # a guess at a section: followed, never a veto
    ]
    assert links.pagination == [
        f"{SITE}/category/top-news/page/2/",
        f"{SITE}/archive?page=3",
        f"{SITE}/more-stories-listing-url",
    ]


def test_classify_links_accepts_a_selector_and_a_base_href() -> None:
    html = (
        '<html><head><base href="https://harbourdailydigital.com/news/"></head>'
        '<body><a href="sea-wall-plan-approved-by-council">x</a></body></html>'
    )
    links = classify_links(
        Selector(text=html),
        "https://harbourdailydigital.com/",
        frozenset({"harbourdailydigital.com"}),
    )
    assert links.articles == [
        "https://harbourdailydigital.com/news/sea-wall-plan-approved-by-council"
    ]


def test_classify_links_on_junk() -> None:
    for junk in (
        "",
        "\x00\xff",
        "<a href='http://[::1'>x</a>",
        "<a href='http://exa mple.com/a b'>x</a>",
    ):
        assert classify_links(junk, f"{SITE}/", frozenset({"harbourdailydigital.com"})) == Links()


def test_listing_golden_links() -> None:
    html = (GOLDEN / "listing_home.html").read_text(encoding="utf-8")
    links = classify_links(html, f"{SITE}/", frozenset({"harbourdailydigital.com"}))
    assert len(links.articles) == 9
    assert f"{SITE}/category/top-news/" in links.listings
    assert links.pagination == [f"{SITE}/page/2/"]
    everything = links.articles + links.listings + links.pagination
    assert not any(
        u.endswith(("/feed/", "/wp-login.php", "/about/", "/privacy-policy/")) for u in everything
    )


@pytest.mark.parametrize(("base", "href"), [
    ("https://ex.com/a/b/c?q=1", "/x/../y?z#f"), ("https://ex.com", "/a"),
    ("https://ex.com:8080/a/", "/b/./c"), ("https://u@ex.com/a", "/b"),
    ("https://ex.com/a?b=/c", "/d"), ("https://ex.com?x=/y", "/d"), ("https://ex.com#/y", "/d"),
    ("HTTPS://EX.com/a", "/d"), ("https://ex.com/a/b", "c/d"), ("https://ex.com/a/b", "//cdn.x/y"),
    ("https://ex.com/a/b", "https://other.org/z"), ("https://ex.com/a/b", "?page=2"),
])
def test_remembered_joins_are_urljoins(base: str, href: str) -> None:
    from urllib.parse import urljoin

    from crawler.extraction.classify import _join

    assert _join(base, href) == urljoin(base, href)
