"""Browse the archive in Datasette: descriptions, search, facets and canned queries."""

from __future__ import annotations

import asyncio
import inspect
import webbrowser
from pathlib import Path
from typing import Any

from crawler.archive import Archive, ArchiveError
from crawler.clock import TIME_FORMAT
from crawler.items import DESCRIPTIONS, VERSION_FIELDS
from crawler.vocab import corrections

INSTALL_HINT = "pip install 'news-archive-crawler[serve]'"
# Longer than Datasette's 1 s default: the canned queries read every version of an archive.
DATASETTE_SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000}
# FTS5's own tables behind versions_fts and latest_fts; Datasette lists them unless hidden.
FTS_SHADOW_TABLES = tuple(f"{index}_{part}" for index in ("versions_fts", "latest_fts")
                          for part in ("data", "idx", "docsize", "config"))
# The MinHash index behind `similar`: binary signatures and band keys, nothing to read.
SIMILARITY_INDEX_TABLES = ("signatures", "similarity_bands")


class DatasetteNotInstalled(ArchiveError):
    """Serving the archive needs Datasette, an optional dependency."""


ARTICLE_COLUMNS = {
    "id": "Article id.",
    **{name: DESCRIPTIONS[name] for name in ("url", "site")},
    "first_seen": "When a crawl first archived the story (ISO 8601 UTC).",
    "last_seen": "When a crawl last found the story online (a 200 or 304 answer).",
    "first_crawl_id": "The crawl that first archived the story.",
    "last_crawl_id": "The crawl that last found the story online.",
    "fetch_url": "The URL the story was last fetched from, where re-checks go.",
    "last_fetched_at": "When the story was last fetched, whatever the answer.",
    "last_changed_at": "When the story's newest version was written.",
    "next_check_at": "When a re-check of the story is next due; empty once it is too old to "
                     "re-check or was removed.",
    "etag": "The ETag of the last answer, sent back as If-None-Match.",
    "last_modified": "The Last-Modified of the last answer, sent back as If-Modified-Since.",
    "removed_at": "When a re-check first answered 404 or 410 (the story was taken down); "
                  "empty while it is online.",
}

VERSION_COLUMNS = {
    "id": "Version id; versions_fts indexes versions by this id.",
    "article_id": "The article this is a version of.",
    "version": "1, 2, 3 ... per article, oldest first.",
    "crawl_id": "The crawl that fetched this version.",
    **{name: DESCRIPTIONS[name] for name in ("fetched_at", "fetched_url", "status")},
    "content_hash": "SHA-256 of the whitespace-normalised title, summary and body: the same "
                    "hash is the same text.",
    **{name: DESCRIPTIONS[name] for name in VERSION_FIELDS},
    "changes": 'What changed since the previous version, as JSON: {"kind": "headline", '
               '"fields": ["title"], "words_added": 3, "words_removed": 1, "reverts_to": null}.',
    "change_kind": "The kind of change, for SQL: first, headline (only the title changed), "
                   "correction (a correction or update notice was added), substantive, minor "
                   "(typo-sized edits) or revert (back to an earlier version); empty for "
                   "versions archived before kinds were recorded.",
    "page_id": "The stored page this version was read from (pages.id).",
    "extractor": DESCRIPTIONS["extractor"],
}

LATEST_COLUMNS = {
    "article_id": "Article id (articles.id).",
    **{name: ARTICLE_COLUMNS[name] for name in (
        "url", "site", "first_seen", "last_seen", "last_changed_at", "removed_at")},
    "version_id": "The newest version's id (versions.id, the rowid latest_fts indexes).",
    "version": "Number of the newest version: how many versions the story has.",
    # the view shows a version's text and dates; the profile it was read with is in versions
    **{name: VERSION_COLUMNS[name] for name in ("fetched_at", "content_hash", *VERSION_FIELDS)
       if name != "profile"},
}

CRAWL_COLUMNS = {
    "id": "Crawl id.",
    "spider": "The spider that ran (news, or a named site spider).",
    "started_at": "When the crawl started (ISO 8601 UTC).",
    "finished_at": "When the crawl ended; empty while it runs.",
    "status": "running, finished, interrupted (Ctrl-C / SIGTERM), killed (the process died; "
              "set by the next crawl) or Scrapy's finish reason (closespider_itemcount ...).",
    "start_urls": "The start URLs, a JSON array.",
    "pages_fetched": "Pages fetched.",
    "articles_new": "Articles archived for the first time.",
    "versions_new": "Versions written, first versions of new articles included.",
    "unchanged": "Articles fetched again with no change.",
    "errors": "Failed fetches and logged errors.",
    "stats": "All of Scrapy's stats, as JSON.",
}

FETCH_COLUMNS = {
    "id": "Fetch id.",
    "article_id": "The article fetched.",
    "crawl_id": "The crawl that fetched it.",
    "fetched_at": "When it was fetched (ISO 8601 UTC).",
    "url": "The URL fetched.",
    "status": "HTTP status: 200, 304 (not modified), 404 or 410 (removed).",
    "changed": "1 when the fetch wrote a new version, 0 when nothing changed.",
    "version_id": "The version the fetch wrote, if any.",
    "page_id": "The stored page fetched, if kept (pages.id).",
    "headers": "The HTTP response headers, as JSON.",
}

ALIAS_COLUMNS = {
    "url": "Another URL of the story: shortlink, AMP page, old URL that redirects.",
    "article_id": "The article it names.",
}

PAGE_COLUMNS = {
    "id": "Page id.",
    "hash": "SHA-256 of the page as fetched; a page seen again is stored once.",
    "size": "Size of the page as fetched, in bytes.",
    "encoding": DESCRIPTIONS["encoding"],
    "content": "The page as fetched, zlib-compressed.",
}

SUPERSEDED_COLUMNS = {
    "id": "Row id.",
    "version_id": "The version whose text was replaced.",
    "replaced_at": "When a re-extraction replaced it (ISO 8601 UTC).",
    "extractor": "Version of the extraction code that had produced this text.",
    **{name: VERSION_COLUMNS[name] for name in (
        "content_hash", "title", "summary", "authors", "published", "modified", "section",
        "body", "lang", "profile")},
}

SIMILAR_COLUMNS = {
    "article_id": "An article.",
    "other_id": "An article whose newest text nearly duplicates it (each pair is stored both "
                "ways).",
    "similarity": "Estimated share of 5-word shingles the two texts have in common (0 to 1).",
    "found_at": "When the pair was found (ISO 8601 UTC).",
}

SKIPPED_COLUMNS = {
    "url": "A link that looked like an article but is none to archive (canonical URL).",
    "reason": "Why: 'not an article', or what refused the fetch (robots.txt).",
    "first_seen": "When the link was first skipped (ISO 8601 UTC).",
    "last_seen": "When it was last skipped (ISO 8601 UTC).",
}

REFUSAL_COLUMNS = {
    "url": "A page the site refused for now: 401, 403, 451 or still timing out (canonical URL).",
    "site": "Registered domain of the site.",
    "article_id": "The archived article a re-check of it was for; empty for a new link.",
    "reason": "What the site answered: 'HTTP 403', 'timeout' ...",
    "first_refused": "When it was first refused (ISO 8601 UTC).",
    "last_refused": "When it was last refused (ISO 8601 UTC).",
    "attempts": "How many times it was refused.",
    "retry_at": "When it is tried again; empty once given up.",
    "gave_up_at": "When the crawler gave up on it, refused for too long (REFUSAL_GIVE_UP).",
}

SIGNATURE_COLUMNS = {
    "article_id": "The article.",
    "version_id": "The version whose text was signed: the article's newest.",
    "signature": "MinHash signature of the text's 5-word shingles.",
}

SIMILARITY_BAND_COLUMNS = {
    "band": "One LSH band key of a signature: articles sharing a key are compared.",
    "article_id": "The article.",
}

DISTRIBUTED_RUN_COLUMNS = {
    "run": "The name of a distributed run (crawler seed).",
    "crawl_id": "The crawl it is in the crawls table.",
    "config": "What the run crawls, as seeded (JSON): spider, start URLs, sites file text, "
              "limits.",
    "workers": "Each worker's state (JSON): running, lost, or the reason it closed.",
    "stats": "The Scrapy stats of the workers that closed, summed (JSON).",
    "counts": "What the archive did with the run's items so far (JSON): new_article, "
              "new_version, unchanged, error.",
}

DISTRIBUTED_APPLIED_COLUMNS = {
    "stream": "A Redis stream the ingester reads.",
    "entry_id": "An entry of it already written to the archive and not yet acknowledged "
                "in Redis: a second delivery of it is skipped.",
}

# "Last N days" for a query parameter left empty by the form: 7.
_SINCE_DAYS = (f"strftime('{TIME_FORMAT}', 'now', "
               "'-' || CAST(COALESCE(NULLIF(:days, ''), 7) AS INTEGER) || ' days')")

# Wording of a correction or update notice, lower case, from the one vocabulary of it.
CORRECTION_WORDING = tuple(corrections.substrings())
_WORDING_ROWS = ", ".join("('{}')".format(w.replace("'", "''")) for w in CORRECTION_WORDING)

QUERIES: dict[str, dict[str, Any]] = {
    "recent_headline_changes": {
        "title": "Recent headline changes",
        "description": "Versions whose headline differs from the previous version's, fetched "
                       "in the last `days` days (default 7), newest first.",
        "params": ["days"],
        "sql": f"""
SELECT a.site, a.url, v.version, v.fetched_at, p.title AS old_title, v.title AS new_title
FROM versions v
JOIN versions p ON p.article_id = v.article_id AND p.version = v.version - 1
JOIN articles a ON a.id = v.article_id
WHERE v.fetched_at >= {_SINCE_DAYS}
  AND (v.change_kind = 'headline'
       OR EXISTS (SELECT 1 FROM json_each(v.changes, '$.fields') WHERE value = 'title'))
ORDER BY v.fetched_at DESC""",
    },
    "most_edited": {
        "title": "Most-edited articles",
        "description": "The `top` articles (default 20) with the most versions.",
        "params": ["top"],
        "sql": """
SELECT l.site, l.url, l.title, l.version AS versions, l.first_seen, l.last_changed_at
FROM latest l
WHERE l.version > 1
ORDER BY l.version DESC, l.last_changed_at DESC
LIMIT CAST(COALESCE(NULLIF(:top, ''), 20) AS INTEGER)""",
    },
    "corrections": {
        "title": "Corrections and updates",
        "description": "Versions the crawler classed as corrections, or (for versions archived "
                       "before kinds were recorded) whose body gained a correction or update "
                       "notice the previous version did not have, with the notice.",
        "hide_sql": True,
        "sql": f"""
WITH wording(word) AS (VALUES {_WORDING_ROWS}),
candidates AS (
    SELECT v.article_id, v.version, v.fetched_at, v.title, v.body,
           v.change_kind AS kind,
           (SELECT word FROM wording
            WHERE instr(lower(v.body), word) > 0 AND instr(lower(p.body), word) = 0
            LIMIT 1) AS word
    FROM versions v
    JOIN versions p ON p.article_id = v.article_id AND p.version = v.version - 1
),
found AS (
    SELECT *, substr(body, instr(lower(body), word)) AS rest FROM candidates
    WHERE CASE WHEN kind IS NOT NULL THEN kind = 'correction' ELSE word IS NOT NULL END
)
SELECT a.site, a.url, f.version, f.fetched_at, f.title,
       CASE WHEN instr(f.rest, char(10) || char(10)) > 0
            THEN substr(f.rest, 1, instr(f.rest, char(10) || char(10)) - 1)
            ELSE f.rest END AS notice
FROM found f JOIN articles a ON a.id = f.article_id
ORDER BY f.fetched_at DESC""",
    },
    "syndicated": {
        "title": "Syndicated stories",
        "description": "Stories on more than one site whose latest versions have the same "
                       "text (content_hash) or the same headline (case and outer spaces "
                       "ignored): one row per story. Near-duplicate stories finds lightly "
                       "edited copies.",
        "sql": """
WITH l AS (
    SELECT site, url, title, published, content_hash, lower(trim(title)) AS headline
    FROM latest
)
SELECT 'same text' AS matched_by, MIN(trim(title)) AS title, COUNT(DISTINCT site) AS sites,
       json_group_array(url) AS urls, MIN(published) AS first_published
FROM l GROUP BY content_hash HAVING COUNT(DISTINCT site) > 1
UNION ALL
SELECT 'same headline', MIN(trim(title)), COUNT(DISTINCT site), json_group_array(url),
       MIN(published)
FROM l WHERE headline != ''
GROUP BY headline HAVING COUNT(DISTINCT site) > 1 AND COUNT(DISTINCT content_hash) > 1
ORDER BY first_published DESC, title""",
    },
    "near_duplicates": {
        "title": "Near-duplicate stories",
        "description": "Pairs of articles on different sites whose newest texts are nearly the "
                       "same story (wire copy, lightly edited rewrites), most similar first.",
        "sql": """
SELECT round(s.similarity, 2) AS similarity, a.site, a.url, a.title, b.site AS other_site,
       b.url AS other_url, b.title AS other_title, s.found_at
FROM similar s
JOIN latest a ON a.article_id = s.article_id
JOIN latest b ON b.article_id = s.other_id
WHERE s.article_id < s.other_id AND a.site != b.site
ORDER BY s.similarity DESC, a.url""",
    },
    "removed": {
        "title": "Removed articles",
        "description": "Articles a re-check found taken down (404 or 410), most recent first.",
        "sql": """
SELECT l.site, l.url, l.title, l.removed_at, l.first_seen, l.version AS versions,
       l.fetched_at AS last_version_at
FROM latest l
WHERE l.removed_at IS NOT NULL
ORDER BY l.removed_at DESC""",
    },
    "crawl_history": {
        "title": "Crawl history",
        "description": "Every crawl, newest first, with how long it ran and what it found.",
        "sql": """
SELECT c.id, c.spider, c.status, c.started_at, c.finished_at,
       CAST(round((julianday(c.finished_at) - julianday(c.started_at)) * 86400) AS INTEGER)
           AS seconds,
       c.pages_fetched, c.articles_new, c.versions_new, c.unchanged, c.errors,
       (SELECT COUNT(*) FROM fetches f WHERE f.crawl_id = c.id) AS article_fetches,
       c.start_urls
FROM crawls c
ORDER BY c.id DESC""",
    },
}


def _table(description: str, columns: dict[str, str], **options: Any) -> dict[str, Any]:
    return {"description": description, "columns": dict(columns), **options}


def metadata(db_name: str = "archive") -> dict[str, Any]:
    """Datasette metadata for an archive served under the name db_name."""
    tables: dict[str, Any] = {
        "latest": _table(
            "Each article with its newest version. Search covers titles, summaries and "
            "bodies (add _searchmode=raw for FTS5 syntax: \"exact phrase\", migra*, OR).",
            LATEST_COLUMNS, sort_desc="published", fts_table="latest_fts",
            fts_pk="version_id", facets=["site", "section", {"array": "authors"}],
        ),
        "articles": _table(
            "One story under its canonical URL, with its revisit state.",
            ARTICLE_COLUMNS, sort_desc="first_seen", facets=["site"], label_column="url",
        ),
        "versions": _table(
            "One distinct content of a story: a new version is written only when the title, "
            "summary or body changed.",
            VERSION_COLUMNS, sort_desc="id", fts_table="versions_fts", fts_pk="id",
            label_column="title",
        ),
        "aliases": _table(
            "Other URLs of the same story.", ALIAS_COLUMNS,
        ),
        "crawls": _table(
            "One run of a spider, with its counts.", CRAWL_COLUMNS, sort_desc="id",
            facets=["status", "spider"], label_column="started_at",
        ),
        "fetches": _table(
            "One fetch of an archived article: a new version, unchanged, not modified (304) "
            "or removed (404, 410).",
            FETCH_COLUMNS, sort_desc="id",
        ),
        "pages": _table(
            "A fetched page behind a version, stored once, compressed.", PAGE_COLUMNS,
        ),
        "superseded": _table(
            "The text a version had before a re-extraction replaced it.", SUPERSEDED_COLUMNS,
            sort_desc="id",
        ),
        "similar": _table(
            "Two articles whose newest texts are nearly the same story, often on different "
            "sites.", SIMILAR_COLUMNS, sort_desc="similarity",
        ),
        "skipped": _table(
            "Links that looked like articles but are none: later crawls neither fetch them "
            "again nor page on for them.", SKIPPED_COLUMNS, sort_desc="last_seen",
        ),
        "refusals": _table(
            "Pages a site refused for now, tried again on a backoff until given up.",
            REFUSAL_COLUMNS, sort_desc="last_refused",
        ),
        "site_models": _table(
            "What the crawls learned of each site from its pages: template lines, title "
            "affixes, date order (crawler sites).", {
                "site": "The site (registered domain).",
                "pages": "Article pages the model was learned from (halved every 80).",
                "model": "The model as JSON: line shapes and counts, title affixes, date order.",
                "updated_at": "When a crawl last stored it (ISO 8601 UTC).",
            }, sort="site",
        ),
        "signatures": _table(
            "The MinHash signature of each article's newest text.", SIGNATURE_COLUMNS,
            hidden=True,
        ),
        "similarity_bands": _table(
            "LSH band keys of the signatures: the index behind similar.",
            SIMILARITY_BAND_COLUMNS, hidden=True,
        ),
        "distributed_runs": _table(
            "One distributed run and the crawl it became (made by crawler ingest).",
            DISTRIBUTED_RUN_COLUMNS,
        ),
        "distributed_applied": _table(
            "Stream entries the ingester wrote and Redis has yet to acknowledge.",
            DISTRIBUTED_APPLIED_COLUMNS, hidden=True,
        ),
        **{name: {"hidden": True} for name in FTS_SHADOW_TABLES},
    }
    return {
        "title": "News archive",
        "description": "Every archived news story with all its versions, the crawls that "
                       "fetched them, and what changed.",
        "databases": {
            db_name: {
                "description": "Articles, their versions, and the crawls and fetches behind "
                               "them. Start at latest.",
                "tables": tables,
                "queries": {name: dict(query) for name, query in QUERIES.items()},
            },
        },
    }


# What Datasette 1.0 reads from its configuration (datasette.yaml) rather than its metadata.
CONFIG_TABLE_KEYS = ("hidden", "sort", "sort_desc", "size", "sortable_columns", "label_column",
                     "facets", "fts_table", "fts_pk", "searchmode")


def split_config(combined: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """metadata() split as Datasette 1.0 wants it: (metadata, configuration)."""
    meta = {key: value for key, value in combined.items() if key != "databases"}
    config: dict[str, Any] = {}
    for name, database in combined.get("databases", {}).items():
        meta_tables, config_tables = {}, {}
        for table, options in database.get("tables", {}).items():
            meta_tables[table] = {k: v for k, v in options.items() if k not in CONFIG_TABLE_KEYS}
            config_tables[table] = {k: v for k, v in options.items() if k in CONFIG_TABLE_KEYS}
        meta.setdefault("databases", {})[name] = {
            **{k: v for k, v in database.items() if k not in ("tables", "queries")},
            "tables": {t: o for t, o in meta_tables.items() if o},
        }
        config.setdefault("databases", {})[name] = {
            "tables": {t: o for t, o in config_tables.items() if o},
            "queries": database.get("queries", {}),
        }
    return meta, config


def register_plugin() -> None:
    """Add the archive's own pages (crawler.web) to Datasette, unless its entry point did."""
    from datasette.plugins import pm

    import crawler.web

    if not pm.is_registered(crawler.web):
        pm.register(crawler.web, name="crawler.web")


URI_SPECIAL = set("?#%")  # characters of a path a SQLite file: URI must percent-encode


def quoted_path_database(datasette: Any, path: str) -> Any:
    """A Datasette database of a file whose path has ?, # or %: opened by its quoted URI."""
    import sqlite3
    from urllib.parse import quote

    from datasette.database import Database

    class QuotedPathDatabase(Database):
        def connect(self, write: bool = False) -> sqlite3.Connection:
            query = "" if write else "?mode=ro" + ("&nolock=1" if self.ds.nolock else "")
            conn = sqlite3.connect(f"file:{quote(self.path)}{query}", uri=True,
                                   check_same_thread=False)
            self._all_file_connections.append(conn)
            return conn

    return QuotedPathDatabase(datasette, path=path, is_mutable=True)


def serve(db_path: str, host: str = "127.0.0.1", port: int = 8001,
          open_browser: bool = False) -> None:
    """Serve the archive read-only with Datasette until interrupted."""
    path = Path(db_path)
    Archive.open(path, readonly=True).close()  # a missing or foreign file fails here, clearly
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise DatasetteNotInstalled(
            f"serving the archive needs Datasette: {INSTALL_HINT}") from None
    # A mutable database, which Datasette reads with mode=ro: each query sees the crawl's
    # latest commit. Immutable (immutable=1) would skip locking and the WAL, missing or
    # misreading what a running crawl writes.
    options: dict[str, Any] = {"metadata": metadata(path.stem)}
    if "config" in inspect.signature(Datasette).parameters:  # Datasette 1.0
        options["metadata"], options["config"] = split_config(options["metadata"])
    register_plugin()
    datasette = Datasette([str(path)], settings=DATASETTE_SETTINGS, **options)
    if set(str(path)) & URI_SPECIAL:  # Datasette would read them as the URI's query/fragment
        datasette.remove_database(path.stem)
        datasette.add_database(quoted_path_database(datasette, str(path)), name=path.stem)
    asyncio.run(datasette.invoke_startup())
    if open_browser:
        webbrowser.open(f"http://{host}:{port}{datasette.urls.table(path.stem, 'latest')}")
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on")
