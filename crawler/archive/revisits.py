"""What a crawl asks the archive before it fetches: which articles are due, which links are
known, what an archived URL's fetch state is; and the links it decided to skip."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from crawler.archive.schedule import DEFAULT_BACKOFF_PLAN, Backoff
from crawler.archive.tables import Tables, marks, utc_now

CHUNK = 500  # URLs per query: well under SQLite's limit on parameters


def _chunks(urls: Iterable[str]) -> Iterator[list[str]]:
    urls = list(dict.fromkeys(urls))
    for start in range(0, len(urls), CHUNK):
        yield urls[start:start + CHUNK]


class Revisits(Tables):
    """Frontier queries over articles, aliases and skipped links."""

    def due(self, sites: Iterable[str], now: str, every: bool = False, changed_since: str = "",
            ) -> Iterator[dict[str, Any]]:
        """Articles of these sites whose next check is due (or all of them), most overdue first,
        with what the schedule reads (first seen, last change, the newest version's published
        date); with changed_since, only those first seen or changed since then."""
        sites = list(sites)
        if not sites:
            return
        when = "" if every else "AND next_check_at IS NOT NULL AND next_check_at <= ?"
        yield from self.stream(
            f"""SELECT id, url, site, fetch_url, etag, last_modified, next_check_at, first_seen,
                last_changed_at, (SELECT published FROM versions WHERE article_id = articles.id
                                  ORDER BY version DESC LIMIT 1) AS published
                FROM articles WHERE removed_at IS NULL {when} AND site IN ({marks(sites)})
                AND COALESCE(last_changed_at, first_seen) >= ?
                ORDER BY next_check_at""",
            ((*sites, changed_since) if every else (now, *sites, changed_since)),
        )

    def record_skip(self, url: str, reason: str, seen_at: str | None = None) -> None:
        """Remember a link that looked like an article but is none to fetch or archive."""
        seen_at = seen_at or utc_now()
        with self.db.atomic():
            self.conn.execute(
                """INSERT INTO skipped (url, reason, first_seen, last_seen) VALUES (?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET reason = excluded.reason,
                   last_seen = excluded.last_seen""", (url, reason, seen_at, seen_at))

    def record_refusal(self, url: str, site: str, reason: str, at: str | None = None,
                       article_id: int | None = None, backoff: Backoff = DEFAULT_BACKOFF_PLAN,
                       ) -> str:
        """Remember a page the site refused for now, to try again on the backoff; returns
        "refused", or "gave_up" once it has been refused for as long as the backoff allows (the
        link is then skipped like one that is no article, an archived article left as it is)."""
        at = at or utc_now()
        with self.db.atomic():
            row = self.one("SELECT * FROM refusals WHERE url = ?", (url,))
            first, attempts = (row["first_refused"], row["attempts"] + 1) if row else (at, 1)
            retry_at = backoff.retry_at(at, first, attempts)
            self.conn.execute(
                """INSERT INTO refusals (url, site, article_id, reason, first_refused,
                   last_refused, attempts, retry_at, gave_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET reason = excluded.reason,
                   last_refused = excluded.last_refused, attempts = excluded.attempts,
                   retry_at = excluded.retry_at, gave_up_at = excluded.gave_up_at,
                   article_id = COALESCE(excluded.article_id, article_id)""",
                (url, site, article_id, reason, first, at, attempts, retry_at,
                 None if retry_at else at))
            if article_id is not None:  # its next check waits for the backoff, or never comes
                self.conn.execute("UPDATE articles SET next_check_at = ? WHERE id = ?",
                                  (retry_at, article_id))
        return "refused" if retry_at else "gave_up"

    def due_refusals(self, sites: Iterable[str], now: str) -> Iterator[dict[str, Any]]:
        """Links never archived that the site refused, whose retry is due, the earliest first."""
        sites = list(sites)
        if sites:
            yield from self.stream(
                f"""SELECT url, site, attempts FROM refusals WHERE article_id IS NULL
                    AND retry_at IS NOT NULL AND retry_at <= ? AND site IN ({marks(sites)})
                    ORDER BY retry_at""", (now, *sites))

    def known(self, urls: Iterable[str], before: str = "9999") -> set[str]:
        """The ones among these canonical URLs that name an article, or a link skipped as none,
        first seen before a time; or a link refused whose retry is not due at that time."""
        found: set[str] = set()
        for chunk in _chunks(urls):
            these = marks(chunk)
            for (url,) in self.conn.execute(
                f"SELECT url FROM articles WHERE url IN ({these}) AND first_seen < ? "
                f"UNION SELECT l.url FROM aliases l JOIN articles a ON a.id = l.article_id "
                f"WHERE l.url IN ({these}) AND a.first_seen < ? "
                f"UNION SELECT url FROM skipped WHERE url IN ({these}) AND first_seen < ? "
                f"UNION SELECT url FROM refusals WHERE url IN ({these}) "
                f"AND (retry_at IS NULL OR retry_at > ?)",
                (*chunk, before, *chunk, before, *chunk, before, *chunk, before),
            ):
                found.add(url)
        return found

    def fetch_states(self, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
        """For the ones among these canonical URLs that are archived: their fetch state."""
        states: dict[str, dict[str, Any]] = {}
        columns = ("a.id, a.url, a.fetch_url, a.etag, a.last_modified, a.last_fetched_at, "
                   "a.removed_at")
        for chunk in _chunks(urls):
            these = marks(chunk)
            for row in self.all(
                f"SELECT a.url AS key, {columns} FROM articles a WHERE a.url IN ({these}) "
                f"UNION ALL SELECT l.url AS key, {columns} FROM aliases l "
                f"JOIN articles a ON a.id = l.article_id WHERE l.url IN ({these})",
                (*chunk, *chunk),
            ):
                states.setdefault(row.pop("key"), row)
        return states

    def known_states(self, sites: Iterable[str], before: str = "9999",
                     ) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """What `known` and `fetch_states` answer, for every URL at once: each canonical URL of
        an article of these sites (its own and its aliases) with its fetch state and newest
        content hash, each link skipped as none (state None), first seen before a time, and
        each refused link whose retry is not due by then (state None)."""
        sites = list(sites)
        if sites:
            columns = ("a.id, a.url, a.fetch_url, a.etag, a.last_modified, a.last_fetched_at, "
                       "a.removed_at, (SELECT v.content_hash FROM versions v WHERE "
                       "v.article_id = a.id ORDER BY v.version DESC LIMIT 1) AS content_hash")
            for row in self.stream(
                f"SELECT a.url AS key, {columns} FROM articles a WHERE a.site IN "
                f"({marks(sites)}) AND a.first_seen < ? UNION ALL SELECT l.url AS key, "
                f"{columns} FROM aliases l JOIN articles a ON a.id = l.article_id "
                f"WHERE a.site IN ({marks(sites)}) AND a.first_seen < ?",
                (*sites, before, *sites, before),
            ):
                yield row.pop("key"), row
        for (url,) in self.conn.execute("SELECT url FROM skipped WHERE first_seen < ?",
                                        (before,)):
            yield url, None
        if sites:  # refused links that wait for their retry
            for (url,) in self.conn.execute(
                    f"SELECT url FROM refusals WHERE article_id IS NULL AND site IN "
                    f"({marks(sites)}) AND (retry_at IS NULL OR retry_at > ?)", (*sites, before)):
                yield url, None

    def sites(self, finished: bool = False) -> set[str]:
        """Every site the archive holds articles of (or only those a finished crawl covered)."""
        if not finished:
            return {site for (site,) in self.conn.execute("SELECT DISTINCT site FROM articles")}
        return {site for (site,) in self.conn.execute(
            """SELECT DISTINCT a.site FROM articles a JOIN crawls c
               ON c.id IN (a.first_crawl_id, a.last_crawl_id) WHERE c.status = 'finished'""")}
