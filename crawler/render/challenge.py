"""Which responses are challenges a browser can clear: a script that computes a cookie and reloads.

The page rules are ``pipeline.stages.blocking``'s; this adds a cheap byte test first, so the plain path
does not parse every page twice, and leaves out what a browser cannot clear (captchas, WeChat
verification, a plain 403)."""

from __future__ import annotations

from pipeline.stages.blocking import blocked_reason

CHALLENGE_STATUSES = frozenset({412, 521})  # Ruishu (瑞数) answers 412, Jiasule (加速乐) 521
# Bytes every script challenge carries (blocks._CHALLENGE_SCRIPT and _COOKIE_RELOAD), lower-cased.
_SCRIPT_MARKERS = (b"__jsl_clearance", b"cf-browser-verification", b"challenge-platform", b"$_ts", b"cookie")
_SNIFF_BYTES = 200_000
# Reasons (pipeline.stages.extract.blocks) that a script clears by itself; 环境异常, 滑动验证, 验证码 and the
# like want a person, so they stay blocks.
_CLEARED_BY_SCRIPT = (
    "javascript challenge",
    "enable javascript",
    "enable cookies",
    "checking your browser",
    "just a moment",
)


def script_challenge(status: int, body: bytes, encoding: str | None = None) -> str | None:
    """The reason ("HTTP 412: anti-bot challenge") when the response is a challenge a browser may clear."""
    head = body[:_SNIFF_BYTES].lower()
    if status not in CHALLENGE_STATUSES and not any(marker in head for marker in _SCRIPT_MARKERS):
        return None
    reason = blocked_reason(status, body, encoding)
    if reason and (status in CHALLENGE_STATUSES or any(p in reason.lower() for p in _CLEARED_BY_SCRIPT)):
        return reason
    return None
