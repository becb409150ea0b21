"""Ranking benchmark: simulated weeks of 50 real labelled items, 2 of them hits, ranked as the week is.

    python benchmarks/ranking.py --labels ../shared/relevance/items.jsonl [--weeks 2000] [--cache F.npz]

Each item's learned probability is out of fold, leave one source out (benchmarks/relevance.py), so no week
is ranked by a model that saw its items' source. Ranked (a) as before, by ``rank_score`` of the stage-1
score (saturated relevance + scope), and (b) by ``rank_score`` with the probability (scope and reach only
among confident items); reprints are unknown here (0). Reports how often a hit is first, and how often both
hits are in the top 5 and top 3. Ties keep a random order.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.config import RelevanceSettings
from pipeline.desk.ranking import rank_score
from pipeline.stages.relevance import explain_fields, load_relevance
from pipeline.stages.relevance.training import LabelledItem, featurise, read_labelled

WEEK, HITS_PER_WEEK = 50, 2


def simulate(items: Sequence[LabelledItem], keys: dict[str, Sequence[float]], weeks: int) -> dict[str, dict]:
    hits = [i for i, item in enumerate(items) if item.hit]
    misses = [i for i, item in enumerate(items) if not item.hit]
    counts = {name: {"hit first": 0, "both in top 5": 0, "both in top 3": 0} for name in keys}
    for seed in range(weeks):
        rng = random.Random(seed)
        week = rng.sample(hits, HITS_PER_WEEK) + rng.sample(misses, WEEK - HITS_PER_WEEK)
        rng.shuffle(week)
        for name, key in keys.items():
            ranked = sorted(week, key=lambda i, key=key: -key[i])  # stable: ties keep the shuffled order
            positions = [ranked.index(i) for i in week if items[i].hit]
            counts[name]["hit first"] += min(positions) == 0
            counts[name]["both in top 5"] += max(positions) < 5
            counts[name]["both in top 3"] += max(positions) < 3
    return {name: {k: round(v / weeks, 3) for k, v in c.items()} for name, c in counts.items()}


def run(labels: Sequence[Path], cache: Path | None, weeks: int) -> dict[str, dict]:
    from relevance import source_cv  # benchmarks/relevance.py, beside this script

    settings = RelevanceSettings(learned=False)
    stage1_model = load_relevance(settings)
    items = [item for path in labels for item in read_labelled(path)]
    embeddings, stage1 = featurise(items, stage1_model, cache)
    hits = np.array([item.hit for item in items])
    probability, _ = source_cv(np.hstack([embeddings, stage1]), hits, [item.group for item in items])
    scores = [explain_fields(i.title, i.text, i.media, stage1_model).total for i in items]
    before = [rank_score(s, i.title, i.text, 0) for s, i in zip(scores, items, strict=True)]
    learned = [
        rank_score(s, i.title, i.text, 0, float(p))
        for s, i, p in zip(scores, items, probability, strict=True)
    ]
    keys = {
        "stage 1 rank_score": before,
        "learned rank_score": learned,
        "probability alone": list(probability),
    }
    return simulate(items, keys, weeks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, action="append", required=True)
    parser.add_argument("--weeks", type=int, default=2000)
    parser.add_argument("--cache", type=Path, help="embeddings kept between runs (.npz)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.labels, args.cache, args.weeks)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for name, figures in report.items():
        print(f"{name:<22} " + "  ".join(f"{key} {value:.3f}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
