import io
import shutil
import subprocess
import zipfile
from dataclasses import replace

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pipeline.desk.export import docx_bytes, write_docx


@pytest.fixture
def document(two_items, texts):
    return docx.Document(io.BytesIO(docx_bytes(two_items, texts)))


def _texts_in(document, style: str) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.style.name == style]


def _east_asian_font(run_element) -> str | None:
    fonts = run_element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_headings_are_word_headings(document, texts):
    assert _texts_in(document, "Title") == [texts.title]
    assert _texts_in(document, "Heading 1") == [texts.intro_heading, texts.toc_heading, texts.content_heading]
    assert _texts_in(document, "Heading 2") == [
        "1. 标题：某市区域全民健康信息平台上线",
        "2. 标题：电子病历*评级*进展 [图]",
    ]


def test_masthead_and_intro(document):
    assert _texts_in(document, "Masthead") == ["（第一二期）", "卫生健康委信息中心", "2024年3月8日"]
    body = _texts_in(document, "Normal")
    assert body[0].startswith("本期周报共收集 2 篇卫生信息化相关信息，时间从2024年3月4日到2024年3月8日")
    assert body[1:3] == [
        "1. 某市区域全民健康信息平台上线（健康信息周刊）",
        "2. 电子病历*评级*进展 [图]（示例卫健委）",
    ]


def test_items_carry_media_link_and_paragraphs(document):
    body = _texts_in(document, "Normal")
    first = body.index("媒体：健康信息周刊 2024-3-4")
    assert body[first : first + 5] == [
        "媒体：健康信息周刊 2024-3-4",
        "链接：https://news.example.org/hit/2024/0304.html",
        "主要内容：",
        "平台接入全市二十家医院。",
        "居民可在线查询检验报告。",
    ]
    assert body[-3:] == ["1. 第一项任务", "# 不是标题", "- 不是列表"]


def test_every_run_names_its_east_asian_font(document):
    fonts = {"Normal": "仿宋_GB2312", "Masthead": "仿宋_GB2312", "Heading 1": "黑体", "Heading 2": "黑体"}
    fonts["Title"] = "方正小标宋简体"
    # w:r anywhere in the paragraph: hyperlink runs included
    runs = [
        (paragraph.style.name, run)
        for paragraph in document.paragraphs
        for run in paragraph._p.iter(qn("w:r"))
    ]
    assert len(runs) >= 20
    assert all(_east_asian_font(run) == fonts[style] for style, run in runs)


def test_styles_set_official_document_fonts_and_sizes(document):
    styles = document.styles
    assert styles["Normal"].font.size == Pt(16)
    assert styles["Heading 1"].font.size == Pt(16)
    assert styles["Title"].font.size == Pt(22)
    assert styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    normal_fonts = styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert normal_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal_fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the name
    outline = styles["Heading 1"].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    assert outline.get(qn("w:val")) == "0"


def test_page_is_a4_with_official_margins(document):
    section = document.sections[0]
    for measured, expected in [
        (section.page_width, Cm(21)),
        (section.page_height, Cm(29.7)),
        (section.top_margin, Cm(3.7)),
        (section.bottom_margin, Cm(3.5)),
        (section.left_margin, Cm(2.8)),
        (section.right_margin, Cm(2.6)),
    ]:
        assert abs(measured - expected) < Cm(0.01)


def test_footer_numbers_pages_with_a_page_field(document):
    footer = document.sections[0].footer.paragraphs[0]
    instructions = [element.text for element in footer._p.iter(qn("w:instrText"))]
    kinds = [element.get(qn("w:fldCharType")) for element in footer._p.iter(qn("w:fldChar"))]
    assert instructions == [" PAGE "]
    assert kinds == ["begin", "separate", "end"]
    assert footer.text == "— 1 —"
    assert footer.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_web_links_are_hyperlinks_and_others_text(two_items, texts):
    script_link = replace(two_items.items[1], link="javascript:alert(1)")
    document = docx.Document(
        io.BytesIO(docx_bytes(replace(two_items, items=(two_items.items[0], script_link)), texts))
    )
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK]
    assert targets == ["https://news.example.org/hit/2024/0304.html"]
    assert "链接：javascript:alert(1)" in _texts_in(document, "Normal")


def test_non_ascii_link_target_is_percent_encoded(two_items, texts):
    item = replace(two_items.items[0], link="https://example.org/新闻/1.html")
    document = docx.Document(io.BytesIO(docx_bytes(replace(two_items, items=(item,)), texts)))
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK]
    assert targets == ["https://example.org/%E6%96%B0%E9%97%BB/1.html"]
    assert "链接：https://example.org/新闻/1.html" in _texts_in(document, "Normal")


def test_control_characters_in_crawled_text_do_not_break_the_document(two_items, texts):
    item = replace(two_items.items[0], title="标题\x00\x1f", body="正文\x08一")
    document = docx.Document(io.BytesIO(docx_bytes(replace(two_items, items=(item,)), texts)))
    assert "1. 标题：标题" in _texts_in(document, "Heading 2")
    assert "正文一" in _texts_in(document, "Normal")


def test_font_table_names_fallbacks(two_items, texts, tmp_path):
    path = write_docx(two_items, texts, tmp_path / "bulletin.docx")
    with zipfile.ZipFile(path) as package:
        font_table = package.read("word/fontTable.xml").decode("utf-8")
        assert package.testzip() is None
        assert "word/stylesWithEffects.xml" not in package.namelist()  # no stale copy of the old styles
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="黑体"/>' in font_table


def test_document_properties_name_the_issue(document):
    assert document.core_properties.title == "全国卫生信息化舆情监测周报（第一二期）"
    assert document.core_properties.author == "卫生健康委信息中心"


OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(OFFICE is None, reason="LibreOffice (soffice) is not on PATH")
def test_libreoffice_converts_the_document_to_pdf(two_items, texts, tmp_path):
    source = write_docx(two_items, texts, tmp_path / "bulletin.docx")
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"  # no clash with a running office
    command = [OFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "bulletin.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 2000
