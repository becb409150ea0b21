"""What an issue of the bulletin holds, independent of the format it is written in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class BulletinItem:
    title: str
    media: str
    published: date
    link: str
    body: str  # paragraphs separated by "\n"


@dataclass(frozen=True, slots=True)
class Bulletin:
    number: int  # the issue number, printed as （第二九六期）
    issued: date
    period_start: date
    period_end: date
    items: tuple[BulletinItem, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))  # a list passed in must not stay mutable
        if self.number < 1:
            raise ValueError(f"an issue number starts at 1, not {self.number}")
        if self.period_start > self.period_end:
            raise ValueError(f"the period starts after it ends: {self.period_start} > {self.period_end}")
