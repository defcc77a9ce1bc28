"""The "digest" theme: a WordPress news site, modelled on a real news page."""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crawler.demo.site.base import NewsSite
from crawler.demo.site.responses import Response
from crawler.demo.site.seed import SeedPage
from crawler.demo.site.stories import BST, Listing, Story, esc, long_date, slugify


class DigestSite(NewsSite):
    """A WordPress news site: date bar, read time, post navigation, teasers, widgets."""

    theme = "digest"
    name = "The Daily Digest"
    default_sections = ("Top News", "Business", "Regions")
    first_id = 5102
    id_step = 3
    newest = datetime(2025, 10, 5, 18, 30, tzinfo=BST)
    feed_path = "/feed/"
    sitemap_index_path = "/sitemap_index.xml"
    sitemap_path = "/post-sitemap{n}.xml"
    news_sitemap_path = "/news-sitemap.xml"

    def __init__(self, count: int = 16, seed: int = 1, per_page: int = 5, **options: Any) -> None:
        super().__init__(count, seed, per_page, **options)
        # One story says it is no article (og:type website, no article:*), one has no metadata.
        if count > 3:
            self.stories[3].metadata = "website"
        if count > 7:
            self.stories[7].metadata = "none"

    def path(self, story: Story, slug: str | None = None) -> str:
        """/YYYY/MM/DD/slug/, or /private/slug/ for a private story."""
        slug = slug or story.slug
        if story.private:
            return f"/private/{slug}/"
        return f"/{story.published:%Y/%m/%d}/{slug}/"

    def add_seed(self, seed: SeedPage) -> Story:
        """Add the story of a real page, with its modules' stories, as the seed shows them."""
        published = datetime.combine(seed.published, datetime.min.time(), BST).replace(hour=10)
        if seed.section not in self.sections:
            self.sections.append(seed.section)
        self.today = seed.today

        def teaser(title: str, text: str, when: datetime, section: str) -> Story:
            return self.add_story(
                title=title, teaser=text or None, published=when, section=section
            )

        previous = teaser(seed.previous, "", published - timedelta(hours=5), seed.section)
        following = teaser(seed.next, "", published + timedelta(hours=4), seed.section)
        latest = [
            teaser(t, x, published + timedelta(days=40, hours=i), seed.section)
            for i, (t, x) in enumerate(seed.latest)
        ]
        other = next(s for s in self.sections if s != seed.section)
        dont_miss = [
            teaser(t, x, published - timedelta(days=30, hours=i), other)
            for i, (t, x) in enumerate(seed.dont_miss)
        ]
        return self.add_story(
            title=seed.title,
            summary=seed.summary,
            paragraphs=list(seed.paragraphs),
            section=seed.section,
            published=published,
            modified=published + timedelta(minutes=20),
            related={
                "previous": [previous.id],
                "next": [following.id],
                "latest": [s.id for s in latest],
                "dont_miss": [s.id for s in dont_miss],
            },
        )

    # Hooks: what a heavier variant of the theme adds to every page; nothing here

    def head_extra(self) -> str:
        """Markup at the end of every page's head."""
        return ""

    def masthead_extra(self) -> str:
        """Markup at the end of the site header (menus, bars)."""
        return ""

    def sidebar_extra(self) -> str:
        """Widgets at the end of the sidebar."""
        return ""

    def footer_extra(self) -> str:
        """Markup at the end of the body, after the footer."""
        return ""

    def after_article(self, story: Story) -> str:
        """Markup after a story's modules, inside its main column (comments)."""
        return ""

    # Routes

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        if path == "/" and "p" in query:
            return self._shortlink(query["p"])
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            return Response.redirect(self.base_url + path + "/")  # WordPress adds the slash
        parts = [p for p in path.split("/") if p]
        page = 1
        if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
            page = int(parts[-1])
            parts = parts[:-2]
            if page == 1:
                return Response.redirect(self.base_url + "/" + "".join(p + "/" for p in parts))
        match parts:
            case []:
                return self._listing(self.live_stories(), page, "/", "home blog", None)
            case ["category", slug] if self.in_section(slug):
                stories = self.in_section(slug)
                title = f"Category: <span>{esc(stories[0].section)}</span>"
                return self._listing(stories, page, f"/category/{slug}/", "archive category", title)
            case ["tag", slug] if self.tagged(slug):
                stories = self.tagged(slug)
                label = next(t for t in stories[0].tags if slugify(t) == slug)
                title = f"Tag: <span>{esc(label)}</span>"
                return self._listing(stories, page, f"/tag/{slug}/", "archive tag", title)
            case ["author", slug] if self.by_author(slug):
                stories = self.by_author(slug)
                name = next(a for a in stories[0].authors if slugify(a) == slug)
                title = f"Author: <span>{esc(name)}</span>"
                return self._listing(stories, page, f"/author/{slug}/", "archive author", title)
            case _ if page != 1:
                return None
            case ["about-us"]:
                return Response.page(self._about())
            case ["wp-login.php"]:
                return Response.page(self._login())
            case ["private", slug] | [_, _, _, slug]:
                return self._article(path, slug)
        return None

    def _shortlink(self, post_id: str) -> Response | None:
        story = self.index().by_id.get(int(post_id)) if post_id.isdigit() else None
        if story is None or story.removed:
            return None
        return Response.redirect(self.url(story))

    def _article(self, path: str, slug: str) -> Response | None:
        index = self.index()
        if story := index.by_path.get(path):
            return self.article_response(story, self._article_page(story))
        if story := index.by_old_path.get(path):
            return Response.redirect(self.url(story))
        return None

    # Page parts

    def _head(self, title: str, extra: str = "") -> str:
        rng = self.rng("head")
        return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{extra}{self.feed_link()}<link rel="stylesheet" id="digest-style-css" href="/wp-content/themes/digest/style.css?ver=6.{self.generation}" media="all">
<script id="digest-js-extra">var digestVars = {{"ajaxurl":"\\/wp-admin\\/admin-ajax.php","nonce":"{rng.getrandbits(40):010x}"}};</script>
{self.head_extra()}</head>
"""

    def _top(self, body_class: str) -> str:
        nav = "".join(
            f'<li class="menu-item"><a href="/category/{slugify(s)}/">{esc(s)}</a></li>'
            for s in self.sections
        )
        return f"""<body class="{body_class} wp-theme-digest">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<div class="top-bar"><div class="container">
<div class="date-bar"><span class="today">Today: {long_date(self.current_day())}</span></div>
<ul class="social-links"><li><a href="https://www.facebook.com/dailydigest" rel="noopener">Facebook</a></li><li><a href="https://twitter.com/dailydigest" rel="noopener">X</a></li></ul>
</div></div>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="/" rel="home">{self.name}</a></p>
<p class="site-description">News, views and analysis</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item current-menu-item"><a href="/">Home</a></li>{nav}</ul></nav>
{self.masthead_extra()}</header>
<div id="content" class="site-content"><div class="container">
"""

    def _sidebar(self) -> str:
        index = self.index()
        live = index.live
        recent = "".join(
            f'<li><a href="{self.path(s)}">{esc(s.title)}</a></li>' for s in live[:5]
        )
        trending = "".join(
            f'<li><a href="/?p={s.id}">{esc(s.title)}</a> <span class="views">'
            f"{self.rng('views', s.id).randint(200, 9000):,} views</span></li>"
            for s in self.pick("trending", live, 4)
        )
        categories = "".join(
            f'<li class="cat-item"><a href="/category/{slugify(s)}/">{esc(s)}</a> '
            f"({len(index.by_section[slugify(s)])})</li>"
            for s in self.sections
            if index.by_section.get(slugify(s))
        )
        cloud = " ".join(
            f'<a href="/tag/{slugify(t)}/" class="tag-cloud-link">{esc(t)}</a>' for t in index.tags
        )
        return f"""<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search …" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
<section id="trending-3" class="widget widget_trending"><h2 class="widget-title">Trending Now</h2><ul>{trending}</ul></section>
<section id="text-4" class="widget widget_text"><div class="textwidget ad-widget"><span class="ad-label">Advertisement</span><p class="ad-copy">{esc(self.advert("sidebar"))}</p></div></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{categories}</ul></section>
<section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">{cloud}</div></section>
<section id="meta-2" class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul><li><a href="/wp-login.php">Log in</a></li><li><a href="https://wordpress.org/">WordPress.org</a></li></ul></section>
{self.sidebar_extra()}</aside>
"""

    def _bottom(self) -> str:
        return f"""</div></div>
<footer id="colophon" class="site-footer"><div class="container">
<nav class="footer-navigation"><ul><li><a href="/about-us/">About us</a></li><li><a href="https://www.example.org/advertise">Advertise with us</a></li>{self.partners()}</ul></nav>
<div class="site-info">© {self.current_day().year} {self.name}. All rights reserved. <a href="https://wordpress.org/">Proudly powered by WordPress</a></div>
</div></footer>
</div>
<script src="/wp-content/themes/digest/js/navigation.js?ver=6.{self.generation}" id="digest-navigation-js"></script>
{self.footer_extra()}</body>
</html>
"""

    def _byline(self, story: Story) -> str:
        links = " and ".join(
            f'<span class="author vcard"><a class="url fn n" href="/author/{slugify(a)}/">'
            f"{esc(a)}</a></span>"
            for a in story.authors
        )
        return f'<span class="byline"> by {links}</span>'

    def _time(self, story: Story) -> str:
        modified = story.modified or story.published
        return (
            f'<span class="posted-on"><time class="entry-date published" '
            f'datetime="{story.published.isoformat()}">{long_date(story.published)}</time>'
            f'<time class="updated" datetime="{modified.isoformat()}">'
            f"{long_date(modified)}</time></span>"
        )

    def _teaser(self, story: Story, heading: str = "h3") -> str:
        return (
            f'<article class="post-{story.id} post type-post hentry teaser">'
            f'<{heading} class="entry-title"><a href="{self.path(story)}" rel="bookmark">'
            f"{esc(story.title)}</a></{heading}>"
            f'<div class="entry-summary"><p>{esc(story.excerpt)}</p></div></article>\n'
        )

    def _paragraphs(self, story: Story) -> str:
        org = next((t for t in story.tags[1:] if t), None)
        out = []
        linked = False
        for index, text in enumerate(story.paragraphs):
            markup = esc(text)
            if org and not linked and esc(org) in markup:
                anchor = f'<a href="/tag/{slugify(org)}/">{esc(org)}</a>'
                markup = markup.replace(esc(org), anchor, 1)
                linked = True
            elif index == 0 and ". " in text:
                first, rest = text.split(". ", 1)
                markup = f"<strong>{esc(first)}.</strong> {esc(rest)}"
            out.append(f"<p>{markup}</p>\n")
            if index == 2:
                out.append(
                    '<div class="code-block code-block-2" style="margin: 8px auto;">'
                    '<span class="ad-label">Advertisement</span>'
                    f'<ins class="adsbygoogle" data-ad-slot="{self.rng("slot").getrandbits(30)}">'
                    f'</ins><p class="ad-copy">{esc(self.advert(("inline", story.id)))}</p>'
                    "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>\n"
                )
        return "".join(out)

    def _meta(self, story: Story) -> str:
        url = self.url(story)
        lines = [
            f'<link rel="canonical" href="{url}">',
            f'<link rel="shortlink" href="{self.base_url}/?p={story.id}">',
        ]
        if story.metadata != "none":
            kind = "article" if story.metadata == "full" else "website"
            lines += [
                f'<meta name="description" content="{esc(story.summary)}">',
                '<meta property="og:locale" content="en_GB">',
                f'<meta property="og:type" content="{kind}">',
                f'<meta property="og:title" content="{esc(story.title)}">',
                f'<meta property="og:description" content="{esc(story.summary)}">',
                f'<meta property="og:url" content="{url}">',
                f'<meta property="og:site_name" content="{self.name}">',
            ]
        if story.metadata == "full":
            modified = story.modified or story.published
            lines += [
                f'<meta property="article:published_time" content="{story.published.isoformat()}">',
                f'<meta property="article:modified_time" content="{modified.isoformat()}">',
                f'<meta property="article:section" content="{esc(story.section)}">',
                *(f'<meta property="article:tag" content="{esc(t)}">' for t in story.tags),
                f'<meta name="author" content="{esc(", ".join(story.authors))}">',
            ]
        return "\n".join(lines) + "\n"

    def _neighbours(self, story: Story) -> tuple[Story | None, Story | None]:
        index = self.index()
        place = index.position.get(story.id)
        if place is None:  # not public: neighbours by date among the public stories
            ordered = index.live[::-1]
            older = [s for s in ordered if s.published <= story.published][-1:]
            newer = [s for s in ordered if s.published > story.published][:1]
        else:
            older = index.live[place + 1 : place + 2]
            newer = index.live[max(0, place - 1) : place]
        previous = self.fixed(story, "previous") or older or [None]
        following = self.fixed(story, "next") or newer or [None]
        return previous[0], following[0]

    def _article_page(self, story: Story) -> str:
        section = slugify(story.section)
        previous, following = self._neighbours(story)
        nav = ""
        if previous:
            nav += (
                f'<div class="nav-previous"><a href="{self.path(previous)}" rel="prev">'
                f'<span class="nav-subtitle">Previous Story</span> '
                f'<span class="nav-title">{esc(previous.title)}</span></a></div>'
            )
        if following:
            nav += (
                f'<div class="nav-next"><a href="{self.path(following)}" rel="next">'
                f'<span class="nav-subtitle">Next Story</span> '
                f'<span class="nav-title">{esc(following.title)}</span></a></div>'
            )
        index = self.index()
        section_stories = index.by_section.get(section, [])
        same = [s for s in section_stories[:9] if s.id != story.id][:8]
        # The other sections' stories in date order: the live list without this section.
        rest = [s for s in index.live if s.section != story.section]
        candidates = (same + rest)[:8]  # the section first, topped up when it has too few
        latest = self.fixed(story, "latest") or self.pick(("latest", story.id), candidates, 5)
        dont_miss = self.fixed(story, "dont_miss") or self.pick(("miss", story.id), rest, 2)
        tags = ", ".join(
            f'<a href="/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in story.tags
        )
        url = self.url(story)
        shares = self.rng("shares", story.id).randint(3, 900)
        post_class = (
            f"post-{story.id} post type-post status-publish format-standard has-post-thumbnail "
            f"hentry category-{section}"
        )
        return (
            self._head(f"{story.title} – {self.name}", self._meta(story))
            + self._top(f"post-template-default single single-post postid-{story.id} "
                        "single-format-standard")
            + f"""<main id="primary" class="site-main">
<article id="post-{story.id}" class="{post_class}">
<header class="entry-header">
<div class="cat-links"><a href="/category/{section}/" rel="category tag">{esc(story.section)}</a></div>
<h1 class="entry-title">{esc(story.title)}</h1>
<div class="entry-meta">{self._time(story)}{self._byline(story)} <span class="read-time">{self.read_minutes(story)} mins read</span></div>
<div class="entry-subtitle"><p>{esc(story.summary)}</p></div>
</header>
<figure class="post-thumbnail"><img width="1200" height="675" src="/wp-content/uploads/{story.published:%Y/%m}/{story.slug}.jpg" alt=""></figure>
<div class="entry-content">
{self._paragraphs(story)}<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>
<li><a class="share-twitter" href="https://twitter.com/intent/tweet?url={url}">X</a></li>
<li><a class="share-facebook" href="https://www.facebook.com/sharer.php?u={url}">Facebook <span class="share-count">{shares}</span></a></li>
<li><a class="share-email" href="mailto:?subject={esc(story.title)}">Email</a></li></ul></div>
</div>
<footer class="entry-footer"><span class="tags-links">Tags: {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">{nav}</div></nav>
<section class="latest-from related-posts"><h3 class="block-title">Latest from -<a href="/category/{section}/">{esc(story.section)}</a></h3>
{"".join(self._teaser(s, "h4") for s in latest)}</section>
<a href="#page" class="go-to-top"><span>Go to</span><span>Top</span></a>
<section class="dont-miss"><h3 class="block-title">Don't Miss</h3>
{"".join(self._teaser(s, "h4") for s in dont_miss)}</section>
{self.after_article(story)}</main>
"""
            + self._sidebar()
            + self._bottom()
        )

    def _pagination(self, listing: Listing, base: str) -> str:
        def href(n: int) -> str:
            return base if n == 1 else f"{base}page/{n}/"

        links = []
        if listing.page > 1:
            previous = href(listing.page - 1)
            links.append(f'<a class="prev page-numbers" href="{previous}">Previous</a>')
        # WordPress's paginate_links(): the first and last page, two either side of this one.
        last = max(listing.pages, listing.page)
        shown = sorted({1, last, *range(max(1, listing.page - 2), min(last, listing.page + 2) + 1)})
        for before, n in zip([0, *shown], shown, strict=False):
            if n > before + 1:
                links.append('<span class="page-numbers dots">&hellip;</span>')
            if n == listing.page:
                links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            else:
                links.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
        if listing.has_next:
            links.append(f'<a class="next page-numbers" href="{href(listing.page + 1)}">Next</a>')
        return (
            '<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">'
            f'Posts navigation</h2><div class="nav-links">{" ".join(links)}</div></nav>\n'
        )

    def _listing(
        self, stories: list[Story], page: int, base: str, kind: str, heading: str | None
    ) -> Response | None:
        listing = self.paginate(stories, page)
        if listing is None:
            return None
        extra = f'<link rel="canonical" href="{self.base_url}{base}">\n'
        if listing.has_next:
            extra += f'<link rel="next" href="{self.base_url}{base}page/{page + 1}/">\n'
        breaking = ""
        if base == "/" and page == 1 and not self.private.removed:
            breaking = (
                '<div class="breaking-news"><span class="label">Breaking</span> '
                f'<a href="{self.path(self.private)}">{esc(self.private.title)}</a></div>\n'
            )
        items = "".join(
            f'<article id="post-{s.id}" class="post-{s.id} post type-post status-publish hentry">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{self.path(s)}" '
            f'rel="bookmark">{esc(s.title)}</a></h2><div class="entry-meta">{self._time(s)}'
            f"{self._byline(s)}</div></header>"
            f'<div class="entry-summary"><p>{esc(s.excerpt)} […]</p></div>'
            f'<a class="more-link" href="{self.path(s)}">Continue reading</a></article>\n'
            for s in listing.stories
        )
        header = (
            f'<header class="page-header"><h1 class="page-title">{heading}</h1></header>\n'
            if heading
            else ""
        )
        paged = f" paged paged-{page}" if page > 1 else ""
        title = f"{self.name} – News, views and analysis"
        return Response.page(
            self._head(title if page == 1 else f"{title} – Page {page}", extra)
            + self._top(f"{kind}{paged}")
            + f'<main id="primary" class="site-main">\n{breaking}{header}{items}'
            + self._pagination(listing, base)
            + "</main>\n"
            + self._sidebar()
            + self._bottom()
        )

    def _about(self) -> str:
        return (
            self._head(f"About us – {self.name}")
            + self._top("page-template-default page")
            + f"""<main id="primary" class="site-main"><article class="page type-page hentry">
<header class="entry-header"><h1 class="entry-title">About us</h1></header>
<div class="entry-content">
<p>{self.name} is an independent news website covering politics, business and sport across the country and the wider region. It was founded by a small group of journalists who wanted to provide clear, accurate and timely reporting.</p>
<p>Our reporters work from offices in several cities and contribute stories every day. We correct our mistakes promptly and publish corrections at the foot of the article concerned.</p>
<p>To contact the newsroom, please write to the editor. We welcome tips, corrections and letters from readers, and we read every message we receive.</p>
</div></article></main>
"""
            + self._sidebar()
            + self._bottom()
        )

    def _login(self) -> str:
        return (
            self._head(f"Log In ‹ {self.name} — WordPress")
            + '<body class="login"><div id="login"><form name="loginform" id="loginform" '
            'action="/wp-login.php" method="post"><label>Username or Email Address '
            '<input type="text" name="log"></label><label>Password <input type="password" '
            'name="pwd"></label><input type="submit" value="Log In"></form></div></body></html>\n'
        )

    def not_found(self) -> str:
        return (
            self._head(f"Page not found – {self.name}")
            + self._top("error404")
            + '<main id="primary" class="site-main"><section class="error-404 not-found">'
            '<header class="page-header"><h1 class="page-title">Oops! That page can’t be found.'
            "</h1></header><div class=\"page-content\"><p>It looks like nothing was found at this "
            "location. Maybe try one of the links below or a search?</p></div></section></main>\n"
            + self._sidebar()
            + self._bottom()
        )
