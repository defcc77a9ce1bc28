"""Content hashing, change summaries and readable diffs between article versions."""

from __future__ import annotations

import difflib
import hashlib
import html
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from crawler.items import CONTENT_FIELDS  # the fields whose text decides a new version

WORD = re.compile(r"\w+")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
WRAP_WIDTH = 88  # columns of a diff line: long paragraphs are wrapped so changes stand out


def normalise(text: str | None) -> str:
    """Text with Unicode composed and every run of whitespace made one space."""
    if not text:
        return ""
    # str.split() and the regex \s agree on what whitespace is; split and join is faster.
    return " ".join(unicodedata.normalize("NFC", text).split())


def content_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the normalised title, summary and body."""
    joined = "\x1f".join(normalise(fields.get(name)) for name in CONTENT_FIELDS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def common_ends(a: Sequence[Any], b: Sequence[Any]) -> tuple[int, int]:
    """How many items two sequences share at their start, and then at their end."""
    limit = min(len(a), len(b))
    start = 0
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _words_moved(a: list[str], b: list[str]) -> tuple[int, int]:
    start, end = common_ends(a, b)
    a, b = a[start:len(a) - end], b[start:len(b) - end]
    if not a or not b:
        return len(b), len(a)
    added = removed = 0
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            removed += a2 - a1
            added += b2 - b1
    return added, removed


def _word_changes(old: str | None, new: str | None) -> tuple[int, int]:
    """Words added and removed, old -> new: paragraphs are matched first, then the words of
    the paragraphs that differ (as git diffs lines, then words), which spares diffing the
    words of a whole story for one edited paragraph."""
    a = [normalise(p) for p in PARAGRAPH_BREAK.split(old or "")]
    b = [normalise(p) for p in PARAGRAPH_BREAK.split(new or "")]
    added = removed = 0
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            more, fewer = _words_moved(WORD.findall(" ".join(a[a1:a2])),
                                       WORD.findall(" ".join(b[b1:b2])))
            added += more
            removed += fewer
    return added, removed


def change_summary(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Which content fields changed from old to new, and how many words came and went."""
    if old is None:
        return {"fields": [], "words_added": len(WORD.findall(normalise(new.get("body")))),
                "words_removed": 0, "first": True}
    fields = [n for n in CONTENT_FIELDS if normalise(old.get(n)) != normalise(new.get(n))]
    added = removed = 0
    for name in fields:
        a, r = _word_changes(old.get(name), new.get(name))
        added += a
        removed += r
    return {"fields": fields, "words_added": added, "words_removed": removed}


def _lines(text: str | None) -> list[str]:
    """A text as diff lines: each paragraph wrapped, paragraphs separated by a blank line."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n\n"):
        paragraph = normalise(paragraph)
        if not paragraph:
            continue
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(paragraph, WRAP_WIDTH, break_on_hyphens=False))
    return lines


def unified_diff(
    old: Mapping[str, Any], new: Mapping[str, Any], old_label: str, new_label: str
) -> str:
    """A readable unified diff of title, summary and body between two versions."""
    parts: list[str] = []
    for name in CONTENT_FIELDS:
        a, b = _lines(old.get(name)), _lines(new.get(name))
        if a == b:
            continue
        diff = difflib.unified_diff(
            a, b, f"{old_label} {name}", f"{new_label} {name}", n=2, lineterm=""
        )
        parts.append("\n".join(diff))
    return "\n".join(parts)


TOKEN = re.compile(r"\s+|[^\s]+")


def _word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) runs between two texts at word level: op is ' ', '-' or '+'."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    runs: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append((" ", "".join(a[a1:a2])))
            continue
        if a2 > a1:
            runs.append(("-", "".join(a[a1:a2])))
        if b2 > b1:
            runs.append(("+", "".join(b[b1:b2])))
    return runs


def word_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """A word-level diff of changed fields: [-removed-] and {+added+}, as git --word-diff."""
    parts: list[str] = []
    for name in CONTENT_FIELDS:
        a, b = old.get(name) or "", new.get(name) or ""
        if normalise(a) == normalise(b):
            continue
        marked = "".join(text if op == " " else f"[-{text}-]" if op == "-" else f"{{+{text}+}}"
                         for op, text in _word_ops(a, b))
        parts.append(f"== {name} ==\n{marked}")
    return "\n\n".join(parts)


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 16px/1.5 Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; }}
h1 {{ font-size: 1.3em; }} h2 {{ font: bold 0.9em sans-serif; text-transform: uppercase;
color: #555; margin-top: 2em; }} .meta {{ color: #555; font: 0.85em sans-serif; }}
del {{ background: #fdd; color: #900; }} ins {{ background: #dfd; color: #060;
text-decoration: none; }} .text {{ white-space: pre-wrap; }}
</style></head><body>
<h1>{title}</h1><p class="meta">{meta}</p>
{sections}
</body></html>
"""


def html_diff(old: Mapping[str, Any], new: Mapping[str, Any], url: str, old_label: str,
              new_label: str) -> str:
    """A self-contained HTML page showing the word-level changes; all page text is escaped."""
    sections: list[str] = []
    for name in CONTENT_FIELDS:
        a, b = old.get(name) or "", new.get(name) or ""
        if normalise(a) == normalise(b):
            continue
        marked = "".join(
            html.escape(text) if op == " " else
            f"<del>{html.escape(text)}</del>" if op == "-" else f"<ins>{html.escape(text)}</ins>"
            for op, text in _word_ops(a, b))
        sections.append(f'<h2>{html.escape(name)}</h2><div class="text">{marked}</div>')
    return HTML_PAGE.format(
        title=html.escape(str(new.get("title") or url)),
        meta=html.escape(f"{url}: {old_label} → {new_label}"),
        sections="\n".join(sections) or "<p>No difference in title, summary or body.</p>",
    )
