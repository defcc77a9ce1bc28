"""Archive files as they are found: on a read-only shared drive, cut short, or damaged."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.archive import Archive, ArchiveError

URL = "https://example.com/news/border-talks"
BODY = " ".join(f"The border agreement was signed on day {n} of the talks." for n in range(40))
FIRST = ("-s", "CRAWL_CLOCK=2025-10-06T08:00:00Z")
LATER = ("-s", "CRAWL_CLOCK=2025-10-06T08:30:00Z")


def make_archive(path: Path) -> Path:
    """A small archive of two articles, one of them with a stored page."""
    with Archive.open(path) as archive:
        archive.save({"url": URL, "site": "example.com", "title": "Border talks",
                      "body": BODY, "page": b"<html><p>border</p></html>", "encoding": "utf-8"})
        archive.save({"url": "https://example.com/news/pier", "site": "example.com",
                      "title": "Pier reopens", "body": "The pier reopened after the storm."})
    return path


def freeze(paths: list[Path]) -> None:
    """Make files and folders unwritable, as on a read-only mount, even for root."""
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: root ignores file permissions")
    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
    if done.returncode:
        pytest.skip(f"chattr +i is not available here: {done.stderr.decode().strip()}")


def thaw(paths: list[Path]) -> None:
    """Undo freeze()."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def shared_drive() -> Iterator[Path]:
    """An archive in a folder where neither the file nor the folder can be written."""
    folder = Path(tempfile.mkdtemp(prefix="shared-drive-"))
    path = make_archive(folder / "archive.db")
    assert sorted(p.name for p in folder.iterdir()) == ["archive.db"]  # no -wal, no -shm
    frozen = [path, folder]
    freeze(frozen)
    try:
        probe = folder / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")
        yield path
    finally:
        thaw(frozen)
        shutil.rmtree(folder)


@pytest.mark.parametrize("args", [
    ("search", "border"),
    ("history", URL),
    ("diff", URL),
    ("similar", URL),
    ("crawls",),
    ("export", "--format", "jsonl", "-o", "-"),
])
def test_every_reading_command_answers_from_a_read_only_folder(shared_drive, run_cli,
                                                               args) -> None:
    before = shared_drive.read_bytes()
    proc = run_cli(*args, "--db", str(shared_drive))
    assert proc.returncode == 0, proc.stderr
    assert "readonly" not in proc.stderr and "unable to open" not in proc.stderr
    if args[0] in ("search", "history", "export"):
        assert "example.com" in proc.stdout
    assert shared_drive.read_bytes() == before
    assert sorted(p.name for p in shared_drive.parent.iterdir()) == ["archive.db"]


def test_the_archive_reads_a_read_only_folder(shared_drive) -> None:
    with Archive.open(shared_drive, readonly=True) as archive:
        assert archive.counts()["articles"] == 2
        assert [r["url"] for r in archive.search("border")] == [URL]
        [row] = archive.versions_with_pages()
        assert row["encoding"] == "utf-8"


def cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 3])


def scribble(path: Path) -> None:
    """Overwrite every page but the first with noise: the header is whole, the rest is not."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes((n * 131 + 7) % 251 for n in range(len(data) - page))
    path.write_bytes(bytes(data))


def scribble_one_table(path: Path) -> None:
    """Overwrite the first page of the versions table: the crawls table still reads, and
    takes writes."""
    with sqlite3.connect(path) as conn:
        [(root,)] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'versions'")
    conn.close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    start = (root - 1) * page
    data[start:start + page] = bytes((n * 131 + 7) % 251 for n in range(page))
    path.write_bytes(bytes(data))


def not_sqlite(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 a zip file, or anything else that is not SQLite" * 100)


DAMAGES = {"cut short": cut_short, "scribbled over": scribble,
           "one table scribbled over": scribble_one_table, "not SQLite": not_sqlite}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("args", [("search", "border"), ("history", URL), ("crawls",),
                                  ("export", "--format", "jsonl", "-o", "-")])
def test_a_damaged_archive_is_one_error_line(tmp_path, run_cli, damage, args) -> None:
    path = make_archive(tmp_path / "archive.db")
    DAMAGES[damage](path)
    proc = run_cli(*args, "--db", str(path))
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 0 and damage == "one table scribbled over":
        return  # what the command reads is intact: it may answer
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    assert str(path) in lines[0]


@pytest.mark.parametrize("damage", DAMAGES)
def test_opening_a_damaged_archive_for_writing_is_an_archive_error_and_changes_nothing(
        tmp_path, damage) -> None:
    path = make_archive(tmp_path / "archive.db")
    DAMAGES[damage](path)
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match=r"archive\.db"):
        Archive.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_crawl_into_a_damaged_archive_never_modifies_it(tmp_path, digest_server, run_crawl,
                                                          damage) -> None:
    path = tmp_path / "archive.db"
    run_crawl(digest_server.url("/"), path, *FIRST)
    DAMAGES[damage](path)
    before, files = path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())
    digest_server.site.add_story()
    proc = run_crawl(digest_server.url("/"), path, *LATER, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    assert "Traceback" not in output, output[-4000:]
    errors = [line for line in output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and str(path) in errors[0], output[-3000:]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files
