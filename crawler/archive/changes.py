"""What kind of edit a new version of an article is: the label researchers filter on."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from crawler.archive.diff import (
    PARAGRAPH_BREAK,
    WORD,
    change_summary,
    common_ends,
    content_hash,
    normalise,
)
from crawler.items import CONTENT_FIELDS
from crawler.vocab.corrections import LABEL_PATTERN, PHRASE_PATTERN

# Every kind; of revert to minor, the most informative first: when several apply, it wins.
KINDS = ("first", "revert", "correction", "substantive", "headline", "minor", "unchanged")
MINOR_MAX_EDITS = 3  # word edits a field may take and still count as a copy edit
MINOR_MAX_DISTANCE = 2  # characters one copy edit may change, and at most a third of the word
MINOR_MAX_SPAN = 2  # words one copy edit may join or split ("it's" -> "its", "every day")
# Words a one-letter edit turns into their opposite ("now" -> "not"): never a copy edit.
NEGATIONS = frozenset({"no", "not", "nor", "never", "none", "nothing", "nobody", "neither"})

def is_correction_notice(paragraph: str) -> bool:
    """Whether a paragraph announces a correction, clarification or update of the story."""
    paragraph = normalise(paragraph)
    return bool(LABEL_PATTERN.match(paragraph) or PHRASE_PATTERN.search(paragraph))


def _words(text: str | None) -> list[str]:
    return WORD.findall(normalise(text).casefold())


def _distance(a: str, b: str) -> int:
    # Levenshtein distance counting a swap of neighbours as one edit ("teh" -> "the").
    d = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def _small_edit(gone: list[str], came: list[str], context: list[str], at: int) -> bool:
    words = gone + came
    if any(w in NEGATIONS or any(c.isdigit() for c in w) for w in words):
        return False  # a changed figure or a negation changes what the story says
    if not came or not gone:  # only a doubled word may go or come
        word = (gone or came)[0]
        return len(words) == 1 and word in context[max(at - 1, 0):at + 1]
    if len(gone) > MINOR_MAX_SPAN or len(came) > MINOR_MAX_SPAN:
        return False
    a, b = "".join(gone), "".join(came)
    limit = min(MINOR_MAX_DISTANCE, -(-max(len(a), len(b)) // 3))  # a third of the word
    return _distance(a, b) <= limit


def _too_many(gone: Counter[str], came: Counter[str]) -> bool:
    # Each copy edit takes away and brings at most MINOR_MAX_SPAN words, so more words found
    # on one side only than the edits together may move rule a copy edit out without a diff.
    return sum((gone - came).values()) > MINOR_MAX_EDITS * MINOR_MAX_SPAN


def is_copy_edit(old: str | None, new: str | None) -> bool:
    """Whether new differs from old only by punctuation, case, spacing or a few typo fixes."""
    a, b = _words(old), _words(new)
    if abs(len(a) - len(b)) > MINOR_MAX_EDITS * MINOR_MAX_SPAN:
        return False  # too many words came or went: spares diffing a rewrite
    # Only the middle that differs is diffed; the words around it are context.
    start, end = common_ends(a, b)
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    counts_a, counts_b = Counter(middle_a), Counter(middle_b)
    if _too_many(counts_a, counts_b) or _too_many(counts_b, counts_a):
        return False
    opcodes = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes()
    edits = [(a1 + start, a2 + start, b1 + start, b2 + start)
             for op, a1, a2, b1, b2 in opcodes if op != "equal"]
    # An insertion is checked against the old words around it, a deletion against the new.
    return len(edits) <= MINOR_MAX_EDITS and all(
        _small_edit(a[a1:a2], b[b1:b2], a if a1 == a2 else b, a1 if a1 == a2 else b1)
        for a1, a2, b1, b2 in edits
    )


def _paragraphs(text: str | None) -> list[str]:
    return [p for p in map(normalise, PARAGRAPH_BREAK.split(text or "")) if p]


def _correction(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first new notice paragraph in summary or body, and where it stands."""
    for name in ("summary", "body"):
        before = _paragraphs(old.get(name))
        known = set(before)
        notices: list[str] | None = None  # the old notices, found when first needed
        after = _paragraphs(new.get(name))
        for index, paragraph in enumerate(after):
            if paragraph in known or not is_correction_notice(paragraph):
                continue
            if notices is None:
                notices = [p for p in before if is_correction_notice(p)]
            if any(is_copy_edit(notice, paragraph) for notice in notices):
                continue  # an old notice with a typo fixed is not a new correction
            if name == "summary" or index == 0:
                return paragraph, "top"
            return paragraph, "end" if index == len(after) - 1 else "middle"
    return None


def classify(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    earlier: Sequence[Mapping[str, Any]] = (),
    digest: str | None = None,
) -> dict[str, Any]:
    """What kind of change old -> new is, every field it touched, and the words it moved.

    digest: new's content_hash, when the caller has it already.
    """
    summary = change_summary(old, new)
    change: dict[str, Any] = {
        "kind": "first", "fields": [], "words_added": summary["words_added"],
        "words_removed": summary["words_removed"], "reverts_to": None,
    }
    if old is None:
        return change
    # Spacing counts as a change of the field; the kind below looks through it.
    change["fields"] = [n for n in CONTENT_FIELDS if (old.get(n) or "") != (new.get(n) or "")]
    digest = digest or content_hash(new)
    # the latest earlier version with the same content, numbered by position if unnumbered
    reverted = [v.get("version", n) for n, v in enumerate(earlier, 1)
                if (v.get("content_hash") or content_hash(v)) == digest]
    correction = _correction(old, new)
    real = {n for n in summary["fields"] if not is_copy_edit(old.get(n), new.get(n))}
    if not change["fields"]:
        change["kind"] = "unchanged"
    elif reverted and digest != (old.get("content_hash") or content_hash(old)):
        change["kind"], change["reverts_to"] = "revert", reverted[-1]
    elif correction:
        change["kind"] = "correction"
        change["correction"], change["correction_at"] = correction
    elif real & {"summary", "body"}:
        change["kind"] = "substantive"
    elif "title" in real:
        change["kind"] = "headline"
    else:
        change["kind"] = "minor"
    return change


def describe(change: Mapping[str, Any]) -> str:
    """A short line saying what a change did, as `crawler history` prints it."""
    kind, fields = change.get("kind"), change.get("fields") or []
    added, removed = change.get("words_added", 0), change.get("words_removed", 0)
    if kind == "first" or (kind is None and change.get("first")):
        return f"first version ({added} words)"
    if kind == "revert":
        target = change.get("reverts_to")
        return f"reverted to v{target}" if target is not None else "reverted to an earlier version"
    if kind == "correction":
        where = {"top": "added at the top", "middle": "inserted"}.get(
            change.get("correction_at", "end"), "appended"
        )
        return f"correction {where} (+{added} words)"
    if kind == "substantive":
        return f"substantive edit: +{added}/-{removed} words" + (
            ", new headline" if "title" in fields else ""
        )
    if kind == "headline":
        return "headline changed"
    if kind == "minor":
        return "minor copy edit"
    if kind == "unchanged" or not fields:
        return "no change"
    # A summary stored before versions had a kind.
    return f"{', '.join(fields)} changed: +{added}/-{removed} words"
