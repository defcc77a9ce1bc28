"""The crawl ledger: each crawl's start, end and counts, and the distributed runs behind them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from crawler.archive.tables import Tables, marks, utc_now

CRAWL_COUNTS = ("pages_fetched", "articles_new", "versions_new", "unchanged", "errors")


class Ledger(Tables):
    """The crawls table, and what a distributed ingester keeps of its runs and entries."""

    def start_crawl(self, spider: str, start_urls: list[str], started_at: str | None = None) -> int:
        """Record a crawl as running; returns its id."""
        with self.db.atomic():
            cursor = self.conn.execute(
                "INSERT INTO crawls (spider, started_at, status, start_urls) VALUES (?, ?, ?, ?)",
                (spider, started_at or utc_now(), "running", json.dumps(start_urls)),
            )
        return cursor.lastrowid

    def finish_crawl(self, crawl_id: int, status: str, counts: Mapping[str, int],
                     stats: Mapping[str, Any], finished_at: str | None = None) -> None:
        """Record how a crawl ended, its counts and its full stats."""
        columns = ", ".join(f"{name} = ?" for name in CRAWL_COUNTS)
        with self.db.atomic():
            self.conn.execute(
                f"UPDATE crawls SET finished_at = ?, status = ?, {columns}, stats = ? WHERE id = ?",
                (finished_at or utc_now(), status,
                 *(int(counts.get(name, 0)) for name in CRAWL_COUNTS),
                 json.dumps(stats, default=str, sort_keys=True), crawl_id),
            )

    def crawls(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent crawls, newest first."""
        return self.all("SELECT * FROM crawls ORDER BY id DESC LIMIT ?", (limit,))

    def close_stale_crawls(self, current: int | None = None) -> int:
        """Mark crawls still 'running' (their process was killed) as 'killed'.

        A distributed run's crawl stays 'running' between its ingests, and its ingester
        finishes it: it is left alone.
        """
        with self.db.atomic():
            cursor = self.conn.execute(
                "UPDATE crawls SET status = 'killed' WHERE status = 'running' AND id IS NOT ? "
                "AND id NOT IN (SELECT crawl_id FROM distributed_runs WHERE crawl_id IS NOT NULL)",
                (current,),
            )
        return cursor.rowcount

    # Distributed runs. These write inside the caller's transaction: the ingester applies a
    # batch of entries, marks them applied and saves its runs as one unit.

    def applied_entries(self, stream: str, ids: Iterable[str]) -> set[str]:
        """The ones among these stream entries already applied and not yet forgotten."""
        ids = list(ids)
        return {entry_id for (entry_id,) in self.conn.execute(
            f"SELECT entry_id FROM distributed_applied WHERE stream = ? AND entry_id IN "
            f"({marks(ids)})", (stream, *ids))}

    def mark_applied(self, stream: str, entry_id: str) -> None:
        """Remember that a stream entry has been applied."""
        self.conn.execute("INSERT INTO distributed_applied (stream, entry_id) VALUES (?, ?)",
                          (stream, entry_id))

    def forget_applied(self, stream: str, ids: Iterable[str]) -> None:
        """Drop the applied marks of entries the stream will never deliver again."""
        ids = list(ids)
        self.conn.execute(
            f"DELETE FROM distributed_applied WHERE stream = ? AND entry_id IN ({marks(ids)})",
            (stream, *ids))

    def distributed_run(self, run: str) -> dict[str, Any] | None:
        """A distributed run's crawl, configuration (JSON text), workers, stats and counts."""
        row = self.one("SELECT crawl_id, config, workers, stats, counts FROM distributed_runs "
                       "WHERE run = ?", (run,))
        if row:
            for name in ("workers", "stats", "counts"):
                row[name] = json.loads(row[name])
        return row

    def add_distributed_run(self, run: str, crawl_id: int, config: str | None) -> None:
        """Record a distributed run as the crawl it is, with its configuration (JSON text)."""
        self.conn.execute("INSERT INTO distributed_runs (run, crawl_id, config) VALUES (?, ?, ?)",
                          (run, crawl_id, config))

    def update_distributed_run(self, run: str, workers: Mapping[str, str],
                               stats: Mapping[str, Any], counts: Mapping[str, int]) -> None:
        """Keep a distributed run's workers, summed stats and archive outcomes."""
        self.conn.execute(
            "UPDATE distributed_runs SET workers = ?, stats = ?, counts = ? WHERE run = ?",
            (json.dumps(workers), json.dumps(stats), json.dumps(counts), run))
