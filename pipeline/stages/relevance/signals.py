"""Title signals: a few named word groups that stage 2 weighs beside the embedding of the title.

A sentence embedding blurs what a headline is made of; a health word next to a digital word (医保 and 指尖办,
核酸 and 微信查结果) is what a title-only item of health IT usually shows, and a phone, a pet or a funding
round what a look-alike shows. Each signal is one 0/1 feature of stage 2, its weight learned; so is
"health and digital". On ../shared/relevance (leave one source out) they lift stage 2's AP from 0.768 to
0.820 (benchmarks/README.md). Only the title: leads differ too much between sources (the same groups over
the first 300 characters lowered full-text AP from 0.73 to 0.66).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

BUILTIN_SIGNALS = Path(__file__).with_name("signals.tsv")
SIDES = ("health", "digital", "cue", "mask")
HEALTH_AND_DIGITAL = "health+digital"
# What a signal weighs against the embedding's 384 dimensions under one regularisation: 0.3 was best of
# 0.2, 0.3, 0.5, 1 by source CV on ../shared/relevance (1: AP 0.796, 0.3: 0.805).
SIGNAL_SCALE = 0.3


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    side: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class TitleSignals:
    signals: tuple[Signal, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The stage-2 features these give, in order: each signal but the masks, then HEALTH_AND_DIGITAL."""
        return (*(signal.name for signal in self._weighed), HEALTH_AND_DIGITAL)

    @property
    def _weighed(self) -> tuple[Signal, ...]:
        return tuple(signal for signal in self.signals if signal.side != "mask")

    def fired(self, title: str) -> tuple[str, ...]:
        """The names of the signals found in ``title``, HEALTH_AND_DIGITAL last when both sides are. Words
        of a mask are blanked first: 卫生健康系统 is the health sector, not an IT system."""
        text = unicodedata.normalize("NFKC", title or "")
        for mask in self.signals:
            if mask.side == "mask":
                text = mask.pattern.sub(" ", text)
        found = [signal for signal in self._weighed if signal.pattern.search(text)]
        sides = {signal.side for signal in found}
        both = (HEALTH_AND_DIGITAL,) if {"health", "digital"} <= sides else ()
        return (*(signal.name for signal in found), *both)

    def vector(self, fired: tuple[str, ...]) -> list[float]:
        """Stage 2's features from ``fired``: SIGNAL_SCALE where a signal fired, else 0."""
        return [SIGNAL_SCALE if name in fired else 0.0 for name in self.names]


def read_signals(path: Path) -> TitleSignals:
    """``name<TAB>side<TAB>word|word|...`` lines; InputError naming the file, line and column when wrong."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read title signals: {exc.strerror}") from None
    signals: dict[str, Signal] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            signal = _parse_line(path, number, line)
            if signal.name in signals or signal.name == HEALTH_AND_DIGITAL:
                what = "is reserved" if signal.name == HEALTH_AND_DIGITAL else "is named twice"
                raise InputError(path, f"signal {signal.name!r} {what}", line=number, field="column 1")
            signals[signal.name] = signal
    return TitleSignals(tuple(signals.values()))


def _parse_line(path: Path, number: int, line: str) -> Signal:
    cells = [cell.strip() for cell in line.split("\t")]
    if len(cells) != 3 or not cells[0]:
        raise InputError(path, "expected name<TAB>side<TAB>word|word|...", line=number)
    name, side, words = cells
    if side not in SIDES:
        raise InputError(path, f"side {side!r} is none of {', '.join(SIDES)}", line=number, field="column 2")
    alternatives = [unicodedata.normalize("NFKC", word) for word in words.split("|") if word.strip()]
    if not alternatives:
        raise InputError(path, "no words", line=number, field="column 3")
    return Signal(name, side, re.compile("|".join(map(re.escape, alternatives))))
