"""decode_html: the HTTP charset is a hint; BOM, strict UTF-8 and GB18030 detection decide."""

from __future__ import annotations

import codecs

import pytest

from pipeline.stages.extract import decode_html

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
