"""Table tests of the metadata fields across languages: dates, authors and titles."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import read_page
from crawler.extraction.dates import (
    best_date,
    epoch_date,
    month_number,
    parse_date,
    script_language,
    with_zone,
)
from crawler.extraction.text import (
    clean_authors,
    is_chrome_title,
    is_organisation,
    strip_kicker,
)

# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "lang", "expected"),
    [
        # dotted and worded dates in visible text
        ("28.04.2023", "de", "2023-04-28"),
        ("Do 25.04.24 | 14:07 Uhr", "de", "2024-04-25T14:07:00"),
        ("01. April 2025, 15:25", "de", "2025-04-01T15:25:00"),
        ("Stand: 17.06.2025 18:24 Uhr", "de", "2025-06-17T18:24:00"),
        ("14:07 Uhr, 25.04.2024", "de", "2024-04-25T14:07:00"),
        ("2025-04-28 14:07 MESZ", "de", "2025-04-28T14:07:00+02:00"),
        ("3. März 2025", "de", "2025-03-03"),
        ("5 juin 2025", "fr", "2025-06-05"),
        ("le 5 juin 2025 à 14h30", "fr", "2025-06-05T14:30:00"),
        ("1er février 2025", "fr", "2025-02-01"),
        ("5 de junio de 2025", "es", "2025-06-05"),
        ("5 de junio de 2025 a las 14:30 CEST", "es", "2025-06-05T14:30:00+02:00"),
        ("12 maggio 2024, 10:15", "it", "2024-05-12T10:15:00"),
        ("5 de março de 2025", "pt", "2025-03-05"),
        ("5 d’abril de 2025", "ca", "2025-04-05"),
        ("12 mei 2024 14:30", "nl", "2024-05-12T14:30:00"),
        ("12 kwietnia 2024 r., 14:30", "pl", "2024-04-12T14:30:00"),
        ("3 października 2024", "pl", "2024-10-03"),
        ("12. října 2024", "cs", "2024-10-12"),
        ("12 апреля 2024, 14:30", "ru", "2024-04-12T14:30:00"),
        ("12 Απριλίου 2024", "el", "2024-04-12"),
        ("2024. április 12.", "hu", "2024-04-12"),
        ("5 Kasım 2024", "tr", "2024-11-05"),
        ("Unica.md, 20 septembrie 2020 16:20", "ro", "2020-09-20T16:20:00"),
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", "ar", "2020-04-24T21:22:00"),
        ("5. juni 2025 kl. 10:00", "da", "2025-06-05T10:00:00"),
        # zones written after the time, with summer time where the zone has it
        ("11/28/2016 04:23 pm ET", "en-US", "2016-11-28T16:23:00-05:00"),
        ("06/28/2016 04:23 pm ET", "en-US", "2016-06-28T16:23:00-04:00"),
        ("on 1 June 2019 at 08:34 PM EDT", "en", "2019-06-01T20:34:00-04:00"),
        ("Updated: Oct 9, 2019, 11:05 IST", "en", "2019-10-09T11:05:00+05:30"),
        ("10:00 GMT+2, 5 June 2025", "en", "2025-06-05T10:00:00+02:00"),
        ("2018-10-29T10:15-500", None, "2018-10-29T10:15:00-05:00"),
        # Java's and JavaScript's Date.toString(), as CMSs write them into meta tags
        ("Mon Aug 03 12:45:00 EDT 2015", None, "2015-08-03T12:45:00-04:00"),
        ("Mi Jan 08 09:05:00 MEZ 2025", "de", "2025-01-08T09:05:00+01:00"),
        ("Tue Dec 13 2016 18:06:00 GMT+0000 (Coordinated Universal Time)", None,
         "2016-12-13T18:06:00+00:00"),
        ("Thu Jun 05 2025 14:30:00 GMT+0200 (Mitteleuropäische Sommerzeit)", "de",
         "2025-06-05T14:30:00+02:00"),
        # not dates
        ("version 1.2.24", "en", None),
        ("The 5 biggest 2025", "en", None),
        ("Sat 12 Things 2025", "en", None),
    ],
)
def test_parse_date_languages(raw: str, lang: str | None, expected: str | None) -> None:
    assert parse_date(raw, lang) == expected


@pytest.mark.parametrize(
    ("word", "month"),
    [("Février", 2), ("MÄRZ", 3), ("czerwca", 6), ("Μαΐου", 5), ("июля", 7), ("ago", 8),
     ("Sept.", 9), ("Oktober", 10), ("listopada", 11), ("dezembro", 12), ("Monday", None)],
)
def test_month_number(word: str, month: int | None) -> None:
    assert month_number(word) == month


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        (["2025-06-05"], "2025-06-05"),
        # a date-only value takes the time of a later source naming the same day, zoned first
        (["2025-06-05", "2025-06-05T14:30:00", "2025-06-05T14:30:00+02:00"],
         "2025-06-05T14:30:00+02:00"),
        (["2025-06-05", "2025-06-06T14:30:00+02:00"], "2025-06-05"),
        # a naive visible time yields to a zoned value of the same day
        (["2016-11-28T16:23:00", "2016-11-28T21:23:00+00:00"], "2016-11-28T21:23:00+00:00"),
        (["2016-11-28T16:23:00", "2016-11-29T21:23:00+00:00"], "2016-11-28T16:23:00"),
        # one minute in both: the naive one's seconds, the zoned one's offset
        (["2022-10-17T16:01:26", "2022-10-17T16:01:00-04:00"], "2022-10-17T16:01:26-04:00"),
        (["2022-10-17T16:01:26+02:00", "2022-10-17T16:01:00"], "2022-10-17T16:01:26+02:00"),
        # a local clock written as UTC yields to the same clock time with the page's offset
        (["2019-04-19T20:00:00+00:00", "2019-04-19T20:00:00+09:00"], "2019-04-19T20:00:00+09:00"),
        (["2025-06-05T14:30:00+00:00", "2025-06-05T14:30:00+02:00"], "2025-06-05T14:30:00+02:00"),
        # a true UTC time beside another time of the same day, or the same clock a day later
        (["2025-06-05T12:30:00+00:00", "2025-06-05T14:30:00+02:00"], "2025-06-05T12:30:00+00:00"),
        (["2025-06-05T14:30:00+00:00", "2025-06-06T14:30:00+02:00"], "2025-06-05T14:30:00+00:00"),
    ],
)
def test_best_date(values: list[str], expected: str | None) -> None:
    assert best_date(values) == expected


@pytest.mark.parametrize(
    ("value", "others", "lang", "expected"),
    [
        ("2025-06-05T14:30:00", ["2025-06-01T09:00:00-04:00"], "en", "2025-06-05T14:30:00-04:00"),
        ("2025-06-05T14:30:00", [], "de", "2025-06-05T14:30:00+02:00"),
        ("2025-01-05T14:30:00", [], "pl-PL", "2025-01-05T14:30:00+01:00"),
        ("2019-04-04T09:00:00", [], "ja", "2019-04-04T09:00:00+09:00"),
        ("2025-06-05T14:30:00", [], "en-GB", "2025-06-05T14:30:00+01:00"),
        # many zones: left naive
        ("2025-06-05T14:30:00", [], "en-US", "2025-06-05T14:30:00"),
        ("2025-06-05T14:30:00", [], "es", "2025-06-05T14:30:00"),
        ("2025-06-05", [], "de", "2025-06-05"),
        ("2025-06-05T14:30:00+00:00", [], "de", "2025-06-05T14:30:00+00:00"),
    ],
)
def test_with_zone(value: str, others: list[str], lang: str | None, expected: str) -> None:
    assert with_zone(value, others, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("東京で新しい堤防の計画が発表された", "ja"),
        ("新しい堤防 - ニュース", "ja"),
        ("부산항 새 방파제 공사 시작", "ko"),
        ("这个约会软件，想用你和对方的相似好恶来帮你找对象_智能_好奇心日报", "zh"),
        ("港口新堤防動工 | 聯合新聞網", "zh"),
        # mostly Latin letters: no language from a few Han characters in it
        ("Tokyo 東京 harbour wall plan approved after long debate", None),
        ("Der Deich wird höher", None),
        ("", None),
    ],
)
def test_script_language(text: str, lang: str | None) -> None:
    assert script_language(text) == lang


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1481274780", "2016-12-09T09:13:00+00:00"),
        ("1481274780000", "2016-12-09T09:13:00+00:00"),
        ("12345", None),
        ("0000000000", None),  # 1970: a placeholder, no story date
        ("2016-12-09", None),
    ],
)
def test_epoch_date(value: str, expected: str | None) -> None:
    assert epoch_date(value) == expected


# --- Authors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["Von Anna Schmidt | Frankfurt"], ["Anna Schmidt"]),
        (["Anna Schmidt und Jonas Weber"], ["Anna Schmidt", "Jonas Weber"]),
        (["Hans Meier (obe)"], ["Hans Meier"]),
        (["Par Marie Dupont et Jean Martin"], ["Marie Dupont", "Jean Martin"]),
        (["Cécile Ducourtieux(Bruxelles"], ["Cécile Ducourtieux"]),
        (["Por Ana García y Luis Pérez"], ["Ana García", "Luis Pérez"]),
        (["Di Mario Rossi e Luca Bianchi"], ["Mario Rossi", "Luca Bianchi"]),
        (["Kari Nordmann og Ola Nordmann"], ["Kari Nordmann", "Ola Nordmann"]),
        (["Jan Kowalski i Anna Nowak"], ["Jan Kowalski", "Anna Nowak"]),
        (["Door Sanne de Vries en Pieter Bakker"], ["Sanne de Vries", "Pieter Bakker"]),
        (["Jane Doe and John Roe & Sam Poe, Ann Lee"],
         ["Jane Doe", "John Roe", "Sam Poe", "Ann Lee"]),
        # an initial is no conjunction
        (["Robert E Moffit"], ["Robert E Moffit"]),
        (["Fiona Leishman", "(Image: Getty Images)"], ["Fiona Leishman"]),
        (["Photography by Whitney Hayes"], []),
        (["Foto: Markus Braun"], []),
        (["ByVan Sias"], ["Van Sias"]),
        (["Byby Josh Haskell"], ["Josh Haskell"]),
        (["Byron Smith"], ["Byron Smith"]),
        (["Travis Andersen and", "Adam Sennott"], ["Travis Andersen", "Adam Sennott"]),
        (["Author"], []),
        (["Redaktion"], []),
        # credentials, job titles and author notes after the name
        (["Shelby Loos, DVM"], ["Shelby Loos"]),
        (["Lauren Manaker MS, RDN, LD"], ["Lauren Manaker"]),
        (["Keith Barry Senior Autos Reporter"], ["Keith Barry"]),
        (["Brett Cruz, Digital Security Expert, Gene Petrino, Home Security Expert"],
         ["Brett Cruz", "Gene Petrino"]),
        (["Christian Dupuis is the CTO, microservices, secure developer tooling"],
         ["Christian Dupuis"]),
        (["Anna Schmidt Redakteurin Politik"], ["Anna Schmidt"]),
        (["Marie Dupont, journaliste"], ["Marie Dupont"]),
        (["Ana García Corresponsal en Bruselas"], ["Ana García"]),
        (["Ana Maria de Souza"], ["Ana Maria de Souza"]),
        # a desk or a team keeps its whole name
        (["ZDNet Japan Staff"], ["ZDNet Japan Staff"]),
        (["Executive Content Editor"], ["Executive Content Editor"]),
    ],
)
def test_clean_authors_languages(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected
    assert clean_authors(clean_authors(raw)) == expected  # clean_item runs it again


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Associated Press", True),
        ("Chicago Tribune staff", True),
        ("TC Redazione", True),
        ("dpa", True),
        ("Agence France-Presse", True),
        ("Usa Today", True),  # the site's own name, below
        ("mikecason", True),
        ("Anna Schmidt", False),
        ("Marie-Claire Dupont", False),
        ("小暮ひさのり", False),
    ],
)
def test_is_organisation(name: str, expected: bool) -> None:
    assert is_organisation(name, ("USA TODAY", "usatoday.com")) is expected


# --- Titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Article detail", True),
        ("Artikeldetail", True),
        ("Détail de l'article", True),
        ("TopSpeed", True),
        ("Sea wall plan approved", False),
        ("TopSpeed names its car of the year", False),
    ],
)
def test_is_chrome_title(title: str, expected: bool) -> None:
    assert is_chrome_title(title, ("TopSpeed", "topspeed.com")) is expected


@pytest.mark.parametrize(
    ("title", "others", "expected"),
    [
        ("Opinion | Let kids be kids", ["Let kids be kids"], "Let kids be kids"),
        ("OpinionLet kids be kids", ["Let kids be kids"], "Let kids be kids"),
        ("Meinung Der Deich muss höher werden", ["Der Deich muss höher werden"],
         "Der Deich muss höher werden"),
        ("Le port rouvre ses quais (vidéo)", ["Le port rouvre ses quais"],
         "Le port rouvre ses quais"),
        ("El puerto reabre [Vídeo]", ["El puerto reabre"], "El puerto reabre"),
        # a headline's own words stay: no separator before them, or a colon after them
        ("Story of a man who saved children is heartbreaking",
         ["Story of a man who saved children"],
         "Story of a man who saved children is heartbreaking"),
        ("Grandi Classici Rivisitati: Cucina moderna", ["Cucina moderna"],
         "Grandi Classici Rivisitati: Cucina moderna"),
        ("Sea wall plan approved", [None, "Sea wall"], "Sea wall plan approved"),
    ],
)
def test_strip_kicker(title: str, others: list[str | None], expected: str) -> None:
    assert strip_kicker(title, others) == expected


# --- Whole pages, in several languages ----------------------------------------------------------


def _page(lang: str, head: str, body: str) -> str:
    head = f'<head><meta charset="utf-8">{head}</head>'
    return f'<html lang="{lang}">{head}<body>{body}</body></html>'


def _story(paragraphs: int = 6) -> str:
    text = "Der Stadtrat hat am Abend über den neuen Deich am Hafen beraten und lange gestritten. "
    return "".join(f"<p>{text * 2}</p>" for _ in range(paragraphs))


def _fields(html: str, url: str) -> dict:
    return read_page(html, url).article


def test_german_dateline_and_byline_without_meta() -> None:
    html = _page(
        "de",
        "<title>Der Deich wird höher | Hafenblatt</title>",
        "<article><h1>Der Deich wird höher</h1>"
        "<div class='meta'><span>Do 25.04.24</span> | <span>14:07 Uhr</span></div>"
        "<div class='zeile'>Von Anna Schmidt | Frankfurt</div>"
        f"{_story()}</article>",
    )
    fields = _fields(html, "https://hafenblatt.example/politik/deich")
    assert fields["published"] == "2024-04-25T14:07:00+02:00"
    assert fields["authors"] == ["Anna Schmidt"]
    assert fields["title"] == "Der Deich wird höher"


def test_french_zoned_meta_beats_naive_json_ld_and_person_beats_publisher() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Le port rouvre ses quais",
        "datePublished": "2025-06-05T14:30:00",
        "author": {"@type": "Organization", "name": "Le Journal du Port"},
    }
    html = _page(
        "fr",
        f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
        "<meta property='og:site_name' content='Le Journal du Port'>"
        "<meta property='article:published_time' content='2025-06-05T14:30:00+02:00'>",
        "<article><h1>Le port rouvre ses quais</h1>"
        "<p class='signature'>Par Marie Dupont et Jean Martin</p>"
        f"{_story()}</article>",
    )
    fields = _fields(html, "https://journal-du-port.example/2025/port")
    assert fields["published"] == "2025-06-05T14:30:00+02:00"
    assert fields["authors"] == ["Marie Dupont", "Jean Martin"]


def test_spanish_date_only_in_title_and_kicker_cut() -> None:
    html = _page(
        "es",
        "<title>Crónica del 5 de junio de 2025: el puerto reabre | Diario Sur</title>"
        "<meta property='og:title' content='El puerto reabre sus muelles'>",
        "<div><h1><span class='antetitulo'>Opinión</span>El puerto reabre sus muelles</h1>"
        f"{_story()}</div>",
    )
    fields = _fields(html, "https://diariosur.example/opinion/puerto")
    assert fields["published"] == "2025-06-05"
    assert fields["title"] == "El puerto reabre sus muelles"


def test_polish_site_name_headline_and_organisation_author() -> None:
    html = _page(
        "pl",
        "<meta property='og:site_name' content='Gazeta Portowa'>"
        "<meta property='og:title' content='Nowy falochron w porcie'>"
        "<meta name='author' content='Redakcja Gazeta Portowa'>",
        "<h1 itemprop='headline'>Gazeta Portowa</h1>"
        "<article><p class='autor'>Autor: Jan Kowalski i Anna Nowak</p>"
        "<p>12 kwietnia 2024 r., 14:30</p>"
        f"{_story()}</article>",
    )
    fields = _fields(html, "https://gazetaportowa.example/wiadomosci/falochron")
    assert fields["title"] == "Nowy falochron w porcie"
    assert fields["authors"] == ["Jan Kowalski", "Anna Nowak"]


def test_related_cards_bylines_and_chrome_headline() -> None:
    cards = "".join(
        f"<div class='card'><h3><a href='/s/{i}'>Other story {i}</a></h3>"
        f"<span class='byline'>By Someone Else{i}</span></div>"
        for i in range(3)
    )
    html = _page(
        "en",
        "<meta property='og:title' content='Harbour wall approved after long debate'>",
        "<div class='page'><h1 class='headline'>Article detail</h1>"
        "<div class='byline'>By Jane Doe</div>"
        f"{_story(30)}<section class='more'>{cards}</section></div>",
    )
    fields = _fields(html, "https://harbour.example/news/wall")
    assert fields["title"] == "Harbour wall approved after long debate"
    assert fields["authors"] == ["Jane Doe"]


def test_declared_publisher_dropped_when_byline_confirms_the_person() -> None:
    html = _page(
        "en",
        "<meta name='author' content='Harbour Media Holdings'>"
        "<meta name='author' content='Jane Doe'>",
        "<article><h1>Harbour wall approved</h1><p class='byline'>By Jane Doe</p>"
        f"{_story()}</article>",
    )
    assert _fields(html, "https://harbour.example/news/wall")["authors"] == ["Jane Doe"]


def test_shown_headline_beats_a_social_og_title() -> None:
    html = _page(
        "de",
        "<title>Der Deich wird höher | Hafenblatt</title>"
        "<meta property='og:title' content='Warum der Deich jetzt höher wird – alles zum Plan'>",
        f"<div><h1>Der Deich wird höher</h1>{_story()}</div>",
    )
    assert _fields(html, "https://hafenblatt.example/politik/deich")["title"] == (
        "Der Deich wird höher"
    )


def test_visible_byline_beats_an_editor_declared_in_json_ld() -> None:
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Max Mustermann"}}
    html = _page(
        "de",
        f"<script type='application/ld+json'>{json.dumps(ld)}</script>",
        "<article><h1>Der Deich wird höher</h1><p>Von Anna Schmidt</p>"
        f"{_story()}<footer><p>Redaktion: Max Mustermann</p></footer></article>",
    )
    assert _fields(html, "https://hafenblatt.example/politik/deich")["authors"] == ["Anna Schmidt"]


def test_blog_name_in_the_h1_is_no_headline() -> None:
    html = _page(
        "de",
        "<title>Hafenblog: Der Deich wird höher und teurer als geplant</title>"
        "<meta property='og:title' content='Der Deich wird höher und teurer als geplant'>",
        f"<div><h1>Hafenblog</h1>{_story()}</div>",
    )
    assert _fields(html, "https://hafenblog.example/2025/deich")["title"] == (
        "Der Deich wird höher und teurer als geplant"
    )


def test_json_ld_in_a_cdata_wrapper_is_read() -> None:
    """Pages wrap their JSON-LD for old parsers; the zoned date inside still wins."""
    ld = {"@type": "ReportageNewsArticle", "headline": "Porto reabre o cais",
          "datePublished": "2018-12-21T12:55:00Z",
          "author": {"@type": "Person", "name": "Ana Souza"}}
    for wrapped in (f"<![CDATA[{json.dumps(ld)}]]>", f"//<![CDATA[\n{json.dumps(ld)}\n//]]>",
                    f"/*<![CDATA[*/{json.dumps(ld)}/*]]>*/", f"<!--{json.dumps(ld)}-->"):
        html = _page(
            "pt-BR",
            f"<script type='application/ld+json'>{wrapped}</script>"
            "<meta property='article:published_time' content='2018-12-21 12:55:00'>",
            f"<article><h1>Porto reabre o cais</h1>{_story()}</article>",
        )
        fields = _fields(html, "https://folhadoporto.example/2018/12/cais.shtml")
        assert fields["published"] == "2018-12-21T12:55:00+00:00", wrapped[:12]
        assert fields["authors"] == ["Ana Souza"], wrapped[:12]


def test_program_date_in_meta_and_local_clock_written_as_utc() -> None:
    """A Java Date.toString() meta value is read with its zone; a Japanese CMS's UTC label on
    its local clock yields to the page's own offset for the same time."""
    html = _page(
        "en",
        "<meta name='article:published_time' content='Mon Aug 03 12:45:00 EDT 2015'>",
        f"<article><h1>Offices are too cold</h1>{_story()}</article>",
    )
    assert _fields(html, "https://geo.example/2015/08/offices")["published"] == (
        "2015-08-03T12:45:00-04:00"
    )
    ld = {"@type": "NewsArticle", "datePublished": "2019-04-19T20:00:00.000Z"}
    html = _page(
        "ja",
        f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
        "<meta property='article:published_time' content='2019-04-19T20:00:00+09:00'>",
        f"<article><h1>新しい堤防の計画</h1>{_story()}</article>",
    )
    assert _fields(html, "https://gizmo.example/2019/04/wall")["published"] == (
        "2019-04-19T20:00:00+09:00"
    )


def test_naive_time_of_a_page_without_lang_takes_its_scripts_zone() -> None:
    html = (
        "<html><head><meta charset='utf-8'><title>港口新堤防动工_城市_好奇心日报</title>"
        "<meta name='pubdate' content='2017-03-01 14:27:02'></head>"
        f"<body><article><h1>港口新堤防动工</h1>{_story()}</article></body></html>"
    )
    assert _fields(html, "https://qiri.example/articles/1")["published"] == (
        "2017-03-01T14:27:02+08:00"
    )


def test_time_element_with_its_date_in_a_data_attribute() -> None:
    """<time data-published> or <time data-timestamp> (Unix time) tells the time of day that
    the visible date leaves out; a related card's bare <time> does not become the date."""
    for attr in ("data-published='2016-12-09 09:13:00Z'", "data-timestamp='1481274780'"):
        html = _page(
            "en-US",
            "",
            f"<article><h1>The signing day</h1><span class='article-cnt__time'>"
            f"<time {attr}>Dec 9, 2016</time></span>{_story()}</article>"
            "<aside><div class='card'><a href='/x'>Older story</a><time>16 Feb 2024</time>"
            "</div></aside>",
        )
        published = _fields(html, "https://sports.example/story/1")["published"]
        assert published == "2016-12-09T09:13:00+00:00", attr


@pytest.mark.parametrize(
    "meta",
    ["<meta name='citation_publication_date' content='2020/03/04'>",
     "<meta name='DC.date.created' content='2020-03-04'>"],
)
def test_a_page_dated_only_by_htmldate_quick_mode(meta: str) -> None:
    """A date in a meta tag none of our lists names: htmldate's quick mode reads it."""
    html = _page("de", f"<title>Der Deich</title>{meta}", f"<div>{_story()}</div>")
    fields = _fields(html, "https://zeitung.example/artikel/deich")
    assert fields["published"] == "2020-03-04"


def test_a_page_that_reads_as_an_address_is_never_fetched(monkeypatch) -> None:
    """A page whose whole text is an address ("http://...") is read as text: no lookup and no
    connection is made by the date fallback (htmldate downloads such a str)."""
    import socket

    calls: list[object] = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    for page in ("http://news.test/story", b"http://news.test/story"):
        read_page(page, "https://news.test/2020/story")
    assert calls == []


def test_author_named_only_by_a_link_to_the_authors_page() -> None:
    """No byline markup, no declared author: the link to the author's page by the headline
    names the author, not the links of the related stories' cards further down."""
    cards = "".join(
        f"<div class='card'><h3><a href='/n/{n}'>Andere Meldung {n}</a></h3>"
        f"<a href='/author/someone-{n}/'>Someone Else{n}</a></div>"
        for n in range(3)
    )
    html = _page(
        "de",
        "<title>Der Deich wird höher</title>",
        "<div class='kopf'><h1>Der Deich wird höher</h1><p class='zeile'>"
        "<a href='https://hafenblatt.example/author/jana-mueller/'>Jana Müller</a> und "
        "<a href='https://hafenblatt.example/author/peter-schmidt/'>Peter Schmidt</a></p></div>"
        f"<div>{_story()}</div><div class='mehr'>{cards}</div>",
    )
    assert _fields(html, "https://hafenblatt.example/politik/deich")["authors"] == [
        "Jana Müller", "Peter Schmidt"
    ]
