"""The sample news sites: every story page extracts to exactly the site's ground truth."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from crawler.extraction import classify_links, read_page
from crawler.profiles import load_profile
from crawler.urls import site_of

demo = pytest.importorskip("crawler.demo.site")


@pytest.mark.parametrize("theme", ["DigestSite", "LedgerSite"])
@pytest.mark.parametrize("churns", [0, 2])
def test_every_story_matches_the_ground_truth(theme: str, churns: int) -> None:
    site = getattr(demo, theme)()
    for _ in range(churns):
        site.churn()
    for url, expected in site.expected().items():
        html = site.handle(url[len(site.base_url) :]).body.decode("utf-8")
        reading = read_page(html, url)
        item = reading.article
        assert {k: item[k] for k in asdict(expected)} == asdict(expected), url
        assert reading.is_article is True


def test_the_profile_reads_the_wordpress_theme_the_same() -> None:
    site = demo.DigestSite()
    profile = load_profile("arabdailydigital")
    for url, expected in site.expected().items():
        html = site.handle(url[len(site.base_url) :]).body.decode("utf-8")
        item = read_page(html, url, profile).article
        assert item["body"] == expected.body, url


@pytest.mark.parametrize("theme", ["DigestSite", "LedgerSite"])
def test_links_and_pages_sort_the_site(theme: str) -> None:
    site = getattr(demo, theme)()
    base = site.base_url
    sites = frozenset({site_of(base)})
    kinds: dict[str, str] = {}
    queue, seen = [base + "/"], set()
    while queue:
        url = queue.pop(0)
        if url in seen or "/private/" in url:  # robots.txt forbids /private/
            continue
        seen.add(url)
        response = site.handle(url[len(base) :])
        if response.status != 200 or b"<html" not in response.body[:500].lower():
            continue
        links = classify_links(response.body.decode("utf-8"), url, sites)
        for kind, found in (("article", links.articles), ("listing", links.listings)):
            for link in found:
                kinds.setdefault(link, kind)
        for link in links.pagination:
            kinds.setdefault(link, "listing")
        queue += links.articles + links.listings + links.pagination
    stories = set()
    for url, kind in kinds.items():
        response = site.handle(url[len(base) :])
        if response.status != 200 or "/private/" in url:
            continue
        reading = read_page(response.body.decode("utf-8"), url)
        assert reading.is_article is (kind == "article"), url
        if kind == "article":
            stories.add(reading.article["url"])
    assert stories == set(site.expected())
