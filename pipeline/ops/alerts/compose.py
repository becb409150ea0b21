"""The alerts hitmon sends, worded for the operator (crawls, sources) and the editor (the week)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.desk.candidates import Candidate
from pipeline.ops.alerts.message import Alert
from pipeline.ops.health import HealthChange
from pipeline.weeks import IsoWeek, local_date

PREFIX = "hitmon"


def crawl_failed(
    run_id: int | None, status: str, reason: str, seconds: float, stats: dict[str, int]
) -> Alert:
    counts = ", ".join(f"{name} {count}" for name, count in stats.items()) or "none"
    return Alert(
        "crawl_failed",
        f"{PREFIX}：抓取失败（crawl {run_id or '-'} {status}）",
        (f"- reason: {reason}", f"- ran {seconds:.0f} s", f"- totals: {counts}", "- see `hitmon runs`"),
    )


def source_changed(change: HealthChange) -> Alert | None:
    """An alert when a source breaks or recovers; none for other changes (e.g. new -> ok)."""
    if change.broke:
        return Alert(
            "source_broken",
            f"{PREFIX}：信息源异常 {change.name}（{change.after}）",
            (f"- {change.reason or change.after}", f"- was {change.before}", "- see `hitmon sources health`"),
        )
    if change.recovered:
        return Alert("source_recovered", f"{PREFIX}：信息源已恢复 {change.name}", (f"- was {change.before}",))
    return None


def candidates_ready(
    week: IsoWeek, candidates: Sequence[Candidate], size: int, timezone: str, review_url: str | None
) -> Alert:
    lines = [f"共 {len(candidates)} 条候选，前 {min(size, len(candidates))} 条："]
    for number, candidate in enumerate(candidates[:size], start=1):
        day = local_date(candidate.published_at, timezone).isoformat() if candidate.published_at else ""
        reprints = f"，转载 {candidate.reprints}" if candidate.reprints else ""
        shown = f"{candidate.title}（{candidate.media}）{day} {_relevance(candidate)}{reprints}"
        lines.append(f"{number}. {shown}")
    if review_url:
        lines.append(f"审阅：{review_url}")
    return Alert("candidates_ready", f"{PREFIX}：本周候选已就绪（{week}）", tuple(lines))


def _relevance(candidate: Candidate) -> str:
    """The learned probability the week is ranked by, as the week page shows it; else the rules' score."""
    return f"分数 {candidate.score:g}" if candidate.percent is None else f"相关度 {candidate.percent}%"
