"""The crawl's Scrapy stat names, read into the plain counts the archive's crawls table keeps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.archive import Outcome


def outcome_stat(outcome: str) -> str:
    """The stat counting one archive outcome (`archive/new_version` ...)."""
    return f"archive/{outcome}"


def crawl_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """A crawl's headline counts, as the crawls table keeps them, from its Scrapy stats."""
    def count(*outcomes: Outcome) -> int:
        return sum(stats.get(outcome_stat(o), 0) for o in outcomes)

    return {
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_new": count(Outcome.NEW_ARTICLE),
        "versions_new": count(Outcome.NEW_ARTICLE, Outcome.NEW_VERSION),
        "unchanged": count(Outcome.UNCHANGED, Outcome.NOT_MODIFIED),
        "removed": count(Outcome.REMOVED),
        "errors": error_count(stats),
    }


def error_count(stats: Mapping[str, Any]) -> int:
    """A crawl's errors: failed fetches, items the archive refused, other errors logged.

    Scrapy logs an ERROR line for each request it gives up retrying, and the spider counts the
    same request once more as a failed fetch: those lines are not counted twice.
    """
    logged = stats.get("log_count/ERROR", 0) - stats.get("retry/max_reached", 0)
    return (max(0, logged) + stats.get("news/fetch_failed", 0)
            + stats.get(outcome_stat("error"), 0))
