from __future__ import annotations

import json
from pathlib import Path

import click
import docx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from hitmon.cli import cli
from models.db import make_engine
from tests.pipeline.factories import record, store

SOURCES = """\
sources:
  - name: HIT前哨网
    kind: listing
    url: http://127.0.0.1:9/hit/
    link_pattern: '/\\d+\\.html$'
  - name: 健康信息化前沿
    kind: feed
    url: http://127.0.0.1:9/wechat/feeds/MP_WXS_3076453447.atom
"""


def run(db_url: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], input=input, catch_exceptions=False)


def all_commands() -> list[list[str]]:
    """Every command and subcommand the CLI lists, those it imports only when used included."""
    ctx = click.Context(cli)
    names = []
    for name in cli.list_commands(ctx):
        names.append([name])
        command = cli.get_command(ctx, name)
        if isinstance(command, click.Group):
            names.extend([name, sub] for sub in command.list_commands(ctx))
    return names


@pytest.mark.parametrize("command", all_commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, result.output


def test_sources_load_and_list(sqlite_url: str, tmp_path: Path) -> None:
    assert run(sqlite_url, "db", "upgrade").exit_code == 0
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    result = run(sqlite_url, "sources", "load", str(path))
    assert result.exit_code == 0 and "2 added" in result.output
    listed = json.loads(run(sqlite_url, "sources", "list", "--format", "json").output)
    assert [(s["name"], s["kind"], s["media"]) for s in listed] == [
        ("HIT前哨网", "listing", "HIT前哨网"),
        ("健康信息化前沿", "feed", "健康信息化前沿"),
    ]
    assert listed[0]["link_pattern"] == r"/\d+\.html$"


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (SOURCES.replace("kind: feed", "kind: blog"), ":7: kind:"),
        (SOURCES.replace("name: 健康信息化前沿", "name: HIT前哨网"), ":6: name: duplicate name"),
        (SOURCES.replace("    url: http://127.0.0.1:9/hit/\n", ""), ":2: url: required field is missing"),
        ("sources: [\n", ": not valid YAML"),
    ],
)
def test_bad_sources_file_exits_2_and_leaves_the_database_untouched(
    sqlite_url: str, tmp_path: Path, broken: str, where: str
) -> None:
    run(sqlite_url, "db", "upgrade")
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(SOURCES.replace("HIT前哨网", "甲"), encoding="utf-8")
    run(sqlite_url, "sources", "load", str(good))
    before = run(sqlite_url, "sources", "list", "--format", "json").output
    bad.write_text(broken, encoding="utf-8")
    result = run(sqlite_url, "sources", "load", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {bad}") and where in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert run(sqlite_url, "sources", "list", "--format", "json").output == before


def test_bad_config_file_exits_2(sqlite_url: str, tmp_path: Path) -> None:
    config = tmp_path / "hitmon.toml"
    config.write_text("[crawl]\nconcurrency = 0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", sqlite_url, "candidates"])
    assert result.exit_code == 2
    assert f"{config}:2: crawl.concurrency:" in result.stderr


@pytest.mark.parametrize(
    ("db", "args", "message", "code"),
    [
        ("sqlite:///{tmp}/absent.db", ["candidates"], "run `hitmon db upgrade` first", 1),
        (
            "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
            ["candidates"],
            "cannot reach the database",
            1,
        ),
        ("sqlite:///{tmp}/x.db", ["candidates", "--week", "2018-W99"], "2018 has no week 99", 2),
        ("sqlite:///{tmp}/x.db", ["export", "--week", "April"], "not an ISO week", 2),
        ("not-a-url", ["db", "upgrade"], "not a database URL", 2),
    ],
)
def test_errors_are_one_line_without_traceback(
    tmp_path: Path, db: str, args: list[str], message: str, code: int
) -> None:
    result = run(db.format(tmp=tmp_path), *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    # Our errors are one line; click's usage errors add its two usage lines above the error.
    assert result.stderr.strip().splitlines()[-1].startswith(("error: ", "Error: "))


def test_review_and_export_through_the_cli(sqlite_url: str, tmp_path: Path) -> None:
    run(sqlite_url, "db", "upgrade")
    engine: Engine = make_engine(sqlite_url)
    a, b, _ = store(engine, record(1, 23, score=9), record(2, 24, score=6), record(3, 25, score=1))
    rows = json.loads(run(sqlite_url, "candidates", "--week", "2018-W17", "--format", "json").output)
    assert [row["id"] for row in rows] == [a, b]
    contract = {"id", "title", "media", "published_at", "url", "score", "matched", "reprints", "status"}
    # the contract's fields, the rank it is sorted by, the learned probability that rank comes from, and
    # whether only the feed entry's title is known
    assert set(rows[0]) == contract | {"rank_score", "probability", "title_only"}
    assert rows[0]["published_at"] == "2018-04-23T02:00:00+00:00"
    table = run(sqlite_url, "candidates", "--week", "2018-W17").output
    assert "prob" in table.splitlines()[2] and "9.0" in table  # the probability's column, blank here
    assert run(sqlite_url, "review", "accept", str(a), str(b)).exit_code == 0
    assert run(sqlite_url, "review", "order", str(b), str(a)).exit_code == 0
    summary = tmp_path / "summary.txt"
    summary.write_text("第一段摘要。\n第二段摘要。", encoding="utf-8")
    edited = run(
        sqlite_url, "review", "edit", str(a), "--title", "改后的标题", "--summary-file", str(summary)
    )
    assert edited.exit_code == 0
    assert run(sqlite_url, "review", "accept", "999").stderr.strip() == "error: no article with id 999"
    md = tmp_path / "issue.md"
    result = run(
        sqlite_url,
        "export",
        "--week",
        "2018-W17",
        "--issue",
        "296",
        "--format",
        "md",
        "--out",
        str(md),
        "--org",
        "测试信息中心",
    )
    assert result.exit_code == 0, result.stderr
    text = md.read_text(encoding="utf-8")
    assert "（第二九六期）" in text and "测试信息中心" in text and "2018年4月27日" in text
    assert text.index("第2篇 电子病历") < text.index("改后的标题") and "第一段摘要。" in text
    out = tmp_path / "issue.docx"
    assert run(sqlite_url, "export", "--week", "2018-W17", "--out", str(out)).exit_code == 0
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "全国卫生信息化舆情监测周报" in paragraphs and "（第二九六期）" in paragraphs
    # Exported items leave the next week's list; nothing accepted there means no export.
    result = run(sqlite_url, "export", "--week", "2018-W18")
    assert result.exit_code == 1 and "no accepted items for 2018-W18" in result.stderr


def test_score_reads_jsonl_from_stdin(sqlite_url: str) -> None:
    lines = [
        {
            "title": "省卫健委推进电子病历系统应用水平分级评价",
            "text": "全省医院信息平台互联互通，电子健康卡普及。",
            "media": "某报",
        },
        {"title": "新款手机发布", "text": "这款手机搭载新处理器。", "media": "科技网"},
    ]
    result = run(
        sqlite_url, "score", input="\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    )
    assert result.exit_code == 0, result.stderr
    hit, miss = (json.loads(line) for line in result.output.splitlines())
    assert hit["flagged"] is True and miss["flagged"] is False and hit["score"] > miss["score"]
    assert hit["title"] == lines[0]["title"] and hit["matched"]
    bad = run(sqlite_url, "score", input='{"title": "x"}\nnot json\n')
    assert bad.exit_code == 2 and "<stdin>:2: not a JSON object" in bad.stderr


def test_extract_prints_the_contract_fields(sqlite_url: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>医院上线互联网诊疗平台_某市卫生健康委</title></head><body>"
        "<h1>医院上线互联网诊疗平台</h1><div>发布时间：2018-04-23 10:30　来源：某市卫生健康委</div>"
        '<div class="TRS_Editor">'
        + "".join(
            f"<p>第{i}段：医院上线互联网诊疗平台，患者可在线复诊、缴费和查询检查结果。</p>" for i in range(6)
        )
        + "</div></body></html>",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run(
        sqlite_url,
        "extract",
        str(page),
        str(empty),
        "--url",
        "http://www.example.gov.cn/art/2018/4/23/art_1_2.html",
    )
    assert result.exit_code == 0, result.stderr
    good, nothing = (json.loads(line) for line in result.output.splitlines())
    assert {"file", "url", "title", "published_at", "media", "author", "text"} <= set(good)
    assert (good["title"], good["published_at"], good["media"]) == (
        "医院上线互联网诊疗平台",
        "2018-04-23T10:30:00+08:00",
        "某市卫生健康委",
    )
    assert good["text"].count("\n") == 5
    assert nothing["title"] is None and nothing["reason"].startswith("NotAnArticle")


def test_sources_load_without_a_file_reads_the_configured_one(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    config = tmp_path / "hitmon.toml"
    config.write_text(f'sources_file = "{tmp_path / "sources.yaml"}"\n', encoding="utf-8")
    run(sqlite_url, "db", "upgrade")
    loaded = CliRunner().invoke(cli, ["--config", str(config), "--db", sqlite_url, "sources", "load"])
    assert loaded.exit_code == 0 and "2 added" in loaded.output
    unnamed = run(sqlite_url, "sources", "load")
    assert unnamed.exit_code == 2 and "name a sources file" in unnamed.stderr
