"""A heavy variant of the digest theme: a real news site's weight, for the crawl benchmark.

Stories of 5-15 KB of text with readers' comments under them; pages of 60-120 KB with inline
critical CSS, ad and analytics tags, a mega menu, more sidebar widgets and a fat footer. It only
fills the digest theme's hooks, so its stories and routes are the digest theme's.
"""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from typing import Any

from crawler.demo.site.digest import DigestSite
from crawler.demo.site.stories import Story, esc, long_date, newsbank, slugify

EXTRA_STRIDE = 1_000_003  # story indexes whose paragraphs lengthen a story, far from real ones
COMMENT_STRIDE = 7_000_001  # story indexes whose paragraphs are readers' comments


def _minified_css() -> str:
    """A theme's inline critical CSS: about 14 KB of rules."""
    rng = random.Random("bench:css")
    blocks = ("site-header", "main-navigation", "menu-item", "mega-menu", "trending-bar",
              "entry-header", "entry-meta", "entry-content", "post-thumbnail", "sharedaddy",
              "widget", "widget-title", "popular-posts", "tabs", "editors-picks", "poll",
              "weather", "follow-counts", "comments-area", "comment-body", "comment-meta",
              "comment-respond", "site-footer", "footer-widgets", "cookie-notice", "go-to-top",
              "pagination", "page-numbers", "related-posts", "dont-miss", "video-widget")
    states = ("", ":hover", " a", " h2", " ul li")
    props = ("color:#{:06x}", "background:#{:06x}", "padding:{}px {}px", "margin:0 0 {}px",
             "font-size:{}px", "line-height:1.{}", "border-bottom:{}px solid #{:06x}",
             "letter-spacing:.0{}em", "max-width:{}px", "transition:opacity .{}s ease")
    rules = []
    for block in blocks:
        for state in states:
            chosen = rng.sample(props, 3)
            body = ";".join(p.format(*(rng.randint(1, 0xFFFFFF) if "06x" in p and i else
                                       rng.randint(2, 40) for i in range(p.count("{")))
                                     ) for p in chosen)
            rules.append(f".{block}{state}{{{body}}}")
    return "".join(rules) + "@media (max-width:782px){" + "".join(rules[:40]) + "}"


def _svg_sprite() -> str:
    """An inline SVG icon sprite, as block themes put at the end of the body."""
    rng = random.Random("bench:svg")
    icons = ("facebook", "x", "linkedin", "whatsapp", "email", "print", "search", "menu",
             "close", "chevron-left", "chevron-right", "clock", "comment", "user", "play",
             "rss", "instagram", "youtube", "tiktok", "telegram", "bookmark", "share")
    symbols = []
    for icon in icons:
        points = " ".join(f"{rng.uniform(0, 24):.2f},{rng.uniform(0, 24):.2f}" for _ in range(28))
        symbols.append(f'<symbol id="icon-{icon}" viewBox="0 0 24 24"><path d="M{points}Z"></path></symbol>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" style="display:none">{"".join(symbols)}</svg>\n'


def _lazyload_js() -> str:
    """A minified lazy-loading and analytics script, about 5 KB."""
    rng = random.Random("bench:js")
    names = ["e", "t", "n", "r", "o", "i", "a", "s", "c", "l", "u", "d"]
    parts = []
    for n in range(70):
        a, b, c = rng.sample(names, 3)
        parts.append(f"function _{n:x}({a},{b}){{var {c}={a}.getAttribute('data-src-{n}')||{b};"
                     f"return {c}&&{a}.classList.add('lazy-{n % 7}'),{c}}}")
    return ";".join(parts)


CRITICAL_CSS = _minified_css()
SVG_SPRITE = _svg_sprite()
LAZYLOAD_JS = _lazyload_js()
CONSENT_VENDORS = json.dumps({
    "version": 3, "purposes": list(range(1, 12)),
    "vendors": [{"id": n, "name": f"Ad partner {n}",
                 "purposes": [1, 2, 3, 4, 7, 9, 10][: n % 7 + 1],
                 "cookieMaxAgeSeconds": 86400 * (n % 400 + 1)} for n in range(1, 40)],
}, separators=(",", ":"))
EMOJI_SETTINGS = ('window._wpemojiSettings = {"baseUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/72x72\\/",'
                  '"ext":".png","svgUrl":"https:\\/\\/s.w.org\\/images\\/core\\/emoji\\/15.0.3\\/svg\\/","svgExt":".svg",'
                  '"source":{"concatemoji":"\\/wp-includes\\/js\\/wp-emoji-release.min.js?ver=6.6.2"}};\n'
                  + "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};"
                  "sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,e.canvas.width,"
                  "e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,"
                  "e.canvas.height).data),r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),"
                  "new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data));return t.every(function(e,t){"
                  "return e===r[t]})}}(window,document);")


class HeavySite(DigestSite):
    """The digest theme at a real site's weight: long stories, comments, heavy head and widgets.

    Its random sources keep the "bench:" keys they had in the benchmark, so its pages are the
    ones the benchmark's earlier figures were measured on.
    """

    def __init__(self, count: int = 16, seed: int = 1, per_page: int = 10,
                 story_chars: tuple[int, int] = (5000, 15000), **options: Any) -> None:
        self.story_chars = story_chars  # read by finish_story(), which the parent's __init__ calls
        super().__init__(count, seed, per_page, **options)

    # Stories: 5-15 KB of text, comments under them

    def finish_story(self, story: Story, index: int) -> None:
        """Add paragraphs of other written stories until the text is 5-15 KB long."""
        target = random.Random(f"bench:{self.seed}:length:{index}").randint(*self.story_chars)
        size = len(story.body)
        # A story never repeats a sentence, as the templates' fixed sentences would.
        seen = {s for p in story.paragraphs for s in p.split(". ")}
        for extra in range(1, 400):
            if size >= target:
                break
            for paragraph in self.writer.write(index + extra * EXTRA_STRIDE)["paragraphs"]:
                sentences = paragraph.split(". ")
                if size >= target or seen.intersection(sentences):
                    continue
                seen.update(sentences)
                story.paragraphs.append(paragraph)
                size += len(paragraph) + 2

    def after_article(self, story: Story) -> str:
        """Readers' comments and the reply form; fixed per story, they never churn."""
        rng = random.Random(f"bench:{self.seed}:comments:{story.id}")  # fixed: comments never churn
        bank = newsbank()
        items = []
        for n in range(rng.randint(0, 16)):
            name = f"{rng.choice(bank['officials']).split()[0]} from {rng.choice(bank['cities'])}"
            paragraph = self.writer.write(COMMENT_STRIDE + story.id * 31 + n)["paragraphs"][0]
            text = ". ".join(paragraph.split(". ")[:2]).rstrip(".") + "."
            when = story.published.replace(minute=n % 60)
            items.append(
                f'<li id="comment-{story.id}{n:02d}" class="comment even thread-even depth-1">'
                f'<article class="comment-body"><footer class="comment-meta"><div class="comment-author vcard">'
                f'<img alt="" src="/avatar/{rng.getrandbits(32):08x}?s=64" class="avatar avatar-64" height="64" width="64">'
                f'<b class="fn">{esc(name)}</b> <span class="says">says:</span></div>'
                f'<div class="comment-metadata"><a href="{self.path(story)}#comment-{story.id}{n:02d}">'
                f'<time datetime="{when.isoformat()}">{long_date(when)} at {when:%H:%M}</time></a></div></footer>'
                f'<div class="comment-content"><p>{esc(text)}</p></div>'
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#respond" '
                f'data-commentid="{story.id}{n:02d}">Reply</a></div></article></li>\n'
            )
        return (
            f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(items)} thoughts on '
            f'&ldquo;{esc(story.title)}&rdquo;</h2>\n<ol class="comment-list">\n{"".join(items)}</ol>\n'
            '<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>'
            '<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
            '<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>'
            '<p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>'
            '<p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" type="text" size="30" required></p>'
            '<p class="comment-form-email"><label for="email">Email *</label><input id="email" name="email" type="email" size="30" required></p>'
            '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p>'
            '</form></div></div>\n'
        )

    # Page parts: a heavy head, a mega menu, more widgets, a fat footer

    def head_extra(self) -> str:
        """Preconnects, critical CSS, emoji and consent settings, the ad and analytics tags."""
        rng = self.rng("bench-head")
        slots = "".join(
            f"googletag.defineSlot('/21775744923/digest/{name}',[[{w},{h}]],'div-gpt-ad-{name}')"
            f".setTargeting('pos','{name}').setTargeting('refresh','{rng.randint(0, 9)}').addService(googletag.pubads());"
            for name, w, h in (("leaderboard", 728, 90), ("mpu-1", 300, 250), ("mpu-2", 300, 250),
                               ("halfpage", 300, 600), ("inarticle-1", 300, 250),
                               ("inarticle-2", 300, 250), ("skin", 1, 1), ("footer", 970, 250))
        )
        heavy = (
            '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>\n'
            '<link rel="preconnect" href="https://securepubads.g.doubleclick.net">\n'
            '<link rel="dns-prefetch" href="//www.googletagmanager.com">\n'
            f'<link rel="preload" href="/wp-content/themes/digest/fonts/merriweather.woff2?ver=6.{self.generation}" as="font" type="font/woff2" crossorigin>\n'
            f'<style id="digest-critical-css">{CRITICAL_CSS}</style>\n'
            f"<script>{EMOJI_SETTINGS}</script>\n"
            f'<script id="consent-config" type="application/json">{CONSENT_VENDORS}</script>\n'
            "<script async src=\"https://securepubads.g.doubleclick.net/tag/js/gpt.js\"></script>\n"
            f"<script>window.googletag=window.googletag||{{cmd:[]}};googletag.cmd.push(function(){{{slots}"
            f"googletag.pubads().setTargeting('ab','{rng.choice('ABCD')}');googletag.enableServices();}});</script>\n"
            f"<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-{rng.getrandbits(32):08X}\"></script>\n"
        )
        return heavy

    def masthead_extra(self) -> str:
        """A mega menu of every section's stories and tags, and a trending bar."""
        index = self.index()
        columns = []
        for section in self.sections:
            slug = slugify(section)
            featured = "".join(
                f'<li class="mega-menu__story"><a href="{self.path(s)}"><img src="/wp-content/uploads/{s.published:%Y/%m}/{s.slug}-150x100.jpg" '
                f'width="150" height="100" alt="" loading="lazy"><span>{esc(s.title)}</span></a></li>'
                for s in index.by_section.get(slug, [])[:4]
            )
            tags = "".join(
                f'<li><a href="/tag/{slugify(t)}/">{esc(t)}</a></li>'
                for t in {t: None for s in index.by_section.get(slug, [])[:12] for t in s.tags}
            )
            columns.append(
                f'<div class="mega-menu__column"><h3 class="mega-menu__title"><a href="/category/{slug}/">{esc(section)}</a></h3>'
                f'<ul class="mega-menu__tags">{tags}</ul><ul class="mega-menu__stories">{featured}</ul></div>'
            )
        trending = "".join(
            f'<li><a href="{self.path(s)}">{esc(s.title)}</a></li>'
            for s in self.pick("bar", index.live, 6)
        )
        return (
            f'<div class="mega-menu" aria-hidden="true">{"".join(columns)}</div>\n'
            f'<div class="trending-bar"><span class="trending-bar__label">Trending</span><ul>{trending}</ul></div>\n'
        )

    def sidebar_extra(self) -> str:
        """Popular posts, editor's picks, archives, video, poll, follow counts, weather."""
        index = self.index()
        live = index.live

        def thumbs(stories: list[Story], note: str) -> str:
            return "".join(
                f'<li class="popular-posts__item"><a href="{self.path(s)}"><img src="/wp-content/uploads/{s.published:%Y/%m}/{s.slug}-100x70.jpg" '
                f'width="100" height="70" alt="" loading="lazy"></a><div class="popular-posts__text">'
                f'<a href="{self.path(s)}">{esc(s.title)}</a><span class="popular-posts__meta">{long_date(s.published)} · '
                f"{self.rng(note, s.id).randint(3, 9000):,} {note}</span></div></li>"
                for s in stories
            )

        picks = "".join(
            f'<article class="editors-picks__item"><h3><a href="{self.path(s)}">{esc(s.title)}</a></h3>'
            f"<p>{esc(s.excerpt)}</p></article>"
            for s in self.pick("editors", live, 5)
        )
        months = "".join(
            f'<option value="/{(self.today.year * 12 + self.today.month - 1 - n) // 12}/'
            f'{(self.today.month - 1 - n) % 12 + 1:02d}/">{newsbank()["months"][n % 8]} '
            f"{(self.today.year * 12 + self.today.month - 1 - n) // 12}</option>"
            for n in range(36)
        )
        rng = self.rng("widgets")
        return f"""<section id="popular-2" class="widget widget_popular_posts"><div class="tabs"><button class="tabs__tab is-active">Most viewed</button><button class="tabs__tab">Most commented</button></div>
<ul class="popular-posts popular-posts--viewed">{thumbs(self.pick("viewed", live, 8), "views")}</ul>
<ul class="popular-posts popular-posts--commented" hidden>{thumbs(self.pick("commented", live, 8), "comments")}</ul></section>
<section id="editors-3" class="widget widget_editors_picks"><h2 class="widget-title">Editor's Picks</h2><div class="editors-picks">{picks}</div></section>
<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><select name="archive-dropdown" onchange="document.location.href=this.options[this.selectedIndex].value;"><option value="">Select Month</option>{months}</select></section>
<section id="video-2" class="widget widget_video"><h2 class="widget-title">Watch</h2><div class="video-widget"><iframe loading="lazy" width="300" height="169" src="https://www.youtube-nocookie.com/embed/{rng.getrandbits(40):010x}?rel=0" title="Video" allow="accelerometer; encrypted-media; picture-in-picture" allowfullscreen></iframe></div></section>
<section id="poll-2" class="widget widget_poll"><h2 class="widget-title">Poll</h2><form class="poll" action="/wp-admin/admin-ajax.php" method="post"><p class="poll__question">Should the council raise parking charges?</p>
<label><input type="radio" name="poll" value="1"> Yes <span class="poll__votes">{rng.randint(10, 900)} votes</span></label><label><input type="radio" name="poll" value="2"> No <span class="poll__votes">{rng.randint(10, 900)} votes</span></label><label><input type="radio" name="poll" value="3"> Not sure <span class="poll__votes">{rng.randint(10, 900)} votes</span></label><button type="submit">Vote</button></form></section>
<section id="follow-2" class="widget widget_follow"><h2 class="widget-title">Follow us</h2><ul class="follow-counts"><li><a href="https://www.facebook.com/dailydigest"><svg class="icon"><use href="#icon-facebook"></use></svg> {rng.randint(10000, 90000):,} fans</a></li><li><a href="https://twitter.com/dailydigest"><svg class="icon"><use href="#icon-x"></use></svg> {rng.randint(5000, 40000):,} followers</a></li><li><a href="https://www.youtube.com/@dailydigest"><svg class="icon"><use href="#icon-youtube"></use></svg> {rng.randint(1000, 9000):,} subscribers</a></li></ul></section>
<section id="weather-2" class="widget widget_weather"><h2 class="widget-title">Weather</h2><div class="weather" data-city="London"><span class="weather__temp">{rng.randint(4, 24)}°C</span> <span class="weather__sky">{rng.choice(("Sunny", "Cloudy", "Light rain", "Showers"))}</span></div></section>
<section id="newsletter-2" class="widget widget_newsletter"><h2 class="widget-title">Newsletter</h2><form action="https://digest.us1.list-manage.com/subscribe/post" method="post"><p>Sign up for our free newsletter: the day's top stories every morning.</p><input type="email" name="EMAIL" placeholder="Email address" required><input type="submit" value="Subscribe"></form></section>
"""

    def footer_extra(self) -> str:
        """Footer widgets, a cookie notice, the icon sprite and the scripts."""
        index = self.index()
        sections = "".join(f'<li><a href="/category/{slugify(s)}/">{esc(s)}</a></li>'
                           for s in self.sections)
        tags = "".join(f'<li><a href="/tag/{slugify(t)}/">{esc(t)}</a></li>' for t in index.tags)
        rng = self.rng("bench-foot")
        return f"""<div class="footer-widgets"><div class="footer-widgets__column"><h2>Sections</h2><ul>{sections}</ul></div>
<div class="footer-widgets__column"><h2>Topics</h2><ul class="footer-tags">{tags}</ul></div>
<div class="footer-widgets__column"><h2>The Daily Digest</h2><ul><li><a href="/about-us/">About us</a></li><li><a href="https://www.example.org/contact">Contact</a></li><li><a href="https://www.example.org/corrections">Corrections</a></li><li><a href="https://www.example.org/privacy">Privacy policy</a></li><li><a href="https://www.example.org/terms">Terms of use</a></li><li><a href="https://www.example.org/jobs">Work with us</a></li></ul></div></div>
<div id="cookie-notice" class="cookie-notice" role="dialog" aria-live="polite" hidden><p class="cookie-notice__text">We and our {rng.randint(120, 180)} partners use cookies and similar technologies to personalise content and ads, to provide social media features and to analyse our traffic.</p><button class="cookie-notice__accept">Accept all</button><button class="cookie-notice__settings">Manage preferences</button></div>
{SVG_SPRITE}<script id="digest-lazyload-js">{LAZYLOAD_JS}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());gtag('config','G-{rng.getrandbits(32):08X}',{{"content_group":"news","page_build":"{rng.getrandbits(48):012x}"}});</script>
"""

    def page_paths(self) -> Iterator[str]:
        """Every listing page and article page a crawl can reach, and robots.txt."""
        index = self.index()

        def pages(base: str, stories: list[Story]) -> Iterator[str]:
            for n in range(1, max(1, math.ceil(len(stories) / self.per_page)) + 1):
                yield base if n == 1 else f"{base}page/{n}/"

        yield "/robots.txt"
        yield from pages("/", index.live)
        for kind, groups in (("category", index.by_section), ("tag", index.by_tag),
                             ("author", index.by_author)):
            for slug, stories in groups.items():
                yield from pages(f"/{kind}/{slug}/", stories)
        for story in index.live:
            yield self.path(story)
