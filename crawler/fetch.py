"""One page fetched as the crawl would, without a crawl: robots.txt obeyed, same site only,
bounded in size and time. For `crawler extract URL`; the crawl itself fetches with Scrapy."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

from protego import Protego

from crawler import settings
from crawler.discovery import bounded_robots_txt
from crawler.urls import site_of


class FetchError(Exception):
    """The page could not be fetched, or may not be; said in one line."""


@dataclass(frozen=True)
class Fetched:
    """A fetched page: where it ended up, its status, bytes and declared charset."""

    url: str
    status: int
    body: bytes
    charset: str | None


class _SameSite(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only within the site the fetch started on."""

    def __init__(self, site: str) -> None:
        self.site = site

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Message,
                         newurl: str) -> Any:
        target = urljoin(req.full_url, newurl)
        if urlsplit(target).scheme not in ("http", "https") or site_of(target) != self.site:
            raise FetchError(f"{req.full_url} redirects off the site, to {target}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(url: str, site: str, user_agent: str, timeout: float,
         max_bytes: int) -> tuple[int, bytes, Message, str]:
    opener = urllib.request.build_opener(_SameSite(site))
    request = urllib.request.Request(url, headers={"User-Agent": user_agent,
                                                   "Accept-Encoding": "identity"})
    try:
        with opener.open(request, timeout=timeout) as answer:
            body = answer.read(max_bytes + 1)
            return answer.status, body, answer.headers, answer.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read(max_bytes + 1), error.headers, error.geturl()
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"cannot fetch {url}: {reason}") from None


def fetch(url: str, user_agent: str = settings.USER_AGENT,
          timeout: float = settings.DOWNLOAD_TIMEOUT,
          max_bytes: int = settings.DOWNLOAD_MAXSIZE) -> Fetched:
    """Fetch one page if the site's robots.txt allows it; FetchError says why not."""
    site = site_of(url)
    robots_url = urljoin(url, "/robots.txt")
    status, body, _, _ = _get(robots_url, site, user_agent, timeout,
                              settings.ROBOTSTXT_MAX_BYTES)
    if status >= 500:  # RFC 9309: an unreachable robots.txt allows nothing
        raise FetchError(f"{robots_url} answered {status}: the site allows no crawling now")
    if status < 400:
        rules = bounded_robots_txt(body, settings.ROBOTSTXT_MAX_BYTES,
                                   settings.ROBOTSTXT_MAX_RULES)
        robots = Protego.parse(rules.decode("utf-8", "replace"))
        if not robots.can_fetch(url, user_agent):
            raise FetchError(f"robots.txt of {site} disallows {url}")
    status, body, headers, final = _get(url, site, user_agent, timeout, max_bytes)
    if len(body) > max_bytes:
        raise FetchError(f"{url} is larger than a crawl takes (DOWNLOAD_MAXSIZE, "
                         f"{max_bytes} bytes)")
    if status >= 400:
        raise FetchError(f"{url} answered HTTP {status}")
    return Fetched(final, status, body, headers.get_content_charset())
