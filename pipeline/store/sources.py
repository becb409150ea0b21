"""The sources file (sources.yaml): parsing and validation, with errors that name file, line and field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from yaml.constructor import SafeConstructor

from pipeline.errors import InputError
from pipeline.regex_safety import regex_problem
from pipeline.urls import url_problem

MAX_FILE_BYTES = 1 << 20  # a thousand sources take about 200 KB
MAX_NESTING = 8  # sources: [ {name: x} ] is 4 deep, its values counted; more is a mistake or an attack
# The YAML types a sources file needs; any other tag (!!python/object, !!binary, !!set) is refused.
ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that a sources file may not use (anchors, aliases, deep nesting, unsafe tags)."""


class _SourcesLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases (a few lines of them expand to gigabytes) and
    nesting deeper than MAX_NESTING (the composer recurses once per level)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if getattr(event, "anchor", None) is not None:
            raise _Refused(
                problem="anchors and aliases (&name, *name) are not allowed", problem_mark=event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _Refused(problem=f"nested more than {MAX_NESTING} deep", problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """A source's kind-specific options as the crawl reads them (stored as JSON in ``sources.options``,
    written by ``SourceSpec.options``); unset ones are None and the crawl settings apply."""

    link_pattern: str | None = None
    max_pages: int | None = None
    allow_domains: tuple[str, ...] = ()
    max_age_days: int | None = None
    obey_robots: bool | None = None
    expect_new_within_days: int | None = None
    render: str = "auto"

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any] | None) -> SourceOptions:
        values = dict(stored or {})
        values["allow_domains"] = tuple(values.get("allow_domains") or ())
        return cls(**{name: values[name] for name in cls.__slots__ if name in values})


class SourceSpec(BaseModel):
    """One entry of the sources file (the contract in docs/configuration.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["listing", "feed", "sitemap"]
    url: str = Field(max_length=2000)
    media: str | None = Field(None, max_length=200)  # the 媒体 printed in the bulletin; default: name
    link_pattern: str | None = None  # regex: which links on a listing page are articles
    max_pages: int | None = Field(None, ge=1, le=1000)  # listing pagination depth
    # Other sites whose links this listing may follow (its own registrable domain and WeChat always are).
    allow_domains: list[str] | None = None
    max_age_days: int | None = Field(None, ge=1)  # skip articles older than this
    obey_robots: bool | None = None  # override the crawl setting for this source
    expect_new_within_days: int | None = Field(None, ge=1)  # stale when nothing new for this long
    # auto: a page answered with a JavaScript challenge goes through a real browser; always: listing pages
    # are rendered (links written by script); never: a challenge blocks the source
    render: Literal["auto", "always", "never"] = "auto"
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _fetchable_url(cls, value: str) -> str:
        problem = url_problem(value)  # the one URL policy (pipeline.urls)
        if problem:
            raise ValueError(f"must be an http:// or https:// URL ({problem})")
        return value

    @field_validator("allow_domains")
    @classmethod
    def _domains(cls, value: list[str] | None) -> list[str] | None:
        for domain in value or []:
            if not re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?", domain):
                raise ValueError(f"{domain!r} is not a domain name (write example.com, no scheme or path)")
        return value

    @field_validator("link_pattern")
    @classmethod
    def _safe_regex(cls, value: str | None) -> str | None:
        problem = regex_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @property
    def media_name(self) -> str:
        return self.media or self.name

    def options(self) -> dict[str, Any]:
        """The kind-specific settings, as stored with the source."""
        keys = (
            *("link_pattern", "max_pages", "allow_domains", "max_age_days", "obey_robots"),
            "expect_new_within_days",
        )
        options = {key: getattr(self, key) for key in keys if getattr(self, key) is not None}
        if self.render != "auto":  # the default is left out, so sources files without it load unchanged
            options["render"] = self.render
        return options


def load_sources(path: Path) -> list[SourceSpec]:
    """Read and validate a sources file; raise InputError at the first problem."""
    text = _read_text(path)
    root = _compose(path, text)
    _check_nodes(path, root)
    entries = _entries(path, root)
    specs: list[SourceSpec] = []
    seen: dict[str, int] = {}
    for node in entries:
        spec = _validate(path, node)
        line = node.start_mark.line + 1
        if spec.name in seen:
            raise InputError(
                path,
                f"duplicate name {spec.name!r} (first at line {seen[spec.name]})",
                line=line,
                field="name",
            )
        seen[spec.name] = line
        specs.append(spec)
    return specs


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise InputError(path, "is a folder, not a sources file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(path, f"larger than {MAX_FILE_BYTES >> 10} KB: not a sources file")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(path, f"not UTF-8 text (byte {exc.start})", line=line) from None


def _compose(path: Path, text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_SourcesLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        what = problem if isinstance(exc, _Refused) else f"not valid YAML: {problem}"
        raise InputError(path, what, line=mark.line + 1 if mark else None) from None


def _check_nodes(path: Path, root: yaml.Node | None) -> None:
    """Refuse tags beyond plain YAML types (the constructor would try to build them) and a key given
    twice in one mapping (YAML keeps the last one silently)."""
    stack: list[tuple[yaml.Node, str | None]] = [(root, None)] if root is not None else []
    while stack:
        node, field = stack.pop()
        if node.tag not in ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise InputError(
                path, f"the tag {tag} is not allowed", line=node.start_mark.line + 1, field=field
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, field) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(_mapping_children(path, node, field))


def _mapping_children(
    path: Path, node: yaml.MappingNode, field: str | None
) -> list[tuple[yaml.Node, str | None]]:
    children: list[tuple[yaml.Node, str | None]] = []
    seen: set[str] = set()
    for key, value in node.value:
        name = str(key.value) if isinstance(key, yaml.ScalarNode) else field
        if isinstance(key, yaml.ScalarNode) and name in seen:
            raise InputError(path, "this key is given twice", line=key.start_mark.line + 1, field=name)
        seen.add(str(name))
        children.extend(((key, field), (value, name)))
    return children


def _entries(path: Path, root: yaml.Node | None) -> list[yaml.MappingNode]:
    if not isinstance(root, yaml.MappingNode):
        raise InputError(path, "expected a mapping with a 'sources:' list", line=1)
    for key, value in root.value:
        if key.value == "sources":
            if not isinstance(value, yaml.SequenceNode):
                raise InputError(path, "must be a list", line=value.start_mark.line + 1, field="sources")
            for item in value.value:
                if not isinstance(item, yaml.MappingNode):
                    raise InputError(path, "each source must be a mapping", line=item.start_mark.line + 1)
            return list(value.value)
        raise InputError(path, "unknown top-level key", line=key.start_mark.line + 1, field=key.value)
    raise InputError(path, "missing the 'sources:' list", line=1, field="sources")


def _validate(path: Path, node: yaml.MappingNode) -> SourceSpec:
    data = SafeConstructor().construct_document(node)  # safe: no aliases, plain tags only (checked)
    try:
        return SourceSpec.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else None
        line = _field_line(node, field) if field else node.start_mark.line + 1
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "required field is missing"
        name = data.get("name") if isinstance(data, dict) else None
        if name:
            message += f" (source {name!r})"
        raise InputError(path, message, line=line, field=field) from None


def _field_line(node: yaml.MappingNode, field: str) -> int:
    for key, _value in node.value:
        if key.value == field:
            return key.start_mark.line + 1
    return node.start_mark.line + 1
