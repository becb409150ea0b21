"""Both stages together: stage 1 (lexicon and rules) for every article, stage 2 (the learned probability) for
those stage 1 lets through, embedded in batches.

By default stage 1 still decides ``flagged`` and stage 2 gives the probability the week is ranked by;
``relevance.learned_flags`` lets the probability decide (see docs/rules.md for why it is off). Stage 1 lets
through an article that no ! or + rule blocks and that has a lexicon word (a weighted term or a
context word such as 医院, 系统) in its title or lead, or a health and a digital title signal: on the
labelled real articles that keeps 98.7% of the hits, and a third of the rest never costs an embedding.
Without a learned model, stage 1 decides alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pipeline.stages.relevance.document import Document
from pipeline.stages.relevance.embedding import embedding_text
from pipeline.stages.relevance.explanation import Explanation
from pipeline.stages.relevance.learned import Neighbour, stage1_features
from pipeline.stages.relevance.scoring import explain_document
from pipeline.stages.relevance.signals import HEALTH_AND_DIGITAL

if TYPE_CHECKING:
    from pipeline.stages.relevance.model import RelevanceModel

GATE_LEAD_CHARS = 400  # a lexicon word this early in the body lets an article through stage 1
Fields = tuple[str, str, str | None]  # title, text, media
_SAID = {"hit": "labelled hit", "accepted": "accepted before", "rejected": "rejected before"} | {
    label: f"labelled {label}" for label in ("miss", "health", "it", "other")
}


@dataclass(frozen=True)
class Verdict:
    explanation: Explanation  # stage 1
    # stage 2; None without a learned model, or in a crawl where stage 1 did not flag; 0.0: stage 1 stopped it
    probability: float | None
    flagged: bool
    neighbours: tuple[Neighbour, ...] = ()  # the reference items nearest to it (only when asked for)
    threshold: float | None = None  # the learned model's: flagged at or above it
    parts: tuple[tuple[str, float], ...] = ()  # the probability's log-odds, part by part (when asked for)

    def render(self) -> list[str]:
        """The stage-1 lines, then the probability, the verdict and the nearest reference items."""
        lines = self.explanation.render()
        if self.probability is None:
            return lines
        verdict = "flagged" if self.flagged else "not flagged"
        lines.append(
            f"probability {self.probability:.3f} (learned stage over the title and the score;"
            f" threshold {self.threshold:.3f}): {verdict}"
        )
        if self.parts:
            lines.append("  log-odds: " + ", ".join(f"{name} {value:+.2f}" for name, value in self.parts))
        lines.extend(
            f"  {_SAID[n.label]}: {n.title}  (similarity {n.similarity:.2f})" for n in self.neighbours
        )
        return lines

    def as_fields(self) -> dict[str, object]:
        """What ``hitmon score`` adds to each JSONL object."""
        explanation = self.explanation
        return {
            "flagged": self.flagged,
            "score": explanation.total,
            "matched": list(explanation.matched),
            "probability": None if self.probability is None else round(self.probability, 4),
        }


def judge(
    items: Sequence[Fields], model: RelevanceModel, *, neighbours: int = 0, flagged_only: bool = False
) -> list[Verdict]:
    """The verdict on each (title, text, media); stage 2 embeds the survivors of stage 1 in one batch.

    ``flagged_only`` (the crawl): stage 2 only for what stage 1 flags, the articles the week's candidates
    list, unless ``learned_flags`` makes the probability decide; the rest keep probability None. Embedding
    is most of a crawled page's CPU, and most crawled pages are never candidates."""
    docs = [_document(title, text, media, model) for title, text, media in items]
    explanations = [explain_document(doc, model) for doc in docs]
    learned = model.learned
    if learned is None:
        return [Verdict(explanation, None, explanation.flagged) for explanation in explanations]
    survivors = [i for i, (doc, ex) in enumerate(zip(docs, explanations, strict=True)) if _survives(doc, ex)]
    probabilities: list[float | None] = [0.0] * len(items)  # 0: stage 1 stopped it
    embedded = survivors
    if flagged_only and not model.learned_flags:
        embedded = [i for i in survivors if explanations[i].flagged]
        for i in set(survivors) - set(embedded):
            probabilities[i] = None  # through stage 1 but not flagged: not worth an embedding here
    nearest: dict[int, tuple[Neighbour, ...]] = {}
    parts: dict[int, tuple[tuple[str, float], ...]] = {}
    if embedded:
        texts = [embedding_text(items[i][0], items[i][1]) for i in embedded]
        embeddings = model.embedder.embed_texts(texts)
        stage1 = np.array([stage1_features(explanations[i]) for i in embedded])
        for i, probability in zip(embedded, learned.probabilities(embeddings, stage1), strict=True):
            probabilities[i] = float(probability)
        if neighbours:  # an explanation: what made the probability, and what it resembles
            rows = list(zip(embedded, embeddings, stage1, strict=True))
            nearest = {i: tuple(learned.nearest(row, neighbours)) for i, row, _ in rows}
            parts = {i: learned.breakdown(row, features) for i, row, features in rows}
    return [
        Verdict(ex, p, _flagged(ex, p, model), nearest.get(i, ()), learned.threshold, parts.get(i, ()))
        for i, (ex, p) in enumerate(zip(explanations, probabilities, strict=True))
    ]


def _flagged(explanation: Explanation, probability: float | None, model: RelevanceModel) -> bool:
    """By the probability at the model's threshold with ``relevance.learned_flags``; else by stage 1."""
    if not model.learned_flags:
        return explanation.flagged
    assert model.learned is not None and probability is not None  # every survivor embedded
    return probability >= model.learned.threshold and not explanation.blocked_by


def _document(title: str, text: str, media: str | None, model: RelevanceModel) -> Document:
    return Document.build(title or "", text or "", media or "", model.matcher, model.lexicon_keys)


def _survives(doc: Document, explanation: Explanation) -> bool:
    if explanation.blocked_by:
        return False
    if doc.title.words or HEALTH_AND_DIGITAL in explanation.signals:
        return True
    return any(hit.start < GATE_LEAD_CHARS for hit in doc.body.words)
