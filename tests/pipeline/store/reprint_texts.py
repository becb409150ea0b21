"""Synthetic copies of one story and unrelated articles, for the reprint-grouping tests (written here)."""

from __future__ import annotations

import random

WORDS = (  # noqa: SIM905 - a sentence of words reads better than a list of strings
    "医院 信息化 电子病历 互联网 医疗 平台 数据 共享 患者 医生 诊疗 服务 系统 建设 卫生 健康 委员会 "
    "区域 医共体 远程 会诊 预约 挂号 检查 检验 结果 互认 医保 结算 支付 处方 流转 药品 配送 基层 "
    "乡镇 卫生院 村医 家庭 签约 慢病 管理 公共卫生 应急 监测 预警 统计 标准 安全 等级 保护 网络"
).split()


def sentence(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) + "。"


def unrelated_text(seed: int) -> str:
    rng = random.Random(f"unrelated {seed}")  # never the sequence of a story's seed
    return "".join(sentence(rng) for _ in range(30))


def story_copies(count: int, seed: int = 1) -> list[str]:
    """``count`` texts of one story: each with a 来源 line, two sentences rewritten and an editor's line."""
    rng = random.Random(seed)
    body = [sentence(rng) for _ in range(40)]
    copies = []
    for n in range(count):
        changed = list(body)
        for _ in range(2):
            changed[rng.randrange(len(changed))] = sentence(rng)
        copies.append(f"来源：媒体{n % 17}\n" + "".join(changed) + f"\n（责任编辑：编辑{n}）")
    return copies
