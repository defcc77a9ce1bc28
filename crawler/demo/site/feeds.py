"""What a news site publishes beside its pages: robots.txt, an RSS feed, sitemaps, a news sitemap."""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import ClassVar

from crawler.demo.site.responses import Response
from crawler.demo.site.stories import Story, StoryIndex, esc

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_SITEMAP_NS = "http://www.google.com/schemas/sitemap-news/0.9"


class Syndication:
    """robots.txt, the feed and the sitemaps of a site, from its stories; mixed into NewsSite."""

    theme: ClassVar[str]
    name: ClassVar[str]
    newest: ClassVar[datetime]
    feed_path: ClassVar[str]  # the RSS feed
    sitemap_index_path: ClassVar[str]  # the sitemap index robots.txt lists
    sitemap_path: ClassVar[str]  # one sitemap of the index, "{n}" for its number from 1
    news_sitemap_path: ClassVar[str]  # the Google News sitemap robots.txt lists
    disallow: ClassVar[tuple[str, ...]] = ("/private/",)  # robots.txt Disallow rules

    base_url: str
    feed_size: int  # stories in the RSS feed; 0: no feed at all
    sitemaps: bool  # robots.txt lists a sitemap index and a news sitemap
    sitemap_size: int  # URLs per sitemap of the index
    news_days: float  # the news sitemap's window before the newest story

    def index(self) -> StoryIndex:
        """The lookups over the stories as they are now."""
        raise NotImplementedError

    def url(self, key: int | str | Story) -> str:
        """The canonical URL of a story."""
        raise NotImplementedError

    def robots_txt(self) -> str:
        """The site's robots.txt, with its sitemaps."""
        lines = ["User-agent: *", *(f"Disallow: {rule}" for rule in self.disallow)]
        if self.sitemaps:
            lines += ["", f"Sitemap: {self.base_url}{self.sitemap_index_path}",
                      f"Sitemap: {self.base_url}{self.news_sitemap_path}"]
        return "\n".join(lines) + "\n"

    def files(self, path: str) -> Response | None:
        """robots.txt, the feed and the sitemaps; None for any other path."""
        if path == "/robots.txt":
            return Response.text(self.robots_txt())
        if self.feed_size and path == self.feed_path:
            return Response.xml(self.feed(), "application/rss+xml")
        if not self.sitemaps:
            return None
        if path == self.sitemap_index_path:
            return Response.xml(self.sitemap_index())
        if path == self.news_sitemap_path:
            return Response.xml(self.news_sitemap())
        before, _, after = self.sitemap_path.partition("{n}")
        number = path.removeprefix(before).removesuffix(after)
        if path.startswith(before) and path.endswith(after) and number.isdigit():
            text = self.sitemap(int(number))
            return Response.xml(text) if text else None
        return None

    def feed_link(self) -> str:
        """The <link> in every page's head that advertises the feed."""
        if not self.feed_size:
            return ""
        return (f'<link rel="alternate" type="application/rss+xml" title="{esc(self.name)} '
                f'&raquo; Feed" href="{self.base_url}{self.feed_path}">\n')

    def feed(self) -> str:
        """RSS 2.0 of the newest stories."""
        stories = self.index().live[: self.feed_size]
        built = max(((s.modified or s.published) for s in stories), default=self.newest)
        items = "".join(
            f"<item>\n<title>{esc(s.title)}</title>\n<link>{self.url(s)}</link>\n"
            f'<guid isPermaLink="false">{self.theme}-{s.id}</guid>\n'
            f"<pubDate>{format_datetime(s.published)}</pubDate>\n"
            + "".join(f"<dc:creator>{esc(a)}</dc:creator>\n" for a in s.authors)
            + f"<category>{esc(s.section)}</category>\n"
            f"<description>{esc(s.excerpt)}</description>\n</item>\n"
            for s in stories
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{esc(self.name)}</title>
<atom:link href="{self.base_url}{self.feed_path}" rel="self" type="application/rss+xml"/>
<link>{self.base_url}/</link>
<description>The latest stories from {esc(self.name)}</description>
<lastBuildDate>{format_datetime(built)}</lastBuildDate>
<language>en-GB</language>
{items}</channel>
</rss>
"""

    def sitemap_chunks(self) -> list[list[Story]]:
        """The stories of each sitemap of the index: oldest first, so old sitemaps never change."""
        oldest_first = self.index().live[::-1]
        size = max(1, self.sitemap_size)
        return [oldest_first[n : n + size] for n in range(0, len(oldest_first), size)]

    def sitemap_index(self) -> str:
        """The sitemap index: each sitemap with the newest modified time of its stories."""
        entries = "".join(
            f"<sitemap><loc>{self.base_url}{self.sitemap_path.format(n=n)}</loc>"
            f"<lastmod>{max((s.modified or s.published) for s in chunk).isoformat()}</lastmod>"
            "</sitemap>\n"
            for n, chunk in enumerate(self.sitemap_chunks(), start=1)
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
                f"{entries}</sitemapindex>\n")

    def sitemap(self, number: int) -> str | None:
        """One sitemap of the index: every story's URL and modified time; None past the last."""
        chunks = self.sitemap_chunks()
        if not 1 <= number <= len(chunks):
            return None
        entries = "".join(
            f"<url><loc>{self.url(s)}</loc>"
            f"<lastmod>{(s.modified or s.published).isoformat()}</lastmod></url>\n"
            for s in chunks[number - 1]
        )
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'

    def news_stories(self) -> list[Story]:
        """The news sitemap's stories: those published in the window before the newest story."""
        live = self.index().live
        if not live:
            return []
        since = live[0].published - timedelta(days=self.news_days)
        return [s for s in live if s.published >= since]

    def news_sitemap(self) -> str:
        """A Google News sitemap with publication dates."""
        entries = "".join(
            f"<url><loc>{self.url(s)}</loc>"
            f"<lastmod>{(s.modified or s.published).isoformat()}</lastmod>"
            f"<news:news><news:publication><news:name>{esc(self.name)}</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{s.published.isoformat()}</news:publication_date>"
            f"<news:title>{esc(s.title)}</news:title></news:news></url>\n"
            for s in self.news_stories()
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" '
                f'xmlns:news="{NEWS_SITEMAP_NS}">\n{entries}</urlset>\n')
