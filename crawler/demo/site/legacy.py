"""The "legacy" theme: an old table-layout local paper, as a CMS of around 2003 printed it.

No `<p>`, no meta description, no OpenGraph, no JSON-LD: the headline in `<font><b>`, the story
as text runs separated by `<br><br>` inside a table cell, a dateline on every article ("Posted:
05/10/2025 in Business", always day first), a print/e-mail tool line, readers' comments under
"Comments (N)" with "Posted by X on DATE" entries, a "Most popular" box, a poll and a visitor
counter. The counter and the poll change on every request; comments and the "Most popular" box
change with `churn()`. Pages are windows-1252 (curly quotes, accented names, euros; characters
outside it as `&#N;`), declared in a `<meta http-equiv>` on some pages and only in the HTTP
header on others. Every story has a print view (same text, noindex, no canonical) and an e-mail
page, both linked from the article; listings page with "Next page >>".
"""

# ruff: noqa: E501 -- HTML template lines stay whole, as a page's source shows them.
from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta
from typing import Any

from crawler.demo.site.base import NewsSite
from crawler.demo.site.responses import Response
from crawler.demo.site.stories import BST, Listing, Story, esc, long_date, newsbank, slugify

CHARSET = "windows-1252"  # every page's bytes
DATE_FORMAT = "%d/%m/%Y"  # the site's one date order: day first, as British papers print it
# Text a crawler must never store as story text: the furniture and comments of this theme.
FURNITURE_MARKERS = (
    "Printer-friendly version", "Email this story", "Comments (", "Posted by", "Most popular",
    "You are visitor number", "Reader poll", "votes)", "Next page", "Previous page",
    "All rights reserved", "Posted:", "Add your comment", "Best viewed",
)


class LegacySite(NewsSite):
    """An old table-layout news site in windows-1252, with comments, counters and print views."""

    theme = "legacy"
    name = "The Valley Gazette"
    default_sections = ("Local News", "Business", "Sport")
    first_id = 2207
    id_step = 7
    newest = datetime(2025, 10, 5, 17, 10, tzinfo=BST)
    feed_path = "/rss.php"
    sitemap_index_path = "/sitemap.xml"
    sitemap_path = "/sitemap{n}.xml"
    news_sitemap_path = "/news_sitemap.xml"
    disallow = ("/private/", "/admin/")
    furniture = FURNITURE_MARKERS

    def __init__(self, count: int = 16, seed: int = 1, per_page: int = 5, **options: Any) -> None:
        # A site of its age: no feed, no sitemaps, no validators (its PHP sends none).
        options.setdefault("feed_size", 0)
        options.setdefault("sitemaps", False)
        options.setdefault("validators", False)
        super().__init__(count, seed, per_page, **options)
        self.visits = itertools.count(48213 + seed)  # the visitor counter: one per page view

    def finish_story(self, story: Story, index: int) -> None:
        """Give the story what the old CMS printed: no standfirst, a quoted voice, a sum in euros."""
        rng = random.Random(f"{self.theme}:{self.seed}:accents:{index}")
        bank = newsbank()
        voice = rng.choice(bank["legacy_voices"])
        lede, *rest = story.paragraphs
        voiced = f"“{rng.choice(bank['legacy_quotes'])},” said {voice}."
        money = rng.choice(bank["legacy_sums"]).format(
            n=rng.randint(2, 90), month=rng.choice(bank["months"]))
        story.paragraphs = [lede, voiced, *rest[:2], money, *rest[2:]]
        story.summary = ""  # the page has no standfirst and no meta description
        if index % 3 == 0:
            story.title = f"{story.title} – {voice.split(',')[0]} speaks out"

    # Routes

    def path(self, story: Story, slug: str | None = None) -> str:
        """/archive/YYYY/MM/slug.html, or /private/slug.html for a private story."""
        slug = slug or story.slug
        if story.private:
            return f"/private/{slug}.html"
        return f"/archive/{story.published:%Y/%m}/{slug}.html"

    def print_path(self, story: Story) -> str:
        """The story's printer-friendly view."""
        return f"/print.php?story={story.id}"

    def email_path(self, story: Story) -> str:
        """The page that e-mails the story to a friend."""
        return f"/email.php?story={story.id}"

    def route(self, path: str, query: dict[str, str]) -> Response | None:
        page = query.get("page", "1")
        if not page.isdigit():
            return None
        page_number = int(page)
        if path in ("/", "/index.php"):
            return self._listing(self.live_stories(), page_number, "/?", "Top Stories", meta=True)
        if path == "/section.php" and self.in_section(query.get("name", "")):
            stories = self.in_section(query["name"])
            return self._listing(stories, page_number, f"/section.php?name={query['name']}&amp;",
                                 stories[0].section, meta=False)
        if path in ("/print.php", "/email.php"):
            story = self._by_id(query.get("story", ""))
            if story is None:
                return None
            if path == "/print.php":
                return self.article_response(story, self._print_page(story), "print",
                                             charset=CHARSET, declared=False)
            return self._page(self._email_page(story), meta=False)
        if path == "/contact.html":
            return self._page(self._contact(), meta=True)
        index = self.index()
        if story := index.by_path.get(path):
            meta = story.id % 2 == 1  # odd stories: only the <meta> says windows-1252
            return self.article_response(story, self._article_page(story, meta), charset=CHARSET,
                                         declared=not meta)
        if story := index.by_old_path.get(path):
            return Response.redirect(self.url(story))
        return None

    def _by_id(self, value: str) -> Story | None:
        story = self.index().by_id.get(int(value)) if value.isdigit() else None
        return None if story is None or story.removed else story

    def _page(self, text: str, meta: bool, status: int = 200) -> Response:
        return Response.page(text, status, charset=CHARSET, declared=not meta)

    def not_found_response(self) -> Response:
        """The 404 answer, in the site's charset."""
        return self._page(self.not_found(), meta=True, status=404)

    # What changes on every request, and with churn

    def visitor_number(self) -> int:
        """The counter's next value: every page view bumps it."""
        return next(self.visits)

    def comments(self, story: Story) -> list[tuple[str, datetime, str]]:
        """Readers' comments under a story, oldest first: one more after every churn."""
        bank = newsbank()
        fixed = random.Random(f"{self.theme}:{self.seed}:comments:{story.id}")
        out = []
        for n in range(fixed.randint(1, 4) + self.generation):
            rng = random.Random(f"{self.theme}:{self.seed}:comment:{story.id}:{n}")
            name = f"{rng.choice(bank['officials']).split()[0]} from {rng.choice(bank['cities'])}"
            when = story.published + timedelta(hours=2 + 5 * n, minutes=rng.randint(0, 59))
            text = rng.choice(bank["legacy_comments"]).format(
                org=rng.choice(bank["orgs"]), city=rng.choice(bank["cities"]),
                topic=rng.choice(bank["topics"]), month=rng.choice(bank["months"]),
                n=rng.randint(3, 60))
            out.append((name, when, text))
        return out

    # Page parts

    def _head(self, title: str, meta: bool, extra: str = "") -> str:
        charset = f'<meta http-equiv="Content-Type" content="text/html; charset={CHARSET}">\n' if meta else ""
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
{charset}<title>{esc(title)}</title>
{extra}<link rel="stylesheet" type="text/css" href="/css/gazette.css">
<script language="JavaScript" src="/js/popup.js"></script>
</head>
<body bgcolor="#FFFFFF" text="#000000" link="#003366" vlink="#663366" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
"""

    def _masthead(self) -> str:
        return f"""<TABLE WIDTH="760" BORDER="0" CELLPADDING="0" CELLSPACING="0" ALIGN="center">
<TR><TD COLSPAN="3" BGCOLOR="#003366"><a href="/"><img src="/images/masthead.gif" width="760" height="90" border="0" alt="{self.name}"></a></TD></TR>
<TR><TD COLSPAN="3" BGCOLOR="#CCCCCC" HEIGHT="18"><font face="Verdana, Arial" size="1">&nbsp;{long_date(self.current_day())} | Your local news, every weekday</font></TD></TR>
<TR>
"""

    def _menu(self) -> str:
        sections = "".join(
            f'<a href="/section.php?name={slugify(s)}">{esc(s)}</a><br>\n' for s in self.sections
        )
        return f"""<TD WIDTH="140" VALIGN="top" BGCOLOR="#EEEEEE"><font face="Verdana, Arial" size="2">
<b>Sections</b><br>
<a href="/">Home</a><br>
{sections}<a href="/contact.html">Contact us</a><br>
<br><form action="/search.php" method="get"><input type="text" name="q" size="12"><input type="submit" value="Search"></form>
</font></TD>
"""

    def _right(self) -> str:
        visit = self.visitor_number()
        popular = "".join(
            f'<li><a href="{self.path(s)}">{esc(s.title)}</a> <font size="1">({self.rng("reads", s.id).randint(40, 4000):,} reads)</font></li>\n'
            for s in self.pick("popular", self.live_stories(), 5)
        )
        poll = random.Random(f"{self.theme}:{self.seed}:poll:{visit}")
        votes = [poll.randint(100, 2000) for _ in range(3)]
        options = "".join(
            f'<input type="radio" name="vote" value="{n}"> {label} ({count} votes)<br>\n'
            for n, (label, count) in enumerate(zip(("Yes", "No", "Don’t know"), votes, strict=True))
        )
        return f"""<TD WIDTH="180" VALIGN="top" BGCOLOR="#F5F5DC"><font face="Verdana, Arial" size="2">
<b>Most popular</b><ol>
{popular}</ol>
<b>Reader poll</b><br>
Should the town centre be closed to cars on Saturdays?<br>
<form action="/poll.php" method="post">
{options}<input type="submit" value="Vote"></form>
</font></TD>
</TR>
<TR><TD COLSPAN="3" ALIGN="center" BGCOLOR="#CCCCCC"><font face="Verdana, Arial" size="1">
You are visitor number {visit:07d} since 1 March 1999<br>
&copy; {self.current_day().year} {self.name}. All rights reserved. | <a href="/contact.html">Advertise with us</a>{self._partners()}<br>
Best viewed in Internet Explorer at 800x600
</font></TD></TR>
</TABLE>
</body>
</html>
"""

    def _partners(self) -> str:
        return "".join(f' | <a href="{esc(url)}">{esc(text)}</a>' for text, url in self.partner_links)

    def _dateline(self, story: Story) -> str:
        return f"Posted: {story.published:{DATE_FORMAT}} in {esc(story.section)}"

    def _byline(self, story: Story) -> str:
        return "By " + " and ".join(esc(a) for a in story.authors)

    def _text(self, story: Story) -> str:
        return "<br><br>\n".join(esc(p) for p in story.paragraphs)

    def _comments(self, story: Story) -> str:
        entries = "".join(
            f'<font face="Verdana, Arial" size="1" color="#666666">Posted by {esc(name)} on {when:{DATE_FORMAT} %H:%M}</font><br>\n'
            f'<font face="Verdana, Arial" size="2">{esc(text)}</font><br><br>\n'
            for name, when, text in self.comments(story)
        )
        count = len(self.comments(story))
        return (f'<br><hr noshade size="1"><font face="Arial" size="3"><b>Comments ({count})</b></font><br><br>\n'
                f'{entries}<a href="/comment.php?story={story.id}">Add your comment</a><br>\n')

    def _article_page(self, story: Story, meta: bool) -> str:
        return (
            self._head(f"{story.title} - {self.name}", meta)
            + self._masthead()
            + self._menu()
            + f"""<TD WIDTH="440" VALIGN="top"><font face="Arial" size="4" color="#003366"><b>{esc(story.title)}</b></font><br>
<font face="Verdana, Arial" size="1">{self._byline(story)}<br>{self._dateline(story)}</font><br><br>
<font face="Verdana, Arial" size="1"><a href="{self.print_path(story)}"><img src="/images/print.gif" width="16" height="16" border="0" alt=""> Printer-friendly version</a> | <a href="{self.email_path(story)}">Email this story</a></font><br><br>
<font face="Verdana, Arial" size="2">
{self._text(story)}
</font><br>
{self._comments(story)}</TD>
"""
            + self._right()
        )

    def _print_page(self, story: Story) -> str:
        return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={CHARSET}">
<meta name="robots" content="noindex">
<title>{esc(story.title)} - {self.name}</title>
</head>
<body bgcolor="#FFFFFF" onload="window.print()">
<font face="Times New Roman" size="2"><b>{self.name}</b> - printer-friendly version</font><hr>
<font face="Arial" size="4"><b>{esc(story.title)}</b></font><br>
<font size="1">{self._byline(story)}<br>{self._dateline(story)}</font><br><br>
<font face="Times New Roman" size="3">
{self._text(story)}
</font>
<hr><font size="1">This story was printed from {self.name}: {self.base_url}{self.path(story)}<br>&copy; {self.current_day().year} {self.name}</font>
</body>
</html>
"""

    def _email_page(self, story: Story) -> str:
        return (
            self._head(f"Email this story - {self.name}", meta=False, extra='<meta name="robots" content="noindex">\n')
            + self._masthead()
            + self._menu()
            + f"""<TD WIDTH="440" VALIGN="top"><font face="Arial" size="3"><b>Email this story to a friend</b></font><br><br>
<font face="Verdana, Arial" size="2">You are sending: <a href="{self.path(story)}">{esc(story.title)}</a><br><br>
<form action="/email.php" method="post"><input type="hidden" name="story" value="{story.id}">
Your name: <input type="text" name="from"><br>
Friend’s e-mail: <input type="text" name="to"><br>
<input type="submit" value="Send"></form></font></TD>
"""
            + self._right()
        )

    def _pager(self, listing: Listing, base: str) -> str:
        links = []
        if listing.page > 1:
            links.append(f'<a href="{base}page={listing.page - 1}">&lt;&lt; Previous page</a>')
        links.append(f"Page {listing.page} of {max(listing.pages, listing.page)}")
        if listing.has_next:
            links.append(f'<a href="{base}page={listing.page + 1}">Next page &gt;&gt;</a>')
        return f'<font face="Verdana, Arial" size="2">{" | ".join(links)}</font><br>\n'

    def _listing(self, stories: list[Story], page: int, base: str, label: str,
                 meta: bool) -> Response | None:
        listing = self.paginate(stories, page)
        if listing is None:
            return None
        items = "".join(
            f'<b><a href="{self.path(s)}"><font face="Arial" size="3">{esc(s.title)}</font></a></b><br>\n'
            f'<font face="Verdana, Arial" size="1">{self._dateline(s)}</font><br>\n'
            f'<font face="Verdana, Arial" size="2">{esc(s.excerpt)}... <a href="{self.path(s)}">more</a></font><br><br>\n'
            for s in listing.stories
        )
        notice = ""
        if base == "/?" and page == 1 and not self.private.removed:
            notice = (f'<font size="1"><a href="{self.path(self.private)}">'
                      f"{esc(self.private.title)}</a></font><br><br>\n")
        title = f"{label} - {self.name}" + (f" - Page {page}" if page > 1 else "")
        return self._page(
            self._head(title, meta)
            + self._masthead()
            + self._menu()
            + f"""<TD WIDTH="440" VALIGN="top"><font face="Arial" size="4" color="#003366"><b>{esc(label)}</b></font><br><br>
{notice}{items}{self._pager(listing, base)}</TD>
"""
            + self._right(),
            meta,
        )

    def _contact(self) -> str:
        return (
            self._head(f"Contact us - {self.name}", meta=True)
            + self._masthead()
            + self._menu()
            + f"""<TD WIDTH="440" VALIGN="top"><font face="Arial" size="4"><b>Contact us</b></font><br><br>
<font face="Verdana, Arial" size="2">{self.name} has served the valley since 1887. Write to the editor at 12 Market Street, or telephone the newsroom on weekdays between 9am and 5pm.<br><br>
We welcome letters, tips and corrections from readers.</font></TD>
"""
            + self._right()
        )

    def not_found(self) -> str:
        return (
            self._head(f"Page not found - {self.name}", meta=True)
            + self._masthead()
            + self._menu()
            + """<TD WIDTH="440" VALIGN="top"><font face="Arial" size="3"><b>Sorry, the page you requested could not be found.</b></font><br><br>
<font face="Verdana, Arial" size="2">It may have been moved or removed. Try the <a href="/">front page</a>.</font></TD>
"""
            + self._right()
        )
