"""The sample news sites: every story page extracts to exactly the site's ground truth."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from crawler.extraction import clean_item, extract
from crawler.profiles import load_profile

demo = pytest.importorskip("crawler.demo.site")


@pytest.mark.parametrize("theme", ["DigestSite", "LedgerSite"])
@pytest.mark.parametrize("churns", [0, 2])
def test_every_story_matches_the_ground_truth(theme: str, churns: int) -> None:
    site = getattr(demo, theme)()
    for _ in range(churns):
        site.churn()
    for url, expected in site.expected().items():
        html = site.handle(url[len(site.base_url) :]).body.decode("utf-8")
        item = clean_item(extract(html, url))
        assert {k: item[k] for k in asdict(expected)} == asdict(expected), url
        assert item["is_article"] is True


def test_the_profile_reads_the_wordpress_theme_the_same() -> None:
    site = demo.DigestSite()
    profile = load_profile("arabdailydigital")
    for url, expected in site.expected().items():
        html = site.handle(url[len(site.base_url) :]).body.decode("utf-8")
        item = clean_item(extract(html, url, profile), profile)
        assert item["body"] == expected.body, url
