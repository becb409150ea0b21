"""Stage 2: a logistic regression over the sentence embedding of the title, stacked with the stage-1 score
and the title signals (``pipeline.stages.relevance.signals``).

Stage 1 (lexicon and rules) says which words point at health IT; it cannot judge what an article is mainly
about. Stage 2 turns both into a probability, and an article is flagged when that reaches the threshold
chosen by cross-validation at training time (``pipeline.stages.relevance.training``), never by hand.

A fitted model is one .npz file: the weights, the threshold, how it was trained, and the reference items
``nearest`` shows ("accepted before: ..."): embeddings and titles of the project's own labelled sample and
of the editor's decisions only. Nothing of the articles it was trained on is kept (not even their
embeddings): the editor's decisions adjust the weights themselves (``training.retrain``).
Predicting needs numpy alone (no scikit-learn in the crawl's workers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.errors import InputError
from pipeline.stages.relevance.explanation import Explanation

DEFAULT_MODEL = Path(__file__).with_name("default_model.npz")
STAGE1_FEATURES = ("score", "flagged", "blocked")  # then one per title signal (LearnedModel.signals)
STAGE1_SCALE = 3.0  # tanh(score / 3): a core term in a lead (3) is "clearly", 10 or 30 are no clearer


def stage1_features(explanation: Explanation) -> list[float]:
    """What stage 2 takes from stage 1: the saturated score, whether it flagged, whether a rule blocked,
    and the title signals (pipeline.stages.relevance.signals)."""
    return [
        math.tanh(explanation.raw_total / STAGE1_SCALE),
        float(explanation.flagged),
        float(bool(explanation.blocked_by)),
        *explanation.signal_vector,
    ]


def stored_stage1(score: float, flagged: bool, signal_vector: Sequence[float]) -> list[float] | None:
    """The stage-1 features (``stage1_features``) of an article from its stored verdict and the signal vector
    of its title, when they follow from it: a flagged article was blocked by no rule, so its stored score is
    its raw total."""
    if not flagged:
        return None  # blocked or not is not stored
    return [math.tanh(score / STAGE1_SCALE), 1.0, 0.0, *signal_vector]


@dataclass(frozen=True)
class Neighbour:
    title: str
    label: str  # hit / miss (labelled sample) or accepted / rejected (the editor)
    similarity: float  # cosine of the embeddings


@dataclass(frozen=True)
class LearnedModel:
    """A fitted stage 2; read-only, so one instance serves every request of a process."""

    embedder: str
    coef: np.ndarray  # embedding weights, then the STAGE1_FEATURES weights, then the signals'
    intercept: float
    threshold: float  # probability at or above which an article is flagged
    signals: tuple[str, ...] = ()  # the title signals it weighs, in order (TitleSignals.names)
    trained: dict[str, object] = field(default_factory=dict)  # what it was trained on, and its CV figures
    ref_embeddings: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float16))
    ref_titles: tuple[str, ...] = ()
    ref_labels: tuple[str, ...] = ()

    def probabilities(self, embeddings: np.ndarray, stage1: np.ndarray) -> np.ndarray:
        features = np.hstack(
            [embeddings.astype(np.float32), np.asarray(stage1, np.float32).reshape(len(embeddings), -1)]
        )
        return 1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept)))

    def breakdown(self, embedding: np.ndarray, stage1: Sequence[float]) -> tuple[tuple[str, float], ...]:
        """What makes one article's log-odds: the title's meaning (its embedding), the stage-1 score, each
        title signal found, and the base rate (the intercept); they add up to the logit of its probability."""
        dim = len(embedding)
        weights = self.coef[dim:]
        parts = [
            ("title meaning", float(embedding.astype(np.float32) @ self.coef[:dim])),
            ("stage-1 score", float(np.dot(stage1[:3], weights[:3]))),
        ]
        parts += [
            (name, float(value * weight))
            for name, value, weight in zip(self.signals, stage1[3:], weights[3:], strict=True)
            if value
        ]
        parts.append(("base rate", self.intercept))
        return tuple((name, round(value, 3)) for name, value in parts)

    def nearest(self, embedding: np.ndarray, k: int = 3) -> list[Neighbour]:
        """The ``k`` reference items most similar to ``embedding``, most similar first."""
        if not len(self.ref_titles):
            return []
        similarity = self.ref_embeddings.astype(np.float32) @ embedding.astype(np.float32)
        order = np.argsort(-similarity)[:k]
        return [
            Neighbour(self.ref_titles[i], self.ref_labels[i], round(float(similarity[i]), 3)) for i in order
        ]

    def save(self, path: Path) -> None:
        meta = {
            "embedder": self.embedder,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "signals": list(self.signals),
            "trained": self.trained,
            "ref_titles": list(self.ref_titles),
            "ref_labels": list(self.ref_labels),
        }
        with path.open("wb") as out:  # np.savez would append .npz to a name without it
            np.savez_compressed(
                out,
                coef=self.coef.astype(np.float32),
                ref_embeddings=self.ref_embeddings.astype(np.float16),
                meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            )


def load_learned(path: Path) -> LearnedModel:
    """The model saved at ``path``; InputError naming the file when it is not one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            coef, refs = data["coef"], data["ref_embeddings"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(path, f"not a hitmon relevance model ({exc})") from None
    return LearnedModel(
        embedder=meta["embedder"],
        coef=coef,
        intercept=float(meta["intercept"]),
        threshold=float(meta["threshold"]),
        signals=tuple(meta.get("signals", ())),
        trained=meta.get("trained", {}),
        ref_embeddings=refs,
        ref_titles=tuple(meta.get("ref_titles", ())),
        ref_labels=tuple(meta.get("ref_labels", ())),
    )
