from __future__ import annotations

from datetime import UTC, datetime

from pipeline.record import ArticleRecord
from pipeline.stages.relevance import keywords


def test_keywords_rank_repeated_lexicon_terms_first_and_keep_them_whole(default_model):
    article = ArticleRecord(
        url="https://example.org/k.html",
        source="test",
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        title="区域全民健康信息平台升级",
        text="全市区域全民健康信息平台完成升级。升级后的区域全民健康信息平台接入了全部社区卫生服务中心，"
        "居民可以查询电子健康档案。",
    )
    words = [word for word, _ in keywords(article, default_model, k=5)]
    assert words[0] == "区域全民健康信息平台"
    assert "电子健康档案" in words
    assert not {"区域", "全民", "信息平台"} & set(words)
