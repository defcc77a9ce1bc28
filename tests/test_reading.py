"""read_page: one read of a page with no side effects, and the field registry it answers to."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from crawler.archive import Archive
from crawler.archive.diff import content_hash
from crawler.archive.exports import ARCHIVE_COLUMNS, KEY_COLUMNS
from crawler.cli import cli
from crawler.datasette import metadata
from crawler.extraction import (
    WHY_LISTING,
    WHY_LISTING_URL,
    WHY_NO_TEXT,
    Page,
    classify_links,
    read_page,
)
from crawler.items import (
    CONTENT_FIELDS,
    DESCRIPTIONS,
    EXPORT_FIELDS,
    FIELDS,
    READ_FIELDS,
    SELECTOR_FIELDS,
    VERSION_FIELDS,
    Article,
    check_types,
)
from crawler.profiles import ProfileError, parse_profile, profile_for_url

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SITE = "https://coast.example"
STORY = f"{SITE}/2024/03/05/harbour-wall-repaired-after-storm/"
SITES = frozenset({"coast.example"})
ARTICLE = """<html lang="en"><head><title>Harbour wall repaired - Coast News</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-03-05T09:00:00Z"></head><body>
<nav class="menu"><a href="/world/">World</a> <a href="/category/sport/">Sport</a></nav>
<article><h1>Harbour wall repaired after storm</h1>
<p>The harbour wall that the February storm broke in two places was repaired this week by
a team of twelve.</p>
<p>Engineers from the council worked through the night on Tuesday to pour the concrete
before the next tide came in.</p>
<p>Fishermen said the repair came just in time for the start of the season, which begins
on the first of April.</p>
<aside class="related"><h3>Related</h3><ul>
<li><a href="/2024/03/01/storm-closes-the-coast-road-for-three-days/">Storm closes the
coast road</a></li>
<li><a href="/2024/02/28/council-votes-money-for-the-harbour-wall/">Council votes money</a>
</li></ul></aside></article>
<div class="sidebar"><a href="/2024/03/04/lifeboat-crew-rescues-two-walkers/">Lifeboat crew
rescues two walkers</a></div></body></html>"""


def test_an_article_pages_links_are_all_found() -> None:
    reading = read_page(ARTICLE, STORY, None, SITES)
    assert reading.is_article and reading.why == ""
    fresh = classify_links(ARTICLE, STORY, SITES)
    assert reading.links == fresh
    assert len(fresh.articles) == 3 and len(fresh.listings) == 2


def test_reading_the_body_leaves_the_page_whole() -> None:
    page = Page(ARTICLE, STORY)
    before = etree.tostring(page.tree)
    assert "harbour wall" in page.body
    assert etree.tostring(page.tree) == before
    fresh = Page(ARTICLE, STORY)
    for name in ("title", "summary", "authors", "published", "section", "structure"):
        assert getattr(page, name) == getattr(fresh, name), name


def test_every_golden_page_is_whole_after_its_body_is_read() -> None:
    for html, url in _golden_pages():
        page = Page(html, url, profile_for_url(url))
        before = etree.tostring(page.tree)
        assert page.body, url
        assert etree.tostring(page.tree) == before, url
        assert page.title == Page(html, url, profile_for_url(url)).title, url


def test_reading_decides_once_and_says_why() -> None:
    listing = read_page(ARTICLE, f"{SITE}/category/sport/", None, SITES)
    assert (listing.is_article, listing.why) == (False, WHY_LISTING_URL)
    assert listing.links.articles  # a listing's links are sorted too
    teasers = "".join(
        f'<h2><a href="/2024/03/0{i}/story-number-{i}-of-the-day/">Story {i}</a></h2>'
        for i in range(1, 10)
    )
    home = read_page(f"<html><body>{teasers}</body></html>", f"{SITE}/local-news-today/")
    assert (home.is_article, home.why) == (False, WHY_LISTING)
    empty = read_page(
        '<html><head><meta property="og:type" content="article">'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>'
        "<body><h1>Headline only</h1></body></html>",
        STORY,
    )
    assert (empty.is_article, empty.why) == (False, WHY_NO_TEXT)


def test_the_crawl_leaves_a_listings_body_unread() -> None:
    url = f"{SITE}/category/sport/"
    assert read_page(ARTICLE, url).article["body"]
    assert read_page(ARTICLE, url, listing_body=False).article["body"] == ""
    story = read_page(ARTICLE, STORY, listing_body=False).article
    assert story == read_page(ARTICLE, STORY).article


def _golden_pages() -> list[tuple[str, str]]:
    from scrapy.http import HtmlResponse

    pages = []
    for path in sorted(GOLDEN.glob("*.html")):
        spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        headers = {"Content-Type": spec.get("content_type", "text/html")}
        response = HtmlResponse(spec["url"], body=path.read_bytes(), headers=headers)
        pages.append((response.text, spec["url"]))
    return pages


def test_every_field_read_has_the_registrys_type() -> None:
    demo = pytest.importorskip("crawler.demo.site")
    pages = [*_golden_pages(), (ARTICLE, STORY)]
    for theme in (demo.DigestSite(), demo.LedgerSite()):
        for url in list(theme.expected())[:5]:
            pages.append((theme.handle(url[len(theme.base_url):]).body.decode("utf-8"), url))
    assert len(pages) > 20
    present = set()
    for html, url in pages:
        article = read_page(html, url, profile_for_url(url)).article
        assert tuple(article) == READ_FIELDS, url
        assert check_types(article) == [], url
        present |= {name for name, value in article.items() if value not in (None, "", [])}
    assert present == set(READ_FIELDS)  # each field's type was checked on a value


def test_check_types_names_a_wrong_type() -> None:
    article = read_page(ARTICLE, STORY).article
    assert check_types({**article, "authors": "Ann Lee", "title": 3}) == [
        "title: int, not str", "authors: str, not list"]


def test_the_article_item_holds_every_registry_field() -> None:
    item = Article(**read_page(ARTICLE, STORY).article)
    assert list(item.to_dict()) == [f.name for f in FIELDS]


def test_export_columns_are_the_registrys(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    with Archive.open(path) as archive:
        crawl = archive.start_crawl("news", [SITE])
        archive.save(read_page(ARTICLE, STORY).article, crawl)
        archive.finish_crawl(crawl, "finished", {}, {})
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--db", str(path)])
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(result.output)))
    assert set(EXPORT_FIELDS) <= set(header)
    assert not set(header) - set(EXPORT_FIELDS) - set(KEY_COLUMNS) - set(ARCHIVE_COLUMNS)
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(versions)")}
    assert set(VERSION_FIELDS) <= columns
    row = sqlite3.connect(path).execute("SELECT title, body FROM versions").fetchone()
    assert row[0] == "Harbour wall repaired after storm" and "tide" in row[1]


def test_the_content_hash_covers_the_content_fields_only() -> None:
    article = read_page(ARTICLE, STORY).article
    for name in VERSION_FIELDS:
        changed = {**article, name: ["Someone Else"] if name == "authors" else "changed"}
        assert (content_hash(changed) != content_hash(article)) is (name in CONTENT_FIELDS), name


def test_profiles_may_select_the_selector_fields_only() -> None:
    selectors = {name: ["h1"] for name in SELECTOR_FIELDS}
    assert parse_profile({"name": "case", "domains": ["x.com"], "selectors": selectors})
    with pytest.raises(ProfileError, match="unknown fields lang"):
        parse_profile({"name": "case", "domains": ["x.com"], "selectors": {"lang": ["h1"]}})


def test_datasette_describes_the_versions_item_columns_from_the_registry() -> None:
    columns = metadata()["databases"]["archive"]["tables"]["versions"]["columns"]
    for name in VERSION_FIELDS:
        assert columns[name] == DESCRIPTIONS[name]
