"""The site model: learned from a site's own pages, bounded, used by the reading and the CLI.

The fixture here is unlike the legacy theme that inspired the model: a German regional paper
on a 2000s CMS, text runs in nested <div>s with <br>, no <p>, no meta, the site's name before
the headline in the <title> ("Kreisbote | ..."), the headline in a styled <div> (not bold), a
dateline "04.10.2025 - Lokales", reader comments "Max aus Bonn am 04.10.2025 um 14:20 Uhr" and
a counter. A month-first American variant checks the date order is learned, not assumed.
"""

from __future__ import annotations

import random
import tomllib

import pytest
from click.testing import CliRunner

from crawler.archive import Archive
from crawler.cli import cli
from crawler.extraction import SiteModel, read_page
from crawler.extraction.site import (
    MAX_AFFIXES,
    MAX_LINES,
    MIN_PAGES,
    WINDOW,
    comments_start,
    evidence,
    profile_toml,
    shape,
    story_lines,
)
from crawler.profiles import parse_profile

SITE = "kreisbote.example"
WORDS = ("Gemeinderat", "Umgehungsstraße", "Freibad", "Bürgermeisterin", "Haushalt", "Kita",
         "Feuerwehr", "Radweg", "Marktplatz", "Stadtwerke", "Bahnhof", "Schule")


def sentence(rng: random.Random) -> str:
    """A German sentence of story text, different on every call."""
    words = rng.sample(WORDS, 4)
    return (f"Der {words[0]} will bis {rng.randint(2026, 2031)} über {words[1]} und "
            f"{words[2]} entscheiden, sagte {words[3]} am Abend mit {rng.randint(3, 900)} Gästen.")


def kreisbote_page(n: int, redesigned: bool = False) -> tuple[str, str, str, list[str]]:
    """(url, html, headline, paragraphs) of one story of the German fixture site."""
    rng = random.Random(f"kreisbote:{n}")
    headline = f"{rng.choice(WORDS)}: Streit um {rng.choice(WORDS)} in Nummer {n}"
    paragraphs = [" ".join(sentence(rng) for _ in range(2)) for _ in range(rng.randint(3, 6))]
    day = 1 + n % 28
    comments = "".join(
        f"<div class='k'>Leser{i} aus Bonn am {day:02d}.10.2025 um 1{i}:2{i} Uhr<br>"
        f"Das sehe ich ganz anders, {rng.choice(WORDS)} ist wichtiger.</div>"
        for i in range(rng.randint(1, 3)))
    menu = ("Startseite | Lokales | Sport | Kultur | Anzeigen" if not redesigned
            else "Home · Region · Sport · Leben · Service")
    tools = "Artikel drucken | Artikel versenden" if not redesigned else "Teilen | Drucken"
    footer = (f"Sie sind Besucher Nr. {rng.randint(10000, 99999)}" if not redesigned
              else f"Seitenaufrufe heute: {rng.randint(100, 999)}")
    popular = ("Meistgelesen: Freibad öffnet später" if not redesigned
               else "Top-Artikel der Woche: Radweg wird gebaut")
    html = f"""<html><head><title>Kreisbote | {headline}</title></head><body>
<div id="kopf"><div>{menu}</div></div>
<div id="inhalt"><div style="font-size:18px;color:#036">{headline}</div>
<div>Von Jörg Ärmel</div>
<div>{day:02d}.10.2025 - Lokales</div>
<div>{tools}</div>
<div>{"<br><br>".join(paragraphs)}</div>
<div><div>Kommentare ({comments.count("class='k'")})</div>{comments}</div>
<div>{popular}</div></div>
<div id="fuss">{footer}<br>Alle Rechte vorbehalten.</div>
</body></html>"""
    return f"http://{SITE}/lokales/artikel{1000 + n}.php", html, headline, paragraphs


def learned(pages: int, redesign_from: int | None = None) -> SiteModel:
    """The model after reading this many pages of the fixture site, as the crawl learns it."""
    model = SiteModel(SITE)
    for n in range(pages):
        url, html, _, _ = kreisbote_page(n, redesign_from is not None and n >= redesign_from)
        reading = read_page(html, url, site_model=model)
        assert reading.is_article, url
        model = model.learn(reading.evidence)
    return model


def test_the_model_converges_on_the_template_within_a_few_dozen_pages() -> None:
    model = learned(30)
    assert model.ready
    template = model.template_lines()
    assert shape("Kommentare (2)") in template
    assert shape("Meistgelesen: Freibad öffnet später") in template
    assert model.title_affixes() == ["prefix:Kreisbote | "]
    assert model.date_order() == "day first"  # 13.10.2025 and later: day above 12


def test_a_learned_model_reads_title_body_and_date_of_a_page_without_p_or_meta() -> None:
    model = learned(30)
    url, html, headline, paragraphs = kreisbote_page(40)
    fields = read_page(html, url, site_model=model).article
    assert fields["title"] == headline  # the learned prefix, from the <title>
    assert fields["published"] == "2025-10-13"  # "13.10.2025 - Lokales"
    assert fields["authors"] == ["Jörg Ärmel"]  # "Von Jörg Ärmel" under the headline
    assert fields["body"].split("\n\n") == paragraphs  # no menu, tools, comments, counter


def test_the_model_never_strips_a_line_unique_to_one_article() -> None:
    model = learned(40)
    for n in range(40, 50):
        url, html, _, paragraphs = kreisbote_page(n)
        body = read_page(html, url, site_model=model).article["body"]
        for paragraph in paragraphs:
            assert not model.is_template(paragraph)
            assert paragraph in body


def test_sentences_keep_their_numbers_in_the_model_while_counters_lose_them() -> None:
    assert shape("Sie sind Besucher Nr. 48213") == shape("Sie sind Besucher Nr. 50007")
    assert shape("Die Arbeiten kosten 4 Millionen Euro.") != shape(
        "Die Arbeiten kosten 78 Millionen Euro.")


def test_a_redesign_takes_over_as_the_old_template_fades() -> None:
    model = learned(WINDOW + 40, redesign_from=30)
    lines = model.template_lines()
    assert shape("Top-Artikel der Woche: Radweg wird gebaut") in lines
    assert shape("Meistgelesen: Freibad öffnet später") not in lines
    url, html, _, paragraphs = kreisbote_page(300, redesigned=True)
    assert read_page(html, url, site_model=model).article["body"].split("\n\n") == paragraphs


def test_the_model_stays_small_however_many_pages_it_reads() -> None:
    model = learned(WINDOW * 2 + 5)
    assert model.pages < WINDOW
    assert len(model.lines) <= MAX_LINES and len(model.affixes) <= MAX_AFFIXES
    assert model.size() <= MAX_LINES + MAX_AFFIXES + 3


def test_nothing_is_stripped_before_the_site_has_shown_enough_pages() -> None:
    model = learned(MIN_PAGES - 1)
    assert not model.ready
    assert not model.is_template("Meistgelesen: Freibad öffnet später")


@pytest.mark.parametrize(("lines", "start"), [
    (["Text.", "Kommentare (2)", "Max aus Bonn am 04.10.2025 um 14:20 Uhr", "Gut."], 1),
    (["Text.", "Comments (1)", "Posted by Ann on 04/10/2025 09:39", "Yes."], 1),
    (["Text.", "Réactions", "Paul le 4 octobre 2025 à 14h20", "Oui."], 1),
    (["Text.", "Updated 04/10/2025 09:39", "More text."], None),
    (["Text only.", "And more."], None),
])
def test_comment_sections_are_found_by_their_shape(lines: list[str], start: int | None) -> None:
    assert comments_start(lines) == start


def test_a_story_page_of_a_modern_site_is_left_alone() -> None:
    lines = ["First paragraph of a story that is long enough to be one.", "Second one."]
    assert story_lines(lines, SiteModel(SITE), legacy=False) == lines


def test_dates_are_read_in_the_site_order_the_model_learned() -> None:
    model = SiteModel("gazette.example")
    for day in (14, 21, 28):  # month first: 10/14/2025 and so on
        model = model.learn(evidence(None, None, [f"Posted 10/{day}/2025"]))
    assert model.date_order() == "month first"
    html = ("<html><head><title>Council votes on the bridge - Gazette</title></head><body>"
            "<table><tr><td>"
            "<font size=4><b>Council votes on the bridge</b></font><br>Posted 10/04/2025<br><br>"
            + "<br><br>".join("The council voted on the bridge plan again tonight, and the "
                              f"mayor spoke for {n} minutes about its cost and its use." for n
                              in range(4)) + "</td></tr></table></body></html>")
    url = "http://gazette.example/news/council-votes-on-the-bridge.html"
    assert read_page(html, url).article["published"] == "2025-04-10"  # no model: day first
    assert read_page(html, url, site_model=model).article["published"] == "2025-10-04"


def test_the_profile_toml_parses_as_a_site_profile_and_strips_the_template() -> None:
    model = learned(30)
    profile = parse_profile(tomllib.loads(profile_toml(model)))
    assert profile.domains == (SITE,)
    assert profile.noise_patterns
    counter = "Sie sind Besucher Nr. 12345"
    if shape(counter) in model.template_lines():
        assert any(p.search(counter) for p in profile.noise_patterns)


def test_the_archive_keeps_each_sites_model_and_the_cli_shows_it(tmp_path) -> None:
    path = tmp_path / "archive.db"
    model = learned(20)
    with Archive.open(path) as archive:
        archive.save_site_model(SITE, model.to_dict(), "2025-10-06T08:00:00Z")
        archive.save_site_model(SITE, model.learn({"lines": ["x"]}).to_dict())  # replaced
        assert [row["site"] for row in archive.site_models()] == [SITE]
        assert SiteModel.from_dict(archive.site_model(SITE)).pages == model.pages + 1
    runner = CliRunner()
    listed = runner.invoke(cli, ["sites", "--json", "--db", str(path)])
    assert listed.exit_code == 0, listed.output
    assert f'"site": "{SITE}"' in listed.output and '"ready": true' in listed.output
    printed = runner.invoke(cli, ["sites", "--profile", SITE, "--db", str(path)])
    assert printed.exit_code == 0, printed.output
    assert parse_profile(tomllib.loads(printed.output)).domains == (SITE,)
    missing = runner.invoke(cli, ["sites", "--profile", "other.example", "--db", str(path)])
    assert missing.exit_code == 1 and "Error: no learned model" in missing.output


def view_item(url: str, body: str) -> dict:
    """A print view's fields as the spider files them."""
    return {"url": url, "site": SITE, "title": "Freibad öffnet", "summary": None, "body": body,
            "fetched_at": "2025-10-06T08:00:00Z"}


def article_item(url: str, body: str) -> dict:
    """An article's fields, as few as the archive needs."""
    return {"url": url, "site": SITE, "title": "Freibad öffnet", "summary": None, "body": body,
            "fetched_at": "2025-10-06T08:00:00Z", "aliases": [], "status": 200}


@pytest.mark.parametrize("view_first", [True, False])
def test_a_print_view_is_an_alias_of_its_article_whichever_comes_first(tmp_path,
                                                                       view_first: bool) -> None:
    story, view = f"http://{SITE}/lokales/artikel1.php", f"http://{SITE}/druck.php?id=1"
    body = "Das Freibad öffnet im Mai.\n\nDer Gemeinderat hat es beschlossen."
    with Archive.open(tmp_path / "archive.db") as archive:
        if view_first:
            assert archive.save_view(view_item(view, body)) == "view"
        archive.save(article_item(story, body))
        if not view_first:
            assert archive.save_view(view_item(view, body)) == "alias"
        articles = archive.conn.execute("SELECT url FROM articles").fetchall()
        aliases = archive.conn.execute("SELECT url FROM aliases WHERE url != ?",
                                       (story,)).fetchall()
        skipped = archive.conn.execute("SELECT url FROM skipped").fetchall()
    assert articles == [(story,)]
    assert aliases == [(view,)]
    assert skipped == []


def test_a_view_of_other_text_is_no_alias(tmp_path) -> None:
    with Archive.open(tmp_path / "archive.db") as archive:
        archive.save(article_item(f"http://{SITE}/a.php", "Eine Geschichte."))
        assert archive.save_view(view_item(f"http://{SITE}/druck.php?id=2", "Eine andere.")) == (
            "view")
        assert archive.conn.execute("SELECT COUNT(*) FROM aliases WHERE url LIKE '%druck%'"
                                    ).fetchone()[0] == 0


def test_a_new_template_line_is_learned_on_a_site_whose_model_is_full() -> None:
    model = SiteModel(SITE)
    def unique(n: int) -> str:  # a line no other page has (numbers would share one shape)
        return "Einmalig " + "".join(chr(ord("a") + int(d)) for d in str(n))

    for n in range(MAX_LINES * 2):  # every page brings lines no other page has
        model = model.learn({"lines": [unique(n * 3 + m) for m in range(3)]})
    for n in range(WINDOW):
        model = model.learn({"lines": ["Neu: Unser Newsletter", unique(10**6 + n)]})
    assert len(model.lines) <= MAX_LINES
    assert model.is_template("Neu: Unser Newsletter")


def test_a_sentence_every_story_ends_with_is_never_template() -> None:
    model = SiteModel(SITE)
    for n in range(30):
        model = model.learn(evidence(None, None, ["Kommentare (3)",
                                                  "The figures were revised on Monday.",
                                                  f"Nur hier {n}."]))
    assert model.is_template("Kommentare (4)")
    assert not model.is_template("The figures were revised on Monday.")
