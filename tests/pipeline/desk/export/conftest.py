from datetime import date

import pytest

from pipeline.config import BulletinSettings
from pipeline.desk.export import Bulletin, BulletinItem


@pytest.fixture
def texts() -> BulletinSettings:
    return BulletinSettings()


@pytest.fixture
def two_items() -> Bulletin:
    """An invented issue: one plain item, one whose title and body hold Markdown syntax."""
    return Bulletin(
        number=12,
        issued=date(2024, 3, 8),
        period_start=date(2024, 3, 4),
        period_end=date(2024, 3, 8),
        items=(
            BulletinItem(
                title="某市区域全民健康信息平台上线",
                media="健康信息周刊",
                published=date(2024, 3, 4),
                link="https://news.example.org/hit/2024/0304.html",
                body="平台接入全市二十家医院。\n\n  居民可在线查询检验报告。  \n",
            ),
            BulletinItem(
                title="电子病历*评级*进展 [图]",
                media="示例卫健委",
                published=date(2024, 3, 6),
                link="https://wx.example.com/s/AbC_123",
                body="1. 第一项任务\n# 不是标题\n- 不是列表",
            ),
        ),
    )
