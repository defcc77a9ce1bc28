"""Small predicates that tell stories from listings, and sort a page's links into both."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.extraction import selectors as sel
from crawler.extraction.body import element_text, parse_html
from crawler.extraction.metadata import ARTICLE_TYPES, LISTING_TYPES
from crawler.extraction.page import LONG_PARAGRAPH_CHARS, Page
from crawler.extraction.text import normalize_space, split_paragraphs
from crawler.urls import URL_CACHE_SIZE, canonical_url, same_site
from crawler.vocab.pagination import OFFSET_KEYS, PAGE_KEYS, PAGE_PATH

# Path segments of listing pages: sections, tags, authors, archives, pagination.
LISTING_SEGMENTS = frozenset(
    {
        "category",
        "categories",
        "cat",
        "tag",
        "tags",
        "topic",
        "topics",
        "author",
        "authors",
        "section",
        "sections",
        "archive",
        "archives",
        "page",
        "profile",
        "profiles",
        "contributor",
        "contributors",
        "writers",
    }
)
# Path words of pages never worth fetching: accounts, search, sharing, feeds, admin.
BLOCKED_SEGMENTS = frozenset(
    {
        "login",
        "log-in",
        "signin",
        "sign-in",
        "signup",
        "sign-up",
        "register",
        "logout",
        "account",
        "my-account",
        "subscribe",
        "subscription",
        "search",
        "share",
        "sharer",
        "comment",
        "comments",
        "wp-admin",
        "wp-json",
        "wp-login.php",
        "xmlrpc.php",
        "feed",
        "feeds",
        "rss",
        "atom",
        "cart",
        "checkout",
        "cdn-cgi",
        "wp-content",
        "wp-includes",
        "print",
        "embed",
        "amp-iframe",
        "oembed",
        "trackback",
        "redirect",
        "out",
        "go",
    }
)
# Parameters of the same kinds of URLs.
BLOCKED_PARAMS = frozenset(
    {
        "s",
        "q",
        "query",
        "search",
        "replytocom",
        "share",
        "action",
        "feed",
        "format",
        "print",
        "output",
        "redirect_to",
        "login",
        "add-to-cart",
        "like_comment",
        "nb",
    }
)
# Pages about the site rather than stories or listings of stories.
SITE_PAGES = frozenset(
    {
        "about",
        "about-us",
        "contact",
        "contact-us",
        "privacy",
        "privacy-policy",
        "terms",
        "terms-of-use",
        "terms-and-conditions",
        "cookie-policy",
        "cookies",
        "advertise",
        "advertise-with-us",
        "careers",
        "jobs",
        "faq",
        "help",
        "imprint",
        "impressum",
        "disclaimer",
        "sitemap",
        "accessibility",
        "newsletters",
        "newsletter",
        "donate",
        "shop",
        "store",
        "events",
        "corrections",
        "masthead",
        "staff",
        "team",
    }
)
# File types that are assets, not pages.
ASSET_EXTENSIONS = re.compile(
    r"\.(?:pdf|jpe?g|png|gif|webp|svg|ico|bmp|tiff?|avif|css|js|mjs|json|xml|rss|atom|zip|gz|"
    r"tgz|rar|7z|mp3|mp4|m4a|wav|ogg|webm|mov|avi|wmv|flv|docx?|xlsx?|pptx?|csv|txt|woff2?|"
    r"ttf|eot|exe|dmg|apk|epub|mobi|ics|vcf)$",
    re.IGNORECASE,
)
_DATE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/")
_DATE_ARCHIVE = re.compile(
    r"^/(?:19|20)\d{2}(?:/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?)?/?$"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)")
_STORY_ID = re.compile(r"(?:^|[/_-])\d{5,}(?:[/_.-]|$)|(?:^|/)[a-z]?\d{6,}[a-z]?(?:/|$)")
_PAGE_PARAMS = PAGE_KEYS | OFFSET_KEYS
_STORY_PARAMS = frozenset(
    {
        "p",
        "id",
        "idx",
        "no",
        "nid",
        "sid",
        "aid",
        "story",
        "storyid",
        "article",
        "articleid",
        "article_id",
        "newsid",
        "news_id",
        "docid",
        "contentid",
    }
)
_SLUG_WORDS = re.compile(r"[a-z0-9]+", re.IGNORECASE)
_PAGE_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?|cms|jsp)$", re.IGNORECASE)
# Link texts of "next page" links.
NEXT_TEXTS = frozenset(
    {
        "next",
        "next page",
        "next »",
        "next ›",
        "next >",
        "next →",
        "older",
        "older posts",
        "older entries",
        "older articles",
        "older stories",
        "load more",
        "more stories",
        "more articles",
        "show more",
        "see more",
        "›",
        "»",
        ">",
        "→",
        "››",
        ">>",
        "view more",
        "next posts",
        "previous posts",
        "« older entries",
        "older entries »",
    }
)
# Number of teaser links in headings above which a page without a long text is a listing.
LISTING_TEASERS = 8
# Share of long paragraphs in an extracted text that reads as a story.
STORY_SHARE = 0.6
# Long paragraphs in one block from which a page reads as a story.
ARTICLE_PARAGRAPHS = 3


def _path_segments(path: str) -> list[str]:
    return [s for s in path.lower().split("/") if s]


def _listing_segment(segments: list[str]) -> bool:
    # /category/x/, /tag/x/page/2/, /author/x/: the archive word comes before the name
    return segments[0] in LISTING_SEGMENTS or any(s in LISTING_SEGMENTS for s in segments[:-1])


def _slug_words(segment: str) -> list[str]:
    return _SLUG_WORDS.findall(_PAGE_EXTENSION.sub("", segment))


def _story_leaf(path: str, last: str) -> bool:
    """True for a story's page file under an archive word: /archive/2003/05/some-story.html."""
    words = _slug_words(last)
    return bool(_PAGE_EXTENSION.search(last)) and len(words) >= 3 and (
        bool(_DATE_PATH.search(path)) or len(words) >= 4
    )


@dataclass(frozen=True)
class UrlShape:
    """What a URL's shape says about the page behind it."""

    canonical: str  # crawler.urls.canonical_url of the URL ("" when unreadable)
    blocked: bool  # never worth fetching: assets, search, login, sharing, feeds, admin
    pagination: bool  # a later page of a listing
    listing: bool  # home, section, tag, author, date archive or pagination page
    article: bool  # a story: a date, a long slug, a story id or .html
    sure: bool = True  # False when "listing" is only a guess from a short slug (/world/)


_UNREADABLE = UrlShape("", True, False, False, False)


@lru_cache(maxsize=URL_CACHE_SIZE)
def url_shape(url: str) -> UrlShape:
    """The shape of a URL, computed once per URL (menus repeat on every page of a site)."""
    try:
        canonical = canonical_url(url)
        parts = urlsplit(canonical)
    except (ValueError, TypeError, AttributeError):
        return _UNREADABLE
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _UNREADABLE
    path = parts.path or "/"
    lower = path.lower()
    segments = _path_segments(path)
    query = [(k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    keys = {k for k, _ in query}
    blocked = bool(
        ASSET_EXTENSIONS.search(lower)
        or any(s in BLOCKED_SEGMENTS for s in segments)
        or keys & BLOCKED_PARAMS
    )
    if blocked:
        return UrlShape(canonical, True, False, False, False)
    story_param = any(k in _STORY_PARAMS and v.isdigit() for k, v in query)
    pagination = not story_param and (
        bool(PAGE_PATH.search(path))
        or any(k in _PAGE_PARAMS and v.isdigit() and v not in ("0", "1") for k, v in query)
    )
    last = segments[-1] if segments else ""
    sure = True
    if not segments:
        listing = not story_param
    elif pagination or _DATE_ARCHIVE.match(path) or (
        _listing_segment(segments) and not _story_leaf(path, last)
    ):
        listing = True
    elif _PAGE_EXTENSION.search(last) or story_param:
        listing = False
    else:  # short sections: /world/, /uk-news/, /sport/football/ (a guess: WordPress
        # stories may have short slugs too)
        listing = (
            len(segments) <= 2
            and last not in SITE_PAGES
            and not any(ch.isdigit() for ch in last)
            and len(_slug_words(last)) <= 2
        )
        sure = False
    article = False
    if not listing and last not in SITE_PAGES:
        words = _slug_words(last)
        article = (
            story_param
            or bool(_DATE_PATH.search(path + "/"))
            or bool(_COMPACT_DATE.search(path))
            or bool(_STORY_ID.search(lower))
            or len(words) >= 4
            or (len(words) >= 3 and len(last) >= 20)
            or (bool(_PAGE_EXTENSION.search(last)) and len(words) >= 2)
        )
    return UrlShape(canonical, False, pagination, listing, article, sure or not listing)


def is_pagination_url(url: str) -> bool:
    """True for the second and later pages of a listing (/page/2/, ?page=2)."""
    return url_shape(url).pagination


def is_blocked_url(url: str) -> bool:
    """True for URLs never worth fetching: assets, search, login, sharing, feeds, admin."""
    return url_shape(url).blocked


def is_listing_url(url: str) -> bool:
    """True for home, category, tag, author, date-archive and pagination URLs.

    A short path like /world/ is only a guess at a section (WordPress stories can have
    short slugs): classify_links follows it as a listing, but it is no listing URL here,
    so a story found there is not vetoed.
    """
    shape = url_shape(url)
    return shape.listing and shape.sure


def looks_like_article_url(url: str) -> bool:
    """True when a URL has the shape of a story: a date, a long slug, a story id or .html."""
    return url_shape(url).article


def _body_paragraphs(body: str) -> int:
    # Long paragraphs of the extracted text, when they make most of it: a listing's text
    # alternates teaser titles and excerpts, a story's is mostly long paragraphs.
    paragraphs = split_paragraphs(body)
    long = sum(1 for p in paragraphs if len(p) >= LONG_PARAGRAPH_CHARS)
    return long if long >= STORY_SHARE * len(paragraphs) else 0


# JSON-LD types of pages that are not stories: shop items, forum threads, services, about pages.
NON_ARTICLE_TYPES = frozenset(
    {
        "product",
        "productgroup",
        "offer",
        "aggregateoffer",
        "discussionforumposting",
        "qapage",
        "localbusiness",
        "service",
        "aboutpage",
        "contactpage",
        "softwareapplication",
    }
)
# og:type values of such pages.
NON_ARTICLE_OG_TYPES = frozenset({"product", "product.item", "product.group", "ebay-objects:item"})
# Path segments of such pages, in any site's URLs: "/products/", "/threads/", "/docs/".
NON_ARTICLE_PATH = re.compile(
    r"/(?:products?|shop|store|cart|itm|dp|threads?|forums?|topics?|docs?|documentation|"
    r"about(?:-us)?|contact(?:-us)?|impressum|imprint|privacy|terms)(?:/|$|\.)",
    re.IGNORECASE,
)


def _not_a_story(page: Page, url: str, types: set[str]) -> bool:
    """True when a page says it is a product, forum thread, service or about page."""
    if types & ARTICLE_TYPES and not types & {"discussionforumposting"}:
        return False
    og_type = (page.meta.first("og:type") or "").lower()
    return bool(
        types & NON_ARTICLE_TYPES
        or og_type in NON_ARTICLE_OG_TYPES
        or NON_ARTICLE_PATH.search(urlsplit(url).path or "")
    )


def is_article_page(page: Page | str, url: str) -> bool:
    """True when a page (a Page, or its HTML) is one story rather than a listing.

    Evidence: listing URLs always say no; JSON-LD story types, og:type=article,
    article:published_time, a story-shaped URL and one block of several long paragraphs
    say yes; CollectionPage/ItemList JSON-LD and many teaser headlines without such a
    block say no.
    """
    try:
        shape = url_shape(url)
        if shape.listing and shape.sure:
            return False
        if not isinstance(page, Page):
            page = Page(page, url)
        types = page.meta.types()
        if _not_a_story(page, url, types):
            return False
        paragraphs, teasers = page.structure
        paragraphs = max(paragraphs, _body_paragraphs(page.body))
        score = 0
        if types & ARTICLE_TYPES:
            score += 3
        elif types & LISTING_TYPES:
            score -= 3
        og_type = (page.meta.first("og:type") or "").lower()
        if og_type == "article":
            score += 2
        elif og_type in ("website", "blog", "profile"):
            score -= 1
        if page.meta.first("article:published_time"):
            score += 1
        if shape.article:
            score += 1
        elif shape.listing:
            score -= 2
        if paragraphs >= ARTICLE_PARAGRAPHS:
            score += 2
        elif teasers >= LISTING_TEASERS:
            score -= 2
        elif paragraphs == ARTICLE_PARAGRAPHS - 1:
            score += 1  # a short story
        if paragraphs == 0:
            score -= 1
        return score >= 2
    except Exception:  # a predicate over arbitrary web pages never raises
        return False


@dataclass
class Links:
    """A page's same-site links, sorted by what the crawl does with them."""

    articles: list[str] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)


def _link_root(source: str | Selector | etree._Element) -> etree._Element:
    if isinstance(source, Selector):
        root = source.root
        return root if isinstance(root, etree._Element) else parse_html(str(root or ""))
    if isinstance(source, etree._Element):
        return source
    return parse_html(source)


def classify_links(html: str | Selector, url: str, sites: frozenset[str]) -> Links:
    """Sort a page's same-site links into articles, listings and pagination (absolute URLs)."""
    links = Links()
    try:
        root = _link_root(html)
        bases = root.xpath("//base/@href")
        base = urljoin(url, bases[0].strip()) if bases and bases[0].strip() else url
        seen = {url_shape(url).canonical} if url else set()
        next_links = {
            urljoin(base, el.get("href", "").strip())
            for el in sel.REL_NEXT(root)
            if el.get("href", "").strip()
        }
        for anchor in sel.LINK_ELEMENTS(root):
            _sort_link(links, anchor, base, sites, seen, next_links)
    except Exception:  # a malformed page yields the links read so far
        return links
    return links


_ORIGIN = re.compile(r"https?://[^/?#]*", re.IGNORECASE)  # scheme and host of a web URL


def _join(base: str, href: str) -> str:
    """urljoin, remembered for absolute and root-relative links (menus and sidebars repeat
    them on every page, whose own URLs differ)."""
    if href.startswith(("http://", "https://")) and not href.startswith(("http:///", "https:///")):
        return _join_absolute(base[: base.find(":")], href)
    if href.startswith("/") and not href.startswith("//"):
        origin = _ORIGIN.match(base)
        if origin:
            return _join_rooted(origin.group(0), href)
    return urljoin(base, href)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _join_rooted(origin: str, href: str) -> str:
    # a link from the site's root depends on the base's scheme and host only
    return urljoin(origin + "/", href)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _join_absolute(scheme: str, href: str) -> str:
    # urljoin resolves an absolute link without its base, but for the base's scheme
    return urljoin(f"{scheme}://", href)


def _sort_link(
    links: Links,
    anchor: etree._Element,
    base: str,
    sites: frozenset[str],
    seen: set[str],
    next_links: set[str],
) -> None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith("#"):
        return
    try:
        target = _join(base, href).split("#", 1)[0]
    except ValueError:
        return
    shape = url_shape(target)
    if shape.blocked or shape.canonical in seen or not same_site(target, sites):
        return
    text = normalize_space(element_text(anchor)).lower()
    rel = (anchor.get("rel") or "").lower().split()
    rel_next = "next" in rel or target in next_links
    # WordPress marks the next story rel="next" too: a story-shaped target is a story
    if shape.pagination or text in NEXT_TEXTS or (rel_next and not shape.article):
        links.pagination.append(target)
    elif shape.article:
        links.articles.append(target)
    elif shape.listing:
        links.listings.append(target)
    else:
        return
    seen.add(shape.canonical)
