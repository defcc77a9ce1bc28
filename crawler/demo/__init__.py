"""A sample news site to crawl: for the tests and for `crawler demo`."""

from crawler.demo.server import RunningServer, serve
from crawler.demo.site import (
    DigestSite,
    Expected,
    HeavySite,
    LedgerSite,
    LegacySite,
    NewsSite,
    SeedPage,
    Story,
)

__all__ = [
    "DigestSite",
    "Expected",
    "HeavySite",
    "LedgerSite",
    "LegacySite",
    "NewsSite",
    "RunningServer",
    "SeedPage",
    "Story",
    "serve",
]
