"""The README's crontab and systemd lines, run as a user would: from a folder outside the
checkout, with no scrapy.cfg and no logs folder, against a sample site on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo import DigestSite, serve

README = Path(__file__).resolve().parents[1] / "README.md"
INSTALL = "/srv/news-archive"  # where the README's lines say the crawler is installed


def readme_block(after: str, language: str) -> str:
    """The first fenced block of a language after a heading text of the README."""
    text = README.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.compile(rf"```{language}\n(.*?)```", re.S).search(text, start)
    assert match, f"no {language} block after {after!r} in the README"
    return match.group(1)


@pytest.fixture
def install(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A fresh install folder (a .venv with the crawler, a sites file), a folder to run from,
    and the environment cron gives (no PYTHONPATH, no Scrapy settings)."""
    home = tmp_path / "news-archive"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "crawler").symlink_to(Path(sys.executable).parent / "crawler")
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")}
    env["HOME"] = str(elsewhere)
    return home, elsewhere, env


def sites_file(home: Path, start_url: str) -> None:
    """The install's sites.toml, naming the sample site."""
    (home / "sites.toml").write_text(f'[sites.sample]\nstart_urls = ["{start_url}"]\n',
                                     encoding="utf-8")


def articles(path: Path) -> int:
    """How many articles an archive holds."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


def test_the_readme_crontab_line_works_as_written(install) -> None:
    home, elsewhere, env = install
    [line] = [line for line in readme_block("**crontab** (every 20 minutes", "cron").splitlines()
              if "crawler crawl" in line]
    command = line.split(None, 5)[5].replace(INSTALL, str(home))  # after the 5 time fields
    site = DigestSite(count=6)
    with serve(site) as server:
        sites_file(home, server.url("/"))
        proc = subprocess.run(["sh", "-c", command], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = (home / "logs" / "summary.log").read_text(encoding="utf-8")
    assert re.search(r"^\S+Z Crawled: 1 sites \(1 answered\), \d+ pages, 6 new articles",
                     summary, re.M), summary
    assert (home / "logs" / "crawl.log").stat().st_size > 0
    assert articles(home / "archive.db") == 6


def test_the_readme_systemd_service_works_as_written(install) -> None:
    home, _, env = install
    service = readme_block("**systemd timer:**", "ini")
    values = dict(re.findall(r"^(WorkingDirectory|ExecStart)=(.+)$", service, re.M))
    folder = Path(values["WorkingDirectory"].replace(INSTALL, str(home)))
    command = shlex.split(values["ExecStart"].replace(INSTALL, str(home)))
    site = DigestSite(count=4)
    with serve(site) as server:
        sites_file(home, server.url("/"))
        proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1].startswith("Crawled: 1 sites (1 answered)")
    assert articles(folder / "archive.db") == 4
