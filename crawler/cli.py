"""The `crawler` command: read the archive (history, diff, search, export) and run the demo."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from crawler import __version__
from crawler.archive import Archive, ArchiveError
from crawler.archive.changes import describe

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
        except OverflowError:  # SQLite integers are 64-bit
            raise click.ClickException(
                f"a number given is larger than SQLite can take ({SQLITE_MAX_INT})") from None

    return wrapper


SQLITE_MAX_INT = 2 ** 63 - 1
# Characters that make a spreadsheet read a cell as a formula (CWE-1236), when they start it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a leading formula character is quoted with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of CSV cells, each spreadsheet-safe."""
    return {key: spreadsheet_safe(value) for key, value in row.items()}


def checked_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A URL argument that urllib can read (host and port), else one `Error:` line."""
    try:
        urlsplit(value).port  # noqa: B018 (reading the port checks it)
    except ValueError as error:
        raise click.ClickException(f"{value} is not a URL: {error}") from None
    return value


@contextlib.contextmanager
def output_file_errors(output: str) -> Iterator[None]:
    """Turn a failure to write the output (no such folder, a full disk) into one line."""
    try:
        yield
    except OSError as error:
        raise click.ClickException(
            f"cannot write {output}: {error.strerror or error}") from None


def emit(rows: Iterable[dict[str, Any]], as_json: bool, as_csv: bool, columns: list[str]) -> None:
    """Print rows as JSON lines, CSV, or an aligned plain-text table."""
    rows = list(rows)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)
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


@click.group()
@click.version_option(version=__version__, prog_name="crawler")
def cli() -> None:
    """Read and explore a news archive made by `scrapy crawl news`.

    Example:

        scrapy crawl news -a start_urls=https://example.com/news/

        crawler history https://example.com/news/some-story

        crawler search "border agreement" --json
    """


@cli.command()
@click.argument("url", callback=checked_url)
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
                "changes": v["changes"] if as_json else describe(v["changes"]),
            }
            for v in archive.versions(article["id"])
        ]
    if not (as_json or as_csv):
        click.echo(f"{article['url']}  ({article['site']}, first seen {article['first_seen']})")
    emit(rows, as_json, as_csv, ["version", "fetched_at", "changes", "title"])


@cli.command()
@click.argument("url", callback=checked_url)
@click.option("--from", "from_version", type=int, help="Older version (default: one before --to).")
@click.option("--to", "to_version", type=int, help="Newer version (default: the latest).")
@click.option("--words", "style", flag_value="words", help="Word-level: [-old-]{+new+}.")
@click.option("--html", "style", flag_value="html",
              help="A self-contained HTML page of the changes (redirect it to a file).")
@db_option
@archive_errors
def diff(url: str, from_version: int | None, to_version: int | None, style: str | None,
         db_path: str) -> None:
    """Diff of an article's title, summary and body between two versions.

    Example: crawler diff https://example.com/2025/08/22/story/ --from 1 --to 3 --words

    crawler diff URL --html > change.html
    """
    with Archive.open(db_path, readonly=True) as archive:
        text = archive.diff(url, from_version, to_version, style or "unified")
    click.echo(text or "No difference in title, summary or body.")


@cli.command()
@click.argument("query")
@click.option("--site", help="Only articles of this site (example.com).")
@click.option("--section", help="Only articles of this section (any case).")
@click.option("--since", metavar="DATE", help="Published on or after (ISO date or time).")
@click.option("--until", metavar="DATE", help="Published on or before (ISO date or time).")
@click.option("--limit", default=20, show_default=True, help="Most results to show.")
@click.option("--all-versions", is_flag=True, help="Search old versions too.")
@click.option("--rank", is_flag=True,
              help="Most relevant first (BM25), not newest first; slower for common words.")
@db_option
@output_options
@archive_errors
def search(query: str, site: str | None, section: str | None, since: str | None,
           until: str | None, limit: int, all_versions: bool, rank: bool, db_path: str,
           as_json: bool, as_csv: bool) -> None:
    """Full-text search of titles, summaries and bodies (SQLite FTS5 query syntax).

    Example: crawler search '"small boat" AND Iraq' --site asianlite.com --since 2025-08-01

    The newest versions come first; matches are shown in [brackets] in the snippet.
    """
    with Archive.open(db_path, readonly=True) as archive:
        rows = archive.search(query, limit=limit, site=site, all_versions=all_versions,
                              section=section, since=since, until=until, rank=rank)
    if not rows and not (as_json or as_csv):
        click.echo("No matches.")
        return
    emit(rows, as_json, as_csv, ["published", "title", "url", "snippet"])


@cli.command()
@click.argument("url", callback=checked_url)
@click.option("--threshold", default=0.5, show_default=True, type=click.FloatRange(0, 1),
              help="Least estimated share of word shingles in common.")
@db_option
@output_options
@archive_errors
def similar(url: str, threshold: float, db_path: str, as_json: bool, as_csv: bool) -> None:
    """Other articles, on any site, whose text is nearly the same story (syndicated copies).

    Example: crawler similar https://asianlite.com/2025/08/22/big-push/ --json
    """
    with Archive.open(db_path, readonly=True) as archive:
        rows = archive.similar(url, threshold)
    for row in rows:
        row["similarity"] = round(row["similarity"], 3)
    if not rows and not (as_json or as_csv):
        click.echo("No similar articles.")
        return
    emit(rows, as_json, as_csv, ["similarity", "site", "published", "title", "url"])


EXPORT_COLUMNS = ["url", "site", "version", "fetched_at", "first_seen", "last_seen", "title",
                  "summary", "authors", "published", "modified", "section", "lang", "body"]
PARQUET_BATCH = 2000  # rows per Parquet row group: memory stays flat whatever the archive's size


def progress(total: int, label: str) -> Any:
    """A progress bar on a terminal's stderr; nothing when run from cron or a pipe."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return click.progressbar(length=total, label=label, file=sys.stderr)


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, output: str, bar: Any) -> None:
    """Stream rows to the output as JSON lines, CSV or Parquet."""
    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise click.ClickException(
                "Parquet export needs pyarrow: pip install pyarrow") from None
        if output == "-":
            raise click.ClickException("Parquet export needs a file: use -o FILE.parquet")
        schema = pa.schema([(c, pa.int64() if c == "version" else pa.string())
                            for c in EXPORT_COLUMNS])
        with pq.ParquetWriter(output, schema) as writer:
            rows = iter(rows)
            while batch := list(itertools.islice(rows, PARQUET_BATCH)):
                columns = {c: [json.dumps(r[c], ensure_ascii=False) if c == "authors" else r[c]
                               for r in batch] for c in EXPORT_COLUMNS}
                writer.write_table(pa.table(columns, schema=schema))
                if bar:
                    bar.update(len(batch))
        return
    with click.open_file(output, "w", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
        if fmt == "csv":
            writer.writeheader()
        for row in rows:
            if fmt == "jsonl":
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                writer.writerow(safe_row(
                    {**row, "authors": json.dumps(row["authors"], ensure_ascii=False)}))
            if bar:
                bar.update(1)


def write_warc(archive: Archive, output: str) -> int:
    """Write every kept page as a WARC response record, as fetched; returns the count."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    if output == "-":
        raise click.ClickException("WARC export needs a file: use -o FILE.warc.gz")
    count = 0
    with open(output, "wb") as out:
        writer = WARCWriter(out, gzip=output.endswith(".gz"))
        for fetch in archive.fetches_with_pages():
            body, _ = archive.page(fetch["page_id"])
            headers = [(k, v) for k, v in json.loads(fetch["headers"] or "{}").items()
                       if k.lower() not in WARC_DROPPED_HEADERS]
            headers.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{fetch['status']} OK", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                fetch["url"], "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": fetch["fetched_at"]})
            writer.write_record(record)
            count += 1
    return count


# Headers that described the bytes on the wire, not the decoded page a WARC record holds.
WARC_DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "warc"]),
              default="jsonl", show_default=True,
              help="jsonl, csv or parquet of versions; warc of the fetched pages.")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest.")
@click.option("-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: standard output).")
@db_option
@archive_errors
def export(fmt: str, all_versions: bool, output: str, db_path: str) -> None:
    """Export the latest version of every article (or all versions), streamed.

    Example: crawler export --format csv --all-versions -o versions.csv

    --format warc writes the raw pages behind the versions as WARC response records, for
    replay in web-archive tools (pywb, ReplayWeb.page).
    """
    with Archive.open(db_path, readonly=True) as archive, output_file_errors(output):
        if fmt == "warc":
            count = write_warc(archive, output)
            click.echo(f"Wrote {count} WARC records to {output}", err=True)
            return
        total = archive.counts()["versions" if all_versions else "articles"]
        with progress(total, "Exporting") as bar:
            write_rows(archive.export_rows(all_versions=all_versions), fmt, output, bar)


@cli.command()
@click.option("--apply", is_flag=True, help="Replace the text of the versions that change.")
@db_option
@archive_errors
def reextract(apply: bool, db_path: str) -> None:
    """Re-run today's extractor over every kept page; report which versions' text would change.

    Example: crawler reextract --db archive.db --apply

    Nothing is re-crawled. With --apply the new text replaces the old in `versions`, the old
    text is kept in `superseded` with the extractor that made it, and the pages stay as they are.
    """
    from crawler import extractor_version
    from crawler.archive.diff import change_summary, content_hash
    from crawler.archive.lock import WriterLock
    from crawler.extraction import clean_item
    from crawler.extraction import extract as extract_page
    from crawler.profiles import profile_for_url

    lock = WriterLock.acquire(db_path) if apply else None
    checked, changed = 0, []
    try:
        with Archive.open(db_path, readonly=not apply) as archive:
            rows = list(archive.versions_with_pages())
            with progress(len(rows), "Re-extracting") as bar:
                for row in rows:
                    raw, encoding = archive.page(row["page_id"])
                    url = row["fetched_url"] or row["url"]
                    profile = profile_for_url(url)
                    html = raw.decode(encoding or "utf-8", errors="replace")
                    fields = clean_item(extract_page(html, url, profile), profile)
                    checked += 1
                    if bar:
                        bar.update(1)
                    if content_hash(fields) != row["content_hash"]:
                        changed.append((row, fields))
            for row, fields in changed:
                summary = change_summary(row, fields)
                click.echo(f"v{row['version']} {row['url']}: {', '.join(summary['fields'])} "
                           f"(+{summary['words_added']}/-{summary['words_removed']} words)")
                if apply:
                    archive.supersede(row["id"], fields, extractor_version())
    finally:
        if lock:
            lock.release()
    verb = "changed" if apply else "would change"
    click.echo(f"{checked} versions re-extracted, {len(changed)} {verb}.")


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


def read_page_file(path: Path) -> bytes:
    """A saved page's bytes, gunzipped when gzip; one `Error:` line past the crawl's size cap."""
    import gzip
    import zlib

    from crawler.settings import DOWNLOAD_MAXSIZE

    try:
        with path.open("rb") as file:
            if file.read(2) != b"\x1f\x8b":
                file.seek(0)
                data = file.read(DOWNLOAD_MAXSIZE + 1)
            else:
                file.seek(0)
                with gzip.GzipFile(fileobj=file) as inflated:
                    data = inflated.read(DOWNLOAD_MAXSIZE + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    if len(data) > DOWNLOAD_MAXSIZE:
        raise click.ClickException(
            f"{path} is larger than a crawl takes (DOWNLOAD_MAXSIZE, {DOWNLOAD_MAXSIZE} bytes)")
    return data


@cli.command()
@click.option("--url", callback=lambda ctx, param, value: value and checked_url(ctx, param, value),
              help="The page's URL (default: the file's canonical link, if any).")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def extract(url: str | None, files: tuple[str, ...]) -> None:
    """Extract saved pages (.html or .html.gz) with the crawl's own code; one JSON line each.

    Example: crawler extract --url https://example.com/story page.html
    """
    from w3lib.encoding import html_to_unicode

    from crawler.extraction import clean_item
    from crawler.extraction import extract as extract_page
    from crawler.profiles import profile_for_url

    for name in files:
        path = Path(name)
        data = read_page_file(path)
        _, html = html_to_unicode(None, data)  # BOM, then <meta charset>, then detection
        page_url = url or canonical_link(html) or path.resolve().as_uri()
        profile = profile_for_url(page_url)
        fields = clean_item(extract_page(html, page_url, profile), profile)
        click.echo(json.dumps({"file": name, **fields}, ensure_ascii=False))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("-p", "--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open it in a web browser.")
@db_option
@archive_errors
def serve(host: str, port: int, open_browser: bool, db_path: str) -> None:
    """Browse the archive in Datasette, read-only: search, facets and ready-made queries.

    Example: crawler serve --db archive.db --port 8001 --open
    """
    from crawler.datasette import serve as serve_archive

    serve_archive(db_path, host=host, port=port, open_browser=open_browser)


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


from crawler.distributed.commands import ingest, seed, status  # noqa: E402

cli.add_command(seed)
cli.add_command(ingest)
cli.add_command(status)
