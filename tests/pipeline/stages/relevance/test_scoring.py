from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.config import RelevanceSettings
from pipeline.record import ArticleRecord
from pipeline.stages.relevance import (
    explain_article,
    explain_fields,
    load_relevance,
    score_article,
    score_fields,
)

FILLER = "本市召开年度工作会议，部署全年重点任务。" * 10  # 200 characters of no terms


def record(title: str = "", text: str = "", media: str | None = None) -> ArticleRecord:
    return ArticleRecord(
        url="https://example.org/a.html",
        source="test",
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        title=title,
        text=text,
        media=media,
    )


def test_a_title_match_counts_title_weight_times_a_body_match(make_model):
    model = make_model(title_weight=3.0)
    in_title = explain_fields("医院推进电子病历", FILLER, None, model).total
    in_body = explain_fields("医院工作", "电子病历" + FILLER, None, model).total
    assert in_title == pytest.approx(3 * in_body)


def test_an_early_match_counts_more_than_a_late_one(make_model):
    model = make_model()
    early = explain_fields("", "电子病历" + FILLER, None, model).total
    late = explain_fields("", FILLER + "电子病历", None, model).total
    assert early > late > 0
    assert late == pytest.approx(early * 0.5, abs=0.1)  # the last character counts half the first


def test_repeats_count_less_and_are_capped(make_model):
    model = make_model()
    once = explain_fields("", "电子病历。", None, model).total
    twice = explain_fields("", "电子病历。电子病历。", None, model).total
    many = explain_fields("", "电子病历。" * 50, None, model).total
    assert once < twice < 2 * once
    assert many < 2 * once


def test_one_sentence_listing_terms_adds_at_most_the_sentence_cap(make_model):
    model = make_model()
    listed = explain_fields("", "推进电子病历、互联网医院和HIS建设。" + FILLER, None, model)
    spread = explain_fields("", "推进电子病历。建设互联网医院。升级HIS。" + FILLER, None, model)
    assert listed.total == pytest.approx(3.0, abs=0.05)
    assert spread.total > 6
    assert all(item.capped for item in listed.contributions)
    assert "(sentence cap)" in "\n".join(listed.render())


def test_longest_term_wins_and_counts_once(make_model):
    explanation = explain_fields("", "上线电子病历系统", None, make_model())
    assert [item.label for item in explanation.contributions] == ["电子病历系统"]


def test_negative_terms_lower_the_score_and_are_listed(make_model):
    model = make_model()
    plain = explain_fields("", "电子病历" + FILLER, None, model)
    with_negative = explain_fields("", "电子病历" + FILLER + "股价", None, model)
    assert with_negative.total < plain.total
    assert [item.label for item in with_negative.negatives] == ["股价"]
    assert "股价" not in with_negative.matched


def test_threshold_decides_flagged(make_model):
    text = "电子病历" + FILLER
    score = explain_fields("", text, None, make_model()).total
    assert explain_fields("", text, None, make_model(threshold=score)).flagged
    assert not explain_fields("", text, None, make_model(threshold=score + 0.01)).flagged


def test_zero_weight_context_terms_add_nothing(make_model):
    explanation = explain_fields("医院信息化", "医院信息化", None, make_model())
    assert explanation.total == 0
    assert explanation.contributions == ()


def test_latin_terms_do_not_match_inside_words(make_model):
    model = make_model()
    assert explain_fields("", "THIS HISTORY", None, model).total == 0
    assert explain_fields("", "医院HIS系统", None, model).total > 0


def test_upper_case_acronyms_do_not_match_lower_case_words(make_model):
    model = make_model()
    assert explain_fields("", "it is his", None, model).total == 0
    assert explain_fields("", "医院ＨＩＳ系统", None, model).total > 0


def test_rules_add_their_weight_once_per_place(make_model):
    model = make_model("医保 NEAR/5 结算 => 2\n")
    explanation = explain_fields("", "医保直接结算" + FILLER, None, model)
    (rule,) = explanation.contributions
    assert (rule.kind, rule.field, rule.positions, rule.matched) == ("rule", "body", (0,), "医保+结算")
    assert rule.score == pytest.approx(2.0)
    far_apart = explain_fields("", "医保直接结算" + FILLER + "医保直接结算", None, model).total
    assert 2.0 < far_apart < 4.0


def test_a_rule_in_the_title_counts_title_weight(make_model):
    model = make_model("医保 NEAR/5 结算 => 2\n", title_weight=4.0)
    assert explain_fields("医保直接结算", "", None, model).total == pytest.approx(8.0)


def test_exclude_rule_blocks_flagging_and_caps_the_score(make_model):
    model = make_model("!title:招聘\n")
    explanation = explain_fields("医院招聘电子病历工程师", "电子病历", None, model)
    assert explanation.raw_total > 3 and explanation.total == 0
    assert not explanation.flagged
    assert explanation.blocked_by == ("excluded by !title:招聘 (test.rules:1)",)


def test_must_rule_blocks_articles_without_it(make_model):
    model = make_model("+(医院 OR 卫生)\n")
    assert not explain_fields("电子病历", "", None, model).flagged
    assert explain_fields("医院电子病历", "", None, model).flagged


def test_prior_is_added_and_shown(make_model):
    model = make_model()
    explanation = explain_fields("", "电子病历", None, model, prior=1.5)
    assert explanation.total == pytest.approx(explanation.raw_total)
    assert explanation.total == pytest.approx(1.5 + explain_fields("", "电子病历", None, model).total)
    assert "prior" in "\n".join(explanation.render())


def test_media_counts_a_fraction(make_model):
    model = make_model()
    assert explain_fields("", "", "互联网医院", model).total == pytest.approx(1.5)


def test_matched_lists_terms_most_weight_first(make_model):
    explanation = explain_fields("互联网医院上线", FILLER + "电子病历", None, make_model())
    assert explanation.matched == ("互联网医院", "电子病历")


def test_score_article_sets_score_flagged_and_matched(make_model):
    scored = score_article(record("首家互联网医院挂牌", "电子病历" + FILLER), make_model())
    assert scored.flagged
    assert scored.matched == ("互联网医院", "电子病历")
    assert scored.score == pytest.approx(explain_article(scored, make_model()).total)
    assert scored.url == "https://example.org/a.html"


def test_score_article_uses_the_source_media_when_the_page_names_none(make_model):
    scored = score_article(record().evolve(source_media="互联网医院"), make_model())
    assert scored.score == pytest.approx(1.5)


def test_score_fields_gives_what_hitmon_score_adds(make_model):
    result = score_fields("互联网医院", "", None, make_model())
    assert set(result) == {"flagged", "score", "matched", "probability"}
    assert result["matched"] == ["互联网医院"]
    assert result["probability"] is None  # no learned stage in this model


def test_render_names_each_contribution_field_and_total(make_model):
    model = make_model("医保 NEAR/5 结算 => 2\n")
    lines = explain_fields("互联网医院", "医保结算" + FILLER + "股价", None, model).render()
    assert len(lines) == 4  # three contributions and the total
    text = "\n".join(lines)
    assert "互联网医院" in lines[0] and "title@0" in lines[0]
    assert "医保 NEAR/5 结算 => 2" in text and "test.rules:1" in text
    assert "股价" in text and "-" in text
    assert "threshold 3" in text and "flagged" in text


def test_load_relevance_adds_extra_lexicon_and_rules(tmp_path):
    lexicon = tmp_path / "extra.tsv"
    lexicon.write_text("智慧卫监试点\t5\t公共卫生信息化\n", encoding="utf-8")
    rules = tmp_path / "editor.rules"
    rules.write_text("!title:彩蛋\n", encoding="utf-8")
    model = load_relevance(RelevanceSettings(lexicon=lexicon, rules=rules, threshold=2))
    assert score_fields("", "智慧卫监试点", None, model)["flagged"]
    assert not score_fields("彩蛋", "智慧卫监试点", None, model)["flagged"]


def test_a_bad_rules_file_is_an_input_error(tmp_path):
    from pipeline.errors import InputError

    rules = tmp_path / "editor.rules"
    rules.write_text("# ok\n电子病历 OR\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_relevance(RelevanceSettings(rules=rules))
    assert (caught.value.line, caught.value.field) == (2, "column 8")


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("我市三家医院通过电子病历评级", "市卫健委组织专家对医院电子病历系统应用水平进行评价。"),
        ("异地就医直接结算再扩围", "参保人在外地住院，出院时可以用医保卡直接结算。"),
        ("县里建成远程会诊中心", "乡镇卫生院通过网络把影像传到县医院，专家远程诊断。"),
    ],
)
def test_default_model_flags_health_it_news(default_model, title, text):
    assert score_fields(title, text, None, default_model)["flagged"]


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("流感进入高发季", "疾控中心提醒市民接种疫苗，出现发热及时到医院就诊。"),
        ("新款智能手机发布", "某品牌发布手机新品，芯片性能提升，股价应声上涨。"),
        ("数据中心集群开工", "数据中心规划机架十万架，服务人工智能和云计算。"),
        ("某信息科技公司完成融资", "某信息科技有限公司宣布完成新一轮融资，将用于产品研发。"),
        (
            "深化医改实施方案印发",
            "方案要求推进分级诊疗。" * 20 + "还要推广电子健康卡、互联网医院和远程医疗。",
        ),
    ],
)
def test_default_model_passes_over_other_news(default_model, title, text):
    assert not score_fields(title, text, None, default_model)["flagged"]


def test_a_model_pickles_for_worker_processes_even_after_building_its_tokenizer(make_model):
    import pickle
    import threading

    model = make_model("医保 NEAR/5 结算 => 2\n")
    model.__dict__["tokenizer"] = threading.Lock()  # stands in for a built jieba tokenizer: unpicklable
    copy = pickle.loads(pickle.dumps(model))
    assert "tokenizer" not in copy.__dict__
    text = "医保直接结算，上线电子病历。"
    assert explain_fields("", text, None, copy).total == explain_fields("", text, None, model).total > 0
