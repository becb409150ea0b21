"""Group-robot and generic webhooks: each kind's payload and signature, one POST, and its answer checked.

WeCom (企业微信) group robot: markdown or text, no signing (the key is in the URL).
DingTalk (钉钉) robot: markdown or text; signed: ``timestamp`` (ms) and ``sign`` =
base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")) in the query string.
Feishu/Lark (飞书) bot: ``post`` (title and lines) or ``text``; signed: ``timestamp`` (s) and ``sign`` =
base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg="")) in the body.
Generic: the alert as JSON; with a secret, ``X-Hitmon-Signature: sha256=<hex HMAC of the body>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.config import AlertChannel
from pipeline.ops.alerts.message import Alert


class DeliveryError(Exception):
    """The channel did not take the alert (network error, HTTP error, or the robot's error code)."""


@dataclass(frozen=True)
class WebhookRequest:
    url: str
    payload: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def build_request(channel: AlertChannel, alert: Alert, now: float | None = None) -> WebhookRequest:
    """The request ``channel`` wants for ``alert`` (``now``: Unix time, for the signatures)."""
    if channel.url is None:
        raise DeliveryError(f"{channel.kind} channel without a url")
    url = channel.url.get_secret_value()
    secret = channel.secret.get_secret_value() if channel.secret else None
    markdown = channel.format == "markdown"
    build = {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}.get(channel.kind, _generic)
    return build(url, secret, alert, markdown, time.time() if now is None else now)


def _wecom(url: str, secret: str | None, alert: Alert, markdown: bool, now: float) -> WebhookRequest:
    kind = "markdown" if markdown else "text"
    return WebhookRequest(
        url, {"msgtype": kind, kind: {"content": alert.markdown() if markdown else alert.text()}}
    )


def _dingtalk(url: str, secret: str | None, alert: Alert, markdown: bool, now: float) -> WebhookRequest:
    payload: dict[str, object] = (
        {"msgtype": "markdown", "markdown": {"title": alert.title, "text": alert.markdown()}}
        if markdown
        else {"msgtype": "text", "text": {"content": alert.text()}}
    )
    if secret:
        stamp = int(now * 1000)
        url = _with_query(url, timestamp=str(stamp), sign=dingtalk_sign(secret, stamp))
    return WebhookRequest(url, payload)


def _feishu(url: str, secret: str | None, alert: Alert, markdown: bool, now: float) -> WebhookRequest:
    payload = _feishu_post(alert) if markdown else {"msg_type": "text", "content": {"text": alert.text()}}
    if secret:
        stamp = int(now)
        payload = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **payload}
    return WebhookRequest(url, payload)


def _generic(url: str, secret: str | None, alert: Alert, markdown: bool, now: float) -> WebhookRequest:
    payload = alert.as_json()
    headers = {"X-Hitmon-Signature": "sha256=" + _hex_hmac(secret, _encode(payload))} if secret else {}
    return WebhookRequest(url, payload, headers)


def _feishu_post(alert: Alert) -> dict[str, object]:
    rows = [[{"tag": "text", "text": line}] for line in alert.lines]
    return {"msg_type": "post", "content": {"post": {"zh_cn": {"title": alert.title, "content": rows}}}}


def _with_query(url: str, **params: str) -> str:
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + joiner + urllib.parse.urlencode(params)


def _encode(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(
    request: WebhookRequest, timeout: float, opener: Callable[..., object] = urllib.request.urlopen
) -> None:
    """POST the payload; raise DeliveryError unless the robot answers 2xx with no error code."""
    http = urllib.request.Request(
        request.url,
        data=_encode(request.payload),
        headers={"Content-Type": "application/json; charset=utf-8", **request.headers},
        method="POST",
    )
    try:
        with opener(http, timeout=timeout) as response:  # type: ignore[attr-defined]
            answer = response.read()
    except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    _check_answer(answer)


def _check_answer(answer: bytes) -> None:
    """WeCom and DingTalk answer ``errcode``, Feishu ``code`` (``StatusCode`` in old bots); 0 is success."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return  # a generic webhook may answer anything with a 2xx
    if not isinstance(data, dict):
        return
    for key in ("errcode", "code", "StatusCode"):
        if data.get(key) not in (None, 0):
            message = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
            raise DeliveryError(f"{key} {data[key]}: {message}")
