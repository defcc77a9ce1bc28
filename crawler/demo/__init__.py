"""A sample news site to crawl: for the tests and for `crawler demo`."""

from crawler.demo.server import RunningServer, serve
from crawler.demo.site import DigestSite, Expected, LedgerSite, NewsSite, SeedPage, Story

__all__ = [
    "DigestSite",
    "Expected",
    "LedgerSite",
    "NewsSite",
    "RunningServer",
    "SeedPage",
    "Story",
    "serve",
]
