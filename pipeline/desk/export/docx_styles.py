"""Page and styles of a Chinese official document (公文, after GB/T 9704): A4, its margins, its fonts.

Sizes by their Chinese names: 二号 22 pt, 三号 16 pt, 四号 14 pt.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import BaseStyle

from pipeline.desk.export.docx_xml import declare_font_fallbacks, drop_relationships, set_fonts

LATIN_FONT = "Times New Roman"  # digits and Latin letters in 公文
# Where a reader lacks a font, Word looks for these instead (w:altName in the font table).
FONT_FALLBACKS = {"方正小标宋简体": "黑体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}
MASTHEAD = "Masthead"  # the issue number, organisation and date under the title
HYPERLINK = "Hyperlink"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
LINE_PITCH = Pt(28)  # exact line spacing: about 22 lines on an A4 公文 page
INDENT = Pt(32)  # two characters of 三号 text


@dataclass(frozen=True, slots=True)
class TextStyle:
    name: str
    font: str  # the East-Asian font
    size: Length
    centred: bool = False
    indent: Length | int = INDENT  # first-line indent
    outline_level: int | None = None  # 0 for Heading 1: what the navigation pane and the PDF outline show
    space_before: Length | int = 0
    line_spacing: Length = LINE_PITCH  # exact


STYLES = (
    TextStyle("Normal", "仿宋_GB2312", Pt(16)),
    TextStyle("Title", "方正小标宋简体", Pt(22), centred=True, indent=0, line_spacing=Pt(36)),
    TextStyle(MASTHEAD, "仿宋_GB2312", Pt(16), centred=True, indent=0),
    TextStyle("Heading 1", "黑体", Pt(16), outline_level=0, space_before=Pt(8)),
    TextStyle("Heading 2", "黑体", Pt(16), outline_level=1, space_before=Pt(8)),
    TextStyle("Footer", "宋体", Pt(14), centred=True, indent=0),
)
FONT_OF = {style.name: style.font for style in STYLES}


def set_up_page(section: Section) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)


def set_up_styles(document: Document) -> None:
    _set_defaults(document)
    document.styles.add_style(MASTHEAD, WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]
    for spec in STYLES:
        _apply(document.styles[spec.name], spec)
    link = document.styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER, builtin=True)  # Word's own name
    link.font.color.rgb, link.font.underline = RGBColor(0x05, 0x63, 0xC1), True
    declare_font_fallbacks(document, FONT_FALLBACKS)
    drop_relationships(document, STYLES_WITH_EFFECTS)  # the template's stale copy of its styles (Word 2010)


def _apply(style: BaseStyle, spec: TextStyle) -> None:
    # Start from nothing: the template's styles carry theme fonts, colours and borders (a blue, ruled title).
    for old in style.element.findall(qn("w:pPr")) + style.element.findall(qn("w:rPr")):
        style.element.remove(old)
    style.font.size, style.font.bold, style.font.color.rgb = spec.size, False, RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr(), spec.font, LATIN_FONT)
    paragraph = style.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if spec.centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.first_line_indent = spec.indent
    paragraph.space_before, paragraph.space_after = spec.space_before, 0
    paragraph.line_spacing = spec.line_spacing
    if spec.outline_level is not None:
        paragraph.keep_with_next = True
        outline = style.element.get_or_add_pPr().get_or_add_outlineLvl()
        outline.set(qn("w:val"), str(spec.outline_level))


def _set_defaults(document: Document) -> None:
    """Document defaults: Chinese line breaking (``w:lang eastAsia``) and no theme fonts."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(run_defaults, FONT_OF["Normal"], LATIN_FONT)
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
