"""The offline demo: the bundled sample site, crawled, flagged, reviewed and exported, end to end."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from crawler.run import CrawlSummary, run_crawl
from hitmon.samplesite import serve_sample_site, sources_yaml
from models.db import make_engine, session_factory, session_scope, upgrade_database
from pipeline.config import Settings
from pipeline.desk import review
from pipeline.desk.candidates import Candidate
from pipeline.desk.export import render
from pipeline.desk.issues import export_issue
from pipeline.desk.week import week_candidates
from pipeline.store.articles import save_sources
from pipeline.store.sources import load_sources
from pipeline.weeks import IsoWeek

SAMPLE_WEEK = IsoWeek(2018, 17)  # the sample site's news runs over 2018-W16 and 2018-W17
SAMPLE_ISSUE = 296  # the issue number the demo gives that week's bulletin


@dataclass(frozen=True)
class DemoResult:
    out: Path
    database: Path
    crawl: CrawlSummary
    candidates: int
    accepted: tuple[str, ...]
    files: tuple[Path, ...]

    def report(self) -> list[str]:
        totals = self.crawl.tally.totals()
        lines = [
            f"crawled the sample site: {totals['pages']} pages, {totals['new_articles']} articles stored, "
            f"{totals['dropped']} dropped, {totals['errors']} errors",
            f"{SAMPLE_WEEK}: {self.candidates} candidates; accepted {len(self.accepted)}:",
            *(f"  {number}. {title}" for number, title in enumerate(self.accepted, start=1)),
            f"database: {self.database}",
            *(f"bulletin: {path}" for path in self.files),
        ]
        return lines


def accept_top_candidates(session: Session, settings: Settings, week: IsoWeek, count: int) -> list[Candidate]:
    """What the demo's editor does: accept the week's first ``count`` candidates, as the desk lists them."""
    chosen = week_candidates(session, settings, week)[:count]
    review.decide(session, [c.id for c in chosen], "accept", actor="demo")
    return chosen


def run_demo(settings: Settings, out: Path, accept_count: int = 5) -> DemoResult:
    """Serve the sample site on a free loopback port, crawl it into ``out``/demo.db (made afresh),
    accept the sample week's top candidates and write the bulletin there as .docx, .md and .html."""
    out.mkdir(parents=True, exist_ok=True)
    database = out / "demo.db"
    for stale in out.glob("demo.db*"):
        stale.unlink()
    settings = settings.model_copy(update={"db": f"sqlite:///{database.resolve()}"})
    engine = make_engine(settings.db)
    upgrade_database(engine)
    sessions = session_factory(engine)
    with serve_sample_site() as site:
        sources_file = out / "sources.yaml"
        sources_file.write_text(sources_yaml(site.base_url), encoding="utf-8")
        with session_scope(sessions) as session:
            save_sources(session, load_sources(sources_file))
        summary = run_crawl(settings, trigger="demo")
    with session_scope(sessions) as session:
        ranked = week_candidates(session, settings, SAMPLE_WEEK)
        accept_top_candidates(session, settings, SAMPLE_WEEK, accept_count)
        planned, docx = export_issue(
            session, settings, SAMPLE_WEEK, "docx", number=SAMPLE_ISSUE, actor="demo"
        )
        files = []
        for fmt in ("docx", "md", "html"):
            path = out / f"weekly-{SAMPLE_ISSUE}.{fmt}"
            path.write_bytes(docx if fmt == "docx" else render(planned.bulletin, settings.bulletin, fmt))
            files.append(path)
    engine.dispose()
    return DemoResult(
        out, database, summary, len(ranked), tuple(i.title for i in planned.bulletin.items), tuple(files)
    )
