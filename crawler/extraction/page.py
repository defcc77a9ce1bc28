"""One parsed page and one method per output field, each trying its sources in order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.body import element_text, extract_body, parse_html
from crawler.extraction.bounds import bounded_markup
from crawler.extraction.css import Rules, TreeIndex
from crawler.extraction.dates import parse_date
from crawler.extraction.metadata import Metadata, names_of, text_of, types_of
from crawler.extraction.site import (
    BYLINE_WORD,
    SiteModel,
    dateline_candidates,
    evidence,
    is_byline_text,
    story_lines,
)
from crawler.extraction.text import (
    clean_authors,
    clean_title,
    comparable,
    join_paragraphs,
    looks_like_person,
    normalize_space,
)
from crawler.urls import canonical_url, is_web_url, site_of

if TYPE_CHECKING:
    from crawler.profiles import Profile

# Meta tags of each field, most trusted first.
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "cxenseparse:recs:publishtime",
    "sn-post-date",
    "post-date",
    "publication_date",
    "publication-date",
    "article_date_original",
)
MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "article.updated",
    "dcterms.modified",
)
AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
    "cxenseparse:author",
)
SECTION_META = (
    "article:section",
    "articlesection",
    "parsely-section",
    "section",
    "cxenseparse:section",
)
DESCRIPTION_META = ("description", "og:description", "twitter:description", "dc.description")
TITLE_META = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title")
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
LANG_META = ("content-language", "og:locale", "language", "dc.language")
# JSON-LD types whose name is the site's name.
PUBLISHER_TYPES = frozenset({"website", "organization", "newsmediaorganization"})
# A standfirst shorter than this is a label, longer than this is a paragraph of the body.
SUMMARY_CHARS = (20, 800)
# A paragraph this long is story text rather than a label or a teaser's excerpt line.
LONG_PARAGRAPH_CHARS = 80
# Markup bylines are read from the first few matches only: later ones are teasers' bylines.
MAX_BYLINES = 4
# A dateline or byline found by its class word is a short line.
MAX_LINE_CHARS = 80
# Text nodes after a legacy page's headline searched for its dateline.
MAX_HEAD_TEXTS = 12
# Fewest characters of a bold or font-set text read as a headline.
MIN_HEADLINE_CHARS = 12

_BASE_HREF = etree.XPath("//base/@href")
# A date in a story's path: /2019/11/19/ or /2019/nov/18/ (read as month day year).
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2]|[a-z]{3})/(0?[1-9]|[12]\d|3[01])(?=/|$)", re.IGNORECASE
)


def _first_text(elements: list, limit: int | None = None) -> str | None:
    for el in elements[:limit]:
        text = _value_of(el)
        if text:
            return text
    return None


def _value_of(el: object) -> str | None:
    if isinstance(el, str):
        return normalize_space(el) or None
    if not isinstance(el, etree._Element):
        return None
    return normalize_space(element_text(el)) or None


def _date_of(el: etree._Element) -> str | None:
    for attr in ("datetime", "content", "data-datetime", "title"):
        value = el.get(attr)
        if value and any(ch.isdigit() for ch in value):
            return value
    return normalize_space(element_text(el)) or None


def _site(url: str | None) -> str:
    try:
        return site_of(url) if url else ""
    except ValueError:
        return ""


def _path(url: str | None) -> str:
    try:
        return urlsplit(url).path if url else ""
    except ValueError:
        return ""


def normalize_lang(value: str | None) -> str | None:
    """A BCP 47-style language tag: en, en-GB."""
    value = normalize_space(value).replace("_", "-")
    if not value:
        return None
    parts = value.split(",")[0].strip().split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    tag = parts[0].lower()
    if len(parts) > 1 and parts[1].isalnum() and 2 <= len(parts[1]) <= 4:
        tag += "-" + (parts[1].upper() if len(parts[1]) == 2 else parts[1].title())
    return tag


class Page:
    """A page parsed once; each field is read on demand from the same tree."""

    def __init__(self, html: str | bytes | None, url: str, profile: Profile | None = None,
                 site_model: SiteModel | None = None) -> None:
        self.url = url or ""
        self.profile = profile
        self.site_model = site_model
        self.tree = parse_html(bounded_markup(html))
        self.index = TreeIndex(self.tree)
        self.meta = Metadata.from_tree(self.tree)

    # --- helpers ---

    def _profile_values(self, name: str) -> list:
        if self.profile is None:
            return []
        for xpath in self.profile.field_xpaths(name):
            found = xpath(self.tree)
            if found:
                return found
        return []

    @cached_property
    def base_url(self) -> str:
        """The URL relative links resolve against (<base href> or the page URL)."""
        bases = _BASE_HREF(self.tree)
        if bases and bases[0].strip():
            try:
                return urljoin(self.url, bases[0].strip())
            except ValueError:
                pass
        return self.url

    def absolute(self, href: str | None) -> str | None:
        """An absolute http(s) URL for a link of this page, or None."""
        if not href:
            return None
        try:
            url = urljoin(self.base_url, href.strip())
            return url if is_web_url(url) else None
        except ValueError:
            return None

    @cached_property
    def site_names(self) -> tuple[str, ...]:
        """The names the site calls itself: og:site_name, publisher, domain."""
        names = [self.meta.first(*SITE_NAME_META)]
        publisher = self.meta.article_value("publisher")
        names.append(text_of(publisher) if isinstance(publisher, dict | list) else None)
        for obj in self.meta.objects:
            if types_of(obj) & PUBLISHER_TYPES:
                names.append(text_of(obj.get("name")))
        site = _site(self.url)
        if site:
            names.append(site)
            names.append(site.split(".")[0])
        return tuple(dict.fromkeys(n for n in names if n))

    # --- fields, named like the item's columns ---

    @cached_property
    def url_canonical(self) -> str:
        """The page's own name for itself when on the same site, else the given URL."""
        site, path = _site(self.url), _path(self.url)
        for href in (self.meta.link("canonical"), self.meta.first("og:url")):
            candidate = self.absolute(href)
            if not candidate or (site and _site(candidate) != site):
                continue
            # a canonical pointing at the home page from a story is a theme bug, not a name
            if _path(candidate) in ("", "/") and path not in ("", "/"):
                continue
            try:
                return canonical_url(candidate)
            except ValueError:
                continue
        if not self.url:
            return ""
        try:
            return canonical_url(self.url)
        except ValueError:
            return self.url

    @cached_property
    def site(self) -> str:
        """The registered domain of the canonical URL."""
        return _site(self.url_canonical)

    @cached_property
    def aliases(self) -> list[str]:
        """Other URLs the page names itself by: shortlink, AMP version, a different og:url."""
        found: list[str] = []
        for href in (
            self.meta.link("shortlink"),
            self.meta.link("amphtml"),
            self.meta.first("og:url"),
        ):
            url = self.absolute(href)
            if not url:
                continue
            try:
                url = canonical_url(url)
            except ValueError:
                continue
            if url != self.url_canonical and url not in found:
                found.append(url)
        return found

    @cached_property
    def title(self) -> str | None:
        """The headline, without the site name."""
        names = self.site_names
        h1s = sel.ANY_H1.select(self.index)
        for value in (
            _first_text(self._profile_values("title")),
            _first_text(sel.HEADLINES.select(self.index)),
            text_of(self.meta.article_value("headline", "name")),
            self.meta.first(*TITLE_META),
            _first_text(h1s) if len(h1s) == 1 else None,
            self.site_model.strip_title(self.page_title) if self.site_model else None,
            self._emphasised_headline,
            self.page_title,
        ):
            cleaned = clean_title(value, names)
            if cleaned:
                return cleaned
        return None

    @cached_property
    def page_title(self) -> str | None:
        """The text of the page's <title>."""
        return _first_text(sel.PAGE_TITLE.select(self.index))

    @cached_property
    def _emphasised_headline(self) -> str | None:
        """The bold or font-set text that the <title> begins (else ends) with, the longest.

        Legacy layouts set the headline in <font><b> and name the site beside it in the
        <title>; the site's name may be set in bold too, and titles name the story first.
        """
        title = self.page_title
        if not title:
            return None
        found = []
        for el in _EMPHASIS(self.tree):
            text = _value_of(el)
            if (text and text != title and len(text) >= MIN_HEADLINE_CHARS
                    and (title.startswith(text) or title.endswith(text))):
                found.append((title.startswith(text), len(text), text))
        return max(found)[2] if found else None

    @cached_property
    def _texts_after_headline(self) -> list[str]:
        """The page's text nodes after the headline, a few dozen at most."""
        headline = comparable(self.title)
        texts = [normalize_space(t) for t in _BODY_TEXTS(self.tree)]
        texts = [t for t in texts if t]
        for i, text in enumerate(texts):
            if headline and comparable(text) == headline:
                return texts[i + 1: i + 1 + MAX_HEAD_TEXTS]
        return []

    @cached_property
    def standfirst(self) -> str | None:
        """The standfirst shown under the headline, when the page has one."""
        low, high = SUMMARY_CHARS
        for el in self._profile_values("summary") + sel.STANDFIRSTS.select(self.index):
            text = _value_of(el)
            if text and low <= len(text) <= high:
                return text
        return None

    @cached_property
    def summary(self) -> str | None:
        """The standfirst, else the page's description."""
        if self.standfirst:
            return self.standfirst
        value = self.meta.first(*DESCRIPTION_META) or text_of(
            self.meta.article_value("description")
        )
        return normalize_space(value) or None

    @cached_property
    def authors(self) -> list[str]:
        """The authors' names."""
        profile = self._profile_values("authors")
        if profile:
            names = clean_authors(_value_of(el) for el in profile)
            if names:
                return names
        names = clean_authors(names_of(self.meta.article_value("author", "creator")))
        if names:
            return names
        meta = [v for v in self.meta.all(*AUTHOR_META) if not is_web_url(v) and "/" not in v]
        names = clean_authors(meta)
        if names:
            return names
        for matches in sel.BYLINES.each_in_order(self.index):
            found = [el for el in matches[:MAX_BYLINES] if not sel.NOT_BYLINE_BOXES(el)]
            names = clean_authors(_value_of(el) for el in found)
            if names:
                return names
        for el in self._near_headline(sel.BYLINE_WORDS, sel.NOT_BYLINE_WORDS)[:MAX_BYLINES]:
            names = [n for n in clean_authors([_value_of(el)]) if looks_like_person(n)]
            if names:
                return names
        if self.legacy:  # "By Jane Doe" as the first text under a legacy page's headline
            for text in self._texts_after_headline[:MAX_BYLINES]:
                if is_byline_text(text) and len(text) <= MAX_LINE_CHARS:
                    names = [n for n in clean_authors([BYLINE_WORD.sub("", text)])
                             if looks_like_person(n)]
                    if names:
                        return names
        return []

    @cached_property
    def _headline_position(self) -> int:
        """Where the headline stands in the page (0 when the page has no clear headline)."""
        headline = sel.HEADLINES.first(self.index)
        if headline is None:
            h1s = sel.ANY_H1.select(self.index)
            headline = h1s[0] if len(h1s) == 1 else None
        return self.index.order.get(headline, 0) if headline is not None else 0

    def _near_headline(
        self, words: re.Pattern[str], not_words: re.Pattern[str]
    ) -> list[etree._Element]:
        """Short lines whose class or id holds a field's word, the nearest the headline first.

        The fallback for themes no selector names: a dateline or byline sits by the headline,
        while the date bar and teasers' dates and bylines stand further away.
        """
        index = self.index
        found: set[etree._Element] = set()
        for table in (index.by_class, index.by_id):
            for token, elements in table.items():
                if words.search(token) and not not_words.search(token):
                    found.update(elements)
        lines = [
            el
            for el in found
            if 0 < len(normalize_space(element_text(el))) <= MAX_LINE_CHARS
            and not sel.NOT_BYLINE_BOXES(el)
        ]
        # of a line and the parts inside it ("byline": name, title), the parts
        parents = {parent for el in lines for parent in el.iterancestors()}
        lines = [el for el in lines if el not in parents]
        anchor = self._headline_position
        order = index.order
        return sorted(lines, key=lambda el: (abs(order.get(el, 0) - anchor), order.get(el, 0)))

    def _date_values(
        self,
        field: str,
        json_keys: tuple[str, ...],
        meta: tuple[str, ...],
        markup: Rules,
        guess: bool,
    ) -> Iterator[str | None]:
        """The raw values a page gives for one of its dates, most trusted first."""
        for el in self._profile_values(field):
            yield _date_of(el) if isinstance(el, etree._Element) else str(el)
        for obj in self.meta.articles():
            yield from (text_of(obj.get(key)) for key in json_keys)
        yield from self.meta.all(*meta)
        for obj in self.meta.objects:
            yield from (text_of(obj.get(key)) for key in json_keys)
        for matches in markup.each_in_order(self.index):
            yield from (_date_of(el) for el in matches[:MAX_BYLINES])
        if not guess:  # the guesses below find when a story was published, never its update
            return
        match = _URL_DATE.search(_path(self.url_canonical or self.url))
        if match:  # /2019/11/19/ or /2019/nov/18/ in the story's address
            year, month, day = match.groups()
            yield (
                f"{year}-{int(month):02d}-{int(day):02d}"
                if month.isdigit()
                else f"{day} {month} {year}"
            )
        for el in self._near_headline(sel.DATELINE_WORDS, sel.NOT_DATELINE_WORDS)[:MAX_BYLINES]:
            value = _date_of(el)
            if value and not sel.UPDATE_LABEL.match(value):
                yield value
        if self.legacy:  # "Posted: 05/10/2025 in Business" between headline and text
            yield from dateline_candidates(self._texts_after_headline)

    def _date(
        self,
        field: str,
        json_keys: tuple[str, ...],
        meta: tuple[str, ...],
        markup: Rules,
        guess: bool = False,
    ) -> str | None:
        """The first date the page gives, with the time of day a later source adds to it."""
        lang = self.site_model.date_lang(self.lang) if self.site_model else self.lang
        found = None
        for value in self._date_values(field, json_keys, meta, markup, guess):
            parsed = parse_date(value, lang)
            if not parsed:
                continue
            if found is None:
                found = parsed
                if "T" in found:
                    return found
            elif parsed.startswith(found + "T"):
                # a date-only meta tag beside the story's <time datetime>: the same day, timed
                return parsed
        return found

    @cached_property
    def published(self) -> str | None:
        """When the story was first published, ISO 8601."""
        return self._date(
            "published",
            ("datePublished", "dateCreated"),
            PUBLISHED_META,
            sel.VISIBLE_DATES,
            guess=True,
        )

    @cached_property
    def modified(self) -> str | None:
        """When the story was last changed, ISO 8601."""
        return self._date("modified", ("dateModified",), MODIFIED_META, sel.VISIBLE_MODIFIED)

    @cached_property
    def section(self) -> str | None:
        """The section or category the story is filed under."""
        for value in (
            _first_text(self._profile_values("section")),
            self.meta.first(*SECTION_META),
            text_of(self.meta.article_value("articleSection")),
            _first_text(sel.SECTION_LINKS.select(self.index), MAX_BYLINES),
        ):
            if value and len(value) <= 80:
                return value
        crumbs = [_value_of(el) for el in sel.BREADCRUMB_ITEMS.select(self.index)]
        crumbs = [c for c in crumbs if c and c.lower() not in ("home", "news", "homepage")]
        if len(crumbs) >= 2:
            return crumbs[-2] if len(crumbs[-1]) > 40 else crumbs[-1]
        return crumbs[0] if crumbs and len(crumbs[0]) <= 40 else None

    @cached_property
    def lang(self) -> str | None:
        """The page's language tag (en, en-GB)."""
        for value in (
            self.meta.html_lang,
            self.meta.first(*LANG_META),
            text_of(self.meta.article_value("inLanguage")),
        ):
            tag = normalize_lang(value)
            if tag:
                return tag
        return None

    @cached_property
    def structure(self) -> tuple[int, int]:
        """(long paragraphs in the main text block, teaser links in headings) of the raw page.

        A paragraph is a <p>, a <div> whose own text (not its children's) is long, or text
        after a <br>, as some CMSs write their paragraphs; a story holds several under one
        parent, a listing spreads its excerpts one per teaser box.
        """
        blocks: dict[etree._Element, int] = {}
        for el in self.tree.iter("p", "div", "br"):
            if el.tag == "p":
                length = len(normalize_space(element_text(el)))
            elif el.tag == "br":  # text set off by line breaks
                length = len(normalize_space(el.tail))
                parent = el.getparent()
                if parent is not None and el is parent[0] and len(  # the run before the first
                        normalize_space(parent.text)) >= LONG_PARAGRAPH_CHARS:
                    blocks[parent] = blocks.get(parent, 0) + 1
            else:
                own = [el.text or ""] + [child.tail or "" for child in el]
                length = len(normalize_space("".join(own)))
            if length >= LONG_PARAGRAPH_CHARS:
                parent = el.getparent()
                blocks[parent] = blocks.get(parent, 0) + 1
        long_paragraphs = max(blocks.values()) if blocks else 0
        teasers = len({a.get("href") for a in _TEASER_LINKS(self.tree)})
        return long_paragraphs, teasers

    @cached_property
    def raw_paragraphs(self) -> list[str]:
        """The text block's paragraphs as the page has them, template and all."""
        # extract_body puts back what it prunes: every other field, and the links, read the
        # whole page whatever order they are read in
        profile = self.profile
        return extract_body(
            self.index,
            profile.field_xpaths("body") if profile else (),
            profile.noise_xpath if profile else None,
        )

    @cached_property
    def legacy(self) -> bool:
        """True for a legacy layout: text runs set off by <br>, no paragraph of text in <p>."""
        return not _LONG_P(self.tree) and self.structure[0] >= 2

    @cached_property
    def body(self) -> str:
        """The article text: paragraphs separated by one blank line."""
        return join_paragraphs(story_lines(self.raw_paragraphs, self.site_model, self.legacy,
                                           self.title))

    @cached_property
    def evidence(self) -> dict:
        """What this page tells about its site's template (see crawler.extraction.site)."""
        # the text block's paragraphs and the page's short texts (menus, boxes, footers)
        texts = [t for t in (normalize_space(t) for t in _BODY_TEXTS(self.tree)) if t]
        return evidence(self.page_title, self.title, self.raw_paragraphs + texts)


_BODY_TEXTS = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
_EMPHASIS = etree.XPath("//body//*[self::b or self::strong or self::font]")
_LONG_P = etree.XPath("//p[string-length(normalize-space(.)) >= 80]")
_TEASER_LINKS = etree.XPath("//*[self::h2 or self::h3 or self::h4]//a[@href]")
