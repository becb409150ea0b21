from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.stages.relevance.lexicon import LexiconTerm, merge_lexicons, read_lexicon
from pipeline.stages.relevance.model import builtin_lexicon

REQUIRED_CATEGORIES = {
    "政策标准",
    "电子病历/HIS/医院信息平台",
    "互联网医疗/互联网医院",
    "医保信息化/异地就医结算",
    "区域卫生信息平台/互联互通",
    "电子健康卡/社保卡",
    "健康医疗大数据/AI",
    "网络与数据安全",
    "公共卫生信息化",
    "远程医疗",
    "智慧医院",
}


def test_builtin_lexicon_is_large_and_covers_every_category():
    lexicon = builtin_lexicon()
    assert len(lexicon) >= 400
    assert {entry.category for entry in lexicon} >= REQUIRED_CATEGORIES
    for category in REQUIRED_CATEGORIES:
        assert any(e.category == category and e.weight > 0 for e in lexicon), category


def test_builtin_lexicon_has_negative_context_terms():
    negatives = {entry.term for entry in builtin_lexicon() if entry.weight < 0}
    assert {"手机新品", "股价", "房地产"} <= negatives


def test_every_builtin_term_segments_whole_in_the_models_tokenizer(default_model):
    tokenizer = default_model.tokenizer
    split = [
        entry.term for entry in builtin_lexicon() if tokenizer.lcut(entry.term, HMM=False) != [entry.term]
    ]
    assert split == []


def test_tokenizer_is_private_and_built_once(default_model):
    import jieba

    assert default_model.tokenizer is not jieba.dt
    assert default_model.tokenizer is default_model.tokenizer


def test_lexicon_terms_stay_whole_inside_a_sentence(default_model):
    words = default_model.tokenizer.lcut("全省推进区域全民健康信息平台和电子健康卡建设")
    assert "区域全民健康信息平台" in words
    assert "电子健康卡" in words


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extra.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_lexicon_skips_comments_and_blank_lines(tmp_path):
    path = write(tmp_path, "# comment\n\n医共体\t2\t区域\n股市\t-1.5\t负面\n")
    assert read_lexicon(path) == (LexiconTerm("医共体", 2.0, "区域"), LexiconTerm("股市", -1.5, "负面"))


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("医共体\t2\t区域\n医共体\t1\t区域\n", 2, "column 1", "listed twice"),
        ("医共体\tmuch\t区域\n", 1, "column 5", "not a number"),
        ("医共体\t2\n", 1, None, "found 2 cell"),
        ("医 共体\t2\t区域\n", 1, "column 1", "no spaces"),
        ("# c\n医共体\t2\t\n", 2, "column 7", "category is empty"),
    ],
)
def test_read_lexicon_errors_name_line_and_column(tmp_path, text, line, field, message):
    with pytest.raises(InputError) as caught:
        read_lexicon(write(tmp_path, text))
    assert (caught.value.line, caught.value.field) == (line, field)
    assert message in caught.value.message
    assert str(tmp_path / "extra.tsv") in str(caught.value)


def test_merge_lets_the_extra_file_override_and_add():
    base = (LexiconTerm("医院", 0.0, "语境"), LexiconTerm("电子病历", 3.0, "病历"))
    extra = (LexiconTerm("医院", 1.0, "语境"), LexiconTerm("医共体", 2.0, "区域"))
    merged = {entry.term: entry.weight for entry in merge_lexicons(base, extra)}
    assert merged == {"医院": 1.0, "电子病历": 3.0, "医共体": 2.0}
