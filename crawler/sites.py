"""Site lists: a TOML file naming each site's start URLs, profile, limits and revisit schedule."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.archive.schedule import (
    DEFAULT_AGE_FROM,
    DEFAULT_MAX_AGE,
    DEFAULT_STEPS,
    Schedule,
    ScheduleError,
    parse_duration,
)
from crawler.urls import is_web_url, site_of

SITE_KEYS = {"start_urls", "profile", "max_pages", "max_hops", "revisit", "revisit_max_age",
             "revisit_age", "feeds", "sitemaps", "budget"}


class SitesError(ValueError):
    """A sites file that cannot be used, said in one line."""


@dataclass(frozen=True)
class SiteConfig:
    """How to crawl one site."""

    name: str
    start_urls: tuple[str, ...]
    profile: str | None = None
    max_pages: int | None = None  # None: the NEWS_MAX_PAGES setting
    max_hops: int | None = None  # None: the NEWS_MAX_HOPS setting
    schedule: Schedule = field(default_factory=Schedule.parse)
    feeds: tuple[str, ...] = ()  # feeds to read besides those the pages advertise
    sitemaps: bool = True  # read the sitemaps robots.txt lists
    budget: float | None = None  # seconds of a run this site may schedule requests in (None: all)

    @property
    def site(self) -> str:
        """The registered domain of the site's first start URL."""
        return site_of(self.start_urls[0])


def _whole(name: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SitesError(f"site {name!r}: {key} must be a whole number, not {value!r}")
    return value


def _urls(name: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SitesError(f"site {name!r}: {key} must be a list of URLs")
    for url in value:
        if not is_web_url(url):
            raise SitesError(f"site {name!r}: {url!r} is not an http(s) URL")
    return tuple(value)


def site_config(name: str, values: dict[str, Any], defaults: dict[str, Any]) -> SiteConfig:
    """One site's configuration from its table, over the file's defaults."""
    merged = {**defaults, **values}
    unknown = set(merged) - SITE_KEYS
    if unknown:
        raise SitesError(f"site {name!r}: unknown key {sorted(unknown)[0]!r}")
    start_urls = _urls(name, "start_urls", merged.get("start_urls", []))
    if not start_urls:
        raise SitesError(f"site {name!r} has no start_urls")
    try:
        schedule = Schedule.parse(merged.get("revisit", DEFAULT_STEPS),
                                  merged.get("revisit_max_age", DEFAULT_MAX_AGE),
                                  merged.get("revisit_age", DEFAULT_AGE_FROM))
        budget = merged.get("budget")
        budget = parse_duration(budget).total_seconds() if budget is not None else None
    except ScheduleError as error:
        raise SitesError(f"site {name!r}: {error}") from None
    return SiteConfig(
        name=name,
        start_urls=start_urls,
        profile=merged.get("profile"),
        max_pages=_whole(name, "max_pages", merged.get("max_pages")),
        max_hops=_whole(name, "max_hops", merged.get("max_hops")),
        schedule=schedule,
        feeds=_urls(name, "feeds", merged.get("feeds", [])),
        sitemaps=bool(merged.get("sitemaps", True)),
        budget=budget,
    )


def load_sites(path: str | Path) -> list[SiteConfig]:
    """Every site of a sites file; SitesError when the file is missing or wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesError(f"no sites file at {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SitesError(f"cannot read sites file {path}: {error}") from None
    return sites_of(data, str(path))


def sites_of(data: dict[str, Any], source: str) -> list[SiteConfig]:
    """Every site of a parsed sites file; SitesError when one is wrong or two are the same."""
    defaults = data.get("defaults", {})
    sites = data.get("sites", {})
    if not isinstance(sites, dict) or not sites:
        raise SitesError(f"{source} names no sites: add a [sites.NAME] table with start_urls")
    configs = [site_config(name, values, defaults) for name, values in sites.items()]
    seen: dict[str, str] = {}
    for config in configs:
        if config.site in seen:
            raise SitesError(f"sites {seen[config.site]!r} and {config.name!r} are the same site")
        seen[config.site] = config.name
    return configs


def adhoc_sites(urls: list[str], profile: str | None = None, max_pages: int | None = None,
                max_hops: int | None = None, schedule: Schedule | None = None,
                ) -> list[SiteConfig]:
    """One configuration per site among start URLs given on the command line."""
    by_site: dict[str, list[str]] = {}
    for url in urls:
        by_site.setdefault(site_of(url), []).append(url)
    return [SiteConfig(name=site, start_urls=tuple(group), profile=profile,
                       max_pages=max_pages, max_hops=max_hops,
                       schedule=schedule or Schedule.parse())
            for site, group in by_site.items()]
