"""Body failure classes on pages of our own making: German, French, Spanish, Italian, no <p>.

Each page reproduces one class of failure seen on real sites (never one site's markup): the
body must hold the story's sentences and none of the furniture around them.
"""

from __future__ import annotations

import json

import pytest

from crawler.extraction import clean_item, read_page
from crawler.extraction.body import second_reading
from crawler.extraction.text import (
    STORY_LINE_CHARS,
    has_story_text,
    is_end_marker,
    is_noise_line,
    story_length,
)

GERMAN = [
    "Der Stadtrat hat am Dienstagabend mit großer Mehrheit beschlossen, die alte Markthalle "
    "am Flussufer zu sanieren und im kommenden Frühjahr wieder zu öffnen.",
    "Die Kosten von rund zwölf Millionen Euro sollen zur Hälfte vom Land getragen werden, "
    "teilte die Oberbürgermeisterin nach der Sitzung mit.",
    "Händlerinnen und Händler hatten seit Jahren auf eine Entscheidung gewartet und zeigten "
    "sich erleichtert über das Ergebnis der langen Debatte.",
]
FRENCH = [
    "Le conseil municipal a voté mardi soir la rénovation complète de l'ancienne halle du "
    "marché, fermée depuis trois ans pour des raisons de sécurité.",
    "Les travaux, estimés à douze millions d'euros, commenceront au printemps et devraient "
    "durer dix-huit mois selon la mairie.",
    "Les commerçants, qui attendaient cette décision depuis longtemps, ont salué un vote "
    "qu'ils jugent essentiel pour la vie du quartier.",
]
SPANISH = [
    "El ayuntamiento aprobó el martes por la noche la rehabilitación del antiguo mercado "
    "junto al río, cerrado desde hace tres años por motivos de seguridad.",
    "Las obras costarán unos doce millones de euros y comenzarán en primavera, según "
    "informó la alcaldesa al término de la sesión plenaria.",
    "Los comerciantes, que llevaban años esperando una decisión, celebraron el resultado "
    "de un debate que se ha prolongado durante meses.",
]
ITALIAN = [
    "Il consiglio comunale ha approvato martedì sera il restauro del vecchio mercato "
    "coperto sul lungofiume, chiuso da tre anni per motivi di sicurezza.",
    "I lavori costeranno circa dodici milioni di euro e inizieranno in primavera, ha "
    "spiegato la sindaca al termine della seduta.",
    "I commercianti, che aspettavano da anni una decisione, hanno accolto con sollievo "
    "l'esito del lungo dibattito in aula.",
]


# Text of a sidebar box: two of them hold more than the story, which is under half the page.
ABOUT = " ".join(
    ["Die Zeitung erscheint täglich außer sonntags im Verlag der Stadtmedien GmbH."] * 4
)


def body_of(html: str, url: str = "https://zeitung.example/stadt/markthalle-saniert") -> str:
    """The body as the crawl stores it."""
    return read_page(html, url).article["body"]


def paragraphs(texts: list[str], tag: str = "p") -> str:
    return "".join(f"<{tag}>{t}</{tag}>" for t in texts)


def assert_story(body: str, story: list[str]) -> None:
    for sentence in story:
        assert sentence in body


# --- Class 1: a noise rule must not take the article with it ----------------------------------


def test_article_column_named_like_a_widget_is_kept() -> None:
    html = (
        "<html><head><title>Markthalle</title></head><body>"
        "<nav><a href='/'>Start</a> <a href='/stadt'>Stadt</a></nav>"
        "<section class='widget widget_text'><h1>Die Markthalle wird saniert</h1>"
        f"{paragraphs(GERMAN)}</section>"
        "<section class='widget'><h3>Meistgelesen</h3><ul><li><a href='/a'>Ein anderer "
        "Artikel</a></li></ul></section>"
        f"<section class='widget'><div>{ABOUT}</div></section>"
        f"<section class='widget'><div>{ABOUT}</div></section></body></html>"
    )
    body = body_of(html)
    assert_story(body, GERMAN)
    assert "Ein anderer Artikel" not in body
    assert "Stadtmedien" not in body


# --- Class 2: no <p> --------------------------------------------------------------------------


def test_bare_text_between_empty_paragraphs() -> None:
    html = (
        "<html><head><title>Mercado</title></head><body><div class='cabecera'>Portada</div>"
        "<table><tr><td class='texto'>" + "<p></p>".join(SPANISH) + "</td></tr></table>"
        "</body></html>"
    )
    assert_story(body_of(html, "https://diario.example/ciudad/mercado"), SPANISH)


def test_div_paragraphs_without_any_p() -> None:
    html = (
        "<html><head><title>Halle</title></head><body><div class='kopf'>Nachrichten</div>"
        "<div class='text'>" + paragraphs(GERMAN, "div") + "</div>"
        "<div class='fuss'><a href='/impressum'>Impressum</a></div></body></html>"
    )
    body = body_of(html)
    assert_story(body, GERMAN)
    assert "Impressum" not in body


def test_div_paragraphs_beside_a_footer_written_in_p() -> None:
    """A short story in <div> paragraphs, a site footer whose legal text is in <p>: the
    footer, named so by its class, is no candidate for the text."""
    story = [
        "Спаржа снизит уровень проявления похмельного синдрома, как утверждают исследователи "
        "из Института медицинских исследований, опубликовавшие свою работу во вторник.",
        "Учёные установили, что аминокислоты и минералы, которые содержатся в спарже, "
        "защищают клетки печени от токсинов и ускоряют их восстановление.",
    ]
    legal = (
        "Свободное использование в Интернет-пространстве текстов, фото и видеоматериалов, "
        "опубликованных на этом сайте, допускается только при условии прямой ссылки на сайт."
    )
    html = (
        "<html><body><div class='container'><div class='content'><div class='publtxt'>"
        + paragraphs(story, "div")
        + f"</div></div><div class='footer'><p>{legal}</p><p>{legal} 18+</p>"
        "<p>Все права защищены, при перепечатке материалов ссылка на издание обязательна.</p>"
        "</div></div></body></html>"
    )
    body = body_of(html, "https://gazeta.example/news/sparzha")
    assert_story(body, story)
    assert "Свободное использование" not in body


def test_br_runs_in_a_table_cell() -> None:
    html = (
        "<html><body><table><tr><td><a href='/'>Accueil</a></td></tr><tr><td>"
        + "<br><br>".join(FRENCH)
        + "</td></tr></table></body></html>"
    )
    assert_story(body_of(html, "https://journal.example/ville/halle"), FRENCH)


def test_unclosed_title_does_not_swallow_the_page() -> None:
    html = (
        "<html><head><title>La halle rénovée (Le Journal)\n<script>var x = 1;</script>"
        "</head><body>" + paragraphs(FRENCH) + "</body></html>"
    )
    fields = read_page(html, "https://journal.example/ville/halle").article
    assert_story(fields["body"], FRENCH)


def test_unclosed_button_in_the_header_does_not_hide_the_article() -> None:
    html = (
        "<html><body><header><div class='menu-top'><div class='menu-box'>"
        "<button class='menu' aria-label='Menü'><div class='menu-inner'><div></button>"
        "</div></div></header>"
        "<main><article><h1>Die Markthalle wird saniert</h1>"
        + paragraphs(GERMAN)
        + "</article></main></body></html>"
    )
    assert_story(body_of(html), GERMAN)


def test_story_in_page_builder_modules_is_read_whole() -> None:
    """A page builder puts each stretch of the story in a module of its own, wrapped three
    deep; the longest module is the last one. The whole story is read, not that module."""
    stretches = [[f"{t} ({n}.{i})" for i, t in enumerate(ITALIAN)] for n in range(4)]
    closing = [f"{t} {t} {t} (fine)" for t in ITALIAN]  # the longest stretch comes last

    def module(texts: list[str], n: int) -> str:
        return (
            f"<div class='pb-row pb-row-{n}'><div class='pb-module pb-text-{n}'>"
            f"<div class='pb-inner'><div class='pb-text'>{paragraphs(texts)}</div></div></div>"
            "</div>"
        )

    html = (
        "<html><head><title>Il mercato</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/citta'>Città</a></nav>"
        "<div class='pb-section'><h1>Il mercato riapre</h1>"
        + "".join(module(texts, n) for n, texts in enumerate(stretches))
        + module(closing, 9)
        + "</div><footer><a href='/privacy'>Privacy</a></footer></body></html>"
    )
    body = body_of(html, "https://giornale.example/citta/mercato")
    assert_story(body, [t for texts in stretches for t in texts] + closing)
    assert "Privacy" not in body


def test_teaser_modules_after_the_story_are_not_read_with_it() -> None:
    """Boxes built like the story's own, after it, are other stories: the widening that joins
    a story's modules never takes in what follows it."""
    teasers = "".join(
        f"<div class='pb-row'><div class='pb-module'><div class='pb-inner'><h3><a href='/n/{n}'>"
        f"Otra noticia {n}</a></h3><p>{SPANISH[n % 3].replace('mercado', 'estadio')}</p>"
        "</div></div></div>"
        for n in range(6)
    )
    html = (
        "<html><body><div class='pb-section'><div class='pb-row'><div class='pb-module'>"
        f"<div class='pb-inner'><h1>Mercado</h1>{paragraphs(SPANISH * 2)}</div></div></div>"
        f"{teasers}</div></body></html>"
    )
    body = body_of(html, "https://diario.example/ciudad/mercado")
    assert_story(body, SPANISH)
    assert "estadio" not in body


@pytest.mark.parametrize("comment_word", ["odpowiedz", "Antworten", "Reply"])
def test_comment_thread_longer_than_the_story_is_not_the_body(comment_word: str) -> None:
    """Under a story, a comment thread with more text, each comment an <article>, one of them
    long: the thread is dropped before the text block is sought, though it holds most of the
    page, and no comment is taken for the story."""
    story = [f"{t} ({n})" for n in range(3) for t in GERMAN]
    comments = "".join(
        f"<li class='comment'><article id='comment-{n}' class='comment-body'>"
        f"<footer><b>Leser{n}</b></footer>"
        + paragraphs([f"Meine Meinung Nummer {n}: {t}" for t in GERMAN * (4 if n == 5 else 1)])
        + f"<a href='#reply-{n}'>{comment_word}</a></article></li>"
        for n in range(12)
    )
    html = (
        "<html><body><div class='postarea'><h1>Die Markthalle wird saniert</h1>"
        f"{paragraphs(story)}"
        f"<div id='comments' class='comments-wrapper'><ol class='commentlist'>{comments}</ol>"
        "</div></div></body></html>"
    )
    body = body_of(html)
    assert_story(body, story)
    assert "Meine Meinung" not in body


def test_a_post_inside_a_block_named_comments_is_kept() -> None:
    """A theme that wraps the whole post, headline and all, in a block named "comments": that
    block is the story, not a thread to drop."""
    story = [f"{t} ({n})" for n in range(3) for t in FRENCH]
    html = (
        "<html><body><nav><a href='/'>Accueil</a> <a href='/ville'>Ville</a></nav>"
        "<div class='comments'><h1>La halle rénovée</h1>"
        f"{paragraphs(story)}</div>"
        f"<aside><p>{ABOUT}</p><p>{ABOUT}</p></aside></body></html>"
    )
    body = body_of(html, "https://journal.example/ville/halle")
    assert_story(body, story)
    assert "Stadtmedien" not in body


def test_a_content_landmark_that_lists_other_stories_is_not_the_text() -> None:
    """A "#content" landmark holding a list of teasers, beside the article's own block that
    holds more text and the headline: the article's block is read."""
    story = [
        "Banki korygują swoje plany finansowe na przyszły rok, uwzględniając ostatnie "
        "stanowiska nadzoru dotyczące polityki dywidendowej i kapitałowej.",
        "Jak podał w piątek nadzór, większość banków zdąży z korektą planów do końca "
        "stycznia, a pozostałe przedstawią je w lutym po zebraniu zarządów.",
        "Analitycy uważają, że zmiany nie wpłyną znacząco na tegoroczne wyniki sektora, "
        "choć mogą ograniczyć wypłaty dla akcjonariuszy w kolejnych latach.",
    ]
    teasers = "".join(
        f"<div class='teaser'><h3><a href='/n/{n}'>Inna wiadomość numer {n}</a></h3>"
        f"<p>Krótki opis innej wiadomości z działu gospodarka, numer {n} na liście.</p></div>"
        for n in range(5)
    )
    html = (
        "<html><body><div id='wrap'><div class='article-entry'><h1>Banki zmieniają plany</h1>"
        f"<div class='tresc'>{paragraphs(story)}</div></div>"
        f"<div id='content' class='content-list'>{teasers}</div></div></body></html>"
    )
    body = body_of(html, "https://gospodarka.example/banki/plany")
    assert_story(body, story)
    assert "Inna wiadomość" not in body


@pytest.mark.parametrize("thread_id", ["opOpinie", "Comments", "leserKommentare"])
def test_comment_thread_named_only_by_its_id(thread_id: str) -> None:
    """A thread no selector names ("opOpinie", "Comments"), longer than the story: the words
    of its id say what it is."""
    story = [f"{t} ({n})" for n in range(3) for t in GERMAN]
    html = (
        "<html><body><div id='main'><div class='artykul'><h1>Die Markthalle wird saniert</h1>"
        f"<div class='tresc'>{paragraphs(story)}</div></div>"
        f"<div id='{thread_id}'>{_READERS_COMMENTS}</div></div></body></html>"
    )
    body = body_of(html)
    assert_story(body, story)
    assert "Meinung Nummer" not in body


def test_a_box_named_as_the_wrapper_of_the_comments_page_keeps_its_story() -> None:
    """"comments_page_wrapper" holds the story as well as the thread: a name that says it
    wraps the page is no thread to drop."""
    story = [f"{t} ({n})" for n in range(3) for t in GERMAN]
    html = (
        "<html><body><div id='comments_page_wrapper'><h2>Die Markthalle wird saniert</h2>"
        f"<div class='tresc'>{paragraphs(story)}</div><div class='ops'>{_READERS_COMMENTS}</div>"
        f"</div><aside><p>{ABOUT}</p><p>{ABOUT}</p></aside></body></html>"
    )
    assert_story(body_of(html), story)


_READERS_COMMENTS = "".join(
    f"<p><b>~Leser{n} [2012-01-04 22:22]</b> Das ist meine Meinung Nummer {n} zu dieser "
    "Sache, und ich finde, dass der Stadtrat hier ganz falsch entschieden hat, weil die "
    "Kosten viel zu hoch sind.</p>"
    for n in range(14)
)


# --- Class 3: a module heading before any story text ends nothing ------------------------------


@pytest.mark.parametrize("heading", ["Up Next", "Mehr zum Thema", "Lo más leído"])
def test_heading_above_the_story_does_not_end_it(heading: str) -> None:
    html = (
        "<html><body><article><h1>Mercado</h1>"
        f"<p>{heading}</p>{paragraphs(SPANISH)}</article></body></html>"
    )
    body = body_of(html, "https://diario.example/ciudad/mercado")
    assert_story(body, SPANISH)
    assert heading not in body


def test_heading_after_the_story_still_ends_it() -> None:
    html = (
        "<html><body><article><h1>Halle</h1>" + paragraphs(GERMAN)
        + "<p>Das könnte Sie auch interessieren</p><p>Neuer Radweg eröffnet</p>"
        "<p>Bäckerei schließt nach 90 Jahren</p></article></body></html>"
    )
    body = body_of(html)
    assert_story(body, GERMAN)
    assert "Radweg" not in body


def test_comment_heading_ends_a_polish_story() -> None:
    """"Wasze komentarze (3)" above the readers' comments ends the story: the comments are
    whole sentences too, but under a heading that says what they are."""
    story = [
        "Rada miasta zdecydowała we wtorek, że stara hala targowa zostanie wyremontowana "
        "i otwarta ponownie wiosną przyszłego roku.",
        "Koszt remontu wyniesie około dwunastu milionów złotych, z czego połowę pokryje "
        "samorząd województwa, poinformowała prezydent miasta.",
        "Kupcy od lat czekali na tę decyzję i przyjęli ją z ulgą po wielu miesiącach sporów.",
    ]
    comments = "".join(
        f"<p>~Czytelnik{n} [2012-01-03 20:34]</p><p>To jest bardzo dobra wiadomość dla "
        f"wszystkich mieszkańców naszego miasta, numer {n}.</p><p>odpowiedz</p>"
        for n in range(4)
    )
    html = (
        "<html><body><article><h1>Hala targowa</h1>" + paragraphs(story)
        + "<p>Reklama</p><p>Wasze komentarze (3)</p>" + comments + "</article></body></html>"
    )
    body = body_of(html, "https://miasto.example/wiadomosci/hala")
    assert_story(body, story)
    assert "Czytelnik" not in body
    assert "Reklama" not in body


def test_related_box_inside_a_chinese_story_ends_nothing() -> None:
    """A "相关新闻：" box between the lead and the story: the story's sentences after it end
    with 。, so they are read as the story going on."""
    lead = "本文导读：市议会周二决定翻修旧市场，并将于明年春天重新开放，商户们对此表示欢迎。"
    story = [
        "市议会周二晚间以绝对多数通过决议，决定翻修位于河畔的旧市场，并于明年春天重新开放。"
        "据市长介绍，翻修费用约为一千二百万元，其中一半由省政府承担，工程将于三月开工。",
        "商户们多年来一直在等待这一决定，他们在长时间的辩论之后对结果表示欣慰，"
        "并希望市场重新开放后能够吸引更多的顾客前来购物，也希望政府能够继续支持本地的小商户。",
        "市场管理处表示，翻修期间将为商户提供临时摊位，以尽量减少对他们生意的影响，"
        "同时也会加强市场的消防和卫生设施建设，确保顾客和商户在重新开放之后的安全与便利。",
    ]
    html = (
        "<html><body><div class='article'><h1>旧市场将翻修</h1>"
        f"<p>{lead}</p><p>相关新闻：</p>"
        "<ul><li><a href='/n/1'>新游泳馆开放</a></li><li><a href='/n/2'>公交线路调整</a></li></ul>"
        + paragraphs(story) + "</div></body></html>"
    )
    body = body_of(html, "https://news.example/city/market.html")
    assert_story(body, story)


def test_teaser_excerpts_cut_with_an_ellipsis_do_not_carry_the_story_on() -> None:
    """Under "Другие новости", excerpts of other stories, each a long line cut with "...":
    they are teasers, not the story going on, so the heading ends the body."""
    story = [
        "Городской совет во вторник большинством голосов решил отремонтировать старый рынок "
        "на набережной и открыть его весной следующего года.",
        "Ремонт обойдется примерно в двенадцать миллионов рублей, половину из которых "
        "выделит областной бюджет, сообщила мэр города после заседания.",
        "Торговцы много лет ждали этого решения и встретили его с облегчением после долгих "
        "споров.",
    ]
    excerpts = [
        f"Новость номер {n}: в городе открылся новый бассейн, и жители уже выстроились в очередь "
        "у входа, чтобы первыми попасть внутрь и оценить..."
        for n in range(3)
    ]
    html = (
        "<html><body><article><h1>Рынок отремонтируют</h1>" + paragraphs(story)
        + "<p>Другие новости</p>" + paragraphs(excerpts) + "</article></body></html>"
    )
    body = body_of(html, "https://gorod.example/news/rynok")
    assert_story(body, story)
    assert "бассейн" not in body


@pytest.mark.parametrize(
    ("line", "counts"),
    [
        (GERMAN[0], True),
        (FRENCH[1], True),
        ("市议会周二晚间以绝对多数通过决议，决定翻修位于河畔的旧市场，并于明年春天开放。", True),
        # a teaser's cut excerpt, an item of a teaser list, a title without a stop
        (GERMAN[0][:-1] + "...", False),
        (GERMAN[0][:-1] + "…", False),
        ("- " + GERMAN[0], False),
        ("• " + FRENCH[0], False),
        (GERMAN[0][:-1], False),
        ("Kurz und gut.", False),
    ],
)
def test_what_counts_as_a_story_sentence(line: str, counts: bool) -> None:
    assert (story_length(line) >= STORY_LINE_CHARS) is counts


# --- Class 4: the next story appended by endless scroll ---------------------------------------


def test_next_story_appended_below_is_not_part_of_the_body() -> None:
    def story(headline: str, author: str, texts: list[str]) -> str:
        return (
            f"<article><h1>{headline}</h1><span class='byline'>Par {author}</span>"
            f"<time datetime='2025-06-05T10:00:00+02:00'>5 juin 2025</time>"
            f"{paragraphs(texts)}</article>"
        )

    other = [t.replace("halle du marché", "piscine municipale") for t in FRENCH]
    html = (
        "<html><body><main>"
        + story("La halle du marché rénovée", "Jean Dupont", FRENCH)
        + story("La piscine rouvre", "Marie Curie", other)
        + "</main></body></html>"
    )
    body = body_of(html, "https://journal.example/ville/halle")
    assert_story(body, FRENCH)
    assert "piscine municipale" not in body


# --- Class 5: boilerplate lines in many languages ---------------------------------------------


def test_furniture_lines_inside_a_german_article_are_dropped() -> None:
    furniture = [
        "Stand: 17.06.2025 18:24 Uhr",
        "Von Jana Müller und Peter Schmidt",
        "Lesezeit: 3 Min.",
        "STR/Getty Images",
        "Abonnieren Sie unseren kostenlosen Newsletter!",
        "Wir brauchen Ihre Zustimmung, um diesen Inhalt anzuzeigen.",
        "Lesen Sie auch: Neuer Radweg am Fluss eröffnet",
    ]
    mixed = [furniture[0], furniture[1], furniture[2], GERMAN[0], furniture[3], GERMAN[1],
             furniture[4], furniture[5], GERMAN[2], furniture[6]]
    html = "<html><body><article><h1>Halle</h1>" + paragraphs(mixed) + "</article></body></html>"
    body = body_of(html)
    assert_story(body, GERMAN)
    for line in furniture:
        assert line not in body


@pytest.mark.parametrize(
    "line",
    [
        "Stand: 17.06.2025 18:24 Uhr",
        "Stand: Do 25.04.24 | 14:07 Uhr",
        "Aktualisiert am 01. April 2025, 15:25",
        "Mis à jour le 5 juin 2025 à 14h03",
        "Publicado el 5 de junio de 2025",
        "Aggiornato il 5 giugno 2025",
        "Updated 3 hours ago",
        "vor 3 Stunden",
        "il y a 2 heures",
        "hace 5 minutos",
        "Von Jana Müller",
        "Par Jean Dupont et Marie Curie",
        "Por Ana Gil y Luis Pérez",
        "Di Marco Rossi",
        "Temps de lecture : 4 min",
        "3 min de lectura",
        "Il vous reste 76% de cet article à lire.",
        "Subscribe to continue reading",
        "Dieser Artikel ist nur für Abonnenten verfügbar.",
        "Contenido exclusivo para suscriptores",
        "STR/Getty Images",
        "Foto: dpa",
        "(Image: Getty Images)",
        "Téléchargez l'application Le Journal",
        "Suscríbete a nuestro boletín diario",
        "Ce contenu est bloqué car vous n'avez pas accepté les cookies.",
        "À lire aussi : La piscine municipale rouvre",
        "Leggi anche",
        # advertisement labels standing alone
        "Anzeige",
        "Publicité",
        "Reklama",
        "Реклама",
        "Διαφήμιση",
        "广告",
        # tags, widgets written out as text, photo labels, typo-report instructions
        "Tags: Sprint Nextel Corp., Wireless",
        "Теги: Москва, транспорт",
        "Przeczytaj więcej o: agencja, rolnictwo",
        "Schlagwörter: Markthalle, Stadtrat",
        "Поделиться",
        "Wersja do druku",
        "Partager sur Facebook",
        "Код для блога:",
        "Фото: из архива редакции",
        "Нашли опечатку? Выделите ее и нажмите Ctrl+Enter",
        "Если Вы заметили ошибку, выделите её мышью и нажмите Ctrl+Enter",
    ],
)
def test_module_lines_in_many_languages(line: str) -> None:
    assert is_noise_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Von der Leyen sagte am Montag, die Kommission werde rasch handeln.",
        "Par ailleurs, le gouvernement a annoncé de nouvelles mesures.",
        "Por la mañana llovió mucho en Madrid y en Sevilla.",
        "Stand der Dinge ist, dass 2025 nichts mehr passiert.",
        "Die Polizei sagte, dpa habe als erste darüber berichtet.",
        "Il y a trois ans, la halle a fermé ses portes.",
        "Reklama w telewizji kosztuje coraz więcej, mówią nadawcy.",
        "Реклама на улицах города будет запрещена с будущего года.",
        "Compartir es importante para la comunidad, dijo el alcalde en la reunión.",
        "Teilen ist das neue Haben, sagte die Bürgermeisterin am Dienstagabend.",
        "Фото с места аварии опубликовали очевидцы в социальных сетях.",
        GERMAN[0],
        FRENCH[1],
    ],
)
def test_story_sentences_are_not_module_lines(line: str) -> None:
    assert not is_noise_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mehr zum Thema", True),
        ("Das könnte Sie auch interessieren", True),
        ("Weitere Artikel", True),
        ("Sur le même sujet", True),
        ("Noticias relacionadas", True),
        ("Articoli correlati", True),
        # comment threads and related stories in Polish, Russian, Greek, Czech, Chinese ...
        ("Wasze komentarze (13)", True),
        ("Dodaj komentarz", True),
        ("Komentarze", True),
        ("Polecamy", True),
        ("Ostatnie wiadomości", True),
        ("Комментарии (5)", True),
        ("Новости по теме:", True),
        ("Σχόλια", True),
        ("Σχετικά άρθρα", True),
        ("Související články", True),
        ("相关新闻：", True),
        ("関連記事", True),
        ("Comments [12]", True),
        ("MORE MANITOBA HEADLINES »", True),
        ("Weitere Artikel ›", True),
        ("Mehr zum Thema Verkehr lesen Sie in unserem Dossier vom Montag.", False),
        ("Komentarze polityków były bardzo ostre po wtorkowym głosowaniu.", False),
        ("Polecamy wszystkim mieszkańcom, by zostali w domach.", False),
    ],
)
def test_module_headings_in_many_languages(line: str, expected: bool) -> None:
    assert is_end_marker(line) is expected


def test_story_text_needs_more_than_a_heading() -> None:
    assert not has_story_text(["Up Next"])
    assert has_story_text(GERMAN[:2])


# --- A weak reading is read again --------------------------------------------------------------


def test_weak_body_is_read_again_by_trafilatura() -> None:
    story = GERMAN + FRENCH + SPANISH + ITALIAN
    html = (
        "<html><head><title>Markthalle</title></head><body><article><h1>Markthalle</h1>"
        + paragraphs(story)
        + "</article></body></html>"
    )
    again = second_reading(["Kurz."], html, "https://zeitung.example/stadt/markthalle")
    assert GERMAN[0] in again and ITALIAN[2] in again


def test_strong_body_is_kept_as_read() -> None:
    mine = [*GERMAN, *FRENCH, *SPANISH]
    html = "<html><body><article>" + paragraphs(ITALIAN * 10) + "</article></body></html>"
    assert second_reading(mine, html, "https://zeitung.example/stadt/markthalle") == mine


def test_a_short_story_is_not_traded_for_the_menus_around_it() -> None:
    """A two-paragraph story in a table layout whose side cells hold menus: a page-wide
    second reading is many times longer, but all it adds is menu lines, so ours stays."""
    story = [
        "Σε αγορά 7.500 μετοχών της εταιρείας, συνολικής αξίας 1.873 ευρώ, προέβη χθες το "
        "μέλος του διοικητικού συμβουλίου, ανακοίνωσε η διοίκηση σε σημερινή της ανακοίνωση.",
        "Η συναλλαγή έγινε στο χρηματιστήριο της Αθήνας.",
    ]
    menu = "".join(f"<div class='item'>Κατηγορία αριθμός {n} υγείας</div>" for n in range(40))
    html = (
        f"<html><body><table><tr><td>{menu}</td><td><h1>Αγορά μετοχών</h1>"
        f"{paragraphs(story)}</td><td>{menu}</td></tr></table></body></html>"
    )
    assert second_reading(story, html, "https://iatro.example/news/1") == story


def test_json_ld_article_body_when_the_markup_holds_only_a_teaser() -> None:
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "El mercado reabre",
        "articleBody": "\n".join(SPANISH + [t.replace("mercado", "puerto") for t in SPANISH]),
    }
    html = (
        "<html><head><script type='application/ld+json'>" + json.dumps(article)
        + "</script></head><body><div id='app'><h1>El mercado reabre</h1>"
        "<div class='lead'>El ayuntamiento aprobó la rehabilitación.</div></div></body></html>"
    )
    body = body_of(html, "https://diario.example/ciudad/mercado")
    assert_story(body, SPANISH)
    assert "antiguo puerto" in body


# --- A description that repeats the lead is no standfirst -----------------------------------


def _described_page(description: str, head: str, story: str) -> str:
    return (
        f"<html><head><title>Story</title><meta name='description' content='{description}'>"
        "</head><body><nav><a href='/'>Home</a></nav><article>"
        f"<h1>Die Markthalle wird saniert</h1>{head}{story}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("story", "lead_tag"),
    [(GERMAN, "p"), (ITALIAN, "div")],
)
def test_a_lead_the_description_repeats_stays_in_the_body(story: list[str], lead_tag: str) -> None:
    # sites copy the first paragraph into the description: shown as a paragraph among the
    # others (a <p>, or a <div> like the <div>s after it), it is the story's lead
    reading = read_page(_described_page(story[0], "", paragraphs(story, lead_tag)),
                        "https://zeitung.example/stadt/markthalle-saniert")
    assert reading.article["body"].split("\n\n")[0] == story[0]
    assert_story(reading.article["body"], story)
    assert reading.article["summary"] == story[0]


@pytest.mark.parametrize(
    "shown",
    [
        "<h2>{}</h2>",
        "<div class='intro'><strong>{}</strong></div>",
        "<h3 itemprop='description'>{}</h3>",
    ],
)
def test_a_description_shown_as_a_block_of_its_own_is_the_standfirst(shown: str) -> None:
    dek = "Las obras del mercado costarán doce millones y empezarán en primavera."
    html = _described_page(dek, shown.format(dek), paragraphs(SPANISH))
    item = read_page(html, "https://diario.example/ciudad/mercado").article
    assert item["summary"] == dek
    assert dek not in item["body"]
    assert item["body"].split("\n\n")[0] == SPANISH[0]


def test_the_text_pass_drops_only_a_repeat_of_the_standfirst() -> None:
    fields = {"title": "Halle", "summary": FRENCH[0], "body": "\n\n".join(FRENCH)}
    assert clean_item(fields)["body"] == "\n\n".join(FRENCH)
    assert clean_item(fields, standfirst=FRENCH[0])["body"] == "\n\n".join(FRENCH[1:])


@pytest.mark.parametrize(
    "notice", ["Die Kommentarfunktion ist geschlossen.", "Comments are now closed for this story"]
)
def test_a_closed_comment_thread_ends_the_story(notice: str) -> None:
    # the thread's closing notice stands where its heading would: the readers' comments
    # under it are whole sentences too, and must not read as the story going on
    comments = [
        "Endlich passiert etwas, die Halle stand viel zu lange leer und verfiel vor unseren Augen.",
        "Zwölf Millionen Euro für eine Markthalle, während die Schulen marode sind, ist zu viel.",
    ]
    html = (
        "<html><body><div class='beitrag'><h1>Die Markthalle wird saniert</h1>"
        f"{paragraphs(GERMAN)}<p>{notice}</p>"
        + "".join(f"<p><b>Leser{i}</b></p><p>{c}</p>" for i, c in enumerate(comments))
        + "</div></body></html>"
    )
    body = body_of(html)
    assert_story(body, GERMAN)
    assert "Schulen marode" not in body and notice not in body
