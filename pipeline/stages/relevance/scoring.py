"""Explainable scores: every lexicon term and rule that fired, where, and what it added.

A hit counts ``weight x factor``: in the title the factor is ``title_weight``; in the body it falls from 1 at
the first character to ``1 - EARLY_DECAY`` at the last (a lead paragraph says what a story is about); in
the media name it is ``MEDIA_FACTOR``. Each further occurrence of a term in a field counts ``REPEAT_DECAY``
times the previous one and at most ``MAX_REPEATS`` count, so a long text cannot pile up one word; and the
terms of one body sentence add at most ``SENTENCE_CAP`` (times the position factor), so a general article
listing 电子健康卡、互联网医院、远程医疗 in one passing sentence is not taken for health-IT news.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pipeline.stages.relevance.document import Document, FieldView, Span
from pipeline.stages.relevance.explanation import Contribution, Explanation

if TYPE_CHECKING:
    from pipeline.stages.relevance.model import RelevanceModel
    from pipeline.stages.relevance.rules import Rule

EARLY_DECAY = 0.5
REPEAT_DECAY = 0.5
MAX_REPEATS = 4
MEDIA_FACTOR = 0.5
SENTENCE_CAP = 3.0  # most the lexicon terms of one body sentence add, before the position factor
CLUSTER_GAP = 20  # characters between two places a rule matches for them to count apart
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_RULE_WORDS = 3  # words of a rule match shown in ``matched``


def explain_document(doc: Document, model: RelevanceModel, prior: float = 0.0) -> Explanation:
    items = [*_term_contributions(doc, model), *_rule_contributions(doc, model)]
    items.sort(key=lambda item: (-item.score, item.field, item.positions))
    blocked = _blocked_by(doc, model)
    raw_total = round(prior + sum(item.score for item in items), 4)
    total = min(raw_total, 0.0) if blocked else raw_total
    signals = model.signals.fired(doc.title.text)
    return Explanation(
        doc.title.text,
        tuple(items),
        prior,
        raw_total,
        total,
        model.threshold,
        blocked,
        signals,
        tuple(model.signals.vector(signals)),
    )


def field_factor(field: str, position: int, length: int, title_weight: float) -> float:
    if field == "title":
        return title_weight
    if field == "media":
        return MEDIA_FACTOR
    return 1.0 - EARLY_DECAY * (position / length if length else 0.0)


def _term_contributions(doc: Document, model: RelevanceModel) -> list[Contribution]:
    items = []
    for view in (doc.title, doc.body, doc.media):
        occurrences = _occurrences(view, model)
        if view.name == "body":
            occurrences = _cap_sentences(occurrences, view.text)
        by_key: dict[str, list[_Occurrence]] = defaultdict(list)
        for occurrence in occurrences:
            by_key[occurrence.key].append(occurrence)
        for key, found in by_key.items():
            entry = model.lexicon[key]
            total = round(sum(occurrence.score for occurrence in found), 4)
            capped = any(occurrence.capped for occurrence in found)
            starts = tuple(occurrence.start for occurrence in found)
            items.append(
                Contribution(
                    "term",
                    entry.term,
                    entry.term,
                    entry.category,
                    view.name,
                    starts,
                    entry.weight,
                    total,
                    capped,
                )
            )
    return items


class _Occurrence(NamedTuple):
    key: str
    start: int
    score: float
    capped: bool = False


def _occurrences(view: FieldView, model: RelevanceModel) -> list[_Occurrence]:
    """Each counted occurrence of a weighted lexicon term in one field, with what it adds."""
    seen: dict[str, int] = defaultdict(int)
    found = []
    limit = 1 if view.name == "media" else MAX_REPEATS
    for hit in view.words:
        weight = model.lexicon[hit.key].weight
        repeat = seen[hit.key]
        seen[hit.key] += 1
        if weight and repeat < limit:
            factor = field_factor(view.name, hit.start, len(view.text), model.title_weight)
            found.append(_Occurrence(hit.key, hit.start, weight * factor * REPEAT_DECAY**repeat))
    return found


def _cap_sentences(occurrences: list[_Occurrence], text: str) -> list[_Occurrence]:
    """A body sentence adds at most SENTENCE_CAP x its position factor: a list in passing is one mention."""
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    sentences: dict[int, list[_Occurrence]] = defaultdict(list)
    for occurrence in occurrences:
        if occurrence.score > 0:
            sentences[bisect_right(ends, occurrence.start)].append(occurrence)
    scale: dict[int, float] = {}
    for members in sentences.values():
        total = sum(occurrence.score for occurrence in members)
        cap = SENTENCE_CAP * field_factor("body", members[0].start, len(text), 1.0)
        if total > cap:
            scale.update((occurrence.start, cap / total) for occurrence in members)
    return [
        occurrence._replace(score=occurrence.score * scale[occurrence.start], capped=True)
        if occurrence.start in scale
        else occurrence
        for occurrence in occurrences
    ]


def _rule_contributions(doc: Document, model: RelevanceModel) -> list[Contribution]:
    items = []
    for rule in model.rules.rules:
        if rule.kind != "score":
            continue
        spans = rule.spans(doc)
        if spans is None:
            continue
        items.append(_rule_contribution(rule, spans, doc, model))
    return items


def _rule_contribution(rule: Rule, spans: list[Span], doc: Document, model: RelevanceModel) -> Contribution:
    """A rule counts like a term: once in the title, or once per separate place it matches in the body."""
    title_spans = sorted(span for span in spans if span.field == "title")
    best = title_spans or sorted(span for span in spans if span.field == "body")
    if not best:  # only NOT matched: nothing to place, count it once at full weight
        return Contribution(
            "rule", rule.source, rule.source, _where(rule), "title", (), rule.weight, rule.weight
        )
    field = best[0].field
    starts = [best[0].start] if field == "title" else _cluster_starts(best)[:MAX_REPEATS]
    length = len(doc.body.text)
    score = sum(
        rule.weight * field_factor(field, start, length, model.title_weight) * REPEAT_DECAY**i
        for i, start in enumerate(starts)
    )
    words = list(dict.fromkeys(doc.field(field).text[span.start : span.end] for span in best))[:_RULE_WORDS]
    return Contribution(
        "rule", rule.source, "+".join(words), _where(rule), field, tuple(starts), rule.weight, round(score, 4)
    )


def _cluster_starts(spans: list[Span]) -> list[int]:
    """Where each group of spans begins; spans more than CLUSTER_GAP characters apart are separate places."""
    starts: list[int] = []
    reach = -CLUSTER_GAP - 1
    for span in spans:
        if span.start > reach + CLUSTER_GAP:
            starts.append(span.start)
        reach = max(reach, span.end)
    return starts


def _where(rule: Rule) -> str:
    return f"rules {Path(rule.path).name}:{rule.line}"


def _blocked_by(doc: Document, model: RelevanceModel) -> tuple[str, ...]:
    reasons = []
    for rule in model.rules.rules:
        if rule.kind == "exclude" and rule.spans(doc) is not None:
            reasons.append(f"excluded by {rule.source} ({rule.where})")
        elif rule.kind == "must" and rule.spans(doc) is None:
            reasons.append(f"missing {rule.source} ({rule.where})")
    return tuple(reasons)
