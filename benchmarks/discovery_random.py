#!/usr/bin/env python3
"""The list finder on randomly composed listing pages: a check that it generalises beyond the fixtures.

    python benchmarks/discovery_random.py [--pages 300] [--seed 1]

Each page draws its main list's markup (ul/li, table/tr, div cards, dl/dt, anchors separated by <br>),
size, date format and position, URL shape (known article shapes and opaque ones), and adds a nav bar with
long column names, a "hot" sidebar (named or not, dated or not, with article URLs), a carousel, tags and
comment links inside items, and a footer of friend links. Prints recall and precision over all pages and
the share of pages under 0.9 of either.
"""

from __future__ import annotations

import argparse
import random
import sys

from pipeline.stages.discover import listing_links

HEADLINES = (
    "省卫生健康委召开全省卫生健康信息化工作推进会",
    "全民健康信息平台实现省市县三级互联互通",
    "电子健康卡与医保电子凭证实现一码通用",
    "全省远程医疗服务网络覆盖所有乡镇卫生院",
    "关于开展电子病历系统应用水平分级评价工作的通知",
    "互联网医院处方流转平台试运行",
    "医学影像云平台实现全市影像共享",
    "县域医共体信息化建设现场推进会召开",
    "疫苗全程电子追溯系统上线",
    "家庭医生签约服务信息系统完成升级",
    "省级医疗大数据中心建设方案通过评审",
    "智慧医院建设现场会在市第一人民医院召开",
    "公共卫生应急指挥信息系统开展实战演练",
)
COLUMNS = (
    "机构概况与职能介绍",
    "政务公开信息目录",
    "政策文件及解读汇编",
    "互动交流在线访谈",
    "专题专栏集中展示",
    "办事服务指南大全",
)


def title(rng: random.Random) -> str:
    return (
        rng.choice(HEADLINES)
        + rng.choice(("", "（图）", "第二期", "成效显著", "取得新进展"))
        + str(rng.randint(1, 999))
    )


def article_url(rng: random.Random, host: str) -> str:
    n, y, m, d = rng.randint(10000, 999999), 2020, rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        (
            f"http://{host}/xwzx/{y}{m:02d}/t{y}{m:02d}{d:02d}_{n}.shtml",
            f"http://{host}/art/{y}/{m}/{d}/art_1229_{n}.html",
            f"http://{host}/news/{n}.html",
            f"http://{host}/v2/article/detail/{rng.getrandbits(64):016x}.html",
            f"http://{host}/contents/{y}/{m}/{d}-{rng.getrandbits(96):024x}.html",
            f"http://{host}/p/{rng.getrandbits(40):010x}",  # opaque: only the list says it is an article
            f"http://{host}/show.aspx?id={n}",
            f"https://mp.weixin.qq.com/s/{rng.getrandbits(120):030x}",
        )
    )


def date(rng: random.Random) -> str:
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        (
            f"2020-{m:02d}-{d:02d}",
            f"[{m:02d}-{d:02d}]",
            f"2020年{m}月{d}日",
            f"2020.{m:02d}.{d:02d}",
            f"{m:02d}/{d:02d}",
        )
    )


def main_list(rng: random.Random, host: str) -> tuple[str, list[str]]:
    urls = [article_url(rng, host) for _ in range(rng.randint(8, 25))]
    dated = rng.random() < 0.8
    style = rng.choice(("ul", "table", "cards", "dl", "br"))
    extras = rng.random() < 0.4  # tags and comment links inside items

    def extra() -> str:
        tag = f'<a class="tag" href="http://{host}/tag/{rng.randint(1, 50)}">医疗</a>'
        return (
            (tag + f'<a href="http://{host}/comment/{rng.randint(1, 9999)}">评论{rng.randint(1, 99)}</a>')
            if extras
            else ""
        )

    def when() -> str:
        return f"<span>{date(rng)}</span>" if dated else ""

    if style == "ul":
        rows = "".join(f'<li><a href="{u}">{title(rng)}</a>{when()}{extra()}</li>' for u in urls)
        return f'<ul class="{rng.choice(("list", "news_list", "lb", "ul1"))}">{rows}</ul>', urls
    if style == "table":
        rows = "".join(
            f'<tr><td>·</td><td><a href="{u}">{title(rng)}</a></td><td>{date(rng) if dated else ""}</td></tr>'
            for u in urls
        )
        return f"<table><tbody>{rows}</tbody></table>", urls
    if style == "cards":
        rows = "".join(
            f'<div class="item"><a href="{u}"><img src="/i.jpg"></a><h3><a href="{u}">{title(rng)}</a></h3>'
            f"<p>{title(rng)}，相关工作正在推进……</p>{when()}{extra()}</div>"
            for u in urls
        )
        return f'<div class="{rng.choice(("items", "newslist", "con"))}">{rows}</div>', urls
    if style == "dl":
        rows = "".join(
            f'<dl><dt><a href="{u}">{title(rng)}</a></dt><dd>{date(rng) if dated else "摘要"}</dd></dl>'
            for u in urls
        )
        return f'<div class="dls">{rows}</div>', urls
    rows = "".join(f'<a href="{u}">{title(rng)}</a> {date(rng) if dated else ""}<br>' for u in urls)
    return f'<div class="plain">{rows}</div>', urls


def page(rng: random.Random) -> tuple[str, str, list[str]]:
    host = rng.choice(("wsjkw.sc.gov.cn", "www.hitnews.com.cn", "news.example.com.cn"))
    url = f"http://{host}/xwzx/gzdt/index.shtml"
    body, urls = main_list(rng, host)
    nav = "".join(f'<li><a href="http://{host}/{n}/index.html">{c}</a></li>' for n, c in enumerate(COLUMNS))
    side_name = rng.choice(("sidebar", "hot", "rank", "right", "box2"))
    side_dated = rng.random() < 0.5
    side = "".join(
        f'<li><a href="{article_url(rng, host)}">{title(rng)}</a>'
        f"{f'<i>{date(rng)}</i>' if side_dated else ''}"
        "</li>"
        for _ in range(rng.randint(5, 10))
    )
    heading = rng.choice(("热点新闻", "最新动态", "推荐阅读", "图片新闻"))
    carousel = "".join(
        f'<div class="slide"><a href="{article_url(rng, host)}"><img src="/c.jpg">'
        f"<p>{title(rng)}</p></a></div>"
        for _ in range(4)
    )
    friends = "".join(f'<a href="http://www.site{n}.gov.cn/">第{n}个友情链接单位名称</a>' for n in range(8))
    pager = '<div class="page"><a href="index_2.shtml">下一页</a></div>'
    main = f'<div class="main"><div class="tit">工作动态</div>{body}{pager}</div>'
    aside = f'<div class="{side_name}"><h3>{heading}</h3><ul>{side}</ul></div>'
    columns = (main, aside) if rng.random() < 0.6 else (aside, main)
    focus = f'<div class="focus">{carousel}</div>' if rng.random() < 0.5 else ""
    html = (
        "<html><head><title>工作动态_某某网</title></head><body>"
        f"<div class='header'><ul class='nav'>{nav}</ul></div>{focus}"
        f"<div class='wrap'>{''.join(columns)}</div>"
        f"<div class='footer'>{friends}<p>版权所有</p></div></body></html>"
    )
    return url, html, urls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    right = wanted = found = low = 0
    for _ in range(args.pages):
        url, html, urls = page(rng)
        got = [link for link, _ in listing_links(html, url).kept]
        hit = len(set(got) & set(urls))
        right, wanted, found = right + hit, wanted + len(set(urls)), found + len(got)
        low += hit / len(set(urls)) < 0.9 or (hit / len(got) if got else 0) < 0.9
    print(f"{args.pages} random pages: recall {right / wanted:.3f}, precision {right / max(found, 1):.3f}, "
          f"pages under 0.9: {low} ({low / args.pages:.1%})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
