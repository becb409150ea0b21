from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.config import RelevanceSettings
from pipeline.stages.relevance import RelevanceModel, load_relevance
from pipeline.stages.relevance.lexicon import LexiconTerm
from pipeline.stages.relevance.model import lexicon_categories
from pipeline.stages.relevance.rules import parse_rules

SMALL_LEXICON = (
    LexiconTerm("电子病历", 3.0, "电子病历"),
    LexiconTerm("电子病历系统", 3.0, "电子病历"),
    LexiconTerm("互联网医院", 3.0, "互联网医疗"),
    LexiconTerm("HIS", 2.0, "电子病历"),
    LexiconTerm("医院", 0.0, "卫生语境"),
    LexiconTerm("信息化", 0.0, "信息语境"),
    LexiconTerm("股价", -3.0, "负面语境"),
)

ModelFactory = Callable[..., RelevanceModel]


@pytest.fixture
def make_model() -> ModelFactory:
    """A model over a small lexicon of our own, so scoring tests do not move when the lexicon is curated."""

    def build(rules: str = "", threshold: float = 3.0, title_weight: float = 3.0, lexicon=SMALL_LEXICON):
        ruleset = parse_rules(rules, "test.rules", lexicon_categories(lexicon))
        return RelevanceModel(tuple(lexicon), ruleset, threshold, title_weight)

    return build


@pytest.fixture(scope="session")
def default_model() -> RelevanceModel:
    """Stage 1 as shipped: the built-in lexicon and rules, without the learned stage."""
    return load_relevance(RelevanceSettings(learned=False))


@pytest.fixture(scope="session")
def shipped_model() -> RelevanceModel:
    """Both stages as shipped, the learned probability deciding what is flagged."""
    return load_relevance(RelevanceSettings(learned_flags=True))
