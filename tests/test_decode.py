"""Bytes to text in one place: charset cases in many languages, and the crawl and reextract."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.extraction.html import codec_for, decode_page, header_charset, looks_binary

FRENCH = "C’est l’été : « les cafés débordent », dit l’élève. Noël à 5 € — çà et là."
GERMAN = "Größere Straßen führen über die Brücke; Äpfel und Öl kosten 5 € – „billig“."
SPANISH = "El niño comió la piñata en la ciudad. ¿Qué pasó? ¡Atención, señoría!"
POLISH = "Zażółć gęślą jaźń. Wiadomości z Łodzi, Kraków i Gdańsk są już gotowe."
CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy v Brně a Ústí nad Labem."
RUSSIAN = "Москва - столица России. Новости дня, погода и курсы валют на сегодня."
JAPANESE = "東京都は湾岸地域の防潮堤の改修工事が来年春に完成する見通しだと発表した。"
CHINESE = "北京今天发布了新的新闻。天气晴朗，气温适宜，市民纷纷出门散步。"
KOREAN = "서울에서 새로운 뉴스가 발표되었습니다. 오늘 날씨는 맑고 따뜻합니다."
TAIWANESE = "臺北市政府今天發布新聞，說明明年的交通建設計畫。"
GREEK = "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και η μεγαλύτερη πόλη της χώρας."
TURKISH = "İstanbul’da yağmur yağıyor; şehirdeki çarşılar ve ağaçlar ıslandı."


def page(text: str, head: str = "") -> str:
    """A small HTML page holding the text."""
    return (f"<!DOCTYPE html><html><head>{head}<title>t</title></head>"
            f"<body><p>{text}</p></body></html>")


# (label, bytes, the charset a server declares, the text a browser shows, the codec to report)
CASES = [
    ("utf-8 declared", page(FRENCH).encode(), "utf-8", FRENCH, "utf-8"),
    ("utf-8 undeclared", page(GERMAN).encode(), None, GERMAN, "utf-8"),
    ("utf-8 sent as cp1252", page(FRENCH).encode(), "cp1252", FRENCH, "utf-8"),
    ("utf-8 sent as latin-1", page(SPANISH).encode(), "ISO-8859-1", SPANISH, "utf-8"),
    ("utf-8 sent as Shift_JIS", page(CHINESE).encode(), "Shift_JIS", CHINESE, "utf-8"),
    ("cp1252 undeclared, French", page(FRENCH).encode("cp1252"), None, FRENCH, "cp1252"),
    ("cp1252 undeclared, German", page(GERMAN).encode("cp1252"), None, GERMAN, "cp1252"),
    ("cp1252 undeclared, Spanish", page(SPANISH).encode("cp1252"), None, SPANISH, "cp1252"),
    ("cp1252 under a utf-8 header", page(FRENCH).encode("cp1252"), "utf-8", FRENCH, "cp1252"),
    ("cp1252 in meta only",
     page(GERMAN, '<meta charset="windows-1252">').encode("cp1252"), None, GERMAN, "cp1252"),
    ("cp1252 in the header only", page(GERMAN).encode("cp1252"), "windows-1252", GERMAN,
     "cp1252"),
    ("latin-1 means windows-1252", page(FRENCH).encode("cp1252"), "latin-1", FRENCH, "cp1252"),
    ("iso-8859-1 in meta", page(GERMAN, '<meta http-equiv="Content-Type" content="text/html; '
                                 'charset=iso-8859-1">').encode("cp1252"), None, GERMAN, "cp1252"),
    ("us-ascii over cp1252", page(SPANISH).encode("cp1252"), "us-ascii", SPANISH, "cp1252"),
    ("header beats meta", page(FRENCH, '<meta charset="koi8-r">').encode("cp1252"),
     "windows-1252", FRENCH, "cp1252"),
    ("utf-8 header fails, meta holds",
     page(RUSSIAN, '<meta charset="koi8-r">').encode("koi8-r"), "utf-8", RUSSIAN, "koi8-r"),
    ("UTF-8 BOM over a cp1252 header", b"\xef\xbb\xbf" + page(FRENCH).encode(), "cp1252", FRENCH,
     "utf-8"),
    ("UTF-16LE BOM", page(JAPANESE).encode("utf-16-le").join([b"\xff\xfe", b""]), None, JAPANESE,
     "utf-16-le"),
    ("UTF-16BE BOM", b"\xfe\xff" + page(KOREAN).encode("utf-16-be"), "utf-8", KOREAN,
     "utf-16-be"),
    ("meta utf-16 reads as utf-8", page(GREEK, '<meta charset="utf-16">').encode(), None, GREEK,
     "utf-8"),
    ("Shift_JIS in meta", page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis"), None,
     JAPANESE, "cp932"),
    ("Shift_JIS in the header", page(JAPANESE).encode("cp932"), "shift_jis", JAPANESE, "cp932"),
    ("Shift_JIS undeclared", page(JAPANESE).encode("shift_jis"), None, JAPANESE, "cp932"),
    ("Shift_JIS under a utf-8 header", page(JAPANESE).encode("shift_jis"), "utf-8", JAPANESE,
     "cp932"),
    ("EUC-JP declared", page(JAPANESE).encode("euc_jp"), "EUC-JP", JAPANESE, "euc_jp"),
    ("GB2312 read as GB18030", page(CHINESE + "䶮").encode("gb18030"), "gb2312",
     CHINESE + "䶮", "gb18030"),
    ("GBK in meta", page(CHINESE, "<meta charset=gbk>").encode("gbk"), None, CHINESE, "gb18030"),
    ("GB2312 undeclared", page(CHINESE).encode("gb2312"), None, CHINESE, "gb18030"),
    ("Big5 declared", page(TAIWANESE).encode("big5"), "big5", TAIWANESE, "big5hkscs"),
    ("EUC-KR declared", page(KOREAN).encode("euc-kr"), "euc-kr", KOREAN, "cp949"),
    ("EUC-KR undeclared", page(KOREAN).encode("euc-kr"), None, KOREAN, "cp949"),
    ("KOI8-R declared", page(RUSSIAN).encode("koi8-r"), "koi8-r", RUSSIAN, "koi8-r"),
    ("KOI8-R undeclared", page(RUSSIAN).encode("koi8-r"), None, RUSSIAN, "koi8-r"),
    ("windows-1251 in meta", page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"),
     None, RUSSIAN, "cp1251"),
    ("ISO-8859-2 declared, Polish", page(POLISH).encode("iso-8859-2"), "iso-8859-2", POLISH,
     "iso8859-2"),
    ("windows-1250 in meta, Czech", page(CZECH, "<meta charset=windows-1250>").encode("cp1250"),
     None, CZECH, "cp1250"),
    ("ISO-8859-7 declared, Greek", page(GREEK).encode("iso-8859-7"), "iso-8859-7", GREEK,
     "iso8859-7"),
    ("ISO-8859-9 means windows-1254", page(TURKISH).encode("cp1254"), "iso-8859-9", TURKISH,
     "cp1254"),
    ("an unknown label is no label", page(FRENCH).encode(), "x-no-such-charset", FRENCH,
     "utf-8"),
    ("cut inside a UTF-8 character", page(FRENCH).encode() + "é".encode()[:1], "utf-8",
     FRENCH, "utf-8"),
    ("cut inside a Shift_JIS character", page(JAPANESE).encode("cp932") + "東".encode("cp932")[:1],
     "shift_jis", JAPANESE, "cp932"),
    ("cut inside UTF-8, undeclared", page(GERMAN).encode() + "€".encode()[:2], None, GERMAN,
     "utf-8"),
    ("UTF-8 with a stray cp1252 byte", page(FRENCH).encode().replace(b"</p>", b" caf\xe9</p>"),
     "utf-8", FRENCH + " café", "utf-8"),
]


@pytest.mark.parametrize(("body", "declared", "expected", "codec"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_pages_read_as_a_browser_reads_them(body: bytes, declared: str | None, expected: str,
                                            codec: str) -> None:
    text, used = decode_page(body, declared)
    assert f"<p>{expected}</p>" in text
    assert "\ufffd" not in text
    assert used == codec
    # The codec reported, stored with the page and declared again, reads the same text.
    assert decode_page(body, used) == (text, used)


def test_the_last_character_only_is_dropped_when_a_page_is_cut() -> None:
    body = page(FRENCH).encode() + b"<p>d" + "é".encode()[:1]
    text, used = decode_page(body, "utf-8")
    assert text.endswith("<p>d") and used == "utf-8"


def test_cp1252_unassigned_bytes_are_the_c1_controls_not_u_fffd() -> None:
    assert decode_page(b"<p>a\x81b \x93q\x94</p>", "windows-1252") == ("<p>a\x81b “q”</p>",
                                                                       "cp1252")


@pytest.mark.parametrize(("label", "codec"), [
    ("UTF-8", "utf-8"), ("utf8", "utf-8"), ("latin1", "cp1252"), ("ascii", "cp1252"),
    ("gb_2312-80", "gb18030"), ("x-sjis", "cp932"), ("ks_c_5601-1987", "cp949"),
    ("tis-620", "cp874"), ("'koi8-u'", "koi8-u"), ("base64", None), ("", None), (None, None),
])
def test_labels_name_the_codec_browsers_use(label: str | None, codec: str | None) -> None:
    assert codec_for(label) == codec


def test_the_charset_of_a_content_type() -> None:
    assert header_charset(b'text/html; charset="Windows-1252"') == "Windows-1252"
    assert header_charset("text/html;charset=utf-8; q=1") == "utf-8"
    assert header_charset("text/html") is None and header_charset(None) is None


def test_binary_is_told_from_text_even_in_utf16() -> None:
    assert looks_binary(bytes(range(256)) * 4)
    assert not looks_binary(b"\xff\xfe" + page(FRENCH).encode("utf-16-le"))
    assert not looks_binary(page(FRENCH).encode())


# --- the crawl and reextract, over a loopback site whose pages break the charset rules -------

TITLE = "It’s a café in Zürich"
TEXT = ("The owners of the café said the “fair rent” rule – worth €5 a week to each stall – "
        "was overdue, and that the market’s façade needs work before the crème brûlée season.")
MORE = ("Residents who spoke at the meeting welcomed the decision but asked the board to "
        "publish the full budget, which has grown by a fifth since the scheme was proposed.")


LEADS = {  # a lead of its own for each page, so that no two pages are one story
    "a": "Ferry fares from the north quay rise by six per cent from January, the operator says.",
    "b": "The old bridge over the estuary closes to traffic for the whole of next summer.",
    "c": "Water meters will be fitted to every house on the hill estate by the end of March.",
    "d": "Two new lifeboats arrive at the station in spring, paid for by a local appeal.",
    "e": "The library on Mill Street opens on Sundays again after a vote by the council.",
    "f": "A third of the harbour's moorings go to visiting yachts under the new licence.",
}


def story(slug: str, head: str = "") -> str:
    """An article page in the charset cases' words."""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in (LEADS[slug], TEXT, MORE))
    return (f'<!DOCTYPE html><html lang="en"><head>{head}<title>{html.escape(TITLE)}</title>'
            f'<meta property="og:type" content="article">'
            f'<meta property="og:title" content="{html.escape(TITLE)}">'
            f'<meta property="article:published_time" content="2025-10-02T09:00:00Z">'
            f"</head><body><article><h1>{html.escape(TITLE)}</h1>"
            f'<div class="entry-content">{body}</div></article></body></html>')


# slug -> (Content-Type, bytes): each a way a page's charset goes wrong
BROKEN = {
    "utf8-sent-as-cp1252": ("text/html; charset=windows-1252", story("a").encode()),
    "cp1252-no-charset": ("text/html", story("b").encode("cp1252")),
    "cp1252-under-utf8-header": ("text/html; charset=utf-8", story("c").encode("cp1252")),
    "cut-inside-a-character": ("text/html; charset=utf-8",
                               story("d").encode()[:-len("</div></article></body></html>")]
                               + "é".encode()[:1]),
    "cp1252-in-meta-only": ("text/html",
                            story("e", '<meta charset="windows-1252">').encode("cp1252")),
    "cp1252-in-header-only": ("text/html; charset=windows-1252", story("f").encode("cp1252")),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        slug = self.path.strip("/").rsplit("/", 1)[-1]
        if self.path == "/":
            links = "".join(f'<li><a href="/2025/10/02/{s}/">Story {s}</a></li>' for s in BROKEN)
            content_type, body = "text/html; charset=utf-8", (
                f"<html><body><h1>News</h1><ul>{links}</ul></body></html>").encode()
        elif slug in BROKEN:
            content_type, body = BROKEN[slug]
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def broken_site() -> Iterator[str]:
    """The loopback site of broken charsets; its root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_crawl_and_reextract_read_broken_charsets_right(
        broken_site: str, archive_path: Path, run_crawl, archive_db, run_cli) -> None:
    run_crawl(broken_site, archive_path)
    rows = archive_db.rows(
        "SELECT a.url, v.title, v.body, p.encoding FROM versions v "
        "JOIN articles a ON a.id = v.article_id JOIN pages p ON p.id = v.page_id")
    by_slug = {row["url"].rstrip("/").rsplit("/", 1)[-1]: row for row in rows}
    assert set(by_slug) == set(BROKEN)
    misread = {slug: (row["title"], row["body"][:300]) for slug, row in by_slug.items()
               if row["title"] != TITLE or TEXT not in row["body"] or MORE not in row["body"]
               or "\ufffd" in row["title"] + row["body"]}
    assert not misread
    # The encoding kept with each page is the one that read it, not the one declared.
    assert by_slug["utf8-sent-as-cp1252"]["encoding"] == "utf-8"
    assert by_slug["cp1252-under-utf8-header"]["encoding"] == "cp1252"
    assert by_slug["cut-inside-a-character"]["encoding"] == "utf-8"
    result = run_cli("reextract", "--db", str(archive_path))
    assert result.returncode == 0, result.stderr
    assert f"{len(BROKEN)} versions re-extracted, 0 would change." in result.stdout


def test_crawler_extract_reads_a_saved_page_like_the_crawl(tmp_path: Path, run_cli) -> None:
    saved = tmp_path / "page.html"
    saved.write_bytes(BROKEN["cp1252-no-charset"][1])
    result = run_cli("extract", "--url", "http://127.0.0.1/2025/10/02/x/", str(saved))
    assert result.returncode == 0, result.stderr
    assert TITLE in result.stdout
    assert "\\ufffd" not in result.stdout and "\ufffd" not in result.stdout
