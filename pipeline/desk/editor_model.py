"""Learning from the editor: the learned relevance model, fitted again with the editor's decisions.

The shipped model (pipeline.stages.relevance.learned) keeps the features it was fitted on; the accepted and
rejected reviews are added to them as a group of their own, each counting ``relevance.editor_decision_weight``
labelled items, and the logistic regression is fitted again (threshold by grouped CV, as in training).
Fitting takes seconds and embedding the decisions more, so each fitted model is kept beside
``relevance.editor_model_file``, named by its decisions, and fitted again only when they change. Each week
has its own (the decisions made before it began), so the last few are kept: an editor going from this
week's list to last week's and back fits nothing. Until there are
``relevance.editor_min_decisions`` decisions of both kinds there is no editor model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from pipeline.config import RelevanceSettings
from pipeline.desk.decisions import Decision, decisions_for_training
from pipeline.errors import InputError
from pipeline.stages.relevance import RelevanceModel, explain_fields, load_relevance
from pipeline.stages.relevance.embedding import EMBEDDER_NAME, embedding_text
from pipeline.stages.relevance.learned import LearnedModel, load_learned, stage1_features, stored_stage1
from pipeline.stages.relevance.training import LabelledItem, embed_cached, featurise, retrain

__all__ = ["Decision", "EditorModel", "decisions_for_training", "editor_model_for", "train_editor_model"]

MIN_DECISIONS = 20
KEPT_MODELS = 4  # fitted models kept, the least recently used removed: a few weeks an editor goes between
KEY_CHARS = 16  # of the decisions' key in a kept model's file name
EDITOR_GROUP = "editor"


StoredVerdict = tuple[float, bool]  # an article's stored stage-1 score and flag


@dataclass(frozen=True)
class EditorModel:
    """The learned model fitted with the editor's decisions; read-only, so it serves concurrent requests."""

    learned: LearnedModel
    relevance: RelevanceModel  # stage 1 (features) and the embedder
    accepted: int
    rejected: int
    cache: Path | None = None  # embeddings kept between calls

    def accept_probability(self, title: str, text: str, media: str) -> float:
        return self.accept_probabilities([(title, text, media)])[0]

    def accept_probabilities(
        self, items: Sequence[tuple[str, str, str]], verdicts: Sequence[StoredVerdict | None] | None = None
    ) -> list[float]:
        """One batch of embeddings for a whole candidate list; ``verdicts``: each item's stored stage-1
        (score, flagged) where known, which spare stage 1 a second pass over its text when they tell its
        features (``learned.stored_stage1``)."""
        if not items:
            return []
        texts = [embedding_text(title, text) for title, text, _ in items]
        embeddings = embed_cached(texts, self.relevance.embedder.embed_texts, self.cache)
        stored = list(verdicts) if verdicts is not None else [None] * len(items)
        features = [self._stage1(item, verdict) for item, verdict in zip(items, stored, strict=True)]
        return [float(p) for p in self.learned.probabilities(embeddings, np.asarray(features, np.float32))]

    def _stage1(self, item: tuple[str, str, str], verdict: StoredVerdict | None) -> list[float]:
        title, text, media = item
        if verdict is not None:
            signals = self.relevance.signals
            known = stored_stage1(*verdict, signals.vector(signals.fired(title)))
            if known is not None:
                return known
        return stage1_features(explain_fields(title, text, media or "", self.relevance))


def train_editor_model(
    examples: Sequence[Decision],
    relevance: RelevanceModel,
    base: LearnedModel,
    *,
    min_decisions: int = MIN_DECISIONS,
    weight: float = 5.0,
    cache: Path | None = None,
) -> EditorModel | None:
    """``base`` fitted again with these decisions, or None below ``min_decisions`` or when they are all of
    one kind."""
    labels = [bool(accepted) for *_, accepted in examples]
    if len(labels) < max(min_decisions, 2) or len(set(labels)) < 2:
        return None
    items = [
        LabelledItem(t, x, m, a, EDITOR_GROUP, weight, "accepted" if a else "rejected")
        for t, x, m, a in examples
    ]
    embeddings, stage1 = featurise(items, relevance, cache)
    hits = np.array(labels)
    trained = {
        "decisions": decisions_key(examples),
        "accepted": int(hits.sum()),
        "rejected": int((~hits).sum()),
    }
    learned = retrain(
        base,
        np.hstack([embeddings, stage1]),
        hits,
        np.full(len(items), weight),
        EDITOR_GROUP,
        (embeddings, [i.title for i in items], [i.label for i in items]),
        trained,
    )
    return EditorModel(learned, relevance, int(hits.sum()), int((~hits).sum()), cache)


def decisions_key(examples: Sequence[Decision]) -> str:
    """What the decisions are, in a few characters: the kept model is fitted again when it changes."""
    digest = hashlib.sha1()
    for title, text, media, accepted in sorted(examples):
        digest.update(f"{title}\x1f{text[:200]}\x1f{media}\x1f{accepted}\x1e".encode())
    return digest.hexdigest()


def editor_model_for(session: Session, settings: RelevanceSettings, before: datetime) -> EditorModel | None:
    """The model of the editor's decisions made before ``before`` (a week's start: a week's own decisions
    never re-rank it), or None while there are fewer than ``settings.editor_min_decisions``. A model kept
    for the same decisions is used as it is."""
    examples = decisions_for_training(session, before=before)
    if len(examples) < settings.editor_min_decisions or not settings.learned:
        return None
    relevance = load_relevance(settings.model_copy(update={"learned": False}))
    cache = settings.editor_model_file.with_suffix(".embeddings.npz")
    key = decisions_key(examples)
    path = kept_model_path(settings.editor_model_file, key)
    kept = _kept_model(path, key, relevance.signals.names)
    if kept is not None:
        with suppress(OSError):  # recently used: the last to be removed (a read-only folder keeps all)
            path.touch()
        trained = kept.trained
        return EditorModel(kept, relevance, int(trained["accepted"]), int(trained["rejected"]), cache)  # type: ignore[call-overload]
    base = load_relevance(settings).learned
    assert base is not None  # settings.learned is on
    model = train_editor_model(
        examples,
        relevance,
        base,
        min_decisions=settings.editor_min_decisions,
        weight=settings.editor_decision_weight,
        cache=cache,
    )
    if model is not None:
        model.learned.save(path)
        _remove_least_used(settings.editor_model_file)
    return model


def kept_model_path(file: Path, key: str) -> Path:
    """Where the model fitted on the decisions with this key is kept: ``<file stem>.<key>.npz`` beside
    ``file``."""
    return file.with_name(f"{file.stem}.{key[:KEY_CHARS]}{file.suffix}")


def _remove_least_used(file: Path) -> None:
    kept = sorted(file.parent.glob(f"{file.stem}.{'[0-9a-f]' * KEY_CHARS}{file.suffix}"), key=_last_used)
    for path in kept[:-KEPT_MODELS]:
        path.unlink(missing_ok=True)


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def _kept_model(path: Path, key: str, signals: tuple[str, ...]) -> LearnedModel | None:
    if not path.exists():
        return None
    try:
        kept = load_learned(path)
    except InputError:
        return None  # not ours or damaged: fitted again and overwritten
    same = kept.trained.get("decisions") == key and (kept.embedder, kept.signals) == (EMBEDDER_NAME, signals)
    return kept if same else None  # fitted again after new decisions, another embedding model or signals
