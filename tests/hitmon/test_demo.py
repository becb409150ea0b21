"""The README's main job: `hitmon demo` serves the sample site, crawls, flags and exports the bulletin."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from hitmon.samplesite import load_sample_articles

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("demo") / "output"
    command = [sys.executable, "-c", "from hitmon.cli import main; main()", "demo", "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    return out, result


def test_demo_reports_what_it_did(demo) -> None:  # type: ignore[no-untyped-def]
    out, result = demo
    assert result.returncode == 0, result.stderr
    stored = int(re.search(r"(\d+) articles stored", result.stdout).group(1))
    assert stored == len(load_sample_articles())
    for name in ("weekly-296.docx", "weekly-296.md", "weekly-296.html", "demo.db"):
        assert str(out / name) in result.stdout and (out / name).stat().st_size > 0


def test_demo_docx_opens_with_the_bulletin_form(demo) -> None:  # type: ignore[no-untyped-def]
    out, _ = demo
    document = docx.Document(str(out / "weekly-296.docx"))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "全国卫生信息化舆情监测周报"
    assert "（第二九六期）" in texts and "2018年4月27日" in texts
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["本期导语：", "一、信息目录", "二、具体内容"]
    items = [t for t in texts if t.startswith("标题：") or re.match(r"\d+\. 标题：", t)]
    assert len(items) == 5
    intro = next(t for t in texts if t.startswith("本期周报共收集"))
    assert "共收集 5 篇" in intro and "时间从2018年4月23日到2018年4月27日" in intro


def test_demo_markdown_lists_the_weeks_health_it_items(demo) -> None:  # type: ignore[no-untyped-def]
    out, _ = demo
    text = (out / "weekly-296.md").read_text(encoding="utf-8")
    assert text.startswith("# 全国卫生信息化舆情监测周报\n")
    toc = text.split("### 一、信息目录", 1)[1].split("### 二、具体内容", 1)[0]
    entries = re.findall(r"^\d+\. (.+)（(.+)）$", toc, flags=re.MULTILINE)
    assert len(entries) == 5
    week = {a.title: a for a in load_sample_articles() if a.iso_week == "2018-W17"}
    for title, media in entries:
        title = title.replace("\\", "")
        assert title in week, title
        assert week[title].health_it, f"accepted a non-health-IT item: {title}"
        assert media == week[title].media, title
    assert len(re.findall(r"^媒体：.+ 2018-4-\d+$", text, flags=re.MULTILINE)) == 5
    assert len(re.findall(r"^链接：<https?://", text, flags=re.MULTILINE)) == 5
