"""Rule expressions: each node says whether it holds for an article and which text it matched."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from pipeline.stages.relevance.document import Document, Span
from pipeline.stages.relevance.matching import fold


class Node:
    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        """None when the expression does not hold; otherwise the text it matched (may be empty for NOT)."""
        raise NotImplementedError

    def literals(self) -> set[str]:
        return set()


@dataclass(frozen=True)
class Term(Node):
    text: str  # as written: upper-case HIS matches upper case only
    key: str = field(init=False, repr=False, compare=False)  # folded, as the matcher reports it

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", fold(self.text))

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        found = [span for name in fields for span in doc.field(name).spans_of(self.key)]
        return found or None

    def literals(self) -> set[str]:
        return {self.text}


@dataclass(frozen=True)
class AnyTerm(Node):
    """A lexicon category used as a group: any of its terms, as whole words (医疗 is not in 医疗大数据)."""

    keys: frozenset[str]

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        found = [
            span
            for view in (doc.field(name) for name in fields)
            for key in view.word_keys & self.keys
            for span in view.word_spans_of(key)
        ]
        return found or None


@dataclass(frozen=True)
class Pattern(Node):
    regex: re.Pattern[str]

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        found = [
            Span(name, match.start(), match.end())
            for name in fields
            for match in self.regex.finditer(doc.field(name).text)
            if match.end() > match.start()
        ]
        return found or None


@dataclass(frozen=True)
class Scoped(Node):
    field: str
    child: Node

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        return self.child.spans(doc, (self.field,)) if self.field in fields else None

    def literals(self) -> set[str]:
        return self.child.literals()


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        found: list[Span] = []
        for child in self.children:
            part = child.spans(doc, fields)
            if part is None:
                return None
            found.extend(part)
        return found

    def literals(self) -> set[str]:
        return set().union(*(child.literals() for child in self.children))


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        parts = [part for child in self.children if (part := child.spans(doc, fields)) is not None]
        return [span for part in parts for span in part] if parts else None

    def literals(self) -> set[str]:
        return set().union(*(child.literals() for child in self.children))


@dataclass(frozen=True)
class Not(Node):
    child: Node

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        return [] if self.child.spans(doc, fields) is None else None

    def literals(self) -> set[str]:
        return self.child.literals()


@dataclass(frozen=True)
class Near(Node):
    left: Node
    right: Node
    distance: int  # most characters allowed between the two matches

    def spans(self, doc: Document, fields: tuple[str, ...]) -> list[Span] | None:
        found: list[Span] = []
        for name in fields:
            lefts = self.left.spans(doc, (name,)) or []
            rights = sorted(self.right.spans(doc, (name,)) or [])
            found.extend(_near_pairs(lefts, rights, self.distance))
        return found or None

    def literals(self) -> set[str]:
        return self.left.literals() | self.right.literals()


def _near_pairs(lefts: list[Span], rights: list[Span], distance: int) -> list[Span]:
    if not lefts or not rights:
        return []
    starts = [span.start for span in rights]
    longest = max(span.end - span.start for span in rights)
    found: set[Span] = set()
    for left in lefts:
        first = bisect_left(starts, left.start - distance - longest)
        for right in rights[first:]:
            if right.start > left.end + distance:
                break
            if max(right.start - left.end, left.start - right.end) <= distance:
                found.update((left, right))
    return sorted(found)
