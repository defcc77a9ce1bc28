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
    assert "first version" in out and "body (+1/-1 words)" in out
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
