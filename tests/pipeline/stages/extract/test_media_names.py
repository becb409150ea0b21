"""What a media name can and cannot look like: the list the media finder's candidates are held to."""

from __future__ import annotations

import pytest

from pipeline.stages.extract.media_names import media_problem

MEDIA_NAMES = [
    *(
        "新华社",
        "新华网",
        "人民日报",
        "人民日报客户端",
        "健康报",
        "健康界",
        "中国新闻网",
        "央视新闻",
        "澎湃新闻",
    ),
    *("国家卫生健康委员会", "四川省卫生健康委员会", "健康四川官微", "成都卫健", "HIT专家网", "CHIMA"),
    *("环球时报新媒体", "在人间", "动脉网", "IT之家", "36氪", "界面新闻", "财新网", "南方都市报"),
]
NOT_MEDIA_NAMES = {
    "interface word": (
        "我要分享",
        "分享",
        "观看",
        "下载客户端",
        "独家抢先看",
        "写下你的想法",
        "收藏",
        "阅读原文",
    ),
    "social network": ("Facebook", "Twitter", "微博", "新浪微博", "微信", "朋友圈", "QQ空间", "LinkedIn"),
    "number, date or address": ("2024-01-25", "249", "10:30", "http://www.xinhuanet.com", "www.163.com"),
    "sentence": ("本文内容来自网络，如有侵权请联系删除。",),
    "compiled": ("综合抖音黑板报、南方都市报", "新华社、人民网"),
    "IP location": ("来自内蒙古自治区", "发布于北京", "IP属地：广东"),
}


@pytest.mark.parametrize("name", MEDIA_NAMES)
def test_what_a_media_name_can_look_like(name: str) -> None:
    assert media_problem(name) is None


@pytest.mark.parametrize("name", [name for names in NOT_MEDIA_NAMES.values() for name in names])
def test_what_a_media_name_cannot_look_like(name: str) -> None:
    assert media_problem(name) is not None
