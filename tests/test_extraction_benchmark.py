"""The extraction quality floor: body F1 on the shared article-extraction benchmark.

Raise the floors whenever the score improves; never lower them. Skips when the benchmark
(../shared/extraction-benchmark relative to the repository root) is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT.parent / "shared" / "extraction-benchmark"
HARNESS = Path(__file__).parent / "benchmarks" / "extraction.py"

# Reached by read_page(), rounded down.
F1_FLOOR = 0.973
PRECISION_FLOOR = 0.969
RECALL_FLOOR = 0.976

pytestmark = pytest.mark.skipif(
    not (BENCHMARK / "ground-truth.json").exists(), reason="extraction benchmark not available"
)


@pytest.fixture(scope="module")
def figures() -> dict:
    spec = importlib.util.spec_from_file_location("extraction_benchmark", HARNESS)
    assert spec and spec.loader
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    scorer = harness.load_scorer(BENCHMARK)
    truth = scorer.load_ground_truth(BENCHMARK / "ground-truth.json")
    predictions, _ = harness.run(harness.load_pages(BENCHMARK), {"ours": harness.ours})
    docs = [
        scorer.score_document(k, truth[k].get("articleBody", ""), predictions["ours"].get(k, ""))
        for k in truth
    ]
    return scorer.aggregate(docs)


def test_body_f1_floor(figures: dict) -> None:
    assert figures["f1"] >= F1_FLOOR


def test_body_precision_and_recall_floors(figures: dict) -> None:
    assert figures["precision"] >= PRECISION_FLOOR
    assert figures["recall"] >= RECALL_FLOOR


def test_no_empty_bodies(figures: dict) -> None:
    assert figures["empty_predictions"] == 0
