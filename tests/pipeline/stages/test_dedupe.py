from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from pipeline.record import ArticleRecord
from pipeline.stages.dedupe import (
    NUM_PERM,
    ReprintIndex,
    choose_leader,
    fingerprint_from_hex,
    fingerprint_record,
    fingerprint_to_hex,
    normalise_title,
    shingles,
    similarity,
    text_fingerprint,
)

ORIGINAL = (
    "4月8日，县人民医院互联网医院正式挂牌运行。患者通过手机下载医院APP或关注微信公众号，即可在线复诊、"
    "开具电子处方，药品可以配送到家。医院安排了40余名医生轮流在线接诊，首日接诊患者120余人次。"
    "县卫生健康局表示，互联网医院将与县域医共体信息平台对接，乡镇卫生院的患者也能预约县医院专家。"
    "下一步，医院还将开通检查预约、报告查询和医保在线支付等功能，让群众少跑腿。"
)
REPRINT = (
    "来源：县融媒体中心\n"
    + ORIGINAL.replace("4月8日，", "8日，").replace("少跑腿", "少跑腿、好办事")
    + "\n（责任编辑：李明）"
)
SAME_TOPIC = (
    "市中心医院互联网医院日前上线，市民在家中就能通过视频与医生交流病情。对于高血压、糖尿病等慢性病复诊患者，"
    "医生可以在线开具处方，药品由合作药店配送。医院信息科介绍，平台与医保系统实现对接，"
    "参保人在线复诊的费用可以直接结算。截至目前，已有200余名医生在平台注册执业。"
)


def test_shingles_ignore_whitespace_and_punctuation():
    assert shingles("电子 病历，系统") == shingles("电子病历系统")
    assert shingles("电子病历系统") == {"电子病历系".encode(), "子病历系统".encode()}
    assert shingles("") == set()


def test_a_lightly_edited_copy_is_similar_and_a_same_topic_article_is_not():
    original = text_fingerprint(ORIGINAL)
    assert similarity(original, text_fingerprint(REPRINT)) >= 0.6
    assert similarity(original, text_fingerprint(SAME_TOPIC)) < 0.2


def test_fingerprint_survives_the_hex_round_trip():
    fingerprint = text_fingerprint(ORIGINAL)
    encoded = fingerprint_to_hex(fingerprint)
    assert len(encoded) == NUM_PERM * 8
    assert list(fingerprint_from_hex(encoded).hashvalues) == list(fingerprint.hashvalues)
    assert similarity(fingerprint_from_hex(encoded), text_fingerprint(REPRINT)) >= 0.6


def test_fingerprint_record_sets_the_stored_form_or_none_for_a_short_text():
    article = ArticleRecord(url="https://example.org/1", source="t", fetched_at=at(23), text=ORIGINAL)
    stored = fingerprint_record(article).fingerprint
    assert stored == fingerprint_to_hex(text_fingerprint(ORIGINAL))
    assert fingerprint_record(article.evolve(text="短讯。")).fingerprint is None


@pytest.mark.parametrize("value", ["zz", "00ff"])
def test_a_bad_fingerprint_is_rejected(value):
    with pytest.raises(ValueError):
        fingerprint_from_hex(value)


def test_normalise_title_drops_labels_punctuation_and_spaces():
    assert normalise_title("【转载】首家互联网医院在我县挂牌！") == normalise_title(
        "首家 互联网医院 在我县挂牌"
    )
    assert normalise_title("转载：ＡＩ辅助诊断上线") == "ai辅助诊断上线"
    assert normalise_title("（转载）AI辅助诊断上线 - 健康界") == "ai辅助诊断上线"
    assert normalise_title("AI辅助诊断上线_HIT专家网") == "ai辅助诊断上线"
    assert normalise_title("抗疫一线——记市人民医院") != normalise_title("抗疫一线——记县人民医院")
    assert normalise_title("首家互联网医院挂牌") != normalise_title("第二家互联网医院挂牌")


def test_index_finds_a_reprint_but_not_an_unrelated_article_on_the_same_topic():
    index: ReprintIndex[int] = ReprintIndex()
    index.add(1, "首家互联网医院在我县挂牌", ORIGINAL)
    index.add(2, "市中心医院互联网医院上线", SAME_TOPIC)
    assert index.find("群众在家就能复诊开药", REPRINT) == [1]
    assert index.find("全新的标题", "完全无关的一段文字，讲的是今年秋粮收购进度和天气。" * 3) == []
    assert len(index) == 2 and 1 in index


def test_index_matches_equal_normalised_titles_even_without_text():
    index: ReprintIndex[str] = ReprintIndex()
    index.add("a", "【重磅】首家互联网医院在我县挂牌", "")
    index.add("b", "通知", "")
    assert index.find("首家互联网医院在我县挂牌", "") == ["a"]
    assert index.find("通知", "") == []  # too short to mean the same story


def test_index_never_matches_empty_or_very_short_texts_to_each_other():
    index: ReprintIndex[int] = ReprintIndex()
    empty = fingerprint_to_hex(text_fingerprint(""))
    index.add(1, "图片一", "", fingerprint=empty)
    index.add(2, "图片二", "阅读原文", fingerprint=fingerprint_to_hex(text_fingerprint("阅读原文")))
    assert index.find("图片三", "", fingerprint=empty) == []
    assert (
        index.find("图片四", "阅读原文", fingerprint=fingerprint_to_hex(text_fingerprint("阅读原文"))) == []
    )


def test_index_accepts_stored_fingerprints_and_ignores_a_key_added_twice():
    index: ReprintIndex[int] = ReprintIndex()
    stored = fingerprint_to_hex(text_fingerprint(ORIGINAL))
    index.add(7, "甲", "", fingerprint=stored)
    index.add(7, "甲", ORIGINAL)
    assert index.find("乙", REPRINT) == [7]
    assert index.find("乙", "", fingerprint=fingerprint_to_hex(text_fingerprint(REPRINT))) == [7]


@dataclass
class Copy:
    media: str | None
    published_at: datetime | None
    text: str


def at(day: int) -> datetime:
    return datetime(2018, 4, day, 8, tzinfo=UTC)


def test_leader_is_the_earliest_published_copy():
    copies = [Copy("甲网", at(24), ORIGINAL), Copy("乙网", at(23), ORIGINAL), Copy("丙网", None, ORIGINAL)]
    assert choose_leader(copies) is copies[1]


def test_leader_is_the_copy_the_others_name_as_their_source():
    named = Copy("社会保障卡", at(24), ORIGINAL)
    copies = [
        Copy("甲网", at(22), "来源：社会保障卡\n" + ORIGINAL),
        named,
        Copy("乙网", at(23), ORIGINAL + "\n（稿源：社会保障卡）"),
    ]
    assert choose_leader(copies) is named


def test_leader_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        choose_leader([])
