"""Line clean-up: furniture out, title and byline head off, the tail cut where the article ends."""

from __future__ import annotations

from pipeline.stages.extract.trim import clean_body

ARTICLE = ["第一段正文，说明医院信息化建设进展。", "第二段正文，介绍下一步工作安排。"]


def test_editor_lines_and_widgets_are_removed():
    text = "\n".join(
        ["【纠错】", ARTICLE[0], "责任编辑：王五", "分享到：微信 微博", "字号：大 中 小", ARTICLE[1]]
    )
    assert clean_body(text) == "\n".join(ARTICLE)


def test_long_sentence_quoting_a_widget_word_stays():
    sentence = (
        "患者可以在公众号里点击分享到家庭群，让家属同步查看检查报告和缴费记录，医院称这项功能很受欢迎。"
    )
    assert clean_body(sentence) == sentence


def test_title_deck_and_byline_are_dropped():
    text = "\n".join(["互联网医院试点启动", "推进分级诊疗", "2018-04-23 10:00", "来源：健康报", *ARTICLE])
    assert clean_body(text, "互联网医院试点启动") == "\n".join(ARTICLE)


def test_paragraph_quoting_the_title_is_not_the_title():
    first = "【#互联网医院试点启动#】据报道，首批互联网医院试点今日启动，覆盖全省十个地市的二级以上医院。"
    assert clean_body("\n".join([first, ARTICLE[0]]), "互联网医院试点启动").startswith(first)


def test_gov_metadata_table_lines_are_dropped():
    text = "\n".join(["索 引 号：", "000014349/2018-00082", "发文机关：", "国务院办公厅", *ARTICLE])
    assert clean_body(text) == "\n".join(ARTICLE)


def test_tail_is_cut_at_related_news_copyright_and_comments():
    for marker in (
        "相关新闻",
        "网友评论",
        "Copyright © 2018 某某网",
        "特别声明：以上内容为用户上传，本平台仅提供信息存储服务。",
    ):
        text = "\n".join([*ARTICLE, marker, "- 另一篇文章的标题"])
        assert clean_body(text) == "\n".join(ARTICLE), marker


def test_tail_is_cut_at_another_article_heading():
    text = "\n".join([*ARTICLE, "下一篇文章的大标题", "下一篇文章的正文。"])
    assert clean_body(text, "", frozenset({"下一篇文章的大标题"})) == "\n".join(ARTICLE)


def test_a_list_of_teaser_summaries_ends_the_article():
    teasers = [
        "近日，某市卫生健康委发布通知，要求各医疗机构在年底前完成电子健康卡的受理环境改造...",
        "日前，省医保局召开会议，部署医保信息平台上线切换工作，要求各地市做好数据迁移和测试...",
    ]
    assert clean_body("\n".join([*ARTICLE, *teasers])) == "\n".join(ARTICLE)


def test_one_paragraph_ending_in_dots_stays():
    trailing = "会上，专家们讨论了数据共享、隐私保护、标准互认等问题，话题一个接一个，讨论一直持续到深夜..."
    text = "\n".join([ARTICLE[0], trailing, ARTICLE[1]])
    assert clean_body(text) == text


def test_whitespace_is_collapsed_within_lines():
    assert clean_body("  第一段  正文\u3000内容。 \n\n\n第二段。") == "第一段 正文 内容。\n第二段。"


def test_recommendation_heading_over_a_list_ends_the_article():
    text = "\n".join([*ARTICLE, "健康资讯推荐", "- 2021-01-19 另一篇文章", "- 2021-01-19 又一篇文章"])
    assert clean_body(text) == "\n".join(ARTICLE)


def test_recommendation_subheading_inside_the_article_stays():
    paragraph = "高血压患者每天食盐摄入量应控制在5克以内，多吃新鲜蔬菜水果，少吃腌制食品和加工肉类。"
    text = "\n".join([ARTICLE[0], "饮食推荐", paragraph, ARTICLE[1]])
    assert clean_body(text) == text


def test_short_first_paragraph_opening_with_a_date_stays():
    first = "2018年4月23日，全省卫生信息化工作会议召开。"
    assert clean_body("\n".join([first, *ARTICLE])).startswith(first)
