"""What the crawl learns about a site from its own pages: the model, and what one page tells it.

A ``SiteModel`` is plain values (JSON-able, bounded): the lines that recur on most of the
site's article pages (menus, tool lines, polls, footers), the affixes its ``<title>``s add to
the headline, and the order its numeric dates write day and month. ``evidence`` is what one
page contributes; ``SiteModel.learn`` folds it in and returns a new model. Extraction takes a
model as an argument and never changes it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.extraction.text import (
    SENTENCE_END,
    STORY_LINE_CHARS,
    comparable,
    is_noise_line,
    normalize_space,
)

# Pages a site must have shown before its model strips anything.
MIN_PAGES = 6
# Share of a site's pages a line must recur on to be template (furniture), not story text.
TEMPLATE_SHARE = 0.5
# Pages seen after which every count is halved: an old template fades after a redesign.
WINDOW = 80
# Most distinct line shapes and title affixes kept per site (the model stays small).
MAX_LINES = 400
MAX_AFFIXES = 20
# Lines of a page looked at (the first and the last ones hold the furniture).
EVIDENCE_LINES = 160
# Longest line whose shape is kept (story paragraphs are longer, and unique anyway).
MAX_LINE_CHARS = 200
# Fewest characters of a headline found inside a <title> to learn the affix around it.
MIN_HEADLINE_CHARS = 12

_DIGITS = re.compile(r"\d+")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](?:\d{4}|\d{2})(?!\d)")


def is_entry_header(line: str) -> bool:
    """True for a comment's header line: who wrote it, and when to the minute."""
    return len(line) <= ENTRY_CHARS and bool(_DATED_CLOCK.search(line))


def comments_start(lines: list[str]) -> int | None:
    """Where a comment section begins: a short heading followed by dated entry headers."""
    for i in range(1, len(lines) - 1):
        if len(lines[i]) <= HEADING_CHARS and not is_entry_header(lines[i]) and (
                is_entry_header(lines[i + 1])):
            return i
    return None


def is_story_line(line: str) -> bool:
    """True for a line that reads as story text: a whole sentence of a few words."""
    return line.endswith(SENTENCE_END) and len(line.split()) >= 4


def shape(line: str) -> str:
    """A line with its numbers masked, so a counter or a comment count keeps one shape.

    A sentence keeps its numbers: "The works will cost €4 million." and "... €78 million."
    are two stories' own text, never one template line.
    """
    line = normalize_space(line)
    return (line if is_story_line(line) else _DIGITS.sub("#", line))[:MAX_LINE_CHARS]


def title_affix(page_title: str | None, headline: str | None) -> str | None:
    """What a <title> adds around the headline: "suffix: - Gazette" or "prefix:Gazette | "."""
    page_title, headline = normalize_space(page_title), normalize_space(headline)
    if len(headline) < MIN_HEADLINE_CHARS or page_title == headline:
        return None
    if page_title.startswith(headline):
        return "suffix:" + page_title[len(headline):]
    if page_title.endswith(headline):
        return "prefix:" + page_title[: -len(headline)]
    return None


def date_order_votes(lines: list[str]) -> tuple[int, int]:
    """(day-first, month-first) numeric dates among lines: those whose day is above 12."""
    day = month = 0
    for line in lines:
        for a, b in _NUMERIC_DATE.findall(line):
            if int(a) > 12 >= int(b):
                day += 1
            elif int(b) > 12 >= int(a):
                month += 1
    return day, month


def evidence(page_title: str | None, headline: str | None, lines: list[str]) -> dict[str, Any]:
    """What one article page tells about its site, as plain values."""
    kept = lines[:EVIDENCE_LINES // 2] + lines[-EVIDENCE_LINES // 2:] if len(
        lines) > EVIDENCE_LINES else lines
    day, month = date_order_votes(lines)
    return {
        "affix": title_affix(page_title, headline),
        # a sentence is story text, even one every story ends with: only the lines that
        # are no sentence (menus, tool lines, headings, counters) can be template
        "lines": sorted({shape(line) for line in kept if len(line) <= MAX_LINE_CHARS
                         and not is_story_line(line)}),
        "day_first": day,
        "month_first": month,
    }


def _top(counts: dict[str, int], limit: int, fresh: set[str] | frozenset[str] = frozenset(),
         ) -> dict[str, int]:
    """The most frequent entries; among equals, those of the newest page (so a new template
    line is kept long enough to recur)."""
    if len(counts) <= limit:
        return counts
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] not in fresh, kv[0]))[
        :limit])


@dataclass(frozen=True)
class SiteModel:
    """A site's learned template: recurring lines, title affixes and its date order."""

    site: str
    pages: int = 0  # article pages learned from (halved every WINDOW pages)
    lines: dict[str, int] = field(default_factory=dict)  # line shape -> pages it was on
    affixes: dict[str, int] = field(default_factory=dict)  # title affix -> pages
    day_first: int = 0  # numeric dates seen whose first number can only be the day
    month_first: int = 0  # ... whose second number can only be the day

    def learn(self, found: dict[str, Any] | None) -> SiteModel:
        """The model with one more page's evidence folded in."""
        if not found:
            return self
        fresh = set(found.get("lines") or ())
        lines = Counter(self.lines)
        lines.update(fresh)
        affixes = Counter(self.affixes)
        if found.get("affix"):
            affixes[found["affix"]] += 1
        pages = self.pages + 1
        day = self.day_first + int(found.get("day_first") or 0)
        month = self.month_first + int(found.get("month_first") or 0)
        if pages >= WINDOW:  # fade the old: a redesign's new template takes over
            pages //= 2
            lines = Counter({k: v // 2 for k, v in lines.items() if v // 2})
            affixes = Counter({k: v // 2 for k, v in affixes.items() if v // 2})
            day, month = day // 2, month // 2
        return SiteModel(self.site, pages, _top(dict(lines), MAX_LINES, fresh),
                         _top(dict(affixes), MAX_AFFIXES), day, month)

    @property
    def ready(self) -> bool:
        """True once the site has shown enough pages for the model to strip anything."""
        return self.pages >= MIN_PAGES

    def is_template(self, line: str) -> bool:
        """True when a line recurs on most of the site's pages: furniture, not story text."""
        if not self.ready:
            return False
        return self.lines.get(shape(line), 0) >= max(3, TEMPLATE_SHARE * self.pages)

    def template_lines(self) -> list[str]:
        """The recurring line shapes, most frequent first."""
        return sorted((s for s, n in self.lines.items() if self.ready
                       and n >= max(3, TEMPLATE_SHARE * self.pages)),
                      key=lambda s: (-self.lines[s], s))

    def title_affixes(self) -> list[str]:
        """The affixes most of the site's <title>s add ("suffix: - Gazette")."""
        seen = sum(self.affixes.values())
        return [a for a, n in sorted(self.affixes.items(), key=lambda kv: (-kv[1], kv[0]))
                if n >= 3 and n * 2 >= seen]

    def strip_title(self, page_title: str | None) -> str | None:
        """A <title> without the site's learned prefix or suffix."""
        text = normalize_space(page_title)
        for affix in self.title_affixes():
            kind, value = affix.split(":", 1)
            if kind == "suffix" and value and text.endswith(value) and len(text) > len(value):
                return text[: -len(value)].strip()
            if kind == "prefix" and value and text.startswith(value) and len(text) > len(value):
                return text[len(value):].strip()
        return None

    def date_lang(self, lang: str | None) -> str | None:
        """The language tag that reads the site's numeric dates in its learned order."""
        if self.day_first > self.month_first:
            return lang if lang and not lang.lower().startswith("en-us") else "en-GB"
        if self.month_first > self.day_first:
            return "en-US"
        return lang

    def date_order(self) -> str:
        """How the site writes numeric dates: "day first", "month first" or "unknown"."""
        if self.day_first > self.month_first:
            return "day first"
        if self.month_first > self.day_first:
            return "month first"
        return "unknown"

    def to_dict(self) -> dict[str, Any]:
        """The model as plain values (as the archive stores it)."""
        return {"site": self.site, "pages": self.pages, "lines": self.lines,
                "affixes": self.affixes, "day_first": self.day_first,
                "month_first": self.month_first}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SiteModel:
        """A model from its plain values."""
        return cls(values["site"], int(values.get("pages") or 0), dict(values.get("lines") or {}),
                   dict(values.get("affixes") or {}), int(values.get("day_first") or 0),
                   int(values.get("month_first") or 0))

    def size(self) -> int:
        """Entries the model holds (bounded by MAX_LINES + MAX_AFFIXES + 3)."""
        return len(self.lines) + len(self.affixes) + 3


def same_text(a: str | None, b: str | None) -> bool:
    """True when two cleaned bodies are one story's text (case, spacing, punctuation aside)."""
    return bool(a and b) and comparable(a) == comparable(b)


# A comment entry's header line: a short line holding a date and a clock time
# ("Posted by Anna from Leeds on 04/10/2025 14:20", "Max Muster am 4.10.2025, 14:20 Uhr").
_DATED_CLOCK = re.compile(
    r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.?\s+\w{3,}\.?\s+\d{4})"
    r"\D{0,6}\d{1,2}[:.h]\d{2}\b"
)
# Longest comment heading ("Comments (3)") and entry header lines.
HEADING_CHARS = 60
ENTRY_CHARS = 140
def story_lines(lines: list[str], model: SiteModel | None = None,
                legacy: bool = False, headline: str | None = None) -> list[str]:
    """A page's text lines without the site's template, and on a legacy page its head and tail.

    The template lines are those the site's model has seen on most of its pages. A legacy
    page (text runs, no paragraphs) also loses its comment section and the short lines
    around the story: headline, byline, dateline and tool lines above it, printer's notes
    below it.
    """
    if legacy:  # the comments first: their heading may be template too
        end = comments_start(lines)
        if end:  # a "comment section" from the first line on is no end of a story
            lines = lines[:end]
    if model is not None and model.ready:
        lines = [line for line in lines if not model.is_template(line)]
    if not legacy:
        return lines
    head = comparable(headline)
    start, end = 0, len(lines)
    while start < end and (is_head_line(lines[start]) or comparable(lines[start]) == head):
        start += 1
    while end > start and is_head_line(lines[end - 1]):
        end -= 1
    story = lines[start:end]
    # the lines around a story are its few short ones: trimming that takes most of the text
    # (a script without spaces, a story of figures) took the story for its head and tail
    if 2 * sum(map(len, story)) < sum(map(len, lines)):
        return lines
    return story


# A byline standing alone: "By Jane Doe", "Von Max Muster", "Par Jean Dupont", "Door Jan Smit".
BYLINE_WORD = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+(?=[^\W\d_])", re.IGNORECASE)


def is_byline_text(text: str) -> bool:
    """True for a short line that names the story's author."""
    return len(text) <= HEADING_CHARS and bool(BYLINE_WORD.match(text))


def is_head_line(line: str) -> bool:
    """True for a short line around a legacy story that is no sentence of it: a dateline,
    a tool line ("Print | Email"), a byline, a printer's note with the story's address."""
    return len(line) <= ENTRY_CHARS and not is_story_line(line) and (
        "|" in line or any(ch.isdigit() for ch in line) or is_noise_line(line)
        or is_byline_text(line))


def dateline_candidates(texts: list[str]) -> list[str]:
    """The short dated texts after a story's headline and before its text: its dateline."""
    found = []
    for text in texts:
        if is_story_line(text) and len(text) >= STORY_LINE_CHARS:
            break  # the story's text has begun
        if len(text) <= ENTRY_CHARS and any(ch.isdigit() for ch in text):
            found.append(text)
    return found


def _line_pattern(line_shape: str) -> str:
    """A noise pattern matching a template line of this shape, whatever its numbers."""
    return "^" + re.escape(line_shape).replace("\\#", "#").replace("#", r"\d+") + "$"


def _toml_string(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def profile_toml(model: SiteModel) -> str:
    """The model as a site profile TOML (crawler/profiles/*.toml) for a person to refine."""
    name = re.sub(r"[^a-z0-9_]+", "_", model.site.lower().split(":")[0].split(".")[0]).strip("_")
    lines = [
        f"# Learned from {model.pages} pages of {model.site}: refine before shipping.",
        f"# Title affixes: {', '.join(model.title_affixes()) or 'none'}; "
        f"numeric dates: {model.date_order()}.",
        f"name = {_toml_string(name or 'site')}",
        f"domains = [{_toml_string(model.site)}]",
        "",
        "[noise]",
        "patterns = [",
        *(f"    {_toml_string(_line_pattern(s))}," for s in model.template_lines()),
        "]",
        "",
    ]
    return "\n".join(lines)
