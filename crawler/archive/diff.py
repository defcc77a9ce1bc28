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


TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")
# Where a sentence ends: after . ! ? … (and a closing quote or bracket), before a space.
SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"'”’»)\]]*\s+")
# Two sentences this alike are one edited sentence, marked word by word; less alike, the old
# sentence is struck through whole and the new one follows it.
EDITED_SENTENCE = 0.5
# Unchanged paragraphs shown around a change; the rest are folded.
CONTEXT_PARAGRAPHS = 1
PARAGRAPH = "\n\n"  # a segment that is a paragraph break inside a changed block


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, each with its trailing space."""
    parts, start = [], 0
    for match in SENTENCE_END.finditer(paragraph):
        parts.append(paragraph[start:match.end()])
        start = match.end()
    if start < len(paragraph):
        parts.append(paragraph[start:])
    return parts


def _merge(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs with each stretch of changes made one removal then one addition.

    An unchanged run of only spaces between two changes joins them, so a replaced phrase
    reads as the old phrase, then the new one, never word by word interleaved."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(runs):
        op, text = runs[i]
        if op == " ":
            out.append((op, text))
            i += 1
            continue
        removed, added = [], []
        while i < len(runs):
            op, text = runs[i]
            if op == "-":
                removed.append(text)
            elif op == "+":
                added.append(text)
            elif (not text.strip() and i + 1 < len(runs) and runs[i + 1][0] != " "):
                removed.append(text)
                added.append(text)
            else:
                break
            i += 1
        if removed:
            out.append(("-", "".join(removed)))
        if added:
            out.append(("+", "".join(added)))
    return out


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
    return _merge(runs)


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _sentence_ops(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """Runs between two lists of sentences: like sentences word by word, others whole."""
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append((" ", "".join(old[a1:a2])))
            continue
        if op == "replace" and a2 - a1 == b2 - b1:
            for a, b in zip(old[a1:a2], new[b1:b2], strict=True):
                if _alike(a, b) >= EDITED_SENTENCE:
                    runs.extend(_word_ops(a, b))
                else:
                    runs += [("-", a), ("+", b)]
            continue
        if a2 > a1:
            runs.append(("-", "".join(old[a1:a2])))
        if b2 > b1:
            runs.append(("+", "".join(new[b1:b2])))
    return _merge(runs)


def _units(text: str | None) -> list[str]:
    return [normalise(p) for p in PARAGRAPH_BREAK.split(text or "") if normalise(p)]


def text_blocks(old: str | None, new: str | None,
                context: int = CONTEXT_PARAGRAPHS) -> list[dict[str, Any]]:
    """The diff of two texts as blocks: unchanged paragraphs, folded runs of them, and changes.

    A block is {"kind": "same", "text"}, {"kind": "fold", "count"} or {"kind": "change",
    "runs": [(op, text), ...]} where op is ' ', '-' or '+' and a run whose text is PARAGRAPH
    breaks the paragraph inside a change.
    """
    a, b = _units(old), _units(new)
    blocks: list[dict[str, Any]] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        if op == "equal":
            same = a[a1:a2]
            head = same[:context] if index > 0 else []
            tail = same[-context:] if index < len(opcodes) - 1 and context else []
            if len(head) + len(tail) >= len(same):
                head, tail = same, []
            blocks += [{"kind": "same", "text": p} for p in head]
            folded = len(same) - len(head) - len(tail)
            if folded:
                blocks.append({"kind": "fold", "count": folded})
            blocks += [{"kind": "same", "text": p} for p in tail]
            continue
        olds, news = a[a1:a2], b[b1:b2]
        runs: list[tuple[str, str]] = []
        if len(olds) == len(news):
            for i, (x, y) in enumerate(zip(olds, news, strict=True)):
                if i:
                    runs.append((" ", PARAGRAPH))
                runs += _sentence_ops(sentences(x), sentences(y))
        else:
            if olds:
                runs.append(("-", PARAGRAPH.join(olds)))
            if news:
                runs.append(("+", PARAGRAPH.join(news)))
        blocks.append({"kind": "change", "runs": runs})
    return blocks


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The content fields whose text differs, title and summary first."""
    return [n for n in CONTENT_FIELDS if normalise(old.get(n)) != normalise(new.get(n))]


def word_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """A word-level diff of changed fields: [-removed-] and {+added+}, as git --word-diff."""
    parts: list[str] = []
    for name in changed_fields(old, new):
        lines: list[str] = []
        for block in text_blocks(old.get(name), new.get(name)):
            if block["kind"] == "same":
                lines.append(block["text"])
            elif block["kind"] == "fold":
                lines.append(f"[… {block['count']} unchanged paragraph(s) …]")
            else:
                lines.append("".join(
                    text if op == " " else f"[-{text}-]" if op == "-" else f"{{+{text}+}}"
                    for op, text in block["runs"]))
        parts.append(f"== {name} ==\n" + "\n\n".join(lines))
    return "\n\n".join(parts)


def _run_html(op: str, text: str) -> str:
    if text == PARAGRAPH:
        return "</p><p>"
    escaped = html.escape(text).replace(PARAGRAPH, "</p><p>") if op != " " else html.escape(text)
    if op == "-":
        return f"<del>{escaped}</del>"
    if op == "+":
        return f"<ins>{escaped}</ins>"
    return escaped


def blocks_html(blocks: list[dict[str, Any]], side: str | None = None) -> str:
    """Diff blocks as HTML paragraphs (all text escaped): inline, or one side ('-' or '+')."""
    out: list[str] = []
    for block in blocks:
        if block["kind"] == "same":
            out.append(f'<p class="same">{html.escape(block["text"])}</p>')
        elif block["kind"] == "fold":
            count = block["count"]
            out.append(f'<p class="fold">… {count} unchanged paragraph'
                       f'{"" if count == 1 else "s"} …</p>')
        else:
            runs = [(op, t) for op, t in block["runs"] if side is None or op in (" ", side)]
            out.append('<p class="change">' + "".join(_run_html(op, t) for op, t in runs)
                       + "</p>")
    return "\n".join(out)


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 16px/1.5 Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; }}
h1 {{ font-size: 1.3em; }} h2 {{ font: bold 0.9em sans-serif; text-transform: uppercase;
color: #555; margin-top: 2em; }} .meta {{ color: #555; font: 0.85em sans-serif; }}
del {{ background: #fdd; color: #900; }} ins {{ background: #dfd; color: #060;
text-decoration: none; }} p.fold {{ color: #777; font-style: italic; }}
</style></head><body>
<h1>{title}</h1><p class="meta">{meta}</p>
{sections}
</body></html>
"""


def html_diff(old: Mapping[str, Any], new: Mapping[str, Any], url: str, old_label: str,
              new_label: str) -> str:
    """A self-contained HTML page showing the word-level changes; all page text is escaped."""
    sections = [f'<h2>{html.escape(name)}</h2><div class="text">'
                f'{blocks_html(text_blocks(old.get(name), new.get(name)))}</div>'
                for name in changed_fields(old, new)]
    return HTML_PAGE.format(
        title=html.escape(str(new.get("title") or url)),
        meta=html.escape(f"{url}: {old_label} → {new_label}"),
        sections="\n".join(sections) or "<p>No difference in title, summary or body.</p>",
    )
