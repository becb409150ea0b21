"""The sources file (sources.yaml): parsing and validation, with errors that name file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import InputError


class SourceSpec(BaseModel):
    """One entry of the sources file (the contract in docs/configuration.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["listing", "feed", "sitemap"]
    url: str = Field(max_length=2000)
    media: str | None = Field(None, max_length=200)  # the 媒体 printed in the bulletin; default: name
    link_pattern: str | None = None  # regex: which links on a listing page are articles
    max_pages: int | None = Field(None, ge=1, le=1000)  # listing pagination depth
    max_age_days: int | None = Field(None, ge=1)  # skip articles older than this
    obey_robots: bool | None = None  # override the crawl setting for this source
    expect_new_within_days: int | None = Field(None, ge=1)  # stale when nothing new for this long
    # auto: a page answered with a JavaScript challenge goes through a real browser; always: listing pages
    # are rendered (links written by script); never: a challenge blocks the source
    render: Literal["auto", "always", "never"] = "auto"
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("link_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @property
    def media_name(self) -> str:
        return self.media or self.name

    def options(self) -> dict[str, Any]:
        """The kind-specific settings, as stored with the source."""
        keys = ("link_pattern", "max_pages", "max_age_days", "obey_robots", "expect_new_within_days")
        options = {key: getattr(self, key) for key in keys if getattr(self, key) is not None}
        if self.render != "auto":  # the default is left out, so sources files without it load unchanged
            options["render"] = self.render
        return options


def load_sources(path: Path) -> list[SourceSpec]:
    """Read and validate a sources file; raise InputError at the first problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from None
    root = _compose(path, text)
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


def _compose(path: Path, text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(path, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None) from None


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
    data = yaml.safe_load(yaml.serialize(node))
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
