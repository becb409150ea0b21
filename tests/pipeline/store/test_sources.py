from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.store.sources import MAX_FILE_BYTES, load_sources

GOOD = """\
sources:
  - name: HIT前哨网
    kind: listing
    url: http://127.0.0.1:8000/hit/
    link_pattern: '/\\d+\\.html$'
    max_pages: 3
  - name: 健康信息化前沿
    kind: feed
    url: http://127.0.0.1:8000/wechat/feeds/MP_WXS_3076453447.atom
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file(tmp_path: Path) -> None:
    specs = load_sources(write(tmp_path, GOOD))
    assert [s.name for s in specs] == ["HIT前哨网", "健康信息化前沿"]
    assert specs[0].options() == {"link_pattern": r"/\d+\.html$", "max_pages": 3}
    assert specs[1].media_name == "健康信息化前沿"


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (GOOD.replace("kind: feed", "kind: forum"), 8, "kind", "Input should be"),
        (GOOD.replace("    url: http://127.0.0.1:8000/hit/\n", ""), 2, "url", "required field is missing"),
        (GOOD.replace("name: 健康信息化前沿", "name: HIT前哨网"), 7, "name", "duplicate name"),
        (GOOD.replace("max_pages: 3", "max_pages: zero"), 6, "max_pages", "valid integer"),
        (GOOD.replace("url: http://127.0.0.1:8000/hit/", "url: ftp://x/"), 4, "url", "http"),
        (
            GOOD.replace("link_pattern: '/\\d+\\.html$'", "link_pattern: '(['"),
            5,
            "link_pattern",
            "regular expression",
        ),
        (GOOD.replace("    kind: listing", "  kind: listing"), 3, None, "not valid YAML"),
        (
            GOOD + "  - name: x\n    kind: feed\n    url: http://a/\n    colour: red\n",
            13,
            "colour",
            "Extra inputs",
        ),
        ("feeds: []\n", 1, "feeds", "unknown top-level key"),
        (GOOD.replace("8000/hit/", "99999/hit/"), 4, "url", "Port out of range"),
        (
            GOOD.replace("url: http://127.0.0.1:8000/hit/", 'url: "http://127.0.0.1/hit/\\r\\nHost: x"'),
            4,
            "url",
            "whitespace",
        ),
        (GOOD.replace("url: http://127.0.0.1:8000/hit/", "url: http:///hit/"), 4, "url", "no host"),
        (GOOD.replace("'/\\d+\\.html$'", "'(/\\w+)+$'"), 5, "link_pattern", "nested quantifiers"),
        (GOOD.replace("max_pages: 3", "max_pages: &three 3"), 6, None, "anchors and aliases"),
        (GOOD + "  - name: x\n    kind: feed\n    url: *u\n", 12, None, "anchors and aliases"),
        (
            GOOD.replace("max_pages: 3", "max_pages: !!python/object/apply:os.getpid []"),
            6,
            "max_pages",
            "tag !!python",
        ),
        (GOOD.replace("max_pages: 3", "max_pages: !!binary aGk="), 6, "max_pages", "tag !!binary"),
        (GOOD.replace("max_pages: 3", "max_pages: 3\n    max_pages: 4"), 7, "max_pages", "given twice"),
        (
            GOOD.replace("max_pages: 3", "max_pages: " + "[" * 10 + "]" * 10),
            6,
            None,
            "nested more than 8 deep",
        ),
        ("", 1, None, "expected a mapping"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_sources(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), line, field)
    assert message in str(error)


def test_a_file_larger_than_the_limit_or_not_utf8_is_refused(tmp_path: Path) -> None:
    big = write(tmp_path, GOOD + "#" * MAX_FILE_BYTES)
    with pytest.raises(InputError, match="larger than 1024 KB"):
        load_sources(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(GOOD.encode() + "  - name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8") as caught:
        load_sources(latin)
    assert caught.value.line == 10
