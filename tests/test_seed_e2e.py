"""End to end on a real page: the seed's story served in the digest site, crawled, archived exactly.

The seeds are text of real pages as a naive scraper saw them, under ../shared/seeds relative
to the repo root; without them these tests skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.demo import DigestSite, SeedPage, serve

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def module_texts(seed: SeedPage) -> list[str]:
    """Every text of the page that is not the story."""
    texts = [f"Today: {seed.today.day} {seed.today:%B %Y}", seed.read_time, "Previous Story",
             seed.previous, "Next Story", seed.next, "Latest from", "Go toTop", "Don't Miss"]
    for title, excerpt in seed.latest + seed.dont_miss:
        texts += [title, excerpt]
    return texts


@pytest.mark.skipif(not SEED_FILES, reason="../shared/seeds is absent")
@pytest.mark.parametrize("spider", ["news", "arabdailydigital"])
@pytest.mark.parametrize("seed_file", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_story_is_archived_as_the_page_shows_it(
    seed_file: Path, spider: str, archive_path, archive_db, run_crawl
) -> None:
    text = seed_file.read_text(encoding="utf-8")
    if not SeedPage.matches(text):
        pytest.skip(f"{seed_file.name} is not a digest-style page")
    seed = SeedPage.parse(text)
    site = DigestSite()
    story = site.add_seed(seed)

    with serve(site) as server:
        run_crawl([server.url("/")], archive_path, spider=spider)
        assert not server.requested("/private/")

    latest = archive_db.latest()
    row = latest[site.url(story)]
    assert row["body"] == "\n\n".join(seed.paragraphs)
    assert row["title"] == seed.title
    assert row["summary"] == seed.summary
    assert row["published"].startswith(f"{seed.published:%Y-%m-%d}")
    for module in module_texts(seed):
        assert module not in row["body"], module
    assert set(latest) == set(site.expected())
    crawl = archive_db.last_crawl()
    assert crawl["spider"] == spider
    assert crawl["articles_new"] == len(site.expected())
