"""Scheduled crawls run after run: the real `scrapy crawl news` on a controllable clock.

Each test serves a sample site, crawls it, changes the site or moves the clock on with
`-s CRAWL_CLOCK=...`, crawls again, then reads the server's request log and the archive.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from crawler.archive.schedule import DEFAULT_SCHEDULE
from crawler.demo import DigestSite, LedgerSite, NewsSite, RunningServer, Story, serve
from crawler.demo.server import Hit

T0 = datetime.fromisoformat("2025-10-06T08:00:00+00:00")  # the first crawl's clock
LOCK_REFUSED = 75


def at(**delta: float) -> str:
    """The archive's form of a time this far after the first crawl."""
    return (T0 + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock(**delta: float) -> tuple[str, str]:
    """The -s argument that makes a crawl run at that time."""
    return ("-s", f"CRAWL_CLOCK={at(**delta)}")


def story_of(site: NewsSite, target: str) -> Story | None:
    """The story whose page (or AMP page, or earlier URL) a request target asks for."""
    path = urlsplit(target).path.removesuffix("/amp")
    for story in site.stories:
        if path in {site.path(story, slug) for slug in (story.slug, *story.old_slugs)}:
            return story
    return None


def story_hits(server: RunningServer) -> list[tuple[Story, Hit]]:
    """The requests for story pages since the log was last reset, with their stories."""
    found = ((story_of(server.site, hit.target), hit) for hit in server.hits())
    return [(story, hit) for story, hit in found if story is not None]


def fetched(server: RunningServer) -> set[int]:
    """The ids of the stories whose pages were requested since the log was last reset."""
    return {story.id for story, _ in story_hits(server)}


def ids(stories: list[Story]) -> set[int]:
    return {story.id for story in stories}


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Error:")]


# The sample sites' stories were published days before T0; these tests play the schedule from
# the first crawl, so they count each story's age from when it was first seen (test_cron.py
# plays it from the published dates).
FIRST_SEEN = ("-a", "revisit_age=first_seen")


def crawl(run_crawl: Any, server: RunningServer, archive: Path, *args: str, **kw: Any) -> Any:
    """One crawl of a served site after forgetting the server's earlier requests."""
    server.reset()
    proc = run_crawl(server.url("/"), archive, *FIRST_SEEN, *args, **kw)
    if proc.returncode == 0:
        assert last_line(proc.stdout).startswith("Crawled:"), proc.stdout
    return proc


def linked_from_home(site: NewsSite, story: Story) -> bool:
    """True when the home page links to the story in any form (path, shortlink, AMP)."""
    home = Selector(text=site.handle("/").body.decode("utf-8"))
    hrefs = " ".join(home.css("a::attr(href)").getall())
    return site.path(story) in hrefs or f"p={story.id}" in hrefs


def unlinked_from_home(site: NewsSite, skip: int = 5) -> Story:
    """A public story that the home page links to in no form."""
    for story in site.live_stories()[skip:]:
        if not linked_from_home(site, story):
            return story
    raise AssertionError("every story is linked from the home page")


def churn_until_unlinked(site: NewsSite, story: Story) -> None:
    """Churn the sidebars until no teaser on the home page links to the story."""
    for _ in range(50):
        if not linked_from_home(site, story):
            return
        site.churn()
    raise AssertionError(f"the home page keeps linking to {story.slug}")


# Discovery on later runs


def test_new_stories_are_found_on_listing_page_one_in_the_feed_and_in_the_sitemaps(
    digest_server, archive_path, archive_db, run_crawl
) -> None:
    site: DigestSite = digest_server.site
    # The home page's link to a story robots.txt forbids keeps page 1 from ever looking
    # done (see the test below); without it, paging shows what the feed and sitemaps find.
    site.remove_story(site.private)
    crawl(run_crawl, digest_server, archive_path, *clock())
    assert len(archive_db.latest()) == 16
    home = digest_server.url("/")

    # Listing page 1: a site without feed or sitemaps publishes the newest story.
    site.feed_size, site.sitemaps = 0, False
    newest = site.add_story()
    crawl(run_crawl, digest_server, archive_path, *clock(minutes=2))
    [(story, hit)] = story_hits(digest_server)
    assert story is newest and hit.status == 200 and hit.headers.get("referer") == home

    # The feed: a story in the feed but on page 2 (and in no sidebar), so the listing stops at
    # page 1; no listing hops, as tag and author pages would list it on their first page.
    site.feed_size = 10
    live = site.live_stories()
    in_feed = site.add_story(published=live[5].published - timedelta(minutes=1))
    assert site.live_stories().index(in_feed) == 6
    churn_until_unlinked(site, in_feed)
    crawl(run_crawl, digest_server, archive_path, "-a", "max_hops=0", *clock(minutes=4))
    [(story, hit)] = story_hits(digest_server)
    assert story is in_feed and hit.headers.get("referer") == digest_server.url("/feed/")
    assert "/page/2/" not in digest_server.requests

    # The sitemaps: an old story, in no feed and on no first page, updated recently.
    site.sitemaps = True
    live = site.live_stories()
    old = site.add_story(published=live[12].published - timedelta(minutes=1),
                         modified=T0 - timedelta(hours=1))
    assert site.live_stories().index(old) > site.feed_size
    assert old not in site.news_stories()
    churn_until_unlinked(site, old)
    crawl(run_crawl, digest_server, archive_path, "-a", "max_hops=0", *clock(minutes=6))
    [(story, hit)] = story_hits(digest_server)
    assert story is old
    assert hit.headers.get("referer") == digest_server.url(site.sitemap_path.format(n=1))

    latest = archive_db.latest()
    assert {site.url(s) for s in (newest, in_feed, old)} <= set(latest)
    assert len(latest) == 19
    assert all(numbers == [1] for numbers in archive_db.versions().values())


def test_a_first_crawl_reaches_every_story_through_overlapping_listings(
    archive_path, archive_db, run_crawl
) -> None:
    # 200 stories, 10 a page, no feed or sitemaps: the home page, sections, tags and authors
    # list the same stories, as on any real site, and paging alone must reach all of them.
    site = DigestSite(count=200, per_page=10, feed_size=0, sitemaps=False)
    with serve(site) as server:
        crawl(run_crawl, server, archive_path, *clock())
        pages = sorted({int(t.split("/")[2]) for t in server.requested("/page/")})
    missing = set(site.expected()) - set(archive_db.latest())
    assert not missing, (
        f"the first crawl never reached {len(missing)} of 200 stories; home pages fetched: "
        f"{pages}")


def test_paging_stops_at_the_first_page_with_nothing_new(
    archive_path, archive_db, run_crawl
) -> None:
    # Eight pages of five; no feed or sitemaps, so only the listings find new stories.
    site = DigestSite(count=40, feed_size=0, sitemaps=False)
    site.remove_story(site.private)  # no link robots.txt forbids (see the next test)
    with serve(site) as server:
        crawl(run_crawl, server, archive_path, *clock())
        assert set(archive_db.latest()) == set(site.expected())
        added = [site.add_story() for _ in range(6)]  # page 1 and the top of page 2

        crawl(run_crawl, server, archive_path, *clock(minutes=5))

        assert fetched(server) == ids(added)
        pages = sorted({int(t.split("/")[2]) for t in server.requested("/page/")})
    assert pages == [2, 3], (
        "home pages fetched besides page 1; page 3 is the first with nothing new, so paging "
        f"should stop there: {pages}")


# Re-checks on the revisit schedule


def test_only_due_articles_are_rechecked_and_unchanged_ones_cost_a_304(
    ledger_server, archive_path, archive_db, run_crawl
) -> None:
    site: LedgerSite = ledger_server.site
    first = crawl(run_crawl, ledger_server, archive_path, *clock())
    assert "16 new articles" in last_line(first.stdout)
    originals = site.live_stories()
    rows = archive_db.rows("SELECT next_check_at FROM articles")
    step = DEFAULT_SCHEDULE.steps[0][1].total_seconds() / 60  # a young story's interval, minutes
    assert {row["next_check_at"] for row in rows} == {at(minutes=step)}

    # Two thirds of that on: nothing is due; only the two new stories are fetched.
    added = [site.add_story(), site.add_story()]
    crawl(run_crawl, ledger_server, archive_path, *clock(minutes=step * 2 / 3))
    assert fetched(ledger_server) == ids(added)
    assert archive_db.last_crawl()["articles_new"] == 2

    # Four thirds on: the first sixteen are due, the two new ones are not.
    crawl(run_crawl, ledger_server, archive_path, *clock(minutes=step * 4 / 3))
    hits = story_hits(ledger_server)
    assert fetched(ledger_server) == ids(originals)
    assert all(hit.conditional and hit.status == 304 for _, hit in hits), hits
    assert all(hit.headers.get("if-none-match") for _, hit in hits)

    # Four intervals on: every young article is due, re-checked conditionally and answered 304.
    third = crawl(run_crawl, ledger_server, archive_path, *clock(minutes=step * 4))
    hits = story_hits(ledger_server)
    assert fetched(ledger_server) == ids(originals + added)
    assert len(hits) == 18
    assert all(hit.conditional and hit.status == 304 for _, hit in hits), hits
    crawl_row = archive_db.last_crawl()
    assert (crawl_row["articles_new"], crawl_row["versions_new"], crawl_row["unchanged"]) == (
        0, 0, 18)
    fetches = archive_db.rows("SELECT status, changed, version_id FROM fetches WHERE crawl_id = ?",
                              crawl_row["id"])
    assert len(fetches) == 18
    assert all((f["status"], f["changed"], f["version_id"]) == (304, 0, None) for f in fetches)
    assert "18 unchanged" in last_line(third.stdout)
    assert all(numbers == [1] for numbers in archive_db.versions().values())

    # An edit: that article alone answers 200 and gets exactly one new version.
    edited = site.edit_body(originals[4], lambda old: [*old, "This story was corrected."])
    site.churn()
    crawl(run_crawl, ledger_server, archive_path, *clock(minutes=step * 16 / 3))
    statuses = {story.id: hit.status for story, hit in story_hits(ledger_server)}
    assert statuses == {s.id: 200 if s is edited else 304 for s in originals + added}
    crawl_row = archive_db.last_crawl()
    assert (crawl_row["versions_new"], crawl_row["unchanged"]) == (1, 17)
    versions = archive_db.versions()
    assert versions[site.url(edited)] == [1, 2]
    assert sum(len(numbers) for numbers in versions.values()) == 19
    assert archive_db.latest()[site.url(edited)]["body"].endswith("This story was corrected.")
    changed = archive_db.rows("SELECT status, changed FROM fetches WHERE crawl_id = ? AND changed",
                              crawl_row["id"])
    assert changed == [{"status": 200, "changed": 1}]
    pending = archive_db.rows("SELECT next_check_at FROM articles WHERE next_check_at <= ?",
                              at(minutes=step * 16 / 3))
    assert pending == [], "a re-checked article is due again at once"


def test_articles_past_the_maximum_age_are_not_fetched_and_a_forbidden_link_is_no_news(
    digest_server, archive_path, archive_db, run_crawl
) -> None:
    # The home page's first page links to a story under /private/, which robots.txt forbids:
    # the crawler never fetches it, so it must not count as a new article on every run.
    site: DigestSite = digest_server.site
    assert linked_from_home(site, site.private)
    crawl(run_crawl, digest_server, archive_path, *clock())

    crawl(run_crawl, digest_server, archive_path, *clock(days=40))

    hits = [(story.slug, hit.status) for story, hit in story_hits(digest_server)]
    assert hits == [], (
        "articles first seen 40 days ago and unchanged since are past the 30-day maximum age, "
        "yet they were fetched again"
    )
    assert archive_db.rows("SELECT id FROM fetches WHERE crawl_id = 2") == []
    assert digest_server.requested("/page/") == [], (
        "nothing is new on the home page, yet the run paged on")


def test_a_removed_story_is_marked_kept_and_left_alone_and_crawls_lists_the_runs(
    digest_server, archive_path, archive_db, run_crawl, run_cli
) -> None:
    site: DigestSite = digest_server.site
    crawl(run_crawl, digest_server, archive_path, *clock())
    removed = site.remove_story(site.live_stories()[2])
    url = site.url(removed)
    before = archive_db.latest()[url]

    second = crawl(run_crawl, digest_server, archive_path, *clock(hours=1))

    [hit] = [h for s, h in story_hits(digest_server) if s is removed]
    assert hit.conditional and hit.status == 404
    [article] = archive_db.rows("SELECT id, removed_at, next_check_at FROM articles WHERE url = ?",
                                url)
    assert article["removed_at"] == at(hours=1)
    assert article["next_check_at"] is None
    assert archive_db.versions()[url] == [1]
    assert archive_db.latest()[url]["body"] == before["body"], "the archive keeps what was said"
    assert archive_db.rows("SELECT status, changed FROM fetches WHERE article_id = ? "
                           "ORDER BY id", article["id"]) == [
        {"status": 200, "changed": 1}, {"status": 404, "changed": 0}]
    assert "1 removed" in last_line(second.stdout)

    crawl(run_crawl, digest_server, archive_path, *clock(hours=2))
    assert removed.id not in fetched(digest_server), "a removed article was re-checked"
    assert len(story_hits(digest_server)) == 15

    listed = run_cli("crawls", "--db", str(archive_path), "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["id"], r["status"], r["started_at"]) for r in rows] == [
        (3, "finished", at(hours=2)), (2, "finished", at(hours=1)), (1, "finished", at())]
    assert [(r["articles_new"], r["versions_new"], r["unchanged"]) for r in rows] == [
        (0, 0, 15), (0, 0, 15), (16, 16, 0)]
    assert all(r["pages_fetched"] > 0 and r["errors"] == 0 for r in rows)
    plain = run_cli("crawls", "--db", str(archive_path))
    assert plain.returncode == 0, plain.stderr
    header, *lines = plain.stdout.strip().splitlines()
    assert header.split()[:2] == ["id", "spider"] and "unchanged" in header
    assert [line.split()[0] for line in lines] == ["3", "2", "1"]


@pytest.mark.parametrize("validators", [False, True], ids=["answer-200", "answer-304"])
def test_a_story_moved_to_a_new_url_is_found_again_by_its_recheck(
    validators, archive_path, archive_db, run_crawl, run_cli
) -> None:
    # No feed, no sitemaps, no listing hops: only the re-check's redirect reaches the new URL.
    site = LedgerSite(feed_size=0, sitemaps=False, validators=validators)
    with serve(site) as server:
        crawl(run_crawl, server, archive_path, *clock())
        moved = unlinked_from_home(site)
        old_url = site.url(moved)
        site.move_story(moved, "a-new-slug-for-the-story")
        new_url = site.url(moved)

        crawl(run_crawl, server, archive_path, "-a", "max_hops=0", *clock(hours=1))

        targets = [(hit.target, hit.status) for story, hit in story_hits(server)
                   if story is moved]
        assert targets == [(urlsplit(old_url).path, 301),
                           (urlsplit(new_url).path, 304 if validators else 200)]
    assert len(archive_db.rows("SELECT id FROM articles")) == 16, "one story, one article"
    [article] = archive_db.rows("SELECT id FROM articles WHERE url = ?", old_url)
    aliases = archive_db.rows("SELECT url FROM aliases WHERE article_id = ?", article["id"])
    assert new_url in {row["url"] for row in aliases}, (
        f"the new URL is no alias of the article after a {targets[-1][1]} at it")
    by_new = run_cli("history", new_url, "--json", "--db", str(archive_path))
    assert by_new.returncode == 0, by_new.stderr
    by_old = run_cli("history", old_url, "--json", "--db", str(archive_path))
    assert by_new.stdout == by_old.stdout


def test_a_moved_story_that_listings_link_to_stays_one_article(
    ledger_server, archive_path, archive_db, run_crawl, run_cli
) -> None:
    site: LedgerSite = ledger_server.site
    crawl(run_crawl, ledger_server, archive_path, *clock())
    moved = site.live_stories()[5]  # on the home page, in the feed and the sitemaps
    old_url = site.url(moved)
    site.move_story(moved, "a-new-slug-for-the-story")
    new_url = site.url(moved)

    second = crawl(run_crawl, ledger_server, archive_path, *clock(hours=1))

    requested = {urlsplit(hit.target).path for story, hit in story_hits(ledger_server)
                 if story is moved}
    assert urlsplit(new_url).path in requested
    rows = archive_db.rows("SELECT id, url FROM articles WHERE url IN (?, ?)", old_url, new_url)
    assert len(rows) == 1, (
        f"the moved story was archived as {len(rows)} articles; second crawl: "
        f"{last_line(second.stdout)}")
    assert len(archive_db.rows("SELECT id FROM articles")) == 16
    assert archive_db.versions()[rows[0]["url"]] == [1]
    history = run_cli("history", new_url, "--json", "--db", str(archive_path))
    assert history.returncode == 0, history.stderr


# One crawl at a time, and crawls that die


def test_an_overlapping_crawl_is_refused_at_once_or_waits_for_the_lock(
    archive_path, archive_db, run_crawl, start_crawl
) -> None:
    with serve(DigestSite(), delay=0.4) as server:
        url = server.url("/")
        first = start_crawl(url, archive_path, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        deadline = time.monotonic() + 30
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.requests, "the first crawl never reached the site"

        started = time.monotonic()
        refused = run_crawl(url, archive_path, check=False, timeout=60)
        took = time.monotonic() - started
        assert first.poll() is None, "the first crawl ended too soon to test overlapping"
        assert refused.returncode == LOCK_REFUSED, refused.stderr[-2000:]
        assert took < 15
        assert refused.stdout == ""
        [error] = error_lines(refused.stderr)
        assert last_line(refused.stderr) == error and "ARCHIVE_LOCK_WAIT" in error

        waiting = start_crawl(url, archive_path, "-s", "ARCHIVE_LOCK_WAIT=60")
        time.sleep(1.5)
        assert waiting.poll() is None, "the waiting crawl gave up while the lock was held"
        assert first.poll() is None
        server.delay = 0
        done = first.wait(timeout=90)
        assert done.returncode == 0, done.stderr[-3000:]
        waited = waiting.wait(timeout=90)
        assert waited.returncode == 0, waited.stderr[-3000:]
        assert last_line(waited.stdout).startswith("Crawled:")
    one, two = archive_db.rows("SELECT * FROM crawls ORDER BY id")
    assert (one["status"], two["status"]) == ("finished", "finished")
    assert two["started_at"] >= one["finished_at"], "the second crawl did not wait"
    assert two["articles_new"] == 0


def test_a_killed_crawl_blocks_nothing(
    archive_path, archive_db, run_crawl, start_crawl
) -> None:
    site = DigestSite()
    with serve(site, delay=0.2) as server:
        killed = start_crawl(server.url("/"), archive_path, *clock())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and killed.poll() is None:
            if sum(hit.status == 200 for _, hit in story_hits(server)) >= 4:
                break
            time.sleep(0.05)
        assert killed.poll() is None, "the crawl ended before it could be killed"
        killed.kill()
        assert killed.wait().returncode == -signal.SIGKILL
        server.delay = 0

        after = crawl(run_crawl, server, archive_path, *clock(minutes=5))
    assert after.returncode == 0
    crawls = archive_db.rows("SELECT id, status FROM crawls ORDER BY id")
    assert crawls == [{"id": 1, "status": "killed"}, {"id": 2, "status": "finished"}]
    assert archive_db.rows("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert set(archive_db.latest()) == set(site.expected())
    assert all(numbers == [1] for numbers in archive_db.versions().values())


# Exit statuses and summaries


def test_a_run_whose_sites_all_fail_exits_1_with_one_error_line(
    archive_path, run_crawl
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there

    proc = run_crawl(f"http://127.0.0.1:{port}/", archive_path, check=False, timeout=60)

    assert proc.returncode == 1
    assert "Crawled:" not in proc.stdout
    [error] = error_lines(proc.stderr)
    assert error.startswith("Error: every site failed")
    # a robots.txt that cannot be fetched is one warning line, and each failed fetch one error
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert f"Could not fetch http://127.0.0.1:{port}/robots.txt (" in proc.stderr
    failed = set(re.findall(r"WARNING: Could not fetch (\S+): ", proc.stderr))
    assert f"http://127.0.0.1:{port}/" in failed
    assert error.endswith(f", {len(failed)} errors"), (error, failed)


def test_a_sites_file_crawls_both_sites_in_one_run_with_their_own_limits(
    digest_server, ledger_server, tmp_path, archive_path, archive_db, run_crawl
) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(textwrap.dedent(f"""
        [defaults]
        revisit = "1h:30m, 7d:1d"
        revisit_age = "first_seen"

        [sites.digest]
        start_urls = ["{digest_server.url('/')}"]
        max_pages = 1

        [sites.ledger]
        start_urls = ["{ledger_server.url('/')}", "{ledger_server.url('/section/politics')}"]
        max_pages = 2
    """), encoding="utf-8")

    proc = run_crawl([], archive_path, "-a", f"sites={sites}", *clock())

    assert last_line(proc.stdout).startswith("Crawled: 2 sites (2 answered)"), proc.stdout
    expected = {**digest_server.site.expected(), **ledger_server.site.expected()}
    assert set(archive_db.latest()) == set(expected)
    [row] = archive_db.rows("SELECT * FROM crawls")
    assert row["status"] == "finished" and row["articles_new"] == len(expected)
    assert not [t for t in digest_server.requests if "/page/" in t], "digest max_pages = 1"
    assert not [t for t in ledger_server.requests if "page=3" in t], "ledger max_pages = 2"
    assert {r["next_check_at"] for r in archive_db.rows("SELECT next_check_at FROM articles")} == {
        at(minutes=30)}, "the file's revisit schedule"
