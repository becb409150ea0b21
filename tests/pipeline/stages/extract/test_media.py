"""Media (来源) and author, from the article's own lines before metadata and configuration."""

from __future__ import annotations

import pytest

from pipeline.stages.extract.media import find_author, find_media


def test_source_line_beats_site_name(page_of):
    page = page_of(
        "<html><head><meta property='og:site_name' content='某某网'></head><body><h1>标题在这里很长</h1>"
        "<div>2018-04-23 10:00 来源：<a href='#'>健康报</a> 作者：李明</div><p>正文。</p>"
        "<p>图片来源：视觉中国</p></body></html>"
    )
    assert find_media(page, "标题在这里很长", None, None) == "健康报"


def test_source_in_brackets_on_its_own_line(page_of):
    page = page_of(
        "<html><body><div>2005年3月11日12:12 来源：[<a>人民网</a>]</div><p>正文。</p></body></html>"
    )
    assert find_media(page, "", None, None) == "人民网"


def test_run_on_line_is_cut_before_the_next_label(page_of):
    page = page_of("<html><body><p>来源：国家卫生健康委员会编辑：王五</p></body></html>")
    assert find_media(page, "", None, None) == "国家卫生健康委员会"


def test_picture_credit_is_not_the_source(page_of):
    page = page_of("<html><body><p>正文。</p><p>图片来源：视觉中国</p></body></html>")
    assert find_media(page, "", "临江发布", None) == "临江发布"


def test_content_source_meta(page_of):
    page = page_of(
        "<html><head><meta name='ContentSource' content='市卫生健康委'></head><body>x</body></html>"
    )
    assert find_media(page, "", "市政府网", None) == "市卫生健康委"


def test_wechat_nickname_script(page_of):
    page = page_of('<html><body><p>x</p><script>var nickname = htmlDecode("医信邦");</script></body></html>')
    assert find_media(page, "", None, None) == "医信邦"


def test_unlabelled_name_beside_the_byline_date(page_of):
    page = page_of(
        "<html><body><h1>医院数据治理的五个误区</h1><div><span>2024-05-10 00:26</span>"
        "<span>·</span><span>健康界</span><span>举报</span></div><p>正文。</p></body></html>"
    )
    assert find_media(page, "医院数据治理的五个误区", None, None) == "健康界"


def test_byline_skips_widgets_and_ip_locations(page_of):
    page = page_of(
        "<html><body><h1>医院数据治理的五个误区</h1><div><span>医信观察</span><span>关注</span>"
        "<span>2024-05-08 23:23</span><span>来自北京</span></div><p>正文。</p></body></html>"
    )
    assert find_media(page, "医院数据治理的五个误区", None, None) == "医信观察"


def test_fallbacks_configured_media_then_feed_author(page_of):
    page = page_of("<html><body><p>正文。</p></body></html>")
    assert find_media(page, "", "HIT专家网", "feed作者") == "HIT专家网"
    assert find_media(page, "", None, "feed作者") == "feed作者"
    assert find_media(page, "", None, None) is None


def test_author_from_reporter_line_not_editor(page_of):
    page = page_of("<html><body><p>责任编辑：王五</p><p>（记者 张华 李青）</p><p>正文。</p></body></html>")
    assert find_author(page, None, None) == "张华 李青"


def test_author_label(page_of):
    page = page_of("<html><body><div>来源：健康报 作者：刘洋</div><p>字号：大 中 小</p></body></html>")
    assert find_author(page, "健康报", None) == "刘洋"


def test_author_meta_repeating_the_media_is_ignored(page_of):
    page = page_of(
        "<html><head><meta name='author' content='市卫生健康委'></head><body><p>x</p></body></html>"
    )
    assert find_author(page, "市卫生健康委", None) is None
    assert find_author(page, "健康报", None) == "市卫生健康委"


def test_editor_alone_is_no_author(page_of):
    page = page_of("<html><body><p>责任编辑：王五</p><p>编辑：赵六</p></body></html>")
    assert find_author(page, None, None) is None


def test_newer_wechat_nick_name(page_of):
    page = page_of(
        "<html><body><p>x</p><script>var d = {nick_name: JsDecode('健康中国')};</script></body></html>"
    )
    assert find_media(page, "", None, None) == "健康中国"


def test_wechat_account_beats_a_reprint_source_line(page_of):
    page = page_of(
        "<html><body><div id='js_content'><p>正文。</p><p>来源：江南省卫生健康委</p></div>"
        "<a id='js_name'>数字医院观察</a></body></html>"
    )
    assert find_media(page, "", None, None) == "数字医院观察"


def test_date_glued_to_the_source_name_is_cut(page_of):
    page = page_of("<html><body><p>来源：新华网2024-05-09 22:27</p></body></html>")
    assert find_media(page, "", None, None) == "新华网"


def test_interface_words_and_social_networks_are_never_the_media(page_of):
    page = page_of(
        "<html><head><meta property='og:site_name' content='新华网'></head>"
        "<body><h1>全省智慧医院建设现场会召开</h1>"
        "<div>我要分享</div><div>2020-07-02 10:00</div><div>Facebook</div><p>正文第一段。</p></body></html>"
    )
    assert find_media(page, "全省智慧医院建设现场会召开", None, None) == "新华网"


@pytest.mark.parametrize(
    "line",
    [
        "来源 | 健康报",
        "稿源：健康报",
        "信息来源：健康报",
        "来源 健康报",
        "本文来源于健康报",
        "转自：健康报",
        "转载自健康报",
        "信息来源于：健康报",
        "来  源：健康报",
        "【来源】健康报",
    ],
)
def test_source_lines_of_every_shape(page_of, line):
    page = page_of(
        "<html><head><meta property='og:site_name' content='某某网'></head>"
        "<body><h1>全省智慧医院建设现场会召开</h1>"
        f"<div>2020-07-02 10:00</div><p>{line}</p><p>正文第一段。</p></body></html>"
    )
    assert find_media(page, "全省智慧医院建设现场会召开", "某某网", None) == "健康报"


def test_a_word_origin_in_a_sentence_is_no_source_line(page_of):
    page = page_of("<html><body><p>该词来源于古希腊语，意为健康。</p></body></html>")
    assert find_media(page, "", "健康界", None) == "健康界"


def test_the_agency_a_source_line_names_beats_the_sites_brand(page_of):
    page = page_of(
        "<html><head><meta property='og:site_name' content='新华网'></head>"
        "<body><h1>全省智慧医院建设现场会召开</h1>"
        "<div>2020-07-02 10:00</div><div>新华网</div><p>正文第一段。</p>"
        + "<p>正文。</p>" * 60
        + "<p>（来源：新华社）</p></body></html>"
    )
    assert find_media(page, "全省智慧医院建设现场会召开", None, None) == "新华社"
