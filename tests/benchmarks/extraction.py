"""Article-body benchmark: our read_page() against trafilatura, in one run.

Reads the 181 pages of the shared extraction benchmark (../shared/extraction-benchmark
relative to the repository root, or --benchmark DIR), runs both extractors on each page
in turn, writes both prediction files, scores them with the benchmark's own score.py and
prints F1, precision, recall, empty predictions and the median time per page.

Example:
    .venv/bin/python tests/benchmarks/extraction.py --out /tmp/bench --csv
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BENCHMARK = ROOT.parent / "shared" / "extraction-benchmark"
sys.path.insert(0, str(ROOT))

from crawler.extraction import (  # noqa: E402
    read_page,
)
from crawler.extraction.html import decode_page  # noqa: E402


def load_scorer(benchmark: Path) -> ModuleType:
    """The benchmark's score.py, imported from its folder."""
    spec = importlib.util.spec_from_file_location("benchmark_score", benchmark / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {benchmark}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def load_pages(benchmark: Path) -> list[tuple[str, str, str]]:
    """(id, url, html) of every benchmark page, in ground-truth order."""
    truth = json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for doc_id, record in truth.items():
        raw = gzip.decompress((benchmark / "html" / f"{doc_id}.html.gz").read_bytes())
        pages.append((doc_id, record.get("url", ""), decode_page(raw, None)[0]))
    return pages


def ours(html: str, url: str) -> str:
    """Our body, exactly as the crawl stores it."""
    return read_page(html, url).article["body"]


def trafilatura_body(html: str, url: str) -> str:
    """trafilatura's text with favor_precision, the reference configuration."""
    import trafilatura

    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False) or ""


def run(pages: list[tuple[str, str, str]], extractors: dict) -> tuple[dict, dict]:
    """Predictions and per-page times of each extractor, pages interleaved."""
    predictions: dict[str, dict[str, str]] = {name: {} for name in extractors}
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for doc_id, url, html in pages:
        for name, function in extractors.items():
            start = time.perf_counter()
            text = function(html, url)
            times[name].append(time.perf_counter() - start)
            predictions[name][doc_id] = text
    return predictions, times


def main(argv: list[str] | None = None) -> int:
    """Run, score and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=DEFAULT_BENCHMARK)
    parser.add_argument("--out", type=Path, help="folder for the prediction files")
    parser.add_argument("--csv", action="store_true", help="also write per-document CSVs")
    parser.add_argument("--ours-only", action="store_true", help="skip trafilatura")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.benchmark / "ground-truth.json").exists():
        print(f"Error: no benchmark at {args.benchmark}", file=sys.stderr)
        return 1
    out = args.out or Path(tempfile.mkdtemp(prefix="extraction-benchmark-"))
    out.mkdir(parents=True, exist_ok=True)

    scorer = load_scorer(args.benchmark)
    truth = scorer.load_ground_truth(args.benchmark / "ground-truth.json")
    pages = load_pages(args.benchmark)
    extractors = {"ours": ours}
    if not args.ours_only:
        extractors["trafilatura"] = trafilatura_body
    for function in extractors.values():  # warm imports and caches outside the timing
        function(pages[0][2], pages[0][1])
    predictions, times = run(pages, extractors)

    figures = {}
    for name, preds in predictions.items():
        path = out / f"{name}.json"
        path.write_text(json.dumps(preds, ensure_ascii=False, indent=0), encoding="utf-8")
        docs = [
            scorer.score_document(k, truth[k].get("articleBody", ""), preds.get(k, ""))
            for k in truth
        ]
        metrics = scorer.aggregate(docs)
        metrics["median_ms"] = statistics.median(times[name]) * 1000
        metrics["total_s"] = sum(times[name])
        figures[name] = metrics
        if args.csv:
            scorer.main([str(path), "--csv", str(out / f"{name}.csv"), "--bootstrap", "0"])

    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"predictions in {out}")
    header = ("F1", "prec", "recall", "empty", "median ms", "total s")
    print(f"{'':<12} " + " ".join(f"{h:>{max(6, len(h))}}" for h in header))
    for name, m in figures.items():
        print(
            f"{name:<12} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} "
            f"{int(m['empty_predictions']):>6} {m['median_ms']:9.2f} {m['total_s']:7.2f}"
        )
    if "trafilatura" in figures:
        ratio = figures["ours"]["median_ms"] / figures["trafilatura"]["median_ms"]
        print(f"median time ours/trafilatura: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
