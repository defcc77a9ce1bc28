"""The archive in a browser: a Datasette plugin with the pages a change tracker needs.

The front page lists recently changed articles; each article has a page with its versions and
a diff between any two; feeds of changes in Atom and JSON Feed; tables show readable rows; the
archived page itself is served sandboxed, never rendered into our own pages. The plugin acts
only on databases that are news archives, so it can sit beside other Datasette databases.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from datasette import Response, hookimpl
from markupsafe import Markup

from crawler.archive.diff import CONTENT_FIELDS, blocks_html, changed_fields, text_blocks
from crawler.web import feeds, queries

# Tables whose rows are stories: shown as title, site, dates and an excerpt unless ?_full=1.
STORY_TABLES = ("latest", "versions", "superseded")
# The stored page is served with no scripts, no forms, no plugins and no same-origin access.
SANDBOX_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src * data:; "
                               "style-src * 'unsafe-inline'; font-src * data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# Our own pages run our own script only.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                           "script-src 'self'; frame-src 'self'; img-src 'self'",
                "X-Content-Type-Options": "nosniff"}
_WORDS = re.compile(r"\w+", re.UNICODE)


async def archive_database(datasette: Any) -> Any:
    """The first attached database that is a news archive, or None."""
    for name, database in datasette.databases.items():
        if name.startswith("_"):
            continue
        if await database.execute_fn(queries.is_archive):
            return database
    return None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def article_path(datasette: Any, article_id: int, **args: Any) -> str:
    """The path of an article's page, with query arguments (from, to, mode)."""
    query = urlencode({k: v for k, v in args.items() if v is not None})
    return datasette.urls.path(f"/-/article/{article_id}") + (f"?{query}" if query else "")


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any],
                status: int = 200) -> Response:
    body = await datasette.render_template(template, context, request=request)
    return Response.html(body, status=status, headers=PAGE_HEADERS)


async def _not_archive(datasette: Any, request: Any) -> Response:
    return Response.html("<p>No news archive is attached to this Datasette.</p>", status=404)


async def front(datasette: Any, request: Any) -> Response:
    """Recently changed articles, newest first, with the archive's counts."""
    database = await archive_database(datasette)
    if database is None:
        return await _not_archive(datasette, request)
    args = request.args
    site, section, kind = args.get("site") or None, args.get("section") or None, args.get("kind")
    offset = max(0, _int(args.get("offset"), 0) or 0)
    rows = await database.execute_fn(lambda conn: queries.recent_changes(
        conn, site, section, kind, offset=offset))
    for row in rows:
        row["link"] = article_path(datasette, row["article_id"], **{
            "from": row["version"] - 1, "to": row["version"]})
    counts = await database.execute_fn(queries.counts)
    choices = await database.execute_fn(queries.filters)
    query = {k: v for k, v in (("site", site), ("section", section), ("kind", kind)) if v}
    return await _page(datasette, request, "news_front.html", {
        "rows": rows, "counts": counts, "choices": choices, "kinds": queries.CHANGE_KINDS,
        "site": site, "section": section, "kind": kind or "", "database": database.name,
        "offset": offset, "page_size": queries.PAGE_SIZE,
        "next_url": "?" + urlencode({**query, "offset": offset + queries.PAGE_SIZE})
        if len(rows) == queries.PAGE_SIZE else None,
        "atom_url": datasette.urls.path("/-/changes.atom") + (
            "?" + urlencode(query) if query else ""),
        "json_url": datasette.urls.path("/-/changes.json") + (
            "?" + urlencode(query) if query else ""),
        "tables_url": datasette.urls.database(database.name),
        "latest_url": datasette.urls.table(database.name, "latest"),
    })


def _diff_sections(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    sections = []
    for name in changed_fields(old, new):
        blocks = text_blocks(old.get(name), new.get(name))
        sections.append({
            "name": name,
            "inline": Markup(blocks_html(blocks)),
            "old": Markup(blocks_html(blocks, "-")),
            "new": Markup(blocks_html(blocks, "+")),
        })
    return sections


async def article_page(datasette: Any, request: Any) -> Response:
    """One article: its versions as a timeline and a diff between any two of them."""
    database = await archive_database(datasette)
    if database is None:
        return await _not_archive(datasette, request)
    article_id = _int(request.url_vars.get("article_id"))
    if article_id is None and request.args.get("url"):
        url = request.args["url"]
        article_id = await database.execute_fn(lambda conn: queries.article_id_for(conn, url))
        if article_id is not None:
            return Response.redirect(article_path(datasette, article_id))
    found = None if article_id is None else await database.execute_fn(
        lambda conn: queries.article(conn, article_id))
    if found is None:
        return await _page(datasette, request, "news_missing.html", {}, status=404)
    versions = found["versions"]
    numbers = [v["version"] for v in versions]
    to_v = _int(request.args.get("to"), numbers[-1])
    from_v = _int(request.args.get("from"), to_v - 1 if to_v and to_v > 1 else None)
    by_number = {v["version"]: v for v in versions}
    new, old = by_number.get(to_v), by_number.get(from_v)
    mode = "side" if request.args.get("mode") == "side" else "inline"
    for v in versions:
        v["archived_url"] = datasette.urls.path(f"/-/archived/{v['id']}") if v["page_id"] else None
        v["link"] = article_path(datasette, article_id, **{"from": v["version"] - 1,
                                                          "to": v["version"]}) \
            if v["version"] > 1 else None
    return await _page(datasette, request, "news_article.html", {
        "article": found, "versions": versions, "old": old, "new": new,
        "from_v": from_v, "to_v": to_v, "mode": mode, "numbers": numbers,
        "sections": _diff_sections(old, new) if old and new else [],
        "fields": CONTENT_FIELDS, "database": database.name,
        "inline_url": article_path(datasette, article_id, **{"from": from_v, "to": to_v}),
        "side_url": article_path(datasette, article_id, **{"from": from_v, "to": to_v,
                                                          "mode": "side"}),
        "feed_url": datasette.urls.path("/-/changes.atom") + f"?article={article_id}",
        "front_url": datasette.urls.path("/"),
    })


async def archived(datasette: Any, request: Any) -> Response:
    """The stored page of a version, as fetched, in a sandbox: its scripts never run."""
    database = await archive_database(datasette)
    version_id = _int(request.url_vars.get("version_id"))
    stored = None if database is None or version_id is None else await database.execute_fn(
        lambda conn: queries.archived_page(conn, version_id))
    if stored is None:
        return Response.text("No archived page for this version.", status=404)
    body, encoding = stored
    charset = f"; charset={encoding}" if encoding and re.fullmatch(r"[\w.:-]+", encoding) else ""
    return Response(body, content_type=f"text/html{charset}", headers=SANDBOX_HEADERS)


async def _feed_rows(datasette: Any, request: Any) -> tuple[Any, list[dict[str, Any]]]:
    database = await archive_database(datasette)
    if database is None:
        return None, []
    args = request.args
    article_id = _int(args.get("article"))
    rows = await database.execute_fn(lambda conn: queries.recent_changes(
        conn, args.get("site") or None, args.get("section") or None, args.get("kind"),
        article_id))
    return database, rows


def _absolute(request: Any, path: str) -> str:
    return f"{request.scheme}://{request.host}{path}"


async def changes_feed(datasette: Any, request: Any) -> Response:
    """The recent changes as Atom or JSON Feed, filterable like the front page."""
    database, rows = await _feed_rows(datasette, request)
    if database is None:
        return await _not_archive(datasette, request)

    def link_for(row: dict[str, Any]) -> str:
        return _absolute(request, article_path(datasette, row["article_id"], **{
            "from": row["version"] - 1, "to": row["version"]}))

    self_url = _absolute(request, request.full_path if hasattr(request, "full_path")
                         else request.path)
    home = _absolute(request, datasette.urls.path("/"))
    if request.url_vars.get("format") == "json":
        return Response(feeds.json_feed(rows, self_url, home, link_for),
                        content_type="application/feed+json; charset=utf-8")
    return Response(feeds.atom(rows, self_url, home, link_for),
                    content_type="application/atom+xml; charset=utf-8")


STATIC = {"news.css": "text/css; charset=utf-8", "news.js": "text/javascript; charset=utf-8"}


async def static(datasette: Any, request: Any) -> Response:
    """The plugin's stylesheet and script, whatever name its package is installed under."""
    name = request.url_vars["name"]
    text = (resources.files(__name__) / "assets" / name).read_text("utf-8")
    return Response(text, content_type=STATIC[name],
                    headers={"Cache-Control": "max-age=3600"})


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/-/news-static/(?P<name>news\.css|news\.js)$", static),
        (r"^/$", front),
        (r"^/-/article/(?P<article_id>\d+)$", article_page),
        (r"^/-/article$", article_page),
        (r"^/-/archived/(?P<version_id>\d+)$", archived),
        (r"^/-/changes\.(?P<format>atom|json)$", changes_feed),
    ]


def excerpt(text: str | None, limit: int = queries.EXCERPT_CHARS) -> str:
    """The start of a text, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def snippet(text: str | None, search: str | None, limit: int = queries.EXCERPT_CHARS) -> Markup:
    """An escaped excerpt around the first match of the search's words, matches marked."""
    text = " ".join((text or "").split())
    words = [w.lower() for w in _WORDS.findall(search or "") if w.upper() not in
             ("AND", "OR", "NOT", "NEAR")]
    if not words:
        return Markup(html.escape(excerpt(text, limit)))
    pattern = re.compile("|".join(re.escape(w).replace(r"\*", r"\w*") + r"\w*" for w in words),
                         re.IGNORECASE)
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - limit // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    window = text[start:start + limit]
    if start + limit < len(text) and " " in window[limit // 2:]:
        window = window.rsplit(" ", 1)[0]
    marked = pattern.sub(lambda m: "\0" + m.group(0) + "\1", window)
    escaped = html.escape(marked).replace("\0", "<mark>").replace("\1", "</mark>")
    return Markup(("… " if start else "") + escaped + (" …" if start + limit < len(text) else ""))


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["news_excerpt"] = excerpt
    env.filters["news_snippet"] = snippet
    env.globals["news_story_tables"] = STORY_TABLES


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Any:
    """Article ids and story URLs link to the article's page."""
    if column == "article_id" and isinstance(value, int):
        return Markup(f'<a href="{html.escape(article_path(datasette, value))}">{value}</a>')
    if table == "articles" and column == "id" and isinstance(value, int):
        return Markup(f'<a href="{html.escape(article_path(datasette, value))}">{value}</a>')
    if column in ("url", "other_url") and isinstance(value, str) and value.startswith("http"):
        path = datasette.urls.path("/-/article") + "?url=" + quote(value, safe="")
        return Markup(f'<a href="{html.escape(path)}">{html.escape(value)}</a> '
                      f'<a class="live" href="{html.escape(value)}" rel="noreferrer noopener"'
                      f' title="live page">↗</a>')
    return None


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path("/-/news-static/news.css")]


@hookimpl
def extra_js_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path("/-/news-static/news.js")]
