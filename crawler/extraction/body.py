"""The article text: find the main text block, strip the modules inside it, join its paragraphs."""

from __future__ import annotations

from lxml import etree, html

from crawler.extraction import selectors as sel
from crawler.extraction.text import normalize_space

# Elements that start a new paragraph in the text.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "address",
        "center",
        "details",
        "summary",
        "hr",
        "br",
        "form",
        "fieldset",
        "legend",
    ]
)
# Elements whose text counts as paragraph text when scoring a container.
TEXT_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd")
# A container must hold this many characters of paragraph text to be believed.
MIN_CONTAINER_CHARS = 200
# Candidates within this share of the best score count as the same block (the deeper wins).
SAME_BLOCK_SHARE = 0.9
# A noise box matched only by a class word keeps its place when it holds this share of the text.
GUARD_SHARE = 0.5
# Blocks whose text is mostly links (menus, teaser lists) are dropped above this share.
MAX_LINK_DENSITY = 0.6

_PARSER = html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8", no_network=True
)
_DIRECT_TEXT = etree.XPath("text()")
_EMPTY = b"<html><head></head><body></body></html>"
# Global noise: page chrome and modules removed before the text block is located.
_PAGE_NOISE = (
    sel.PAGE_CHROME,
    sel.RELATED,
    sel.COMMENTS,
    sel.PREV_NEXT,
    sel.SHARE_BARS,
    sel.NEWSLETTERS,
    sel.ADS,
    sel.AUTHOR_BIOS,
    sel.DATE_BARS,
    sel.READ_TIMES,
    sel.BACK_TO_TOP,
    sel.FORMS,
)


def parse_html(text: str | bytes | None) -> html.HtmlElement:
    """The lxml tree of a page; an empty document for anything unparsable."""
    if isinstance(text, str):
        data = text.replace("\x00", "").encode("utf-8", "replace")
    elif isinstance(text, bytes):
        data = text.replace(b"\x00", b"")
    else:
        data = b""
    root = None
    if data.strip():
        try:
            root = etree.fromstring(data, _PARSER)
        except (etree.Error, ValueError):
            root = None
    if root is None or not isinstance(root.tag, str):
        root = etree.fromstring(_EMPTY, _PARSER)
    return root


def text_length(el: etree._Element) -> int:
    """Characters of text in an element, whitespace collapsed."""
    return len(normalize_space(el.text_content()))


def paragraph_chars(el: etree._Element) -> int:
    """Characters of text in the paragraph-like elements of a block, and its direct text."""
    total = 0
    for child in el.iter(*TEXT_TAGS):
        if child.tag in ("blockquote", "li", "dd") and child.find(".//p") is not None:
            continue  # counted through its paragraphs
        total += len((child.text_content() or "").strip())
    for piece in _DIRECT_TEXT(el):
        total += len(piece.strip())
    return total


def link_density(el: etree._Element) -> float:
    """Share of an element's text that sits inside links."""
    total = text_length(el)
    if not total:
        return 0.0
    linked = sum(len(normalize_space(a.text_content())) for a in el.iter("a"))
    return min(1.0, linked / total)


def _ancestors(el: etree._Element) -> set[etree._Element]:
    found = set()
    node = el
    while node is not None:
        found.add(node)
        node = node.getparent()
    return found


def remove(el: etree._Element) -> None:
    """Remove an element, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def strip_groups(
    root: etree._Element, groups: tuple[etree.XPath, ...], keep: set[etree._Element] = frozenset()
) -> None:
    """Remove every element the selector groups match, except those in keep."""
    for xpath in groups:
        for el in xpath(root):
            if el not in keep and el is not root:
                remove(el)


def _guarded_strip(root: etree._Element, groups: tuple[etree.XPath, ...]) -> None:
    # Page-wide noise never takes the article with it: a match that holds most of the page's
    # paragraph text (a theme that calls its whole post "share-enabled") stays.
    total = paragraph_chars(root) or 1
    for xpath in groups:
        for el in xpath(root):
            if el is root or el.tag in ("html", "body") or el.getparent() is None:
                continue
            if len(el) > 3 and paragraph_chars(el) > GUARD_SHARE * total:
                continue
            remove(el)


def _strip_noise_words(container: etree._Element) -> None:
    total = paragraph_chars(container) or 1
    for el in sel.NOISE_WORD_CANDIDATES(container):
        if el is container or el.getparent() is None:
            continue
        words = f"{el.get('class', '')} {el.get('id', '')}"
        if not sel.NOISE_WORDS.search(words):
            continue
        if len(el) > 1 and paragraph_chars(el) > GUARD_SHARE * total:
            continue
        remove(el)


def _strip_link_lists(container: etree._Element) -> None:
    for el in list(container.iter("ul", "ol", "div", "section", "table", "p", "dl")):
        if el is container or el.getparent() is None:
            continue
        length = text_length(el)
        if not length:
            continue
        if el.tag == "p":
            text = normalize_space(el.text_content())
            if sel.TEASER_LEAD.match(text) and el.find(".//a") is not None:
                remove(el)
            continue
        if length < 1000 and link_density(el) > MAX_LINK_DENSITY:
            remove(el)


def _best(candidates: list[etree._Element]) -> etree._Element | None:
    scored = [(paragraph_chars(el), el) for el in candidates]
    scored = [(score, el) for score, el in scored if score >= MIN_CONTAINER_CHARS]
    if not scored:
        return None
    top = max(score for score, _ in scored)
    near = [el for score, el in scored if score >= SAME_BLOCK_SHARE * top]
    # of nested candidates holding the same text, the deepest is the tightest
    for el in near:
        if not any(other is not el and el in _ancestors(other) for other in near):
            return el
    return near[0]


def _densest(root: etree._Element) -> etree._Element | None:
    scores: dict[etree._Element, float] = {}
    for p in root.iter("p", "pre", "blockquote"):
        length = len((p.text_content() or "").strip())
        if length < 25:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + length
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + length / 2
    if not scores:
        return None
    best = max(scores, key=lambda el: scores[el] * (1 - link_density(el)))
    # widen to the parent while siblings hold much more of the text
    for _ in range(3):
        parent = best.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if paragraph_chars(parent) < 1.3 * paragraph_chars(best) or link_density(parent) > 0.3:
            break
        best = parent
    return best


def find_container(
    root: etree._Element, xpaths: tuple[etree.XPath, ...] = ()
) -> etree._Element | None:
    """The element holding the article text: a profile's selector, a named block, or the densest."""
    for xpath in xpaths:
        found = _best(xpath(root))
        if found is not None:
            return found
    found = _best(sel.BODY_CONTAINER(root))
    if found is not None:
        return found
    found = _best(sel.ARTICLE_LANDMARKS(root))
    densest = _densest(root)
    if found is not None and densest is not None and found in _ancestors(densest):
        return (
            densest
            if paragraph_chars(densest) >= SAME_BLOCK_SHARE * paragraph_chars(found)
            else found
        )
    return found if found is not None else densest


def paragraphs(el: etree._Element) -> list[str]:
    """The text of an element as paragraphs: one per block element, line break or list item."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = normalize_space("".join(buf))
            if text:
                out.append(text)
            buf.clear()

    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag in BLOCK_TAGS:
                flush()
            if node.text:
                buf.append(node.text)
        else:
            if tag in BLOCK_TAGS:
                flush()
            if node.tail and node is not el:
                buf.append(node.tail)
    flush()
    return out


def extract_body(
    root: etree._Element,
    body_xpaths: tuple[etree.XPath, ...] = (),
    noise_xpath: etree.XPath | None = None,
) -> list[str]:
    """The article's paragraphs. Prunes the tree in place: read every other field first."""
    strip_groups(root, (sel.NON_TEXT,))
    if noise_xpath is not None:
        _guarded_strip(root, (noise_xpath,))
    _guarded_strip(root, _PAGE_NOISE)
    container = find_container(root, body_xpaths)
    if container is None:
        return []
    strip_groups(container, sel.NOISE_GROUPS, keep={container})
    _strip_noise_words(container)
    _strip_link_lists(container)
    return paragraphs(container)
