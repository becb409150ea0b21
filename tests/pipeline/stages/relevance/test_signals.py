"""Title signals: parsing the file, what fires on a title, the features stage 2 gets, and the gate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.config import RelevanceSettings
from pipeline.errors import InputError
from pipeline.stages.relevance import judge, load_relevance
from pipeline.stages.relevance.learned import stage1_features
from pipeline.stages.relevance.model import builtin_signals
from pipeline.stages.relevance.signals import HEALTH_AND_DIGITAL, SIGNAL_SCALE, read_signals

SIGNALS = "# ours\n医保\thealth\t医保|社保|卫生\n线上\tdigital\t线上|ＡＰＰ|系统\n宠物\tcue\t宠物|兽\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "signals.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_health_and_a_digital_signal_make_health_and_digital(tmp_path: Path) -> None:
    signals = read_signals(write(tmp_path, SIGNALS))
    assert signals.names == ("医保", "线上", "宠物", HEALTH_AND_DIGITAL)
    assert signals.fired("社保业务可在APP办理") == ("医保", "线上", HEALTH_AND_DIGITAL)  # NFKC: ＡＰＰ is APP
    assert signals.fired("医保基金结算数据") == ("医保",)
    assert signals.fired("宠物医院上线小程序") == ("宠物",)
    assert signals.vector(("医保", HEALTH_AND_DIGITAL)) == [SIGNAL_SCALE, 0.0, 0.0, SIGNAL_SCALE]


def test_a_mask_hides_its_phrases_from_the_other_signals(tmp_path: Path) -> None:
    plain = read_signals(write(tmp_path, SIGNALS))
    masked = read_signals(write(tmp_path, SIGNALS + "行业\tmask\t卫生系统\n"))
    title = "全省卫生系统安全生产会议召开"
    assert plain.fired(title) == ("医保", "线上", HEALTH_AND_DIGITAL)  # 卫生 + 系统: the sector, not IT
    assert masked.fired(title) == () and masked.names == plain.names  # a mask is no feature
    assert masked.fired("卫生院上线预约系统") == ("医保", "线上", HEALTH_AND_DIGITAL)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("医保\tbody\t医保\n", "signals.tsv:1: column 2: side 'body' is none of health, digital, cue, mask"),
        ("医保\thealth\n", "signals.tsv:1: expected name<TAB>side<TAB>word|word|..."),
        ("医保\thealth\t|\n", "signals.tsv:1: column 3: no words"),
        (SIGNALS + "医保\tcue\t险\n", "signals.tsv:5: column 1: signal '医保' is named twice"),
        (
            SIGNALS + "health+digital\tcue\t险\n",
            "signals.tsv:5: column 1: signal 'health+digital' is reserved",
        ),
    ],
)
def test_a_wrong_line_names_the_file_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(InputError) as error:
        read_signals(write(tmp_path, text))
    assert str(error.value).endswith(where)


def test_the_explanation_carries_the_title_signals_stage_2_weighs(default_model) -> None:
    from pipeline.stages.relevance import explain_fields

    explained = explain_fields("这68项社保业务指尖办", "", None, default_model)
    assert {"医保社保", "线上服务", HEALTH_AND_DIGITAL} <= set(explained.signals)
    features = stage1_features(explained)
    assert len(features) == 3 + len(builtin_signals().names)
    assert features[3:] == builtin_signals().vector(explained.signals)


def test_the_shipped_model_weighs_the_shipped_signals_and_explains_its_log_odds() -> None:
    model = load_relevance(RelevanceSettings())
    assert model.learned is not None and model.learned.signals == builtin_signals().names
    verdict = judge([("这68项社保业务指尖办", "", None)], model, neighbours=1)[0]
    # no lexicon word in the title: the signals let it through to stage 2, which reads it as likely
    assert not verdict.explanation.matched and verdict.probability is not None
    assert verdict.probability > model.learned.threshold
    parts = dict(verdict.parts)
    assert {"title meaning", "stage-1 score", HEALTH_AND_DIGITAL, "base rate"} <= set(parts)
    logit = np.log(verdict.probability / (1 - verdict.probability))
    assert sum(parts.values()) == pytest.approx(logit, abs=0.02)
    assert any(line.startswith("  log-odds: title meaning") for line in verdict.render())


def test_a_model_fitted_with_other_signals_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    from pipeline.stages.relevance.learned import DEFAULT_MODEL, load_learned

    path = tmp_path / "other.npz"
    shipped = load_learned(DEFAULT_MODEL)
    replace(shipped, signals=shipped.signals[1:]).save(path)
    with pytest.raises(InputError, match="other title signals"):
        load_relevance(RelevanceSettings(model=path))
