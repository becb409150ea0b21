#!/usr/bin/env python3
"""Compare hitmon's extraction with trafilatura and GNE on a corpus in the shared format.

    python benchmarks/extraction.py --corpus /work/shared/corpus [--repeat 3] [--only hitmon] [--dump DIR]

The corpus directory holds ``manifest.json``, ``pages/<id>.html`` and ``score.py``; scoring uses the
corpus's own ``score.py`` (imported at run time), so every extractor is measured the same way.
Timing interleaves the extractors page by page so that load from other processes hits them alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import DropArticle
from pipeline.record import ArticleRecord
from pipeline.stages.extract import decode_html, extract_article
from pipeline.stages.extract.dates import PAGE_ZONE

Prediction = dict[str, str | None]
COLUMNS = ("pages", "body_f1", "title", "date", "media")


def hitmon(page: dict, body: bytes) -> Prediction:
    record = ArticleRecord(
        url=page.get("url") or "", source="benchmark", fetched_at=datetime.now(UTC), html=body
    )
    try:
        out = extract_article(record)
    except DropArticle as drop:
        return {"text": "", "error": f"{drop.reason}: {drop}"}
    # Shown in the pages' own zone, as the bulletin prints it: the scorer reads the first calendar date.
    published = out.published_at.astimezone(PAGE_ZONE).isoformat() if out.published_at else None
    return {
        "title": out.title,
        "text": out.text,
        "published_at": published,
        "media": out.media,
        "author": out.author,
    }


def trafilatura_defaults(page: dict, body: bytes) -> Prediction:
    import trafilatura

    # Defaults, plus with_metadata so that title/date/site name exist to be scored. It gets the page decoded
    # like GNE does: its own decoding garbles several GBK pages (body F1 0.845 instead of 0.903).
    document = trafilatura.bare_extraction(decode_html(body), url=page.get("url") or None, with_metadata=True)
    if document is None:
        return {"text": ""}
    return {
        "title": document.title,
        "text": document.text,
        "published_at": document.date,
        "media": document.sitename,
        "author": document.author,
    }


def gne(page: dict, body: bytes) -> Prediction:
    from gne import GeneralNewsExtractor

    try:
        found = GeneralNewsExtractor().extract(decode_html(body))
    except Exception as error:  # GNE raises on pages it cannot read; count it as an empty prediction
        return {"text": "", "error": repr(error)}
    return {
        "title": found.get("title"),
        "text": found.get("content"),
        "published_at": found.get("publish_time"),
        "author": found.get("author"),
    }


EXTRACTORS: dict[str, Callable[[dict, bytes], Prediction]] = {
    "hitmon": hitmon,
    "trafilatura": trafilatura_defaults,
    "gne": gne,
}


def load_score_module(corpus: Path):
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(corpus: Path, names: list[str], repeat: int) -> tuple[dict, dict, dict]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    predictions = {name: {} for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for page in manifest:
        body = (corpus / "pages" / f"{page['id']}.html").read_bytes()
        for name in names:
            started = time.perf_counter()
            for _ in range(repeat):
                predictions[name][page["id"]] = EXTRACTORS[name](page, body)
            seconds[name] += (time.perf_counter() - started) / repeat
    return manifest, predictions, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument(
        "--only", action="append", choices=sorted(EXTRACTORS), help="run only these extractors"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per page, for steadier timings")
    parser.add_argument("--dump", type=Path, help="write each extractor's predictions as DIR/<name>.jsonl")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # trafilatura and GNE log every discarded page
    names = args.only or list(EXTRACTORS)
    scorer = load_score_module(args.corpus)
    manifest, predictions, seconds = run(args.corpus, names, max(1, args.repeat))
    pages = len(manifest)
    for name in names:
        result = scorer.score(manifest, predictions[name])
        print(f"\n{name}: {1000 * seconds[name] / pages:.1f} ms/page")
        print("kind".ljust(8) + "".join(column.rjust(9) for column in COLUMNS))
        for kind in sorted(result, key=lambda kind: (kind != "all", kind)):
            print(kind.ljust(8) + "".join(str(result[kind].get(column, "-")).rjust(9) for column in COLUMNS))
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            rows = ({"id": pid, **row} for pid, row in predictions[name].items())
            text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            (args.dump / f"{name}.jsonl").write_text(text, encoding="utf-8")
    if "hitmon" in seconds and seconds.get("trafilatura"):
        print(f"\ntime ratio hitmon/trafilatura: {seconds['hitmon'] / seconds['trafilatura']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
