"""The sample news sites and their server: pages, churn, edits, redirects, robots.txt."""

from __future__ import annotations

import html
import http.client
import json
import re
import statistics
import time
import urllib.request
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from parsel import Selector

from crawler.demo import DigestSite, HeavySite, LedgerSite, LegacySite, NewsSite, SeedPage, serve
from crawler.demo.site import MODULE_MARKERS, Response, esc, slugify

THEMES = [DigestSite, LedgerSite]
# Where each theme prints the story's paragraphs, and the boxes it puts among them.
STORY_PARAGRAPHS = {
    "digest": "div.entry-content > p:not(.ad-copy)",
    "ledger": "div.story__body > p:not(.read-more)",
}


def get(site: NewsSite, path: str) -> Response:
    return site.handle(path)


def page(site: NewsSite, path: str) -> Selector:
    response = get(site, path)
    assert response.status == 200, path
    return Selector(text=response.body.decode("utf-8"))


def paragraphs(site: NewsSite, path: str) -> list[str]:
    return [p.xpath("string()").get() for p in page(site, path).css(STORY_PARAGRAPHS[site.theme])]


def location(response: Response) -> str:
    return dict(response.headers)["Location"]


def links(selector: Selector) -> list[str]:
    return selector.css("a::attr(href)").getall()


def linked_paths(selector: Selector) -> set[str]:
    return {urlsplit(href).path for href in links(selector)}


@pytest.mark.parametrize("theme", THEMES)
def test_stories_are_deterministic_by_seed(theme: type[NewsSite]) -> None:
    one, again, other = theme(seed=1), theme(seed=1), theme(seed=2)
    assert [s.body for s in one.stories] == [s.body for s in again.stories]
    assert [s.title for s in one.stories] != [s.title for s in other.stories]
    assert get(one, "/").body == get(again, "/").body


@pytest.mark.parametrize("theme", THEMES)
def test_stories_look_like_news(theme: type[NewsSite]) -> None:
    site = theme()
    live = site.live_stories()
    assert len(live) == 16
    assert len({s.section for s in live}) >= 2
    assert len(live) > 2 * site.per_page  # listings need pagination
    assert len({s.title for s in live}) == len(live)
    assert len({site.path(s) for s in site.stories}) == len(site.stories)
    for story in live:
        assert 5 <= len(story.paragraphs) <= 12
        assert len(story.body) > 300
        assert story.body == "\n\n".join(story.paragraphs)
        for marker in MODULE_MARKERS:
            assert marker not in story.body + story.title + story.summary
        for other in live:
            assert other.title not in story.body


@pytest.mark.parametrize("theme", THEMES)
def test_article_pages_show_the_ground_truth(theme: type[NewsSite]) -> None:
    site = theme()
    expected = site.expected()
    assert len(expected) == 16
    for story in site.live_stories():
        truth = expected[site.url(story)]
        selector = page(site, site.path(story))
        assert paragraphs(site, site.path(story)) == story.paragraphs
        assert "\n\n".join(paragraphs(site, site.path(story))) == truth.body
        assert selector.css("h1::text").get() == truth.title
        assert selector.css("link[rel=canonical]::attr(href)").get() == truth.url
        assert truth.summary in selector.get()


def test_digest_page_has_the_real_page_modules() -> None:
    site = DigestSite()
    story = site.live_stories()[4]
    selector = page(site, site.path(story))
    text = selector.xpath("string(//body)").get()
    for module in ("Today: 6 October 2025", "mins read", "Previous Story", "Next Story",
                   f"Latest from -{story.section}", "Go toTop", "Don't Miss", "Advertisement"):
        assert module in text
    assert selector.css("body.single-post")
    assert len(selector.css(".latest-from article")) == 5
    assert selector.css('meta[property="og:type"]::attr(content)').get() == "article"
    assert selector.css('meta[property="article:published_time"]::attr(content)').get() == (
        story.published.isoformat()
    )
    assert selector.css("link[rel=shortlink]::attr(href)").get() == f"{site.base_url}/?p={story.id}"


def test_digest_has_articles_without_article_metadata() -> None:
    site = DigestSite()
    bare = [s for s in site.live_stories() if s.metadata != "full"]
    assert {s.metadata for s in bare} == {"website", "none"}
    for story in bare:
        selector = page(site, site.path(story))
        assert not selector.css('meta[property="article:published_time"]')
        assert selector.css('meta[property="og:type"]::attr(content)').get() in (None, "website")
        assert selector.css("time.published::attr(datetime)").get() == story.published.isoformat()


def test_ledger_page_has_json_ld_amp_and_inline_boxes() -> None:
    site = LedgerSite()
    story = next(s for s in site.live_stories() if len(s.authors) > 1 and len(s.paragraphs) > 5)
    selector = page(site, site.path(story))
    graph = json.loads(selector.css('script[type="application/ld+json"]::text').get())
    article = next(n for n in graph["@graph"] if n["@type"] == "NewsArticle")
    assert article["headline"] == story.title
    assert [a["name"] for a in article["author"]] == story.authors
    assert article["datePublished"] == story.published.isoformat()
    assert not selector.css(".entry-content, .entry-title, .hentry")
    text = selector.xpath("string(//body)").get()
    for module in ("Read more:", "Advertisement", "Most read", "Sign up for our free newsletter",
                   "shares", "About the author"):
        assert module in text
    amp = selector.css("link[rel=amphtml]::attr(href)").get()
    assert amp == site.url(story) + "/amp"
    amp_page = page(site, urlsplit(amp).path)
    assert amp_page.css("link[rel=canonical]::attr(href)").get() == site.url(story)
    amp_paragraphs = amp_page.css("div.amp-story__body > p:not(.read-more)")
    assert [p.xpath("string()").get() for p in amp_paragraphs] == story.paragraphs


def test_ledger_listing_links_carry_tracking_and_fragments() -> None:
    site = LedgerSite()
    hrefs = links(page(site, "/")) + links(page(site, "/section/politics"))
    assert any("utm_source=" in h for h in hrefs)
    assert any("fbclid=" in h for h in hrefs)
    assert any("#" in h and h.startswith("/news/") for h in hrefs)
    assert any(h.endswith("/amp") for h in hrefs)


@pytest.mark.parametrize("theme", THEMES)
def test_churn_changes_modules_but_not_stories(theme: type[NewsSite]) -> None:
    site = theme()
    story = site.live_stories()[3]
    before_truth = site.expected()
    before = {path: get(site, path).body for path in ("/", site.path(story))}
    site.churn()
    assert site.expected() == before_truth
    for path, body in before.items():
        assert get(site, path).body != body, path
    assert paragraphs(site, site.path(story)) == story.paragraphs


def test_churn_changes_digest_date_bar_read_time_and_teasers() -> None:
    site = DigestSite()
    story = site.live_stories()[2]

    def modules() -> tuple[str, str, list[str]]:
        selector = page(site, site.path(story))
        return (
            selector.css(".date-bar ::text").get(),
            selector.css(".read-time::text").get(),
            selector.css(".latest-from h4 a::text").getall(),
        )

    first = modules()
    site.churn()
    second = modules()
    assert first[0] == "Today: 6 October 2025" and second[0] == "Today: 7 October 2025"
    assert first[1] != second[1]
    assert first[2] != second[2]


@pytest.mark.parametrize("theme", THEMES)
def test_edits_change_the_story_and_its_ground_truth(theme: type[NewsSite]) -> None:
    site = theme()
    story = site.live_stories()[5]
    site.edit_body(story.id, lambda old: [*old[:-1], "A correction was added on Friday."])
    assert site.expected()[site.url(story)].body.endswith("\n\nA correction was added on Friday.")
    assert paragraphs(site, site.path(story))[-1] == "A correction was added on Friday."
    site.edit_title(story.slug, "A new headline for the story")
    assert page(site, site.path(story)).css("h1::text").get() == "A new headline for the story"
    assert site.expected()[site.url(story)].title == "A new headline for the story"


@pytest.mark.parametrize("theme", THEMES)
def test_added_removed_and_moved_stories(theme: type[NewsSite]) -> None:
    site = theme()
    added = site.add_story()
    assert site.path(added) in linked_paths(page(site, "/"))
    assert site.url(added) in site.expected()

    removed = site.live_stories()[1]
    site.remove_story(removed)
    assert get(site, site.path(removed)).status == 404
    assert site.path(removed) not in linked_paths(page(site, "/"))
    assert site.url(removed) not in site.expected()

    moved = site.live_stories()[2]
    old_path = site.path(moved)
    site.move_story(moved, "a-brand-new-slug")
    response = get(site, old_path)
    assert response.status == 301
    assert location(response) == site.url(moved)
    assert "a-brand-new-slug" in site.url(moved)
    assert get(site, site.path(moved)).status == 200


def test_digest_redirects_like_wordpress() -> None:
    site = DigestSite()
    story = site.live_stories()[0]
    shortlink = get(site, f"/?p={story.id}")
    assert shortlink.status == 301 and location(shortlink) == site.url(story)
    assert get(site, "/?p=1").status == 404
    no_slash = get(site, site.path(story).rstrip("/"))
    assert no_slash.status == 301 and location(no_slash) == site.url(story)
    assert location(get(site, "/page/1/")) == f"{site.base_url}/"


def test_ledger_redirects_any_slug_to_the_story() -> None:
    site = LedgerSite()
    story = site.live_stories()[0]
    response = get(site, f"/news/politics/whatever-{story.id}")
    assert response.status == 301 and location(response) == site.url(story)
    assert get(site, f"/news/politics/whatever-{story.id}/amp").status == 301


@pytest.mark.parametrize(
    ("theme", "listing", "page_two", "page_four"),
    [
        (DigestSite, "/", "/page/2/", "/page/4/"),
        (DigestSite, "/category/top-news/", "/category/top-news/page/2/", None),
        (LedgerSite, "/section/politics", "/section/politics?page=2", None),
    ],
)
def test_listings_paginate(theme: type[NewsSite], listing: str, page_two: str,
                           page_four: str | None) -> None:
    site = theme()
    first = page(site, listing)
    assert page_two in links(first)
    assert first.css("link[rel=next]::attr(href)").get() == site.base_url + page_two
    last = page(site, page_four or page_two)
    assert not last.css("link[rel=next]")
    beyond = page_two.replace("2", "9")
    assert get(site, beyond).status == 404


@pytest.mark.parametrize(("theme", "path"), [(DigestSite, "/page/{n}/"),
                                             (LedgerSite, "/section/politics?page={n}")])
def test_endless_pagination_links_on_forever(theme: type[NewsSite], path: str) -> None:
    site = theme()
    site.endless_pagination = True
    selector = page(site, path.format(n=50))
    assert path.format(n=51) in links(selector)
    real = {site.path(s) for s in site.live_stories()}
    cards = selector.css("h2.entry-title a::attr(href), a.story-card__link::attr(href)")
    shown = {urlsplit(href).path for href in cards.getall()}
    assert shown and shown <= real


def test_ledger_listing_has_load_more_and_next() -> None:
    selector = page(LedgerSite(), "/section/politics")
    assert selector.css("a.load-more::text").get() == "Load more"
    assert selector.css("a[rel=next]::text").get() == "Next"


@pytest.mark.parametrize("theme", THEMES)
def test_robots_txt_forbids_the_private_story_linked_from_home(theme: type[NewsSite]) -> None:
    site = theme()
    robots = get(site, "/robots.txt")
    assert robots.status == 200 and "Disallow: /private/" in robots.body.decode()
    private = site.path(site.private)
    assert private.startswith("/private/")
    assert private in links(page(site, "/"))
    assert get(site, private).status == 200
    assert site.url(site.private) not in site.expected()


@pytest.mark.parametrize("theme", THEMES)
def test_listings_and_chrome_pages_exist(theme: type[NewsSite]) -> None:
    site = theme()
    story = site.live_stories()[0]
    author = slugify(story.authors[0])
    paths = ([f"/tag/{slugify(story.tags[0])}/", f"/author/{author}/", "/about-us/",
              "/wp-login.php"] if site.theme == "digest" else
             [f"/topic/{slugify(story.tags[0])}", f"/people/{author}", "/about"])
    for path in paths:
        assert get(site, path).status == 200, path
    assert get(site, "/no/such/page/").status == 404


SEED_TEXT = """Today: 6 October 2025
22 August 2025
3 mins read

Ministers agree a new deal

The agreement was signed on Friday…reports Staff Reporter

The first paragraph of the story, which says what happened.

The second paragraph adds a quote: “We are pleased,” a minister said.

Previous Story

An older story\u00a0

Next Story

A newer story

Latest from -Top News

First teaser title

First teaser excerpt that stops in the

Second teaser title

Second teaser excerpt
Go toTop

Don't Miss

A story not to miss

Its excerpt"""


def test_seed_page_parses_into_story_and_modules() -> None:
    seed = SeedPage.parse(SEED_TEXT)
    assert SeedPage.matches(SEED_TEXT)
    assert seed.title == "Ministers agree a new deal"
    assert seed.summary == "The agreement was signed on Friday…reports Staff Reporter"
    assert seed.paragraphs == [
        "The first paragraph of the story, which says what happened.",
        "The second paragraph adds a quote: “We are pleased,” a minister said.",
    ]
    assert (seed.previous, seed.next, seed.section) == ("An older story", "A newer story",
                                                       "Top News")
    assert seed.latest == [("First teaser title", "First teaser excerpt that stops in the"),
                           ("Second teaser title", "Second teaser excerpt")]
    assert seed.dont_miss == [("A story not to miss", "Its excerpt")]
    assert str(seed.published) == "2025-08-22" and str(seed.today) == "2025-10-06"


def test_seed_page_is_served_with_its_modules() -> None:
    site = DigestSite(count=6)
    story = site.add_seed(SeedPage.parse(SEED_TEXT))
    assert site.path(story) == "/2025/08/22/ministers-agree-a-new-deal/"
    selector = page(site, site.path(story))
    text = selector.xpath("string(//body)").get()
    assert "Today: 6 October 2025" in text
    assert "Previous Story An older story" in text
    assert "Latest from -Top News" in text
    assert "First teaser excerpt that stops in the" in text
    assert "Its excerpt" in text
    assert paragraphs(site, site.path(story)) == story.paragraphs
    assert selector.css(".entry-subtitle p::text").get() == story.summary
    expected = site.expected()[site.url(story)]
    assert expected.body == "\n\n".join(SeedPage.parse(SEED_TEXT).paragraphs)


def test_seed_file_parses_when_present(seeds_dir) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if not SeedPage.matches(text):
            continue
        seed = SeedPage.parse(text)
        assert seed.title and seed.summary and len(seed.paragraphs) >= 3
        assert not any(p.startswith(("Previous Story", "Latest from")) for p in seed.paragraphs)
        assert len(seed.latest) == 5


# The server


def fetch(url: str, method: str = "GET") -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_server_serves_the_site_and_records_requests(capfd: pytest.CaptureFixture[str]) -> None:
    site = DigestSite(count=8)
    with serve(site) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert site.base_url == server.base_url
        story = site.live_stories()[0]
        with urllib.request.urlopen(server.url(site.path(story))) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert story.paragraphs[0].split()[-1].encode() in response.read()
        moved = fetch(server.url(f"/?p={story.id}"))
        assert moved.status == 301 and moved.getheader("Location") == site.url(story)
        assert fetch(server.url("/nothing-here/")).status == 404
        head = fetch(server.url("/robots.txt"), "HEAD")
        assert head.status == 200 and head.body == b""
        assert server.requests == [site.path(story), f"/?p={story.id}", "/nothing-here/",
                                   "/robots.txt"]
        assert server.requested("/?p=") == [f"/?p={story.id}"]
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_two_servers_get_their_own_ports_and_stop() -> None:
    with serve(DigestSite(count=6)) as one, serve(LedgerSite(count=6)) as two:
        assert one.base_url != two.base_url
        assert fetch(two.url("/")).status == 200
    with pytest.raises(OSError):
        fetch(one.url("/"))


# Validators, feeds and sitemaps, as real news sites send them


def header(response: Response, name: str) -> str | None:
    return response.header(name)


@pytest.mark.parametrize("theme", THEMES)
def test_article_pages_send_validators_and_answer_conditional_requests(
    theme: type[NewsSite],
) -> None:
    site = theme()
    story = site.live_stories()[2]
    path = site.path(story)
    first = get(site, path)
    etag, last_modified = header(first, "ETag"), header(first, "Last-Modified")
    assert etag and etag.startswith('"') and last_modified
    assert parsedate_to_datetime(last_modified) == story.modified

    unchanged = site.handle(path, {"If-None-Match": etag})
    assert unchanged.status == 304 and unchanged.body == b""
    assert header(unchanged, "ETag") == etag
    assert site.handle(path, {"If-None-Match": f'"other", W/{etag}'}).status == 304
    assert site.handle(path, {"If-Modified-Since": last_modified}).status == 304
    later = format_datetime(story.modified + timedelta(days=1), usegmt=False)
    assert site.handle(path, {"if-modified-since": later}).status == 304
    earlier = format_datetime(story.modified - timedelta(seconds=1))
    assert site.handle(path, {"If-Modified-Since": earlier}).status == 200
    assert site.handle(path, {"If-Modified-Since": "not a date"}).status == 200
    # If-None-Match decides when both are sent, as RFC 9110 says
    both = {"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    assert site.handle(path, both).status == 200

    site.churn()  # sidebars change, the story does not: the same validators
    assert get(site, path).body != first.body
    assert header(get(site, path), "ETag") == etag
    assert site.handle(path, {"If-None-Match": etag}).status == 304

    site.edit_body(story, lambda old: [*old, "A correction was added."])
    edited = site.handle(path, {"If-None-Match": etag, "If-Modified-Since": last_modified})
    assert edited.status == 200 and b"A correction was added." in edited.body
    assert header(edited, "ETag") != etag
    assert parsedate_to_datetime(header(edited, "Last-Modified")) > story.published


def test_amp_pages_have_their_own_validators() -> None:
    site = LedgerSite()
    story = site.live_stories()[0]
    page_etag = header(get(site, site.path(story)), "ETag")
    amp_etag = header(get(site, site.path(story) + "/amp"), "ETag")
    assert amp_etag and amp_etag != page_etag
    assert site.handle(site.path(story) + "/amp", {"If-None-Match": page_etag}).status == 200


@pytest.mark.parametrize("theme", THEMES)
def test_unstable_etags_change_with_every_byte(theme: type[NewsSite]) -> None:
    site = theme(stable_etags=False)
    path = site.path(site.live_stories()[1])
    etag = header(get(site, path), "ETag")
    assert site.handle(path, {"If-None-Match": etag}).status == 304
    site.churn()
    assert header(get(site, path), "ETag") != etag
    assert site.handle(path, {"If-None-Match": etag}).status == 200


@pytest.mark.parametrize("theme", THEMES)
def test_sites_without_validators_never_answer_304(theme: type[NewsSite]) -> None:
    site = theme(validators=False)
    story = site.live_stories()[1]
    response = get(site, site.path(story))
    assert header(response, "ETag") is None and header(response, "Last-Modified") is None
    far = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT", "If-None-Match": "*"}
    assert site.handle(site.path(story), far).status == 200


@pytest.mark.parametrize("theme", THEMES)
def test_listings_and_redirects_ignore_conditional_headers(theme: type[NewsSite]) -> None:
    site = theme()
    far = {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT", "If-None-Match": "*"}
    home = site.handle("/", far)
    assert home.status == 200 and header(home, "ETag") is None
    moved = site.live_stories()[2]
    old_path = site.path(moved)
    site.move_story(moved)
    assert site.handle(old_path, far).status == 301
    assert site.handle("/no/such/page/", far).status == 404


def xml(site: NewsSite, path: str) -> ElementTree.Element:
    response = get(site, path)
    assert response.status == 200, path
    assert header(response, "Content-Type").split(";")[0] in (
        "application/xml", "application/rss+xml"
    )
    return ElementTree.fromstring(response.body)


SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
FEED_PATHS = {"digest": "/feed/", "ledger": "/rss.xml"}


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_advertises_the_rss_feed_of_the_newest_stories(theme: type[NewsSite]) -> None:
    site = theme()
    feed_url = site.base_url + FEED_PATHS[site.theme]
    story = site.live_stories()[0]
    section = slugify(story.section)
    for path in ("/", site.path(story), f"/category/{section}/" if site.theme == "digest"
                 else f"/section/{section}", "/no/such/page/"):
        selector = Selector(text=site.handle(path).body.decode("utf-8"))
        advertised = selector.css('head link[rel=alternate][type="application/rss+xml"]')
        assert advertised.css("::attr(href)").getall() == [feed_url], path

    added = site.add_story()
    removed = site.remove_story(site.live_stories()[3])
    channel = xml(site, FEED_PATHS[site.theme]).find("channel")
    items = channel.findall("item")
    assert [i.findtext("link") for i in items] == [
        site.url(s) for s in site.live_stories()[:10]
    ]
    assert items[0].findtext("link") == site.url(added)
    assert site.url(removed) not in {i.findtext("link") for i in items}
    first = items[0]
    assert first.findtext("title") == added.title
    assert parsedate_to_datetime(first.findtext("pubDate")) == added.published
    assert first.findtext("guid")


@pytest.mark.parametrize("theme", THEMES)
def test_a_site_without_feed(theme: type[NewsSite]) -> None:
    site = theme(feed_size=0)
    assert not Selector(text=get(site, "/").body.decode()).css("link[rel=alternate]")
    assert get(site, FEED_PATHS[site.theme]).status in (301, 404)


@pytest.mark.parametrize("theme", THEMES)
def test_robots_txt_lists_a_sitemap_index_and_a_news_sitemap(theme: type[NewsSite]) -> None:
    site = theme(count=23, sitemap_size=10)
    robots = get(site, "/robots.txt").body.decode()
    listed = [line.split(":", 1)[1].strip() for line in robots.splitlines()
              if line.startswith("Sitemap:")]
    assert len(listed) == 2 and all(url.startswith(site.base_url) for url in listed)
    index_path, news_path = (urlsplit(url).path for url in listed)

    children = xml(site, index_path).findall(f"{SM}sitemap")
    assert len(children) == 3  # 23 stories, 10 a sitemap
    seen: list[str] = []
    for child in children:
        urls = xml(site, urlsplit(child.findtext(f"{SM}loc")).path).findall(f"{SM}url")
        modified = [datetime.fromisoformat(u.findtext(f"{SM}lastmod")) for u in urls]
        assert datetime.fromisoformat(child.findtext(f"{SM}lastmod")) == max(modified)
        for url, lastmod in zip(urls, modified, strict=True):
            loc = url.findtext(f"{SM}loc")
            assert lastmod == site.story(loc).modified
            seen.append(loc)
    assert sorted(seen) == sorted(site.expected())  # no private or removed story
    assert seen[0] == site.url(site.live_stories()[-1])  # oldest first: old sitemaps stay put

    news = xml(site, news_path).findall(f"{SM}url")
    newest = site.live_stories()[0].published
    recent = [s for s in site.live_stories() if newest - s.published <= timedelta(days=2)]
    assert 0 < len(news) == len(recent) < 23
    for url, story in zip(news, recent, strict=True):
        assert url.findtext(f"{SM}loc") == site.url(story)
        published = url.findtext(f"{NEWS}news/{NEWS}publication_date")
        assert datetime.fromisoformat(published) == story.published
        assert url.findtext(f"{NEWS}news/{NEWS}title") == story.title

    beyond = site.sitemap_path.format(n=4)
    assert get(site, beyond).status == 404


@pytest.mark.parametrize("theme", THEMES)
def test_sitemaps_follow_edits_and_moves(theme: type[NewsSite]) -> None:
    site = theme()
    story = site.live_stories()[5]
    site.edit_title(story, "A new headline")
    old_url = site.url(story)
    site.move_story(story)
    index_path = urlsplit(get(site, "/robots.txt").body.decode().split("Sitemap: ")[1]).path
    child = xml(site, index_path).find(f"{SM}sitemap")
    entries = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod")
               for u in xml(site, urlsplit(child.findtext(f"{SM}loc")).path)}
    assert old_url not in entries
    assert datetime.fromisoformat(entries[site.url(story)]) == story.modified


@pytest.mark.parametrize("theme", THEMES)
def test_a_site_without_sitemaps(theme: type[NewsSite]) -> None:
    site = theme(sitemaps=False)
    assert "Sitemap:" not in get(site, "/robots.txt").body.decode()
    assert get(site, site.news_sitemap_path).status == 404


@pytest.mark.parametrize("theme", THEMES)
def test_a_big_site_builds_and_renders_fast(theme: type[NewsSite]) -> None:
    started = time.perf_counter()
    site = theme(count=2000, per_page=20)
    assert time.perf_counter() - started < 3
    live = site.live_stories()
    assert len(live) == 2000
    paths = ["/", site.path(live[0]), site.path(live[1000]), site.path(live[-1]),
             "/page/50/" if site.theme == "digest" else "/section/politics?page=20"]
    get(site, "/")  # the story index is built once per change
    for path in paths:
        times = []
        for _ in range(7):
            started = time.perf_counter()
            assert get(site, path).status == 200, path
            times.append(time.perf_counter() - started)
        assert statistics.median(times) < 0.005, (path, times)
    site.add_story()  # a change rebuilds the index once
    assert site.live_stories()[0] == site.stories[-1]
    assert get(site, "/").status == 200


def fetch_with(url: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", parts.path, headers=headers)
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_server_answers_conditional_requests_and_logs_their_headers() -> None:
    site = LedgerSite(count=6)
    with serve(site) as server:
        path = site.path(site.live_stories()[0])
        first = fetch(server.url(path))
        etag = first.getheader("ETag")
        assert first.status == 200 and etag and first.getheader("Last-Modified")
        again = fetch_with(server.url(path), {"If-None-Match": etag, "Referer": server.url("/")})
        assert again.status == 304 and again.body == b""
        assert again.getheader("ETag") == etag and again.getheader("Content-Length") is None
        first_hit, second_hit = server.hits(path)
        assert (first_hit.status, first_hit.conditional) == (200, False)
        assert (second_hit.status, second_hit.conditional) == (304, True)
        assert second_hit.headers["if-none-match"] == etag
        assert second_hit.headers["referer"] == server.url("/")
        assert server.requested() == [path, path]
        server.reset()
        assert server.requests == [] and server.log == []


def test_a_slow_server_delays_every_answer_until_told_otherwise() -> None:
    with serve(DigestSite(count=6), delay=0.3) as server:
        started = time.perf_counter()
        assert fetch(server.url("/robots.txt")).status == 200
        assert time.perf_counter() - started >= 0.3
        server.delay = 0
        started = time.perf_counter()
        assert fetch(server.url("/robots.txt")).status == 200
        assert time.perf_counter() - started < 0.3


def test_digest_pager_shows_the_first_and_last_page_and_two_either_side() -> None:
    site = DigestSite(count=200)

    def pager(path: str) -> str:
        return page(site, path).css(".nav-links").xpath("string()").get()

    assert pager("/") == "1 2 3 … 40 Next"
    assert pager("/page/20/") == "Previous 1 … 18 19 20 21 22 … 40 Next"
    assert pager("/page/40/") == "Previous 1 … 38 39 40"


# The legacy theme: an old table-layout paper in windows-1252


def legacy_page(site: LegacySite, path: str) -> tuple[Response, str]:
    """A legacy page and its text, decoded as windows-1252."""
    response = site.handle(path)
    assert response.status == 200, path
    return response, response.body.decode("windows-1252")


def test_legacy_article_is_a_table_layout_without_metadata() -> None:
    site = LegacySite()
    for story in site.live_stories():
        _, text = legacy_page(site, site.path(story))
        tree = Selector(text=text)
        assert not tree.css("p, article, main, time")
        assert not tree.css('meta[name="description"], meta[property^="og:"], link[rel=canonical]')
        assert not tree.css('script[type="application/ld+json"]')
        assert tree.css("title::text").get() == f"{story.title} - {site.name}"
        assert tree.xpath('//font[@size="4"]/b/text()').get() == story.title
        runs = text.split("Email this story</a></font><br><br>\n", 1)[1]
        runs = runs.split("\n", 1)[1].split("\n</font>")[0]  # the cell's text runs
        assert [html.unescape(r) for r in runs.split("<br><br>\n")] == story.paragraphs
        assert "Printer-friendly version</a> | <a" in text and "Email this story" in text
        comments = site.comments(story)
        assert f"<b>Comments ({len(comments)})</b>" in text
        assert text.count("Posted by ") == len(comments) > 0
        assert "<b>Most popular</b>" in text and "You are visitor number" in text
        assert not [m for m in site.furniture if m in story.body]


def test_legacy_pages_are_windows_1252_declared_in_the_meta_or_the_header_only() -> None:
    site = LegacySite()
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    kinds = set()
    for story in site.live_stories():
        response = site.handle(site.path(story))
        header = response.header("Content-Type")
        in_meta = meta.encode() in response.body
        assert in_meta != (header == "text/html; charset=windows-1252"), "one place says it"
        assert header in ("text/html", "text/html; charset=windows-1252")
        kinds.add(in_meta)
        with pytest.raises(UnicodeDecodeError):  # real windows-1252 bytes, not UTF-8
            response.body.decode("utf-8")
    assert kinds == {True, False}
    text = "".join(legacy_page(site, site.path(s))[1] for s in site.live_stories())
    for char in "’“”€éöü":
        assert char in text, char
    # A character windows-1252 lacks is written as a reference, as old CMSes did.
    assert "&#321;" in text or not any("Ł" in s.body for s in site.stories)


def test_legacy_dateline_is_day_first_with_days_above_twelve() -> None:
    site = LegacySite()
    days = set()
    for story in site.live_stories():
        _, text = legacy_page(site, site.path(story))
        day = story.published
        assert f"Posted: {day:%d/%m/%Y} in {esc(story.section)}" in text
        days.add(day.day)
    assert {d for d in days if d > 12} and {d for d in days if d <= 12}


def test_legacy_counter_and_poll_change_on_every_request_and_comments_with_churn() -> None:
    site = LegacySite()
    story = site.live_stories()[0]
    first, second = (legacy_page(site, site.path(story))[1] for _ in range(2))
    assert first != second
    counter = re.compile(r"You are visitor number \d+")
    assert counter.findall(first) != counter.findall(second)
    comments = len(site.comments(story))
    before = site.expected()
    site.churn()
    assert len(site.comments(story)) == comments + 1
    assert site.expected() == before, "churn changes no story"


def test_legacy_print_view_and_email_page() -> None:
    site = LegacySite()
    story = site.live_stories()[2]
    _, article = legacy_page(site, site.path(story))
    assert f'href="{site.print_path(story)}"' in article
    assert f'href="{site.email_path(story)}"' in article
    _, printed = legacy_page(site, site.print_path(story))
    view = Selector(text=printed)
    assert view.css('meta[name="robots"]::attr(content)').get() == "noindex"
    assert not view.css("link[rel=canonical]")
    assert view.css("title::text").get() == f"{story.title} - {site.name}"
    assert "<br><br>\n".join(story.paragraphs) in html.unescape(printed)
    _, email = legacy_page(site, site.email_path(story))
    assert "Email this story to a friend" in email and story.title in html.unescape(email)
    site.remove_story(story)
    assert site.handle(site.print_path(story)).status == 404


def test_legacy_listings_page_with_next_page_links() -> None:
    site = LegacySite()
    path, seen = "/", []
    while path:
        _, text = legacy_page(site, path)
        listing = Selector(text=text)
        seen += [h for h in listing.css("b > a::attr(href)").getall() if h.startswith("/archive/")]
        path = listing.xpath('//a[starts-with(normalize-space(.), "Next page")]/@href').get()
        if path:
            path = html.unescape(path)
    assert set(seen) == {site.path(s) for s in site.live_stories()}
    section = site.live_stories()[0].section
    _, text = legacy_page(site, f"/section.php?name={slugify(section)}")
    assert f"<b>{esc(section)}</b>" in text


@pytest.mark.parametrize("theme", [*THEMES, LegacySite])
def test_the_acceptance_rounds_change_the_site_as_the_issue_says(theme: type[NewsSite]) -> None:
    site = theme()
    assert site.acceptance_round(1).new_versions == 0
    stories = len(site.live_stories())
    second = site.acceptance_round(2)
    assert (len(second.added), len(second.edited), len(second.retitled)) == (2, 1, 1)
    assert second.new_versions == 4 and site.generation == 1
    assert len(site.live_stories()) == stories + 2
    assert [s.revision for s in second.edited + second.retitled] == [2, 2]
    third = site.acceptance_round(3)
    assert third.new_versions == 1 and site.generation == 2
    [removed] = third.removed
    assert site.handle(site.path(removed)).status == 404
    [(moved, old_url)] = third.moved
    answer = site.handle(old_url[len(site.base_url):])
    assert answer.status == 301 and answer.header("Location").endswith(site.path(moved))
    assert third.corrected[0].paragraphs[-1].startswith("Correction:")
    assert site.url(moved) in site.expected() and old_url not in site.expected()


def test_heavy_site_fills_the_digest_hooks_at_a_real_sites_weight() -> None:
    heavy, plain = HeavySite(count=12), DigestSite(count=12)
    story = heavy.live_stories()[0]
    assert 5000 <= len(story.body) <= 15000 + 2000
    assert [s.title for s in heavy.live_stories()] == [s.title for s in plain.live_stories()]
    page_bytes = heavy.handle(heavy.path(story)).body
    assert 60_000 <= len(page_bytes) <= 120_000
    text = page_bytes.decode("utf-8")
    for marker in ("mega-menu", "digest-critical-css", "widget_poll", "cookie-notice",
                   'class="comments-area"'):
        assert marker in text and marker not in plain.handle(plain.path(story)).body.decode()
    assert text.index('class="comments-area"') < text.index("</main>") < text.index("</aside>")
    assert set(heavy.page_paths()) >= {heavy.path(s) for s in heavy.live_stories()}
