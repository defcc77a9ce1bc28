"""One page must not stall or kill the crawl: a tag with 250,000 attributes, JSON-LD nested
1,500 deep, sitemaps without end, a robots.txt of 50 MB."""

from __future__ import annotations

import json
import time
from pathlib import Path

from conftest import ArchiveReader, run_crawl
from security_site import Page, SecuritySite, article, serve_site

from crawler.extraction import extract
from crawler.extraction.bounds import MAX_ATTRIBUTES, bounded_markup

BOMB_ATTRIBUTES = 250_000
DEEP = 1_500  # nested JSON-LD arrays: past Python's recursion limit
SMALL = [f"/2025/10/0{n}/small-story-{n}/" for n in range(1, 6)]


def attribute_bomb() -> str:
    attributes = " ".join(f'a{n}="x"' for n in range(BOMB_ATTRIBUTES))
    return article("The bomb", f"<div {attributes}>after the bomb</div>")


def deep_jsonld() -> str:
    return f'<script type="application/ld+json">{"[" * DEEP}{"]" * DEEP}</script>'


def test_a_tag_is_cut_to_its_first_attributes_and_the_rest_of_the_page_is_kept() -> None:
    html = attribute_bomb()
    assert len(html) > 2_800_000
    started = time.monotonic()
    bounded = bounded_markup(html)
    fields = extract(html, "http://news.test/2025/10/01/bomb/")
    assert time.monotonic() - started < 10
    assert f'a{MAX_ATTRIBUTES - 1}="x"' in bounded and f'a{MAX_ATTRIBUTES}="x"' not in bounded
    assert "after the bomb" in bounded and fields["title"] == "The bomb"
    assert bounded_markup(html.encode()) == bounded.encode()
    normal = article("Normal", '<p class="a" id="b" data-x="1">x</p>' * 5000)
    assert bounded_markup(normal) is normal


def test_deep_json_ld_loses_neither_the_page_nor_its_links() -> None:
    links = '<a href="/2025/10/01/a-story/">A story</a><a href="/world/">World</a>'
    home = f"<html><head><title>Home</title>{deep_jsonld()}</head><body>{links}</body></html>"
    fields = extract(home, "http://news.test/", None, {"news.test"})
    assert fields["links"].articles == ["http://news.test/2025/10/01/a-story/"]
    story = article("Deep story", head=deep_jsonld())
    assert extract(story, "http://news.test/2025/10/01/deep/")["title"] == "Deep story"


def test_a_crawl_of_five_pages_a_bomb_and_deep_json_ld_ends_within_a_minute(
        tmp_path: Path) -> None:
    links = "".join(f'<a href="{path}">story {n}</a>' for n, path in enumerate(SMALL))
    links += '<a href="/2025/10/01/the-bomb/">bomb</a><a href="/2025/10/01/deep-story/">deep</a>'
    site = SecuritySite({
        "/": Page(f"<html><head><title>Home</title>{deep_jsonld()}</head>"
                  f"<body>{links}</body></html>"),
        "/robots.txt": Page("User-agent: *\n", content_type="text/plain"),
        "/2025/10/01/the-bomb/": Page(attribute_bomb()),
        "/2025/10/01/deep-story/": Page(article("Deep story", head=deep_jsonld())),
        **{path: Page(article(f"Small story {n}")) for n, path in enumerate(SMALL)},
    })
    archive = tmp_path / "archive.db"
    with serve_site(site):
        started = time.monotonic()
        run_crawl(site.url("/"), archive, timeout=120)
        seconds = time.monotonic() - started
    titles = {row["title"] for row in ArchiveReader(archive).latest().values()}
    assert {f"Small story {n}" for n in range(5)} <= titles, titles
    assert "Deep story" in titles
    assert seconds < 60, f"the crawl took {seconds:.0f} s"
    print(f"\nfive pages, a bomb and deep JSON-LD crawled in {seconds:.1f} s")
    assert json.loads(ArchiveReader(archive).last_crawl()["stats"])
