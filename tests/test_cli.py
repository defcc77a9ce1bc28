"""The `crawler` command through click's CliRunner, plus one real subprocess run."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.archive import Archive
from crawler.cli import cli

ROOT = Path(__file__).resolve().parents[1]
URL = "https://example.com/2025/08/22/plan/"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "archive.db"
    item = {"url": URL, "site": "example.com", "title": "Council approves plan",
            "summary": "A vote follows.", "authors": ["Ann Lee"],
            "body": "The council approved the plan.\n\nResidents will vote in May."}
    with Archive.open(path) as archive:
        crawl = archive.start_crawl("news", ["https://example.com/"])
        archive.save(item, crawl)
        archive.save({**item, "body": item["body"].replace("May", "June")}, crawl)
        archive.save({**item, "url": "https://example.com/other/", "title": "Other story",
                      "body": "Nothing about votes here."}, crawl)
        archive.finish_crawl(crawl, "finished", {"pages_fetched": 3, "articles_new": 2}, {})
    return str(path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_history_lists_versions_and_changes(db: str) -> None:
    code, out = run("history", URL + "?utm_source=newsletter", "--db", db)
    assert code == 0
    assert "first version" in out and "minor copy edit" not in out
    assert "substantive edit: +1/-1 words" in out
    code, out = run("history", URL, "--db", db, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["version"] for r in rows] == [1, 2]
    assert rows[1]["changes"]["fields"] == ["body"]


def test_diff_shows_the_change(db: str) -> None:
    code, out = run("diff", URL, "--db", db)
    assert code == 0
    assert "-Residents will vote in May." in out and "+Residents will vote in June." in out
    code, out = run("diff", URL, "--from", "1", "--to", "9", "--db", db)
    assert code == 1 and out.startswith("Error: ") and "no version 9" in out


def test_search_formats(db: str) -> None:
    code, out = run("search", "may OR june", "--db", db, "--json")
    assert code == 0
    assert [json.loads(line)["url"] for line in out.splitlines()] == [URL]
    code, out = run("search", "residents", "--db", db, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["title"] == "Council approves plan" and "[Residents]" in rows[0]["snippet"]
    code, out = run("search", "nonexistentword", "--db", db)
    assert code == 0 and "No matches" in out
    code, out = run("search", 'AND OR "', "--db", db)
    assert code == 1 and out.startswith("Error: bad search query")


def test_export(db: str) -> None:
    code, out = run("export", "--db", db)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2
    assert rows[0]["authors"] == ["Ann Lee"] and "June" in rows[0]["body"]
    code, out = run("export", "--format", "csv", "--all-versions", "--db", db)
    assert [r["version"] for r in csv.DictReader(io.StringIO(out))] == ["1", "2", "1"]


def test_crawls(db: str) -> None:
    code, out = run("crawls", "--db", db, "--json")
    row = json.loads(out.splitlines()[0])
    assert code == 0 and row["status"] == "finished" and row["pages_fetched"] == 3


@pytest.mark.parametrize("command", ["history", "diff"])
def test_unknown_url_and_missing_db_are_one_line_errors(db: str, tmp_path: Path,
                                                        command: str) -> None:
    code, out = run(command, "https://example.com/nowhere/", "--db", db)
    assert code == 1 and out.strip().count("\n") == 0 and out.startswith("Error: no article")
    code, out = run(command, URL, "--db", str(tmp_path / "missing.db"))
    assert code == 1 and out.startswith("Error: no archive at")


def test_every_command_has_help_and_a_readme_entry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        code, out = run(name, "--help")
        assert code == 0 and "Example:" in out, name
        assert command.help and command.help.splitlines()[0].strip()
        assert f"crawler {name}" in readme, f"README does not document `crawler {name}`"


def test_python_dash_m_runs_the_command(db: str) -> None:
    done = subprocess.run([sys.executable, "-m", "crawler", "history", URL, "--db", db],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Council approves plan" in done.stdout
    done = subprocess.run([sys.executable, "-m", "crawler", "history", "nope", "--db", db],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1 and done.stderr.strip().startswith("Error:")


# Run in a fresh interpreter: which modules the read-only commands load, after they ran.
LOADED = """
import sys
from crawler.cli import cli
try:
    cli(sys.argv[1:], prog_name="crawler")
except SystemExit as done:
    assert not done.code, done.code
print(" ".join(m for m in ("sqlite_utils", "numpy", "w3lib", "scrapy") if m in sys.modules))
"""


@pytest.mark.parametrize("args", [("history", URL), ("diff", URL), ("search", "vote"),
                                  ("similar", URL), ("search", "vote", "--all-versions")])
def test_read_only_commands_start_without_heavy_imports(db: str, args: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-c", LOADED, *args, "--db", db],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "", done.stdout


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    code, out = run("--version")
    assert code == 0 and out.strip() == f"crawler, version {version('news-archive-crawler')}"


PAGE = """<html lang="en"><head><title>Council approves plan | Example News</title>
<link rel="canonical" href="https://example.com/2025/08/22/plan/">
<meta property="og:type" content="article"></head><body>
<article><h1>Council approves plan</h1><div class="entry-content">
<p>The council approved the plan on Monday after a long debate in the chamber.</p>
<p>Residents will vote on the final scheme in May, officials said on Tuesday.</p>
<p>Opponents said the consultation had been too short and too narrow in scope.</p>
</div></article><aside><h3>Latest from News</h3><p>Another story teaser</p></aside>
</body></html>"""


@pytest.fixture
def paged_db(tmp_path: Path) -> str:
    path = tmp_path / "paged.db"
    stale = {"url": URL, "site": "example.com", "title": "Council approves plan",
             "body": "The council approved the plan.\n\nLatest from News", "page": PAGE.encode(),
             "encoding": "utf-8", "fetched_url": URL, "extractor": "0.0.1",
             "headers": {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}}
    with Archive.open(path) as archive:
        archive.save(stale)
    return str(path)


def test_reextract_reports_then_applies_and_keeps_the_old_text(paged_db: str) -> None:
    code, out = run("reextract", "--db", paged_db)
    assert code == 0 and "v1 " + URL in out and "1 would change" in out
    with Archive.open(paged_db, readonly=True) as archive:  # a dry run changed nothing
        assert "Latest from" in archive.versions(1)[0]["body"]
    code, out = run("reextract", "--apply", "--db", paged_db)
    assert code == 0 and "1 changed" in out
    with Archive.open(paged_db, readonly=True) as archive:
        version = archive.versions(1)[0]
        assert "Residents will vote" in version["body"] and "Latest from" not in version["body"]
        assert version["extractor"] != "0.0.1"
        old = archive.db.execute("SELECT extractor, body FROM superseded").fetchall()
        assert old == [("0.0.1", "The council approved the plan.\n\nLatest from News")]
        assert archive.page(version["page_id"])[0] == PAGE.encode()  # the page is kept
    code, out = run("reextract", "--db", paged_db)
    assert "0 would change" in out


def test_export_warc_replays_the_kept_pages(paged_db: str, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    target = tmp_path / "out.warc.gz"
    code, out = run("export", "--format", "warc", "-o", str(target), "--db", paged_db)
    assert code == 0 and "1 response" in out
    with target.open("rb") as stream:
        records = [(r.rec_headers.get_header("WARC-Target-URI"),
                    r.http_headers.get_header("Content-Encoding"), r.content_stream().read())
                   for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert records == [(URL, None, PAGE.encode())]


def test_pages_are_stored_compressed_and_once(paged_db: str) -> None:
    with Archive.open(paged_db) as archive:
        archive.save({"url": URL + "copy/", "site": "example.com", "title": "Copy",
                      "body": "Another article body.", "page": PAGE.encode()})
        size, stored, count = archive.db.execute(
            "SELECT SUM(size), SUM(LENGTH(content)), COUNT(*) FROM pages").fetchone()
    assert count == 1 and stored < size


def test_export_parquet(db: str, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "out.parquet"
    code, _ = run("export", "--format", "parquet", "--all-versions", "-o", str(target),
                  "--db", db)
    assert code == 0
    table = pq.read_table(target)
    assert table.num_rows == 3 and table.column("version").to_pylist() == [1, 2, 1]


def test_word_and_html_diffs(db: str) -> None:
    code, out = run("diff", URL, "--words", "--db", db)
    # the changed word alone, its full stop kept as unchanged text
    assert code == 0 and "[-May-]{+June+}." in out
    code, out = run("diff", URL, "--html", "--db", db)
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    assert "<del>May</del><ins>June</ins>." in out


def test_html_diff_escapes_page_text(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    item = {"url": URL, "site": "example.com", "title": "<script>alert(1)</script>",
            "body": "Plain <b>text</b> & more."}
    with Archive.open(path) as archive:
        archive.save(item)
        archive.save({**item, "body": "Plain <img src=x onerror=alert(1)> & more."})
    code, out = run("diff", URL, "--html", "--db", str(path))
    assert code == 0 and "<script>" not in out and "<img" not in out
    assert "img src=x onerror=alert(1)&gt;" in out


def test_search_filters(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Archive.open(path) as archive:
        for n, (site, section, published) in enumerate([
            ("a.org", "Politics", "2025-10-01T09:00:00+01:00"),
            ("a.org", "Sport", "2025-10-06T23:30:00+00:00"),
            ("b.org", "Politics", "2025-10-07T08:00:00+00:00"),
        ]):
            archive.save({"url": f"https://{site}/story-{n}", "site": site, "title": f"Vote {n}",
                          "section": section, "published": published, "body": "Ballot boxes."})

    def hits(*args: str) -> list[str]:
        code, out = run("search", "ballot", "--json", "--db", str(path), *args)
        assert code == 0, out
        return sorted(json.loads(line)["title"] for line in out.splitlines())

    assert hits() == ["Vote 0", "Vote 1", "Vote 2"]
    assert hits("--site", "a.org") == ["Vote 0", "Vote 1"]
    assert hits("--section", "politics") == ["Vote 0", "Vote 2"]
    assert hits("--since", "2025-10-06") == ["Vote 1", "Vote 2"]
    assert hits("--until", "2025-10-06") == ["Vote 0", "Vote 1"]
    assert hits("--since", "2025-10-02", "--until", "2025-10-06", "--site", "a.org") == ["Vote 1"]


def test_similar(tmp_path: Path) -> None:
    path = tmp_path / "sim.db"
    text = " ".join(f"Sentence number {n} of the shared wire story about the harbour plan."
                    for n in range(12))
    with Archive.open(path) as archive:
        archive.save({"url": "https://a.org/x", "site": "a.org", "title": "Harbour", "body": text})
        archive.save({"url": "https://b.org/y", "site": "b.org", "title": "Harbour plan",
                      "body": text + " Extra line from the second desk."})
    code, out = run("similar", "https://a.org/x", "--json", "--db", str(path))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["url"] for r in rows] == ["https://b.org/y"]
    code, out = run("similar", "https://a.org/x", "--threshold", "1", "--db", str(path))
    assert code == 0 and "No similar articles" in out
