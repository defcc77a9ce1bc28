"""A distributed run's configuration: the sites `crawler seed` put in Redis, as every worker
and the ingester read them back."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from typing import Any

from crawler.sites import SiteConfig, SitesError, adhoc_sites, sites_of
from crawler.urls import is_web_url


@dataclass
class RunConfig:
    """What one distributed run crawls: start URLs and/or a sites file's text, and the options
    of `scrapy crawl news -a ...` that shape a crawl."""

    name: str
    spider: str = "news"
    start_urls: list[str] = field(default_factory=list)
    sites: str | None = None  # the text of a sites file (TOML)
    profile: str | None = None
    max_pages: int | None = None
    max_hops: int | None = None
    backfill: bool = False
    started_at: str | None = None
    incremental: bool = False  # seeded with the archive's state: re-checks, known URLs

    def to_json(self) -> str:
        """The configuration as stored in Redis."""
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> RunConfig:
        """The configuration stored in Redis."""
        values = json.loads(text)
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    def configs(self) -> list[SiteConfig]:
        """One configuration per site; SitesError when they are wrong."""
        configs: list[SiteConfig] = []
        if self.sites:
            configs = sites_from_text(self.sites, f"the sites of run {self.name!r}")
        for url in self.start_urls:
            if not is_web_url(url):
                raise SitesError(f"start URL is not an http(s) URL: {url}")
        adhoc = adhoc_sites(self.start_urls, self.profile, self.max_pages, self.max_hops)
        clash = {c.site for c in configs} & {c.site for c in adhoc}
        if clash:
            raise SitesError(f"{sorted(clash)[0]} is both in the sites file and in start_urls")
        configs += adhoc
        if not configs:
            raise SitesError("no start URLs and no sites")
        return configs

    def all_start_urls(self) -> list[str]:
        """The start URLs of every site of the run, as the crawls table records them."""
        return [url for config in self.configs() for url in config.start_urls]


def sites_from_text(text: str, source: str) -> list[SiteConfig]:
    """The sites of a sites file's text (as `crawler.sites.load_sites` reads a file)."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SitesError(f"cannot read {source}: {error}") from None
    return sites_of(data, source)
