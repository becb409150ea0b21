from __future__ import annotations

import pytest

from pipeline.desk.ranking import SCOPE_CAP, rank_score, saturated_relevance, scope_score


def test_relevance_saturates() -> None:
    values = [saturated_relevance(score) for score in (0, 3, 10, 30, 60, 200)]
    assert values == sorted(values) and values[0] == 0 and values[-1] < 10
    assert values[4] - values[3] < 0.5 < values[2] - values[1]  # past clear relevance, more terms add little
    assert saturated_relevance(-2) == 0


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("国家卫生健康委发布医院信息化标准", "", 3.0),
        ("某医院上线互联网诊疗", "国家卫生健康委近日……", 1.5),  # in the lead: half
        ("我省推进电子健康卡", "全省二级以上医院……", 0.25),
        ("全国首届智慧医院大会", "国务院、国家医保局、人社部出席……", SCOPE_CAP),
        ("某医院上线互联网诊疗", "……" * 200 + "国家卫生健康委", 0.0),  # past the lead
    ],
)
def test_scope(title: str, text: str, expected: float) -> None:
    assert scope_score(title, text) == pytest.approx(expected)


def test_a_national_story_outranks_a_longer_provincial_one() -> None:
    national = rank_score(12.0, "人社部：异地就医全国一卡通上线", "人力资源社会保障部信息中心……", reprints=0)
    provincial = rank_score(45.0, "我省医院信息平台建设推进会召开", "全省……", reprints=0)
    assert national > provincial
    assert rank_score(12.0, "某市医院上线", "", reprints=3) > rank_score(12.0, "某市医院上线", "", reprints=0)


def test_with_the_learned_probability_scope_never_lifts_a_doubtful_item() -> None:
    national_not_it = rank_score(3.0, "国家医保局发布医保基金运行情况", "全国基金收入……", 5, probability=0.6)
    local_it = rank_score(3.0, "某医院上线互联网医院", "患者可在线复诊……", 0, probability=0.8)
    assert local_it > national_not_it


def test_among_confident_items_scope_and_reach_break_the_tie() -> None:
    national = rank_score(3.0, "国家卫生健康委发布电子病历标准", "", 2, probability=0.96)
    local = rank_score(9.0, "某医院电子病历升级", "", 0, probability=0.99)
    doubtful = rank_score(30.0, "国家卫生健康委发布电子病历标准", "", 5, probability=0.9)
    assert national > local > doubtful
