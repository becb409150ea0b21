"""Send an alert to every channel that wants it, retrying with backoff; a failure is logged, never raised."""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.config import AlertChannel, AlertSettings
from pipeline.ops.alerts.mail import send_email
from pipeline.ops.alerts.message import Alert
from pipeline.ops.alerts.webhooks import DeliveryError, build_request, post

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    channel: str  # kind and host: never the token in the URL
    delivered: bool
    attempts: int
    error: str | None = None


def deliver_alert(
    alert: Alert, settings: AlertSettings, *, sleep: Callable[[float], None] = time.sleep
) -> list[Delivery]:
    """Send ``alert`` to the channels configured for its event; return what happened on each."""
    wanted = [c for c in settings.channels if not c.events or alert.event in c.events]
    return [_deliver_one(alert, channel, settings, sleep) for channel in wanted]


def _deliver_one(
    alert: Alert, channel: AlertChannel, settings: AlertSettings, sleep: Callable[[float], None]
) -> Delivery:
    name = channel_name(channel)
    error = ""
    for attempt in range(1, settings.retries + 2):
        try:
            _send(alert, channel, settings)
        except DeliveryError as exc:
            error = str(exc)
            if attempt <= settings.retries:
                delay = settings.backoff * 2 ** (attempt - 1)
                log.warning("alert %s to %s failed (%s); retry in %.0f s", alert.event, name, error, delay)
                sleep(delay)
            continue
        except Exception as exc:  # a bug in a channel must not stop the service
            error = f"{type(exc).__name__}: {exc}"
            break
        log.info("alert %s sent to %s", alert.event, name)
        return Delivery(name, True, attempt)
    log.error("alert %s not delivered to %s: %s (%s)", alert.event, name, error, alert.title)
    return Delivery(name, False, attempt, error)


def _send(alert: Alert, channel: AlertChannel, settings: AlertSettings) -> None:
    if channel.kind == "email":
        send_email(channel, settings.smtp, alert)
    else:
        post(build_request(channel, alert), settings.timeout)


def channel_name(channel: AlertChannel) -> str:
    if channel.kind == "email":
        return "email"
    host = urllib.parse.urlsplit(channel.url.get_secret_value()).netloc if channel.url else "?"
    return f"{channel.kind} {host}"
