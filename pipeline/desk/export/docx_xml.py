"""The WordprocessingML python-docx has no API for: East-Asian fonts, fields, hyperlinks, borders, font table.

python-docx exposes a paragraph's and a run's XML only as ``_p`` / ``_r``; those two names are the one
private access here.
"""

from __future__ import annotations

from collections.abc import Mapping

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rPr, east_asian: str, latin: str) -> None:
    """Name the fonts of a run or style properties element, ``w:eastAsia`` included.

    Theme font attributes are removed because Word lets them override the explicit names.
    """
    fonts = rPr.get_or_add_rFonts()
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> list[Run]:
    """A complex field (``PAGE``…) showing ``placeholder`` until the reader updates it."""
    begin, code, separate, shown, end = (paragraph.add_run() for _ in range(5))
    begin._r.append(_field_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    code._r.append(instr)
    separate._r.append(_field_char("separate"))
    shown.text = placeholder
    end._r.append(_field_char("end"))
    return [begin, code, separate, shown, end]


def add_hyperlink(paragraph: Paragraph, target: str, text: str) -> Run:
    """An external link around one new run (styled ``Hyperlink``); returns the run for its fonts."""
    relationship = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = paragraph.add_run(text, style="Hyperlink")
    run._r.addprevious(link)
    link.append(run._r)
    return run


def add_bottom_border(paragraph: Paragraph, color: str, eighths_of_point: int) -> None:
    """A rule under the paragraph (the red line under a 公文 masthead)."""
    border = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", str(eighths_of_point)), ("w:space", "6")):
        border.set(qn(attribute), value)
    border.set(qn("w:color"), color)
    borders = OxmlElement("w:pBdr")
    borders.append(border)
    paragraph_properties = paragraph._p.get_or_add_pPr()
    paragraph_properties.insert_element_before(borders, *_AFTER_PBDR)


def declare_font_fallbacks(document: Document, fallbacks: Mapping[str, str]) -> None:
    """Add font-table entries naming, for each font, the one to use where it is not installed.

    ``w:altName`` is OOXML's alternative-name list for locating a font; ``charset 86`` marks GB2312.
    """
    part = document.part
    relationship = next(rel for rel in part.rels.values() if rel.reltype == RT.FONT_TABLE)
    old = relationship.target_part
    table = parse_xml(old.blob)
    for name, fallback in fallbacks.items():
        for existing in table.findall(qn("w:font")):
            if existing.get(qn("w:name")) == name:
                table.remove(existing)
        table.append(_font_entry(name, fallback))
    part.drop_rel(relationship.rId)
    part.relate_to(XmlPart(old.partname, old.content_type, table, old.package), RT.FONT_TABLE)


def drop_relationships(document: Document, reltype: str) -> None:
    """Remove the document's parts of one kind (a part no relationship reaches is not saved)."""
    part = document.part
    for relationship in [rel for rel in part.rels.values() if rel.reltype == reltype]:
        part.drop_rel(relationship.rId)


def _font_entry(name: str, fallback: str):
    entry = OxmlElement("w:font")
    entry.set(qn("w:name"), name)
    properties = {"w:altName": fallback, "w:charset": "86", "w:family": "auto", "w:pitch": "variable"}
    for tag, value in properties.items():  # in schema order
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        entry.append(child)
    return entry


def _field_char(kind: str):
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


# Children that follow w:pBdr in w:pPr (schema order; Word rejects a document that breaks it).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
