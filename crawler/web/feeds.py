"""Feeds of the archive's changes: Atom and JSON Feed, one entry per changed version."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr


def _entry_title(row: dict[str, Any]) -> str:
    return f"{row['summary_line']}: {row.get('title') or row['url']}"


def atom(rows: list[dict[str, Any]], feed_url: str, home_url: str, link_for: Any,
         title: str = "News archive: recent changes") -> str:
    """An Atom 1.0 document of the changes; link_for(row) is the URL of a change's diff."""
    updated = rows[0]["fetched_at"] if rows else "1970-01-01T00:00:00Z"
    entries = []
    for row in rows:
        link = link_for(row)
        old = row.get("old_title")
        content = row["summary_line"]
        if old and old != row.get("title"):
            content += f"\nHeadline was: {old}"
        entries.append(
            "<entry>"
            f"<id>{escape(link)}</id>"
            f"<title>{escape(_entry_title(row))}</title>"
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>"
            f"<link rel=\"related\" href={quoteattr(row['url'])}/>"
            f"<updated>{escape(row['fetched_at'])}</updated>"
            f"<author><name>{escape(row['site'])}</name></author>"
            f"<category term={quoteattr(row.get('change_kind') or 'change')}/>"
            f"<summary type=\"text\">{escape(content)}</summary>"
            "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(feed_url)}</id><title>{escape(title)}</title>"
        f"<updated>{escape(updated)}</updated>"
        f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(feed_url)}/>"
        f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(home_url)}/>"
        f"<generator>news-archive-crawler</generator>{''.join(entries)}</feed>\n")


def json_feed(rows: list[dict[str, Any]], feed_url: str, home_url: str, link_for: Any,
              title: str = "News archive: recent changes") -> str:
    """A JSON Feed 1.1 document of the changes."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": home_url,
        "feed_url": feed_url,
        "items": [{
            "id": link_for(row),
            "url": link_for(row),
            "external_url": row["url"],
            "title": _entry_title(row),
            "content_text": row["summary_line"],
            "date_published": row["fetched_at"],
            "authors": [{"name": row["site"]}],
            "tags": [row.get("change_kind") or "change"],
            "_archive": {"article_id": row["article_id"], "version": row["version"],
                         "old_title": row.get("old_title")},
        } for row in rows],
    }, ensure_ascii=False, indent=1)
