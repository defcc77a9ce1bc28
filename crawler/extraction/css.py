"""A small CSS matcher over a per-page index of classes, ids and tags.

libxml2 evaluates a class selector by string functions on every element, which costs
milliseconds per selector group on a news page. The named selectors here use a subset of CSS
(tags, classes, ids, attribute tests, descendant and child combinators), so a page is indexed
once by class, id and tag and each group is answered from the index in microseconds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

_COMPOUND = re.compile(
    r"""(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?
        (?P<rest>(?:[.\#][\w-]+|\[[^\]]+\])*)$""",
    re.VERBOSE,
)
_PART = re.compile(r"[.#][\w-]+|\[[^\]]+\]")
_ATTR = re.compile(
    r"""^\[\s*(?P<name>[\w:-]+)\s*(?:(?P<op>[~^$*|]?=)\s*(?P<q>['"]?)(?P<value>.*?)(?P=q))?\s*\]$"""
)


# Above this many elements in an index bucket, a compound's attribute tests run as one XPath
# in C; below it, testing the bucket's elements in Python is cheaper than walking the tree.
PREFILTER_ABOVE = 40


# Every attribute a parsed selector tests: a page files its elements under all of them at once.
ATTRIBUTE_NAMES: set[str] = set()


class CSSError(ValueError):
    """A selector outside the subset this matcher reads."""


def _attr_ok(value: str | None, op: str, expected: str) -> bool:
    if value is None:
        return False
    if op == "":
        return True
    if op == "=":
        return value == expected
    if op == "~=":
        return expected in value.split()
    if op == "^=":
        return value.startswith(expected)
    if op == "$=":
        return value.endswith(expected)
    if op == "*=":
        return expected in value
    return value == expected or value.startswith(expected + "-")  # |=


@dataclass(frozen=True)
class Compound:
    """One compound selector: tag, classes, id and attribute tests on one element."""

    tag: str | None = None
    classes: frozenset[str] = frozenset()
    id: str | None = None
    attrs: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> Compound:
        """A compound from its CSS text; CSSError outside the subset."""
        match = _COMPOUND.match(text)
        if not match or not text:
            raise CSSError(f"unsupported selector {text!r}")
        tag = match["tag"] if match["tag"] not in (None, "*") else None
        classes, ident, attrs = set(), None, []
        for part in _PART.findall(match["rest"]):
            if part[0] == ".":
                classes.add(part[1:])
            elif part[0] == "#":
                ident = part[1:]
            else:
                attr = _ATTR.match(part)
                if not attr:
                    raise CSSError(f"unsupported attribute test {part!r}")
                attrs.append((attr["name"].lower(), attr["op"] or "", attr["value"] or ""))
                ATTRIBUTE_NAMES.add(attrs[-1][0])
        return cls(tag.lower() if tag else None, frozenset(classes), ident, tuple(attrs))

    @property
    def key(self) -> tuple[str, str]:
        """The index bucket that holds every element this compound can match."""
        if self.id:
            return ("id", self.id)
        if self.classes:
            return ("class", min(self.classes))
        if self.tag:
            return ("tag", self.tag)
        if self.attrs:
            return ("attr", self.attrs[0][0])
        return ("all", "")

    @functools.cached_property
    def prefilter(self) -> etree.XPath | None:
        """An XPath that finds a superset of this compound's matches in C, or None.

        For a compound of attribute tests on a common tag (``a[href="#top"]``) or on any
        element (``[class^=ad-]``), where walking an index bucket in Python would visit
        hundreds of elements to keep a few.
        """
        if self.id or self.classes or not self.attrs:
            return None
        tests = []
        for name, op, value in self.attrs:
            if "'" in value:
                return None
            if op == "":
                tests.append(f"@{name}")
            elif op == "=":
                tests.append(f"@{name}='{value}'")
            elif op in ("^=", "|="):
                tests.append(f"starts-with(@{name},'{value}')")
            else:  # ~=, $=, *=: the value is somewhere in the attribute
                tests.append(f"contains(@{name},'{value}')")
        return etree.XPath(f"descendant-or-self::{self.tag or '*'}[{' and '.join(tests)}]")

    def matches(self, el: etree._Element) -> bool:
        """True when the element satisfies every test of the compound."""
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.id is not None and el.get("id") != self.id:
            return False
        if self.classes and not self.classes.issubset((el.get("class") or "").split()):
            return False
        return all(_attr_ok(el.get(name), op, value) for name, op, value in self.attrs)


@dataclass(frozen=True)
class Complex:
    """Compounds joined by descendant (" ") or child (">") combinators."""

    parts: tuple[Compound, ...]
    combinators: tuple[str, ...]  # between parts, left to right

    @classmethod
    def parse(cls, text: str) -> Complex:
        """A complex selector from its CSS text; CSSError outside the subset."""
        tokens = re.split(r"\s*(>)\s*|\s+", text.strip())
        parts: list[Compound] = []
        combinators: list[str] = []
        pending = " "
        for token in tokens:
            if token is None or token == "":
                continue
            if token == ">":
                pending = ">"
                continue
            if parts:
                combinators.append(pending)
            parts.append(Compound.parse(token))
            pending = " "
        if not parts:
            raise CSSError(f"empty selector {text!r}")
        return cls(tuple(parts), tuple(combinators))

    @property
    def key(self) -> tuple[str, str]:
        """The index bucket that holds every element this selector can match."""
        return self.parts[-1].key

    @functools.cached_property
    def anchor(self) -> Compound | None:
        """The rare part to search down from (".byline" of ".byline a"), or None."""
        last = self.parts[-1]
        if last.id or last.classes:
            return None
        return next((p for p in self.parts[:-1] if p.id or p.classes), None)

    @functools.cached_property
    def lookup(self) -> tuple[str, str]:
        """The index bucket find() starts from: empty there means no match on the page."""
        return self.anchor.key if self.anchor is not None else self.parts[-1].key

    def find(self, index: TreeIndex) -> list[etree._Element]:
        """The elements of an indexed page this selector matches."""
        last, anchor = self.parts[-1], self.anchor
        if anchor is None:
            candidates = index.bucket(last.key)
            if len(candidates) > PREFILTER_ABOVE and last.prefilter is not None:
                candidates = last.prefilter(index.root)
            return [el for el in candidates if self.matches(el)]
        # ".byline a": few bylines, many links; search down from the rare part
        found: list[etree._Element] = []
        for top in index.bucket(anchor.key):
            if anchor.matches(top):
                below = top.iter(last.tag or etree.Element)
                found.extend(el for el in below if el is not top and self.matches(el))
        return found

    def matches(self, el: etree._Element) -> bool:
        """True when the element matches the last compound and its ancestors the rest."""
        if not self.parts[-1].matches(el):
            return False
        return self._ancestors_match(el, len(self.parts) - 2)

    def _ancestors_match(self, el: etree._Element, i: int) -> bool:
        if i < 0:
            return True
        compound, combinator = self.parts[i], self.combinators[i]
        node = el.getparent()
        while node is not None:
            if compound.matches(node) and self._ancestors_match(node, i - 1):
                return True
            if combinator == ">":
                return False
            node = node.getparent()
        return False


class Rules:
    """A named group of CSS selectors, parsed once, answered from a page's TreeIndex."""

    def __init__(self, *selectors: str) -> None:
        self.css = tuple(s.strip() for group in selectors for s in group.split(",") if s.strip())
        self.selectors = tuple(Complex.parse(s) for s in self.css)

    def __add__(self, other: Rules) -> Rules:
        return Rules(*self.css, *other.css)

    def __repr__(self) -> str:
        return f"Rules({', '.join(self.css)})"

    def matches(self, el: etree._Element) -> bool:
        """True when any selector of the group matches the element."""
        return any(s.matches(el) for s in self.selectors)

    def select(self, index: TreeIndex) -> list[etree._Element]:
        """Every element of the indexed page the group matches, in document order."""
        found: dict[etree._Element, int] = {}
        order = index.order
        for selector in index.present(self.selectors):
            for el in selector.find(index):
                found[el] = order.get(el, 0)
        return sorted(found, key=found.__getitem__)

    def first(self, index: TreeIndex) -> etree._Element | None:
        """The first match in document order, or None."""
        found = self.select(index)
        return found[0] if found else None

    def each_in_order(self, index: TreeIndex) -> Iterator[list[etree._Element]]:
        """The matches of each selector in turn, in the order the group lists them."""
        for selector in index.present(self.selectors):
            yield sorted(selector.find(index), key=lambda el: index.order.get(el, 0))


_XPATH_NAME = re.compile(r"^[a-zA-Z_][\w-]*$")
_CLASSED = etree.XPath("descendant-or-self::*[@class]")
_WITH_ID = etree.XPath("descendant-or-self::*[@id]")


class TreeIndex:
    """Elements of one page by class token, id and tag, with their document order."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.order: dict[etree._Element, int] = {
            el: i for i, el in enumerate(root.iter(etree.Element))}
        self.by_class: dict[str, list[etree._Element]] = {}
        self.by_id: dict[str, list[etree._Element]] = {}
        self._by_tag: dict[str, list[etree._Element]] = {}  # filled on demand
        self._by_attr: dict[str, list[etree._Element]] = {}
        by_class, by_id = self.by_class, self.by_id
        classed, with_id = _CLASSED(root), _WITH_ID(root)
        for el in classed:
            for token in el.get("class").split():
                by_class.setdefault(token, []).append(el)
        for el in with_id:
            by_id.setdefault(el.get("id"), []).append(el)
        self._by_attr["class"], self._by_attr["id"] = classed, with_id

    def present(self, selectors: Iterable[Complex]) -> Iterator[Complex]:
        """The selectors that may match on this page: a class or id it never uses rules out
        most of a long group (hundreds of noise selectors) with one lookup each."""
        by_class, by_id = self.by_class, self.by_id
        for selector in selectors:
            kind, value = selector.lookup
            if (kind == "class" and value not in by_class) or (kind == "id" and value not in by_id):
                continue
            yield selector

    def bucket(self, key: tuple[str, str]) -> Sequence[etree._Element]:
        """The elements filed under an index key."""
        kind, value = key
        if kind == "class":
            return self.by_class.get(value, ())
        if kind == "id":
            return self.by_id.get(value, ())
        if kind == "tag":
            if value not in self._by_tag:
                self._by_tag[value] = list(self.root.iter(value))
            return self._by_tag[value]
        if kind == "attr":
            if value not in self._by_attr:
                self._file_attributes(value)
            return self._by_attr[value]
        return list(self.order)

    def _file_attributes(self, wanted: str) -> None:
        """File the elements under every selector attribute not filed yet, in one walk."""
        if not _XPATH_NAME.match(wanted):  # xml:lang: no XPath name without a namespace
            self._by_attr[wanted] = [el for el in self.root.iter(etree.Element)
                                     if el.get(wanted) is not None]
            return
        names = sorted(n for n in (ATTRIBUTE_NAMES | {wanted}) - self._by_attr.keys()
                       if _XPATH_NAME.match(n))
        for name in names:
            self._by_attr[name] = []
        test = " or ".join(f"@{name}" for name in names)
        for el in self.root.xpath(f"descendant-or-self::*[{test}]"):
            for name in names:
                if el.get(name) is not None:
                    self._by_attr[name].append(el)

    def filled(self) -> tuple[frozenset, frozenset]:
        """The tag and attribute buckets filed so far."""
        return frozenset(self._by_tag), frozenset(self._by_attr)

    def forget(self, filled: tuple[frozenset, frozenset]) -> None:
        """Drop the buckets filed since `filled`: they saw the tree as it then was."""
        tags, attrs = filled
        for key in self._by_tag.keys() - tags:
            del self._by_tag[key]
        for key in self._by_attr.keys() - attrs:
            del self._by_attr[key]

    def attached(self, el: etree._Element, within: etree._Element | None = None) -> bool:
        """True when the element is still in the page (and inside `within` when given)."""
        inside = within is None
        node = el
        while node is not None:
            if node is within:
                inside = True
            if node is self.root:
                return inside
            node = node.getparent()
        return False
