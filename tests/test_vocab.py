"""One vocabulary per concept: every reader of pagination and of correction wording agrees."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.archive import Archive
from crawler.archive.changes import classify, is_correction_notice
from crawler.datasette import QUERIES
from crawler.extraction.classify import classify_links, is_listing_url, is_pagination_url
from crawler.frontier import Bounds, Frontier
from crawler.sites import adhoc_sites
from crawler.urls import site_of
from crawler.vocab import corrections
from crawler.vocab.pagination import PAGE_KEYS, PATH_WORDS, page_number

SITE = "https://news.example.org"

# (URL, the page number it names; None for no page): a later page to every reader, or to none.
PAGINATION = [
    ("/news/page/3/", 3), ("/news/page/3", 3), ("/p/3/", 3), ("/pg/3/", 3),
    ("/nachrichten/seite/3/", 3), ("/notizie/pagina/3/", 3), ("/noticias/página/3/", 3),
    ("/noticias/p%C3%A1gina/3/", 3), ("/wiadomosci/strona/3/", 3), ("/nyheter/sida/3/", 3),
    ("/nyheder/side/3/", 3), ("/uutiset/sivu/3/", 3), ("/novice/stran/3/", 3),
    ("/zpravy/strana/3/", 3), ("/vijesti/stranica/3/", 3), ("/hirek/oldal/3/", 3),
    ("/haberler/sayfa/3/", 3), ("/tin-tuc/trang/3/", 3), ("/berita/halaman/3/", 3),
    ("/novosti/страница/3/", 3),
    ("/news/?page=3", 3), ("/news/?paged=3", 3), ("/news/?pg=3", 3), ("/news/?pagenum=3", 3),
    ("/news/?pageno=3", 3), ("/news/?seite=3", 3), ("/news/?pagina=3", 3),
    ("/news/?strona=3", 3), ("/news/?sivu=3", 3), ("/news/?oldal=3", 3),
    ("/news/?cat=2&page=14", 14), ("/news/?PAGE=3", 3),
]
NOT_PAGINATION = [
    "/?p=3",  # WordPress names a post so, not a page
    "/news/?p=1234",
    "/page/about-us/",
    "/seite/impressum/",
    "/2025/10/02/council-approves-new-budget-plan/",
    "/news/?page=abc",
    "/news/?article=3&page=2",  # a story that is split into pages is a story
]


@pytest.mark.parametrize(("path", "number"), PAGINATION)
def test_pagination_forms_are_one_vocabulary(path: str, number: int) -> None:
    url = SITE + path
    assert is_pagination_url(url) and is_listing_url(url)
    assert page_number(url) == number


@pytest.mark.parametrize("path", NOT_PAGINATION)
def test_other_urls_are_no_pagination_to_any_reader(path: str) -> None:
    url = SITE + path
    assert not is_pagination_url(url)
    if "article=" not in path:
        assert page_number(url) is None


def test_offsets_page_a_listing_without_naming_a_page() -> None:
    assert is_pagination_url(f"{SITE}/news/?offset=40") and is_pagination_url(f"{SITE}/?start=20")
    assert page_number(f"{SITE}/news/?offset=40") is None


@pytest.mark.parametrize("word", sorted(PATH_WORDS))
def test_the_frontier_follows_the_next_page_in_every_path_word(word: str) -> None:
    plan = Frontier(adhoc_sites([SITE + "/"]), Bounds(), None, "2025-10-06T10:00:00Z")
    links = [f"{SITE}/news/{word}/{n}/" for n in (1, 14, 3, 4)]
    assert plan.next_page(f"{SITE}/news/{word}/2/", links) == f"{SITE}/news/{word}/3/"


@pytest.mark.parametrize("key", sorted(PAGE_KEYS))
def test_a_listing_page_sorts_every_page_key_as_pagination(key: str) -> None:
    html = (f'<html><body><a href="/news/?{key}=2">2</a> <a href="/news/?{key}=3">3</a>'
            "</body></html>")
    links = classify_links(html, f"{SITE}/news/", frozenset({site_of(SITE)}))
    assert links.pagination == [f"{SITE}/news/?{key}=2", f"{SITE}/news/?{key}=3"]


NOTICES = [
    "Correction: an earlier version misspelt the minister's name.",
    "Update: the meeting has been adjourned.",
    "Updated at 11:05 to add comment from operators.",
    "Berichtigung: Der Betrag lautet 45 Millionen Euro.",
    "Korrektur: In einer früheren Version hieß es, die Abstimmung sei im Mai.",
    "Aktualisiert: Die Polizei hat inzwischen Entwarnung gegeben.",
    "Rectificatif : le montant était erroné.",
    "Mise à jour : la réunion a été reportée.",
    "Fe de errores: la votación será en abril.",
    "Corrección: la cifra correcta es 45 millones.",
    "Correzione: la data corretta è il 5 marzo.",
    "Aggiornamento: la seduta è stata sospesa.",
    "Correctie: het juiste bedrag is 45 miljoen.",
    "Correção: o valor correto é 45 milhões.",
    "Rättelse: Mötet hölls på tisdagen.",
    "Sprostowanie: kwota wynosi 45 mln zł.",
    "Oikaisu: kokous pidettiin tiistaina.",
    "This article was amended on 5 March 2025 to correct a name.",
    "Dieser Artikel wurde aktualisiert.",
    "Una versione precedente di questo articolo riportava una data errata.",
]


@pytest.mark.parametrize("notice", NOTICES)
def test_notices_in_many_languages_are_corrections(notice: str) -> None:
    assert is_correction_notice(notice)


@pytest.mark.parametrize("text", corrections.substrings())
def test_what_the_sql_looks_for_is_what_the_classifier_reads(text: str) -> None:
    paragraph = text[0].upper() + text[1:] + " the figure given was wrong."
    assert is_correction_notice(paragraph), text
    assert text in QUERIES["corrections"]["sql"].replace("''", "'")


def test_the_corrections_query_finds_a_german_notice_in_an_old_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    url = SITE + "/2025/10/02/rat-beschliesst-haushalt/"
    story = {"url": url, "site": "news.example.org", "title": "Rat beschließt Haushalt",
             "summary": "", "authors": [], "lang": "de",
             "body": "Der Rat hat am Dienstag den Haushalt beschlossen.\n\nEr umfasst 40 Mio."}
    notice = "Berichtigung: Der Haushalt umfasst 45 Millionen Euro, nicht 40."
    with Archive.open(path) as archive:
        crawl = archive.start_crawl("news", [SITE + "/"], started_at="2025-10-02T09:00:00Z")
        archive.save({**story, "fetched_at": "2025-10-02T09:00:00Z"}, crawl)
        archive.save({**story, "fetched_at": "2025-10-03T09:00:00Z",
                      "body": story["body"] + "\n\n" + notice}, crawl)
    assert classify(story, {**story, "body": story["body"] + "\n\n" + notice})["kind"] == \
        "correction"
    conn = sqlite3.connect(path)
    with conn:  # as archived before kinds were recorded: the wording decides
        conn.execute("UPDATE versions SET change_kind = NULL")
    rows = conn.execute(QUERIES["corrections"]["sql"]).fetchall()
    conn.close()
    assert [(row[1], row[2], row[-1]) for row in rows] == [(url, 2, notice)]
