"""Fitting stage 2 (``pipeline.stages.relevance.learned``) on labelled items, cross-validated by source.

The threshold is the one that would have kept recall >= ``target_recall`` on sources the model had not
seen: every group (an origin source) is predicted by a model fitted on the others, and the threshold is
taken from those out-of-fold probabilities. Never set by hand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.errors import InputError
from pipeline.stages.relevance.document import Document
from pipeline.stages.relevance.embedding import EMBEDDER_NAME, embedding_text
from pipeline.stages.relevance.learned import LearnedModel, stage1_features
from pipeline.stages.relevance.scoring import explain_document

if TYPE_CHECKING:
    from pipeline.stages.relevance.model import RelevanceModel

HIT_LABELS = ("hit", "accepted")
MISS_LABELS = ("miss", "health", "it", "other", "rejected")
TARGET_RECALL = 0.95
REGULARISATION = 10.0  # C of the logistic regression: best of 1, 10, 100 by source CV on ../shared/relevance
MIN_GROUPS = 3  # fewer sources than this: the folds are 5 random ones instead


@dataclass(frozen=True, slots=True)
class LabelledItem:
    title: str
    text: str
    media: str
    hit: bool
    group: str  # the origin source: never split across folds
    weight: float = 1.0  # an editor's decision counts more than a general label
    label: str = ""


def read_labelled(path: Path, weight: float = 1.0) -> list[LabelledItem]:
    """JSONL lines ``{title, text, media, label, origin_repo?}``; label hit/accepted or
    miss/health/it/other/rejected. InputError (file, line, field) on the first bad line."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            items.append(_labelled(path, number, line, weight))
    if not items:
        raise InputError(path, "no labelled items")
    return items


def _labelled(path: Path, number: int, line: str, weight: float) -> LabelledItem:
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise InputError(path, f"not JSON: {exc}", line=number) from None
    if not isinstance(item, dict):
        raise InputError(path, "expected a JSON object", line=number)
    label = item.get("label")
    if label not in HIT_LABELS + MISS_LABELS:
        raise InputError(
            path, f"{label!r} is none of {', '.join(HIT_LABELS + MISS_LABELS)}", line=number, field="label"
        )
    if not str(item.get("title") or "").strip():
        raise InputError(path, "empty", line=number, field="title")
    return LabelledItem(
        title=str(item["title"]),
        text=str(item.get("text") or ""),
        media=str(item.get("media") or ""),
        hit=label in HIT_LABELS,
        group=str(item.get("origin_repo") or path.name),
        weight=weight,
        label=label,
    )


def fit_weights(
    features: np.ndarray, hits: np.ndarray, weights: np.ndarray, c: float = REGULARISATION
) -> tuple[np.ndarray, float]:
    """Logistic regression, hits and misses weighing the same in total (hits are the rare class)."""
    from sklearn.linear_model import LogisticRegression  # only training needs scikit-learn

    balance = np.where(hits, len(hits) / (2 * max(hits.sum(), 1)), len(hits) / (2 * max((~hits).sum(), 1)))
    classifier = LogisticRegression(C=c, solver="lbfgs", max_iter=3000)
    classifier.fit(features, hits, sample_weight=weights * balance)
    return classifier.coef_[0].astype(np.float32), float(classifier.intercept_[0])


def predict(features: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(features @ coef + intercept)))


def grouped_folds(groups: Sequence[str], hits: np.ndarray, seed: int = 0) -> list[np.ndarray]:
    """Test indices of each fold: one per source (leave one source out), or 5 random folds when there are
    fewer than MIN_GROUPS sources with hits."""
    names = np.asarray(groups)
    with_hits = {name for name, hit in zip(names, hits, strict=True) if hit}
    if len(with_hits) >= MIN_GROUPS:
        return [np.flatnonzero(names == name) for name in dict.fromkeys(names)]
    order = np.random.default_rng(seed).permutation(len(names))
    return [order[i::5] for i in range(5)]


def out_of_fold(
    features: np.ndarray, hits: np.ndarray, weights: np.ndarray, folds: list[np.ndarray], c: float
) -> np.ndarray:
    """Each item's probability from a model fitted without its fold (NaN where the rest has one class)."""
    probabilities = np.full(len(hits), np.nan)
    for test in folds:
        train = np.setdiff1d(np.arange(len(hits)), test)
        if len(set(hits[train].tolist())) < 2:
            continue
        coef, intercept = fit_weights(features[train], hits[train], weights[train], c)
        probabilities[test] = predict(features[test], coef, intercept)
    return probabilities


def recall_threshold(probabilities: np.ndarray, hits: np.ndarray, recall: float = TARGET_RECALL) -> float:
    """The highest threshold keeping ``recall`` of the hits at or above it."""
    known = ~np.isnan(probabilities)
    positives = np.sort(probabilities[known & hits])[::-1]
    if not len(positives):
        return 0.5
    return float(positives[max(int(np.ceil(recall * len(positives))) - 1, 0)])


def choose_threshold(
    features: np.ndarray, hits: np.ndarray, weights: np.ndarray, groups: Sequence[str], c: float
) -> float:
    folds = grouped_folds(groups, hits)
    return recall_threshold(out_of_fold(features, hits, weights, folds, c), hits)


def train_learned(
    features: np.ndarray,
    hits: np.ndarray,
    weights: np.ndarray,
    groups: Sequence[str],
    embedder: str,
    *,
    signals: tuple[str, ...] = (),
    c: float = REGULARISATION,
    trained: dict[str, object] | None = None,
) -> LearnedModel:
    """The model fitted on everything, flagging at the threshold grouped cross-validation chose."""
    if len(set(hits.tolist())) < 2:
        raise ValueError("training needs both hits and misses")
    threshold = choose_threshold(features, hits, weights, groups, c)
    coef, intercept = fit_weights(features, hits, weights, c)
    return LearnedModel(
        embedder, coef, intercept, round(threshold, 6), signals=signals, trained=trained or {}
    )


def embed_cached(
    texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray], cache: Path | None
) -> np.ndarray:
    """``embed(texts)``, reusing and extending the vectors kept in ``cache`` (an .npz keyed by a hash of each
    text and the embedding model, so vectors of another model are never reused): embedding a few thousand
    articles takes minutes, retraining should not."""
    keys = [hashlib.sha1(f"{EMBEDDER_NAME}\n{text}".encode()).hexdigest() for text in texts]
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        fresh = embed([texts[i] for i in missing])
        known.update((keys[i], row) for i, row in zip(missing, fresh, strict=True))
        if cache is not None:
            with cache.open("wb") as out:
                np.savez(out, keys=np.array(list(known)), vectors=np.array(list(known.values())))
    return np.array([known[key] for key in keys], dtype=np.float32)


def featurise(
    items: Sequence[LabelledItem], model: RelevanceModel, cache: Path | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings of the title, and the stage-1 features (title signals included), of each item."""
    stage1 = np.array(
        [stage1_features(explain_document(_document(item, model), model)) for item in items],
        dtype=np.float32,
    )
    texts = [embedding_text(item.title, item.text) for item in items]
    return embed_cached(texts, model.embedder.embed_texts, cache), stage1


def train_on(
    items: Sequence[LabelledItem],
    model: RelevanceModel,
    *,
    references: Sequence[LabelledItem] = (),
    cache: Path | None = None,
    c: float = REGULARISATION,
) -> LearnedModel:
    """Stage 2 fitted on ``items``; ``references`` (among them, the project's own or the editor's) are kept
    with their titles for ``nearest``."""
    embeddings, stage1 = featurise(items, model, cache)
    features = np.hstack([embeddings, stage1])
    hits = np.array([item.hit for item in items])
    weights = np.array([item.weight for item in items], dtype=np.float64)
    groups = [item.group for item in items]
    trained = {
        "items": len(items),
        "hits": int(hits.sum()),
        "groups": sorted(set(groups)),
        "regularisation": c,
        "target_recall": TARGET_RECALL,
    }
    fitted = train_learned(
        features, hits, weights, groups, EMBEDDER_NAME, signals=model.signals.names, c=c, trained=trained
    )
    keep = set(map(id, references))
    chosen = [i for i, item in enumerate(items) if id(item) in keep]
    return replace(
        fitted,
        ref_embeddings=embeddings[chosen].astype(np.float16),
        ref_titles=tuple(items[i].title for i in chosen),
        ref_labels=tuple(items[i].label for i in chosen),
    )


# How firmly the editor's decisions are held to the shipped weights: an L2 pull on the difference, per unit
# of decision weight. Strong enough that twenty decisions nudge the ranking rather than replace the model.
ANCHOR_STRENGTH = 1.0


def retrain(
    base: LearnedModel,
    features: np.ndarray,
    hits: np.ndarray,
    weights: np.ndarray,
    group: str,
    references: tuple[np.ndarray, Sequence[str], Sequence[str]],
    trained: dict[str, object],
) -> LearnedModel:
    """``base`` adjusted to new rows (the editor's decisions): a logistic regression started at ``base``'s
    weights and pulled back towards them, so the labelled articles ``base`` learnt from need not ship with
    hitmon (only its weights do). The new rows become the reference items ``nearest`` shows first."""
    coef, intercept = _anchored_fit(base.coef, base.intercept, features, hits, weights, ANCHOR_STRENGTH)
    embeddings, titles, labels = references
    return replace(
        base,
        coef=coef,
        intercept=intercept,
        trained={**base.trained, **trained, "adjusted_with": group},
        ref_embeddings=np.vstack([embeddings.astype(np.float16), base.ref_embeddings]),
        ref_titles=(*titles, *base.ref_titles),
        ref_labels=(*labels, *base.ref_labels),
    )


def _anchored_fit(
    coef: np.ndarray, intercept: float, x: np.ndarray, y: np.ndarray, w: np.ndarray, strength: float
) -> tuple[np.ndarray, float]:
    """Minimise the weighted log-loss of ``x``, ``y`` plus ``strength * sum(w) / 2 * |change|^2``."""
    from scipy.optimize import minimize  # scikit-learn's dependency; loaded only when the editor retrains

    x, y, w = x.astype(np.float64), y.astype(np.float64), w.astype(np.float64)
    start = np.append(coef.astype(np.float64), intercept)
    pull = strength * w.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ theta[:-1] + theta[-1]
        change = theta[:-1] - start[:-1]
        residual = w * (1.0 / (1.0 + np.exp(-z)) - y)
        value = float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + pull / 2 * change @ change)
        return value, np.append(x.T @ residual + pull * change, residual.sum())

    fitted = minimize(loss, start, jac=True, method="L-BFGS-B").x
    return fitted[:-1].astype(np.float32), float(fitted[-1])


def _document(item: LabelledItem, model: RelevanceModel) -> Document:
    return Document.build(item.title, item.text, item.media, model.matcher, model.lexicon_keys)
