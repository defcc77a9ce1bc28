"""The `crawler` command: read the archive (history, diff, search, export) and run the demo."""

from __future__ import annotations

import csv
import functools
import gzip
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from crawler.archive import Archive, ArchiveError

DEFAULT_DB = "archive.db"


def db_option(command: Callable) -> Callable:
    """--db PATH, shared by every command that reads the archive."""
    return click.option(
        "--db", "db_path", default=DEFAULT_DB, show_default=True,
        type=click.Path(dir_okay=False), help="Archive file to read.",
    )(command)


def output_options(command: Callable) -> Callable:
    """--json / --csv for commands whose output is data."""
    command = click.option("--csv", "as_csv", is_flag=True, help="Output CSV.")(command)
    return click.option("--json", "as_json", is_flag=True, help="Output JSON lines.")(command)


def archive_errors(command: Callable) -> Callable:
    """Turn archive errors into one `Error: ...` line and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ArchiveError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


def emit(rows: Iterable[dict[str, Any]], as_json: bool, as_csv: bool, columns: list[str]) -> None:
    """Print rows as JSON lines, CSV, or an aligned plain-text table."""
    rows = list(rows)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = [[str(row.get(c) if row.get(c) is not None else "") for c in columns]
                 for row in rows]
        widths = [min(60, max([len(c), *(len(r[i]) for r in table)]))
                  for i, c in enumerate(columns)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for line in table:
            cells = [v if len(v) <= w else v[: w - 1] + "…" for v, w in zip(line, widths,
                                                                          strict=True)]
            click.echo("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())


def describe_changes(changes: dict[str, Any]) -> str:
    """A version's change summary in a few words."""
    if changes.get("first"):
        return f"first version, {changes.get('words_added', 0)} words"
    fields = ", ".join(changes.get("fields", [])) or "nothing"
    return f"{fields} (+{changes.get('words_added', 0)}/-{changes.get('words_removed', 0)} words)"


@click.group()
@click.version_option(package_name="news-archive-crawler")
def cli() -> None:
    """Read and explore a news archive made by `scrapy crawl news`.

    Example:

        scrapy crawl news -a start_urls=https://example.com/news/

        crawler history https://example.com/news/some-story

        crawler search "border agreement" --json
    """


@cli.command()
@click.argument("url")
@db_option
@output_options
@archive_errors
def history(url: str, db_path: str, as_json: bool, as_csv: bool) -> None:
    """Every version of an article, with when it was fetched and what changed.

    Example: crawler history https://example.com/2025/08/22/story/
    """
    with Archive.open(db_path, readonly=True) as archive:
        article = archive.article(url)
        rows = [
            {
                "version": v["version"], "fetched_at": v["fetched_at"], "title": v["title"],
                "changes": v["changes"] if as_json else describe_changes(v["changes"]),
            }
            for v in archive.versions(article["id"])
        ]
    if not (as_json or as_csv):
        click.echo(f"{article['url']}  ({article['site']}, first seen {article['first_seen']})")
    emit(rows, as_json, as_csv, ["version", "fetched_at", "changes", "title"])


@cli.command()
@click.argument("url")
@click.option("--from", "from_version", type=int, help="Older version (default: one before --to).")
@click.option("--to", "to_version", type=int, help="Newer version (default: the latest).")
@db_option
@archive_errors
def diff(url: str, from_version: int | None, to_version: int | None, db_path: str) -> None:
    """Unified diff of an article's title, summary and body between two versions.

    Example: crawler diff https://example.com/2025/08/22/story/ --from 1 --to 3
    """
    with Archive.open(db_path, readonly=True) as archive:
        text = archive.diff(url, from_version, to_version)
    click.echo(text or "No difference in title, summary or body.")


@cli.command()
@click.argument("query")
@click.option("--site", help="Only articles of this site (example.com).")
@click.option("--limit", default=20, show_default=True, help="Most results to show.")
@click.option("--all-versions", is_flag=True, help="Search old versions too.")
@db_option
@output_options
@archive_errors
def search(query: str, site: str | None, limit: int, all_versions: bool, db_path: str,
           as_json: bool, as_csv: bool) -> None:
    """Full-text search of titles, summaries and bodies (SQLite FTS5 query syntax).

    Example: crawler search '"small boat" AND Iraq' --site asianlite.com
    """
    with Archive.open(db_path, readonly=True) as archive:
        rows = archive.search(query, limit=limit, site=site, all_versions=all_versions)
    if not rows and not (as_json or as_csv):
        click.echo("No matches.")
        return
    emit(rows, as_json, as_csv, ["published", "title", "url", "snippet"])


EXPORT_COLUMNS = ["url", "site", "version", "fetched_at", "first_seen", "last_seen", "title",
                  "summary", "authors", "published", "modified", "section", "lang", "body"]


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="Output format.")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
@db_option
@archive_errors
def export(fmt: str, all_versions: bool, output: Any, db_path: str) -> None:
    """Export the latest version of every article (or all versions), streamed.

    Example: crawler export --format csv --all-versions -o versions.csv
    """
    with Archive.open(db_path, readonly=True) as archive:
        rows = archive.export_rows(all_versions=all_versions)
        if fmt == "jsonl":
            for row in rows:
                output.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(output, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "authors": json.dumps(row["authors"], ensure_ascii=False)})


@cli.command()
@click.option("--limit", default=20, show_default=True, help="Most crawls to show.")
@db_option
@output_options
@archive_errors
def crawls(limit: int, db_path: str, as_json: bool, as_csv: bool) -> None:
    """Recent crawls with their outcome and counts.

    Example: crawler crawls --limit 5
    """
    with Archive.open(db_path, readonly=True) as archive:
        rows = archive.crawls(limit)
    for row in rows:
        row.pop("stats", None)
    emit(rows, as_json, as_csv, ["id", "spider", "started_at", "finished_at", "status",
                                 "pages_fetched", "articles_new", "versions_new", "unchanged",
                                 "errors"])


def canonical_link(html: str) -> str | None:
    """The page's own absolute canonical URL, if it names one."""
    from parsel import Selector

    from crawler.urls import is_web_url

    selector = Selector(text=html or "<html></html>")
    for query in ('link[rel="canonical"]::attr(href)', 'meta[property="og:url"]::attr(content)'):
        value = (selector.css(query).get() or "").strip()
        if is_web_url(value):
            return value
    return None


@cli.command()
@click.option("--url", help="The page's URL (default: the file's canonical link, if any).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def extract(url: str | None, files: tuple[str, ...]) -> None:
    """Extract saved pages (.html or .html.gz) with the crawl's own code; one JSON line each.

    Example: crawler extract --url https://example.com/story page.html
    """
    from crawler.extraction import clean_item
    from crawler.extraction import extract as extract_page
    from crawler.profiles import profile_for_url

    for name in files:
        path = Path(name)
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        html = data.decode("utf-8", errors="replace")
        page_url = url or canonical_link(html) or path.resolve().as_uri()
        profile = profile_for_url(page_url)
        fields = clean_item(extract_page(html, page_url, profile), profile)
        click.echo(json.dumps({"file": name, **fields}, ensure_ascii=False))


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Keep the demo archive here (default: a temporary file).")
def demo(db_path: str | None) -> None:
    """Crawl a bundled sample news site on 127.0.0.1, edit a story, crawl again, show the diff.

    Example: crawler demo --db demo.db
    """
    from crawler.demo.run import run_demo

    try:
        run_demo(db_path, click.echo)
    except (ArchiveError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None


def main() -> None:
    """Entry point of `python -m crawler`."""
    cli(prog_name="crawler")
