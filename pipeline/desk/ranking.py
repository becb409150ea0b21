"""How the week's candidates are ordered: what an editor of a national bulletin picks first.

Relevance says whether an item is health-IT news; once it clearly is, more matched terms (which long
articles collect) should not make it more important. So relevance saturates, and what then orders the
candidates is scope (national bodies and national news before provincial ones) and how widely the story
was reprinted.
"""

from __future__ import annotations

import math

RELEVANCE_SCALE = 10.0  # relevance approaches this: a score of 10 gives 6.3, 20 gives 8.6, 30 gives 9.5
SCOPE_CAP = 4.0
LEAD_CHARS = 300  # the opening of the text says who and where
LEAD_WEIGHT = 0.5  # a scope term in the lead counts half of one in the title
REPRINT_BONUS, REPRINT_CAP = 0.5, 5
PROBABILITY_SCALE = 10.0  # the learned probability, scaled like saturated relevance
CONFIDENT = 0.95  # learned probability from which scope and reach order the items (tie-breakers)

# Who or where a story is about, by reach. National ministries and commissions first.
SCOPE_TERMS: tuple[tuple[str, float], ...] = (
    *((name, 3.0) for name in (
        "国务院", "中共中央", "全国人大", "国家卫生健康委", "国家卫健委", "国家卫生计生委", "国家医保局",
        "国家医疗保障局", "国家中医药管理局", "国家疾控局", "国家疾病预防控制局", "中国疾控中心",
        "人力资源社会保障部", "人社部", "国家发展改革委", "国家发改委", "工业和信息化部", "工信部",
        "国家互联网信息办公室", "国家网信办", "国家数据局", "财政部", "教育部", "科技部", "民政部",
    )),
    *((word, 1.5) for word in ("全国", "国家级", "首届", "全国性", "中央")),
    *((word, 0.5) for word in ("省卫生健康委", "省卫健委", "全省", "自治区", "直辖市")),
)  # fmt: skip


def scope_score(title: str, text: str) -> float:
    """Reach of the story from its title and lead: each distinct scope term once, capped."""
    lead = text[:LEAD_CHARS]
    total = 0.0
    for term, weight in SCOPE_TERMS:
        if term in title:
            total += weight
        elif term in lead:
            total += weight * LEAD_WEIGHT
    return min(total, SCOPE_CAP)


def saturated_relevance(score: float) -> float:
    return RELEVANCE_SCALE * (1 - math.exp(-max(score, 0.0) / RELEVANCE_SCALE))


def rank_score(
    relevance: float, title: str, text: str, reprints: int, probability: float | None = None
) -> float:
    """The number candidates are sorted by (highest first).

    With the learned probability (``probability``): ``PROBABILITY_SCALE x probability``, and the items the
    model is confident about (>= CONFIDENT) above all others, ordered among themselves by scope and reach
    first: between 0.95 and 0.99 the probabilities say nothing an editor would, reach does. Scope never
    lifts an item the model doubts (a national story that is not health IT). Without it (stage 1 alone):
    saturated relevance plus scope and reprints."""
    spread = REPRINT_BONUS * min(reprints, REPRINT_CAP)
    if probability is None:
        return round(saturated_relevance(relevance) + scope_score(title, text) + spread, 3)
    learned = PROBABILITY_SCALE * probability
    if probability < CONFIDENT:
        return round(learned, 3)
    return round(PROBABILITY_SCALE + scope_score(title, text) + spread + learned, 3)


def rerank_score(base: float, probability: float, weight: float) -> float:
    """``base`` moved by up to ``weight / 2`` either way, by how far the editor model
    (pipeline.desk.editor_model) leans from undecided (0.5). With weight 0, or probability 0.5, it is
    ``base``."""
    return base + weight * (probability - 0.5)
