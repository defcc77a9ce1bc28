"""One page must not stall or kill the crawl: a tag with 250,000 attributes, JSON-LD nested
1,500 deep, sitemaps without end, a robots.txt of 50 MB."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO_ROOT, ArchiveReader, _env, run_crawl
from security_site import Page, SecuritySite, article, serve_site

from crawler.discovery import MAX_SITEMAP_ENTRIES, bounded_robots_txt
from crawler.extraction import read_page
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
    fields = read_page(html, "http://news.test/2025/10/01/bomb/").article
    assert time.monotonic() - started < 10
    assert f'a{MAX_ATTRIBUTES - 1}="x"' in bounded and f'a{MAX_ATTRIBUTES}="x"' not in bounded
    assert "after the bomb" in bounded and fields["title"] == "The bomb"
    assert bounded_markup(html.encode()) == bounded.encode()
    normal = article("Normal", '<p class="a" id="b" data-x="1">x</p>' * 5000)
    assert bounded_markup(normal) is normal


def test_deep_json_ld_loses_neither_the_page_nor_its_links() -> None:
    links = '<a href="/2025/10/01/a-story/">A story</a><a href="/world/">World</a>'
    home = f"<html><head><title>Home</title>{deep_jsonld()}</head><body>{links}</body></html>"
    reading = read_page(home, "http://news.test/", None, frozenset({"news.test"}))
    assert reading.links.articles == ["http://news.test/2025/10/01/a-story/"]
    story = article("Deep story", head=deep_jsonld())
    assert read_page(story, "http://news.test/2025/10/01/deep/").article["title"] == "Deep story"


def test_json_ld_padded_with_a_megabyte_of_blanks_is_read_in_linear_time() -> None:
    """A JSON-LD script whose object is followed by a million blanks and a stray character:
    unwrapping its <![CDATA[ ]]> or <!-- --> marks must not try every blank (a pattern anchored
    at the end would, for hours); the page reads within the bound of the other bombs."""
    ld = json.dumps({"@type": "NewsArticle", "datePublished": "2025-10-01T09:00:00+02:00"})
    for padded in (f"<![CDATA[{ld}{' ' * 1_000_000}x", f"{' ' * 1_000_000}<!--{ld}-->"):
        html = article("Padded", head=f'<script type="application/ld+json">{padded}</script>')
        started = time.monotonic()
        fields = read_page(html, "http://news.test/2025/10/01/padded/").article
        assert time.monotonic() - started < 10
        assert fields["title"] == "Padded"
    assert fields["published"] == "2025-10-01T09:00:00+02:00"


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


def urlset(urls: list[str], lastmod: str = "2025-10-01") -> str:
    locs = "".join(f"<url><loc>{url}</loc><lastmod>{lastmod}</lastmod></url>" for url in urls)
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>")


def index(url: str) -> str:
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9"><sitemap><loc>{url}</loc></sitemap></sitemapindex>')


# Parses a generated sitemap of N URLs; prints kept, dropped and the parse's growth of peak memory.
SITEMAP_PROBE = """
import resource, sys
from crawler.discovery import parse_sitemap
n = int(sys.argv[1])
data = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>http://news.test/2001/01/01/story-{i}/</loc>"
                  f"<lastmod>2001-01-01</lastmod></url>" for i in range(n))
        + "</urlset>").encode()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sitemap = parse_sitemap(data, "http://news.test/sitemap.xml")
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(len(sitemap.entries), sitemap.dropped, grown * 1024, sitemap.entries[-1].url)
"""


def test_a_sitemap_flood_is_read_as_a_stream_and_cut_at_50000() -> None:
    count = 120_000
    done = subprocess.run([sys.executable, "-c", SITEMAP_PROBE, str(count)], cwd=REPO_ROOT,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    kept, dropped, grown, last = done.stdout.split()
    assert (int(kept), int(dropped)) == (MAX_SITEMAP_ENTRIES, count - MAX_SITEMAP_ENTRIES)
    assert last == f"http://news.test/2001/01/01/story-{MAX_SITEMAP_ENTRIES - 1}/"
    assert int(grown) < 40 * 1024 * 1024, f"reading the sitemap took {int(grown) >> 20} MiB"
    print(f"\n{count:,}-URL sitemap read with {int(grown) >> 20} MiB more peak memory")


def test_sitemap_indexes_nest_a_few_levels_at_most_and_the_summary_counts_the_rest(
        tmp_path: Path) -> None:
    site = SecuritySite({"/": Page(article("Home"))})
    levels = 40
    for level in range(levels):
        site.pages[f"/sitemap-{level}.xml"] = Page(
            index(site.url(f"/sitemap-{level + 1}.xml")) if level < levels - 1 else "",
            content_type="application/xml")
    site.pages["/flood.xml"] = Page(urlset(
        [f"/2025/10/01/flood-{n}/" for n in range(500)], "2001-01-01"),
        content_type="application/xml")
    with serve_site(site):
        site.pages["/robots.txt"] = Page(
            f"User-agent: *\nSitemap: {site.url('/sitemap-0.xml')}\n"
            f"Sitemap: {site.url('/flood.xml')}\n", content_type="text/plain")
        for level in range(levels):  # the index children need the port, known only now
            site.pages[f"/sitemap-{level}.xml"].body = index(site.url(f"/sitemap-{level + 1}.xml"))
        done = run_crawl(site.url("/"), tmp_path / "archive.db", "-a", "backfill=1",
                         "-s", "NEWS_SITEMAP_MAX_ENTRIES=100", "-s", "NEWS_MAX_HOPS=0")
    fetched = [level for level in range(levels) if site.requested(f"/sitemap-{level}.xml")]
    assert fetched == [0, 1, 2], fetched
    stats = json.loads(ArchiveReader(tmp_path / "archive.db").last_crawl()["stats"])
    assert stats["bounds/sitemaps_too_deep"] == 1
    assert stats["bounds/sitemap_entries_dropped"] == 400
    assert "400 sitemap entries dropped at their bounds" in done.stdout
    assert "1 nested sitemap indexes not followed" in done.stdout


def test_a_robots_txt_is_cut_to_whole_lines_and_a_bounded_number_of_rules() -> None:
    body = b"User-agent: *\nDisallow: /private/\n" + b"Disallow: /*a*b*c*d$\n" * 100_000
    cut = bounded_robots_txt(body, 500 * 1024, 20_000)
    assert cut.startswith(b"User-agent: *\nDisallow: /private/\n") and cut.endswith(b"$\n")
    assert cut.count(b"Disallow") == 20_000
    assert len(bounded_robots_txt(body, 1000, 10**6)) <= 1000
    assert bounded_robots_txt(b"User-agent: *\nAllow: /\n", 1000, 10) == (
        b"User-agent: *\nAllow: /\n")


def test_a_huge_robots_txt_is_obeyed_for_its_first_500_kib(tmp_path: Path) -> None:
    rules = b"".join(b"Disallow: /*w%d*z$\n" % n for n in range(1_200_000))
    assert len(rules) > 20 * 1024 * 1024  # past DOWNLOAD_MAXSIZE: dropped whole, until now
    site = SecuritySite({
        "/robots.txt": Page(b"User-agent: *\nDisallow: /private/\n" + rules,
                            content_type="text/plain"),
        "/": Page(article("Home", '<a href="/private/2025/10/01/secret-story/">secret</a>'
                          '<a href="/2025/10/01/open-story/">open</a>')),
        "/2025/10/01/open-story/": Page(article("Open story")),
        "/private/2025/10/01/secret-story/": Page(article("Secret story")),
    })
    with serve_site(site):
        done = run_crawl(site.url("/"), tmp_path / "archive.db", "-s", "LOG_LEVEL=DEBUG")
    assert site.requested("/2025/10/01/open-story/"), done.stderr[-3000:]
    assert not site.requested("/private/2025/10/01/secret-story/")
    assert "Forbidden by robots.txt" in done.stderr
