"""Text helpers: whitespace, paragraph joining, titles, author names and module text."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

PARAGRAPH_SEPARATOR = "\n\n"

# Control characters and invisible marks dropped from text; a zero-width space separates words.
_INVISIBLE = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, 0x2060, 0xFEFF, 0xAD]),
    0x200B: " ",
}
_HAS_INVISIBLE = re.compile("[" + "".join(re.escape(chr(c)) for c in _INVISIBLE) + "]")


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking) to one space; drop control marks."""
    if not text:
        return ""
    if _HAS_INVISIBLE.search(text):  # rare: a scan is much cheaper than translating every text
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def unescape(text: str) -> str:
    """Text whose HTML entities were escaped twice by the CMS (&amp;#8216;), read once more."""
    return html.unescape(text) if "&" in text and ";" in text else text


def split_paragraphs(text: str | None) -> list[str]:
    """The non-empty paragraphs of a text (one per line), each with normalised whitespace."""
    if not text:
        return []
    parts = (normalize_space(p) for p in text.splitlines())
    return [p for p in parts if p]


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Paragraphs joined by exactly one blank line."""
    return PARAGRAPH_SEPARATOR.join(p for p in paragraphs if p)


def comparable(text: str | None) -> str:
    """A text reduced to lower-case letters and digits, to compare near-equal strings."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


# --- Titles -----------------------------------------------------------------------------------

# Separators between a headline and the site name in <title> and og:title.
TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|«|·|•|/)\s+|\s*[|｜]\s*")


def _names_site(segment: str, site_names: Iterable[str]) -> bool:
    key = comparable(segment)
    if not key:
        return True
    for name in site_names:
        other = comparable(name)
        if other and (key == other or (len(other) >= 4 and (other in key or key in other))):
            return True
    return False


def clean_title(title: str | None, site_names: Iterable[str] = ()) -> str | None:
    """A headline without the site name that <title> and og:title append or prepend.

    A segment is dropped when it names the site (site_name, domain); a last segment after
    a pipe is dropped when it is short, since pipes there almost always introduce the site.
    """
    title = normalize_space(unescape(title or ""))
    if not title:
        return None
    names = [n for n in site_names if n]
    parts = TITLE_SEPARATORS.split(title)
    seps = TITLE_SEPARATORS.findall(title)
    if len(parts) == 1:
        return title
    while len(parts) > 1 and _names_site(parts[-1], names):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and _names_site(parts[0], names):
        parts.pop(0)
        seps.pop(0)
    if len(parts) > 1 and "|" in seps[-1] and len(parts[-1].split()) <= 4:
        head = " ".join(parts[:-1]).split()
        if len(head) >= 3:
            parts.pop()
            seps.pop()
    rebuilt = parts[0]
    for sep, part in zip(seps, parts[1:], strict=True):
        rebuilt += sep + part
    return rebuilt.strip() or title


# --- Authors ----------------------------------------------------------------------------------

_BY_PREFIX = re.compile(
    r"^\s*(?:[^\W\d_]+\s+){0,2}by\s*:?\s+|^\s*[^\W\d_]{2,12}\s*:\s+",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s+(?:and|&|und|et|y|e)\s+|\s*[,;|/\n•·]\s*|\s+-\s+", re.IGNORECASE)
_JOB_TITLE = re.compile(
    r"\b(?:editor|editors|correspondent|reporter|writer|journalist|columnist|contributor|"
    r"contributing|staff|producer|analyst|chief|senior|deputy|director|manager|head|bureau|"
    r"desk|news\s+service|team|intern|critic|photographer|presenter|host|founder|ceo|"
    r"professor|fellow|associate|assistant|special|guest)\b",
    re.IGNORECASE,
)
_PLACE_SUFFIX = re.compile(r"\s+(?:in|from)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*$")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[@<>{}=\d]|https?:|www\.|\.com\b", re.IGNORECASE)
_TRAILING_JUNK = re.compile(r"^[\s:,.;|–—-]+|[\s:,.;|–—-]+$")
MAX_AUTHOR_WORDS = 6


def _fix_case(name: str) -> str:
    if name.isupper() and len(name) > 3:
        return " ".join(w.capitalize() if len(w) > 1 else w for w in name.split())
    return name


def clean_authors(values: Iterable[str | None]) -> list[str]:
    """Clean author names: no "By", no job titles or places, no duplicates, in page order."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = normalize_space(value)
        if not text:
            continue
        text = _BY_PREFIX.sub("", _URL.sub(" ", text))
        parts = [_TRAILING_JUNK.sub("", p) for p in _AUTHOR_SPLIT.split(text)]
        parts = [_BY_PREFIX.sub("", p) for p in parts if p]
        people = [p for p in parts if p and not _JOB_TITLE.search(p)]
        if not people and len(parts) == 1 and parts[0]:
            people = parts  # "Staff Reporter" is the whole byline: keep it
        for part in people:
            name = _fix_case(_TRAILING_JUNK.sub("", _PLACE_SUFFIX.sub("", part)))
            if (
                not name
                or _NOT_A_NAME.search(name)
                or len(name.split()) > MAX_AUTHOR_WORDS
                or len(name) > 60
                or not any(ch.isalpha() for ch in name)
            ):
                continue
            key = comparable(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return names


# Lower-case words inside people's names: Ludwig van Beethoven, Ana de Armas.
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "le"}
    | {"van", "von", "ter", "ten", "bin", "ibn", "al", "el", "y", "e"}
)


def looks_like_person(name: str) -> bool:
    """True when a name is written like a person's: capitalised words, not "The ..." or a phrase.

    Scripts without case (Arabic, Japanese) pass.
    """
    words = name.split()
    if not words or words[0].lower() == "the":
        return False
    return all(not w[0].islower() or w in NAME_PARTICLES for w in words)


# --- Module text: sidebars and furniture that survived the DOM pass ----------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,4}\)?)?"
_DATE_WORDS = (
    rf"(?:{_WEEKDAY}\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}})"
    rf"(?:\s*[,–-]?\s*(?:at\s+)?{_CLOCK})?"
)
# One piece of a time stamp line: a date, a clock time or a weekday.
_STAMP = rf"(?:{_DATE_WORDS}|{_CLOCK}|{_WEEKDAY})"
_STAMP_LABEL = (
    r"(?:today|date|updated|modified|edited|published|posted|last\s+updated|first\s+published)"
    r"(?:\s+on|\s+at)?\s*:?"
)

# Paragraphs that are module text wherever they appear.
NOISE_LINES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # date bars, bare dates and time stamps: "Today: 6 October 2025", "22 August 2025",
        # "Updated 11:21 pm CST, Tuesday, November 19, 2019 • 2 min read"
        rf"^(?=.{{0,200}}$)(?=.*\d)(?=(?:{_STAMP_LABEL}|.*{_DATE_WORDS}))(?:{_STAMP_LABEL}\s*)?{_STAMP}(?:[\s,|·•–-]+(?:{_STAMP_LABEL}\s*)?{_STAMP})*"
        r"(?:\s*[,|·•–-]?\s*\d+\s*min(?:ute)?s?\.?\s*read)?$",
        # bylines standing alone: "By Jane Doe", "by Jane Doe | Political Editor", "By Åsa Öberg"
        r"^(?:by|written\s+by|posted\s+by|words\s+by|reporting\s+by)\s+"
        r"(?-i:[A-ZÀ-ÖØ-ÞĀ-Ž][\w.'’-]+(?:\s+(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w.'’-]+|and|&|de|van|von|da|del|la|"
        r"le|bin|al)){0,5})"
        r"(?:\s*[,|•·–-]\s*.{0,60})?$",
        # social handles standing alone: "@rgonzalezcbs"
        r"^@\w{2,30}$",
        # read-time lines: "4 mins read", "Reading time: 3 minutes"
        r"^(?:\d+\s*(?:min(?:ute)?s?|m)\.?\s*(?:read|reading)(?:\s*time)?|"
        r"(?:estimated\s+)?reading\s+time\s*:?\s*\d+\s*(?:min(?:ute)?s?)?(?:\s*read)?)$",
        # share bars and counts
        r"^(?:share(?:\s+(?:this|on|via|the)\b.{0,40})?|\d+\s*shares?|shares?\s*:?\s*\d*|"
        r"tweet|pin\s*it|whatsapp|facebook|twitter|linkedin|telegram|reddit|email|print|"
        r"copy\s+link|(?:facebook|twitter|whatsapp|linkedin|email|print|x)(?:\s+|\s*[|,]\s*)"
        r"(?:facebook|twitter|whatsapp|linkedin|email|print|x|telegram|reddit|pinterest)"
        r"(?:(?:\s+|\s*[|,]\s*)\w+){0,6})$",
        # advertisement labels
        r"^(?:advertisement|advertisements|advertising|sponsored(?:\s+content)?|ad|ads|"
        r"story continues below(?: this)? advertisement|continue reading below|"
        r"scroll to continue with content|article continues below)$",
        # newsletter prompts
        r"^(?=.{0,240}$)(?:.{0,80}\b(?:sign\s*up|subscribe|get)\b.{0,120}"
        r"\b(?:newsletter|inbox|e-?mail(?:s)?\s+updates?)\b.*|"
        r"enter your e-?mail(?: address)?.*|subscribe(?: now| today)?|sign up(?: now)?)$",
        # inline teasers: "Read more: ...", "Also read: ..."
        r"^(?=.{0,240}$)(?:read\s+more|read\s+also|also\s+read|see\s+also|related|"
        r"recommended|must\s+read|click\s+here)\s*(?::|-|–|—|»|>).*$",
        r"^(?:newsletters?|follow\s+us(?:\s+on\s+\w+)?|get\s+the\s+app)$",
        # follow and subscribe prompts: "Follow Newsbeat on Instagram, Facebook and YouTube."
        r"^(?=.{0,160}$)follow\s+(?:\S+\s+){0,3}on\s+(?:instagram|facebook|twitter|youtube|x|"
        r"linkedin|tiktok|threads|snapchat|whatsapp|telegram)\b.*$",
        r"^(?=.{0,160}$)subscribe\s+to\s+.*$",
        # copyright and syndication lines
        r"^(?:citation|cite\s+this\s+article)\s*:.*$",
        r"^this\s+(?:document|article|material)\s+is\s+(?:subject\s+to|protected\s+by)\s+copyright.*$",
        r"^(?:read\s+more|continue\s+reading|view\s+comments|leave\s+a\s+(?:comment|reply)|"
        r"\d+\s+comments?|no\s+comments(?: yet)?|comments?)$",
        # photo credits: "Photograph: Jane Roe/Agency", "(Photo by Jane Roe/Agency)"
        r"^(?:photo(?:graph)?|image|picture|file photo|credit)s?\s*:\s*.{0,80}$",
        r"^\(?(?:photo(?:graph)?|picture|image)s?\s+(?:by|courtesy\s+of)\s+.{0,80}$",
        # reprint lines: "For reprint and licensing requests for this article, contact ...",
        # "Reprints & Permissions"
        r"^(?=.{0,240}$)(?:for\s+|to\s+)?(?:reprints?|republish\w*|syndicat\w*)\b.{0,60}"
        r"\b(?:this|our)\s+(?:article|story|content|journalism)\b.*$",
        r"^(?:reprints?|licensing)\s*(?:&|and)\s*permissions?$",
        # page navigation of a story split into pages: "Page 1 of 3 1 2 3 Next page ›"
        r"^(?=[\dpnfl‹«<←›»>→….])(?=.{0,120}$)(?=.*(?:page|next|prev|\bof\b|/|[‹«<←›»>→]))"
        r"(?:pages?\s*:?\s*)?"
        r"(?:(?:page\s+)?\d+\s+(?:of|/)\s+\d+)?"
        r"(?:[\s|·,]*(?:\d{1,3}(?!\d)|…|\.\.\.|[‹«<←›»>→]|(?:next|previous|prev|first|last)"
        r"(?:\s+page)?))*$",
        # relative times standing alone ("2h ago"): they change between crawls of one text
        r"^(?:updated\s+)?\d+\s*(?:s|m|h|d|secs?|mins?|hours?|hrs?|days?|seconds?|minutes?)\s+ago$",
        # live-blog labels and the buttons that page through the updates (an update's own
        # time, "13.48 BST", is part of its text)
        r"^(?:live|live\s+updates|breaking(?:\s+news)?|pinned(?:\s+post)?|key\s+events|"
        r"show\s+key\s+events\s+only|(?:show|load|see)\s+(?:more|older|newer|all)"
        r"(?:\s+(?:updates|posts|events))?|showing\s+\d+\s+of\s+\d+(?:\s+\w+){0,2})$",
    )
)
# Rights lines: "© 2025 Example Media Ltd. All rights reserved."
RIGHTS_LINE = re.compile(
    r"^(?=.{0,300}$)(?:©|\(c\)|copyright\b).*\b(?:all\s+rights\s+reserved|may\s+not\s+be\s+"
    r"(?:reproduced|republished|published|redistributed|copied)|without\s+(?:prior\s+)?"
    r"(?:written\s+)?permission)\b",
    re.IGNORECASE,
)

# Headings after which only sidebars follow: the body ends before them.
# "from Top News", "in Sport", "on Sky News": a named section or site (capitalised).
_NAMED = r"\s+(?:from|in|on)\s+(?:the\s+)?[-–]?\s*(?-i:[A-Z0-9])[^.,;!?]{0,40}"
_MODULE_NOUNS = (
    r"(?:news|stories|story|posts|articles|reads|videos|headlines|content|links|coverage)"
)
END_MARKERS = tuple(
    re.compile(p + r"\s*[.:…]*$", re.IGNORECASE)
    for p in (
        r"^(?:previous|next|prev)\s+(?:story|post|article|news)",
        r"^(?:go\s*to\s*top|back\s*to\s*top|scroll\s*to\s*top|to\s*top)",
        rf"^(?:latest|more)(?:\s+{_MODULE_NOUNS})?{_NAMED}",
        rf"^(?:our\s+|the\s+)?(?:latest|more|related|recommended|trending|popular|top|recent|"
        rf"featured|similar|other|partner|sponsored|promoted|most\s+popular|editors?['’]?\s+picks)"
        rf"\s+(?:[\w'’]+\s+){{0,2}}{_MODULE_NOUNS}(?:\s+for\s+you|{_NAMED})?",
        r"^(?:don['’]?t\s+miss|must\s+read|you\s+may\s+(?:also\s+)?like|you\s+might\s+(?:also\s+)?like|"
        r"also\s+on\s+\S+|most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|"
        r"related|read\s+next|up\s+next|what\s+to\s+read\s+next|recommended\s+for\s+you|"
        r"around\s+the\s+web|from\s+the\s+web|leave\s+a\s+(?:comment|reply)|comments|"
        r"about\s+the\s+author|you\s+may\s+also\s+be\s+interested\s+in|more\s+to\s+explore)",
    )
)


# Author notes that close an article: "Meg James is a corporate media reporter for ...".
AUTHOR_NOTE = re.compile(
    r"^(?=.{0,400}$)(?-i:[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s+(?:is|was|has\s+been|covers|"
    r"writes|reports)\b.{0,250}\b(?:reporter|writer|editor|correspondent|journalist|columnist|"
    r"contributor|blogger|author|covers|freelance)\b",
    re.IGNORECASE,
)


def is_author_note(text: str) -> bool:
    """True when a paragraph is a note about the author, as articles end with."""
    return bool(AUTHOR_NOTE.search(text))


def is_own_rights_line(text: str, site: str | None) -> bool:
    """True when a paragraph is the site's own rights notice, the same under every story.

    A wire service's notice ("© 2025 The Associated Press. All rights reserved.") stays:
    it tells where the story's text came from.
    """
    if not RIGHTS_LINE.search(text):
        return False
    name = comparable((site or "").split(".")[0])
    if name.startswith("the") and len(name) > 6:
        name = name[3:]
    return len(name) >= 4 and name in comparable(text)


def is_noise_line(text: str, patterns: Iterable[re.Pattern[str]] = ()) -> bool:
    """True when a paragraph is module text (date bar, read time, share count, ad label ...)."""
    return any(p.search(text) for p in NOISE_LINES) or any(p.search(text) for p in patterns)


def is_end_marker(text: str) -> bool:
    """True when a paragraph is a heading of the modules that follow an article."""
    return len(text) <= 80 and any(p.search(text) for p in END_MARKERS)
