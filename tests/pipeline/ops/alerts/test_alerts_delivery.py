from __future__ import annotations

import base64
import email
import hashlib
import hmac
import logging
import time

import pytest

from pipeline.config import AlertSettings
from pipeline.ops.alerts import Alert, deliver_alert
from pipeline.ops.alerts.webhooks import dingtalk_sign, feishu_sign
from tests.pipeline.ops.alerts.receivers import SmtpReceiver, WebhookReceiver, closed_port

ALERT = Alert(
    "crawl_failed",
    "hitmon：抓取失败（crawl 7 failed）",
    ("- reason: timed out after 14400 s", "- ran 14400 s"),
)


def settings(*channels: dict[str, object], **more: object) -> AlertSettings:
    return AlertSettings.model_validate({"channels": list(channels), **more})


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s after a delivery that should have worked")


def test_wecom_gets_a_markdown_message() -> None:
    with WebhookReceiver() as robot:
        url = robot.url("/cgi-bin/webhook/send") + "?key=KEY"
        [delivery] = deliver_alert(ALERT, settings({"kind": "wecom", "url": url}), sleep=no_sleep)
    assert delivery.delivered and delivery.attempts == 1
    [got] = robot.received
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": "KEY"}
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.json == {"msgtype": "markdown", "markdown": {"content": ALERT.markdown()}}
    assert got.json["markdown"]["content"].startswith("### hitmon：抓取失败")


def test_dingtalk_gets_markdown_signed_in_the_query() -> None:
    secret = "SEC0123456789abcdef"
    before = int(time.time() * 1000)
    with WebhookReceiver() as robot:
        url = robot.url("/robot/send") + "?access_token=TOKEN"
        channel = {"kind": "dingtalk", "url": url, "secret": secret}
        assert deliver_alert(ALERT, settings(channel), sleep=no_sleep)[0].delivered
    [got] = robot.received
    assert got.json == {"msgtype": "markdown", "markdown": {"title": ALERT.title, "text": ALERT.markdown()}}
    assert got.query["access_token"] == "TOKEN"
    stamp = int(got.query["timestamp"])
    assert before <= stamp <= int(time.time() * 1000)
    expected = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert got.query["sign"] == base64.b64encode(expected).decode() == dingtalk_sign(secret, stamp)


def test_feishu_gets_a_signed_post() -> None:
    secret = "feishu-secret"
    with WebhookReceiver(answer={"code": 0, "msg": "success"}) as robot:
        channel = {"kind": "feishu", "url": robot.url("/open-apis/bot/v2/hook/abc"), "secret": secret}
        assert deliver_alert(ALERT, settings(channel), sleep=no_sleep)[0].delivered
    body = robot.received[0].json
    stamp = int(body["timestamp"])
    assert abs(stamp - time.time()) < 60
    expected = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(expected).decode() == feishu_sign(secret, stamp)
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == ALERT.title
    assert post["content"] == [[{"tag": "text", "text": line}] for line in ALERT.lines]


def test_feishu_text_without_signing() -> None:
    with WebhookReceiver(answer={"code": 0}) as robot:
        channel = {"kind": "feishu", "url": robot.url(), "format": "text"}
        deliver_alert(ALERT, settings(channel), sleep=no_sleep)
    assert robot.received[0].json == {"msg_type": "text", "content": {"text": ALERT.text()}}


def test_a_generic_webhook_gets_the_alert_as_json_with_an_hmac_header() -> None:
    with WebhookReceiver(answer={}) as hook:
        deliver_alert(ALERT, settings({"kind": "webhook", "url": hook.url(), "secret": "k"}), sleep=no_sleep)
    [got] = hook.received
    assert got.json["event"] == "crawl_failed" and got.json["lines"] == list(ALERT.lines)
    signature = hmac.new(b"k", got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Hitmon-Signature"] == f"sha256={signature}"


def test_a_robot_error_code_is_retried_with_backoff_then_reported() -> None:
    slept: list[float] = []
    with WebhookReceiver(answer={"errcode": 310000, "errmsg": "sign not match"}) as robot:
        [delivery] = deliver_alert(
            ALERT,
            settings({"kind": "dingtalk", "url": robot.url()}, retries=2, backoff=1.5),
            sleep=slept.append,
        )
    assert not delivery.delivered and delivery.attempts == 3 and len(robot.received) == 3
    assert "310000" in delivery.error and "sign not match" in delivery.error
    assert slept == [1.5, 3.0]


def test_an_unreachable_webhook_is_retried_then_logged_without_raising(
    caplog: pytest.LogCaptureFixture,
) -> None:
    slept: list[float] = []
    url = f"http://127.0.0.1:{closed_port()}/cgi-bin/webhook/send?key=SECRET-KEY"
    with caplog.at_level(logging.WARNING, logger="pipeline.ops.alerts"):
        [delivery] = deliver_alert(ALERT, settings({"kind": "wecom", "url": url}), sleep=slept.append)
    assert not delivery.delivered and delivery.attempts == 4
    assert slept == [2.0, 4.0, 8.0]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "not delivered to wecom 127.0.0.1" in errors[0].getMessage()
    assert "SECRET-KEY" not in caplog.text  # the robot's key never reaches the log


def test_channels_get_only_the_events_they_asked_for() -> None:
    with WebhookReceiver() as robot:
        wanted = settings(
            {"kind": "wecom", "url": robot.url("/all")},
            {"kind": "wecom", "url": robot.url("/editor"), "events": ["candidates_ready"]},
        )
        deliver_alert(ALERT, wanted, sleep=no_sleep)
    assert [r.path for r in robot.received] == ["/all"]


def test_email_over_smtp_with_login() -> None:
    with SmtpReceiver(logins={"hitmon": "pw"}) as server:
        smtp = {"host": "127.0.0.1", "port": server.port, "user": "hitmon", "password": "pw",
                "sender": "hitmon@example.org", "to": ["ops@example.org", "editor@example.org"]}  # fmt: skip
        [delivery] = deliver_alert(ALERT, settings({"kind": "email"}, smtp=smtp), sleep=no_sleep)
    assert delivery.delivered
    [(sender, recipients, content)] = server.messages
    assert sender == "hitmon@example.org" and recipients == ["ops@example.org", "editor@example.org"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == ALERT.title
    assert message.get_content().replace("\r\n", "\n").strip() == ALERT.text()


def test_email_to_a_channel_own_recipients_and_a_refused_login_is_reported() -> None:
    with SmtpReceiver(logins={"hitmon": "pw"}) as server:
        smtp = {"host": "127.0.0.1", "port": server.port, "to": ["ops@example.org"]}
        channel = {"kind": "email", "to": ["editor@example.org"]}
        assert deliver_alert(ALERT, settings(channel, smtp=smtp), sleep=no_sleep)[0].delivered
        wrong = {**smtp, "user": "hitmon", "password": "wrong"}
        [refused] = deliver_alert(ALERT, settings(channel, smtp=wrong, retries=0), sleep=no_sleep)
    assert server.messages[0][1] == ["editor@example.org"]
    assert not refused.delivered and "SMTPAuthenticationError" in refused.error


def test_a_robot_channel_without_its_url_is_refused_in_the_settings() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="a dingtalk channel needs a url"):
        settings({"kind": "dingtalk", "secret": "SEC"})
    assert settings({"kind": "email"}).channels[0].url is None
