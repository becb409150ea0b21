"""Alerts to the operator and the editor: group robots (WeCom, DingTalk, Feishu), webhooks and e-mail."""

from pipeline.alerts.deliver import Delivery, deliver_alert
from pipeline.alerts.message import Alert

__all__ = ["Alert", "Delivery", "deliver_alert"]
