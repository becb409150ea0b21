"""WeChat variants: video, image-only, reprinted, deleted and violation pages, trailing recommendations."""

from __future__ import annotations

import pytest

from pipeline.errors import DeletedArticle
from pipeline.stages.extract import extract_article

WECHAT_URL = "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUv"
INTERFACE = ("分享", "写下你的想法", "投诉", "观看", "在看", "收藏", "留言", "继续滑动看下一个", "已关注")


def extracted(fixture_bytes, make_record, name: str):  # type: ignore[no-untyped-def]
    return extract_article(make_record(fixture_bytes(name), url=WECHAT_URL))


def test_a_video_post_is_its_caption_under_the_account_named_in_d_nick_name(fixture_bytes, make_record):
    record = extracted(fixture_bytes, make_record, "wechat_video")
    assert record.media == "健康四川官微"
    assert record.title == "5G急救车实现“上车即入院”"
    assert record.text.startswith("患者还在救护车上") and "\n" not in record.text
    assert not any(word in record.text.split("\n") for word in INTERFACE)


def test_an_image_only_post_is_its_description_with_escapes_decoded(fixture_bytes, make_record):
    record = extracted(fixture_bytes, make_record, "wechat_image")
    assert record.media == "健康江苏"
    assert record.text.split("\n") == [
        '截至6月底，全省4.6万个村卫生室全部接入基层医疗卫生机构信息系统，"村医"可在线开方、报销和随访。',
        "图为南京市江宁区一处村卫生室。",
    ]


def test_a_reprint_is_the_original_article_under_the_reprinting_account(fixture_bytes, make_record):
    record = extracted(fixture_bytes, make_record, "wechat_reprint")
    assert record.media == "数字医疗观察"  # the copy the bulletin links to
    assert record.text.startswith("记者从省卫生健康委获悉") and "以下文章来源于" not in record.text
    assert len(record.text.split("\n")) == 3 and "阅读原文" not in record.text


def test_a_trailing_recommend_block_is_cut(fixture_bytes, make_record):
    record = extracted(fixture_bytes, make_record, "wechat_recommend")
    assert record.text.endswith("每年为群众节省费用约2亿元。")
    assert "RECOMMEND" not in record.text and "5G急救车" not in record.text


def test_a_violation_page_is_a_deleted_article(fixture_bytes, make_record):
    with pytest.raises(DeletedArticle, match="涉嫌违反相关法律法规和政策"):
        extracted(fixture_bytes, make_record, "wechat_violation")


@pytest.mark.parametrize(
    "script",
    [
        'var nickname = htmlDecode("健康中国");',
        "var nickname = '健康中国';",
        'd.nick_name = "健康中国";',
        "window.nickname = '健康中国';",
        "var data = {nick_name: JsDecode('健康中国'), title: 'x'};",
    ],
)
def test_every_way_a_wechat_page_names_its_account(script, make_record):
    html = (
        f"<html><head><meta property='og:site_name' content='微信公众平台'><script>{script}</script></head>"
        "<body><h1 class='rich_media_title'>全省卫生健康信息化工作会议召开</h1><div id='js_content'><p>"
        + "全省卫生健康信息化工作会议召开，会议部署了下半年的重点任务。" * 3
        + "</p></div><span class='video_nickname'>观看</span></body></html>"
    )
    assert extract_article(make_record(html.encode(), url=WECHAT_URL)).media == "健康中国"


def test_the_profile_block_names_the_account_when_scripts_do_not(make_record):
    html = (
        "<html><head><meta property='og:site_name' content='微信公众平台'></head><body>"
        "<h1 class='rich_media_title'>全省卫生健康信息化工作会议召开</h1><div id='js_content'><p>"
        + "全省卫生健康信息化工作会议召开，会议部署了下半年的重点任务。"
        * 3
        + "</p></div><div class='profile_inner'><strong class='profile_nickname'>健康中国</strong></div>"
        "</body></html>"
    )
    assert extract_article(make_record(html.encode(), url=WECHAT_URL)).media == "健康中国"
