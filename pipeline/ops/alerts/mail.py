"""Alerts by e-mail over SMTP (plain, STARTTLS or implicit TLS)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from pipeline.config import AlertChannel, SmtpSettings
from pipeline.ops.alerts.message import Alert
from pipeline.ops.alerts.webhooks import DeliveryError


def send_email(channel: AlertChannel, smtp: SmtpSettings, alert: Alert) -> None:
    recipients = channel.to or smtp.to
    if not smtp.host or not recipients:
        raise DeliveryError("e-mail channel needs alerts.smtp.host and recipients (alerts.smtp.to)")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = alert.title, smtp.sender, ", ".join(recipients)
    message.set_content(alert.text())
    try:
        with _connect(smtp) as client:
            if smtp.user:
                client.login(smtp.user, smtp.password.get_secret_value() if smtp.password else "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    host = smtp.host or ""
    if smtp.security == "ssl":
        return smtplib.SMTP_SSL(host, smtp.port, timeout=smtp.timeout, context=ssl.create_default_context())
    client = smtplib.SMTP(host, smtp.port, timeout=smtp.timeout)
    if smtp.security == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client
