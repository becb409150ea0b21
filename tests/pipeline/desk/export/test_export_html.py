from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from importlib.resources import files

from pipeline.desk.export import BulletinItem, render_html

HOSTILE = BulletinItem(
    title='<script>alert("t")</script>',
    media='" onmouseover="alert(1)',
    published=date(2024, 3, 5),
    link='https://evil.example/" onclick="alert(2)',
    body="<img src=x onerror=alert(3)>\n</p><iframe src=//evil.example>",
)


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Elements:
    elements = _Elements()
    elements.feed(page)
    return elements


def test_hostile_strings_render_as_text(two_items, texts):
    page = render_html(replace(two_items, items=(HOSTILE, *two_items.items)), texts)
    elements = _parse(page)
    assert not elements.tags & {"script", "img", "iframe"}
    assert not [name for name, _ in elements.attributes if name.startswith("on")]
    shown = "".join(elements.text)
    assert '<script>alert("t")</script>' in shown
    assert '" onmouseover="alert(1)' in shown
    assert "<img src=x onerror=alert(3)>" in shown


def test_only_web_links_become_hrefs(two_items, texts):
    script_link = replace(two_items.items[0], link="javascript:alert(1)")
    page = render_html(replace(two_items, items=(script_link, HOSTILE, two_items.items[1])), texts)
    hrefs = [value for name, value in _parse(page).attributes if name == "href"]
    assert hrefs == ["#item-1", "#item-2", "#item-3", "https://wx.example.com/s/AbC_123"]
    assert "javascript:alert(1)" in page  # shown to the editor, not clickable


def test_page_is_standalone(two_items, texts):
    page = render_html(two_items, texts)
    elements = _parse(page)
    assert not [name for name, _ in elements.attributes if name == "src"]
    assert "link" not in elements.tags
    assert "size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm;" in page
    assert "default-src 'none'" in page


def test_page_holds_the_bulletin_in_order(two_items, texts):
    shown = "".join(_parse(render_html(two_items, texts)).text)
    order = [
        "全国卫生信息化舆情监测周报",
        "（第一二期）",
        "卫生健康委信息中心",
        "2024年3月8日",
        "本期导语：",
        "本期周报共收集 2 篇",
        "一、信息目录",
        "某市区域全民健康信息平台上线（健康信息周刊）",
        "二、具体内容",
        "1. 标题：某市区域全民健康信息平台上线",
        "健康信息周刊 2024-3-4",
        "居民可在线查询检验报告。",
        "2. 标题：电子病历*评级*进展 [图]",
        "- 不是列表",
    ]
    positions = [shown.index(part) for part in order]
    assert positions == sorted(positions)


def test_template_ships_as_package_data():
    template = files("pipeline.desk.export") / "templates" / "bulletin.html.j2"
    assert template.is_file()
