"""Re-extract the benchmark and golden pages and dump every field, to compare two versions.

``dump OUT`` reads the 181 pages of the shared extraction benchmark and the golden pages
under tests/golden with the code of ``--code DIR`` (default: this checkout) and writes one
JSON line per page: its id, every field read, ``is_article`` and the sorted links.
``compare A B`` prints how many fields differ between two dumps, field by field.

Example:
    .venv/bin/python tests/benchmarks/reextract_compare.py dump after.jsonl
    .venv/bin/python tests/benchmarks/reextract_compare.py dump --code ../main /tmp/before.jsonl
    .venv/bin/python tests/benchmarks/reextract_compare.py compare /tmp/before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BENCHMARK = ROOT.parent / "shared" / "extraction-benchmark"
# this folder's own modules (incremental.py) would shadow the libraries of the same name
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]


def _reader(code: Path, crawl: bool) -> Callable[[str, str, str | None], dict[str, Any]]:
    """A function (html, url, profile name) -> fields, from the code under `code`.

    With `crawl`, pages are read as the crawl reads them: a non-article's body left unread.
    """
    sys.path.insert(0, str(code))
    from crawler.profiles import load_profile
    from crawler.urls import site_of

    def sites(url: str) -> frozenset[str]:
        return frozenset({site_of(url)})

    try:
        from crawler.extraction import read_page
    except ImportError:  # the code before read_page: extract, then clean_item
        from crawler.extraction import clean_item, extract

        def read_old(html: str, url: str, profile_name: str | None) -> dict[str, Any]:
            profile = load_profile(profile_name) if profile_name else None
            fields = clean_item(extract(html, url, profile, sites(url), listing_body=not crawl),
                                profile)
            links = fields.pop("links")
            return {**fields, "links": vars(links)}

        return read_old

    def read_new(html: str, url: str, profile_name: str | None) -> dict[str, Any]:
        profile = load_profile(profile_name) if profile_name else None
        reading = read_page(html, url, profile, sites(url), listing_body=not crawl)
        return {**reading.article, "is_article": reading.is_article,
                "links": vars(reading.links)}

    return read_new


def pages(benchmark: Path, golden: Path) -> Iterator[tuple[str, str, str, str | None]]:
    """(id, url, html, profile name) of every benchmark and golden page."""
    from scrapy.http import HtmlResponse

    truth = json.loads((benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    for doc_id, record in truth.items():
        raw = gzip.decompress((benchmark / "html" / f"{doc_id}.html.gz").read_bytes())
        yield f"benchmark/{doc_id}", record.get("url", ""), raw.decode("utf-8", "replace"), None
    for path in sorted(golden.glob("*.html")):
        spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        headers = {"Content-Type": spec.get("content_type", "text/html")}
        html = HtmlResponse(spec["url"], body=path.read_bytes(), headers=headers).text
        yield f"golden/{path.stem}", spec["url"], html, spec.get("profile")


def dump(out: Path, code: Path, benchmark: Path, golden: Path, crawl: bool = False) -> int:
    """Write one JSON line of fields per page; the number of pages."""
    read = _reader(code, crawl)
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for page_id, url, html, profile in pages(benchmark, golden):
            fields = read(html, url, profile)
            f.write(json.dumps({"id": page_id, **fields}, ensure_ascii=False, sort_keys=True))
            f.write("\n")
            count += 1
    return count


def _load(path: Path) -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {row.pop("id"): row for row in rows}


def compare(before: Path, after: Path) -> Counter[str]:
    """The number of pages on which each field differs (a page missing counts as "page")."""
    old, new = _load(before), _load(after)
    differ: Counter[str] = Counter()
    for page_id in old.keys() | new.keys():
        if page_id not in old or page_id not in new:
            differ["page"] += 1
            continue
        for name in old[page_id].keys() | new[page_id].keys():
            if old[page_id].get(name) != new[page_id].get(name):
                differ[name] += 1
    return differ


def main(argv: list[str] | None = None) -> int:
    """Dump or compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("dump", help="write the fields of every page as JSON lines")
    run.add_argument("out", type=Path)
    run.add_argument("--code", type=Path, default=ROOT, help="checkout whose code reads")
    run.add_argument("--benchmark", type=Path, default=DEFAULT_BENCHMARK)
    run.add_argument("--golden", type=Path, default=ROOT / "tests" / "golden")
    run.add_argument("--crawl", action="store_true",
                     help="read as the crawl does: no body for pages that are no article")
    diff = commands.add_parser("compare", help="count differing fields of two dumps")
    diff.add_argument("before", type=Path)
    diff.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        if not (args.benchmark / "ground-truth.json").exists():
            print(f"Error: no benchmark at {args.benchmark}", file=sys.stderr)
            return 1
        count = dump(args.out, args.code.resolve(), args.benchmark, args.golden, args.crawl)
        print(f"{count} pages written to {args.out}")
        return 0
    differ = compare(args.before, args.after)
    for name, count in sorted(differ.items()):
        print(f"{name:<12} {count:>5} pages differ")
    print(f"total        {sum(differ.values()):>5} differing fields")
    return 0


if __name__ == "__main__":
    sys.exit(main())
