"""The `crawler` command: read the archive (history, diff, search, export) and run the demo."""

from __future__ import annotations

import contextlib
import csv
import functools
import itertools
import json
import os
import shutil
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
        click.echo(text_table(rows, columns, table_width()))


# Columns whose values are never cut in a table: a URL must stay whole to be copied.
WHOLE_COLUMNS = frozenset({"url", "fetch_url", "other_url", "start_urls"})
MIN_CUT_WIDTH = 12  # a column is never cut narrower than this (or its heading)


def table_width() -> int | None:
    """The width a table may take: $COLUMNS, else the terminal's; None (no limit) in a pipe."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def cut(value: str, width: int, column: str) -> str:
    """A cell cut to width with an ellipsis; a snippet keeps its first [match] in view."""
    if len(value) <= width:
        return value
    if column == "snippet" and "[" in value:
        start = max(0, value.index("[") - width // 3)
        value = ("…" + value[start + 1:]) if start else value
        if len(value) <= width:
            return value
    return value[: width - 1] + "…"


def text_table(rows: list[dict[str, Any]], columns: list[str], width: int | None) -> str:
    """Rows as an aligned table that fits width, cutting the widest text columns first."""
    table = [[str(row.get(c) if row.get(c) is not None else "") for c in columns]
             for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in table)]) for i, c in enumerate(columns)]
    if width:
        floor = [len(c) if c in WHOLE_COLUMNS else min(w, max(len(c), MIN_CUT_WIDTH))
                 for c, w in zip(columns, widths, strict=True)]
        excess = sum(widths) + 2 * (len(columns) - 1) - width
        while excess > 0:
            cuttable = [i for i, c in enumerate(columns)
                        if c not in WHOLE_COLUMNS and widths[i] > floor[i]]
            if not cuttable:
                return stacked(table, columns, width)
            widest = max(cuttable, key=lambda i: widths[i])
            step = min(excess, widths[widest] - floor[widest])
            widths[widest] -= step
            excess -= step
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for line in table:
        cells = [cut(v, w, c) for v, w, c in zip(line, widths, columns, strict=True)]
        lines.append("  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(lines)


def stacked(table: list[list[str]], columns: list[str], width: int) -> str:
    """Rows too wide for one line each: the short fields on one line, then each URL whole
    and each long text on a line of its own, indented."""
    long = [i for i, c in enumerate(columns) if c in WHOLE_COLUMNS or c in ("snippet",)]
    short = [i for i in range(len(columns)) if i not in long]
    lines = []
    for row in table:
        lines.append(cut("  ".join(row[i] for i in short if row[i]), width, ""))
        for i in long:
            if row[i]:
                value = row[i] if columns[i] in WHOLE_COLUMNS else cut(row[i], width - 2,
                                                                        columns[i])
                lines.append("  " + value)
    return "\n".join(lines)


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


PARQUET_BATCH = 2000  # rows per Parquet row group: memory stays flat whatever the archive's size


def progress(total: int, label: str) -> Any:
    """A progress bar on a terminal's stderr; nothing when run from cron or a pipe."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return click.progressbar(length=total, label=label, file=sys.stderr)


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, output: str, bar: Any) -> None:
    """Stream rows to the output as JSON lines, CSV or Parquet."""
    from crawler.archive.exports import EXPORT_COLUMNS, as_text, parquet_columns, parquet_schema

    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise click.ClickException(
                "Parquet export needs pyarrow: pip install pyarrow") from None
        if output == "-":
            raise click.ClickException("Parquet export needs a file: use -o FILE.parquet")
        schema = parquet_schema()
        with pq.ParquetWriter(output, schema) as writer:
            rows = iter(rows)
            while batch := list(itertools.islice(rows, PARQUET_BATCH)):
                writer.write_table(pa.table(parquet_columns(batch), schema=schema))
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
                writer.writerow(safe_row(as_text(row)))
            if bar:
                bar.update(1)


def write_warc(archive: Archive, output: str) -> dict[str, int]:
    """Write the crawl's fetches as WARC records; returns how many of each kind."""
    if output == "-":
        raise click.ClickException("WARC export needs a file: use -o FILE.warc.gz")
    with open(output, "wb") as out:
        return archive.write_warc(out, output.endswith(".gz"),
                                  f"news-archive-crawler/{__version__}")


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

    Each row carries article_id, version, crawl_id, content_hash, change_kind and changes;
    Parquet keeps timestamps as timestamps and authors as a list. --format warc writes the
    crawl as WARC records (warcinfo, request, response, and revisit for fetches that found no
    change), for replay in web-archive tools (pywb, ReplayWeb.page).
    """
    with Archive.open(db_path, readonly=True) as archive, output_file_errors(output):
        if fmt == "warc":
            counts = write_warc(archive, output)
            click.echo(f"Wrote {sum(counts.values())} WARC records to {output}: "
                       + ", ".join(f"{n} {kind}" for kind, n in counts.items()), err=True)
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
    from crawler.extraction import SiteModel, read_page
    from crawler.extraction.html import decode_page
    from crawler.profiles import profile_for_url
    from crawler.urls import site_of

    lock = WriterLock.acquire(db_path) if apply else None
    checked, changed = 0, []
    try:
        with Archive.open(db_path, readonly=not apply) as archive:
            # each site's model as the crawls learned it: pages are read as the crawl reads them
            models = {row["site"]: SiteModel.from_dict(row["model"])
                      for row in archive.site_models()}
            rows = list(archive.versions_with_pages())
            with progress(len(rows), "Re-extracting") as bar:
                for row in rows:
                    raw, encoding = archive.page(row["page_id"])
                    url = row["fetched_url"] or row["url"]
                    profile = profile_for_url(url)
                    html, _ = decode_page(raw, encoding)
                    fields = read_page(html, url, profile,
                                       site_model=models.get(site_of(row["url"]))).article
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
@click.option("--profile", "profile_site", metavar="SITE",
              help="Print this site's model as a profile TOML to refine by hand.")
@db_option
@output_options
@archive_errors
def sites(profile_site: str | None, db_path: str, as_json: bool, as_csv: bool) -> None:
    """List what the crawls learned of each site: template lines, title affixes, date order.

    Example: crawler sites --db archive.db
             crawler sites --profile example.com --db archive.db > crawler/profiles/example.toml
    """
    from crawler.extraction import SiteModel
    from crawler.extraction.site import profile_toml

    with Archive.open(db_path, readonly=True) as archive:
        rows = archive.site_models()
    models = [SiteModel.from_dict(row["model"]) for row in rows]
    if profile_site is not None:
        found = [m for m in models if m.site == profile_site]
        if not found:
            raise click.ClickException(f"no learned model of site {profile_site!r}")
        click.echo(profile_toml(found[0]), nl=False)
        return
    emit(({"site": m.site, "pages": m.pages, "ready": m.ready, "size": m.size(),
           "template_lines": len(m.template_lines()),
           "title_affix": (m.title_affixes() or [""])[0],
           "date_order": m.date_order(), "updated_at": row["updated_at"]}
          for m, row in zip(models, rows, strict=True)),
         as_json, as_csv, ["site", "pages", "ready", "size", "template_lines", "title_affix",
                           "date_order", "updated_at"])


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
        stats = json.loads(row.pop("stats", None) or "{}")
        # what a run stopped at its time budget did not fetch (re-checks left stay due)
        row["left"] = stats.get("budget/left_requests", 0) + stats.get("budget/left_articles", 0)
        row["refused"] = stats.get("news/refused", 0)
    emit(rows, as_json, as_csv, ["id", "spider", "started_at", "finished_at", "status",
                                 "pages_fetched", "articles_new", "versions_new", "unchanged",
                                 "errors", "left", "refused"])


SETTINGS_MODULE = "crawler.settings"  # the project's Scrapy settings, found without scrapy.cfg


@cli.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--log-dir", type=click.Path(file_okay=False),
              help="Folder (created if missing) for crawl.log, the crawl's log, and "
                   "summary.log, where each run's summary or error line is appended.")
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def crawl(log_dir: str | None, arguments: tuple[str, ...]) -> None:
    """Run the news crawl from any folder: `scrapy crawl news` with the project's settings.

    Every argument goes to `scrapy crawl news` (-a NAME=VALUE, -s NAME=VALUE); relative paths
    are taken from the current folder. Exits with the crawl's status (see the README).

    Example:

        crawler crawl --log-dir logs -a sites=sites.toml -a budget=15m
    """
    import subprocess

    from crawler.clock import now

    command = [sys.executable, "-m", "scrapy", "crawl", "news", *arguments]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE}
    if log_dir is None:
        sys.exit(subprocess.run(command, env=env, check=False).returncode)
    folder = Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    command += ["-s", f"LOG_FILE={folder / 'crawl.log'}"]
    proc = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    stamp = now()
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    with (folder / "summary.log").open("a", encoding="utf-8") as summary:
        for line in lines or [f"exit status {proc.returncode}"]:
            summary.write(f"{stamp} {line}\n")
    sys.exit(proc.returncode)


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
@click.argument("pages", nargs=-1, required=True)
def extract(url: str | None, pages: tuple[str, ...]) -> None:
    """Extract pages with the crawl's own code: saved files (.html, .html.gz) or live URLs.

    Example: crawler extract https://example.com/2025/10/story/

    A URL is fetched once, as the crawl would (robots.txt obeyed, redirects kept on the site,
    the crawl's size cap); a file is read from disk. One JSON line per page.
    """
    from crawler.extraction import read_page
    from crawler.extraction.html import decode_page
    from crawler.fetch import FetchError, fetch
    from crawler.profiles import profile_for_url
    from crawler.urls import is_web_url

    for name in pages:
        if is_web_url(name):
            checked_url(click.get_current_context(), None, name)  # type: ignore[arg-type]
            try:
                fetched = fetch(name)
            except FetchError as error:
                raise click.ClickException(str(error)) from None
            html, _ = decode_page(fetched.body, fetched.charset)
            page_url, origin = url or fetched.url, {"fetched_url": fetched.url}
        else:
            path = Path(name)
            if not path.is_file():
                raise click.ClickException(f"no such file: {name}")
            html, _ = decode_page(read_page_file(path), None)
            page_url = url or canonical_link(html) or path.resolve().as_uri()
            origin = {"file": name}
        reading = read_page(html, page_url, profile_for_url(page_url))
        click.echo(json.dumps({**origin, **reading.article, "is_article": reading.is_article},
                              ensure_ascii=False))


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
@click.option("--serve", "serve_only", is_flag=True,
              help="Only serve the sample sites on 127.0.0.1 until Ctrl-C, to crawl by hand.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="With --serve: the first site's port (the next sites take the next ones).")
def demo(db_path: str | None, serve_only: bool, port: int) -> None:
    """Crawl a bundled sample news site on 127.0.0.1, edit a story, crawl again, show the diff.

    Example: crawler demo --db demo.db

    crawler demo --serve keeps the sample sites running and prints the `scrapy crawl` line
    that archives them.
    """
    if serve_only:
        serve_demo_sites(port, click.echo)
        return
    from crawler.demo.run import run_demo

    try:
        run_demo(db_path, click.echo)
    except (ArchiveError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    if not db_path:
        click.echo("\nThat archive was temporary and is gone: `crawler demo --db demo.db` keeps "
                   "it, to search and browse with `crawler serve --db demo.db`.")


def serve_demo_sites(port: int, echo: Callable[[str], None]) -> None:
    """Serve the sample sites on 127.0.0.1 until interrupted, saying how to crawl them."""
    import contextlib
    import time

    from crawler.demo.server import serve
    from crawler.demo.site import DigestSite, LedgerSite

    sites = [DigestSite(), LedgerSite()]
    with contextlib.ExitStack() as stack:
        try:
            servers = [stack.enter_context(serve(site, port=port + i if port else 0))
                       for i, site in enumerate(sites)]
        except OSError as error:
            raise click.ClickException(f"cannot serve the sample sites: {error}") from None
        starts = ",".join(server.base_url + "/" for server in servers)
        for site, server in zip(sites, servers, strict=True):
            echo(f"Serving {type(site).__name__} at {server.base_url}/")
        echo("Crawl them with:\n  SCRAPY_SETTINGS_MODULE=crawler.settings scrapy crawl news "
             "-a start_urls=" + starts
             + " -s DOWNLOAD_DELAY=0 -s ARCHIVE_PATH=demo.db\nthen browse with "
             "`crawler serve --db demo.db`. Ctrl-C stops the sites.")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


def main() -> None:
    """Entry point of `python -m crawler`."""
    cli(prog_name="crawler")


from crawler.distributed.commands import ingest, seed, status  # noqa: E402

cli.add_command(seed)
cli.add_command(ingest)
cli.add_command(status)
