from __future__ import annotations


def test_tokens_keep_lexicon_terms_whole_fold_and_drop_punctuation(default_model):
    words = default_model.tokens("区域全民健康信息平台接入ＨＩＳ系统，居民可查询电子健康档案。上线云HIS")
    assert "区域全民健康信息平台" in words
    assert "电子健康档案" in words
    assert "his系统" in words  # full-width upper case segmented whole, then folded as the matcher folds
    assert "云his" in words
    assert not {"，", "。", " "} & set(words)
    assert not {"区域", "全民"} & set(words)


def test_tokens_of_empty_text_are_empty(default_model):
    assert default_model.tokens("") == []


def test_tokens_with_parts_add_the_dictionary_parts_of_long_words(default_model):
    assert default_model.tokens("医保电子凭证推广", parts=True) == [
        "医保",
        "电子",
        "凭证",
        "医保电子凭证",
        "推广",
    ]
    assert default_model.tokens("医保电子凭证推广") == ["医保电子凭证", "推广"]
