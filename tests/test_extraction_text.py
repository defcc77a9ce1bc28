"""Table-driven tests of the field cleaners: titles, authors, dates, module text."""

from __future__ import annotations

import pytest

from crawler.extraction import clean_item
from crawler.extraction.dates import parse_date
from crawler.extraction.html import decode_page
from crawler.extraction.page import normalize_lang
from crawler.extraction.text import (
    clean_authors,
    clean_title,
    is_comment_heading,
    is_end_marker,
    is_noise_line,
    is_own_rights_line,
    looks_like_person,
    normalize_space,
)

SITE = ("Harbour Daily Digital", "harbourdailydigital.com", "harbourdailydigital")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sea wall plan approved | Harbour Daily Digital", "Sea wall plan approved"),
        ("Sea wall plan approved - Harbour Daily Digital", "Sea wall plan approved"),
        ("Sea wall plan approved – Harbour Daily Digital", "Sea wall plan approved"),
        ("Sea wall plan approved — harbourdailydigital.com", "Sea wall plan approved"),
        ("Harbour Daily Digital | Sea wall plan approved", "Sea wall plan approved"),
        ("Sea wall plan approved | News | Harbour Daily Digital", "Sea wall plan approved"),
        ("Sea wall plan approved | The Coast Post", "Sea wall plan approved"),
        ("Brexit - what it means for fishing", "Brexit - what it means for fishing"),
        ("Covid-19: cases fall again", "Covid-19: cases fall again"),
        ("&#8216;Sea wall&#8217; plan approved", "‘Sea wall’ plan approved"),
        ("防潮堤の計画を承認｜Harbour Daily Digital", "防潮堤の計画を承認"),
        ("  Sea   wall\nplan  ", "Sea wall plan"),
        ("", None),
        (None, None),
    ],
)
def test_clean_title(raw: str | None, expected: str | None) -> None:
    assert clean_title(raw, SITE) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe"], ["Jane Doe"]),
        (["by: Jane Doe"], ["Jane Doe"]),
        (["Written by Jane Doe"], ["Jane Doe"]),
        (["Jane Doe, Senior Correspondent"], ["Jane Doe"]),
        (["Jane Doe | Political Editor"], ["Jane Doe"]),
        (["Jane Doe - Features Editor"], ["Jane Doe"]),
        (["By Jane Doe and John Smith"], ["Jane Doe", "John Smith"]),
        (["Jane Doe & John Smith"], ["Jane Doe", "John Smith"]),
        (["JANE DOE"], ["Jane Doe"]),
        (["Jane Doe", "jane doe", "Jane  Doe"], ["Jane Doe"]),
        (["By Jane Doe in London"], ["Jane Doe"]),
        (["Staff Reporter"], ["Staff Reporter"]),
        (["https://www.facebook.com/janedoe"], []),
        (["", None, "   "], []),
        (["Posted on 22 August 2025"], []),
        (["Analysis by Jane Doe"], ["Jane Doe"]),
        (["Text: Jane Doe"], ["Jane Doe"]),
    ],
)
def test_clean_authors(raw: list, expected: list[str]) -> None:
    assert clean_authors(raw) == expected


@pytest.mark.parametrize(
    ("raw", "lang", "expected"),
    [
        ("2025-08-22T09:15:00+01:00", None, "2025-08-22T09:15:00+01:00"),
        ("2025-08-22T09:15:00Z", None, "2025-08-22T09:15:00+00:00"),
        ("2025-08-22T09:15:00.123+0100", None, "2025-08-22T09:15:00+01:00"),
        ("2025-08-22 09:15", None, "2025-08-22T09:15:00"),
        ("2025-08-22", None, "2025-08-22"),
        ("2025/08/22", None, "2025-08-22"),
        ("2025.08.22 10:30", None, "2025-08-22T10:30:00"),
        ("22 August 2025", None, "2025-08-22"),
        ("Friday, 22nd August 2025", None, "2025-08-22"),
        ("August 22, 2025", None, "2025-08-22"),
        ("Aug 22, 2025 4:30 pm", None, "2025-08-22T16:30:00"),
        ("Fri, 22 Aug 2025 09:15:00 +0000", None, "2025-08-22T09:15:00+00:00"),
        ("05/08/2025", "en-GB", "2025-08-05"),
        ("05/08/2025", "en-US", "2025-05-08"),
        ("05/08/2025", None, "2025-08-05"),
        ("22/08/2025", "en-US", "2025-08-22"),
        ("22.08.2025", "de", "2025-08-22"),
        ("20250822", None, "2025-08-22"),
        ("06/10/2025 14:30", "en-GB", "2025-10-06T14:30:00"),
        ("Published 10/06/2025 9:15 a.m.", "en-US", "2025-10-06T09:15:00"),
        ("2025年10月6日 14時30分", "ja", "2025-10-06T14:30:00"),
        ("2025年10月6日（月）14:30", "ja", "2025-10-06T14:30:00"),
        ("2025년 10월 6일", "ko", "2025-10-06"),
        ("الاثنين ٦ أكتوبر ٢٠٢٥ - ١٤:٣٠", "ar", "2025-10-06T14:30:00"),
        ("الاثنين، 06 أكتوبر 2025 - 02:30 م", "ar", "2025-10-06T14:30:00"),
        ("6 تشرين الأول 2025", "ar", "2025-10-06"),
        ("12 يوليوز 2024", "ar", "2024-07-12"),
        ("٠٦/١٠/٢٠٢٥", "ar", "2025-10-06"),
        ("0000-00-00", None, None),
        ("0000-00-00T00:00:00+00:00", None, None),
        ("20250-08-22", None, None),
        ("1900-01-01", None, None),
        ("2025-13-40", None, None),
        ("yesterday", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_parse_date(raw: str | None, lang: str | None, expected: str | None) -> None:
    assert parse_date(raw, lang) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en-gb", "en-GB"),
        ("en_US", "en-US"),
        ("EN", "en"),
        ("pt-br", "pt-BR"),
        ("", None),
        ("x", None),
    ],
)
def test_normalize_lang(raw: str, expected: str | None) -> None:
    assert normalize_lang(raw) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Today: 6 October 2025",
        "22 August 2025",
        "Friday, August 22, 2025",
        "5 October 2025, 16:06 Updated 16:52",
        "Published 5 October 2025 | Updated 6 October 2025, 9:14am",
        "4 mins read",
        "1 min read",
        "Reading time: 3 minutes",
        "Advertisement",
        "- Advertisement -",
        "Story continues below advertisement",
        "12 Shares",
        "Share",
        "Share this article",
        "Facebook Twitter WhatsApp Email",
        "Sign up for our newsletter and get the top stories in your inbox every morning.",
        "Subscribe",
        "Read more: Parking charges to rise in town centre",
        "Also read: New footbridge opens",
        "3 Comments",
        "Page 1 of 3 1 2 3 Next page ›",
        "Pages: 1 2 3",
        "« Previous 1 2 3 Next »",
        "1 of 6",
        "2h ago",
        "Updated 15 minutes ago",
        "LIVE",
        "BREAKING NEWS",
        "Pinned post",
        "Key events",
        "Show key events only",
        "Show more",
        "Load more updates",
        "Showing 5 of 23 updates",
        "Photograph: Carys Bellamy/Lakeside Tribune",
        "(Photo by Tom Reyes/Getty Images)",
        "For reprint and licensing requests for this article, contact Lakeside Syndication.",
        "To republish this story, please contact our syndication desk.",
        "Reprints & Permissions",
    ],
)
def test_noise_lines(line: str) -> None:
    assert is_noise_line(normalize_space(line.strip("- ")) if line.startswith("-") else line)


@pytest.mark.parametrize(
    "line",
    [
        "The council said the lanes would be finished by the end of 2025.",
        "Read the full report on the council's website before the meeting, officials said.",
        "Share prices fell sharply on Monday after the announcement.",
        "Advertisement revenue at the paper fell by a third last year, its owners said.",
        "13.48 BST",  # a live blog's update time is part of the update
        "12",
        "The 3 of us went to the harbour at dawn.",
        "10 of the 12 councils agreed to the plan.",
        "Next page of the report covers the harbour's finances, the council said.",
        "Live music returns to the park this weekend, organisers said.",
        "Photographs from the archive show the harbour in 1910, before the sea wall.",
        "Licensing officers will visit every pub in the town before Christmas.",
        "Reprints of the 1923 harbour map are on sale at the museum shop.",
    ],
)
def test_body_lines_are_not_noise(line: str) -> None:
    assert not is_noise_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Previous Story", True),
        ("Next Story", True),
        ("Latest from -Top News", True),
        ("Go toTop", True),
        ("Go to Top", True),
        ("Don't Miss", True),
        ("Don’t Miss", True),
        ("Related Posts", True),
        ("You may also like", True),
        ("Next, the council will vote on the plan.", False),
        (
            "More from the interview follows below, edited for length and clarity by our staff.",
            False,
        ),
        # feedback widgets and a way back to the front page, in several languages
        ("Was this article helpful?", True),
        ("War dieser Artikel hilfreich?", True),
        ("Cet article vous a-t-il été utile ?", True),
        ("¿Te ha resultado útil este artículo?", True),
        ("Czy ten artykuł był pomocny?", True),
        ("Zurück zur Startseite", True),
        ("Powrót do strony głównej", True),
        ("Другие материалы:", True),
        ("Was this the right decision, the mayor asked the council.", False),
    ],
)
def test_end_markers(line: str, expected: bool) -> None:
    assert is_end_marker(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Comments (12)", True),
        ("Reader comments", True),
        ("Ostatnie komentarze", True),
        ("Комментарии читателей", False),  # the noun first, then a word: not a heading form
        ("Comments are closed.", True),
        ("Comments are now closed for this article", True),
        ("Thanks for your comments - this discussion is now closed", True),
        ("Die Kommentarfunktion ist geschlossen.", True),
        ("Les commentaires sont fermés.", True),
        ("Комментарии закрыты", True),
        # a quote, not a thread
        ("No comment.", False),
        ("Без комментариев.", False),
        ("Sin comentarios.", False),
        ("Keine Kommentare", False),
        ("His comments angered the opposition.", False),
    ],
)
def test_comment_headings(line: str, expected: bool) -> None:
    assert is_comment_heading(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("We may earn a commission when you buy through links on our site.", True),
        ("This post contains affiliate links; see our disclosure policy.", True),
        ("Every product featured was independently selected by our editors.", True),
        ("Wir erhalten ggf. eine Provision, wenn Sie über diese Links kaufen.", True),
        ("Nous pouvons percevoir une commission sur les achats effectués via ces liens.", True),
        ("Podemos recibir una comisión por las compras realizadas a través de los enlaces.", True),
        ("Estate agents earn a commission on every house they sell, the report found.", False),
        ("Each product was selected by a panel of judges before the awards.", False),
    ],
)
def test_affiliate_notices(line: str, expected: bool) -> None:
    assert is_noise_line(line) is expected


def test_clean_item_drops_heading_repeats_and_modules() -> None:
    fields = {
        "title": "Sea wall  plan approved",
        "summary": "Twelve councils agreed.",
        "authors": ["By Jane Doe", "Jane Doe"],
        "body": "Sea wall plan approved\n\nTwelve councils agreed.\n\n4 mins read\n\n"
        "First paragraph."
        "\n\nAdvertisement\n\nSecond paragraph.\n\nPrevious Story\n\nAnother story",
    }
    cleaned = clean_item(fields, standfirst=fields["summary"])
    assert cleaned["title"] == "Sea wall plan approved"
    assert cleaned["authors"] == ["Jane Doe"]
    assert cleaned["body"] == "First paragraph.\n\nSecond paragraph."
    assert clean_item(cleaned) == cleaned
    assert fields["authors"] == ["By Jane Doe", "Jane Doe"]  # the input is left alone


def test_clean_item_uses_profile_patterns() -> None:
    from crawler.profiles import load_profile

    profile = load_profile("arabdailydigital")
    cleaned = clean_item({"body": "One.\n\nAlso read UK Govt backs new facility\n\nTwo."}, profile)
    assert cleaned["body"] == "One.\n\nTwo."


def test_an_inline_box_heading_does_not_end_the_story() -> None:
    story = [
        "The council approved the plan on Tuesday after a long debate in the chamber.",
        "Don't Miss",
        "Work on the first stretch of the sea wall will begin in the spring, officials said.",
        "Residents will be able to see the detailed plans at the town library from next week.",
    ]
    assert clean_item({"body": "\n\n".join(story)})["body"] == "\n\n".join(story[:1] + story[2:])


def test_sidebar_headings_after_the_story_end_it() -> None:
    body = [
        "The council approved the plan on Tuesday after a long debate in the chamber.",
        "Latest from Top News",
        "Port strike talks resume as union leaders and managers meet again on Monday.",
        "Don't Miss",
        "Harbour master retires after forty years",
    ]
    assert clean_item({"body": "\n\n".join(body)})["body"] == body[0]


@pytest.mark.parametrize(
    ("line", "site", "expected"),
    [
        (
            "© 2025 Lakeside Tribune Media Ltd. All rights reserved.",
            "lakesidetribune.co.uk",
            True,
        ),
        ("Copyright 2019 Hawaii News Now. All rights reserved.", "hawaiinewsnow.com", True),
        ("© The Westerly Herald 2025. All rights reserved.", "thewesterlyherald.com", True),
        # a wire service's notice says where the text came from: it stays
        (
            "© 2019 Associated Press. All Rights Reserved. This material may not be published.",
            "lakesidetribune.co.uk",
            False,
        ),
        ("© Reuters", "reuters.com", False),
        (
            "Lakeside Tribune Media has reserved all rights, its lawyers said.",
            "lakesidetribune.co.uk",
            False,
        ),
        ("© 2025 Lakeside Tribune Media Ltd. All rights reserved.", None, False),
        ("Copyright: Lakeside Tribune", "lakesidetribune.co.uk", True),
        ("© 2011-2025 Lakeside Tribune", "lakesidetribune.co.uk", True),
        (
            "Not to be reproduced without permission of the Lakeside Tribune",
            "lakesidetribune.co.uk",
            True,
        ),
        ("© Associated Press", "lakesidetribune.co.uk", False),
        (
            "Copyright lawyers told the Lakeside Tribune the case was weak. It goes on.",
            "lakesidetribune.co.uk",
            False,
        ),
    ],
)
def test_own_rights_lines(line: str, site: str | None, expected: bool) -> None:
    assert is_own_rights_line(line, site) is expected


def test_clean_item_drops_the_sites_rights_line_but_keeps_a_wire_notice() -> None:
    story = "The council approved the plan on Tuesday after a long debate in the chamber."
    own = "© 2025 Lakeside Tribune Media Ltd. All rights reserved."
    wire = "© 2025 The Associated Press. All rights reserved."
    fields = {"site": "lakesidetribune.co.uk", "body": "\n\n".join([story, wire, own])}
    assert clean_item(fields)["body"] == "\n\n".join([story, wire])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dana Whitlock", True),
        ("Trevor J. Mitchell", True),
        ("Ludwig van Beethoven", True),
        ("هبة عبد الرحمن", True),
        ("The Russian", False),
        ("Syrian defense ministries", False),
    ],
)
def test_looks_like_person(name: str, expected: bool) -> None:
    assert looks_like_person(name) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'<meta charset="windows-1252"><p>\x93Caf\xe9\x94 \x96 \xa34</p>', "“Café” – £4"),
        (b"<meta charset=Shift_JIS><p>\x93\x8c\x8b\x9e</p>", "東京"),
        (b"\xef\xbb\xbf<p>Caf\xc3\xa9</p>", "Café"),
        (b"<p>Caf\xc3\xa9</p>", "Café"),
        (b"<p>Caf\xe9 \x93open\x94</p>", "Café “open”"),  # undeclared, not UTF-8
    ],
)
def test_bytes_are_read_in_their_charset(raw: bytes, expected: str) -> None:
    assert expected in decode_page(raw, None)[0]
