"""The health-IT lexicon: ``term<TAB>weight<TAB>category`` lines; the built-in file plus an extra one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

BUILTIN_LEXICON = Path(__file__).with_name("lexicon.tsv")


@dataclass(frozen=True, slots=True)
class LexiconTerm:
    term: str
    weight: float  # > 0 scores, 0 is context for rules (@category), < 0 is off-topic context
    category: str


def read_lexicon(path: Path) -> tuple[LexiconTerm, ...]:
    """Parse a lexicon file; blank lines and ``#`` comments are skipped, a repeated term is an error."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read lexicon: {exc.strerror}") from None
    terms: dict[str, LexiconTerm] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _parse_line(path, number, line)
        if entry.term in terms:
            raise InputError(path, f"term {entry.term!r} is listed twice", line=number, field="column 1")
        terms[entry.term] = entry
    return tuple(terms.values())


def _parse_line(path: Path, number: int, line: str) -> LexiconTerm:
    cells = line.rstrip("\r\n").split("\t")
    if len(cells) != 3:
        raise InputError(
            path, f"expected term<TAB>weight<TAB>category, found {len(cells)} cell(s)", line=number
        )
    term, weight, category = (cell.strip() for cell in cells)
    weight_column = len(cells[0]) + 2
    if not term or any(ch.isspace() for ch in term):
        raise InputError(path, "a term must be non-empty and hold no spaces", line=number, field="column 1")
    try:
        value = float(weight)
    except ValueError:
        raise InputError(
            path, f"weight {weight!r} is not a number", line=number, field=f"column {weight_column}"
        ) from None
    if not category:
        column = weight_column + len(cells[1]) + 1
        raise InputError(path, "the category is empty", line=number, field=f"column {column}")
    return LexiconTerm(term, value, category)


def merge_lexicons(base: Iterable[LexiconTerm], extra: Iterable[LexiconTerm]) -> tuple[LexiconTerm, ...]:
    """``extra`` adds terms and overrides the weight/category of terms already in ``base``."""
    merged = {entry.term: entry for entry in base}
    merged.update((entry.term, entry) for entry in extra)
    return tuple(merged.values())
