"""A large generated TRS government site for crawl benchmarks and distributed-crawl tests.

``generate_site(n, seed)`` renders ``n`` article pages (20-60 KB each) of a 卫生健康委 column in the
sample site's TRS shape (``gov_article.html.j2``: nav, ``meta ArticleTitle/PubDate/ContentSource``, a
发布时间/来源 line, a ``.TRS_Editor`` body) and the column's listing pages ``index.shtml``,
``index_1.shtml`` ... with ``createPageHTML(total, current, "index", "shtml")``. The text is made of
sentence fragments about hospital IT, medical insurance, public health and unrelated government work,
chosen by a random generator seeded per article, so the same ``(n, seed)`` gives the same bytes and a
site of 1,000 pages holds the first 1,000 articles (titles, dates, text) of a site of 5,000. Titles are
unique and texts overlap far below the reprint threshold: the crawl should find no reprint stories.

Serve it with ``hitmon.samplesite.serve_pages(generate_site(n))``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hitmon.samplesite.page import Page, html_page, newest, text_page
from hitmon.samplesite.sites import GOV_COLUMN, GOV_SITE_NAME

ITEMS_PER_PAGE = 20  # links per listing page, as on most TRS columns
LISTING_URL_PATH = GOV_COLUMN + "index.shtml"
LINK_PATTERN = r"/t\d{8}_\d+\.shtml$"  # article links on the listing pages
ARTICLE_PATH = re.compile(re.escape(GOV_COLUMN) + r"\d{6}/t\d{8}_\d+\.shtml")
MIN_BYTES, MAX_BYTES = 20_000, 60_000
GBK_EVERY = 10  # one page in ten is served in GBK, as older TRS sites are
SITE_HOST = "http://wsjkw.jiangnan.gov.cn"  # the host the pages' <meta name="Url"> names
NEWEST = datetime(2025, 6, 30, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ROBOTS_TXT = "User-agent: *\nDisallow: /wsjkw/search/\n"
RELATED_LINKS = 6
TITLE_TRIES = 50
VOCABULARY_SHARE = 0.5  # of each fragment list an article draws from
PARAGRAPH_MARKUP = len('      <p style="text-indent: 2em;"></p>\n')


@dataclass(frozen=True, slots=True)
class Topic:
    health_it: bool
    organizers: tuple[str, ...]
    titles: tuple[str, ...]
    subjects: tuple[str, ...]
    actions: tuple[str, ...]
    objects: tuple[str, ...]
    tails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    """What the gov templates read from an article (the same names as ``SampleArticle``)."""

    id: str
    title: str
    published: datetime
    media: str
    editor: str
    encoding: str
    paragraphs: tuple[str, ...]
    size: int  # the page's target size in bytes
    topic: Topic

    @property
    def path(self) -> str:
        return f"{GOV_COLUMN}{self.published:%Y%m}/{self.id}.shtml"


PLACES = (
    "临江市", "明州市", "南浦市", "云溪区", "青川县", "东阳县", "江北新区", "安澜市",
    "白沙县", "清河区", "永宁市", "石门县", "全省", "省内各地", "海宁湾新区",
)  # fmt: skip
MEDIA = (
    "江南省卫生健康委", "江南省卫生健康委", "江南省医疗保障局", "江南省疾病预防控制中心",
    "临江市卫生健康局", "明州市卫生健康局", "江南日报", "健康报", "江南省人民政府办公厅",
)  # fmt: skip
EDITORS = ("周婷", "沈立", "王晓燕", "李建国", "陈静", "办公室", "赵磊", "刘洋")
EVENTS = (
    "召开专题工作推进会", "组织开展专项督导检查", "举行工作培训班", "召开电视电话会议",
    "印发年度工作要点", "召开新闻发布会", "组织专家开展现场评估", "召开季度工作例会",
)  # fmt: skip
LEADERS = ("会议", "省卫生健康委主要负责同志", "分管副市长", "省医保局负责同志", "督导组", "与会专家")
DEMANDS = (
    "要提高政治站位，把各项任务落到实处", "要压实主体责任，细化工作方案和时间表",
    "要加强部门协同，形成工作合力", "要坚持问题导向，补齐短板弱项",
    "要强化督查考核，确保按期完成目标任务", "要注重总结推广，及时形成可复制的经验做法",
    "要加强宣传引导，营造良好社会氛围", "要统筹发展和安全，守牢风险底线",
    "要加大经费保障力度，落实专门人员", "要以群众满意为标准，持续改进服务",
)  # fmt: skip
HOSPITALS = (
    "第一人民医院", "第二人民医院", "第三人民医院", "中医院", "妇幼保健院", "中心医院", "儿童医院",
    "人民医院", "中西医结合医院", "口腔医院", "肿瘤医院", "精神卫生中心",
)  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN_NAME_CHARS = (
    "建国伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志宏文辉鹏飞斌波宇晨欣怡婷雪梅海峰立新春燕"
)
ROLES = (
    "省卫生健康委副主任",
    "市卫生健康局局长",
    "医院院长",
    "信息中心主任",
    "分管副市长",
    "处长",
    "专家组组长",
)
INSTITUTIONS = (
    "二级以上医院", "基层医疗卫生机构", "定点医药机构", "乡镇卫生院", "社区卫生服务中心", "村卫生室",
)  # fmt: skip
DONE = (
    "接入区域全民健康信息平台", "上线医保信息平台", "开通电子健康卡", "实现检查检验结果互认", "完成系统改造",
)  # fmt: skip
SERVICES = ("服务群众", "结算", "调阅健康档案", "线上问诊", "刷码就医", "完成预约挂号")

TOPICS = (
    Topic(
        health_it=True,
        organizers=("省卫生健康委", "临江市卫生健康局", "省卫生健康信息中心", "明州市人民政府"),
        titles=(
            "推进智慧医院建设取得阶段性成效", "召开医院信息化建设工作推进会",
            "电子病历系统应用水平分级评价工作启动", "上线“互联网+医疗健康”便民服务平台",
            "加快建设区域全民健康信息平台", "实现检查检验结果跨院互认", "部署医疗机构网络安全等级保护工作",
            "推广电子健康卡“一卡通用”", "开展互联网医院监管平台建设试点", "公布智慧服务分级评估结果",
        ),
        subjects=(
            "各级医疗机构", "全市二级以上公立医院", "省人民医院", "市第一人民医院", "县级医院",
            "互联网医院", "医联体牵头医院", "区域影像中心", "各医院信息部门", "试点医院",
        ),
        actions=(
            "全面推进", "加快完善", "深入开展", "稳步实施", "率先建成", "持续优化", "统筹推进",
            "按期完成", "试点推广", "集中部署",
        ),
        objects=(
            "电子病历系统应用水平分级评价", "医院信息平台集成改造", "智慧服务分级评估工作",
            "检查检验结果互认共享", "远程会诊和远程影像诊断系统", "临床决策支持系统",
            "医疗机构网络安全等级保护测评", "医院数据中心和灾备系统", "分时段预约诊疗和智能导诊",
            "移动护理和闭环管理", "互联网诊疗服务", "医疗健康大数据应用",
        ),
        tails=(
            "实现患者就诊信息在医联体内调阅共享", "减少患者重复检查和往返奔波",
            "门诊患者平均候诊时间明显缩短", "为分级诊疗提供信息化支撑",
            "打通院内各业务系统之间的数据壁垒", "医疗质量和安全管理水平进一步提升",
            "全面落实数据安全和个人信息保护要求", "推动优质医疗资源向基层下沉",
            "形成一批可推广的智慧医院建设样板", "做到系统接口标准统一、数据口径一致",
        ),
    ),
    Topic(
        health_it=True,
        organizers=("省医疗保障局", "临江市医疗保障局", "省医保事业管理中心"),
        titles=(
            "医保电子凭证全流程应用工作推进", "全国统一医保信息平台顺利上线运行",
            "扩大跨省异地就医直接结算覆盖范围", "深化DRG/DIP支付方式改革", "开展医保基金智能监管专项行动",
            "推行医保移动支付", "门诊慢特病跨省直接结算试点启动", "医保药品追溯码应用工作部署",
        ),
        subjects=(
            "各级医保部门", "定点医药机构", "市医保局", "医保经办机构", "参保单位", "试点统筹地区",
            "各定点医院", "医保信息平台运维团队",
        ),
        actions=(
            "全面推行", "加快推进", "扎实开展", "进一步扩大", "平稳完成", "积极推广", "常态化开展",
            "迭代升级",
        ),
        objects=(
            "医保电子凭证激活和全流程应用", "跨省异地就医直接结算", "按病组和病种分值付费改革",
            "医保基金智能审核和监控", "医保移动支付", "医保信息业务编码标准贯标",
            "门诊共济保障机制改革", "药品耗材追溯码采集", "长期护理保险信息系统", "医保结算清单质量控制",
        ),
        tails=(
            "参保群众看病就医实现“一码通办”", "有效减轻参保人员垫付压力", "医保基金使用效率明显提高",
            "筑牢医保基金安全防线", "异地就医备案实现线上即时办理", "实现医保业务“全省通办、一站结算”",
            "进一步规范医疗服务行为", "定点医药机构接入率达到百分之百",
        ),
    ),
    Topic(
        health_it=True,
        organizers=("省卫生健康委", "省疾病预防控制中心", "南浦市卫生健康局"),
        titles=(
            "加强传染病监测预警体系建设", "居民电子健康档案向个人开放", "推进家庭医生签约服务提质增效",
            "启用免疫规划信息系统", "开展慢性病综合防控示范区建设", "部署流感等呼吸道传染病防控工作",
            "推进基层卫生信息系统升级改造", "公共卫生应急指挥平台投入使用",
        ),
        subjects=(
            "各级疾控机构", "基层医疗卫生机构", "家庭医生团队", "社区卫生服务中心", "预防接种门诊",
            "市疾控中心", "各乡镇卫生院", "公共卫生应急队伍",
        ),
        actions=(
            "全面加强", "持续推进", "认真落实", "规范开展", "建立健全", "逐步推行", "进一步完善", "加快构建",
        ),
        objects=(
            "多点触发的传染病监测预警机制", "居民电子健康档案管理和开放应用", "家庭医生签约履约服务",
            "免疫规划信息系统和预防接种追溯", "慢性病筛查和随访管理", "重点人群健康管理",
            "突发公共卫生事件应急处置", "基本公共卫生服务项目绩效评价", "学校和托幼机构卫生监督",
            "医防融合信息共享",
        ),
        tails=(
            "做到早发现、早报告、早处置", "居民可通过手机查询本人健康档案",
            "重点人群签约服务覆盖率稳步提高", "疫苗全程可追溯", "基层首诊和双向转诊更加顺畅",
            "群众健康素养水平持续提升", "织牢织密公共卫生防护网", "各项指标均达到年度目标要求",
        ),
    ),
    Topic(
        health_it=False,
        organizers=("省农业农村厅", "临江市人民政府", "青川县农业农村局"),
        titles=(
            "全力做好秋粮收购工作", "高标准农田建设任务超额完成", "召开农村人居环境整治现场会",
            "推进农业社会化服务体系建设", "部署防汛抗旱和农业防灾减灾工作", "发展壮大村级集体经济",
        ),
        subjects=("各级农业农村部门", "种粮大户", "农民专业合作社", "村级组织", "各涉农县区", "家庭农场"),
        actions=("扎实推进", "统筹抓好", "全面完成", "大力发展", "着力加强", "持续深化"),
        objects=(
            "高标准农田建设", "秋粮收购和仓储保管", "农村人居环境整治", "农业机械化和农技推广",
            "村级集体经济发展", "农田水利设施建设", "农产品质量安全监管", "乡村旅游和特色产业",
        ),
        tails=(
            "全年粮食播种面积保持稳定", "农民收入持续较快增长", "村容村貌明显改观",
            "确保颗粒归仓、农民满意", "有力保障重要农产品稳定供给", "乡村产业发展基础不断夯实",
        ),
    ),
    Topic(
        health_it=False,
        organizers=("省交通运输厅", "明州市交通运输局", "省公路事业发展中心"),
        titles=(
            "国省干线公路改造工程全面开工", "优化城市公交线网方便群众出行", "开展道路交通安全集中整治",
            "农村公路“四好”建设成效明显", "部署春运和节假日交通保障工作", "推进港口航道基础设施建设",
        ),
        subjects=("各级交通运输部门", "公交企业", "公路养护单位", "港航管理机构", "施工单位", "运输企业"),
        actions=("加快推进", "全面开展", "统筹实施", "高质量完成", "持续优化", "严格落实"),
        objects=(
            "国省干线公路改造", "城乡公交一体化", "农村公路提档升级", "道路运输安全隐患排查",
            "港口航道疏浚工程", "节假日运输组织保障", "货车通行服务管理", "城市慢行系统建设",
        ),
        tails=(
            "群众出行更加便捷", "全年未发生较大以上安全事故", "路网通行能力明显提升",
            "城乡交通运输服务均等化水平提高", "确保工程质量和施工安全", "物流运输成本进一步降低",
        ),
    ),
    Topic(
        health_it=False,
        organizers=("省文化和旅游厅", "云溪区文化和旅游局", "省文物局"),
        titles=(
            "举办非物质文化遗产展示展演活动", "推进文旅融合高质量发展", "开展文化市场综合执法检查",
            "公共文化服务体系示范区创建", "做好暑期旅游市场安全监管", "全民阅读活动启动",
        ),
        subjects=("各级文化和旅游部门", "旅游景区", "公共图书馆", "文化馆", "非遗保护中心", "演艺团体"),
        actions=("精心组织", "广泛开展", "深入推进", "全面加强", "持续提升", "创新开展"),
        objects=(
            "非物质文化遗产保护传承", "文化惠民演出", "旅游市场秩序整治", "公共文化设施免费开放",
            "全民阅读推广", "景区安全生产检查", "乡村文化振兴", "文物保护和活化利用",
        ),
        tails=(
            "丰富群众精神文化生活", "游客满意度持续提升", "文化和旅游消费潜力进一步释放",
            "传统文化焕发新的活力", "文化市场秩序持续向好", "公共文化服务效能明显提高",
        ),
    ),
    Topic(
        health_it=False,
        organizers=("省教育厅", "省生态环境厅", "永宁市人民政府", "省人力资源社会保障厅"),
        titles=(
            "部署新学期校园安全工作", "推进义务教育优质均衡发展", "河湖长制工作取得新进展",
            "开展大气污染防治攻坚行动", "做好高校毕业生就业创业工作", "推进城镇老旧小区改造",
        ),
        subjects=("各级教育部门", "各中小学校", "生态环境部门", "各级河长", "人社部门", "街道社区"),
        actions=("全面落实", "深入推进", "持续开展", "扎实做好", "统筹推进", "着力抓好"),
        objects=(
            "校园安全隐患排查", "义务教育集团化办学", "河湖“清四乱”专项整治", "重点行业大气污染治理",
            "高校毕业生就业服务", "城镇老旧小区改造", "课后服务和减负工作", "生活垃圾分类",
        ),
        tails=(
            "确保师生平安健康", "优质教育资源覆盖面不断扩大", "水环境质量持续改善",
            "空气质量优良天数比例稳步提高", "就业局势保持总体稳定", "居民群众获得感明显增强",
        ),
    ),
)  # fmt: skip


def generate_site(n: int, seed: int = 0, sizes: tuple[int, int] = (MIN_BYTES, MAX_BYTES)) -> dict[str, Page]:
    """``n`` article pages (``sizes``: bytes at least and at most, roughly) and their listing pages, keyed
    by path; the same ``(n, seed, sizes)``, the same bytes."""
    titles: set[str] = set()  # taken so far: equal titles would make the articles one reprint story
    articles = [_article(seed, index, titles, sizes) for index in range(n)]
    pages = {"/robots.txt": text_page(ROBOTS_TXT, NEWEST)}
    pages.update(_listing_pages(articles))
    for index, article in enumerate(articles):
        related = [*articles[max(index - 3, 0) : index], *articles[index + 1 : index + 1 + RELATED_LINKS]]
        pages[article.path] = _article_page(article, related[:RELATED_LINKS])
    return pages


def listing_page_count(n: int) -> int:
    return max(1, -(-n // ITEMS_PER_PAGE))


def is_article_path(path: str) -> bool:
    return ARTICLE_PATH.fullmatch(path) is not None


def _article(seed: int, index: int, titles: set[str], sizes: tuple[int, int]) -> GeneratedArticle:
    # One generator per article: article i is the same whatever n is.
    rng = random.Random(f"hitmon-bench:{seed}:{index}")
    topic = TOPICS[0] if index % 3 == 0 else rng.choice(TOPICS)  # a third at least about hospital IT
    published = NEWEST - timedelta(minutes=index * 317 + rng.randrange(60))
    encoding = "gbk" if index % GBK_EVERY == GBK_EVERY - 1 else "utf-8"
    size = rng.randrange(sizes[0] + 1_000, sizes[1] - 1_000)
    return GeneratedArticle(
        id=f"t{published:%Y%m%d}_{1_000_000 + index}",
        title=_title(rng, topic, titles),
        published=published,
        media=rng.choice(MEDIA),
        editor=rng.choice(EDITORS),
        encoding=encoding,
        paragraphs=(),
        size=size,
        topic=topic,
    )


def _title(rng: random.Random, topic: Topic, taken: set[str]) -> str:
    for _ in range(TITLE_TRIES):
        place = rng.choice(PLACES[:-3])
        if rng.random() < 0.5:
            title = place + rng.choice(topic.titles)
        else:
            title = place + rng.choice(topic.subjects) + rng.choice(topic.actions) + rng.choice(topic.objects)
        if title not in taken:
            break
    else:
        title = f"{title}（{len(taken)}）"  # only when the combinations run out
    taken.add(title)
    return title


def _article_page(article: GeneratedArticle, related: Sequence[GeneratedArticle]) -> Page:
    """Render once without a body to learn the chrome's size, then fill the body up to the target size."""
    shell = _render_article(article, related)
    rng = random.Random(f"hitmon-bench-text:{article.id}")
    vocabulary = _vocabulary(rng, article.topic)
    speakers = tuple(_person(rng) for _ in range(3))
    budget = article.size - len(shell.body)
    paragraphs = [_opening(rng, article)]
    budget -= len(paragraphs[0].encode(article.encoding)) + PARAGRAPH_MARKUP
    while budget > 0:
        paragraph = _paragraph(rng, vocabulary, speakers)
        paragraphs.append(paragraph)
        budget -= len(paragraph.encode(article.encoding)) + PARAGRAPH_MARKUP
    return _render_article(replace(article, paragraphs=tuple(paragraphs)), related)


def _render_article(article: GeneratedArticle, related: Sequence[GeneratedArticle]) -> Page:
    first = article.paragraphs[0] if article.paragraphs else article.title
    return html_page(
        "gov_article.html.j2",
        article.published,
        encoding=article.encoding,
        site_name=GOV_SITE_NAME,
        article=article,
        description=first[:80],
        url=SITE_HOST + article.path,
        related=related,
    )


def _listing_pages(newest_first: Sequence[GeneratedArticle]) -> dict[str, Page]:
    count = listing_page_count(len(newest_first))
    pages = {}
    for index in range(count):
        items = newest_first[index * ITEMS_PER_PAGE : (index + 1) * ITEMS_PER_PAGE]
        pages[GOV_COLUMN + _listing_name(index)] = html_page(
            "gov_column.html.j2",
            newest(a.published for a in items) if items else NEWEST,
            site_name=GOV_SITE_NAME,
            items=items,
            page_index=index,
            page_count=count,
            previous_page=_listing_name(index - 1) if index > 0 else None,
            next_page=_listing_name(index + 1) if index + 1 < count else None,
        )
    return pages


def _listing_name(index: int) -> str:
    return "index.shtml" if index == 0 else f"index_{index}.shtml"


def _opening(rng: random.Random, article: GeneratedArticle) -> str:
    when = article.published
    return (
        f"{when.month}月{when.day}日，{rng.choice(article.topic.organizers)}{rng.choice(EVENTS)}。"
        f"{_sentence(rng, article.topic)}"
    )


def _vocabulary(rng: random.Random, topic: Topic) -> Topic:
    """Part of the topic's fragments, and hospitals of its own: articles on one topic share some
    sentences, as real ones do, without looking like reprints of each other."""

    def part(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(rng.sample(items, max(2, round(len(items) * VOCABULARY_SHARE))))

    hospitals = (
        tuple(rng.choice(PLACES[:-3]) + rng.choice(HOSPITALS) for _ in range(2)) if topic.health_it else ()
    )
    return replace(
        topic,
        subjects=part(topic.subjects) + hospitals,
        actions=part(topic.actions),
        objects=part(topic.objects),
        tails=part(topic.tails),
    )


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_NAME_CHARS) for _ in range(rng.randint(1, 2)))
    return f"{rng.choice(ROLES)}{rng.choice(SURNAMES)}{given}"


def _paragraph(rng: random.Random, topic: Topic, speakers: tuple[str, ...]) -> str:
    parts = []
    for _ in range(rng.randint(3, 7)):
        roll = rng.random()
        if roll < 0.12:
            speaker = rng.choice((*LEADERS, *speakers))
            parts.append(f"{speaker}强调，{rng.choice(DEMANDS)}，{rng.choice(DEMANDS)}。")
        elif roll < 0.22 and topic.health_it:
            parts.append(_figures(rng))
        elif roll < 0.27:
            parts.append(_sentence(rng, rng.choice(TOPICS)))  # an aside on another topic
        else:
            parts.append(_sentence(rng, topic))
    return "".join(parts)


def _sentence(rng: random.Random, topic: Topic) -> str:
    place = rng.choice(PLACES) if rng.random() < 0.4 else ""
    return (
        f"{place}{rng.choice(topic.subjects)}{rng.choice(topic.actions)}{rng.choice(topic.objects)}，"
        f"{rng.choice(topic.tails)}。"
    )


def _figures(rng: random.Random) -> str:
    return (
        f"截至{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月底，{rng.choice(PLACES)}已有"
        f"{rng.randint(12, 980)}家{rng.choice(INSTITUTIONS)}{rng.choice(DONE)}，累计{rng.choice(SERVICES)}"
        f"{rng.randint(3, 900)}.{rng.randint(0, 9)}万人次，"
        f"同比增长{rng.randint(2, 60)}.{rng.randint(0, 9)}%。"
    )
