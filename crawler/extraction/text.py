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


# Page chrome that themes put where the headline goes, by language.
CHROME_TITLES = frozenset(
    {"article detail", "article details", "article", "news", "home", "homepage", "story"}
    | {"original text", "custom", "press release", "news release", "untitled", "blog"}
    | {"artikel", "artikeldetail", "artikelansicht", "nachrichten", "meldung"}
    | {"détail de l'article", "article détaillé", "actualités", "actualité"}
    | {"detalle de la noticia", "noticia", "noticias", "detalle", "notizia", "dettaglio"}
    | {"wiadomości", "artykuł", "aktualności", "nieuws", "artikeldetails"}
)
_KICKER_COLON = ":;,"
_LABEL_OPENERS = "|(["
# Words a kicker or a label adds before or after the headline: at most this many.
MAX_KICKER_WORDS = 3


def is_chrome_title(title: str, site_names: Iterable[str] = ()) -> bool:
    """True when a headline candidate is page chrome or only the site's name ("TopSpeed")."""
    key = comparable(title)
    if not key or title.casefold().strip(" .:") in CHROME_TITLES:
        return True
    return any(key == comparable(name) for name in site_names if name)


def _cut_to(text: str, key: str, from_end: bool) -> str | None:
    """The shortest end (or start) of text whose comparable form is key."""
    if from_end:
        for i in range(len(text), -1, -1):
            if comparable(text[i:]) == key:
                return text[i:]
    else:
        for i in range(len(text) + 1):
            if comparable(text[:i]) == key:
                return text[:i]
    return None


def strip_kicker(title: str, others: Iterable[str | None]) -> str:
    """A headline without the kicker or label another source of it lacks.

    "Opinion | Let kids be kids" (or "OpinionLet kids be kids", the kicker in a tag of its
    own) becomes "Let kids be kids" where og:title or JSON-LD says so; "... (video)" too.
    """
    key = comparable(title)
    for other in others:
        short = comparable(other)
        if not short or short == key or len(short) * 2 < len(key):
            continue
        for from_end in (True, False):
            if not (key.endswith(short) if from_end else key.startswith(short)):
                continue
            kept = _cut_to(title, short, from_end)
            if kept is None:
                continue
            extra = (title[: len(title) - len(kept)] if from_end else title[len(kept) :]).strip()
            if not extra or len(extra.split()) > MAX_KICKER_WORDS:
                continue
            # a kicker ends with a separator or stands in a tag of its own; a label after
            # the headline opens with one: "| Opinion", "(video)", "[Watch]"
            if (from_end and extra[-1] not in _KICKER_COLON) or (
                not from_end and extra[0] in _LABEL_OPENERS
            ):
                return kept.strip(" |:–—-·•") or title
    return title


# --- Authors ----------------------------------------------------------------------------------

# Words that open a byline, by language: "By", "Von", "Par", "Por", "Door", "Przez", "Av" ...
BYLINE_OPENERS = {
    "en": ("by", "written by", "posted by", "words by", "reporting by", "analysis by", "author"),
    "de": ("von", "text von", "ein beitrag von", "autor", "autorin", "text"),
    "fr": ("par", "auteur", "autrice"),
    "es_pt": ("por", "texto"),
    "it": ("di", "a cura di", "autore"),
    "nl": ("door",),
    "pl_cs": ("przez", "tekst", "napisał", "napisała"),
    "nordic": ("av", "af", "tekst"),
    "el": ("από", "του", "της"),
}
# Words that join two names in a byline, by language ("Jane Doe und John Roe").
NAME_CONJUNCTIONS = {
    "en": ("and",),
    "de_nl_nordic": ("und", "en", "og", "och", "ja"),
    "fr": ("et",),
    "es_it_pt_pl_ca": ("y", "e", "i", "ed"),
    "ru_el_hu_cs": ("и", "και", "és", "a"),
}
# Bylines that credit pictures or styling, not text: "Photography by Jane Doe", "Foto: dpa".
CREDIT_WORDS = (
    r"photo(?:graph(?:y|s)?|s)?|pictures?|images?|illustrations?|video|styl(?:ed|ing)|"
    r"graphics?|foto(?:s|grafie|grafía|grafia)?|bild(?:er)?|credit|crédit|quelle|source"
)
# Words that mark an organisation rather than a person in an author field.
ORGANISATION_WORDS = frozenset(
    {"inc", "ltd", "llc", "gmbh", "ag", "plc", "corp", "co", "sa", "srl", "spa", "bv"}
    | {"staff", "news", "newsroom", "desk", "team", "press", "agency", "media", "network"}
    | {"editors"}
    | {"magazine", "journal", "times", "post", "daily", "gazette", "telegraph", "telegram"}
    | {"tribune", "herald", "channel", "tv", "radio", "wire", "service", "editorial", "group"}
    | {"redaktion", "redazione", "rédaction", "redacción", "redação", "redactie", "redakcja"}
    | {"nachrichten", "agentur", "zeitung", "agence", "agencia", "agenzia", "agencja"}
    | {"ap", "afp", "dpa", "reuters", "apa", "sda", "ansa", "efe", "pap", "upi", "kna", "epd"}
    | {"university", "institute", "universität", "université", "universidad", "society"}
)
_LOWER_CONJUNCTIONS = "|".join(
    w for words in NAME_CONJUNCTIONS.values() for w in words if len(w) == 1
)
_WORD_CONJUNCTIONS = "|".join(
    w for words in NAME_CONJUNCTIONS.values() for w in words if len(w) > 1
)
_BYLINE_WORD = "|".join(
    sorted(
        (re.escape(w) for words in BYLINE_OPENERS.values() for w in words), key=len, reverse=True
    )
)
_BY_PREFIX = re.compile(
    rf"^\s*(?:[^\W\d_]+\s+){{0,2}}by\s*:?\s+|^\s*(?:{_BYLINE_WORD})\s*:?\s+(?=\S+\s+\S)"
    r"|^\s*[^\W\d_]{2,12}\s*:\s+|^\s*(?-i:(?:[Bb]y\s*)+(?=[A-Z]))",
    re.IGNORECASE,
)
_BYLINE_START = re.compile(rf"^(?:{_BYLINE_WORD})\s*:?\s+(?-i:[^\W\d_])", re.IGNORECASE)
_BYLINE_ALONE = re.compile(rf"^(?:{_BYLINE_WORD})\s*:?$", re.IGNORECASE)
_CREDIT = re.compile(rf"^\W*(?:{CREDIT_WORDS})\b\s*(?:by\b|:)", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(
    rf"\s+(?:{_WORD_CONJUNCTIONS}|&)\s+|\s+(?-i:{_LOWER_CONJUNCTIONS})\s+"
    r"|\s*[,;|/\n•·]\s*|\s+-\s+",
    re.IGNORECASE,
)
# A note in brackets after a name: "(obe)", "(Bruxelles)", "(Image: Getty Images)".
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*(?:[)\]]|$)")
_JOB_TITLE = re.compile(
    r"\b(?:editor|editors|correspondent|reporter|writer|journalist|columnist|contributor|"
    r"contributing|staff|producer|analyst|chief|senior|deputy|director|manager|head|bureau|"
    r"desk|news\s+service|team|intern|critic|photographer|presenter|host|founder|ceo|"
    r"professor|fellow|associate|assistant|special|guest|expert|specialist|strategist|"
    r"executive|edited|redakteur(?:in)?|korrespondent(?:in)?|reporterin|journalistin|"
    r"journaliste|rédact(?:eur|rice)|correspondant(?:e)?|periodista|redactor(?:a)?|"
    r"corresponsal|giornalista|inviat[oa]|dziennikar(?:z|ka)|redaktor(?:ka)?|"
    r"корреспондент|журналист|обозреватель)\b",
    re.IGNORECASE,
)
# Credentials after a name, standing alone as a part: "Shelby Loos, DVM", "Jane Roe, PhD".
_CREDENTIAL = re.compile(
    r"^(?:dvm|md|phd|ph\.d\.?|mph|rn|ms|msc|ma|mba|cfp|cpa|rd|rdn|ld|lpc|lcsw|do|dds|jd|esq|"
    r"cdces|facp|faan)\.?$",
    re.IGNORECASE,
)
_PLACE_SUFFIX = re.compile(r"\s+(?:in|from)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*$")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[@<>{}=\d]|https?:|www\.|\.com\b", re.IGNORECASE)
_TRAILING_JUNK = re.compile(r"^[\s:,.;|–—-]+|[\s:,.;|–—-]+$")
# A conjunction left at the edge of a part: "Travis Andersen and" (the next name in its own tag).
_EDGE_CONJUNCTION = re.compile(
    rf"^(?:{_WORD_CONJUNCTIONS}|&)\s+|\s+(?:{_WORD_CONJUNCTIONS}|&)$", re.IGNORECASE
)
# One capitalised word ("Frankfurt", "Politik"): beside a full name in a byline, a place or
# a section, not a second author.
_ONE_WORD = re.compile(r"^(?-i:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)$")
MAX_AUTHOR_WORDS = 6
# Words that fill an author field when it names nobody.
NOT_NAMES = frozenset(
    {"author", "authors", "publisher", "admin", "administrator", "editor", "anonymous", "guest"}
    | {"unknown", "updated", "redaktion", "redazione", "rédaction", "redacción", "autor"}
)


def starts_byline(text: str | None) -> bool:
    """True when a line opens with a byline word and a name: "By Jane Doe", "Par Marie Roy"."""
    return bool(text and _BYLINE_START.match(text))


def is_byline_word(text: str | None) -> bool:
    """True when a line is a byline word alone ("By", "Von"), its name in the next tag."""
    return bool(text and _BYLINE_ALONE.match(text))


def is_credit(text: str | None) -> bool:
    """True when a byline credits pictures or styling, not the text ("Photos by Jane Doe")."""
    return bool(text and _CREDIT.search(text))


def is_organisation(name: str, site_names: Iterable[str] = ()) -> bool:
    """True when an author name is an organisation, the site itself or a handle, not a person."""
    words = re.findall(r"[^\W_]+", name.casefold())
    if not words or any(w in ORGANISATION_WORDS for w in words):
        return True
    key = comparable(name)
    for site in site_names:
        other = comparable(site)
        if other and (key == other or (len(other) >= 4 and other in key)):
            return True
    # "mikecason", "gg83": a login, not a name (scripts without case or spaces pass)
    return len(words) == 1 and name == name.lower() and name.isascii()


def _fix_case(name: str) -> str:
    if name.isupper() and len(name) > 3:
        return " ".join(w.capitalize() if len(w) > 1 else w for w in name.split())
    return name


def clean_authors(values: Iterable[str | None]) -> list[str]:
    """Clean author names: no "By", no job titles, places or notes, no duplicates, page order."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = normalize_space(value)
        if not text or is_credit(text):
            continue
        text = _BY_PREFIX.sub("", _URL.sub(" ", text))
        parts = [
            _EDGE_CONJUNCTION.sub("", _TRAILING_JUNK.sub("", _BRACKETED.sub("", p)))
            for p in _AUTHOR_SPLIT.split(text)
        ]
        parts = [_BY_PREFIX.sub("", p) for p in parts if p and not is_credit(p)]
        parts = [p for p in parts if p and not _CREDENTIAL.match(p)]
        if parts:  # the first part names the author; a title may follow in the same part
            parts[0] = _without_title(parts[0])
        # after the first, a part all in lower case names nobody ("microservices")
        parts = parts[:1] + [p for p in parts[1:] if any(ch.isupper() for ch in p)
                             or not p.isascii()]
        people = [p for p in parts if p and not _JOB_TITLE.search(p)]
        if not people and len(parts) == 1 and parts[0]:
            people = parts  # "Staff Reporter" is the whole byline: keep it
        if any(len(p.split()) > 1 for p in people):
            people = [p for p in people if not _ONE_WORD.match(p)]
        for part in people:
            name = _fix_case(_TRAILING_JUNK.sub("", _PLACE_SUFFIX.sub("", part)))
            if (
                not name
                or name.casefold() in NOT_NAMES
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


def _without_title(part: str) -> str:
    """A name without the job title or the sentence that follows it in the same part:
    "Keith Barry Senior Autos Reporter" -> "Keith Barry", "Christian Dupuis is the CTO" ->
    "Christian Dupuis". Two capitalised words at least stay as the name."""
    words = part.split()
    while len(words) > 2 and _CREDENTIAL.match(words[-1]) and words[-1].isupper():
        words.pop()  # "Lauren Manaker MS"
    part = " ".join(words)
    if is_organisation(part) or any(_JOB_TITLE.fullmatch(w) for w in words[:2]):
        return part  # "ZDNet Japan Staff", "Executive Content Editor": no person named
    for i, word in enumerate(words[2:], start=2):
        lower = word[:1].islower() and word not in NAME_PARTICLES
        if lower or _JOB_TITLE.fullmatch(word.strip(",.")):
            head = " ".join(words[:i])
            return head if looks_like_person(head) else part
    return part


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
# --- Module text in many languages, one vocabulary per concept ---------------------------------
# Each is a regex alternation of words or phrases; a line matches a concept's pattern below.

# Labels of a date line: "Stand: 17.06.2025 18:24 Uhr", "Mis à jour le 5 juin 2025 à 14h03".
DATE_LABELS = (
    r"stand|aktualisiert(?:\s+am)?|ver[öo]ffentlicht(?:\s+am)?|erstellt(?:\s+am)?|zuletzt\s+"
    r"aktualisiert|publié(?:\s+le)?|mis\s+à\s+jour(?:\s+le)?|modifié(?:\s+le)?|actualizado"
    r"(?:\s+el)?|publicado(?:\s+el)?|actualització|pubblicato(?:\s+il)?|aggiornato(?:\s+il)?|"
    r"atualizado(?:\s+em)?|publicado\s+em|gepubliceerd(?:\s+op)?|bijgewerkt(?:\s+op)?|"
    r"opublikowano|aktualizacja|publicerad|uppdaterad|opdateret|oppdatert|publisert|"
    r"updated(?:\s+on)?|published(?:\s+on)?|posted(?:\s+on)?|last\s+updated|first\s+published"
)
# Words of an age: "Updated 3 hours ago", "vor 3 Stunden", "il y a 3 heures", "hace 3 horas".
RELATIVE_TIMES = (
    r"(?:updated\s+)?\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago|"
    r"(?:aktualisiert\s+)?vor\s+\d+\s*(?:sekunden|minuten|min\.?|stunden|std\.?|tagen|wochen)|"
    r"(?:mis\s+à\s+jour\s+)?il\s+y\s+a\s+\d+\s*(?:secondes?|minutes?|min|heures?|h|jours?)|"
    r"(?:actualizado\s+)?hace\s+\d+\s*(?:segundos?|minutos?|min|horas?|h|días?)|"
    r"\d+\s*(?:minuti|ore|giorni)\s+fa|\d+\s*(?:minuten|uur|dagen)\s+geleden"
)
# Words that open a byline standing alone: "Von Jana Müller", "Par Jean Dupont", "Por Ana Gil".
BYLINE_WORDS = r"by|von|par|por|di|door|av|af|przez|autor(?:in)?|auteur|written\s+by|text"
# Reading-time lines: "Lesezeit: 3 Min.", "Temps de lecture : 4 min", "3 min de lectura".
READING_TIMES = (
    r"(?:lesezeit|lesedauer|temps\s+de\s+lecture|tiempo\s+de\s+lectura|lectura|"
    r"tempo\s+di\s+lettura|lettura|leestijd|czas\s+czytania|reading\s+time|lestid|läsetid)"
    r"\s*:?\s*(?:ca\.\s*)?\d+\s*(?:min(?:uten|utes|utos|uti)?\.?|minutes?)|"
    r"\d+\s*(?:min(?:uten|utes|utos|uti)?\.?)\s*(?:lesezeit|lesedauer|de\s+lecture|de\s+lectura|"
    r"di\s+lettura|leestijd|read|reading|czytania|läsning)"
)
# Paywall and registration notices: "Il vous reste 76% de cet article à lire".
PAYWALL_NOTICES = (
    r"il\s+vous\s+reste\s+\d+\s*%\s+de\s+cet\s+article\s+à\s+lire|"
    r"la\s+suite\s+est\s+réservée\s+aux\s+abonnés|réservé\s+aux\s+abonnés|"
    r"(?:subscribe|sign\s+in|log\s+in|register)\s+to\s+(?:continue|keep)\s+reading|"
    r"subscribe\s+to\s+continue|already\s+a\s+subscriber\??(?:\s+(?:log|sign)\s+in)?|"
    r"this\s+(?:article|content)\s+is\s+(?:only\s+)?(?:available\s+)?(?:for|to)\s+subscribers|"
    r"(?:dieser\s+artikel|dieser\s+inhalt)\s+ist\s+(?:nur\s+)?(?:für|exklusiv\s+für)\s+"
    r"(?:abonnenten|abonnentinnen|abonnent\*innen)|jetzt\s+(?:weiterlesen|abonnieren|"
    r"registrieren)|sie\s+sind\s+bereits\s+abonnent|"
    r"contenido\s+(?:exclusivo\s+)?para\s+suscriptores|suscríbete\s+para\s+(?:seguir|continuar)"
    r"\s+leyendo|ya\s+eres\s+suscriptor|articolo\s+riservato\s+agli\s+abbonati|"
    r"continua\s+a\s+leggere|abbonati\s+per\s+continuare"
)
# Agencies and picture libraries named in an image credit: "STR/Getty Images", "Foto: dpa".
PICTURE_AGENCIES = (
    r"getty\s+images|afp|reuters|dpa|ap(?:\s+photo)?|epa(?:-efe)?|efe|keystone|imago(?:\s+images)?|"
    r"picture[\s-]+alliance|shutterstock|istock(?:photo)?|alamy|ansa|anp|belga|xinhua|"
    r"sipa|abaca|bloomberg|pa(?:\s+images|\s+wire)?|zuma(?:\s+press)?|nurphoto|"
    r"afp\s+via\s+getty\s+images|\w+\s+via\s+getty\s+images"
)
# Labels of an image credit: "Foto:", "Bild:", "Photo :", "Crédit :", "Fotografía:".
CREDIT_LABELS = (
    r"foto|fotos|bild|bilder|photo|photos|crédits?(?:\s+photo)?|fotografía|imagen|immagine|"
    r"zdjęcie|fot\.|image|picture|credit|quelle|фото|φωτογραφία|图片来源|图片|图"
)
# Newsletter and app promos: "Abonnieren Sie unseren Newsletter", "Téléchargez l'application".
PROMOS = (
    r"(?:abonnieren|bestellen)\s+sie\s+(?:jetzt\s+)?(?:unseren|den)\s+.{0,30}newsletter|"
    r"(?:inscrivez-vous|abonnez-vous)\s+à\s+(?:notre|la)\s+.{0,30}newsletter|"
    r"suscríbete\s+a\s+(?:nuestro|nuestra)\s+.{0,30}(?:newsletter|boletín)|"
    r"iscriviti\s+alla\s+(?:nostra\s+)?newsletter|"
    r"(?:laden\s+sie|holen\s+sie\s+sich)\s+(?:jetzt\s+)?(?:unsere|die)\s+.{0,30}app|"
    r"téléchargez\s+(?:notre|l['’])\s*app(?:lication)?|descarga\s+(?:nuestra|la)\s+app|"
    r"(?:download|get)\s+(?:our|the)\s+.{0,30}app|"
    r"folgen\s+sie\s+uns\s+(?:auf|bei)|suivez-nous\s+sur|síguenos\s+en|seguici\s+su"
)
# Disclosures of shopping links above or below a story: "We may earn a commission ...".
AFFILIATE_NOTICES = (
    r"we\s+(?:may\s+)?(?:earn|receive|get)\s+(?:a\s+)?(?:small\s+)?(?:commission|share\s+of\s+"
    r"(?:the\s+)?(?:sales|revenue))|(?:contains?|includes?|uses?)\s+affiliate\s+links|"
    r"(?:every|each)\s+(?:item|product)s?\s+(?:on\s+this\s+page|featured|we\s+(?:feature|recommend))"
    r"\s+(?:was|is|were|are|has\s+been)\s+(?:independently\s+)?(?:selected|chosen|picked)\s+by|"
    r"we\s+hope\s+you\s+love\s+(?:our|the)\s+(?:recommendations|products|picks)|"
    r"wir\s+(?:erhalten|bekommen)\s+(?:ggf\.\s+|gegebenenfalls\s+|eventuell\s+)?eine\s+provision|"
    r"nous\s+(?:pouvons\s+)?(?:percevons|percevoir|recevons|recevoir|touchons|toucher)\s+une\s+"
    r"commission|(?:podemos\s+)?(?:recibir|recibimos|ganar|ganamos)\s+una\s+comisión"
)
# Consent text shown in place of embedded videos and posts.
EMBED_CONSENT = (
    r"(?:wir\s+brauchen|benötigen)\s+ihre\s+zustimmung|externer\s+inhalt|externe\s+inhalte\s+"
    r"(?:anzeigen|laden|aktivieren)|ich\s+bin\s+damit\s+einverstanden,\s+dass\s+mir\s+externe|"
    r"um\s+(?:diesen|den)\s+inhalt\s+(?:zu\s+sehen|anzuzeigen)|"
    r"ce\s+contenu\s+(?:est\s+bloqué|n['’]est\s+pas\s+disponible)|"
    r"(?:accepter|acceptez)\s+les\s+cookies|contenu\s+externe|"
    r"este\s+contenido\s+(?:está\s+bloqueado|requiere)|activa(?:r)?\s+las\s+cookies|"
    r"contenuto\s+esterno|"
    r"this\s+(?:content|video|embed)\s+(?:is\s+provided\s+by|requires|is\s+hosted\s+by|"
    r"may\s+be\s+using\s+cookies)|to\s+(?:view|see|display)\s+this\s+content|"
    r"(?:accept|allow|enable)\s+(?:all\s+)?cookies\s+to\s+(?:view|see|watch|display)"
)
# Labels of a teaser for another story set inside the text: "Lesen Sie auch: ...", "Leggi anche".
READ_ALSO_LABELS = (
    r"lesen\s+sie\s+(?:auch|mehr)|auch\s+interessant|à\s+lire\s+aussi|lire\s+aussi|"
    r"lee\s+también|leggi\s+anche|leia\s+também|veja\s+também|lees\s+ook|"
    r"zobacz\s+(?:też|także)|czytaj\s+(?:też|także)|читайте\s+также|смотрите\s+также|"
    r"δείτε\s+επίσης|διαβάστε\s+επίσης"
)
# Headings of the modules after an article: "Mehr zum Thema", "Sur le même sujet".
MODULE_HEADINGS = (
    r"mehr\s+zum\s+thema|das\s+könnte\s+(?:sie|dich)\s+auch\s+interessieren|"
    r"weitere\s+(?:artikel|nachrichten|meldungen|themen)|zum\s+thema|meistgelesen|"
    r"sur\s+le\s+même\s+sujet|dans\s+la\s+même\s+rubrique|vous\s+aimerez\s+aussi|"
    r"les\s+plus\s+lus|te\s+puede\s+interesar|más\s+noticias|noticias\s+relacionadas|"
    r"lo\s+más\s+leído|potrebbe\s+interessarti|articoli\s+correlati|"
    r"meer\s+over\s+dit\s+onderwerp|"
    # related and latest stories: Polish, Russian, Ukrainian, Greek, Czech, Portuguese, Chinese
    r"ostatnie\s+wiadomości|najnowsze\s+wiadomości|podobne\s+artykuły|powiązane\s+artykuły|"
    r"najczęściej\s+czytane|polecamy|новости\s+по\s+теме|материалы\s+по\s+теме|"
    r"новости\s+партнеров|другие\s+новости|последние\s+новости|похожие\s+новости|"
    r"самое\s+читаемое|новини\s+за\s+темою|останні\s+новини|σχετικά\s+άρθρα|"
    r"τελευταία\s+νέα|δημοφιλή|související\s+články|nejčtenější|notícias\s+relacionadas|"
    r"mais\s+lidas|ilgili\s+haberler|相关新闻|相关阅读|相关文章|热门文章|推荐阅读|関連記事|"
    r"関連ニュース|другие\s+материалы|также\s+в\s+разделе|ещё\s+по\s+теме|еще\s+по\s+теме|"
    # a feedback widget under the text: "Was this article helpful?"
    r"was\s+this\s+(?:page|article|post|guide|story|information|answer)\s+(?:helpful|useful)\??|"
    r"war\s+dieser\s+(?:artikel|beitrag)\s+hilfreich\??|"
    r"cet\s+article\s+vous\s+a[-\s]t[-\s]il\s+été\s+utile\s*\??|"
    r"¿?(?:te|le)\s+(?:ha\s+)?(?:resultado|resultó|ha\s+sido|fue)\s+útil(?:\s+este\s+artículo)?\??|"
    r"czy\s+ten\s+artykuł\s+był\s+(?:pomocny|przydatny)\??|"
    r"была\s+ли\s+эта\s+статья\s+полезн(?:ой|а)\??|"
    # a way back to the front page: the story is over
    r"back\s+to\s+(?:the\s+)?home\s*page|back\s+to\s+home|zurück\s+zur\s+startseite|"
    r"retour\s+à\s+l['’]accueil|volver\s+a\s+(?:la\s+)?portada|powrót\s+do\s+strony\s+głównej|"
    r"вернуться\s+на\s+главную"
)
# Labels of a line of tags: "Tags: Sprint, Nextel", "Schlagwörter:", "Теги:".
TAG_LABELS = (
    r"tags?|tagged|topics|schlagwörter|schlagworte|mots[-\s]clés|etiquetas|tagi|теги|тэги|метки|мітки|"
    r"ετικέτες|štítky|标签|タグ|przeczytaj\s+więcej\s+o|читайте\s+больше\s+о"
)
# Buttons and widgets written out as text: "Поделиться", "Wersja do druku", "Код для блога:".
WIDGET_LABELS = (
    r"поделиться|udostępnij|κοινοποίηση|分享到|partager|compartir|teilen|condividi|"
    r"версия\s+для\s+печати|wersja\s+do\s+druku|druckversion|version\s+imprimable|"
    r"код\s+для\s+(?:блога|вставки)|embed\s+code|rekomenduj\s+artykuł"
)
# Advertisement labels standing alone: "Anzeige", "Publicité", "Reklama", "Реклама", "广告".
ADVERTISEMENT_LABELS = (
    r"anzeige|werbung|publicité|publicidad|publicidade|pubblicità|advertentie|reklama|reklam|"
    r"реклама|διαφήμιση|广告|広告|광고|إعلان"
)
# Headings of a comment thread: "Comments (12)", "Wasze komentarze (13)", "Добавить комментарий".
# Words that make "No comment" a quote, not a heading.
_NEGATIONS = r"(?:no|not|without|keine?|sans|sin|senza|без|bez|brak|χωρίς)"
COMMENT_NOUNS = (
    r"comments?|komentarze|комментари(?:и|ев|я)|коментарі|σχόλια|komentáře|comentários|"
    r"comentarios|commentaires|kommentare|reacties|yorumlar|评论|コメント"
)
COMMENT_HEADINGS = (
    # "Comments", "12 comments", "Reader comments", "Wybrane komentarze"
    rf"(?:(?!{_NEGATIONS}\s)[^\W\d_]+\s+)?(?:\d+\s+)?(?:{COMMENT_NOUNS})|"
    r"leave\s+a\s+(?:comment|reply)|join\s+the\s+(?:discussion|conversation)|"
    r"dodaj\s+komentarz|добавить\s+комментарий|网友评论|"
    # the thread's closing notice: "Comments are now closed for this story"
    r"(?:thanks\s+for\s+your\s+comments\s*[-–—,.]\s*)?(?:comments\s+are|this\s+(?:feedback|"
    r"discussion|thread)\s+is)\s+(?:now\s+)?closed(?:\s+for\s+this\s+(?:story|article|post))?|"
    r"(?:die\s+)?kommentar(?:e|funktion)\s+(?:sind|ist)\s+(?:jetzt\s+)?geschlossen|"
    r"les\s+commentaires\s+sont\s+(?:désormais\s+)?fermés|los\s+comentarios\s+están\s+cerrados|"
    r"комментарии\s+закрыты|komentarze\s+(?:są\s+)?(?:zamknięte|wyłączone)"
)
_NAME_WORD = r"(?-i:[A-ZÀ-ÖØ-ÞĀ-ſ][\w.'’-]+)"
_NAME_JOINER = r"(?:und|and|et|y|e|i|og|och|en|&|de|van|von|da|del|la|le|di|du|zu)"

# Paragraphs that are module text in any language (see the vocabularies above).
WORLD_NOISE_LINES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^(?=.{{0,120}}$)(?:{DATE_LABELS})\s*:?\s*(?:\w{{2,10}}\.?,?\s+)?\d.{{0,80}}$",
        rf"^(?:{RELATIVE_TIMES})\.?$",
        rf"^(?:{BYLINE_WORDS})\s*:?\s+{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_NAME_JOINER})){{0,6}}"
        r"(?:\s*[,|•·–-]\s*.{0,60})?$",
        rf"^(?:{READING_TIMES})\.?$",
        rf"^(?=.{{0,200}}$).{{0,40}}\b(?:{PAYWALL_NOTICES})\b.*$",
        rf"^\(?(?:(?:{CREDIT_LABELS})\s*:\s*)?(?:[^\W\d][\w.'’ -]{{0,40}}\s*/\s*)?"
        rf"(?:{PICTURE_AGENCIES})(?:\s*/\s*[^\W\d][\w.'’ -]{{0,40}})?\)?$",
        rf"^\(?(?:{CREDIT_LABELS})\s*:\s*.{{0,60}}\)?$",
        rf"^(?=.{{0,200}}$).{{0,40}}\b(?:{PROMOS})\b.*$",
        rf"^(?=.{{0,400}}$).*\b(?:{AFFILIATE_NOTICES})\b.*$",
        rf"^(?=.{{0,300}}$).{{0,60}}\b(?:{EMBED_CONSENT})\b.*$",
        # inline teasers: "Lesen Sie auch: ...", "À lire aussi : ...", or the label alone
        rf"^(?=.{{0,240}}$)(?:{READ_ALSO_LABELS}|{MODULE_HEADINGS})\s*(?::|-|–|—|»|>|\|).*$",
        rf"^(?:{READ_ALSO_LABELS})\s*[.:…]*$",
        rf"^(?:{ADVERTISEMENT_LABELS})$",
        rf"^(?=.{{0,300}}$)(?:{TAG_LABELS})\s*[:：]\s*.*$",
        rf"^(?=.{{0,60}}$)(?:{WIDGET_LABELS})\b[^.!?。]*$",
        # how to report a typo, as sites in many languages ask: "... and press Ctrl+Enter"
        r"^(?=.{0,240}$).*\bctrl\s*\+\s*enter\b.*$",
    )
)

# Rights lines: "© 2025 Example Media Ltd. All rights reserved."
# "Copyright: Example News", "© 2012 Example News", "Not to be reproduced without permission
# of Example News" ("© Example News" alone is a picture's credit as often).
_YEARS = r"\d{4}(?:\s*[-–]\s*\d{4})?"
RIGHTS_LINE = re.compile(
    r"^(?=.{0,300}$)(?:(?:©|\(c\)|copyright\b).*\b(?:all\s+rights\s+reserved|may\s+not\s+be\s+"
    r"(?:reproduced|republished|published|redistributed|copied)|without\s+(?:prior\s+)?"
    r"(?:written\s+)?permission)\b|"
    rf"(?:copyright\b\s*:?\s*(?:©\s*)?(?:{_YEARS}\s*)?|(?:©|\(c\))\s*{_YEARS}\s*)[^.!?]{{0,60}}\.?$|"
    r"(?:not\s+to\s+be|may\s+not\s+be)\s+(?:reproduced|republished|redistributed)\b)",
    re.IGNORECASE,
)

# Headings after which only sidebars follow: the body ends before them.
# "from Top News", "in Sport", "on Sky News": a named section or site (capitalised).
_NAMED = r"\s+(?:from|in|on)\s+(?:the\s+)?[-–]?\s*(?-i:[A-Z0-9])[^.,;!?]{0,40}"
_MODULE_NOUNS = (
    r"(?:news|stories|story|posts|articles|reads|videos|headlines|content|links|coverage)"
)
# What may follow a heading: a count ("Comments (12)") and a colon or ellipsis.
_COUNT_AND_STOP = r"(?:\s*[(\[]\d+[)\]])?\s*[.:…：»›>]*"
END_MARKERS = tuple(
    re.compile(p + _COUNT_AND_STOP + "$", re.IGNORECASE)
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
        r"around\s+the\s+web|from\s+the\s+web|about\s+the\s+author|"
        r"you\s+may\s+also\s+be\s+interested\s+in|more\s+to\s+explore)",
        rf"^(?:{MODULE_HEADINGS})",
    )
)
# A heading that opens a comment thread ends the story whatever follows: comments are whole
# sentences too, so they would read as the story going on.
_COMMENT_HEADING = re.compile(rf"^(?:{COMMENT_HEADINGS}){_COUNT_AND_STOP}$", re.IGNORECASE)


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
    return (
        any(p.search(text) for p in NOISE_LINES)
        or any(p.search(text) for p in WORLD_NOISE_LINES)
        or any(p.search(text) for p in patterns)
    )


def is_end_marker(text: str) -> bool:
    """True when a paragraph is a heading of the modules that follow an article."""
    return len(text) <= 80 and (
        any(p.search(text) for p in END_MARKERS) or is_comment_heading(text)
    )


def is_comment_heading(text: str) -> bool:
    """True when a paragraph is the heading of a comment thread ("Komentarze (13)")."""
    return len(text) <= 80 and bool(_COMMENT_HEADING.search(text))


# Characters of article text read before a module heading for the heading to end the body:
# a heading first ("Up Next" above a video) is the page's furniture, not the story's end.
STORY_START_CHARS = 150


# Characters that end a sentence of story text, in any script (a heading or a label ends with
# none): a closing quote or bracket after the stop counts as its end.
SENTENCE_END = tuple('.!?"”’»)…。！？」』')


def has_story_text(paragraphs: Iterable[str]) -> bool:
    """True when the paragraphs read so far hold story text for a module heading to end:
    a sentence, or enough characters."""
    paragraphs = list(paragraphs)
    return any(p.endswith(SENTENCE_END) for p in paragraphs) or (
        sum(map(text_length, paragraphs)) >= STORY_START_CHARS
    )


# The code points of the scripts of Chinese, Japanese and Korean, by script.
CJK_RANGES = {
    "kana": ((0x3040, 0x30FF),),
    "hangul": ((0x1100, 0x11FF), (0xAC00, 0xD7A3)),
    "han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)),
}
# One of their characters says about as much as this many Latin letters.
IDEOGRAPH_WEIGHT = 3
_IDEOGRAPHS = re.compile(
    "["
    + "".join(f"{chr(lo)}-{chr(hi)}" for ranges in CJK_RANGES.values() for lo, hi in ranges)
    + "]"
)


# Characters (in Latin-letter terms) from which a whole sentence is story text, not a teaser's
# title or its cut excerpt.
STORY_LINE_CHARS = 80


# How teaser excerpts end, and how a teaser list's items begin ("- Title: excerpt.").
_CUT_SHORT = ("...", "…")
_LIST_ITEM = re.compile(r"^[-*•–·]\s")


def story_length(line: str) -> int:
    """The length of a line that is a whole sentence of STORY_LINE_CHARS or more, else 0.

    A line cut short with an ellipsis ("... und dann..."), as teaser excerpts end, is none,
    and so is an item of a list ("- Title: excerpt."), as teaser lists are written.
    """
    length = text_length(line)
    whole = line.endswith(SENTENCE_END) and not line.endswith(_CUT_SHORT)
    return length if length >= STORY_LINE_CHARS and whole and not _LIST_ITEM.match(line) else 0


def text_length(text: str) -> int:
    """The length of a text in Latin-letter terms, for thresholds set in characters: a line
    of 40 Chinese characters says what 120 Latin ones do."""
    return len(text) + (IDEOGRAPH_WEIGHT - 1) * len(_IDEOGRAPHS.findall(text))
