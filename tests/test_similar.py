"""Near-duplicate detection: shingles, MinHash signatures, LSH band keys."""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import time
from importlib import resources

import pytest

from crawler.archive.similar import (
    BANDS,
    MIN_WORDS,
    PERMUTATIONS,
    ROWS,
    THRESHOLD,
    bands,
    shingles,
    signature,
    similarities,
    similarity,
)

WIRE = """Plans to overhaul the bus network in Leeds moved a step closer on Tuesday after
councillors backed a revised proposal that would see fares capped at £2 for journeys across
the city.

The Regional Transport Board said it had received more than 4,000 responses to its
consultation, a record for the region, and that most supported longer evening services.

"We have listened carefully to what people told us," said Margaret Okafor, the council
leader. "This is not the end of the conversation, but it is a serious start."

Critics argue that the £40 million budget falls well short of what is needed to replace an
ageing fleet, and operators have warned that some rural routes could still be withdrawn.

Under the plan, evening buses on the busiest corridors would run every fifteen minutes until
eleven o'clock, and a new orbital route would link the hospitals on the north side of the
city with the main railway station.

Business groups welcomed the proposal but said the council had yet to explain how the fare
cap would be paid for once government funding for the scheme ends in two years' time.

The proposals will now go before a full meeting of the council, where a vote is expected in
March. If approved, the first changes would take effect in the autumn."""

# The same wire story as a sister site ran it: new standfirst, one sentence reworded, a
# sentence added, a dash for a comma.
REPUBLISHED = """Fares would be capped across the city under the plan.

Plans to overhaul the bus network in Leeds moved a step closer on Tuesday after
councillors backed a revised proposal that would see fares capped at £2 for journeys across
the city.

The Regional Transport Board said it had received more than 4,000 responses to its
consultation, a record for the region, and that most supported longer evening services.

"We have listened carefully to what people told us," said Margaret Okafor, the council
leader. "This is not the end of the conversation, but it is a serious start."

Critics said the budget of £40m was far too small to replace an ageing fleet, and operators
have warned that some rural routes could still be withdrawn.

Under the plan, evening buses on the busiest corridors would run every fifteen minutes until
eleven o'clock, and a new orbital route would link the hospitals on the north side of the
city with the main railway station.

Business groups welcomed the proposal but said the council had yet to explain how the fare
cap would be paid for once government funding for the scheme ends in two years' time.

The proposals will now go before a full meeting of the council -- where a vote is expected in
March. If approved, the first changes would take effect in the autumn.

A spokesperson for the largest operator said it would study the plans in detail."""

# Unrelated stories, as different desks of the same paper would write them.
UNRELATED = [
    """Firefighters spent most of the night tackling a blaze at a disused textile mill on the
    edge of Bradford, where flames could be seen for miles. Nobody was hurt, but residents of
    nearby streets were asked to keep windows closed because of the smoke. The fire service
    said the cause was not yet known and an investigation would begin once the building was
    safe to enter. The mill had been empty for more than a decade and had been earmarked for
    flats.""",
    """Shares in the country's largest supermarket chain fell sharply on Thursday after it
    warned that profits would be lower than expected this year. The company blamed higher
    wages, energy costs and a price war with discount rivals. Analysts said the warning was
    worse than feared, and several cut their forecasts for the rest of the sector. The chief
    executive told investors the business would keep prices low to protect its market share
    even if margins suffered.""",
    """A rare orchid not seen in Wales for almost forty years has been found growing on a
    roadside verge in Pembrokeshire. A retired botanist spotted the plant while walking her
    dog and alerted the county wildlife trust, which confirmed the identification. The trust
    has asked the council to delay mowing the verge until the flowers have set seed, and says
    the find shows the value of leaving road edges to grow wild.""",
    """The national team's head coach has named three uncapped players in his squad for next
    month's qualifiers, including an eighteen-year-old winger who has only started six league
    games. Injuries to two senior defenders forced changes at the back. The coach said the
    young players had earned their chance in training and that the squad would be judged on
    results, not reputations, when the campaign begins away from home.""",
    """Doctors at a children's hospital in Glasgow have begun a trial of a new treatment for a
    severe form of childhood epilepsy. The drug, taken as a daily liquid, reduced seizures by
    half in earlier studies abroad. Families taking part will be followed for two years.
    Researchers cautioned that the trial was small and that it would be some time before the
    treatment could be offered more widely on the health service.""",
    """A jury has been sworn in for the trial of a former finance director accused of taking
    more than a million pounds from the charity where he worked. Prosecutors say the money was
    moved through invoices from companies that did not exist. The defendant denies fraud and
    false accounting. The judge told jurors the case was expected to last about six weeks and
    warned them not to read about it online.""",
    """Heavy snow closed dozens of schools across the Highlands on Monday and left several
    villages cut off as drifts blocked the only roads in and out. Gritters worked through the
    night, but forecasters warned that more snow was on its way. Power cuts affected around two
    thousand homes. The council urged people to check on elderly neighbours and to travel only
    if their journey was essential.""",
    """An independent bookshop that has traded in the same market town for ninety years has
    been saved from closure after customers raised enough money to buy the building. The owner
    had planned to retire and feared the shop would become another estate agent. More than
    eight hundred people donated, and a community group will now run the business with a
    manager and a rota of volunteers.""",
]


def bank_articles(count: int, sentences: int = 14) -> list[str]:
    """Distinct stories assembled from the demo's sentence bank, as its sites print them."""
    bank = json.loads(resources.files("crawler.demo").joinpath("newsbank.json").read_text("utf-8"))
    articles = []
    for seed in range(count):
        rng = random.Random(seed)

        def fill(template: str, rng: random.Random = rng) -> str:
            return template.format(
                city=rng.choice(bank["cities"]), topic=rng.choice(bank["topics"]),
                org=rng.choice(bank["orgs"]), official=rng.choice(bank["officials"]),
                rival=rng.choice(bank["officials"]), role=rng.choice(bank["roles"]),
                rival_role=rng.choice(bank["roles"]), month=rng.choice(bank["months"]),
                weekday=rng.choice(bank["weekdays"]), n=rng.randint(2, 99),
                n1=rng.randint(2, 30), n2=rng.randint(100, 9000), amount=rng.randint(2, 400),
                pct=rng.randint(2, 60), hundreds=rng.randint(2, 9) * 100,
                year=rng.randint(2024, 2031),
            )

        lede = fill(rng.choice(bank["ledes"]))
        body = [fill(t) for t in rng.sample(bank["sentences"], sentences)]
        articles.append(" ".join([lede, *body]))
    return articles


def shared_band(a: bytes, b: bytes) -> bool:
    return bool(set(bands(a)) & set(bands(b)))


def test_constants_fit_together() -> None:
    assert BANDS * ROWS == PERMUTATIONS
    # the S-curve promised in the module: >0.95 at the threshold, rare at 0.2
    assert 1 - (1 - THRESHOLD**ROWS) ** BANDS > 0.95
    assert 1 - (1 - 0.2**ROWS) ** BANDS < 0.1


def test_shingles_are_lower_cased_word_runs() -> None:
    assert shingles("The  Council, said: no.") == shingles("the council said no")
    assert len(shingles("one two three four five six seven")) == 3
    assert shingles("a b c d e") != shingles("e d c b a")  # order matters
    assert all(0 <= h < 2**64 for h in shingles(WIRE))
    assert shingles("") == set()


def test_signature_shape_and_short_texts() -> None:
    assert len(signature(WIRE)) == PERMUTATIONS * 4
    assert signature("") == b""
    assert signature(" ".join(["word"] * (MIN_WORDS - 1))) == b""
    assert bands(b"") == []
    assert similarity(b"", signature(WIRE)) == 0.0


def test_identical_texts_are_one() -> None:
    assert similarity(signature(WIRE), signature(WIRE)) == 1.0
    # whitespace, case and punctuation do not make a text different
    assert signature(WIRE) == signature(" ".join(WIRE.upper().replace('"', "").split()))


def test_republished_story_is_near_duplicate_and_shares_a_band() -> None:
    a, b = shingles(WIRE), shingles(REPUBLISHED)
    exact = len(a & b) / len(a | b)
    estimate = similarity(signature(WIRE), signature(REPUBLISHED))
    assert estimate > 0.6
    assert abs(estimate - exact) < 0.12
    assert shared_band(signature(WIRE), signature(REPUBLISHED))


def test_unrelated_stories_are_far_apart() -> None:
    signatures = [signature(text) for text in UNRELATED]
    for a, b in itertools.combinations(signatures, 2):
        assert similarity(a, b) < 0.2
        assert not shared_band(a, b)
    wire = signature(WIRE)
    assert all(similarity(wire, s) < 0.2 for s in signatures)


def test_stories_from_one_sentence_bank_rarely_collide() -> None:
    # The hard case: every story is built from the same 48 sentence templates.
    signatures = [signature(text) for text in bank_articles(40)]
    pairs = list(itertools.combinations(signatures, 2))
    low = sum(similarity(a, b) < 0.2 for a, b in pairs)
    colliding = sum(shared_band(a, b) for a, b in pairs)
    assert low >= 0.95 * len(pairs)
    assert colliding <= 0.02 * len(pairs)


def test_similarities_compare_one_signature_with_many_as_similarity_does() -> None:
    texts = [WIRE, REPUBLISHED, *bank_articles(6)]
    sigs = [signature(text) for text in texts]
    for sig in sigs:
        assert similarities(sig, sigs) == [similarity(sig, other) for other in sigs]
    assert similarities(sigs[0], []) == []
    assert similarities(b"", sigs[:2]) == [0.0, 0.0]
    assert similarities(sigs[0], [b"", sigs[0]]) == [0.0, 1.0]
    with pytest.raises(ValueError, match="different lengths"):
        similarities(sigs[0], [sigs[1], sigs[1][:-4]])


def test_band_keys_fit_sqlite_and_carry_their_band() -> None:
    keys = bands(signature(WIRE))
    assert len(keys) == BANDS
    assert all(0 <= key < 2**63 for key in keys)
    assert [key >> 56 for key in keys] == list(range(BANDS))
    # the same rows in two different bands give two different keys
    same = bytes(range(16)) * 2
    first, second = bands(same)
    assert first != second and first & (2**56 - 1) == second & (2**56 - 1)


@pytest.mark.parametrize("bad", [b"abc", b"\x00" * 4 * 4 * 128])
def test_bad_signatures_are_refused(bad: bytes) -> None:
    with pytest.raises(ValueError):
        bands(bad, rows=4)


def test_signatures_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        similarity(signature(WIRE), signature(WIRE)[:-4])


# A signature and band keys of WIRE: stored ones must never silently change meaning.
PINNED_SIGNATURE_START = "66a84500bdef4c0094e149007bf6c000"
PINNED_FIRST_BAND = 3696852608255372


def test_signature_is_stable_across_processes_and_releases() -> None:
    code = "import sys; from crawler.archive.similar import signature; " \
        "print(signature(sys.stdin.read()).hex())"
    for seed in ("1", "12345"):
        result = subprocess.run(
            [sys.executable, "-c", code], input=WIRE, capture_output=True, text=True,
            check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60,
        )
        assert result.stdout.strip() == signature(WIRE).hex()
    assert signature(WIRE)[:16].hex() == PINNED_SIGNATURE_START
    assert bands(signature(WIRE))[0] == PINNED_FIRST_BAND


def benchmark(words: int = 1500, repeat: int = 200) -> float:
    """Milliseconds to sign one article of about `words` words."""
    text = " ".join(" ".join(bank_articles(12)).split()[:words])
    assert len(text.split()) == words
    signature(text)
    start = time.perf_counter()
    for _ in range(repeat):
        signature(text)
    return (time.perf_counter() - start) / repeat * 1000


def test_benchmark_runs() -> None:
    elapsed = benchmark(repeat=20)
    print(f"signature of a 1,500-word article: {elapsed:.3f} ms")  # pytest -s shows it
    assert elapsed > 0


def near_tables(conn) -> tuple[list, list, list]:
    return (conn.execute("SELECT * FROM signatures ORDER BY article_id").fetchall(),
            conn.execute("SELECT * FROM similarity_bands ORDER BY band, article_id").fetchall(),
            conn.execute("SELECT * FROM similar ORDER BY article_id, other_id").fetchall())


@pytest.mark.parametrize("cap", [2, 32])
def test_a_batch_indexes_as_texts_indexed_one_at_a_time(tmp_path, monkeypatch, cap) -> None:
    """index_batch over texts that share words, new versions of articles in the batch and
    before it, and a text too short to sign, leaves the tables index() leaves one by one;
    with buckets capped at 2, the cap is followed as the batch fills the buckets."""
    import crawler.archive.similar as similar_module
    from crawler.archive import Archive
    from crawler.archive.neardup import NewText

    monkeypatch.setattr(similar_module, "BAND_CANDIDATES", cap)
    rng = random.Random(7)
    bank = [" ".join(rng.choice(["harbour", "storm", "council", "fares", "bus", "leeds",
                                 "budget", "vote", "city", "rural"]) for _ in range(60))
            for _ in range(6)]

    def text(n: int) -> str:  # texts from a few shared paragraphs: many near-duplicates
        if n % 11 == 5:
            return "too short"
        return " ".join(bank[(n * k) % 6] for k in range(1, 3)) + f" story{n % 4}"

    before = [(n, text(n)) for n in range(1, 9)]
    batch = [(n, text(n + 20)) for n in (3, 9, 10, 3, 11, 1, 12, 9, 13, 14, 15, 16)]
    archives = []
    for name in ("one", "batch"):
        archive = Archive.open(tmp_path / f"{name}.db")
        conn = archive.conn
        conn.execute("PRAGMA foreign_keys = OFF")  # the near-duplicate tables alone
        for article_id, body in before:
            archive._near.index(article_id, article_id * 100, body, "2025-01-01")
        if name == "one":
            for number, (article_id, body) in enumerate(batch):
                archive._near.index(article_id, number, body, f"2025-02-{number + 1:02d}")
        else:
            archive._near.index_batch([
                NewText(article_id, number, signature(body), f"2025-02-{number + 1:02d}")
                for number, (article_id, body) in enumerate(batch)])
        archives.append(archive)
    one, batched = (near_tables(archive.conn) for archive in archives)
    assert one[2], "the texts make pairs"
    assert len({row[0] for row in one[2]}) > 5
    assert batched == one
    for archive in archives:
        archive.close()


if __name__ == "__main__":
    print(f"signature of a 1,500-word article: {benchmark():.3f} ms")
