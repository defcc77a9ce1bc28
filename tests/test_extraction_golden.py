"""Golden extraction files: tests/golden/<case>.html beside <case>.json.

<case>.json holds the URL the page was fetched from, an optional profile name, the texts the
body must and must not contain, and the full expected item under "expected". Run with
GOLDEN_UPDATE=1 to write a missing "expected"; an existing one is never overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crawler.extraction import clean_item, extract
from crawler.extraction.text import split_paragraphs
from crawler.profiles import load_profile

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.html"))
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"


def _load(case: str) -> tuple[str, dict]:
    html = (GOLDEN / f"{case}.html").read_text(encoding="utf-8")
    spec_path = GOLDEN / f"{case}.json"
    if not spec_path.exists():
        pytest.fail(f"write tests/golden/{case}.json with at least a 'url'")
    return html, json.loads(spec_path.read_text(encoding="utf-8"))


def _item(html: str, spec: dict) -> dict:
    profile = load_profile(spec["profile"]) if spec.get("profile") else None
    return clean_item(extract(html, spec["url"], profile), profile)


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


def test_profile_and_generic_agree_on_the_seed_like_page() -> None:
    html, spec = _load("wordpress_seed_like")
    profile = load_profile("arabdailydigital")
    with_profile = clean_item(extract(html, spec["url"], profile), profile)
    generic = clean_item(extract(html, spec["url"]))
    assert with_profile == generic
