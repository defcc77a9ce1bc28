"""Golden extraction files: tests/golden/<case>.html beside <case>.json.

<case>.json holds the URL the page was fetched from, an optional profile name, an optional
Content-Type header, the texts the body must and must not contain, and the full expected
item under "expected". Run with GOLDEN_UPDATE=1 to write a missing "expected"; an existing
one is never overwritten.

Pages are stored as the bytes a server sent (some in Windows-1252 or Shift_JIS) and decoded
as the crawl decodes them: by decode_page, from the BOM, header charset or <meta>.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crawler.extraction import clean_item, read_page
from crawler.extraction.html import decode_page, header_charset
from crawler.extraction.text import split_paragraphs
from crawler.profiles import load_profile

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.html"))
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"


def _spec(case: str) -> dict:
    spec_path = GOLDEN / f"{case}.json"
    if not spec_path.exists():
        pytest.fail(f"write tests/golden/{case}.json with at least a 'url'")
    return json.loads(spec_path.read_text(encoding="utf-8"))


def _decode(raw: bytes, spec: dict) -> str:
    """The page's text as the spider sees it."""
    return decode_page(raw, header_charset(spec.get("content_type")))[0]


def _load(case: str) -> tuple[str, dict]:
    spec = _spec(case)
    return _decode((GOLDEN / f"{case}.html").read_bytes(), spec), spec


def _item(html: str | bytes, spec: dict) -> dict:
    profile = load_profile(spec["profile"]) if spec.get("profile") else None
    reading = read_page(html, spec["url"], profile)
    return {**reading.article, "is_article": reading.is_article}


@pytest.mark.parametrize("case", CASES)
def test_golden_item(case: str) -> None:
    html, spec = _load(case)
    item = _item(html, spec)
    if "expected" not in spec:
        if not UPDATE:
            pytest.fail(f"{case}.json has no 'expected' item: run with GOLDEN_UPDATE=1 to write it")
        spec["expected"] = item
        (GOLDEN / f"{case}.json").write_text(
            json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert item == spec["expected"]


@pytest.mark.parametrize("case", CASES)
def test_golden_snippets(case: str) -> None:
    html, spec = _load(case)
    body = _item(html, spec)["body"]
    for text in spec.get("must_contain", []):
        assert text in body, f"{case}: body lacks {text!r}"
    for text in spec.get("must_not_contain", []):
        assert text not in body, f"{case}: body has {text!r}"


@pytest.mark.parametrize("case", CASES)
def test_golden_body_shape(case: str) -> None:
    html, spec = _load(case)
    body = _item(html, spec)["body"]
    assert "\n\n\n" not in body
    assert body == body.strip()
    assert body == "\n\n".join(split_paragraphs(body))


@pytest.mark.parametrize("case", CASES)
def test_clean_item_is_idempotent(case: str) -> None:
    html, spec = _load(case)
    once = _item(html, spec)
    assert clean_item(once) == once


@pytest.mark.parametrize("case", CASES)
def test_raw_bytes_read_like_the_crawl(case: str) -> None:
    # read_page() given the bytes a server sent reads them in the charset the page declares
    spec = _spec(case)
    if "content_type" in spec:
        pytest.skip("the charset comes from a header read_page() is not given")
    raw = (GOLDEN / f"{case}.html").read_bytes()
    assert _item(raw, spec) == _item(_decode(raw, spec), spec)


def test_non_utf8_pages_are_stored_as_sent() -> None:
    # the charset cases hold the server's bytes, which are not UTF-8
    for case in ("windows1252_charset", "shift_jis_charset"):
        raw = (GOLDEN / f"{case}.html").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


def test_profile_and_generic_agree_on_the_seed_like_page() -> None:
    html, spec = _load("wordpress_seed_like")
    profile = load_profile("arabdailydigital")
    with_profile = read_page(html, spec["url"], profile)
    generic = read_page(html, spec["url"])
    assert with_profile == generic
