"""The first known site: the real seed page's text, run through both passes.

The seed file lives outside the repository (../shared/seeds relative to the repo root);
these tests skip when it is absent.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from crawler.extraction import clean_item, read_page
from crawler.extraction.text import join_paragraphs, split_paragraphs
from crawler.profiles import load_profile

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_19864855a68971d0.txt"
URL = "https://arabdailydigital.com/big-diplomatic-push-to-tackle-illegal-migration/"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="seed page not available")


def _seed() -> dict:
    paragraphs = split_paragraphs(SEED.read_text(encoding="utf-8"))  # one paragraph a line
    end = paragraphs.index("Previous Story")
    latest = next(i for i, p in enumerate(paragraphs) if p.startswith("Latest from"))
    return {
        "date_bar": paragraphs[0],
        "date": paragraphs[1],
        "read_time": paragraphs[2],
        "title": paragraphs[3],
        "summary": paragraphs[4],
        "body": paragraphs[5:end],
        "previous": paragraphs[end + 1],
        "next": paragraphs[end + 3],
        "latest_heading": paragraphs[latest],
        "teasers": paragraphs[latest + 1 : latest + 11],
        "all": paragraphs,
    }


def _wordpress_page(seed: dict) -> str:
    """The seed's parts in the markup of a typical WordPress news theme."""
    teasers = seed["teasers"]
    teaser_html = "".join(
        f'<article class="jeg_post"><h3 class="jeg_post_title">'
        f'<a href="/story-{i}/">{escape(t)}</a>'
        f'</h3><div class="jeg_post_excerpt"><p>{escape(x)}</p></div></article>'
        for i, (t, x) in enumerate(zip(teasers[::2], teasers[1::2], strict=False))
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in seed["body"])
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(seed["title"])} - Arab Daily Digital</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="Arab Daily Digital">
<meta property="article:published_time" content="2025-08-22T10:00:00+00:00">
<meta name="description" content="{escape(seed["summary"])}">
<link rel="canonical" href="{URL}"></head>
<body class="single single-post">
<div class="jeg_topbar"><div class="jeg_top_date">{escape(seed["date_bar"])}</div></div>
<header class="jeg_header"><nav class="jeg_navbar"><ul class="jeg_menu">
<li><a href="/category/top-news/">Top News</a></li></ul></nav></header>
<div class="jeg_main"><div class="jeg_content"><div class="jeg_inner_content">
<div class="entry-header"><div class="jeg_meta_container"><div class="jeg_post_meta">
<div class="jeg_meta_date"><a href="{URL}">{escape(seed["date"])}</a></div>
<div class="jeg_meta_reading_time"><span>{escape(seed["read_time"])}</span></div></div></div>
<h1 class="jeg_post_title">{escape(seed["title"])}</h1>
<h2 class="jeg_post_subtitle">{escape(seed["summary"])}</h2></div>
<div class="jeg_share_top_container"><a href="#">Share</a></div>
<div class="entry-content no-share"><div class="content-inner">{body}</div></div>
<div class="jeg_prevnext_post">
<a href="/prev/" class="post prev-post"><span class="caption">Previous Story</span>
<h3 class="post-title">{escape(seed["previous"])}</h3></a>
<a href="/next/" class="post next-post"><span class="caption">Next Story</span>
<h3 class="post-title">{escape(seed["next"])}</h3></a></div>
<div class="jnews_related_post_container"><div class="jeg_postblock_22 jeg_postblock">
<div class="jeg_block_heading"><h3 class="jeg_block_title">
<span>{escape(seed["latest_heading"])}</span></h3></div>
{teaser_html}</div></div></div></div>
<div class="jeg_sidebar"><div class="widget"><h3>Don't Miss</h3></div></div></div>
<a href="#top" class="jscroll-to-top">Go to<span>Top</span></a>
</body></html>"""


def test_text_pass_keeps_only_the_article_of_the_naive_text() -> None:
    seed = _seed()
    fields = {
        "title": seed["title"],
        "summary": seed["summary"],
        "body": join_paragraphs(seed["all"]),
    }
    # the seed's summary is its standfirst, shown under the headline
    assert clean_item(fields, standfirst=seed["summary"])["body"] == join_paragraphs(seed["body"])


@pytest.mark.parametrize("profile_name", [None, "arabdailydigital"])
def test_seed_page_in_wordpress_markup(profile_name: str | None) -> None:
    seed = _seed()
    profile = load_profile(profile_name) if profile_name else None
    reading = read_page(_wordpress_page(seed), URL, profile)
    item = reading.article
    assert item["body"] == join_paragraphs(seed["body"])
    assert item["title"] == seed["title"]
    assert item["summary"] == seed["summary"]
    assert item["published"] == "2025-08-22T10:00:00+00:00"
    assert reading.is_article is True
    assert item["url"] == URL
