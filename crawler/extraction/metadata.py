"""What a page says about itself: JSON-LD, OpenGraph and other meta tags, link relations."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.extraction.text import normalize_space, unescape

# schema.org types of a single story.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "scholarlyarticle",
        "techarticle",
        "report",
        "liveblogposting",
        "socialmediaposting",
        "posting",
        "review",
        "medicalscholarlyarticle",
        "advertisercontentarticle",
    }
)
# schema.org types of a page that lists stories.
LISTING_TYPES = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "blog", "mediagallery"}
)

# Some CMSs (and pages saved by some tools) write a meta tag's value in `value`, not `content`.
_META = etree.XPath("//meta[@content or @value]")
_LINKS = etree.XPath("//link[@rel][@href]")
_JSONLD = etree.XPath("//script[@type][contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
_HTML_LANG = etree.XPath("/html/@lang | /html/@xml:lang")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
# JSON-LD nested deeper than this is refused unparsed: the JSON parser recurses per level, and
# Python's recursion limit (1000) would lose the whole page. Real markup nests under 20 levels.
JSONLD_MAX_DEPTH = 64
# What pages wrap a script's JSON in, for parsers of old: "<!-- ... -->", "<![CDATA[ ... ]]>",
# "//<![CDATA[ ... //]]>", "/*<![CDATA[*/ ... /*]]>*/", one inside the other. Their marks are
# taken off each end one at a time: a pattern with blanks on both sides of a repeated group
# would be tried at every blank of a long run of them, quadratic in a hostile page.
_WRAPPER_STARTS = ("<![CDATA[", "<!--", "//", "/*", "*/")
_WRAPPER_ENDS = ("]]>", "-->", "//", "/*", "*/", ";")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > JSONLD_MAX_DEPTH:
            return True
    return False


def _loads(text: str) -> Any:
    text = text.strip()
    while start := next((m for m in _WRAPPER_STARTS if text.startswith(m)), None):
        text = text[len(start):].lstrip()
    while end := next((m for m in _WRAPPER_ENDS if text.endswith(m)), None):
        text = text[: -len(end)].rstrip()
    if _too_deep(text):
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:  # a common CMS bug: trailing commas
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        return None


def _walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            yield value
        graph = value.get("@graph")
        if graph is not None:
            yield from _walk(graph, depth + 1)
        main = value.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk(main, depth + 1)


def types_of(obj: dict[str, Any]) -> set[str]:
    """The lower-case schema.org type names of a JSON-LD object."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, a list or an object."""
    if isinstance(value, str):
        return normalize_space(unescape(value)) or None
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "headline", "text"):
            if key in value:
                return text_of(value[key])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def names_of(value: Any) -> list[str]:
    """Person or organisation names from a JSON-LD author value (string, object or list)."""
    if isinstance(value, str):
        return [unescape(value)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [n for n in name if isinstance(n, str)]
        if isinstance(name, str):
            return [name]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) or isinstance(family, str):
            return [" ".join(p for p in (given, family) if isinstance(p, str))]
        return []
    if isinstance(value, list):
        return [n for item in value for n in names_of(item)]
    return []


@dataclass
class Metadata:
    """The meta tags, link relations and JSON-LD objects of one page."""

    meta: dict[str, list[str]] = field(default_factory=dict)  # name/property -> contents
    links: dict[str, list[str]] = field(default_factory=dict)  # rel -> hrefs
    objects: list[dict[str, Any]] = field(default_factory=list)  # every typed JSON-LD object
    html_lang: str | None = None

    @classmethod
    def from_tree(cls, tree: etree._Element) -> Metadata:
        """Read the metadata of a parsed page."""
        found = cls()
        for el in _META(tree):
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            content = el.get("content") or el.get("value")
            if key and content and content.strip():
                found.meta.setdefault(key.strip().lower(), []).append(unescape(content.strip()))
        for el in _LINKS(tree):
            href = el.get("href", "").strip()
            if href:
                for rel in el.get("rel", "").lower().split():
                    found.links.setdefault(rel, []).append(href)
        for script in _JSONLD(tree):
            if script.text:
                found.objects.extend(_walk(_loads(script.text)))
        langs = _HTML_LANG(tree)
        found.html_lang = normalize_space(langs[0]) if langs else None
        return found

    def first(self, *keys: str) -> str | None:
        """The first non-empty content among meta tags with these names, in order."""
        for key in keys:
            for value in self.meta.get(key, ()):
                value = normalize_space(value)
                if value:
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        """Every content of meta tags with these names, in order."""
        return [v for key in keys for v in self.meta.get(key, ())]

    def link(self, rel: str) -> str | None:
        """The first href of a link relation."""
        values = self.links.get(rel)
        return values[0] if values else None

    def types(self) -> set[str]:
        """Every schema.org type the page declares."""
        return {t for obj in self.objects for t in types_of(obj)}

    def articles(self) -> list[dict[str, Any]]:
        """The JSON-LD objects that describe a story."""
        return [obj for obj in self.objects if types_of(obj) & ARTICLE_TYPES]

    def article_value(self, *keys: str) -> Any:
        """The first value of these keys in the page's article objects."""
        for obj in self.articles():
            for key in keys:
                value = obj.get(key)
                if value not in (None, "", [], {}):
                    return value
        return None
