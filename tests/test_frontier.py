"""The crawl plan, over a real temporary archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.discovery import Entry
from crawler.frontier import Bounds, Frontier
from crawler.sites import adhoc_sites

NOW = "2025-10-06T12:00:00Z"
SITE = "https://news.example.com/"


def story(slug: str, fetched_at: str = "2025-10-06T10:00:00Z") -> dict:
    return {"url": f"https://example.com/2025/10/06/{slug}/", "site": "example.com",
            "title": slug, "body": f"Body of {slug}.", "fetched_at": fetched_at,
            "fetched_url": f"https://www.example.com/2025/10/06/{slug}/"}


@pytest.fixture
def archive(tmp_path: Path):
    path = tmp_path / "archive.db"
    with Archive.open(path) as writer:
        crawl = writer.start_crawl("news", [SITE], "2025-08-01T00:00:00Z")
        writer.save(story("old-news", "2025-08-01T00:00:00Z"), crawl)
        writer.finish_crawl(crawl, "finished", {}, {})
        writer.save(story("fresh-news"))
        writer.save({**story("gone"), "aliases": []})
        gone = writer.article("https://example.com/2025/10/06/gone/")["id"]
        writer.record_check(gone, 410, "https://example.com/2025/10/06/gone/",
                            fetched_at="2025-10-06T11:00:00Z")
    with Archive.open(path, readonly=True) as reader:
        yield reader


def frontier(archive: Archive | None, **kw) -> Frontier:
    return Frontier(adhoc_sites([SITE]), Bounds(**kw), archive, NOW)


def test_fresh_articles_skip_archived_and_already_requested(archive: Archive) -> None:
    plan = frontier(archive)
    links = ["https://www.example.com/2025/10/06/fresh-news/?utm_source=x",
             "https://example.com/2025/10/06/brand-new/",
             "https://example.com/2025/10/06/brand-new/#comments"]
    assert plan.fresh_articles(links) == (["https://example.com/2025/10/06/brand-new/"], 1)
    assert plan.fresh_articles(links) == ([], 0)  # requested already in this crawl


def test_backfill_pages_on_but_never_refetches_known(archive: Archive) -> None:
    plan = Frontier(adhoc_sites([SITE]), Bounds(), archive, NOW, backfill=True)
    link = ["https://example.com/2025/10/06/fresh-news/"]
    assert plan.fresh_articles(link, chain="https://example.com/") == ([], 1)
    assert plan.fresh_articles(link, chain="https://example.com/") == ([], 0)  # shown already
    assert frontier(archive).fresh_articles(link, chain="https://example.com/") == ([], 0)


def test_a_site_no_crawl_finished_pages_on_as_a_backfill(tmp_path: Path) -> None:
    path = tmp_path / "interrupted.db"
    with Archive.open(path) as writer:
        crawl = writer.start_crawl("news", [SITE])
        writer.save(story("reached-before-the-kill"), crawl)
        writer.finish_crawl(crawl, "interrupted", {}, {})
    with Archive.open(path, readonly=True) as reader:
        plan = frontier(reader)
        link = ["https://example.com/2025/10/06/reached-before-the-kill/"]
        # archived, so not fetched again; but news to the chain, so the listing pages on
        assert plan.fresh_articles(link, chain="https://example.com/") == ([], 1)
        assert plan.hops_limit("example.com") == Bounds().max_hops


def test_a_chain_pages_on_through_stories_other_listings_reached_first(archive: Archive) -> None:
    plan = frontier(archive)
    stories = [f"https://example.com/2025/10/06/story-{n}/" for n in range(4)]
    assert plan.fresh_articles(stories, chain="https://example.com/tag/x/") == (stories, 4)
    # the home page lists the same stories later: nothing to fetch, but news to its chain
    assert plan.fresh_articles(stories, chain="https://example.com/") == ([], 4)
    # its next page repeats them (an endless pager): dry
    assert plan.fresh_articles(stories, chain="https://example.com/") == ([], 0)


@pytest.mark.parametrize(
    ("page", "dry", "fresh", "expected"),
    [(1, 0, 5, (True, 0, "")), (1, 0, 0, (False, 1, "dry")), (3, 0, 2, (False, 0, "max"))],
)
def test_paging(page, dry, fresh, expected) -> None:
    assert frontier(None, max_pages=3).paging("example.com", page, dry, fresh) == expected


def test_hops_are_shorter_on_a_site_already_archived(archive: Archive) -> None:
    assert frontier(None, max_hops=3, recrawl_hops=1).hops_limit("example.com") == 3
    assert frontier(archive, max_hops=3, recrawl_hops=1).hops_limit("example.com") == 1


def test_triage_of_feed_and_sitemap_entries(archive: Archive) -> None:
    plan = frontier(archive)
    entries = [
        Entry("https://example.com/2025/10/06/new-today/", published="2025-10-06T08:00:00Z"),
        Entry("https://example.com/2019/01/01/ancient/", published="2019-01-01T00:00:00Z"),
        Entry("https://example.com/2025/10/06/fresh-news/", modified="2025-10-06T11:30:00Z"),
        Entry("https://example.com/2025/10/06/old-news/", modified="2025-07-01T00:00:00Z"),
        Entry("https://example.com/2025/10/06/gone/", modified="2025-10-06T11:59:00Z"),
        Entry("https://elsewhere.org/2025/10/06/x/", published="2025-10-06T08:00:00Z"),
    ]
    new, rechecks = plan.triage(entries)
    assert new == ["https://example.com/2025/10/06/new-today/"]  # ancient ones wait for backfill
    assert [r["url"] for r in rechecks] == ["https://example.com/2025/10/06/fresh-news/"]
    assert rechecks[0]["fetch_url"] == "https://www.example.com/2025/10/06/fresh-news/"
    assert plan.triage(entries) == ([], [])


def test_due_articles(archive: Archive) -> None:
    due = [row["url"] for row in frontier(archive).due()]
    # both were due 15 minutes after their first fetch, but old-news is past the 30-day
    # maximum age and unchanged as long: it is left alone
    assert due == ["https://example.com/2025/10/06/fresh-news/"]
    earlier = Frontier(adhoc_sites([SITE]), Bounds(), archive, "2025-10-06T10:05:00Z")
    assert list(earlier.due()) == []
    everything = [row["url"] for row in frontier(archive).due(every=True)]
    assert sorted(everything) == ["https://example.com/2025/10/06/fresh-news/",
                                  "https://example.com/2025/10/06/old-news/"]  # gone is removed


def test_recrawls_skip_tag_and_author_listings(archive: Archive) -> None:
    plan = frontier(archive)
    assert plan.take_listing("https://example.com/category/politics/")
    assert not plan.take_listing("https://example.com/tag/elections/")
    assert not plan.take_listing("https://example.com/author/ann-lee/")
    first = frontier(None)  # a first crawl reads them all
    assert first.take_listing("https://example.com/tag/elections/")
    assert frontier(archive, max_listings=1).take_listing("https://example.com/world/")
    capped = frontier(archive, max_listings=0)
    assert not capped.take_listing("https://example.com/world/")
