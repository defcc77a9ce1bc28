"""Content hashing, change summaries and readable diffs between article versions."""

from __future__ import annotations

import difflib
import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Mapping
from typing import Any

# The fields whose text decides whether a page is a new version.
CONTENT_FIELDS = ("title", "summary", "body")
WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
WRAP_WIDTH = 88  # columns of a diff line: long paragraphs are wrapped so changes stand out


def normalise(text: str | None) -> str:
    """Text with Unicode composed and every run of whitespace made one space."""
    if not text:
        return ""
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the normalised title, summary and body."""
    joined = "\x1f".join(normalise(fields.get(name)) for name in CONTENT_FIELDS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _word_changes(old: str, new: str) -> tuple[int, int]:
    matcher = difflib.SequenceMatcher(None, WORD.findall(old), WORD.findall(new), autojunk=False)
    added = removed = 0
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            removed += a2 - a1
        if op in ("replace", "insert"):
            added += b2 - b1
    return added, removed


def change_summary(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Which content fields changed from old to new, and how many words came and went."""
    if old is None:
        return {"fields": [], "words_added": len(WORD.findall(normalise(new.get("body")))),
                "words_removed": 0, "first": True}
    fields = [n for n in CONTENT_FIELDS if normalise(old.get(n)) != normalise(new.get(n))]
    added = removed = 0
    for name in fields:
        a, r = _word_changes(normalise(old.get(name)), normalise(new.get(name)))
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
