"""``hitmon relevance train`` and ``hitmon score`` with the learned stage, as a user runs them: subprocesses,
offline (HF_HUB_OFFLINE, no proxy), on labelled items this test writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HITS = [
    "医院上线互联网医院平台", "电子病历系统升级改造完成", "区域全民健康信息平台建成",
    "医保电子凭证全面推广", "电子健康卡实现跨院通用", "智慧医院建设项目验收",
    "检查检验结果互认平台上线", "医院信息系统遭勒索病毒攻击",
]  # fmt: skip
MISSES = [
    "流感疫苗开始接种", "夏季防暑降温提示", "医院开展义诊活动", "新款手机发布",
    "房价小幅回落", "足球联赛开幕", "护士节表彰大会召开", "献血车进社区",
]  # fmt: skip


def hitmon(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-c",
        "from hitmon.cli import main; main()",
        "--db",
        f"sqlite:///{tmp_path}/h.db",
    ]
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "NO_PROXY": "*", "OMP_NUM_THREADS": "1", **env}
    return subprocess.run(
        [*command, *args],
        input=stdin,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write_labels(path: Path) -> None:
    lines = [{"title": t, "label": "hit", "origin_repo": f"s{i % 2}"} for i, t in enumerate(HITS)]
    lines += [{"title": t, "label": "other", "origin_repo": f"s{i % 2}"} for i, t in enumerate(MISSES)]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


def test_train_writes_a_model_that_score_then_uses(tmp_path: Path) -> None:
    labels, model = tmp_path / "labels.jsonl", tmp_path / "model.npz"
    write_labels(labels)
    trained = hitmon(tmp_path, "relevance", "train", "--reference", str(labels), "--output", str(model))
    assert trained.returncode == 0, trained.stderr
    assert "16 items (8 hits) from 2 sources" in trained.stdout
    item = {"title": "县医院互联网医院平台正式上线", "text": "", "source_id": 7}
    scored = hitmon(
        tmp_path, "score", stdin=json.dumps(item, ensure_ascii=False), HITMON_RELEVANCE__MODEL=str(model)
    )
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["source_id"] == 7  # the input is echoed
    assert set(result) >= {"flagged", "score", "matched", "probability"}
    assert 0.0 <= result["probability"] <= 1.0


def test_the_shipped_model_scores_a_title_only_item(tmp_path: Path) -> None:
    scored = hitmon(
        tmp_path, "score", stdin='{"title": "某医院遭勒索病毒攻击 挂号系统瘫痪"}\n{"title": "春季植树活动"}\n'
    )
    assert scored.returncode == 0, scored.stderr
    attack, trees = (json.loads(line) for line in scored.stdout.splitlines())
    assert attack["flagged"] and not trees["flagged"]
    assert attack["probability"] > trees["probability"]


def test_a_bad_label_is_one_line_naming_file_and_line_and_nothing_is_written(tmp_path: Path) -> None:
    labels, model = tmp_path / "labels.jsonl", tmp_path / "model.npz"
    labels.write_text(
        '{"title": "a", "label": "hit"}\n{"title": "b", "label": "perhaps"}\n', encoding="utf-8"
    )
    result = hitmon(tmp_path, "relevance", "train", "--labels", str(labels), "--output", str(model))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"{labels}:2: label:" in result.stderr
    assert not model.exists()


def test_explain_shows_the_rules_the_probability_and_the_nearest_labelled_items(tmp_path: Path) -> None:
    from models.db import make_engine
    from tests.pipeline.factories import record, store

    assert hitmon(tmp_path, "db", "upgrade").returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path}/h.db")
    (article,) = store(
        engine, record(1, 23, title="市人民医院电子病历系统通过五级评审", text="医院信息化建设。")
    )
    engine.dispose()
    explained = hitmon(tmp_path, "explain", str(article))
    assert explained.returncode == 0, explained.stderr
    lines = explained.stdout.splitlines()
    assert any("电子病历系统" in line for line in lines)  # a stage-1 contribution
    assert any(line.startswith("probability ") and "threshold" in line for line in lines)
    nearest = [line for line in lines if line.startswith("  labelled ")]
    assert len(nearest) == 3  # from the project's own sample, shipped with the model
