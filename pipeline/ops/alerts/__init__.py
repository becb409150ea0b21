"""Alerts to the operator and the editor: group robots (WeCom, DingTalk, Feishu), webhooks and e-mail."""

from pipeline.ops.alerts.deliver import Delivery, deliver_alert
from pipeline.ops.alerts.message import Alert

__all__ = ["Alert", "Delivery", "deliver_alert"]
