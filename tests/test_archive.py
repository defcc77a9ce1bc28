"""The archive on a fresh temporary SQLite file per test."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from crawler.archive import (
    Archive,
    ArchiveError,
    ArchiveNotFound,
    ArticleNotFound,
    Outcome,
    VersionNotFound,
)
from crawler.archive.diff import change_summary, content_hash, unified_diff
from crawler.archive.schema import SCHEMA_VERSION

BODY = "The council approved the plan on Monday.\n\nResidents will vote in May."


def story(**changes) -> dict:
    item = {
        "url": "https://example.com/2025/08/22/plan/", "site": "example.com",
        "title": "Council approves plan", "summary": "A vote follows.",
        "authors": ["Ann Lee"], "published": "2025-08-22T09:00:00+00:00",
        "section": "Local", "body": BODY, "fetched_url": "https://example.com/2025/08/22/plan/",
        "status": 200, "aliases": ["https://example.com/?p=42"],
    }
    item.update(changes)
    return item


@pytest.fixture
def archive(tmp_path: Path):
    with Archive.open(tmp_path / "archive.db") as opened:
        yield opened


def test_new_archive_has_the_documented_schema(archive: Archive) -> None:
    db = archive.db
    assert {"articles", "versions", "crawls", "aliases"} <= set(db.table_names())
    assert "latest" in db.view_names()
    assert db["versions"].detect_fts() == "versions_fts"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"id", "url", "site", "first_seen", "last_seen"} <= set(db["articles"].columns_dict)
    assert {"id", "article_id", "version", "fetched_at", "content_hash", "title", "summary",
            "authors", "published", "modified", "section", "body"} <= set(
        db["versions"].columns_dict)


def test_versions_only_when_content_changes(archive: Archive) -> None:
    crawl = archive.start_crawl("news", ["https://example.com/"])
    assert archive.save(story(), crawl) is Outcome.NEW_ARTICLE
    # whitespace, authors, dates and section are not content
    same = story(body=BODY.replace(" ", "  "), authors=["Someone Else"], section="Other",
                 modified="2025-09-01T00:00:00Z")
    assert archive.save(same, crawl) is Outcome.UNCHANGED
    assert archive.save(story(title="Council approves revised plan"), crawl) is Outcome.NEW_VERSION
    assert archive.save(story(title="Council approves revised plan", body=BODY + "\n\nUpdate."),
                        crawl) is Outcome.NEW_VERSION
    versions = archive.versions(archive.article(story()["url"])["id"])
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[1]["changes"]["fields"] == ["title"]
    assert versions[1]["changes"]["kind"] == "headline"
    assert versions[2]["changes"] == {"kind": "substantive", "fields": ["body"], "words_added": 1,
                                      "words_removed": 0, "reverts_to": None}
    assert [v["change_kind"] for v in versions] == ["first", "headline", "substantive"]
    assert versions[0]["authors"] == ["Ann Lee"]


def test_aliases_find_the_same_article(archive: Archive) -> None:
    archive.save(story())
    # reached later through its shortlink only, under a new canonical URL: same article
    moved = story(url="https://example.com/2025/08/22/plan-renamed/",
                  aliases=["https://example.com/?p=42"], body=BODY + "\n\nMore.")
    assert archive.save(moved) is Outcome.NEW_VERSION
    assert archive.counts()["articles"] == 1
    for url in ("https://example.com/?p=42&utm_source=x",
                "https://www.example.com/2025/08/22/plan/amp/#top",
                "https://example.com/2025/08/22/plan-renamed/"):
        assert archive.article(url)["url"] == story()["url"]
    with pytest.raises(ArticleNotFound):
        archive.article("https://example.com/elsewhere/")


def test_diff_history_and_search(archive: Archive) -> None:
    archive.save(story())
    archive.save(story(body=BODY.replace("May", "June")))
    text = archive.diff(story()["url"])
    assert "-Residents will vote in May." in text and "+Residents will vote in June." in text
    with pytest.raises(VersionNotFound):
        archive.diff(story()["url"], 1, 7)
    hits = archive.search("residents")
    assert [h["version"] for h in hits] == [2] and "[Residents]" in hits[0]["snippet"]
    assert len(archive.search("May", all_versions=True)) == 1
    assert archive.search("residents", site="other.org") == []
    with pytest.raises(ArchiveError, match="bad search query"):
        archive.search('"unbalanced')


def test_crawl_record(archive: Archive) -> None:
    crawl = archive.start_crawl("news", ["https://example.com/"])
    archive.finish_crawl(crawl, "finished", {"pages_fetched": 5, "articles_new": 2}, {"a/b": 1})
    row = archive.crawls()[0]
    assert row["status"] == "finished" and row["pages_fetched"] == 5
    assert row["finished_at"] >= row["started_at"]
    assert json.loads(row["stats"]) == {"a/b": 1}


def test_failed_write_leaves_nothing_half_written(archive: Archive) -> None:
    broken = story()
    del broken["site"]  # the article row cannot be written
    with pytest.raises(KeyError):
        archive.save(broken)
    assert archive.counts() == {"articles": 0, "versions": 0, "crawls": 0}
    assert archive.db.execute("SELECT COUNT(*) FROM aliases").fetchone()[0] == 0


def test_readonly_open(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound):
        Archive.open(tmp_path / "missing.db", readonly=True)
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE x (y)").connection.close()
    with pytest.raises(ArchiveError, match="not a news archive"):
        Archive.open(plain, readonly=True)
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save(story())
    with Archive.open(tmp_path / "a.db", readonly=True) as archive:
        with pytest.raises(sqlite3.OperationalError):
            archive.db.execute("DELETE FROM versions")
        assert archive.counts()["versions"] == 1


def test_sqlite_utils_sees_the_fts_index(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.db") as archive:
        archive.save(story())
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert [row["title"] for row in db["versions"].search("council")] == ["Council approves plan"]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_content_hash_and_change_summary() -> None:
    a = {"title": "T", "summary": None, "body": "One two three."}
    assert content_hash(a) == content_hash({**a, "body": " One  two\nthree. "})
    assert content_hash(a) != content_hash({**a, "body": "One two three!"})
    assert change_summary(a, {**a, "body": "One four three."}) == {
        "fields": ["body"], "words_added": 1, "words_removed": 1}
    diff = unified_diff(a, {**a, "title": "U"}, "v1", "v2")
    assert "-T" in diff and "+U" in diff and "body" not in diff


WIRE = ("The UK Government has signed a new agreement with its partners aimed at strengthening "
        "border security and stepping up cooperation on migration. Officials said the accord "
        "was designed to deter crossings and undermine the gangs that profit from smuggling. "
        "The minister said it reflected a determination to pursue serious diplomacy that "
        "delivers real results while building long-term partnerships with key countries in "
        "the region, and that talks had also covered trade, security and development.")


def test_syndicated_copies_are_linked_across_sites(archive: Archive) -> None:
    archive.save(story(url="https://asianlite.com/a/", site="asianlite.com", body=WIRE,
                       aliases=[]))
    archive.save(story(url="https://arabdailydigital.com/b/", site="arabdailydigital.com",
                       body=WIRE + " A further sentence was added by the second site's desk.",
                       aliases=[]))
    archive.save(story(url="https://example.org/c/", site="example.org", aliases=[],
                       body="Completely unrelated sports coverage of the weekend matches, with "
                            "goals, saves and a late penalty that settled a tight derby. " * 3))
    copies = archive.similar("https://asianlite.com/a/")
    assert [c["url"] for c in copies] == ["https://arabdailydigital.com/b/"]
    assert copies[0]["similarity"] > 0.7
    assert archive.similar("https://example.org/c/") == []
    # when one copy is rewritten, the link goes
    archive.save(story(url="https://arabdailydigital.com/b/", site="arabdailydigital.com",
                       aliases=[],
                       body="The story was replaced by an entirely different report about "
                            "weather, floods and the road closures they caused this week. " * 3))
    assert archive.similar("https://asianlite.com/a/") == []


def test_a_crowded_band_is_read_only_up_to_its_newest_entries(archive: Archive) -> None:
    # One wire story, word for word, on more sites than a band bucket is read for: every copy
    # shares all its bands with every other, so each new copy meets only the newest ones.
    from crawler.archive.similar import BAND_CANDIDATES

    urls = [f"https://site{n}.example/wire/" for n in range(BAND_CANDIDATES + 8)]
    for url in urls:
        archive.save(story(url=url, site=url.split("/")[2], aliases=[], body=WIRE))
    assert {c["url"] for c in archive.similar(urls[-1])} == set(urls[-BAND_CANDIDATES - 1:-1])
    # the first copy keeps the links made as the copies after it were saved
    assert {c["url"] for c in archive.similar(urls[0])} == set(urls[1:BAND_CANDIDATES + 1])
    assert all(archive.similar(url) for url in urls)


def test_rewritten_newest_text_is_what_similar_compares(archive: Archive) -> None:
    archive.save(story(url="https://asianlite.com/a/", site="asianlite.com", body=WIRE,
                       aliases=[]))
    other = "https://example.org/c/"
    archive.save(story(url=other, site="example.org", aliases=[],
                       body="A menu and a cookie notice, as a broken extractor kept them. " * 5))
    archive.save(story(url=other, site="example.org", aliases=[],
                       body="Still the menu and the cookie notice, a day later. " * 5))
    assert archive.similar(other) == []
    first, newest = archive.versions(archive.article(other)["id"])
    # an older version's text rewritten (crawler reextract --apply): the index stays
    archive.supersede(first["id"], {**first, "body": WIRE}, "x")
    assert archive.similar(other) == []
    # the newest version's text rewritten: the copy is found, from both sides
    archive.supersede(newest["id"], {**newest, "body": WIRE}, "x")
    assert [c["url"] for c in archive.similar(other)] == ["https://asianlite.com/a/"]
    assert [c["url"] for c in archive.similar("https://asianlite.com/a/")] == [other]


def test_flip_flop_is_reported_as_revert(archive: Archive) -> None:
    archive.save(story())
    archive.save(story(title="Council rejects plan"))
    archive.save(story())
    kinds = [(v["change_kind"], v["changes"]["reverts_to"])
             for v in archive.versions(archive.article(story()["url"])["id"])]
    assert kinds == [("first", None), ("headline", None), ("revert", 1)]


def test_a_story_under_a_new_url_with_the_same_text_stays_one_article(archive: Archive) -> None:
    archive.save(story(aliases=[]))
    moved = story(url="https://example.com/2025/08/22/plan-new-slug/", aliases=[])
    assert archive.save(moved) is Outcome.UNCHANGED
    assert archive.counts()["articles"] == 1
    assert archive.article(moved["url"])["url"] == story()["url"]
    # the same text on another site is a syndicated copy, not the same article
    assert archive.save(story(url="https://other.org/plan/", site="other.org",
                              aliases=[])) is Outcome.NEW_ARTICLE


def _story_at(n: int, **changes) -> dict:
    return story(url=f"https://example.com/2025/08/{n:02d}/story/", aliases=[],
                 fetched_at=f"2025-08-{n:02d}T10:00:00Z", **changes)


def test_search_lists_newest_first_or_by_relevance(archive: Archive) -> None:
    archive.save(_story_at(1, title="Budget", body="The budget, the budget, the budget."))
    archive.save(_story_at(2, title="Roads", body="Roads and one budget line."))
    archive.save(_story_at(3, title="Parks", body="Parks and a budget."))
    assert [h["title"] for h in archive.search("budget")] == ["Parks", "Roads", "Budget"]
    assert archive.search("budget", rank=True)[0]["title"] == "Budget"
    assert [h["title"] for h in archive.search("budget", limit=2)] == ["Parks", "Roads"]
    # the newest first holds among all versions too, and after filters
    archive.save(_story_at(1, title="Budget", body="The budget was cut."))
    assert [(h["title"], h["version"]) for h in archive.search("budget", all_versions=True)] == [
        ("Budget", 2), ("Parks", 1), ("Roads", 1), ("Budget", 1)]
    assert [h["title"] for h in archive.search("budget", until="2025-08-22", limit=1)] == [
        "Budget"]


def _latest_index(archive: Archive, word: str) -> set[int]:
    return {rowid for (rowid,) in archive.db.execute(
        "SELECT rowid FROM latest_fts WHERE latest_fts MATCH ?", (word,))}


def _newest_versions_with(archive: Archive, word: str) -> set[int]:
    # the answer from the index of every version, kept by the triggers sqlite-utils names
    return {rowid for (rowid,) in archive.db.execute(
        """SELECT v.id FROM versions_fts JOIN versions v ON v.id = versions_fts.rowid
           WHERE versions_fts MATCH ? AND v.version = (
               SELECT MAX(version) FROM versions WHERE article_id = v.article_id)""", (word,))}


def test_the_index_of_newest_versions_follows_every_write(archive: Archive) -> None:
    words = ("council", "residents", "june", "july", "correction", "parks")
    archive.save(_story_at(1))
    archive.save(_story_at(2, body=BODY + "\n\nParks reopen."))
    archive.save(_story_at(1, body=BODY.replace("May", "June")))
    archive.save(_story_at(1, body=BODY.replace("May", "July")))
    archive.save(_story_at(2, body=BODY + "\n\nCorrection: parks stay shut."))
    for word in words:
        assert _latest_index(archive, word) == _newest_versions_with(archive, word), word
    assert _latest_index(archive, "july") and not _latest_index(archive, "june")
    # a newest version's text rewritten (crawler reextract --apply), then an older one's
    newest = archive.versions(1)[-1]
    archive.supersede(newest["id"], {**newest, "body": "Residents will vote in August."}, "x")
    archive.supersede(archive.versions(1)[0]["id"], {**newest, "body": "Nothing."}, "x")
    # the newest version removed: the one before it is the newest again
    archive.db.execute("PRAGMA foreign_keys = OFF")  # fetches and signatures refer to it
    with archive.db.atomic():
        archive.db.execute("DELETE FROM versions WHERE id = ?", (newest["id"],))
    for word in (*words, "august", "nothing"):
        assert _latest_index(archive, word) == _newest_versions_with(archive, word), word
    assert [h["version"] for h in archive.search("june")] == [2]


def test_archive_of_schema_4_gets_its_index_of_newest_versions_after_a_backup(
        tmp_path: Path) -> None:
    from conftest import old_schema_archive

    path = tmp_path / "archive.db"
    old = old_schema_archive(path, 4)
    with old.atomic():
        old.execute("INSERT INTO articles (id, url, site, first_seen, last_seen) VALUES "
                    "(1, 'https://example.com/a/', 'example.com', '2025', '2025')")
        for number, body in enumerate(("Vote in May.", "Vote in June."), 1):
            old.execute("INSERT INTO versions (article_id, version, fetched_at, content_hash, "
                        "title, body) VALUES (1, ?, '2025', ?, 'Vote', ?)",
                        (number, str(number), body))
    old.close()
    with pytest.raises(ArchiveError, match="schema version 4"):
        Archive.open(path, readonly=True)
    with Archive.open(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [h["version"] for h in archive.search("vote")] == [2]
        assert archive.search("may") == [] and len(archive.search("may", all_versions=True)) == 1
    backup = sqlite3.connect(tmp_path / "archive.db.v4.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 4
    assert backup.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 2
    backup.close()


def test_stale_crawls_are_marked_killed_but_a_distributed_run_between_ingests_is_not(
        archive) -> None:
    killed = archive.start_crawl("news", ["https://example.com/"])
    between_ingests = archive.start_crawl("news", ["https://example.com/"])
    current = archive.start_crawl("news", ["https://example.com/"])
    assert archive.close_stale_crawls(current) == 2  # no distributed runs yet: both stale

    archive.conn.execute("UPDATE crawls SET status = 'running'")
    with archive.db.atomic():
        archive.add_distributed_run("r1", between_ingests, None)
    assert archive.close_stale_crawls(current) == 1
    status = dict(archive.conn.execute("SELECT id, status FROM crawls").fetchall())
    assert status == {killed: "killed", between_ingests: "running", current: "running"}
