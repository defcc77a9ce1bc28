"""Hostile command lines and files: one `Error:` line and exit 1, never a traceback; CSV that a
spreadsheet shows as text; a compressed page held to the crawl's cap; `serve` of any path."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO_ROOT, _env

from crawler.archive import Archive
from crawler.settings import DOWNLOAD_MAXSIZE

URL = "https://example.com/2025/08/22/plan/"
FORMULAS = ("=HYPERLINK(\"http://evil.test/\",\"click\")", "+1+2", "-2+3", "@SUM(A1)")


def make_archive(path: Path) -> Path:
    with Archive.open(path) as archive:
        crawl = archive.start_crawl("news", ["https://example.com/"])
        for n, formula in enumerate(FORMULAS):
            archive.save({"url": f"{URL}{n}/", "site": "example.com", "title": formula,
                          "summary": formula, "authors": [formula],
                          "body": f"{formula} council plan vote text"}, crawl)
        archive.finish_crawl(crawl, "finished", {"pages_fetched": 4, "articles_new": 4}, {})
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(make_archive(tmp_path / "archive.db"))


def crawler(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=REPO_ROOT, env=_env(),
                          capture_output=True, text=True, timeout=timeout)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr[-2000:]
    return lines[0]


@pytest.mark.parametrize("args", [
    ("search", "plan", "--limit", "99999999999999999999999"),
    ("crawls", "--limit", "99999999999999999999999"),
    ("history", "http://[::1"),
    ("history", "http://example.com:99999/story/"),
    ("diff", "http://[::1/x"),
    ("similar", "http://example.com:99999/"),
    ("export", "--format", "csv", "-o", "/dev/full"),
    ("export", "--format", "jsonl", "-o", "no/such/folder/out.jsonl"),
])
def test_bad_input_ends_in_one_error_line(db: str, args: tuple[str, ...]) -> None:
    one_error_line(crawler(*args, "--db", db))


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_csv_never_starts_a_cell_with_a_formula_character(db: str, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    done = crawler("export", "--format", "csv", "-o", str(out), "--db", db)
    assert done.returncode == 0, done.stderr
    searched = crawler("search", "council", "--csv", "--db", db)
    assert searched.returncode == 0, searched.stderr
    for text in (out.read_text(encoding="utf-8"), searched.stdout):
        found = cells(text)
        assert any(cell == "'" + FORMULAS[0] for cell in found), found[:20]
        bad = [cell for cell in found if cell[:1] in ("=", "+", "-", "@")]
        assert not bad, bad
    # JSON is data, not a spreadsheet: it keeps the text as it was
    lines = crawler("export", "--format", "jsonl", "--db", db).stdout.splitlines()
    assert {json.loads(line)["title"] for line in lines} == set(FORMULAS)


def test_extract_refuses_a_gzip_page_inflating_past_the_crawls_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        out.write(b"<html><body>")
        zeros = bytes(1024 * 1024)
        for _ in range(DOWNLOAD_MAXSIZE // len(zeros) + 8):
            out.write(zeros)
    assert bomb.stat().st_size < DOWNLOAD_MAXSIZE // 100
    line = one_error_line(crawler("extract", "--url", URL, str(bomb)))
    assert "larger than a crawl takes" in line
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(b"<html><head><title>A title</title></head><body><p>"
                                   + b"Words of a story. " * 40 + b"</p></body></html>"))
    done = crawler("extract", "--url", URL, str(page))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "A title"
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(b"<html>" * 1000)[:40])
    one_error_line(crawler("extract", "--url", URL, str(broken)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("name", ["arch#ive.db", "arch?ive.db", "a%20b.db"])
def test_serve_reads_the_real_tables_of_a_path_with_uri_characters(
        tmp_path: Path, name: str) -> None:
    utils = pytest.importorskip("datasette.utils")
    folder = tmp_path / "shared#drive?x"
    folder.mkdir()
    path = folder / name
    shutil.copy(make_archive(tmp_path / "plain.db"), path)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--db", str(path),
                                 "-p", str(port)], cwd=REPO_ROOT, env=_env(), stdout=out,
                                stderr=out)
    try:
        rows = None
        deadline = time.monotonic() + 60
        while rows is None:
            assert proc.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/{utils.tilde_encode(path.stem)}/articles.json"
                        "?_shape=array",
                        timeout=5) as answer:
                    rows = json.loads(answer.read())
            except OSError:
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert sorted(row["url"] for row in rows) == [f"{URL}{n}/" for n in range(len(FORMULAS))]
