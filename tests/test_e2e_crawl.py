"""End to end: the real `scrapy crawl news` on the sample sites, then the archive and the CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from crawler.demo import Expected, RunningServer
from crawler.demo.site import MODULE_MARKERS

# Text of the modules around the story that must never reach an archived body.
MODULE_TEXT = (*MODULE_MARKERS, "Go to", "Sign up", "Log in", "Load more", "Staff notice")
# Paths of pages that are no story: home, pagination, sections, tags, authors, chrome.
NOT_STORY = re.compile(r"/(page|category|tag|author|section|topic|people|private)/|/about|/$|\?")
# Crawl times for re-crawls: half an hour on, the re-check of every young article is due.
# The sample stories were published days before; these crawls count age from first seen.
FIRST = ("-s", "CRAWL_CLOCK=2025-10-06T08:00:00Z", "-a", "revisit_age=first_seen")
LATER = ("-s", "CRAWL_CLOCK=2025-10-06T08:30:00Z", "-a", "revisit_age=first_seen")


def start_urls(*servers: RunningServer) -> list[str]:
    return [server.url("/") for server in servers]


def expected_of(*servers: RunningServer) -> dict[str, Expected]:
    out: dict[str, Expected] = {}
    for server in servers:
        out.update(server.site.expected())
    return out


def instant(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def assert_matches_truth(row: dict[str, Any], truth: Expected) -> None:
    url = truth.url
    assert row["title"] == truth.title, url
    assert row["summary"] == truth.summary, url
    assert row["authors"] == truth.authors, url
    assert row["published"] and instant(row["published"]) == instant(truth.published), url
    assert row["body"] == truth.body, url
    for text in MODULE_TEXT:
        assert text not in row["body"], f"{text!r} in the body of {url}"


def assert_archive_is_the_sites(archive_db: Any, expected: dict[str, Expected]) -> None:
    latest = archive_db.latest()
    stray = sorted(url for url in latest if url not in expected)
    assert not [url for url in stray if NOT_STORY.search(url)], "non-story pages archived"
    assert not stray, "unexpected articles archived"
    missing = sorted(set(expected) - set(latest))
    assert not missing, "stories not archived"
    assert len(archive_db.rows("SELECT id FROM articles")) == len(expected)
    for url, truth in expected.items():
        assert_matches_truth(latest[url], truth)


def test_first_crawl_archives_each_story_once_as_the_site_wrote_it(
    digest_server, ledger_server, outside_server, archive_path, archive_db, run_crawl
) -> None:
    outsider = outside_server.site
    for server in (digest_server, ledger_server):
        server.site.partner_links = [
            ("Our sister site", outside_server.url("/")),
            ("From our sister site", outsider.url(outsider.live_stories()[0])),
        ]
    expected = expected_of(digest_server, ledger_server)

    proc = run_crawl(start_urls(digest_server, ledger_server), archive_path)

    assert "Traceback" not in proc.stderr
    assert_archive_is_the_sites(archive_db, expected)
    assert all(v == [1] for v in archive_db.versions().values())
    for server in (digest_server, ledger_server):
        assert "/robots.txt" in server.requests
        assert not server.requested("/private/"), "robots.txt ignored"
    assert outside_server.requests == [], "the crawl left its sites"
    crawl = archive_db.last_crawl()
    assert crawl["spider"] == "news"
    assert crawl["status"] == "finished" and crawl["finished_at"]
    assert crawl["pages_fetched"] >= len(expected)
    assert (crawl["articles_new"], crawl["versions_new"], crawl["unchanged"]) == (
        len(expected), len(expected), 0
    )
    assert crawl["errors"] == 0
    word = next(iter(expected.values())).title.split()[-1]
    hits = archive_db.rows("SELECT rowid FROM versions_fts WHERE versions_fts MATCH ?", word)
    assert hits


def test_recrawl_of_churned_sites_adds_no_version(
    digest_server, ledger_server, archive_path, archive_db, run_crawl
) -> None:
    urls = start_urls(digest_server, ledger_server)
    run_crawl(urls, archive_path, *FIRST)
    digest_server.site.churn()
    ledger_server.site.churn()

    run_crawl(urls, archive_path, *LATER)

    expected = expected_of(digest_server, ledger_server)
    crawl = archive_db.last_crawl()
    assert (crawl["articles_new"], crawl["versions_new"], crawl["unchanged"]) == (
        0, 0, len(expected)
    )
    assert all(v == [1] for v in archive_db.versions().values())
    assert_archive_is_the_sites(archive_db, expected)


def test_edits_make_one_new_version_each_and_the_cli_shows_them(
    digest_server, ledger_server, archive_path, archive_db, run_crawl, run_cli
) -> None:
    urls = start_urls(digest_server, ledger_server)
    run_crawl(urls, archive_path, *FIRST)
    digest, ledger = digest_server.site, ledger_server.site
    correction = "The council later said the figures had been revised after an audit."
    edited = digest.edit_body(
        digest.live_stories()[4], lambda old: [*old[:2], correction, *old[3:]]
    )
    retitled = ledger.edit_title(ledger.live_stories()[6], "Council confirms delay to the plan")
    digest.churn()
    ledger.churn()

    run_crawl(urls, archive_path, *LATER)

    expected = expected_of(digest_server, ledger_server)
    changed = {digest.url(edited), ledger.url(retitled)}
    crawl = archive_db.last_crawl()
    assert (crawl["articles_new"], crawl["versions_new"], crawl["unchanged"]) == (
        0, 2, len(expected) - 2
    )
    versions = archive_db.versions()
    assert {url for url, numbers in versions.items() if numbers == [1, 2]} == changed
    assert all(versions[url] == [1] for url in set(expected) - changed)
    assert_archive_is_the_sites(archive_db, expected)

    db = ["--db", str(archive_path)]
    diff = run_cli("diff", digest.url(edited), *db)
    assert diff.returncode == 0, diff.stderr
    assert any(line.startswith("+") and correction in line for line in diff.stdout.splitlines())

    history = run_cli("history", ledger.url(retitled), *db)
    assert history.returncode == 0, history.stderr
    assert "Council confirms delay to the plan" in history.stdout
    rows = [line for line in history.stdout.splitlines() if re.match(r"\s*\d+\s", line)]
    assert len(rows) == 2, history.stdout
    as_json = run_cli("history", ledger.url(retitled), "--json", *db)
    assert [json.loads(line)["version"] for line in as_json.stdout.splitlines()] == [1, 2]

    for variant in (
        ledger.url(retitled) + "?utm_source=newsletter&utm_medium=email&utm_campaign=am#top",
        ledger.url(retitled) + "/amp",
        ledger.url(retitled) + "?fbclid=IwAR0abc",
    ):
        same = run_cli("history", variant, "--json", *db)
        assert same.returncode == 0, (variant, same.stderr)
        assert same.stdout == as_json.stdout, variant

    unknown = run_cli("history", digest_server.url("/2025/01/01/never-published/"), *db)
    assert unknown.returncode == 1
    assert unknown.stdout == ""
    lines = unknown.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), unknown.stderr


def test_new_removed_and_moved_stories(
    digest_server, ledger_server, archive_path, archive_db, run_crawl, run_cli
) -> None:
    urls = start_urls(digest_server, ledger_server)
    run_crawl(urls, archive_path, *FIRST)
    digest, ledger = digest_server.site, ledger_server.site
    before = expected_of(digest_server, ledger_server)
    added = digest.add_story()
    removed = ledger.remove_story(ledger.live_stories()[3])
    moved = digest.live_stories()[5]
    old_url = digest.url(moved)
    digest.move_story(moved, "a-new-slug-for-the-story")

    run_crawl(urls, archive_path, *LATER)

    crawl = archive_db.last_crawl()
    assert (crawl["articles_new"], crawl["versions_new"], crawl["unchanged"]) == (
        1, 1, len(before) - 1
    )
    latest = archive_db.latest()
    assert_matches_truth(latest[digest.url(added)], digest.expected()[digest.url(added)])
    kept = latest[ledger.url(removed)]  # the archive keeps what was published
    assert_matches_truth(kept, before[ledger.url(removed)])
    [gone] = archive_db.rows("SELECT removed_at FROM articles WHERE url = ?", ledger.url(removed))
    assert gone["removed_at"], "a 404 on re-check marks the article removed"
    # A story under a new URL (301 from the old one) stays one article with one version.
    assert len(archive_db.rows("SELECT id FROM articles")) == len(before) + 1
    assert archive_db.versions()[old_url] == [1]
    db = ["--db", str(archive_path)]
    by_new = run_cli("history", digest.url(moved), "--json", *db)
    by_old = run_cli("history", old_url, "--json", *db)
    assert by_new.returncode == 0, by_new.stderr
    assert by_new.stdout == by_old.stdout


def test_endless_pagination_stops_by_itself(
    digest_server, ledger_server, archive_path, archive_db, run_crawl
) -> None:
    for server in (digest_server, ledger_server):
        server.site.endless_pagination = True

    run_crawl(start_urls(digest_server, ledger_server), archive_path, timeout=120)

    assert archive_db.last_crawl()["status"] == "finished"
    assert_archive_is_the_sites(archive_db, expected_of(digest_server, ledger_server))
    pages = [int(m.group(1)) for m in map(re.compile(r"/page/(\d+)/").search,
                                          digest_server.requests) if m]
    pages += [int(m.group(1)) for m in map(re.compile(r"[?&]page=(\d+)").search,
                                           ledger_server.requests) if m]
    assert pages and max(pages) < 50, "paging ran on"


def test_every_start_url_waiting_for_robots_txt_obeys_it(
    digest_server: RunningServer, archive_path, run_crawl
) -> None:
    # Slow answers: every start URL is queued while robots.txt is still on its way.
    digest_server.delay = 0.3
    site = digest_server.site
    sections = sorted(site.index().by_section)[:3]
    private = site.url(site.private)
    starts = [digest_server.url("/"), *(digest_server.url(f"/category/{s}/") for s in sections),
              private]

    run_crawl(starts, archive_path, "-s", "CLOSESPIDER_ITEMCOUNT=3")

    assert "/private/" in private
    assert "/robots.txt" in digest_server.requests
    assert not digest_server.requested("/private/"), "a start URL skipped robots.txt"
