"""decode_html: the HTTP charset is a hint; BOM, strict UTF-8 and GB18030 detection decide."""

from __future__ import annotations

import codecs

import pytest

from pipeline.errors import UndecodablePage
from pipeline.stages.extract import decode_html
from pipeline.stages.extract.decode import decode_page

TEXT = "<html><head><title>卫生信息化</title></head><body><p>电子病历·互联互通（测评）</p></body></html>"


@pytest.mark.parametrize("header", [None, "utf-8", "gbk", "iso-8859-1", "no-such-charset"])
def test_utf8_page_whatever_the_header_says(header):
    assert decode_html(TEXT.encode("utf-8"), header) == TEXT


@pytest.mark.parametrize("header", [None, "utf-8", "iso-8859-1", "gb2312", "GBK"])
def test_gbk_page_whatever_the_header_says(header):
    assert decode_html(TEXT.encode("gbk"), header) == TEXT


def test_meta_gb2312_page_with_characters_outside_gb2312():
    # 镕 and 喆 are not in GB2312; pages labelled gb2312 use them anyway (GBK/GB18030 in practice).
    text = '<meta charset="gb2312"><p>朱镕基 魏喆</p>'
    assert decode_html(text.encode("gb18030")) == text


def test_big5_declared_in_meta():
    text = '<meta http-equiv="Content-Type" content="text/html; charset=big5"><p>醫療資訊化</p>'
    assert decode_html(text.encode("big5")) == text


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_byte_order_mark_wins(bom, codec):
    assert decode_html(bom + TEXT.encode(codec), "gbk") == TEXT


def test_broken_bytes_are_replaced_not_raised():
    body = TEXT.encode("utf-8").replace("互联".encode(), b"\xff\xfe")
    decoded = decode_html(body, "utf-8")
    assert "电子病历" in decoded
    assert "\ufffd" in decoded


def test_latin1_header_on_plain_ascii():
    assert decode_html(b"<p>plain</p>", "iso-8859-1") == "<p>plain</p>"


TRADITIONAL = "<html><body><p>衛生健康委員會推進醫院資訊化建設，電子病歷系統與互聯網醫院。</p></body></html>"


@pytest.mark.parametrize("header", [None, "gb2312", "iso-8859-1"])
def test_big5_page_undeclared_or_mislabelled_is_told_from_gb_by_content(header):
    # GB18030 decodes these bytes without error, into nonsense (矫ネ胺眃…): that was stored before.
    assert decode_html(TRADITIONAL.encode("big5"), header) == TRADITIONAL


def test_big5_label_covers_the_cp950_and_hkscs_extensions():
    text = "<meta charset='big5'><p>恒生銀行 碁 裏 醫療資訊</p>"  # 恒, 碁 and 裏 are outside plain Big5
    assert decode_html(text.encode("cp950")) == text


@pytest.mark.parametrize("where", ["meta", "header"])
def test_a_page_declaring_utf7_is_refused_not_stored_as_garble(where):
    text = "<html><head><title>卫生信息化</title></head><body><p>电子病历</p></body></html>"
    meta = "<meta charset='utf-7'>" if where == "meta" else ""
    body = (meta + text).encode("utf-7")
    header = "utf-7" if where == "header" else None
    with pytest.raises(UndecodablePage, match="UTF-7"):
        decode_page(body, header)
    assert "+" in decode_html(body, header)  # the lenient form (block sniffing) never raises


def test_utf8_bytes_win_over_a_utf7_label():
    assert decode_page(TEXT.encode("utf-8"), "utf-7") == TEXT


@pytest.mark.parametrize("label", ["unicode_escape", "rot13", "base64", "utf-16"])
def test_labels_that_are_no_web_text_encoding_are_ignored(label):
    body = b"<meta charset='" + label.encode() + b"'><p>\\u4e2d plain</p>"
    assert decode_html(body) == body.decode("ascii")
