from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.stages.relevance.document import Document
from pipeline.stages.relevance.expressions import And, Near, Not, Or, Pattern, Scoped, Term
from pipeline.stages.relevance.matching import TermMatcher
from pipeline.stages.relevance.rules import parse_rules, read_rules


def holds(rule_text: str, title: str, body: str, categories=None) -> bool:
    """Whether the single rule in ``rule_text`` matches an article."""
    rules = parse_rules(rule_text, "t.rules", categories)
    keys = frozenset().union(*(c for c in (categories or {}).values()))
    doc = Document.build(title, body, "", TermMatcher(rules.literals() | keys), keys)
    return rules.rules[0].spans(doc) is not None


def test_a_score_rule_has_expression_weight_line_and_source():
    rules = parse_rules("# heading\n\n电子病历 OR 电子健康档案 => 3  # why\n", "t.rules")
    (rule,) = rules.rules
    assert (rule.kind, rule.weight, rule.line, rule.source) == (
        "score",
        3.0,
        3,
        "电子病历 OR 电子健康档案 => 3",
    )
    assert rule.expr == Or((Term("电子病历"), Term("电子健康档案")))
    assert rule.where == "t.rules:3"


def test_precedence_near_binds_tighter_than_not_and_or():
    (rule,) = parse_rules("a OR b AND NOT c NEAR/3 d => 1").rules
    assert rule.expr == Or((Term("a"), And((Term("b"), Not(Near(Term("c"), Term("d"), 3))))))


def test_parentheses_field_scope_regex_and_negative_weight():
    (rule,) = parse_rules("title:(互联网医院 OR /智慧.{0,2}医院/) => -2.5").rules
    assert rule.weight == -2.5
    assert isinstance(rule.expr, Scoped) and rule.expr.field == "title"
    assert isinstance(rule.expr.child, Or) and isinstance(rule.expr.child.children[1], Pattern)


def test_must_and_exclude_rules():
    must, exclude = parse_rules("+(医院 OR 卫生)\n!title:招聘\n").rules
    assert (must.kind, exclude.kind) == ("must", "exclude")


def test_or():
    assert holds("电子病历 OR 健康档案 => 1", "", "建立健康档案")
    assert not holds("电子病历 OR 健康档案 => 1", "", "建立档案")


def test_and():
    assert holds("医保 AND 结算 => 1", "医保改革", "直接结算")
    assert not holds("医保 AND 结算 => 1", "医保改革", "报销")


def test_not():
    assert holds("医院 AND NOT 招聘 => 1", "", "医院上线新系统")
    assert not holds("医院 AND NOT 招聘 => 1", "", "医院招聘护士")


def test_near_counts_characters_between_the_two_in_either_order():
    assert holds("医保 NEAR/4 结算 => 1", "", "医保费用可以结算")  # 4 characters between
    assert not holds("医保 NEAR/3 结算 => 1", "", "医保费用可以结算")
    assert holds("医保 NEAR/3 结算 => 1", "", "结算使用医保")


def test_near_does_not_reach_across_title_and_body():
    assert not holds("医保 NEAR/5 结算 => 1", "医保", "结算")


def test_title_scope():
    assert holds("title:(互联网医院) => 4", "首家互联网医院挂牌", "")
    assert not holds("title:(互联网医院) => 4", "首家医院挂牌", "互联网医院")


def test_body_scope():
    assert holds("body:互联网医院 => 4", "", "首家互联网医院")
    assert not holds("body:互联网医院 => 4", "互联网医院", "")


def test_regular_expression_ignores_case():
    assert holds("/his.{0,2}系统/ => 2", "", "医院的HIS新系统")
    assert not holds("/his.{0,2}系统/ => 2", "", "医院的新系统")


def test_quoted_terms_may_hold_spaces_and_keywords():
    assert holds('"AND" => 1', "", "R AND D")
    assert holds('"health IT" => 1', "", "Health IT news")


def test_terms_match_full_width_and_case_insensitively_unless_written_as_acronyms():
    assert holds("PACS => 1", "", "医院ＰＡＣＳ系统")
    assert holds("pacs => 1", "", "医院PACS系统")
    assert holds("Health => 1", "", "HEALTH")
    assert not holds("HIT => 1", "", "a big hit")


def test_named_groups_and_lexicon_categories():
    text = "@卫生 = 医院 OR 卫生院\n@卫生 NEAR/5 @信息 => 1\n"
    categories = {"信息": frozenset({"信息化", "平台"})}
    assert holds(text.split("\n", 1)[1], "", "卫生院信息化建设", categories | {"卫生": frozenset({"卫生院"})})
    rules = parse_rules(text, "t.rules", categories)
    assert len(rules.rules) == 1  # the definition is not a rule


def test_categories_match_whole_words_only():
    categories = {"卫生": frozenset({"医疗"}), "核心": frozenset({"医疗大数据"})}
    assert not holds("@卫生 => 1", "", "医疗大数据中心", categories)
    assert holds("医疗 => 1", "", "医疗大数据中心", categories)  # a plain term matches inside words


def test_read_rules_reads_a_file(tmp_path):
    path = tmp_path / "editor.rules"
    path.write_text("电子病历 => 3\n", encoding="utf-8")
    assert read_rules(path).rules[0].path == str(path)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("电子病历 => 3\n电子病历", 2, 5, "expected '=> weight'"),
        ("(电子病历 OR 医院 => 3", 1, 13, "expected ')'"),
        ("电子病历 => much", 1, 9, "weight"),
        ("foo:电子病历 => 1", 1, 1, "unknown field 'foo'"),
        ("电子病历 OR => 1", 1, 9, "expected a term"),
        ("@未定义 => 1", 1, 1, "unknown group @未定义"),
        ("医保 NEAR 结算 => 1", 1, 4, "NEAR needs a distance"),
        ("/(医保/ => 1", 1, 2, "bad regular expression"),
        ("/医保 => 1", 1, 1, "unclosed regular expression"),
        ('"医保 => 1', 1, 1, "unclosed quote"),
        ("+医院 => 2", 1, 5, "takes no weight"),
        ("电子病历 医院 => 1", 1, 6, "need an operator"),
        ("电子病历 => 1 2", 1, 11, "expected the end of the line"),
        ("医院 AND !招聘 => 1", 1, 8, "only starts a rule"),
    ],
)
def test_errors_name_file_line_and_column(text, line, column, message):
    with pytest.raises(InputError) as caught:
        parse_rules(text, "editor.rules")
    error = caught.value
    assert (error.path, error.line, error.field) == ("editor.rules", line, f"column {column}")
    assert message in error.message
    assert str(error).startswith(f"editor.rules:{line}: column {column}: ")
