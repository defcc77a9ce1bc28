"""The legacy theme over three rounds of the real `scrapy crawl news`: what the archive gets right.

Round 1 crawls the site as built; round 2 adds two stories, edits a body and a headline, and
churns comments and counters everywhere; round 3 removes a story, corrects one and moves one to a
new URL (301). Each test measures one thing the site-learning work must reach. The ones today's
extractor fails are strict xfails, so they flip to failures (to be unmarked) when it lands. The
same targets are checked on the other two themes (met today: a regression guard) and, as a slow
test, on a mixed run of all three.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ArchiveReader, run_crawl

from crawler.demo import (
    DigestSite,
    Expected,
    LedgerSite,
    LegacySite,
    NewsSite,
    RunningServer,
    Story,
    serve,
)
from crawler.demo.site import Round

ROUNDS = (1, 2, 3)
F1_FLOOR = 0.99  # issue's target for body token F1
TOKEN = re.compile(r"\w+", re.UNICODE)
# Day-month dates of the site's datelines and comments, as a reader sees them.
SITE_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def token_f1(got: str, want: str) -> float:
    """F1 of the bags of word tokens of two texts (1.0 for two empty texts)."""
    got_tokens = Counter(TOKEN.findall(got.lower()))
    want_tokens = Counter(TOKEN.findall(want.lower()))
    if not got_tokens and not want_tokens:
        return 1.0
    common = sum((got_tokens & want_tokens).values())
    if not common:
        return 0.0
    precision = common / sum(got_tokens.values())
    recall = common / sum(want_tokens.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Run:
    """A three-round acceptance run of sites crawled together: their rounds, the archive."""

    sites: list[NewsSite]
    archive: ArchiveReader
    rounds: list[list[Round]] = field(default_factory=list)  # each round's changes, by site
    versions_after: list[int] = field(default_factory=list)  # archive versions after each round
    hits: list[set[str]] = field(default_factory=list)  # request targets of each round's crawl
    story_paths: list[set[str]] = field(default_factory=list)  # public story URLs each round
    first_stories: int = 0  # public stories when round 1 was crawled

    @property
    def site(self) -> NewsSite:
        """The one site of a single-site run."""
        [site] = self.sites
        return site

    def new_versions(self, number: int) -> int:
        """Versions round `number` should add: every story at round 1, then the edits."""
        if number == 1:
            return self.first_stories
        return sum(r.new_versions for r in self.rounds[number - 1])

    def expected_versions(self) -> int:
        """Versions the archive should hold after the last round."""
        return sum(self.new_versions(n) for n in ROUNDS)

    def moved(self) -> list[tuple[NewsSite, Story, str]]:
        """Each moved story with its site and old URL."""
        return [(site, story, old) for site, done in zip(self.sites, self.rounds[2], strict=True)
                for story, old in done.moved]

    def article_of(self, url: str) -> dict[str, Any] | None:
        """The newest version of the article a URL is (its own URL or one of its aliases)."""
        rows = self.archive.rows(
            "SELECT l.* FROM latest l WHERE l.url = ? UNION SELECT l.* FROM latest l "
            "JOIN aliases a ON a.article_id = l.article_id WHERE a.url = ?", url, url)
        return rows[0] if rows else None

    def pairs(self) -> list[tuple[Expected, dict[str, Any] | None]]:
        """Every public story's ground truth beside what the archive holds for its URL."""
        return [(want, self.article_of(url))
                for site in self.sites for url, want in site.expected().items()]


def three_rounds(sites: list[NewsSite], archive: Path) -> Run:
    """Serve the sites, play the three rounds on each and crawl them all after every round."""
    measured = Run(sites, ArchiveReader(archive))
    with contextlib.ExitStack() as stack:
        servers: list[RunningServer] = [stack.enter_context(serve(site)) for site in sites]
        for number in ROUNDS:
            measured.rounds.append([site.acceptance_round(number) for site in sites])
            live = [(site, story) for site in sites for story in site.live_stories()]
            if number == 1:
                measured.first_stories = len(live)
            measured.story_paths.append({site.url(story) for site, story in live})
            for server in servers:
                server.reset()
            run_crawl([server.url("/") for server in servers], archive, "-a", "recheck=all",
                      "-s", f"CRAWL_CLOCK=2025-10-0{5 + number}T08:00:00Z", timeout=300)
            measured.versions_after.append(
                measured.archive.rows("SELECT COUNT(*) AS n FROM versions")[0]["n"])
            measured.hits.append({server.url(t) for server in servers for t in server.requested()})
    return measured


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The three rounds on the legacy site, crawled once for the whole module."""
    return three_rounds([LegacySite()], tmp_path_factory.mktemp("legacy") / "archive.db")


def figures(run: Run) -> dict[str, Any]:
    """The run's figures, as the issue asks them to be reported."""
    pairs = run.pairs()
    found = [(want, got) for want, got in pairs if got]
    return {
        "stories": len(pairs),
        "fetched_round_1": len(run.story_paths[0] & run.hits[0]),
        "archived": len(found),
        "titles_right": sum(got["title"] == want.title for want, got in found),
        "dates_right": sum((got["published"] or "")[:10] == want.published[:10]
                           for want, got in found),
        "mean_f1": sum(token_f1(got["body"] if got else "", want.body)
                       for want, got in pairs) / len(pairs),
        "versions": run.versions_after[-1],
        "expected_versions": run.expected_versions(),
        "print_views": len(run.archive.rows(
            "SELECT url FROM articles WHERE url LIKE '%/print.php%'")),
        "moved_as_one": sum(len(ids_of(run, old, site.url(story))) == 1
                            for site, story, old in run.moved()),
    }


def ids_of(run: Run, *urls: str) -> set[int]:
    """The articles these URLs are in the archive (as their URL or an alias)."""
    return {row["article_id"] for url in urls if (row := run.article_of(url))}


def test_three_rounds_crawl_the_whole_site_and_report_the_figures(run: Run) -> None:
    every = figures(run)
    print("\nlegacy theme, three rounds:", every)
    # The crawls ran on the site: the home page, story pages and print views were fetched.
    assert all(any(urlsplit(t).path == "/" for t in hits) for hits in run.hits)
    assert run.story_paths[0] & run.hits[0]
    assert {t for t in run.hits[0] if "/print.php?story=" in t}
    assert every["stories"] == 17  # 16 at round 1, 2 added, 1 removed
    assert len(run.archive.rows("SELECT id FROM crawls")) == len(ROUNDS)


def test_every_title_is_the_headline(run: Run) -> None:
    pairs = run.pairs()
    assert [got and got["title"] for _, got in pairs] == [want.title for want, _ in pairs]


def test_every_date_is_the_datelines_day(run: Run) -> None:
    pairs = run.pairs()
    assert [((got and got["published"]) or "")[:10] for _, got in pairs] == [
        want.published[:10] for want, _ in pairs]


def test_bodies_match_the_story_text(run: Run) -> None:
    scores = [token_f1(got["body"] if got else "", want.body) for want, got in run.pairs()]
    assert sum(scores) / len(scores) >= F1_FLOOR
    assert min(scores) >= 0.95


def test_no_furniture_or_comment_in_any_body(run: Run) -> None:
    site = run.site
    assert isinstance(site, LegacySite)
    comments = {text for story in site.stories for _, _, text in site.comments(story)}
    bodies = [row["body"] for row in run.archive.latest().values()]
    bodies += [got["body"] if got else None for _, got in run.pairs()]
    for body in bodies:
        assert body is not None, "a story has no article, so no body to check"
        assert not [m for m in site.furniture if m in body], body[:200]
        assert not [c for c in comments if c in body], body[:200]
        assert not SITE_DATE.search(body), body[:200]


def test_no_print_view_is_archived(run: Run) -> None:
    assert figures(run)["print_views"] == 0


def test_exactly_the_expected_versions(run: Run) -> None:
    added = [run.new_versions(n) for n in ROUNDS]
    made = [run.versions_after[0]] + [
        after - before for before, after in zip(run.versions_after, run.versions_after[1:],
                                                strict=False)]
    assert made == added, "versions written per round vs the rounds' real changes"


def test_the_moved_story_is_one_article(run: Run) -> None:
    [(site, story, old_url)] = run.moved()
    ids = ids_of(run, old_url, site.url(story))
    assert len(ids) == 1, f"old and new URL: {len(ids)} articles"


# The same targets on the other themes (no regression) and on a mixed run of all three


def missed_targets(run: Run) -> list[str]:
    """The issue's targets a run misses, each as a short line (empty: all met)."""
    every = figures(run)
    misses = []
    for name, got, want in (("titles", every["titles_right"], every["stories"]),
                            ("dates", every["dates_right"], every["stories"]),
                            ("versions", every["versions"], every["expected_versions"]),
                            ("print views", every["print_views"], 0),
                            ("moved stories as one article", every["moved_as_one"],
                             len(run.moved()))):
        if got != want:
            misses.append(f"{name}: {got}, want {want}")
    if every["mean_f1"] < F1_FLOOR:
        misses.append(f"mean body F1 {every['mean_f1']:.3f} < {F1_FLOOR}")
    for site in run.sites:
        for url in site.expected():
            got = run.article_of(url)
            if got and [m for m in site.furniture if m in got["body"]]:
                misses.append(f"furniture in the body of {url}")
    return misses


@pytest.fixture(scope="module", params=["digest", "ledger"])
def other_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The three rounds on one of the other themes."""
    theme = {"digest": DigestSite, "ledger": LedgerSite}[request.param]
    return three_rounds([theme()], tmp_path_factory.mktemp(request.param) / "archive.db")


def test_the_other_themes_meet_every_target(other_run: Run) -> None:
    print(f"\n{other_run.site.theme} theme, three rounds:", figures(other_run))
    assert missed_targets(other_run) == []


@pytest.mark.slow
def test_a_mixed_run_of_all_themes_meets_every_target(tmp_path: Path) -> None:
    run = three_rounds([DigestSite(seed=2), LedgerSite(seed=2), LegacySite(seed=2)],
                       tmp_path / "archive.db")
    print("\nmixed run of all themes, three rounds:", figures(run))
    assert missed_targets(run) == []
