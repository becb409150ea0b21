"""The three fictional sites served by the sample site, and a sources file that crawls them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

import yaml

GOV_SITE_NAME = "江南省卫生健康委员会"  # the site's name, as in <title>
GOV_MEDIA = "江南省卫生健康委"  # the 来源 its own articles carry
GOV_ROOT = "/wsjkw/"
GOV_COLUMN = "/wsjkw/xxgk/gzdt/"  # 工作动态: index.shtml, index_1.shtml, ...
GOV_LINK_PATTERN = r"/t\d{8}_\d+\.shtml$"

HIT_SITE_NAME = "HIT前哨网"
HIT_ROOT = "/hit/"
HIT_LINK_PATTERN = r"/\d+\.html$"

WECHAT_ROOT = "/wechat/"
LISTING_PAGES = 3  # max_pages the sources file gives the listings


@dataclass(frozen=True, slots=True)
class WechatAccount:
    name: str  # the nickname, also the feed title
    feed_id: str  # the mirror's id of the account, e.g. MP_WXS_3076453447
    feed_format: Literal["atom", "rss"]
    user_name: str  # gh_... as in the page's ``var user_name``
    description: str

    @property
    def feed_path(self) -> str:
        return f"{WECHAT_ROOT}feeds/{self.feed_id}.{self.feed_format}"

    @property
    def biz(self) -> str:
        """``__biz``: WeChat's base64 of the account's number."""
        number = self.feed_id.rsplit("_", 1)[-1]
        return base64.b64encode(number.encode()).decode()


WECHAT_ACCOUNTS = (
    WechatAccount(
        name="健康信息化前沿",
        feed_id="MP_WXS_3076453447",
        feed_format="atom",
        user_name="gh_3a7f1c2d9b40",
        description="关注医疗健康信息化政策、技术与实践",
    ),
    WechatAccount(
        name="数字医院观察",
        feed_id="MP_WXS_2390000001",
        feed_format="rss",
        user_name="gh_58e2b0c4a1d7",
        description="记录医院数字化转型的观察与思考",
    ),
)


def wechat_account(name: str) -> WechatAccount:
    for account in WECHAT_ACCOUNTS:
        if account.name == name:
            return account
    raise KeyError(name)


def sources_yaml(base_url: str) -> str:
    """A sources file (the contract of docs/design) for the sample site served at ``base_url``."""
    base = base_url.rstrip("/")
    sources = [
        {
            "name": GOV_MEDIA,
            "kind": "listing",
            "url": f"{base}{GOV_COLUMN}index.shtml",
            "media": GOV_MEDIA,
            "link_pattern": GOV_LINK_PATTERN,
            "max_pages": LISTING_PAGES,
        },
        *(
            {"name": account.name, "kind": "feed", "url": base + account.feed_path, "media": account.name}
            for account in WECHAT_ACCOUNTS
        ),
        {
            "name": HIT_SITE_NAME,
            "kind": "listing",
            "url": f"{base}{HIT_ROOT}",
            "media": HIT_SITE_NAME,
            "link_pattern": HIT_LINK_PATTERN,
            "max_pages": LISTING_PAGES,
        },
    ]
    header = f"# The bundled sample site served at {base} (python -m hitmon.samplesite).\n"
    return header + yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False, width=200)
