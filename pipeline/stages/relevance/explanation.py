"""What a score is made of: each contribution, the prior, the total and the threshold, printable."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

_POSITIONS = 4  # positions shown per contribution by render()


@dataclass(frozen=True, slots=True)
class Contribution:
    kind: Literal["term", "rule"]
    label: str  # the term as listed, or the rule as written
    matched: str  # the text shown in ``matched``: the term, or the words a rule matched joined by +
    source: str  # the lexicon category, or "rules <file>:<line>"
    field: str  # title, body or media
    positions: tuple[int, ...]  # character offsets in that field
    weight: float
    score: float
    capped: bool = False  # scaled down by the sentence cap


@dataclass(frozen=True, slots=True)
class Explanation:
    title: str
    contributions: tuple[Contribution, ...]  # highest score first; negative ones last
    prior: float
    raw_total: float  # prior + every contribution
    total: float  # raw_total, or at most 0 when a ! rule matched or a + rule failed
    threshold: float
    blocked_by: tuple[str, ...]  # "excluded by ..." / "missing ..." reasons
    signals: tuple[str, ...] = ()  # the title signals found (pipeline.stages.relevance.signals)
    signal_vector: tuple[float, ...] = ()  # what they give stage 2, one value per signal of the model

    @property
    def flagged(self) -> bool:
        return not self.blocked_by and self.total >= self.threshold

    @property
    def negatives(self) -> tuple[Contribution, ...]:
        return tuple(item for item in self.contributions if item.score < 0)

    @property
    def matched(self) -> tuple[str, ...]:
        """The positive matches, most weight first, each once."""
        totals: dict[str, float] = defaultdict(float)
        for item in self.contributions:
            if item.score > 0:
                totals[item.matched] += item.score
        return tuple(sorted(totals, key=lambda label: -totals[label]))

    def render(self) -> list[str]:
        """Readable lines, one per contribution, then the prior, what blocks the article, and the total."""
        lines = []
        for item in self.contributions:
            where = ",".join(str(pos) for pos in item.positions[:_POSITIONS]) or "-"
            lines.append(
                f"  {item.score:+7.2f}  {item.kind:<4}  {item.label}  [{item.source}]"
                f"  {item.field}@{where}  weight {item.weight:g}"
                + ("  (sentence cap)" if item.capped else "")
            )
        if self.prior:
            lines.append(f"  {self.prior:+7.2f}  prior")
        lines.extend(f"  blocked: {reason}" for reason in self.blocked_by)
        verdict = "flagged" if self.flagged else "not flagged"
        lines.append(f"total {self.total:.2f} (threshold {self.threshold:g}): {verdict}")
        return lines
