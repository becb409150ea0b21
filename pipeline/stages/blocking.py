"""Whether a response is a block (anti-bot challenge, captcha, refusal) rather than the content asked for.

Listing pages, feeds and HTTP error responses are checked here; article pages are checked by extraction,
with the same page rules (``pipeline.stages.extract.blocks``).
"""

from __future__ import annotations

from pipeline.errors import ChallengePage, DeletedArticle
from pipeline.stages.extract.blocks import check_blocked
from pipeline.stages.extract.decode import decode_html
from pipeline.stages.extract.page import parse_page

# Statuses that anti-bot services answer with: Ruishu-style 412, Jiasule/Cloudflare 521, plain refusal 403.
BLOCKING_STATUS = {403: "access forbidden", 412: "anti-bot challenge", 521: "anti-bot challenge"}
_SNIFF_BYTES = 200_000  # a challenge page is small; do not parse a large body to find one


def blocked_reason(status: int, body: bytes, http_encoding: str | None = None) -> str | None:
    """A reason such as "HTTP 412: JavaScript challenge: __jsl_clearance", or None for real content."""
    found = _page_challenge(body[:_SNIFF_BYTES], http_encoding)
    if found:
        return f"HTTP {status}: {found}"
    if status in BLOCKING_STATUS:
        return f"HTTP {status}: {BLOCKING_STATUS[status]}"
    return None


def _page_challenge(body: bytes, http_encoding: str | None) -> str | None:
    if not body.strip():
        return None
    page = parse_page(decode_html(body, http_encoding))
    if page is None:
        return None
    try:
        check_blocked(page)
    except ChallengePage as exc:
        return str(exc)
    except DeletedArticle:
        return None  # a deleted article is the article's news, not a block of the source
    return None
