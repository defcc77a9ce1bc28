"""The "ledger" theme: a modern news site with JSON-LD, AMP pages and tracked links."""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from crawler.demo.site.base import NewsSite
from crawler.demo.site.responses import Response
from crawler.demo.site.stories import Story, esc, long_date, newsbank, slugify


class LedgerSite(NewsSite):
    """A modern news site: JSON-LD, AMP variants, tracked links, inline boxes in the story."""

    theme = "ledger"
    name = "The Ledger"
    default_sections = ("Politics", "Business", "Local")
    first_id = 10407
    id_step = 1
    newest = datetime(2025, 10, 5, 16, 45, tzinfo=UTC)
    feed_path = "/rss.xml"
    sitemap_index_path = "/sitemap.xml"
    sitemap_path = "/sitemaps/articles-{n}.xml"
    news_sitemap_path = "/sitemaps/news.xml"
    disallow = ("/private/", "/search", "/newsletter")

    def authors_for(self, index: int) -> int:
        return 3 if index % 7 == 6 else 2 if index % 3 == 1 else 1

    def path(self, story: Story, slug: str | None = None) -> str:
        """/news/<section>/<slug>-<id>, or /private/<slug>-<id>."""
        slug = slug or story.slug
        if story.private:
            return f"/private/{slug}-{story.id}"
        return f"/news/{slugify(story.section)}/{slug}-{story.id}"

    def tracked(self, story: Story, source: str) -> str:
        """A story link as listings print it: with tracking parameters or a fragment."""
        path = self.path(story)
        variant = (story.id + len(source)) % 4
        if variant == 0:
            return f"{path}?utm_source={source}&amp;utm_medium=referral&amp;utm_campaign=top"
        if variant == 1:
            return f"{path}#story-{story.id}"
        if variant == 2:
            return f"{path}?fbclid=IwAR{self.rng('fbclid', story.id).getrandbits(48):012x}"
        return path

    # Routes

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        parts = [p for p in path.split("/") if p]
        page = query.get("page", "1")
        if not page.isdigit():
            return None
        page_number = int(page)
        match parts:
            case [] if page_number == 1:
                return Response.page(self._home())
            case ["section", slug] if self.in_section(slug):
                stories = self.in_section(slug)
                label = stories[0].section
                return self._listing(stories, page_number, f"/section/{slug}", label)
            case ["topic", slug] if self.tagged(slug):
                stories = self.tagged(slug)
                label = next(t for t in stories[0].tags if slugify(t) == slug)
                return self._listing(stories, page_number, f"/topic/{slug}", label)
            case ["people", slug] if self.by_author(slug):
                stories = self.by_author(slug)
                label = next(a for a in stories[0].authors if slugify(a) == slug)
                return self._listing(stories, page_number, f"/people/{slug}", label)
            case ["about"]:
                return Response.page(self._about())
            case ["news" | "private", *_]:
                return self._article(path)
        return None

    def _article(self, path: str) -> Response | None:
        amp = path.endswith("/amp") or path.endswith("/amp/")
        clean = re.sub(r"/amp/?$", "", path)
        found = re.search(r"-(\d+)/?$", clean)
        if not found:
            return None
        story = self.index().by_id.get(int(found.group(1)))
        if story is None or story.removed:
            return None
        wanted = self.path(story) + ("/amp" if amp else "")
        if path != wanted:
            if story.private != path.startswith("/private/"):
                return None
            return Response.redirect(self.base_url + wanted)  # any slug with the id finds it
        if amp:
            return self.article_response(story, self._amp_page(story), "amp")
        return self.article_response(story, self._article_page(story))

    # Page parts

    def _head(self, title: str, canonical: str, extra: str = "", kind: str = "listing") -> str:
        layer = json.dumps({"pageType": kind, "abVariant": self.rng("ab").choice("ABCD")})
        return f"""<!doctype html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{canonical}">
{extra}{self.feed_link()}<link rel="preload" href="/static/app.{self.generation:04d}.css" as="style">
<script>window.dataLayer = [{layer}];</script>
</head>
"""

    def _masthead(self) -> str:
        nav = "".join(
            f'<li><a href="/section/{slugify(s)}">{esc(s)}</a></li>' for s in self.sections
        )
        ticker = self.rng("ticker").uniform(7100, 8400)
        return f"""<header class="masthead" role="banner">
<a class="masthead__logo" href="/" aria-label="{self.name} home">{self.name}</a>
<nav class="masthead__nav" aria-label="Sections"><ul>{nav}</ul></nav>
<div class="masthead__ticker">FTSE 100 <span class="ticker-value">{ticker:,.2f}</span></div>
<a class="masthead__subscribe" href="https://subscribe.example.com/ledger">Subscribe</a>
</header>
"""

    def _rail(self) -> str:
        items = "".join(
            f'<li class="most-read__item"><a href="{self.tracked(s, "mostread")}">'
            f'{esc(s.title)}</a> <span class="most-read__count">'
            f"{self.rng('reading', s.id).randint(40, 4000):,} reading now</span></li>"
            for s in self.pick("mostread", self.live_stories(), 5)
        )
        return f"""<aside class="rail">
<section class="most-read" data-live="true"><h2 class="rail__title">Most read</h2><ol>{items}</ol></section>
<div class="ad-slot ad-slot--mpu"><span class="ad-slot__label">Advertisement</span><div class="ad-slot__creative">{esc(self.advert("rail"))}</div></div>
</aside>
"""

    def _newsletter(self) -> str:
        return """<section class="newsletter-signup" aria-label="Newsletter">
<h2 class="newsletter-signup__title">The Morning Ledger</h2>
<p class="newsletter-signup__text">Sign up for our free newsletter and get the day’s essential stories before breakfast.</p>
<form action="/newsletter" method="post"><input type="email" name="email" placeholder="Your email address"><button type="submit">Sign up</button></form>
</section>
"""

    def _footer(self) -> str:
        return f"""<footer class="site-footer">
<ul class="site-footer__links"><li><a href="/about">About us</a></li><li><a href="https://careers.example.com/">Careers</a></li><li><a href="https://www.example.org/privacy">Privacy</a></li>{self.partners()}</ul>
<p class="site-footer__copyright">© {self.name} {self.current_day().year}. All rights reserved.</p>
</footer>
</body>
</html>
"""

    def _byline(self, story: Story) -> str:
        names = [f'<a class="byline__author" href="/people/{slugify(a)}">{esc(a)}</a>'
                 for a in story.authors]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f'<p class="byline">By {joined}</p>'

    def _json_ld(self, story: Story) -> str:
        url = self.url(story)
        base = self.base_url
        modified = story.modified or story.published
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Organization", "@id": f"{base}/#organization", "name": self.name,
                 "url": f"{base}/", "logo": {"@type": "ImageObject", "url": f"{base}/logo.png"}},
                {"@type": "WebPage", "@id": url, "url": url, "name": story.title,
                 "breadcrumb": {"@id": f"{url}#breadcrumb"}},
                {"@type": "NewsArticle", "@id": f"{url}#article", "headline": story.title,
                 "description": story.summary, "datePublished": story.published.isoformat(),
                 "dateModified": modified.isoformat(), "articleSection": story.section,
                 "author": [{"@type": "Person", "name": a, "url": f"{base}/people/{slugify(a)}"}
                            for a in story.authors],
                 "publisher": {"@id": f"{base}/#organization"}, "mainEntityOfPage": {"@id": url},
                 "isAccessibleForFree": True, "inLanguage": "en-GB",
                 "keywords": list(story.tags)},
                {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
                    {"@type": "ListItem", "position": 2, "name": story.section,
                     "item": f"{base}/section/{slugify(story.section)}"}]},
            ],
        }
        data = json.dumps(graph, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">{data}</script>\n'

    def _meta(self, story: Story) -> str:
        url = self.url(story)
        return (
            f'<link rel="amphtml" href="{url}/amp">\n'
            f'<meta name="description" content="{esc(story.summary)}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(story.title)}">\n'
            f'<meta property="og:description" content="{esc(story.summary)}">\n'
            f'<meta property="og:url" content="{url}">\n'
            '<meta name="twitter:card" content="summary_large_image">\n'
            + self._json_ld(story)
        )

    def _body(self, story: Story, amp: bool = False) -> str:
        others = [s for s in self.live_stories() if s.id != story.id]
        related = self.pick(("readmore", story.id), others, 1)
        out = []
        for index, text in enumerate(story.paragraphs):
            out.append(f"<p>{esc(text)}</p>\n")
            if index == 1 and related and len(story.paragraphs) > 3:
                link = self.tracked(related[0], "inline")
                out.append(
                    f'<p class="read-more"><strong>Read more:</strong> '
                    f'<a href="{link}">{esc(related[0].title)}</a></p>\n'
                )
            if index == 3 and len(story.paragraphs) > 5:
                ad = esc(self.advert(("inline", story.id)))
                if amp:
                    out.append(
                        '<div class="amp-ad-wrap"><span class="ad-label">Advertisement</span>'
                        '<amp-ad width="300" height="250" type="doubleclick" '
                        f'data-slot="/1234/ledger/{self.generation}"><div fallback>{ad}</div>'
                        "</amp-ad></div>\n"
                    )
                else:
                    out.append(
                        '<div class="ad-slot ad-slot--inline" data-ad-unit="inarticle">'
                        f'<span class="ad-slot__label">Advertisement</span>'
                        f'<div class="ad-slot__creative">{ad}</div></div>\n'
                    )
        return "".join(out)

    def _dateline(self, story: Story) -> str:
        published = story.published
        modified = story.modified or published
        return (
            f'<time class="story__published" datetime="{published.isoformat()}">'
            f"{long_date(published)}, {published:%H:%M}</time>"
            f' <span class="story__updated">Updated <time datetime="{modified.isoformat()}">'
            f"{modified:%H:%M}</time></span>"
        )

    def _article_page(self, story: Story) -> str:
        url = self.url(story)
        section = slugify(story.section)
        rng = self.rng("share", story.id)
        bios = "".join(
            f'<p><a href="/people/{slugify(a)}">{esc(a)}</a> is {self.name}’s '
            f"{newsbank()['beats'][sum(map(ord, a)) % len(newsbank()['beats'])]} correspondent.</p>"
            for a in story.authors
        )
        return (
            self._head(f"{story.title} | {self.name}", url, self._meta(story), "article")
            + '<body class="page page--article">\n'
            + self._masthead()
            + f"""<main class="layout" id="main">
<article class="story" data-story-id="{story.id}">
<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/section/{section}">{esc(story.section)}</a></nav>
<h1 class="story__headline">{esc(story.title)}</h1>
<p class="story__dek">{esc(story.summary)}</p>
<div class="story__meta">{self._byline(story)}{self._dateline(story)}</div>
<div class="share-bar"><span class="share-bar__total">{rng.randint(10, 9000):,} shares</span>
<a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a>
<a href="https://twitter.com/intent/tweet?url={url}">X</a>
<a href="https://www.linkedin.com/shareArticle?url={url}">LinkedIn</a>
<span class="share-bar__comments"><a href="{self.path(story)}#comments">{rng.randint(0, 300)} comments</a></span></div>
<figure class="story__lead"><img src="/media/{story.id}/lead.jpg" alt="" width="1280" height="720"></figure>
<div class="story__body" data-component="text">
{self._body(story)}</div>
{self._newsletter()}<aside class="author-bio"><h2 class="author-bio__title">About the author</h2>{bios}</aside>
</article>
{self._rail()}</main>
"""
            + self._footer()
        )

    def _amp_page(self, story: Story) -> str:
        url = self.url(story)
        return f"""<!doctype html>
<html ⚡ lang="en-GB">
<head>
<meta charset="utf-8">
<title>{esc(story.title)} | {self.name}</title>
<link rel="canonical" href="{url}">
{self.feed_link()}<meta name="viewport" content="width=device-width">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script async custom-element="amp-ad" src="https://cdn.ampproject.org/v0/amp-ad-0.1.js"></script>
{self._json_ld(story)}<style amp-custom>body{{font-family:Georgia,serif}}</style>
</head>
<body>
<header class="amp-header"><a href="{self.base_url}/">{self.name}</a></header>
<article class="amp-story">
<h1 class="amp-story__headline">{esc(story.title)}</h1>
<p class="amp-story__dek">{esc(story.summary)}</p>
{self._byline(story)}<p class="amp-story__date">{self._dateline(story)}</p>
<div class="amp-story__body">
{self._body(story, amp=True)}</div>
</article>
<footer class="amp-footer"><a href="{url}">View the full site</a> · <a href="{self.base_url}/section/{slugify(story.section)}">More {esc(story.section)}</a></footer>
</body>
</html>
"""

    def _card(self, story: Story, source: str) -> str:
        return (
            f'<li class="story-card">'
            f'<a class="story-card__link" href="{self.tracked(story, source)}">'
            f'<h3 class="story-card__headline">{esc(story.title)}</h3></a>'
            f'<p class="story-card__dek">{esc(story.summary)}</p>'
            f'<span class="story-card__section">{esc(story.section)}</span></li>\n'
        )

    def _home(self) -> str:
        live = self.live_stories()
        top = "".join(self._card(s, "homepage") for s in live[:8])
        lite = "".join(
            f'<li><a href="{self.path(s)}/amp">{esc(s.title)}</a></li>' for s in live[:3]
        )
        notice = ""
        if not self.private.removed:
            notice = (
                f'<p class="staff-notice"><a href="{self.path(self.private)}">'
                f"{esc(self.private.title)}</a></p>\n"
            )
        return (
            self._head(f"{self.name} – Independent news", f"{self.base_url}/", kind="home")
            + '<body class="page page--home">\n'
            + self._masthead()
            + f"""<main class="layout" id="main"><div class="layout__main">
<section class="top-stories"><h2>Top stories</h2><ul class="story-list">
{top}</ul></section>
<section class="lite"><h2>Lite edition</h2><ul>{lite}</ul></section>
{notice}{self._newsletter()}</div>
{self._rail()}</main>
"""
            + self._footer()
        )

    def _listing(self, stories: list[Story], page: int, base: str, label: str) -> Response | None:
        listing = self.paginate(stories, page)
        if listing is None:
            return None

        def href(n: int) -> str:
            return base if n == 1 else f"{base}?page={n}"

        extra = ""
        pager = []
        if page > 1:
            extra += f'<link rel="prev" href="{self.base_url}{href(page - 1)}">\n'
            pager.append(f'<a class="pager__prev" rel="prev" href="{href(page - 1)}">Previous</a>')
        if listing.has_next:
            extra += f'<link rel="next" href="{self.base_url}{href(page + 1)}">\n'
            pager.append(f'<a class="pager__next" rel="next" href="{href(page + 1)}">Next</a>')
        more = ""
        if listing.has_next:
            more = (
                f'<a class="load-more" href="{href(page + 1)}" data-component="load-more">'
                "Load more</a>\n"
            )
        cards = "".join(self._card(s, "section") for s in listing.stories)
        title = f"{label} | {self.name}" + (f" | Page {page}" if page > 1 else "")
        return Response.page(
            self._head(title, f"{self.base_url}{href(page)}", extra)
            + '<body class="page page--listing">\n'
            + self._masthead()
            + f"""<main class="layout" id="main"><div class="layout__main">
<h1 class="listing__title">{esc(label)}</h1>
<ul class="story-list">
{cards}</ul>
{more}<nav class="pager" aria-label="Pages">{" ".join(pager)}</nav>
</div>
{self._rail()}</main>
"""
            + self._footer()
        )

    def _about(self) -> str:
        return (
            self._head(f"About us | {self.name}", f"{self.base_url}/about", kind="static")
            + '<body class="page page--static">\n'
            + self._masthead()
            + f"""<main class="layout" id="main"><div class="layout__main"><h1>About us</h1>
<p>{self.name} is an independent newsroom reporting on world affairs, business and politics. We are funded by our readers and never by the people we write about.</p>
<p>Our journalists follow a published code of practice. When we get something wrong we say so, and we correct it as quickly as we can.</p>
</div></main>
"""
            + self._footer()
        )

    def not_found(self) -> str:
        return (
            self._head(f"Page not found | {self.name}", f"{self.base_url}/", kind="error")
            + '<body class="page page--error">\n'
            + self._masthead()
            + '<main class="layout" id="main"><h1>Sorry, we couldn’t find that page</h1>'
            "<p>It may have been moved or deleted.</p></main>\n"
            + self._footer()
        )


# A real page, as a naive scraper saw it
