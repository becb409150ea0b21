"""Bytes to text: the HTTP charset is often absent or wrong on Chinese sites, so it is only a hint.

Two hostile cases are handled apart: a page declaring UTF-7 (whose ASCII bytes would otherwise be stored
as ``+U2t1Hw`` garble, and which browsers refuse to decode because it smuggles markup past filters) is
refused, and Big5 pages (which GB18030 decodes without error, into nonsense) are told from GB pages by
how many of their characters are everyday ones.
"""

from __future__ import annotations

import codecs
import re

from pipeline.errors import UndecodablePage

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Servers send these by default; a page with non-ASCII bytes is almost never really in them.
_DEFAULT_CHARSETS = {"latin-1", "iso8859-1", "cp1252", "ascii"}
_GB_FAMILY = {"gb2312", "gbk", "gb18030"}
_BIG5_FAMILY = {"big5", "cp950", "big5hkscs"}  # pages labelled Big5 use the HKSCS/CP950 extensions
_CJK = ("gb18030", "big5hkscs")
# Codecs a web page may declare: text encodings of the WHATWG list. Not utf-7 (refused), nor Python's own
# unicode_escape, rot13, base64 and the like, which would turn a declaration into an interpreter.
_WEB_ENCODINGS = {
    *("utf-8", "gb18030", "big5hkscs", "euc_jp", "shift_jis", "iso2022_jp", "euc_kr", "koi8-r", "koi8-u"),
    *(f"cp{n}" for n in (866, 874, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258)),
    *(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    *("ascii", "mac-roman"),  # not utf-16: a real UTF-16 page has a BOM, a declaration alone lies
}
_SWITCH_MARGIN = 0.2  # how much more everyday text the other CJK decoding must give to be preferred


def decode_html(body: bytes, http_encoding: str | None = None) -> str:
    """``decode_page`` that never raises: a refused page comes back as its ASCII (for block sniffing)."""
    try:
        return decode_page(body, http_encoding)
    except UndecodablePage:
        return body.decode("ascii", errors="replace")


def decode_page(body: bytes, http_encoding: str | None = None) -> str:
    """BOM, strict UTF-8, the declared charsets, GB18030 or Big5 by content, then the least-bad guess.

    Raises UndecodablePage for a page declaring UTF-7 that is not UTF-8."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    labels = [label for label in (http_encoding, _meta_charset(body)) if label]
    if not body.isascii() and (text := _strict(body, "utf-8")) is not None:
        return text
    if any(_lookup(label) == "utf-7" for label in labels):
        raise UndecodablePage("declares UTF-7, which browsers refuse to decode; not stored as garble")
    declared = [name for name in map(_codec_name, labels) if name]
    for encoding in dict.fromkeys(["utf-8", *declared]):
        if encoding in _DEFAULT_CHARSETS and not body.isascii():
            continue
        if (text := _strict(body, encoding)) is not None:
            return _check_cjk(body, text, encoding)
    cjk = [(text, encoding) for encoding in _CJK if (text := _strict(body, encoding)) is not None]
    if cjk:
        return max(cjk, key=lambda found: _everyday_share(found[0]))[0]  # GB18030 on a tie
    return min(
        (body.decode(encoding, errors="replace") for encoding in dict.fromkeys(["utf-8", *declared, *_CJK])),
        key=lambda text: text.count("\ufffd"),
    )


def _check_cjk(body: bytes, text: str, encoding: str) -> str:
    """A page declared GB that is really Big5 (or the reverse) decodes without error: compare by content."""
    if encoding not in _CJK:
        return text
    other = _strict(body, _CJK[1 - _CJK.index(encoding)])
    if other is not None and _everyday_share(other) > _everyday_share(text) + _SWITCH_MARGIN:
        return other
    return text


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _everyday_characters() -> frozenset[str]:
    """The level-1 (most frequent) characters of GB2312 (3,755, simplified) and Big5 (5,401, traditional)."""
    found: set[str] = set()
    ranges = (
        ("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), range(0x40, 0xFF)),
    )
    for encoding, leads, trails in ranges:
        for lead in leads:
            for trail in trails:
                try:
                    found.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    continue
    return frozenset(found)


_EVERYDAY = _everyday_characters()


def _everyday_share(text: str) -> float:
    """Of the non-ASCII characters, the share that are everyday Chinese characters: near 1 for a right
    decoding, far lower when Big5 bytes are read as GB18030 (kana, box drawing, rare characters)."""
    wide = [char for char in text if ord(char) > 0x7F]
    return sum(char in _EVERYDAY for char in wide) / len(wide) if wide else 1.0


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:8192])
    return found.group(1).decode("ascii") if found else None


def _lookup(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def _codec_name(label: str | None) -> str | None:
    """Python's codec name for a web charset label; GB2312/GBK pages use GB18030 characters in practice,
    Big5 pages the HKSCS ones. None for a label that is no web text encoding."""
    name = _lookup(label) if label else None
    if name in _GB_FAMILY:
        return "gb18030"
    if name in _BIG5_FAMILY:
        return "big5hkscs"
    return name if name in _WEB_ENCODINGS else None
