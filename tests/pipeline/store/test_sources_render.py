"""The ``render`` field of the sources file: auto by default (and then not stored), always or never."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.store.sources import load_sources

SOURCES = """\
sources:
  - name: 国家卫健委
    kind: listing
    url: http://127.0.0.1:8000/xxgk/
  - name: 脚本栏目
    kind: listing
    url: http://127.0.0.1:8000/dyn/
    render: always
  - name: 不用浏览器
    kind: feed
    url: http://127.0.0.1:8000/feed.xml
    render: never
"""


def test_render_defaults_to_auto_and_is_kept_in_the_options_when_set(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    specs = load_sources(path)
    assert [spec.render for spec in specs] == ["auto", "always", "never"]
    assert [spec.options().get("render") for spec in specs] == [None, "always", "never"]


def test_a_bad_render_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES.replace("render: always", "render: sometimes"), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_sources(path)
    message = str(raised.value)
    assert f"{path}:8" in message and "render" in message and "'auto', 'always' or 'never'" in message
