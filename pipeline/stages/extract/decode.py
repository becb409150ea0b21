"""Bytes to text: the HTTP charset is often absent or wrong on Chinese sites, so it is only a hint."""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Servers send these by default; a page with non-ASCII bytes is almost never really in them.
_DEFAULT_CHARSETS = {"latin-1", "iso8859-1", "cp1252", "ascii"}
_GB_FAMILY = {"gb2312", "gbk", "gb18030"}


def decode_html(body: bytes, http_encoding: str | None = None) -> str:
    """Decode a page: BOM, strict UTF-8, the declared charsets, GB18030, then the least-bad guess."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    declared = [_codec_name(name) for name in (http_encoding, _meta_charset(body))]
    candidates = ["utf-8", *(name for name in declared if name), "gb18030"]
    for encoding in dict.fromkeys(candidates):
        if encoding in _DEFAULT_CHARSETS and not body.isascii():
            continue
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return min(
        (body.decode(encoding, errors="replace") for encoding in ("utf-8", "gb18030")),
        key=lambda text: text.count("\ufffd"),
    )


def _meta_charset(body: bytes) -> str | None:
    found = _META_CHARSET.search(body[:8192])
    return found.group(1).decode("ascii") if found else None


def _codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label; GB2312 and GBK pages use GB18030 characters in practice."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name
