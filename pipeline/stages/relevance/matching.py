"""Find every literal term of the lexicon and the rules in one Aho-Corasick pass over a text.

Texts and terms are folded the same way (full-width ASCII to half-width, ASCII lower case), one character
for one character, so a hit's offsets are offsets in the original text too.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import NamedTuple

import ahocorasick


def _fold_table() -> dict[int, int]:
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width forms
    table[0x3000] = 0x20  # ideographic space
    for code, target in list(table.items()):
        if chr(target).isupper():
            table[code] = target + 32
    table.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
    return table


_FOLD = MappingProxyType(_fold_table())


def fold(text: str) -> str:
    """Full-width to half-width and ASCII lower case, keeping the length."""
    return text.translate(_FOLD)


class Hit(NamedTuple):  # not a frozen dataclass: a long body has thousands, made twice as fast
    start: int
    end: int  # exclusive
    key: str  # the folded term


class TermMatcher:
    """An Aho-Corasick automaton over folded terms; ``find`` returns all hits, overlapping ones included."""

    def __init__(self, terms: Iterable[str]):
        self._automaton = ahocorasick.Automaton()
        for term in terms:
            key = fold(term)
            if key:  # one spelling that is not an acronym makes the key match any case
                acronym = _is_acronym(term) and self._automaton.get(key, (key, True))[1]
                latin_edge = _is_latin(key[0]) or _is_latin(key[-1])
                self._automaton.add_word(key, (key, acronym, latin_edge))
        if len(self._automaton):
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        if not len(self._automaton) or not text:
            return []
        folded = fold(text)
        hits = []
        for last, (key, acronym, latin_edge) in self._automaton.iter(folded):
            start = last - len(key) + 1
            if acronym and any(char.islower() for char in text[start : last + 1]):
                continue  # HIS the system, not "his"
            if not latin_edge or _stands_alone(folded, start, last + 1, key):
                hits.append(Hit(start, last + 1, key))
        return hits


def _is_acronym(term: str) -> bool:
    """Upper-case Latin terms (HIS, LIS, HIT) match upper case only: in lower case they are English words."""
    latin = [char for char in term if char.isascii() and char.isalpha()]
    return bool(latin) and all(char.isupper() for char in latin)


def _stands_alone(text: str, start: int, end: int, key: str) -> bool:
    """A term that starts or ends with a Latin letter or digit must not be part of a longer Latin word."""
    if _is_latin(key[0]) and start > 0 and _is_latin(text[start - 1]):
        return False
    return not (_is_latin(key[-1]) and end < len(text) and _is_latin(text[end]))


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def longest_leftmost(hits: Iterable[Hit], keys: frozenset[str] | set[str]) -> list[Hit]:
    """The hits of ``keys`` as a segmenter would keep them: longest first, no two overlapping."""
    chosen: list[Hit] = []
    taken_until = -1
    for hit in sorted((h for h in hits if h.key in keys), key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= taken_until:
            chosen.append(hit)
            taken_until = hit.end
    return chosen
