"""Tokens of one line of the rules language (see ``rules`` and docs/rules.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.errors import InputError

_FIELD_NAMES = {"title": "title", "body": "body", "text": "body"}
_KEYWORDS = {"AND", "OR", "NOT"}
_OPEN, _CLOSE = "(（", ")）"
_STOP = set(' \t"#') | set(_OPEN) | set(_CLOSE)
NAMES = {
    "term": "a term",
    "regex": "a /regex/",
    "group": "a @group",
    "field": "title:/body:",
    "open": "'('",
    "close": "')'",
    "arrow": "'=> weight'",
    "number": "a number",
    "end": "the end of the line",
}


@dataclass(frozen=True)
class Token:
    kind: str  # term, regex, group, field, near, and, or, not, open, close, arrow, equals, plus, bang, end
    text: str
    column: int  # 1-based
    value: object = None


def describe(token: Token) -> str:
    return "the end of the line" if token.kind == "end" else repr(token.text)


class Lexer:
    """Splits one line into tokens; ``error(message, column)`` makes the InputError to raise."""

    def __init__(self, line: str, error: Callable[[str, int], InputError]):
        self.line, self.error, self.pos = line, error, 0
        self.found: list[Token] = []

    def tokens(self) -> list[Token]:
        while self.pos < len(self.line):
            char = self.line[self.pos]
            if char.isspace():
                self.pos += 1
            elif char == "#":
                break
            else:
                self.found.append(self.token())
        self.found.append(Token("end", "", self.pos + 1))
        return self.found

    def emit(self, kind: str, length: int, value: object = None) -> Token:
        text = self.line[self.pos : self.pos + length]
        token = Token(kind, text, self.pos + 1, value)
        self.pos += length
        return token

    def token(self) -> Token:
        rest, at_start = self.line[self.pos :], not self.found
        if rest[0] in _OPEN:
            return self.emit("open", 1)
        if rest[0] in _CLOSE:
            return self.emit("close", 1)
        if rest.startswith("=>"):
            return self.emit("arrow", 2)
        if self.found and self.found[-1].kind == "arrow":
            return self.number(rest)
        if rest[0] == "=":
            return self.emit("equals", 1)
        if at_start and rest[0] in "+!":
            return self.emit("plus" if rest[0] == "+" else "bang", 1)
        if rest[0] == '"':
            return self.quoted(rest)
        if rest[0] == "/":
            return self.regex(rest)
        if rest[0] == "@":
            name = re.match(r"@([^\s()（）=#\"]+)", rest)
            if not name:
                raise self.error("expected a group name after @", self.pos + 1)
            return self.emit("group", name.end(), name.group(1))
        return self.word(rest)

    def number(self, rest: str) -> Token:
        found = re.match(r"[-+]?(\d+(\.\d*)?|\.\d+)", rest)
        if not found:
            raise self.error("expected a weight (a number) after =>", self.pos + 1)
        return self.emit("number", found.end(), float(found.group()))

    def quoted(self, rest: str) -> Token:
        end = rest.find('"', 1)
        if end < 0:
            raise self.error('unclosed quote: add the closing "', self.pos + 1)
        if end == 1:
            raise self.error("empty quoted term", self.pos + 1)
        return self.emit("term", end + 1, rest[1:end])

    def regex(self, rest: str) -> Token:
        found = re.match(r"/((?:\\.|[^/\\])+)/", rest)
        if not found:
            raise self.error("unclosed regular expression: end it with /", self.pos + 1)
        try:
            compiled = re.compile(found.group(1), re.IGNORECASE)
        except re.error as exc:
            column = self.pos + 2 + (exc.pos or 0)
            raise self.error(f"bad regular expression: {exc.msg}", column) from None
        return self.emit("regex", found.end(), compiled)

    def word(self, rest: str) -> Token:
        length = 0
        while length < len(rest) and rest[length] not in _STOP and not rest.startswith("=>", length):
            length += 1
        word = rest[:length]
        if word[0] in "+!":
            raise self.error(
                f"'{word[0]}' only starts a rule: inside an expression write NOT or AND", self.pos + 1
            )
        field = re.match(r"([A-Za-z]+)[:：]", word)
        if field:
            name = field.group(1)
            if name not in _FIELD_NAMES:
                raise self.error(f"unknown field {name!r}: use title: or body:", self.pos + 1)
            return self.emit("field", field.end(), _FIELD_NAMES[name])
        near = re.fullmatch(r"NEAR(?:/(\d+))?", word)
        if near:
            if near.group(1) is None:
                raise self.error("NEAR needs a distance in characters, e.g. NEAR/10", self.pos + 1)
            return self.emit("near", length, int(near.group(1)))
        if word in _KEYWORDS:
            return self.emit(word.lower(), length)
        return self.emit("term", length, word)
