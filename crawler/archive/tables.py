"""What every part of the archive shares: the connection, row helpers and the clock."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from crawler import clock
from crawler.items import BY_NAME, VERSION_FIELDS

if TYPE_CHECKING:
    from sqlite_utils import Database

# item fields stored as JSON text: the lists and mappings among a version's columns
JSON_FIELDS = tuple(n for n in VERSION_FIELDS if BY_NAME[n].type in (list, dict))


def utc_now() -> str:
    """The current time in the archive's form."""
    return clock.now()


def marks(values: list[Any] | tuple[Any, ...]) -> str:
    """One `?` per value, comma-separated, for an `IN (...)` list."""
    return ", ".join("?" for _ in values)


def column_values(fields: Mapping[str, Any], names: tuple[str, ...] = VERSION_FIELDS,
                  ) -> dict[str, Any]:
    """The item's fields as the versions table stores them (authors as JSON, body never NULL)."""
    values = {name: fields.get(name) for name in names}
    for name in JSON_FIELDS:
        if name in values:
            values[name] = json.dumps(list(values[name] or []), ensure_ascii=False)
    if "body" in values:
        values["body"] = values["body"] or ""
    return values


def _row(cursor: sqlite3.Cursor, values: tuple) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


class Tables:
    """One part of the archive: the connection it works on and the helpers it reads with."""

    def __init__(self, conn: sqlite3.Connection, database: Any) -> None:
        self.conn = conn
        self._database = database  # a callable giving the sqlite-utils Database, made lazily

    @property
    def db(self) -> Database:
        """The connection as a sqlite-utils Database: its writes and transactions."""
        return self._database()

    def one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        """The first row of a query as a dict, or None."""
        cursor = self.conn.execute(sql, params)
        values = cursor.fetchone()
        return _row(cursor, values) if values else None

    def all(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        """Every row of a query as dicts."""
        cursor = self.conn.execute(sql, params)
        return [_row(cursor, values) for values in cursor.fetchall()]

    def stream(self, sql: str, params: tuple = ()) -> Iterator[dict[str, Any]]:
        """The rows of a query as dicts, one at a time."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def article_for(self, urls: list[str]) -> dict[str, Any] | None:
        """The article one of these URLs names, directly or as an alias."""
        for url in urls:
            row = self.one("SELECT * FROM articles WHERE url = ?", (url,))
            if row:
                return row
        for url in urls:
            row = self.one(
                "SELECT a.* FROM aliases JOIN articles a ON a.id = aliases.article_id "
                "WHERE aliases.url = ?",
                (url,),
            )
            if row:
                return row
        return None
