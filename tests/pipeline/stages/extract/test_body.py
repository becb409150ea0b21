"""Body: known article containers first, trafilatura otherwise, feed content for JavaScript pages."""

from __future__ import annotations

import pytest

from pipeline.stages.extract.body import block_text, feed_body, find_body, is_link_list

MENU = "".join(f"<li><a href='/c{n}'>栏目{n}</a></li>" for n in range(40))
PARAGRAPH = "区域全民健康信息平台已联通辖区内所有公立医院，检查检验结果实现互认共享。"


@pytest.mark.parametrize(
    "container",
    [
        "<div class='TRS_Editor'>{}</div>",
        "<div class='view TRS_UEDITOR trs_paper_default'>{}</div>",
        "<div id='Zoom'>{}</div>",
        "<div class='pages_content mhide' id='UCAP-CONTENT'>{}</div>",
        "<div class='rich_media_content' id='js_content'>{}</div>",
    ],
)
def test_known_containers_win_over_the_menu(container, page_of):
    article = container.format(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH[::-1]}</p>")
    page = page_of(f"<html><body><ul>{MENU}</ul>{article}<ul>{MENU}</ul></body></html>")
    assert find_body(page, "", "") == f"{PARAGRAPH}\n{PARAGRAPH[::-1]}"


def test_block_text_keeps_inline_spans_on_one_line(page_of):
    page = page_of(
        "<html><body><div id='c'><section><span>第一句，</span><span>同一段。</span></section>"
        "<section><img data-src='https://img.example/1.png'></section><p>第二段<br>换行后</p></div></body></html>"
    )
    assert block_text(page.tree.get_element_by_id("c")) == "第一句，同一段。\n第二段\n换行后"


def test_trafilatura_finds_an_unmarked_article(page_of):
    paragraphs = "".join(f"<p>{PARAGRAPH}第{n}段。</p>" for n in range(6))
    page = page_of(f"<html><body><ul>{MENU}</ul><div class='main'>{paragraphs}</div></body></html>")
    text = find_body(page, "http://news.example/a.html", "")
    assert text.split("\n")[0] == f"{PARAGRAPH}第0段。"
    assert len(text.split("\n")) == 6
    assert "栏目" not in text


def test_feed_body_turns_blocks_into_lines():
    assert feed_body("<div><p>一段。</p><p>两段。<br/>三行。</p></div>", "") == "一段。\n两段。\n三行。"


def test_link_list(page_of):
    page = page_of(f"<html><body><ul>{MENU}</ul></body></html>")
    assert is_link_list(page, "\n".join(f"- 栏目{n}" for n in range(40)))
    assert not is_link_list(page, PARAGRAPH)
