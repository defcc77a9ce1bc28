"""One parsed page and one method per output field, each trying its sources in order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction import selectors as sel
from crawler.extraction.body import (
    BLOCK_TAGS,
    SECOND_READING_MAX_CHARS,
    element_text,
    extract_body,
    parse_html,
    second_reading,
)
from crawler.extraction.bounds import bounded_markup
from crawler.extraction.css import Rules, TreeIndex
from crawler.extraction.dates import (
    best_date,
    epoch_date,
    is_zoned,
    needs_confirming,
    parse_date,
    script_language,
    with_zone,
)
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
    is_byline_word,
    is_chrome_title,
    is_credit,
    is_organisation,
    join_paragraphs,
    looks_like_person,
    normalize_space,
    split_paragraphs,
    starts_byline,
    strip_kicker,
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
# JSON-LD types of an author that is no person.
ORGANISATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation"})
# Characters of a byline's text compared with the declared authors' names.
MAX_BYLINE_TEXT = 400
# Elements between the first byline and a co-author's: further on, bylines are teasers'.
BYLINE_SPAN = 40
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
# Dates read per field before choosing: enough to find the zoned twin of a naive time.
MAX_DATE_VALUES = 12
# Text lines read after the headline for a dateline, and before it (a date above the headline).
HEADLINE_LINES_AFTER = 40
HEADLINE_LINES_BEFORE = 6
# Characters of the description a shown copy of it is looked up by.
DESCRIPTION_PREFIX_CHARS = 24
# A body's first paragraphs looked at for a repeat of the standfirst.
HEAD_PARAGRAPHS = 3
# Following siblings of a block looked at for story paragraphs set like it.
PARAGRAPH_SIBLINGS = 4
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


def _is_paragraph(block: etree._Element) -> bool:
    """Whether the block is set as a paragraph: a ``<p>``, or like the story text after it."""
    if block.tag == "p":
        return True
    for sibling in islice(block.itersiblings(block.tag), PARAGRAPH_SIBLINGS):
        if len(normalize_space(element_text(sibling))) >= LONG_PARAGRAPH_CHARS:
            return True
    return False


def _value_of(el: object) -> str | None:
    if isinstance(el, str):
        return normalize_space(el) or None
    if not isinstance(el, etree._Element):
        return None
    return normalize_space(element_text(el)) or None


def library_date(html: str | bytes | None, url: str | None) -> str | None:
    """The publication date htmldate reads in a page's markup and address, or None."""
    if not html or len(html) > SECOND_READING_MAX_CHARS:
        return None
    try:
        import htmldate
    except ImportError:  # an optional second opinion
        return None
    # as bytes: htmldate downloads a str that reads as an address ("http://..."), and a page
    # never makes the crawl connect anywhere
    data = html.encode("utf-8", "replace") if isinstance(html, str) else html
    try:
        found = htmldate.find_date(
            data, url=url or None, original_date=True, extensive_search=False
        )
    except Exception:  # a second opinion never costs the page
        return None
    return parse_date(found) if isinstance(found, str) else None


# data-* attributes that hold a date: data-published, data-timestamp, data-publish-date ...
_DATE_DATA_ATTR = re.compile(r"^data-.*(?:date|time|publish)", re.IGNORECASE)


def _date_of(el: etree._Element) -> str | None:
    """The date an element gives: a machine-readable attribute first, then its text."""
    for attr in ("datetime", "content", "data-datetime"):
        value = el.get(attr)
        if value and any(ch.isdigit() for ch in value):
            return value
    for attr, value in el.items():
        if _DATE_DATA_ATTR.match(attr):
            value = epoch_date(value) or value
            if parse_date(value):
                return value
    value = el.get("title")
    if value and any(ch.isdigit() for ch in value):
        return value
    return normalize_space(element_text(el)) or None


# Elements whose text is never shown.
_NO_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})


def _short_lines(texts: list[str | None]) -> list[str]:
    """The non-blank texts short enough to be a dateline, up to HEADLINE_LINES_AFTER."""
    lines = []
    for text in texts:
        text = normalize_space(text)
        if text and len(text) <= MAX_LINE_CHARS:
            lines.append(text)
            if len(lines) >= HEADLINE_LINES_AFTER:
                break
    return lines


def _is_organisation_object(obj: dict) -> bool:
    return bool(types_of(obj) & ORGANISATION_TYPES)


# The role before the names in a credit: "Photography by", "Foto:".
_CREDIT_ROLE = re.compile(r"^.*?\b(?:by|:)\s*", re.IGNORECASE)


def _credited(value: str | None) -> list[str]:
    """The names a picture credit gives ("Photography by Jane Doe" -> Jane Doe)."""
    return clean_authors([_CREDIT_ROLE.sub("", value or "", count=1)])


def _near_first(elements: list[etree._Element], index: TreeIndex) -> list[etree._Element]:
    """The bylines that stand by the first one: later matches are related stories' cards."""
    if not elements:
        return elements
    start = index.order.get(elements[0], 0)
    return [el for el in elements if index.order.get(el, 0) - start <= BYLINE_SPAN]


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
        # kept, bounded, for a second reading of a page whose body reads weak
        self.html = bounded_markup(html)
        self.tree = parse_html(self.html)
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
        """The headline, without the site name, a kicker or page chrome."""
        names = self.site_names
        h1s = sel.ANY_H1.select(self.index)
        declared = (
            text_of(self.meta.article_value("headline", "name")),
            self.meta.first(*TITLE_META),
        )
        others = [clean_title(v, names) for v in declared]
        only_h1 = _first_text(h1s) if len(h1s) == 1 else None
        page_title = self.page_title
        # the page's one <h1>, where its <title> repeats it, is the headline readers see;
        # og:title and JSON-LD often carry a social or SEO variant
        h1_key, title_key = comparable(only_h1), comparable(page_title)
        # ... as the larger part of it: a blog's name in the <h1> is the smaller one
        repeated = bool(h1_key) and h1_key in title_key and 2 * len(h1_key) >= len(title_key)
        shown = only_h1 if repeated else None
        fallback = None
        for value in (
            _first_text(self._profile_values("title")),
            _first_text(sel.HEADLINES.select(self.index)),
            shown,
            *declared,
            only_h1,
            self.site_model.strip_title(page_title) if self.site_model else None,
            self._emphasised_headline,
            page_title,
        ):
            cleaned = clean_title(value, names)
            if cleaned and not is_chrome_title(cleaned, names):
                return strip_kicker(cleaned, others)
            fallback = fallback or cleaned
        return fallback  # every source says the same chrome: the site names itself so

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
        """The standfirst shown under the headline, when the page names one."""
        low, high = SUMMARY_CHARS
        for el in self._profile_values("summary") + sel.STANDFIRSTS.select(self.index):
            text = _value_of(el)
            if text and low <= len(text) <= high:
                return text
        return None

    def standfirst_atop(self, body: str | None) -> str | None:
        """The standfirst a body read from this page may begin with.

        Besides one the page names, the page's description counts when the body begins with
        it and the page shows it in a block of its own (a heading, a box); shown as one of
        the story's paragraphs, it is the lead, which a description often repeats.
        """
        if self.standfirst:
            return self.standfirst
        description = self.description
        low, high = SUMMARY_CHARS
        if not description or not low <= len(description) <= high:
            return None
        key = comparable(description)
        if not key or key not in map(comparable, split_paragraphs(body)[:HEAD_PARAGRAPHS]):
            return None
        block = self._block_showing(description)
        return description if block is not None and not _is_paragraph(block) else None

    def _block_showing(self, text: str) -> etree._Element | None:
        """The innermost block element whose whole text is this text, if the page shows it."""
        prefix = text[:DESCRIPTION_PREFIX_CHARS]
        key = comparable(text)
        for node in _TEXTS_STARTING(self.tree, prefix=prefix):
            el = node.getparent()
            while el is not None and el.tag not in BLOCK_TAGS:
                el = el.getparent()
            if el is not None and comparable(element_text(el)) == key:
                return el
        return None

    @cached_property
    def description(self) -> str | None:
        """The description the page's metadata gives."""
        value = self.meta.first(*DESCRIPTION_META) or text_of(
            self.meta.article_value("description")
        )
        return normalize_space(value) or None

    @cached_property
    def summary(self) -> str | None:
        """The standfirst, else the page's description."""
        return self.standfirst or self.description

    @cached_property
    def authors(self) -> list[str]:
        """The authors' names: the page's declared authors as its visible byline confirms them.

        A person in the byline is preferred over an organisation or the site's own name in
        the metadata; of several declared names, those the byline shows are kept (a publisher
        listed as author is not); picture and styling credits are no authors.
        """
        profile = self._profile_values("authors")
        if profile:
            names = clean_authors(_value_of(el) for el in profile)
            if names:
                return names
        declared = self._declared_authors
        sites = self.site_names
        if len(declared) == 1 and not is_organisation(declared[0], sites):
            # one person declared: the story's unless the byline under the headline names
            # another and no byline on the page shows the declared one (an editor's name)
            by_headline = self._byline_by_headline()
            if by_headline and comparable(declared[0]) not in self._byline_text:
                return by_headline
            return declared
        visible, credits = self._byline_authors
        people = [n for n in visible if not is_organisation(n, sites) and looks_like_person(n)]
        if not declared:
            return visible
        shown = self._byline_text
        confirmed = [n for n in declared if comparable(n) in shown]
        if confirmed:
            declared = confirmed
        declared = [n for n in declared if comparable(n) not in credits]
        persons = [n for n in declared if not is_organisation(n, sites)]
        if not persons and people:
            return people
        return persons or declared or visible

    @cached_property
    def _byline_text(self) -> str:
        """The text of every byline on the page, reduced to compare names with it."""
        elements = {el for matches in sel.BYLINES.each_in_order(self.index) for el in matches}
        for table in (self.index.by_class, self.index.by_id):
            for token, found in table.items():
                if sel.BYLINE_WORDS.search(token) and not sel.NOT_BYLINE_WORDS.search(token):
                    elements.update(found)
        texts = (comparable(_value_of(el))[:MAX_BYLINE_TEXT] for el in elements)
        return "|".join(sorted(t for t in texts if t))

    @cached_property
    def _declared_authors(self) -> list[str]:
        """The authors the page's JSON-LD, else its meta tags, name (people before bodies)."""
        value = self.meta.article_value("author", "creator")
        entries = value if isinstance(value, list) else [value]
        people = [e for e in entries if not (isinstance(e, dict) and _is_organisation_object(e))]
        names = clean_authors(names_of(people or entries))
        if names:
            return names
        meta = [v for v in self.meta.all(*AUTHOR_META) if not is_web_url(v) and "/" not in v]
        return clean_authors(meta)

    @cached_property
    def _byline_authors(self) -> tuple[list[str], set[str]]:
        """The names in the story's visible byline, and the names it credits for pictures."""
        credits: set[str] = set()
        for matches in sel.BYLINES.each_in_order(self.index):
            found = _near_first(
                [el for el in matches[:MAX_BYLINES] if not sel.NOT_BYLINE_BOXES(el)], self.index
            )
            values = [_value_of(el) for el in found]
            credits.update(comparable(n) for v in values if is_credit(v) for n in _credited(v))
            names = clean_authors(values)
            if names:
                return names, credits
        for el in self._near_headline(sel.BYLINE_WORDS, sel.NOT_BYLINE_WORDS)[:MAX_BYLINES]:
            names = [n for n in clean_authors([_value_of(el)]) if looks_like_person(n)]
            if names:
                return names, credits
        names = self._author_link_names
        if names:
            return names, credits
        if self.legacy:  # "By Jane Doe" as the first text under a legacy page's headline
            for text in self._texts_after_headline[:MAX_BYLINES]:
                if is_byline_text(text) and len(text) <= MAX_LINE_CHARS:
                    names = [n for n in clean_authors([BYLINE_WORD.sub("", text)])
                             if looks_like_person(n)]
                    if names:
                        return names, credits
        return self._byline_by_headline(), credits

    @cached_property
    def _author_link_names(self) -> list[str]:
        """The names of the links to author pages nearest the headline: the nearest link,
        with the links beside it in the same byline (co-authors), not related stories' cards."""
        links = [el for el in sel.AUTHOR_LINKS.select(self.index) if not sel.NOT_BYLINE_BOXES(el)]
        if not links:
            return []
        anchor = self._headline_position
        order = self.index.order
        nearest = min(links, key=lambda el: abs(order.get(el, 0) - anchor))
        byline = [el for el in links if el.getparent() is nearest.getparent()]
        names = clean_authors(_value_of(el) for el in byline[:MAX_BYLINES])
        return [n for n in names if looks_like_person(n)]

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
        # <time data-published="..."> with its date in a data-* attribute, not in datetime
        times = [el for el in self.tree.iter("time") if any(map(_DATE_DATA_ATTR.match, el.keys()))]
        yield from (_date_of(el) for el in times[:MAX_BYLINES])
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
        # the visible dateline of a theme no selector names, then a date only in the <title>
        yield from (line for line in self._headline_lines if not sel.UPDATE_LABEL.match(line))
        yield _first_text(sel.PAGE_TITLE.select(self.index))

    def _date(
        self,
        field: str,
        json_keys: tuple[str, ...],
        meta: tuple[str, ...],
        markup: Rules,
        guess: bool = False,
    ) -> str | None:
        """The first date the page gives, made exact by later sources that name the same day."""
        lang = self.site_model.date_lang(self.lang) if self.site_model else self.lang
        found: list[str] = []
        for value in self._date_values(field, json_keys, meta, markup, guess):
            parsed = parse_date(value, lang)
            if not parsed or parsed in found:
                continue
            found.append(parsed)
            settled = is_zoned(found[0]) and not needs_confirming(found[0])
            if settled or len(found) >= MAX_DATE_VALUES:
                break
        if not lang:  # a page that names no language may still write in one zone's script
            lang = script_language(self.page_title)
        return with_zone(best_date(found), found, lang)

    @cached_property
    def _lines_by_headline(self) -> tuple[list[str], list[str]]:
        """Short text lines right after the headline, and right before it (nearest first)."""
        headline = sel.HEADLINES.first(self.index)
        if headline is None:
            h1s = sel.ANY_H1.select(self.index)
            headline = h1s[0] if len(h1s) == 1 else None
        if headline is None:
            return [], []
        elements = list(self.index.order)
        start = self.index.order.get(headline, 0)
        end = start + sum(1 for _ in headline.iter(etree.Element))  # past its descendants
        after = [headline.tail]
        for el in elements[end : end + 2 * HEADLINE_LINES_AFTER]:
            after += (None if el.tag in _NO_TEXT_TAGS else el.text, el.tail)
        before = []
        for el in reversed(elements[max(0, start - 2 * HEADLINE_LINES_BEFORE) : start]):
            before += (el.tail, None if el.tag in _NO_TEXT_TAGS else el.text)
        return _short_lines(after), _short_lines(before)[:HEADLINE_LINES_BEFORE]

    @cached_property
    def _headline_lines(self) -> list[str]:
        """The lines by the headline where datelines sit: after it first, then before it.

        Each line comes with the next two, since a dateline often splits its date and time
        ("<span>25.04.24</span> | <span>14:07 Uhr</span>").
        """
        after, before = self._lines_by_headline
        lines = [" ".join(after[i : i + 3]) for i in range(len(after))]
        return lines + [" ".join(before[i : i + 3][::-1]) for i in range(len(before))]

    def _byline_by_headline(self) -> list[str]:
        """The names of a byline line ("By Jane Doe", "Von Anna Schmidt") by the headline."""
        after, before = self._lines_by_headline
        lines = after[:HEADLINE_LINES_BEFORE * 2] + before
        for i, line in enumerate(lines):
            if is_byline_word(line) and i + 1 < len(lines):  # "By" in a tag of its own
                line = f"{line} {lines[i + 1]}"
            if starts_byline(line):
                names = [n for n in clean_authors([line]) if looks_like_person(n)]
                if names:
                    return names
        return []

    @cached_property
    def published(self) -> str | None:
        """When the story was first published, ISO 8601.

        A page where none of our sources gives a date is asked of htmldate, in its quick mode
        (markup and address patterns, not a search of the whole text for any date): measured
        on the development set it dates 7 of the 27 pages we could not, and 4 wrongly; its
        extensive search dated 11, and 13 wrongly.
        """
        found = self._date(
            "published",
            ("datePublished", "dateCreated"),
            PUBLISHED_META,
            sel.VISIBLE_DATES,
            guess=True,
        )
        return found or library_date(self.html, self.url)

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
        # a weak body is read a second time first, so the site's template is stripped from
        # whichever reading wins
        structured = self.meta.article_value("articleBody", "text")
        read = second_reading(self.raw_paragraphs, self.html, self.url, structured)
        return join_paragraphs(story_lines(read, self.site_model, self.legacy, self.title))

    @cached_property
    def evidence(self) -> dict:
        """What this page tells about its site's template (see crawler.extraction.site)."""
        # the text block's paragraphs and the page's short texts (menus, boxes, footers)
        texts = [t for t in (normalize_space(t) for t in _BODY_TEXTS(self.tree)) if t]
        return evidence(self.page_title, self.title, self.raw_paragraphs + texts)


_BODY_TEXTS = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
_TEXTS_STARTING = etree.XPath(
    "//body//text()[starts-with(normalize-space(.), $prefix)]"
    "[not(ancestor::script or ancestor::style)]"
)
_EMPHASIS = etree.XPath("//body//*[self::b or self::strong or self::font]")
_LONG_P = etree.XPath("//p[string-length(normalize-space(.)) >= 80]")
_TEASER_LINKS = etree.XPath("//*[self::h2 or self::h3 or self::h4]//a[@href]")
