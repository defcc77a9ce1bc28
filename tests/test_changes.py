"""Classifying each new version: first, revert, correction, substantive, headline, minor."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crawler.archive.changes import KINDS, classify, describe, is_copy_edit, is_correction_notice

TITLE = "Council backs £40m plan to overhaul Leeds bus network"
SUMMARY = "Fares would be capped at £2 under proposals approved by councillors on Tuesday"
PARAGRAPHS = [
    "Plans to overhaul the bus network in Leeds moved a step closer on Tuesday after "
    "councillors backed a revised proposal that would cap fares at £2.",
    "The Regional Transport Board said it had received more than 4,000 responses to its "
    "consultation, a record for the region.",
    "“We have listened carefully to what people told us,” said Margaret Okafor, the council "
    "leader. “This is not the end of the conversation, but it is a serious start.”",
    "Critics argue that the £40m budget falls well short of what is needed to replace an "
    "ageing fleet, and the goverment has yet to say whether it will help.",
    "The proposals will now go before a full meeting of the council, where a vote is "
    "expected in March.",
]
BODY = "\n\n".join(PARAGRAPHS)


def version(number: int = 1, **fields: str) -> dict[str, Any]:
    """A version of the bus story, with some fields replaced."""
    return {"version": number, "title": TITLE, "summary": SUMMARY, "body": BODY, **fields}


def body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def replaced(old: str, new: str) -> str:
    """The story's body with one phrase replaced."""
    assert old in BODY
    return BODY.replace(old, new)


A = version(1)
B = version(2, title="Leeds bus fares to be capped at £2 as council backs overhaul")
C = version(3, body=replaced("in March", "in April, after a delay requested by operators"))

CASES = [
    # (name, old, new, earlier, kind, fields)
    ("identical", A, version(2), [], "unchanged", []),
    ("headline rewritten", A, B, [], "headline", ["title"]),
    ("headline and a typo in the body", A,
     version(2, title=B["title"], body=replaced("goverment", "government")), [],
     "headline", ["title", "body"]),
    ("headline and body rewritten", A,
     version(2, title=B["title"], body=replaced("in March", "in April")), [],
     "substantive", ["title", "body"]),
    ("typo fixed", A, version(2, body=replaced("goverment", "government")), [], "minor", ["body"]),
    ("two typos fixed, one a transposition", version(1, body=replaced("record", "reocrd")),
     version(2, body=replaced("goverment", "government")), [], "minor", ["body"]),
    ("doubled word removed", version(1, body=replaced("said it", "said it it")), A, [],
     "minor", ["body"]),
    ("apostrophe fixed", version(1, body=replaced("Okafor, the", "Okafors the")),
     version(2, body=replaced("Okafor, the", "Okafor’s the")), [], "minor", ["body"]),
    ("capitalisation only", A, version(2, title=TITLE.title()), [], "minor", ["title"]),
    ("punctuation only", A, version(2, summary=SUMMARY.replace(" on ", ", on ") + "."), [],
     "minor", ["summary"]),
    ("whitespace only", A,
     version(2, body=BODY.replace(" ", "  ").replace("\n\n", "\n \n\n")), [], "minor", ["body"]),
    ("paragraph split", A, version(2, body=replaced(" “This is", "\n\n“This is")), [],
     "minor", ["body"]),
    ("figure changed by one character", A, version(2, body=replaced("£40m", "£45m")), [],
     "substantive", ["body"]),
    ("negation by one character", A,
     version(2, body=replaced("will now go", "will not go")), [], "substantive", ["body"]),
    ("paragraph added", A,
     version(2, body=body(*PARAGRAPHS, "Operators said they would study the plans.")), [],
     "substantive", ["body"]),
    ("paragraph removed", A, version(2, body=body(*PARAGRAPHS[:-1])), [], "substantive",
     ["body"]),
    ("summary rewritten", A, version(2, summary="Opponents say the plan is underfunded"), [],
     "substantive", ["summary"]),
    ("body emptied", A, version(2, body=""), [], "substantive", ["body"]),
    ("body arrives", version(1, body=""), A, [], "substantive", ["body"]),
    ("empty body, headline changed", version(1, body=""), version(2, title=B["title"], body=""),
     [], "headline", ["title"]),
    ("correction appended", A,
     version(2, body=body(*PARAGRAPHS, "Correction: An earlier version of this article gave "
                          "the wrong name for the transport board.")), [],
     "correction", ["body"]),
    ("correction and the figure it fixes", A,
     version(2, body=body(*replaced("£40m", "£45m").split("\n\n"),
                          "This article was amended on 5 March 2025 to correct the budget.")),
     [], "correction", ["body"]),
    ("update added at the top, headline too", A,
     version(2, title=B["title"],
             body=body("Update: the vote has been postponed until April.", *PARAGRAPHS)), [],
     "correction", ["title", "body"]),
    ("update in the summary", A,
     version(2, summary="Updated: the council has since delayed the vote"), [],
     "correction", ["summary"]),
    ("second correction below a first", version(1, body=body(*PARAGRAPHS, "Correction: x y.")),
     version(2, body=body(*PARAGRAPHS, "Correction: x y.", "Clarification: the fare cap "
                          "applies to single journeys only.")), [], "correction", ["body"]),
    ("typo fixed inside an old correction",
     version(2, body=body(*PARAGRAPHS, "Correction: the goverment figure was wrong.")),
     version(3, body=body(*PARAGRAPHS, "Correction: the government figure was wrong.")), [],
     "minor", ["body"]),
    ("flip-flop back", B, version(3), [A], "revert", ["title"]),
    ("back two versions", C, version(4), [A, B], "revert", ["body"]),
    ("revert beats correction", version(2, body=body(*PARAGRAPHS[:-1])),
     version(3, body=body(*PARAGRAPHS, "Correction: x y.")),
     [version(1, body=body(*PARAGRAPHS, "Correction: x y."))], "revert", ["body"]),
    ("whitespace edit is no revert", version(2, body=BODY + " "), version(3), [A], "minor",
     ["body"]),
]


@pytest.mark.parametrize(
    ("old", "new", "earlier", "kind", "fields"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_classify(
    old: dict[str, Any], new: dict[str, Any], earlier: list[dict[str, Any]], kind: str,
    fields: list[str],
) -> None:
    change = classify(old, new, earlier)
    assert (change["kind"], change["fields"]) == (kind, fields)
    assert change["kind"] in KINDS
    assert (change["reverts_to"] is None) == (kind != "revert")


def test_first_version_counts_its_words() -> None:
    change = classify(None, A)
    assert change == {"kind": "first", "fields": [], "words_added": len(re.findall(r"\w+", BODY)),
                      "words_removed": 0, "reverts_to": None}


def test_flip_flop_a_b_a_b() -> None:
    a, b = version(1), version(2, title=B["title"])
    assert classify(a, b)["kind"] == "headline"
    assert classify(b, version(3), [a])["reverts_to"] == 1
    assert classify(version(3), version(4, title=B["title"]), [a, b])["reverts_to"] == 2
    assert classify(C, version(4), [A, B])["reverts_to"] == 1
    # unnumbered versions are numbered by their place, oldest first
    unnumbered = [{k: v for k, v in a.items() if k != "version"}]
    assert classify(b, version(3), unnumbered)["reverts_to"] == 1


def test_correction_says_what_and_where() -> None:
    notice = "Correction: An earlier version of this article misspelt Margaret Okafor's name."
    change = classify(A, version(2, body=body(*PARAGRAPHS, notice)))
    assert change["correction"] == notice
    assert change["correction_at"] == "end"
    assert change["words_added"] == 12  # "Okafor's" is two words
    middle = classify(A, version(2, body=body(PARAGRAPHS[0], notice, *PARAGRAPHS[1:])))
    assert middle["correction_at"] == "middle"


@pytest.mark.parametrize(
    "paragraph",
    [
        "Correction: An earlier version of this story said the vote was in May.",
        "CORRECTION — the budget is £45m, not £40m.",
        "Clarification: the fare cap applies to single journeys.",
        "Update (10.32 GMT): the meeting has been adjourned.",
        "Updated at 11:05 to add comment from operators.",
        "Editor’s note: this story has been changed to remove a quote.",
        "This article was amended on 5 March 2025 to correct the spelling of a name.",
        "A previous version of this article misstated the date of the vote.",
        "This story has been updated with the result of the vote.",
        "[Update] Operators have responded.",
        "Rectificatif : une précédente version de cet article indiquait un montant erroné.",
        "Cet article a été mis à jour le 5 mars.",
        "Fe de errores: en una versión anterior de este artículo se decía otra cosa.",
        "Corrección: la votación será en abril.",
        "Korrektur: In einer früheren Version dieses Artikels hieß es, die Abstimmung sei im Mai.",
        "Transparenzhinweis: Dieser Artikel wurde aktualisiert.",
        "Correção: uma versão anterior deste texto trazia o valor errado.",
        "Nota da redação: o texto foi atualizado.",
        "Rettifica: una versione precedente di questo articolo riportava una data errata.",
        "Correctie: in een eerdere versie van dit artikel stond een verkeerd bedrag.",
    ],
)
def test_correction_notices(paragraph: str) -> None:
    assert is_correction_notice(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Correction officers at the prison said conditions had worsened.",
        "Updated figures published on Monday show a rise in passenger numbers.",
        "The council's website was updated on 3 March to show the new fares.",
        "The board said the report had been updated to reflect the consultation.",
        "An update to the timetable is expected in the spring.",
        "Operators have called for a correction to the budget.",
        "",
    ],
)
def test_ordinary_paragraphs_are_not_notices(paragraph: str) -> None:
    assert not is_correction_notice(paragraph)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("The goverment said", "The government said", True),
        ("Its a deal", "It’s a deal", True),
        ("every day", "everyday", True),
        ("Smith said", "Smyth said", True),
        ("", "", True),
        ("fares rose 3%", "fares rose 5%", False),  # figures always matter
        ("it is now clear", "it is not clear", False),  # so does a negation
        ("no deal", "a deal", False),
        ("the mayor won", "the mayor lost", False),
        ("a b c", "a b c d", False),
        ("one two three four five", "won too tree for fiver", False),  # more than a handful
    ],
)
def test_copy_edits(old: str, new: str, expected: bool) -> None:
    assert is_copy_edit(old, new) is expected


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ({"kind": "first", "fields": [], "words_added": 512, "words_removed": 0},
         "first version (512 words)"),
        ({"kind": "headline", "fields": ["title"], "words_added": 9, "words_removed": 8},
         "headline changed"),
        ({"kind": "correction", "fields": ["body"], "words_added": 32, "words_removed": 0,
          "correction_at": "end"}, "correction appended (+32 words)"),
        ({"kind": "correction", "fields": ["body"], "words_added": 9, "words_removed": 0,
          "correction_at": "top"}, "correction added at the top (+9 words)"),
        ({"kind": "minor", "fields": ["body"], "words_added": 1, "words_removed": 1},
         "minor copy edit"),
        ({"kind": "revert", "fields": ["title"], "reverts_to": 2}, "reverted to v2"),
        ({"kind": "substantive", "fields": ["body"], "words_added": 120, "words_removed": 45},
         "substantive edit: +120/-45 words"),
        ({"kind": "substantive", "fields": ["title", "body"], "words_added": 3,
          "words_removed": 1}, "substantive edit: +3/-1 words, new headline"),
        ({"kind": "unchanged", "fields": []}, "no change"),
        # a summary written before versions had a kind
        ({"fields": ["body"], "words_added": 3, "words_removed": 1}, "body changed: +3/-1 words"),
        ({"fields": [], "words_added": 40, "words_removed": 0, "first": True},
         "first version (40 words)"),
    ],
)
def test_describe(change: dict[str, Any], line: str) -> None:
    assert describe(change) == line


def test_describe_every_classified_case() -> None:
    for _, old, new, earlier, _, _ in CASES:
        assert describe(classify(old, new, earlier))
