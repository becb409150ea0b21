"""Ranking benchmark: does re-ranking with the editor model beat relevance alone? An offline simulation.

    python benchmarks/ranking.py --labels benchmarks/data/relevance_sample.jsonl [--folds 5] [--repeats 10]
        [--weight 6] [--base relevance|rank] [--holdout benchmarks/data/relevance_holdout.jsonl]
        [--ablate] [--json]

The editor is simulated by the labels: ``hit`` = accepted, ``miss`` = rejected. The labelled file is
shuffled (seed = repeat number) and dealt into ``--folds`` folds, each standing for a week; each fold is
ranked, with a model trained on the other folds' labels, by (a) the base (relevance score), (b)
``rerank_score`` of base and accept probability, (c) the accept probability alone (what the model learnt
without the lexicon). Ties keep the shuffled order, so no ranking profits from the file's order. Figures
are means over folds and repeats. ``--base rank``: (a) is ``pipeline.desk.ranking.rank_score`` (relevance
saturated, plus scope; no reprints here), what the candidate list is ordered by, and (b) blends with that.
``--holdout`` also trains on the whole labelled file and ranks the holdout file once.

``--ablate``, a constructed harder case: the same cross-validation with relevance built without one lexicon
category at a time (rules unchanged), as if the editor accepted a topic the lexicon does not know yet; the
editor model then tokenises with that weaker lexicon too. It shows whether the blend recovers what the
lexicon misses, not how often that happens.

What it cannot show: the labels say health IT or not, not what the editor picked among the hits, so there
is no honest measure of ranking within the hits; and it counts how many decisions a real editor, who sees
only flagged candidates, would have produced here.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from pipeline.config import RelevanceSettings
from pipeline.desk.editor_model import Tokenizer, editor_tokenizer, train_editor_model
from pipeline.desk.ranking import rerank_score
from pipeline.stages.relevance import RelevanceModel, load_relevance, score_fields
from pipeline.stages.relevance.model import DEFAULT_RULES, builtin_lexicon, lexicon_categories
from pipeline.stages.relevance.rules import read_rules

RANKINGS = ("base", "blend", "model")
MEASURES = ("p@5", "p@10", "ap", "ndcg")


def read_labels(path: Path) -> list[dict]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if any(item.get("label") not in ("hit", "miss") for item in items):
        sys.exit(f"{path}: every label must be hit or miss")
    return items


def measures(ranked_hits: Sequence[bool]) -> dict[str, float]:
    """Precision at 5 and 10, average precision and NDCG (binary gains) of a ranked list of labels."""
    found, precisions = 0, []
    for rank, hit in enumerate(ranked_hits, start=1):
        if hit:
            found += 1
            precisions.append(found / rank)
    dcg = sum(1 / math.log2(rank + 1) for rank, hit in enumerate(ranked_hits, start=1) if hit)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, found + 1))
    return {
        "p@5": sum(ranked_hits[:5]) / min(5, len(ranked_hits)),
        "p@10": sum(ranked_hits[:10]) / min(10, len(ranked_hits)),
        "ap": sum(precisions) / found if found else 0.0,
        "ndcg": dcg / ideal if ideal else 0.0,
    }


def rank_fold(train: list[dict], test: list[dict], tokens: Tokenizer, weight: float) -> dict | None:
    """Each ranking's measures on ``test`` with a model trained on ``train``; None if no model was trained."""
    decisions = [(i["title"], i.get("text", ""), i.get("media", ""), i["label"] == "hit") for i in train]
    model = train_editor_model(decisions, tokens)
    if model is None:
        return None
    probability = model.accept_probabilities(
        [(i["title"], i.get("text", ""), i.get("media", "")) for i in test]
    )
    keys: dict[str, Callable[[int], float]] = {
        "base": lambda n: test[n]["score"],
        "blend": lambda n: rerank_score(test[n]["score"], probability[n], weight),
        "model": lambda n: probability[n],
    }
    return {
        name: measures([test[n]["label"] == "hit" for n in sorted(range(len(test)), key=lambda n: -key(n))])
        for name, key in keys.items()
    }


def cross_validate(items: list[dict], tokens: Tokenizer, folds: int, repeats: int, weight: float) -> dict:
    results, skipped = [], 0
    for seed in range(repeats):
        order = items[:]
        random.Random(seed).shuffle(order)
        for fold in range(folds):
            test = order[fold::folds]
            train = [item for n, item in enumerate(order) if n % folds != fold]
            result = rank_fold(train, test, tokens, weight)
            skipped += result is None
            results.extend([result] if result else [])
    return {"folds": len(results), "skipped": skipped, **average(results)}


def average(results: list[dict]) -> dict:
    return {
        name: {m: round(sum(r[name][m] for r in results) / len(results), 4) for m in MEASURES}
        for name in RANKINGS
    }


def with_scores(items: list[dict], model: RelevanceModel, base: str = "relevance") -> list[dict]:
    """Each item with ``flagged``, ``matched`` and ``score``: its relevance, or its rank score if asked."""
    scored = [
        item | score_fields(item["title"], item.get("text", ""), item.get("media"), model) for item in items
    ]
    if base == "rank":
        from pipeline.desk.ranking import (
            rank_score,  # the candidate list's order; imported only when asked for
        )

        scored = [i | {"score": rank_score(i["score"], i["title"], i.get("text", ""), 0)} for i in scored]
    return scored


def without_category(settings: RelevanceSettings, category: str) -> RelevanceModel:
    """The built-in relevance model less one lexicon category; rules naming it see an empty category."""
    full = builtin_lexicon()
    lexicon = tuple(term for term in full if term.category != category)
    categories = {name: frozenset[str]() for name in lexicon_categories(full)} | lexicon_categories(lexicon)
    rules = read_rules(DEFAULT_RULES, categories)
    return RelevanceModel(lexicon, rules, settings.threshold, settings.title_weight)


def ablations(items: list[dict], settings: RelevanceSettings, args: argparse.Namespace) -> dict[str, dict]:
    """Per scoring category: hits no longer flagged, and the cross-validation with the weaker lexicon."""
    report = {}
    for category in sorted({t.category for t in builtin_lexicon() if t.weight > 0}):
        model = without_category(settings, category)
        scored = with_scores(items, model, args.base)
        lost = sum(
            a["label"] == "hit" and a["flagged"] and not b["flagged"]
            for a, b in zip(items, scored, strict=True)
        )
        tokens = cache(editor_tokenizer(model))
        report[category] = {"unflagged_hits": lost} | cross_validate(
            scored, tokens, args.folds, args.repeats, args.weight
        )
    return report


def flagged_decisions(items: list[dict]) -> dict[str, int]:
    """What a real editor would have decided here: only flagged items reach the candidate list."""
    flagged = [item for item in items if item["flagged"]]
    return {
        "accepted": sum(i["label"] == "hit" for i in flagged),
        "rejected": sum(i["label"] == "miss" for i in flagged),
    }


def print_table(title: str, report: dict) -> None:
    print(title)
    print(f"  {'':>6}  {'base':>9}  {'blend':>7}  {'diff':>7}  {'model':>7}")
    for m in MEASURES:
        base, blend, alone = (report[name][m] for name in RANKINGS)
        print(f"  {m:>6}  {base:9.4f}  {blend:7.4f}  {blend - base:+7.4f}  {alone:7.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=10, help="reshuffles of the folds (seeds 0..N-1)")
    parser.add_argument("--weight", type=float, default=6.0, help="relevance.editor_weight")
    parser.add_argument("--base", choices=("relevance", "rank"), default="relevance", help="ranking (a)")
    parser.add_argument("--holdout", type=Path, help="also train on all labels and rank this file")
    parser.add_argument("--ablate", action="store_true", help="also rank with one lexicon category removed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = RelevanceSettings()
    relevance = load_relevance(settings)
    items = with_scores(read_labels(args.labels), relevance, args.base)
    tokens = cache(editor_tokenizer(relevance))  # every fold tokenises the same texts again
    report = {
        "articles": len(items),
        "hits": sum(i["label"] == "hit" for i in items),
        "weight": args.weight,
        "base": args.base,
        "cross_validation": cross_validate(items, tokens, args.folds, args.repeats, args.weight),
        "if_editor_saw_flagged_only": flagged_decisions(items),
    }
    if args.holdout:
        holdout = with_scores(read_labels(args.holdout), relevance, args.base)
        report["holdout"] = rank_fold(items, holdout, tokens, args.weight) | {"articles": len(holdout)}
    if args.ablate:
        report["ablations"] = ablations(items, settings, args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    show(report, args)


def show(report: dict, args: argparse.Namespace) -> None:
    cv = report["cross_validation"]
    articles, hits, base, weight = (report[key] for key in ("articles", "hits", "base", "weight"))
    print(f"{articles} articles, {hits} hits, base {base}, editor_weight {weight}")
    print_table(
        f"{args.folds}-fold x {args.repeats}: {cv['folds']} folds ranked ({cv['skipped']} no model)", cv
    )
    if "holdout" in report:
        print_table(
            f"trained on {args.labels.name}, ranking {args.holdout.name} ({report['holdout']['articles']})",
            report["holdout"],
        )
    if "ablations" in report:
        show_ablations(report["ablations"])
    seen = report["if_editor_saw_flagged_only"]
    print(f"flagged candidates only: {seen['accepted']} would be accepted, {seen['rejected']} rejected")


def show_ablations(ablated: dict[str, dict]) -> None:
    print("without one lexicon category: AP and p@10, base -> blend")
    for category, cv in ablated.items():
        base, blend = cv["base"], cv["blend"]
        print(
            f"  {category}: {cv['unflagged_hits']} hits unflagged;"
            f" ap {base['ap']:.4f} -> {blend['ap']:.4f} ({blend['ap'] - base['ap']:+.4f});"
            f" p@10 {base['p@10']:.3f} -> {blend['p@10']:.3f}"
        )


if __name__ == "__main__":
    main()
