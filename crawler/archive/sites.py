"""Each site's learned model, kept as plain JSON beside the articles (table site_models)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from crawler.archive.tables import Tables, utc_now


class SiteModels(Tables):
    """Reads and writes the site_models table; the models themselves are plain values."""

    def site_model(self, site: str) -> dict[str, Any] | None:
        """The stored model of a site as plain values, or None."""
        row = self.one("SELECT model FROM site_models WHERE site = ?", (site,))
        return json.loads(row["model"]) if row else None

    def site_models(self) -> list[dict[str, Any]]:
        """Every site's row: site, pages, updated_at and the model, by site."""
        rows = self.conn.execute(
            "SELECT site, pages, updated_at, model FROM site_models ORDER BY site").fetchall()
        return [{"site": site, "pages": pages, "updated_at": updated, "model": json.loads(model)}
                for site, pages, updated, model in rows]

    def save_site_model(self, site: str, model: Mapping[str, Any],
                        updated_at: str | None = None) -> None:
        """Store a site's model in place of the one before."""
        with self.db.atomic():
            self.conn.execute(
                "INSERT INTO site_models (site, pages, model, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(site) DO UPDATE SET pages = excluded.pages, model = excluded.model, "
                "updated_at = excluded.updated_at",
                (site, int(model.get("pages") or 0), json.dumps(dict(model), ensure_ascii=False,
                                                                sort_keys=True),
                 updated_at or utc_now()))
