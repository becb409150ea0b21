from dataclasses import replace
from datetime import date

import pytest

from pipeline.desk.export import Bulletin
from pipeline.desk.export.phrases import intro, one_line, paragraphs
from pipeline.errors import InputError


def test_intro_fills_count_period_and_scope(two_items, texts):
    custom = texts.model_copy(update={"intro": "{start}至{end}共{count}篇。{scope}", "scope": "范围"})
    assert intro(two_items, custom) == "2024年3月4日至2024年3月8日共2篇。范围"


@pytest.mark.parametrize(("template", "named"), [("共{total}篇", "{total}"), ("共{}篇", "{}")])
def test_intro_template_with_unknown_placeholder_is_an_input_error(two_items, texts, template, named):
    with pytest.raises(InputError, match="unknown placeholder") as raised:
        intro(two_items, texts.model_copy(update={"intro": template}))
    assert raised.value.field == "bulletin.intro"
    assert named in raised.value.message


def test_intro_template_with_a_lone_brace_is_an_input_error(two_items, texts):
    with pytest.raises(InputError, match="bad template"):
        intro(two_items, texts.model_copy(update={"intro": "共{count篇"}))


def test_paragraphs_drop_blank_lines_and_control_characters():
    assert paragraphs("  一\x00段 \r\n\n\t\n二段\x0b\n") == ["一段", "二段"]


def test_one_line_joins_a_title_broken_over_lines():
    assert one_line(" 标题\n 第二行\x07 ") == "标题 第二行"


def test_bulletin_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="starts after it ends"):
        Bulletin(
            number=1, issued=date(2024, 3, 8), period_start=date(2024, 3, 8), period_end=date(2024, 3, 4)
        )


def test_bulletin_items_cannot_be_changed_after_the_fact(two_items):
    rebuilt = replace(two_items, items=list(two_items.items))
    assert isinstance(rebuilt.items, tuple)
