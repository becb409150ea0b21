"""Relevance benchmark: both stages, cross-validated leave one source out, so the figure says how hitmon does
on a source it has never seen.

    python benchmarks/relevance.py --labels ../shared/relevance/items.jsonl \\
        [--own benchmarks/data/relevance_sample.jsonl --own benchmarks/data/relevance_holdout.jsonl] \\
        [--cache /tmp/hitmon-embeddings.npz] [--json]

``--labels``: JSONL items ``{title, text, media, label, origin_repo}`` (label hit, or health/it/other/miss).
Every source (``origin_repo``) is predicted by a model fitted on the other sources, flagging at a threshold
that inner leave-one-source-out folds of those other sources chose for recall >= 0.95 (never the test
source's own labels); items stage 1 does not let through (pipeline.stages.relevance.verdict) get probability 0
and are not flagged, as in hitmon. Printed: precision, recall, F1 and average precision overall, per
source, per label (share flagged), and title-only against full-text items; stage 1 alone (the lexicon
and rules at ``relevance.threshold``) beside it. ``--own``: the project's own samples, scored by the model
fitted on all of ``--labels``, reported apart (written by the project: they are no real-world check).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.config import RelevanceSettings
from pipeline.stages.relevance import RelevanceModel, load_relevance
from pipeline.stages.relevance.training import (
    REGULARISATION,
    LabelledItem,
    featurise,
    fit_weights,
    grouped_folds,
    out_of_fold,
    predict,
    read_labelled,
    recall_threshold,
)


def metrics(hits: np.ndarray, flagged: np.ndarray, scores: np.ndarray) -> dict[str, float | int]:
    true_pos = int((hits & flagged).sum())
    precision = true_pos / flagged.sum() if flagged.any() else 0.0
    recall = true_pos / hits.sum() if hits.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if true_pos else 0.0
    return {
        "items": len(hits),
        "hits": int(hits.sum()),
        "precision": round(float(precision), 3),
        "recall": round(float(recall), 3),
        "f1": round(float(f1), 3),
        "ap": round(average_precision(hits, scores), 3),
    }


def average_precision(hits: np.ndarray, scores: np.ndarray) -> float:
    """Mean of the precision at each hit's rank, ties broken against the hits (as ../score.py does)."""
    if not hits.any():
        return float("nan")
    order = np.lexsort((hits, -scores))
    ranked = hits[order]
    precision_at = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    return float(precision_at[ranked].mean())


def source_cv(features: np.ndarray, hits: np.ndarray, groups: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probability and flag of every item, one fold per source, thresholds from inner folds."""
    names = np.asarray(groups)
    probability, flagged = np.zeros(len(hits)), np.zeros(len(hits), dtype=bool)
    weights = np.ones(len(hits))
    for test in grouped_folds(groups, hits):
        train = np.setdiff1d(np.arange(len(hits)), test)
        inner = grouped_folds(names[train].tolist(), hits[train])
        inner_probability = out_of_fold(features[train], hits[train], weights[train], inner, REGULARISATION)
        threshold = recall_threshold(inner_probability, hits[train])
        coef, intercept = fit_weights(features[train], hits[train], weights[train])
        probability[test] = predict(features[test], coef, intercept)
        flagged[test] = probability[test] >= threshold
    return probability, flagged


def report(
    items: Sequence[LabelledItem], probability: np.ndarray, flagged: np.ndarray, stage1: np.ndarray
) -> dict:
    hits = np.array([item.hit for item in items])
    stage1_flagged, stage1_score = stage1[:, 0], stage1[:, 1]
    title_only = np.array([not item.text.strip() for item in items])
    parts = {"all": np.ones(len(items), dtype=bool), "title only": title_only, "full text": ~title_only}
    parts |= {
        f"source {name}": np.array([i.group == name for i in items])
        for name in sorted({i.group for i in items})
    }
    result = {
        name: {
            "stage 2": metrics(hits[mask], flagged[mask], probability[mask]),
            "stage 1": metrics(hits[mask], stage1_flagged[mask] > 0, stage1_score[mask]),
        }
        for name, mask in parts.items()
        if mask.any()
    }
    labels = np.array([item.label for item in items])
    result["share flagged by label"] = {
        label: round(float(flagged[labels == label].mean()), 3) for label in sorted(set(labels.tolist()))
    }
    return result


def survivors(items: Sequence[LabelledItem], model: RelevanceModel) -> np.ndarray:
    """Whether stage 1 lets each item through to stage 2 (the rest get probability 0)."""
    from pipeline.stages.relevance.scoring import explain_document
    from pipeline.stages.relevance.verdict import _document, _survives

    docs = [_document(item.title, item.text, item.media, model) for item in items]
    return np.array([_survives(doc, explain_document(doc, model)) for doc in docs])


def stage1_columns(items: Sequence[LabelledItem], settings: RelevanceSettings) -> np.ndarray:
    from pipeline.stages.relevance import explain_fields

    model = load_relevance(settings.model_copy(update={"learned": False}))
    explained = [explain_fields(item.title, item.text, item.media, model) for item in items]
    return np.array([[float(e.flagged), e.total] for e in explained])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, action="append", required=True)
    parser.add_argument("--own", type=Path, action="append", default=[], help="the project's own samples")
    parser.add_argument("--cache", type=Path, help="embeddings kept between runs (.npz)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = RelevanceSettings()
    stage1_model = load_relevance(settings.model_copy(update={"learned": False}))
    items = [item for path in args.labels for item in read_labelled(path)]
    started = time.perf_counter()
    embeddings, stage1 = featurise(items, stage1_model, args.cache)
    features = np.hstack([embeddings, stage1])
    hits = np.array([item.hit for item in items])
    probability, flagged = source_cv(features, hits, [item.group for item in items])
    gate = survivors(
        items, stage1_model
    )  # what stage 1 lets through to stage 2 (pipeline.stages.relevance.verdict)
    probability, flagged = np.where(gate, probability, 0.0), flagged & gate
    result = {"leave one source out": report(items, probability, flagged, stage1_columns(items, settings))}
    if args.own:
        coef, intercept = fit_weights(features, hits, np.ones(len(hits)))
        threshold = recall_threshold(
            out_of_fold(
                features,
                hits,
                np.ones(len(hits)),
                grouped_folds([i.group for i in items], hits),
                REGULARISATION,
            ),
            hits,
        )
        own = [item for path in args.own for item in read_labelled(path)]
        own_embeddings, own_stage1 = featurise(own, stage1_model, args.cache)
        own_gate = survivors(own, stage1_model)
        own_probability = np.where(
            own_gate, predict(np.hstack([own_embeddings, own_stage1]), coef, intercept), 0
        )
        own_report = report(own, own_probability, own_probability >= threshold, stage1_columns(own, settings))
        result["own samples (trained on all --labels)"] = own_report
    result["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print_report(result)


def print_report(result: dict) -> None:
    for section, body in result.items():
        if not isinstance(body, dict):
            print(f"{section}: {body}")
            continue
        print(f"== {section}")
        for name, value in body.items():
            if "stage 2" in value:
                two, one = value["stage 2"], value["stage 1"]
                print(
                    f"  {name:<42} n={two['items']:>5} hits={two['hits']:>4}  "
                    f"P {two['precision']:.3f} R {two['recall']:.3f} F1 {two['f1']:.3f} AP {two['ap']:.3f}"
                    f"   | stage 1: P {one['precision']:.3f} R {one['recall']:.3f} AP {one['ap']:.3f}"
                )
            else:
                print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
