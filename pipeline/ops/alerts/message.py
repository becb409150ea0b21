"""An alert: what happened, said once, shown as Markdown (robots) or plain text (e-mail, text robots)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.types import utcnow


@dataclass(frozen=True)
class Alert:
    event: str  # crawl_failed | source_broken | source_recovered | candidates_ready
    title: str
    lines: tuple[str, ...] = ()
    at: datetime | None = None

    def markdown(self) -> str:
        return "\n".join([f"### {self.title}", *self.lines])

    def text(self) -> str:
        return "\n".join([self.title, *self.lines])

    def as_json(self) -> dict[str, object]:
        at = self.at or utcnow()
        return {"event": self.event, "title": self.title, "lines": list(self.lines), "at": at.isoformat()}
