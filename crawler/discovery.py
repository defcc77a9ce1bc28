"""Discovery beyond links: advertised feeds, RSS/Atom/JSON feeds, sitemaps and robots.txt.

Pure functions over bytes and strings, so a re-crawl can ask a site what changed without
walking its pages. Only http(s) URLs ever come out; XML is parsed without entity expansion,
DTDs or network access, and gzip bodies are inflated only up to a fixed cap.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawler.clock import format_time
from crawler.extraction.bounds import bounded_markup
from crawler.urls import is_web_url

# Media types of a <link rel="alternate"> that advertises a feed.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})
# Atom link types that name the page itself rather than media or another format.
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})
# The "version" of a JSON Feed (1 and 1.1).
JSON_FEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/1(?:\.\d+)?/?")
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"

# Element names (lower case, any namespace) that date an item, in order of preference.
PUBLISHED_TAGS = ("pubdate", "published", "issued", "date", "created")
MODIFIED_TAGS = ("updated", "modified")
# Names under which an RSS item carries its link; feedburner:origLink bypasses the redirector.
RSS_LINK_TAGS = ("origlink", "link")

# Decompressed size past which a gzip body is refused: the sitemap protocol's own limit.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
# URLs one sitemap may list (the protocol's limit); more are counted as dropped.
MAX_SITEMAP_ENTRIES = 50_000
# Bytes inflated per step: what inflating holds in memory before the size is known.
INFLATE_STEP = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
# A UTF-8 byte order mark and whitespace before the first character of content.
LEADING_SPACE = re.compile(rb"(?:\xef\xbb\xbf)?\s*")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
WEB_PREFIXES = ("http://", "https://")
# What browsers strip from both ends of an href: ASCII controls and space.
HREF_PADDING = "".join(map(chr, range(0x21)))

# Years a news date can carry; outside them it is a CMS placeholder (0000) or a typo (20250).
MIN_YEAR = 1800
MAX_YEAR = 2100
# W3C datetime, the ISO 8601 profile of sitemaps and Atom; year or year-month alone allowed.
W3C_DATETIME = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?)?)?"
    r"\s*(?P<zone>[Zz]|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)
# A robots.txt "Sitemap:" line; the value stops at whitespace or a comment.
ROBOTS_SITEMAP = re.compile(r"^[ \t]*sitemap[ \t]*:[ \t]*([^\s#]+)", re.IGNORECASE | re.MULTILINE)
# A robots.txt rule line.
ROBOTS_RULE = re.compile(rb"^[ \t]*(?:dis)?allow[ \t]*:", re.IGNORECASE | re.MULTILINE)
# A path word naming a Google News sitemap (news-sitemap.xml, sitemap_googlenews.xml.gz).
NEWS_SITEMAP_WORD = re.compile(r"(?<![a-z])(?:google)?news(?![a-z])", re.IGNORECASE)

SitemapKind = Literal["urlset", "sitemapindex", "unknown"]


@dataclass(frozen=True)
class Entry:
    """One discovered URL with what the feed or sitemap says about it."""

    url: str
    published: str | None = None
    modified: str | None = None
    title: str | None = None

    @property
    def latest(self) -> str | None:
        """The more recent of the published and modified dates, if any."""
        return max((d for d in (self.published, self.modified) if d), default=None)


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: page entries of a urlset, or child sitemaps of a sitemapindex."""

    kind: SitemapKind = "unknown"
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)
    dropped: int = 0  # entries past the cap on entries per sitemap


def iso_date(value: str | None) -> str | None:
    """A W3C/ISO 8601 or RFC 822 date as "YYYY-MM-DDTHH:MM:SSZ" in UTC, or None."""
    if not value or not (text := value.strip()):
        return None
    # a sitemap and a feed of the same site repeat their stories' dates; only short texts
    # are remembered, so a hostile one of megabytes is not kept thousands of times
    return _remembered_date(text) if len(text) <= 64 else _read_date(text)


@lru_cache(maxsize=4096)
def _remembered_date(text: str) -> str | None:
    return _read_date(text)


def _read_date(text: str) -> str | None:
    try:
        if match := W3C_DATETIME.fullmatch(text):
            moment = _w3c_datetime(match)
        else:
            moment = parsedate_to_datetime(text)
        if moment.tzinfo is None:  # no zone, or RFC 822's -0000 "unknown": read as UTC
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return format_time(moment)


def _w3c_datetime(match: re.Match[str]) -> datetime:
    part = match.groupdict()
    zone = part["zone"]
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        tzinfo = timezone(-offset if zone[0] == "-" else offset)
    else:
        tzinfo = UTC
    return datetime(
        int(part["year"]),
        int(part["month"] or 1),
        int(part["day"] or 1),
        int(part["hour"] or 0),
        int(part["minute"] or 0),
        int(part["second"] or 0),
        tzinfo=tzinfo,
    )


def absolute_web_url(href: str | None, base_url: str | None) -> str | None:
    """The href resolved against the base when the result is an http(s) URL, else None."""
    if not href or not (href := href.strip(HREF_PADDING)):
        return None
    url = href
    if not href[:8].lower().startswith(WEB_PREFIXES):  # skip urljoin, slow over 50,000 locs
        try:
            url = urljoin(base_url or "", href)
        except ValueError:  # a malformed host such as "http://[::1"
            return None
    return url if is_web_url(url) else None


def feed_links(html: str, base_url: str) -> list[str]:
    """The RSS, Atom and JSON feeds a page advertises, absolute, in page order."""
    root = _parse_html(html)
    if root is None:
        return []
    base = base_url
    for element in root.iter("base"):
        if href := element.get("href"):
            base = absolute_web_url(href, base_url) or base_url
            break
    links = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        media_type = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and media_type in FEED_TYPES:
            links.append(absolute_web_url(link.get("href"), base))
    return _unique(url for url in links if url)


def parse_feed(data: bytes, base_url: str) -> list[Entry]:
    """The items of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document; [] for anything else."""
    body = _inflate(data)
    if body is None:
        return []
    if _first_byte(body) == b"{":
        return _json_feed(body, base_url)
    root = _parse_xml(body, base_url)
    if root is None:
        return []
    kind = _local(root)
    if kind in ("rss", "rdf"):
        containers = [root, *_children(root, "channel")]
        items = [item for parent in containers for item in _children(parent, "item")]
        entries = [_rss_entry(item, base_url) for item in items]
    elif kind == "feed":
        entries = [_atom_entry(entry) for entry in _children(root, "entry")]
    elif kind == "entry":  # an Atom entry document
        entries = [_atom_entry(root)]
    else:
        return []
    return _unique_entries(entry for entry in entries if entry)


def parse_sitemap(data: bytes, base_url: str, max_entries: int = MAX_SITEMAP_ENTRIES) -> Sitemap:
    """A sitemap in XML (urlset or sitemapindex, gzip or not) or plain text (one URL a line).

    The XML is parsed as a stream, each entry dropped from memory once read; entries past
    `max_entries` (the protocol's 50,000) are counted in `dropped`, not kept.
    """
    body = _inflate(data)
    if body is None:
        return Sitemap()
    if _first_byte(body) != b"<" and not body.startswith(UTF16_BOMS):
        return _text_sitemap(body, max_entries)
    kind: str | None = None
    found: dict[str, Entry] = {}
    dropped = 0
    depth = 0
    try:
        for event, element in etree.iterparse(
                io.BytesIO(body[_start(body):]), events=("start", "end"), resolve_entities=False,
                no_network=True, huge_tree=False, recover=True, load_dtd=False,
                remove_comments=True, remove_pis=True):
            if event == "start":
                depth += 1
                if kind is None:
                    kind = _local(element)
                    if kind not in ("urlset", "sitemapindex"):
                        return Sitemap()
                continue
            depth -= 1
            if depth != 1:
                continue
            if _local(element) in ("url", "sitemap"):
                if len(found) >= max_entries:
                    dropped += 1  # counted, not read
                elif entry := (_url_entry if kind == "urlset" else _sitemap_entry)(
                        element, base_url):
                    found.setdefault(entry.url, entry)
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]  # what was read: a stream of a million entries stays small
    except (etree.LxmlError, ValueError):
        pass  # broken markup: keep what parsed before the break
    entries = list(found.values())
    if kind == "urlset":
        return Sitemap("urlset", entries=entries, dropped=dropped)
    if kind == "sitemapindex":
        return Sitemap("sitemapindex", sitemaps=entries, dropped=dropped)
    return Sitemap()


def bounded_robots_txt(body: bytes, max_bytes: int, max_rules: int) -> bytes:
    """The whole lines of a robots.txt within its first `max_bytes` and its first `max_rules`
    Allow/Disallow rules (RFC 9309: a crawler may stop reading after 500 KiB)."""
    if len(body) > max_bytes:
        body = body[: body.rfind(b"\n", 0, max_bytes + 1) + 1 or max_bytes]
    if body.count(b"llow") <= max_rules:  # the words Allow and Disallow: a cheap upper bound
        return body
    for rules, match in enumerate(ROBOTS_RULE.finditer(body), 1):
        if rules > max_rules:
            return body[: match.start()]
    return body


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """The sitemap URLs a robots.txt lists, absolute, in file order."""
    urls = (absolute_web_url(m.group(1), base_url) for m in ROBOTS_SITEMAP.finditer(robots_txt))
    return _unique(url for url in urls if url)


def is_news_sitemap_url(url: str) -> bool:
    """True when the URL's path names a news sitemap (news-sitemap.xml, sitemap_news.xml.gz)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return bool(NEWS_SITEMAP_WORD.search(path))


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Entries by their latest date, newest first; undated ones last, in their own order."""
    return sorted(entries, key=lambda entry: entry.latest or "", reverse=True)


def changed_since(entries: Iterable[Entry], since: str | None) -> list[Entry]:
    """Entries dated at or after `since`, plus undated ones; all of them if `since` is no date."""
    cutoff = iso_date(since)
    if cutoff is None:
        return list(entries)
    return [entry for entry in entries if entry.latest is None or entry.latest >= cutoff]


def _inflate(data: bytes) -> bytes | bytearray | None:
    """The data, gunzipped when it starts with the gzip magic; None past the size cap."""
    if not data.startswith(GZIP_MAGIC):
        return data
    # Inflate twice, first only counting, so a bomb costs time but never memory, then
    # into a buffer of the counted size.
    size = 0
    try:
        for chunk in _gunzip_steps(data):
            size += len(chunk)
            if size > MAX_DECOMPRESSED_BYTES:
                return None
        out = bytearray(size)
        position = 0
        for chunk in _gunzip_steps(data):
            out[position : position + len(chunk)] = chunk
            position += len(chunk)
    except zlib.error:
        return None
    return out


def _gunzip_steps(data: bytes) -> Iterator[bytes]:
    """The inflated bytes of each gzip member in turn, at most one step at a time."""
    pending = data
    while pending.startswith(GZIP_MAGIC):  # a gzip file may hold several members
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while not inflater.eof:
            chunk = inflater.decompress(pending, INFLATE_STEP)
            pending = inflater.unconsumed_tail
            if not (chunk or pending):
                return  # truncated: keep what arrived, as the XML parser recovers
            yield chunk
        pending = inflater.unused_data


def _start(data: bytes | bytearray) -> int:
    """Where the content starts after a UTF-8 byte order mark and whitespace."""
    match = LEADING_SPACE.match(data)
    return match.end() if match else 0


def _first_byte(data: bytes | bytearray) -> bytes:
    start = _start(data)
    return bytes(data[start : start + 1])


def _parse_xml(data: bytes | bytearray, base_url: str) -> etree._Element | None:
    # No entity expansion, DTD loading or network access; libxml2's size limits stay on;
    # broken markup yields whatever parsed before the break.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        start = _start(data)  # libxml2 wants the XML declaration first
        return etree.fromstring(data[start:] if start else data, parser, base_url=base_url or None)
    except (etree.LxmlError, ValueError):
        return None


def _parse_html(html: str) -> etree._Element | None:
    parser = lxml_html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    try:
        return etree.fromstring(bounded_markup(html).encode("utf-8", "replace"), parser)
    except (etree.LxmlError, ValueError):
        return None


def _local(element: etree._Element) -> str:
    """The lower-case tag name without namespace; "" for entities and other non-elements."""
    tag = element.tag
    return _local_name(tag) if isinstance(tag, str) else ""


@lru_cache(maxsize=512)
def _local_name(tag: str) -> str:
    # a feed or sitemap repeats a handful of tags thousands of times
    return tag.rsplit("}", 1)[-1].lower()


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element if _local(child) == name)


def _text(element: etree._Element) -> str:
    """The element's text with whitespace collapsed, leaving out unexpanded entities."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):  # an entity's tag is not
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _url_text(element: etree._Element) -> str | None:
    """The URL an element holds as text, or None when an unexpanded entity garbles it."""
    if any(node.tag is etree.Entity for node in element.iter()):
        return None
    return _text(element)


def _first_date(element: etree._Element, names: tuple[str, ...]) -> str | None:
    for name in names:
        for child in _children(element, name):
            if date := iso_date(_text(child)):
                return date
    return None


def _title(element: etree._Element) -> str | None:
    for child in _children(element, "title"):
        text = _text(child)
        if text and (child.get("type") or "").lower() == "html":  # Atom: escaped markup
            text = _html_text(text)
        if text:
            return text
    return None


def _html_text(markup: str) -> str:
    try:
        fragment = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.LxmlError, ValueError):
        return markup
    return " ".join(fragment.text_content().split())


def _rss_entry(item: etree._Element, base_url: str) -> Entry | None:
    url = _rss_link(item, base_url)
    if url is None:
        return None
    published = _first_date(item, PUBLISHED_TAGS)
    return Entry(url, published, _first_date(item, MODIFIED_TAGS), _title(item))


def _rss_link(item: etree._Element, base_url: str) -> str | None:
    for name in RSS_LINK_TAGS:
        for link in _children(item, name):
            if link.get("href") is not None:  # an atom:link inside an RSS item
                href = link.get("href") if _is_alternate(link) else None
            else:
                href = _url_text(link)
            if url := absolute_web_url(href, link.base or base_url):
                return url
    for guid in _children(item, "guid"):
        # a guid is an identifier, a link only when it says so (the default) and is absolute
        if (guid.get("isPermaLink") or "true").strip().lower() != "false":
            guid_url = _url_text(guid)
            if guid_url and is_web_url(guid_url):
                return guid_url
    return absolute_web_url(item.get(RDF_ABOUT), base_url)  # RSS 1.0


def _atom_entry(entry: etree._Element) -> Entry | None:
    alternates = [link for link in _children(entry, "link") if _is_alternate(link)]
    # several alternates differ in type or language: the HTML page comes first
    alternates.sort(key=lambda link: (link.get("type") or "").lower() not in HTML_TYPES)
    for link in alternates:
        if url := absolute_web_url(link.get("href"), link.base):
            published = _first_date(entry, PUBLISHED_TAGS)
            return Entry(url, published, _first_date(entry, MODIFIED_TAGS), _title(entry))
    return None


def _is_alternate(link: etree._Element) -> bool:
    rel = (link.get("rel") or "alternate").strip().lower()
    return rel.rsplit("/", 1)[-1] == "alternate"  # also the IANA URI form of the name


def _json_feed(data: bytes | bytearray, base_url: str) -> list[Entry]:
    try:
        feed = json.loads(data)
    except (ValueError, RecursionError):
        return []
    if not isinstance(feed, dict) or not JSON_FEED_VERSION.fullmatch(str(feed.get("version"))):
        return []
    items = feed.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        url = absolute_web_url(_json_str(item, "url"), base_url)
        if url is None and is_web_url(_json_str(item, "id") or ""):
            url = _json_str(item, "id")
        if url:
            title = " ".join((_json_str(item, "title") or "").split()) or None
            published = iso_date(_json_str(item, "date_published"))
            entries.append(Entry(url, published, iso_date(_json_str(item, "date_modified")), title))
    return _unique_entries(entries)


def _json_str(item: dict[str, object], key: str) -> str | None:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else None


def _url_entry(url: etree._Element, base_url: str | None = None) -> Entry | None:
    location = _location(url, base_url)
    if location is None:
        return None
    modified = _first_date(url, ("lastmod",))
    news = next(_children(url, "news"), None)  # Google News sitemap
    if news is None:
        return Entry(location, modified=modified)
    published = _first_date(news, ("publication_date",))
    return Entry(location, published, modified, _title(news))


def _sitemap_entry(sitemap: etree._Element, base_url: str | None = None) -> Entry | None:
    location = _location(sitemap, base_url)
    if location is None:
        return None
    return Entry(location, modified=_first_date(sitemap, ("lastmod",)))


def _location(element: etree._Element, base_url: str | None = None) -> str | None:
    for loc in _children(element, "loc"):
        if url := absolute_web_url(_url_text(loc), loc.base or base_url):
            return url
    return None


def _text_sitemap(data: bytes | bytearray, max_entries: int) -> Sitemap:
    # the protocol asks for absolute URLs, and only they tell a URL list from any other text
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    lines = (line.strip() for line in text.splitlines())
    urls = (line for line in lines if is_web_url(line) and len(line.split()) == 1)
    entries = _unique_entries(Entry(url) for url in urls)
    kept = entries[:max_entries]
    return Sitemap("urlset", entries=kept, dropped=len(entries) - len(kept)) if entries else (
        Sitemap())


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def _unique_entries(entries: Iterable[Entry]) -> list[Entry]:
    """The entries with each URL once, at its first place."""
    first: dict[str, Entry] = {}
    for entry in entries:
        first.setdefault(entry.url, entry)
    return list(first.values())
