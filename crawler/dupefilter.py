"""Scrapy's request duplicate filter with its fingerprints on disk instead of in a set."""

from __future__ import annotations

from typing import Any

from scrapy.dupefilters import RFPDupeFilter

from crawler.seen import SeenSet


class DiskDupeFilter(RFPDupeFilter):
    """RFPDupeFilter whose seen fingerprints live in a temporary database: flat memory."""

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(path, debug, **kwargs)
        seen = SeenSet()
        seen.update(self._fingerprints)  # those a JOBDIR's requests.seen brought back
        self._fingerprints = seen  # type: ignore[assignment]

    def close(self, reason: str) -> None:
        super().close(reason)
        self._fingerprints.close()
