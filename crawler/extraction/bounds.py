"""Bounds on the work one page may cost before lxml parses it.

lxml's HTML parser takes time quadratic in the attributes of one tag (checking each new one
against those before): a tag with 40,000 attributes takes 40 s, one with 250,000 hours, in the
crawl's only thread. No real page needs more than a few dozen attributes on a tag, so each tag
is cut to its first MAX_ATTRIBUTES before parsing; the rest of the page is left as it is.
"""

from __future__ import annotations

import re
from typing import overload

MAX_ATTRIBUTES = 256  # attributes kept per tag; the parse of such a tag takes milliseconds
LONG_TAG_CHARS = 4096  # tags shorter than this cannot hold a harmful number of attributes

_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{LONG_TAG_CHARS},}}")
_ATTRIBUTE = re.compile(r"""[\s/]*[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_TAG_NAME = re.compile(r"<[A-Za-z][^\s/<>]*")
_LONG_TAG_BYTES = re.compile(_LONG_TAG.pattern.encode())


def _cut(tag: str) -> str:
    name = _TAG_NAME.match(tag)
    position = name.end() if name else 1
    for count, attribute in enumerate(_ATTRIBUTE.finditer(tag, position), 1):
        if count == MAX_ATTRIBUTES:
            return tag[: attribute.end()]
    return tag


@overload
def bounded_markup(html: str) -> str: ...
@overload
def bounded_markup(html: bytes) -> bytes: ...
@overload
def bounded_markup(html: None) -> None: ...
def bounded_markup(html: str | bytes | None) -> str | bytes | None:
    """The markup with every tag cut to its first MAX_ATTRIBUTES attributes."""
    if not html or len(html) <= LONG_TAG_CHARS:
        return html
    if isinstance(html, bytes):
        if not _LONG_TAG_BYTES.search(html):
            return html
        return _LONG_TAG_BYTES.sub(
            lambda m: _cut(m.group(0).decode("latin-1")).encode("latin-1"), html)
    if not _LONG_TAG.search(html):
        return html
    return _LONG_TAG.sub(lambda m: _cut(m.group(0)), html)
