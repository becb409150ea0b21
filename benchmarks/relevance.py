"""Relevance benchmark: precision, recall and F1 of ``flagged``, precision@10 of the ranking, ms per article.

    python benchmarks/relevance.py --labels benchmarks/data/relevance_sample.jsonl [--errors] [--json]

FILE.jsonl holds one ``{title, text, media, label}`` object per line, label ``hit`` (health IT) or ``miss``.
benchmarks/data/relevance_sample.jsonl is the project's own sample (written first; the lexicon was checked
against it); relevance_holdout.jsonl was written later, before its first run, to see how far the lexicon
generalises. Both are short news written for hitmon; the real check is on held-back real articles.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipeline.config import RelevanceSettings
from pipeline.stages.relevance import load_relevance, score_fields

TOP = 10


def read_labels(path: Path) -> list[dict]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            if item.get("label") not in ("hit", "miss"):
                sys.exit(f"{path}:{number}: label must be hit or miss")
            items.append(item)
    return items


def measure(items: list[dict], settings: RelevanceSettings, repeat: int) -> dict:
    model = load_relevance(settings)
    started = time.perf_counter()
    for _ in range(repeat):
        results = [score_fields(i["title"], i.get("text", ""), i.get("media"), model) for i in items]
    elapsed = (time.perf_counter() - started) / repeat
    hits = [item["label"] == "hit" for item in items]
    flagged = [result["flagged"] for result in results]
    true_pos = sum(h and f for h, f in zip(hits, flagged, strict=True))
    precision = true_pos / sum(flagged) if any(flagged) else 0.0
    recall = true_pos / sum(hits) if any(hits) else 0.0
    ranking = sorted(range(len(items)), key=lambda i: -results[i]["score"])
    chars = sum(len(item["title"]) + len(item.get("text", "")) for item in items)
    return {
        "articles": len(items),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if true_pos else 0.0,
        "precision_at_10": round(sum(hits[i] for i in ranking[:TOP]) / min(TOP, len(items)), 3),
        "ms_per_article": round(elapsed * 1000 / len(items), 3),
        "ms_per_kchar": round(elapsed * 1000 / chars * 1000, 3),
        "errors": [
            {
                "label": item["label"],
                "score": result["score"],
                "title": item["title"],
                "matched": result["matched"],
            }
            for item, result in zip(items, results, strict=True)
            if result["flagged"] != (item["label"] == "hit")
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=RelevanceSettings().threshold)
    parser.add_argument("--repeat", type=int, default=5, help="timing passes over the file")
    parser.add_argument("--errors", action="store_true", help="list the misclassified articles")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure(read_labels(args.labels), RelevanceSettings(threshold=args.threshold), args.repeat)
    errors = report.pop("errors")
    if args.json:
        print(json.dumps(report | ({"errors": errors} if args.errors else {}), ensure_ascii=False))
        return
    for name, value in report.items():
        print(f"{name:>16}: {value}")
    if args.errors:
        for error in errors:
            print(f"  {error['label']:<4} {error['score']:7.2f}  {error['title']}  {error['matched']}")


if __name__ == "__main__":
    main()
