"""The editor's rule language: one rule per line, parsed into expressions evaluated over an article.

    电子病历 OR 电子健康档案 => 3        score rule: weight when the expression holds
    title:(互联网医院) => 4               field scope: title: or body:
    医保 NEAR/10 结算 => 2                 at most 10 characters between the two
    /医院.{0,8}上线/ => 1                  regular expression (case-insensitive)
    @医保 = 医保 OR 医疗保障               named group, used later as @医保
    +(医院 OR 卫生)                        must: an article failing it is not flagged
    !title:招聘                            exclude: an article matching it is not flagged
    # comment

See docs/rules.md for the full description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.errors import InputError
from pipeline.stages.relevance.document import Document, Span
from pipeline.stages.relevance.expressions import And, AnyTerm, Near, Node, Not, Or, Pattern, Scoped, Term
from pipeline.stages.relevance.rule_syntax import NAMES, Lexer, Token, describe

FIELDS = ("title", "body")


RuleKind = Literal["score", "must", "exclude"]


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    expr: Node
    weight: float
    line: int
    source: str  # the rule as written, without its comment
    path: str = "<rules>"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def spans(self, doc: Document) -> list[Span] | None:
        return self.expr.spans(doc, FIELDS)


@dataclass(frozen=True)
class RuleSet:
    path: str
    rules: tuple[Rule, ...] = ()

    def literals(self) -> set[str]:
        return set().union(*(rule.expr.literals() for rule in self.rules))

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(f"{self.path}+{other.path}", self.rules + other.rules)


def read_rules(path: Path, categories: Mapping[str, frozenset[str]] | None = None) -> RuleSet:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read rules: {exc.strerror}") from None
    return parse_rules(text, path, categories)


def parse_rules(
    text: str, path: object = "<rules>", categories: Mapping[str, frozenset[str]] | None = None
) -> RuleSet:
    """Parse a rules text; ``categories`` (lexicon category -> folded terms) are groups usable as @name."""
    groups: dict[str, Node] = {name: AnyTerm(keys) for name, keys in (categories or {}).items()}
    rules: list[Rule] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parser = _LineParser(str(path), number, line, groups)
        rule = parser.parse()
        if rule is not None:
            rules.append(rule)
    return RuleSet(str(path), tuple(rules))


class _LineParser:
    def __init__(self, path: str, number: int, line: str, groups: dict[str, Node]):
        self.path, self.number, self.line, self.groups = path, number, line, groups
        self.tokens = Lexer(line, self.error).tokens()
        self.index = 0

    def error(self, message: str, column: int) -> InputError:
        return InputError(self.path, message, line=self.number, field=f"column {column}")

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self, *kinds: str) -> Token:
        token = self.peek()
        if token.kind not in kinds:
            wanted = " or ".join(NAMES.get(kind, kind) for kind in kinds)
            raise self.error(f"expected {wanted}, found {describe(token)}", token.column)
        self.index += 1
        return token

    def parse(self) -> Rule | None:
        first = self.peek()
        if first.kind == "end":
            return None
        if first.kind == "group" and self.tokens[1].kind == "equals":
            self.index = 2
            self.groups[str(first.value)] = self.expression()
            self.take("end")
            return None
        kind: RuleKind = "score"
        if first.kind in ("plus", "bang"):
            kind = "must" if first.kind == "plus" else "exclude"
            self.index += 1
        expr = self.expression()
        if self.peek().kind in ("term", "regex", "group", "field", "open"):
            message = "two terms need an operator between them: AND, OR or NEAR/n"
            raise self.error(message, self.peek().column)
        weight = 0.0
        if kind == "score":
            self.take("arrow")
            weight = float(self.take("number").value)  # type: ignore[arg-type]
        elif self.peek().kind == "arrow":
            raise self.error(f"a {first.text} rule takes no weight", self.peek().column)
        end = self.take("end")
        return Rule(kind, expr, weight, self.number, self.line[: end.column - 1].strip(), self.path)

    def expression(self) -> Node:
        children = [self.conjunction()]
        while self.peek().kind == "or":
            self.index += 1
            children.append(self.conjunction())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def conjunction(self) -> Node:
        children = [self.negation()]
        while self.peek().kind == "and":
            self.index += 1
            children.append(self.negation())
        return children[0] if len(children) == 1 else And(tuple(children))

    def negation(self) -> Node:
        if self.peek().kind == "not":
            self.index += 1
            return Not(self.negation())
        return self.proximity()

    def proximity(self) -> Node:
        node = self.atom()
        while self.peek().kind == "near":
            distance = int(self.take("near").value)  # type: ignore[arg-type]
            node = Near(node, self.atom(), distance)
        return node

    def atom(self) -> Node:
        token = self.take("term", "regex", "group", "field", "open")
        if token.kind == "term":
            return Term(str(token.value))
        if token.kind == "regex":
            return Pattern(token.value)  # type: ignore[arg-type]
        if token.kind == "group":
            if token.value not in self.groups:
                raise self.error(f"unknown group @{token.value} (define it first: @name = ...)", token.column)
            return self.groups[str(token.value)]
        if token.kind == "field":
            return Scoped(str(token.value), self.atom())
        node = self.expression()
        self.take("close")
        return node
