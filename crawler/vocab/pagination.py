"""How listing URLs name their later pages: path words (/page/3/) and query keys (?page=3)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit

# Words a path puts before a page number (/page/3/, /seite/3/, /strona/3/), in many languages.
PATH_WORDS = frozenset({
    "page", "p", "pg", "pag",  # English, French; short forms
    "seite",  # German
    "pagina", "página",  # Italian, Dutch, Romanian; Spanish, Portuguese
    "strona",  # Polish
    "strana", "stranica", "stran",  # Czech, Slovak; Croatian, Serbian; Slovenian
    "sida", "side", "sivu",  # Swedish; Danish, Norwegian; Finnish
    "oldal",  # Hungarian
    "sayfa",  # Turkish
    "lapa", "puslapis",  # Latvian; Lithuanian
    "trang", "halaman",  # Vietnamese; Indonesian, Malay
    "страница", "сторінка", "σελίδα",  # Russian, Bulgarian; Ukrainian; Greek
})
# Query keys whose value is a page number (?page=3, ?paged=3, ?seite=3). Not "p": WordPress's
# ?p=123 names a post, not a page.
PAGE_KEYS = frozenset({
    "page", "paged", "pg", "pag", "pagenum", "page_num", "pageno", "pagenumber", "p_page",
    "seite", "pagina", "página", "strona", "strana", "stran", "sida", "side", "sivu", "oldal",
    "sayfa", "trang", "halaman",
})
# Query keys that page a listing by counting items, not pages (?offset=40, ?start=20).
OFFSET_KEYS = frozenset({"offset", "start"})

_WORDS = "|".join(sorted({form for word in PATH_WORDS for form in (re.escape(word), quote(word))},
                         key=len, reverse=True))
# A path ending in a page word and a number: /page/3/, /seite/3, /p%C3%A1gina/3/.
PAGE_PATH = re.compile(rf"/(?:{_WORDS})/(\d+)/?$", re.IGNORECASE)


def page_number(url: str) -> int | None:
    """The page number a listing URL names (/page/3/, ?page=3), None when it names none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    match = PAGE_PATH.search(parts.path)
    if match:
        return int(match.group(1))
    for key, value in parse_qsl(parts.query):
        if key.lower() in PAGE_KEYS and value.isdigit():
            return int(value)
    return None
