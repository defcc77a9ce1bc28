"""Extraction benchmark: our read_page() against trafilatura, in one run.

Runs both extractors on the pages of the shared sets (../shared relative to the repository
root, or --shared DIR): ``benchmark`` (extraction-benchmark, 181 pages, body only) and ``dev``
(extraction-dev, 1,846 pages, body and metadata). Scores each with the set's own score.py and
prints body F1, precision, recall and empty bodies per set, per source and per language (30+
pages), the metadata rates (title, authors, published same instant) and the median time per
page of each extractor. ``--limit`` and ``--sets`` keep iterations short; ``--jobs`` runs pages
in worker processes (times are then noisier).

Example:
    nice -n 10 .venv/bin/python tests/benchmarks/extraction.py --sets dev --jobs 2 --out /tmp/b
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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_BENCHMARK = DEFAULT_SHARED / "extraction-benchmark"
SETS = {"benchmark": "extraction-benchmark", "dev": "extraction-dev"}
# Languages with fewer pages than this get no row of their own (their figures are anecdotes).
LANG_ROW_PAGES = 30
sys.path.insert(0, str(ROOT))

from crawler.cli import canonical_link  # noqa: E402
from crawler.extraction import read_page  # noqa: E402
from crawler.extraction.html import decode_page  # noqa: E402

Prediction = dict[str, Any]


def load_scorer(folder: Path) -> ModuleType:
    """A set's score.py, imported from its folder."""
    name = f"score_{folder.name.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, folder / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _truth(folder: Path, name: str) -> dict[str, dict]:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_pages(folder: Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(id, url, html) of every page with body or metadata truth, in a stable order."""
    body, meta = _truth(folder, "ground-truth.json"), _truth(folder, "metadata-truth.json")
    ids = list(body) + sorted(set(meta) - set(body))
    if limit:
        ids = ids[:: max(1, len(ids) // limit)][:limit]  # spread over the sources
    pages = []
    for doc_id in ids:
        raw = gzip.decompress((folder / "html" / f"{doc_id}.html.gz").read_bytes())
        html = decode_page(raw, None)[0]
        url = (body.get(doc_id) or meta.get(doc_id) or {}).get("url") or ""
        pages.append((doc_id, url or canonical_link(html) or "", html))
    return pages


def ours_fields(html: str, url: str) -> Prediction:
    """Our fields, exactly as the crawl stores them."""
    fields = read_page(html, url).article
    return {k: fields.get(k) for k in ("body", "title", "authors", "published")}


def ours(html: str, url: str) -> str:
    """Our body, exactly as the crawl stores it."""
    return ours_fields(html, url)["body"]


def trafilatura_fields(html: str, url: str) -> Prediction:
    """trafilatura's text and metadata with its defaults, the sets' reference configuration."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True)
    d = doc.as_dict() if doc else {}
    return {"body": d.get("text") or "", "title": d.get("title"), "authors": d.get("author"),
            "published": d.get("date")}


def trafilatura_body(html: str, url: str) -> str:
    """trafilatura's body text."""
    return trafilatura_fields(html, url)["body"]


EXTRACTORS: dict[str, Callable[[str, str], Prediction]] = {
    "ours": ours_fields,
    "trafilatura": trafilatura_fields,
}


def run(pages: list[tuple[str, str, str]], extractors: dict) -> tuple[dict, dict]:
    """Predictions and per-page times of each extractor, pages interleaved."""
    predictions: dict[str, dict[str, Any]] = {name: {} for name in extractors}
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for doc_id, url, html in pages:
        for name, function in extractors.items():
            start = time.perf_counter()
            value = function(html, url)
            times[name].append(time.perf_counter() - start)
            predictions[name][doc_id] = value
    return predictions, times


def _run_chunk(args: tuple[list[tuple[str, str, str]], tuple[str, ...]]) -> tuple[dict, dict]:
    pages, names = args
    return run(pages, {name: EXTRACTORS[name] for name in names})


def run_parallel(pages: list, names: tuple[str, ...], jobs: int) -> tuple[dict, dict]:
    """run() over worker processes; results merged in page order."""
    if jobs <= 1:
        return _run_chunk((pages, names))
    size = max(1, len(pages) // (jobs * 8))
    chunks = [(pages[i : i + size], names) for i in range(0, len(pages), size)]
    predictions: dict[str, dict] = {n: {} for n in names}
    times: dict[str, list[float]] = {n: [] for n in names}
    with ProcessPoolExecutor(jobs) as pool:
        for preds, spent in pool.map(_run_chunk, chunks):
            for n in names:
                predictions[n].update(preds[n])
                times[n].extend(spent[n])
    return predictions, times


def score_set(folder: Path, predictions: dict[str, Prediction]) -> dict[str, Any]:
    """Body rows (all, per source, per language with enough pages) and metadata rows."""
    scorer = load_scorer(folder)
    body_truth = {k: v for k, v in _truth(folder, "ground-truth.json").items() if k in predictions}
    meta_truth = {
        k: v for k, v in _truth(folder, "metadata-truth.json").items() if k in predictions
    }
    out: dict[str, Any] = {"body": [], "metadata": None}
    if hasattr(scorer, "body_report"):
        options = SimpleNamespace(shingle=4, bootstrap=0, seed=0)
        rows = scorer.body_report(body_truth, predictions, options)["rows"]
        out["body"] = [
            r for r in rows
            if not r["group"].startswith("lang=") or r["documents"] >= LANG_ROW_PAGES
        ]
    else:
        docs = [
            scorer.score_document(k, v.get("articleBody", ""), predictions[k].get("body", ""))
            for k, v in body_truth.items()
        ]
        out["body"] = [{"group": "all", "documents": len(docs), **scorer.aggregate(docs)}]
    if meta_truth and hasattr(scorer, "meta_report"):
        out["metadata"] = scorer.meta_report(meta_truth, predictions)["rows"][0]
    return out


def print_set(name: str, figures: dict[str, dict]) -> None:
    """One table per set: a row per group, a column block per extractor."""
    names = list(figures)
    print(f"\n== {name}: body F1 / precision / recall / empty ==")
    print(f"{'group':<24} {'docs':>5}  " + "  ".join(f"{n:<27}" for n in names))
    groups = [r["group"] for r in figures[names[0]]["body"]]
    for i, group in enumerate(groups):
        rows = [figures[n]["body"][i] for n in names]
        cells = [
            f"{r['f1']:.3f} {r['precision']:.3f} {r['recall']:.3f} {int(r['empty_predictions']):>5}"
            .ljust(27)
            for r in rows
        ]
        print(f"{group:<24} {rows[0]['documents']:>5}  " + "  ".join(cells))
    if figures[names[0]]["metadata"]:
        print(f"-- {name}: metadata (share right, n) --")
        for n in names:
            m = figures[n]["metadata"]
            cells = [
                f"{k}={m[k]:.3f} (n={m[k + '_n']})" if m[k] is not None else f"{k}=-"
                for k in ("title_exact", "authors_equal", "published_day", "published_instant")
            ]
            print(f"{n:<12} " + "  ".join(cells))
    print("-- median ms per page --")
    print("  ".join(f"{n}={figures[n]['median_ms']:.2f}" for n in names))


def main(argv: list[str] | None = None) -> int:
    """Run, score and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--sets", default="benchmark,dev", help="comma-separated: benchmark,dev")
    parser.add_argument("--limit", type=int, help="at most this many pages per set")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--out", type=Path, help="folder for the prediction files")
    parser.add_argument("--ours-only", action="store_true", help="skip trafilatura")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="extraction-benchmark-"))
    out.mkdir(parents=True, exist_ok=True)
    names = ("ours",) if args.ours_only else ("ours", "trafilatura")
    for name in names:  # warm imports and caches outside the timing
        EXTRACTORS[name]("<html><body><p>warm</p></body></html>", "https://example.com/a")

    report: dict[str, dict] = {}
    for set_name in args.sets.split(","):
        folder = args.shared / SETS[set_name]
        if not (folder / "ground-truth.json").exists():
            print(f"Error: no {set_name} set at {folder}", file=sys.stderr)
            return 1
        pages = load_pages(folder, args.limit)
        predictions, times = run_parallel(pages, names, args.jobs)
        report[set_name] = {}
        for name in names:
            path = out / f"{set_name}-{name}.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                for doc_id, value in predictions[name].items():
                    fh.write(json.dumps({"id": doc_id, **value}, ensure_ascii=False) + "\n")
            figures = score_set(folder, predictions[name])
            figures["median_ms"] = statistics.median(times[name]) * 1000
            figures["total_s"] = sum(times[name])
            report[set_name][name] = figures
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"predictions in {out}")
    for set_name, figures in report.items():
        print_set(set_name, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
