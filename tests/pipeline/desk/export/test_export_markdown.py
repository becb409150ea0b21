from dataclasses import replace

import pytest

from pipeline.desk.export import render, render_markdown
from pipeline.desk.export.markdown import escape

EXPECTED = (
    """\
# 全国卫生信息化舆情监测周报

## （第一二期）

卫生健康委信息中心

2024年3月8日

---

### 本期导语：

"""
    "本期周报共收集 2 篇卫生信息化相关信息，时间从2024年3月4日到2024年3月8日，"
    "监测范围包括全国主流媒体及政府网站等。"
    """

### 一、信息目录

1. 某市区域全民健康信息平台上线（健康信息周刊）
2. 电子病历\\*评级\\*进展 \\[图\\]（示例卫健委）

### 二、具体内容

1. 标题：某市区域全民健康信息平台上线

媒体：健康信息周刊 2024-3-4

链接：<https://news.example.org/hit/2024/0304.html>

主要内容：

平台接入全市二十家医院。

居民可在线查询检验报告。

2. 标题：电子病历\\*评级\\*进展 \\[图\\]

媒体：示例卫健委 2024-3-6

链接：<https://wx.example.com/s/AbC_123>

主要内容：

1\\. 第一项任务

\\# 不是标题

\\- 不是列表
"""
)


def test_two_item_bulletin_has_the_published_shape(two_items, texts):
    assert render_markdown(two_items, texts) == EXPECTED


def test_every_phrase_comes_from_the_settings(two_items, texts):
    custom = texts.model_copy(
        update={
            "title": "某省卫生信息化周报",
            "organisation": "某省信息中心",
            "label_link": "网址：",
            "scope": "范围。",
        }
    )
    text = render_markdown(two_items, custom)
    assert text.startswith("# 某省卫生信息化周报\n\n## （第一二期）\n\n某省信息中心\n")
    assert "网址：<https://wx.example.com/s/AbC_123>" in text
    assert "链接：" not in text
    assert "2024年3月8日，范围。\n" in text


@pytest.mark.parametrize(
    ("crawled", "escaped"),
    [
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("[点此](javascript:alert(1))", "\\[点此\\](javascript:alert(1))"),
        ("a_b `c` ~~d~~ | e", "a\\_b \\`c\\` \\~\\~d\\~\\~ \\| e"),
        ("&lt;不是实体", "\\&lt;不是实体"),
        ("+ 加号开头", "\\+ 加号开头"),
        ("===", "\\==="),
        ("2018) 年", "2018\\) 年"),
        ("正文中的 1. 不变", "正文中的 1. 不变"),
        ("C:\\路径", "C:\\\\路径"),
    ],
)
def test_escape_neutralises_markdown_in_crawled_text(crawled, escaped):
    assert escape(crawled) == escaped


def test_hostile_link_is_not_made_clickable(two_items, texts):
    item = replace(two_items.items[0], link="javascript:alert(1)")
    text = render_markdown(replace(two_items, items=(item,)), texts)
    assert "链接：javascript:alert(1)\n" in text
    assert "<javascript" not in text


def test_item_without_media_lists_the_title_alone(two_items, texts):
    item = replace(two_items.items[0], media="")
    text = render_markdown(replace(two_items, items=(item,)), texts)
    assert "1. 某市区域全民健康信息平台上线\n" in text
    assert "媒体：2024-3-4\n" in text


def test_render_dispatches_on_format(two_items, texts):
    assert render(two_items, texts, "md") == EXPECTED.encode("utf-8")
    assert render(two_items, texts, "docx")[:2] == b"PK"
    assert render(two_items, texts, "html").startswith(b"<!DOCTYPE html>")
    with pytest.raises(ValueError, match="unknown bulletin format 'pdf'"):
        render(two_items, texts, "pdf")
