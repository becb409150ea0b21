"""The relevance model: lexicon, rules, one automaton over all their literals, and a lazy jieba tokenizer."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import RelevanceSettings
from pipeline.errors import InputError
from pipeline.stages.relevance.embedding import EMBEDDER_NAME, Embedder
from pipeline.stages.relevance.learned import DEFAULT_MODEL, LearnedModel, load_learned
from pipeline.stages.relevance.lexicon import BUILTIN_LEXICON, LexiconTerm, merge_lexicons, read_lexicon
from pipeline.stages.relevance.matching import TermMatcher, fold
from pipeline.stages.relevance.rules import RuleSet, read_rules
from pipeline.stages.relevance.signals import BUILTIN_SIGNALS, TitleSignals, read_signals

if TYPE_CHECKING:
    import jieba
    import jieba.analyse

DEFAULT_RULES = Path(__file__).with_name("default.rules")


class RelevanceModel:
    """Built once per process (``load_relevance``); scoring with it is read-only and thread-safe."""

    def __init__(
        self,
        lexicon: tuple[LexiconTerm, ...],
        rules: RuleSet,
        threshold: float,
        title_weight: float,
        learned: LearnedModel | None = None,
        learned_flags: bool = False,
        signals: TitleSignals | None = None,
    ):
        self.signals = signals if signals is not None else builtin_signals()
        self.learned = learned  # stage 2, the probability; None: no probability
        self.learned_flags = learned_flags  # the probability decides ``flagged``; else the stage-1 score
        self.embedder = Embedder()
        self.lexicon = {fold(entry.term): entry for entry in lexicon}
        self.rules = rules
        self.threshold = threshold
        self.title_weight = title_weight
        self.lexicon_keys = frozenset(self.lexicon)
        self.matcher = TermMatcher([entry.term for entry in lexicon] + sorted(rules.literals()))

    def __getstate__(self) -> dict[str, object]:
        """Pickles for worker processes without the jieba objects (they hold locks); each rebuilds its own."""
        state = dict(self.__dict__)
        state.pop("tokenizer", None)
        state.pop("_tfidf", None)
        return state

    @cached_property
    def tokenizer(self) -> jieba.Tokenizer:
        """A jieba tokenizer of its own keeping every lexicon term whole (~1 s to build: on demand)."""
        from pipeline.stages.relevance.words import build_tokenizer

        return build_tokenizer(entry.term for entry in self.lexicon.values())

    @cached_property
    def _tfidf(self) -> jieba.analyse.TFIDF:
        from pipeline.stages.relevance.words import build_tfidf

        return build_tfidf(self.tokenizer)

    def tokens(self, text: str, *, parts: bool = False) -> list[str]:
        """The words of ``text`` as this tokenizer segments it (lexicon terms whole), folded like the matcher
        folds, without whitespace and punctuation: for models outside this package (no jieba there).
        ``parts``: jieba's search mode, a long word's dictionary parts before the word
        (医保电子凭证 gives 医保, 电子, 凭证, 医保电子凭证), so what long lexicon terms share is seen.
        NFKC first (ＨＩＳ to HIS, case kept) so that mixed terms such as 云HIS still segment whole."""
        text = unicodedata.normalize("NFKC", text)
        words = self.tokenizer.cut_for_search(text) if parts else self.tokenizer.lcut(text)
        return [fold(word) for word in words if any(ch.isalnum() for ch in word)]

    def keywords(self, text: str, k: int) -> list[tuple[str, float]]:
        return [
            (word, round(weight, 4))
            for word, weight in self._tfidf.extract_tags(text, topK=k, withWeight=True)
        ]


def lexicon_categories(lexicon: tuple[LexiconTerm, ...]) -> dict[str, frozenset[str]]:
    """Category name -> its folded terms, usable in rules as @category."""
    groups: dict[str, set[str]] = defaultdict(set)
    for entry in lexicon:
        groups[entry.category].add(fold(entry.term))
    return {name: frozenset(keys) for name, keys in groups.items()}


@cache
def builtin_signals() -> TitleSignals:
    return read_signals(BUILTIN_SIGNALS)


@cache
def builtin_lexicon() -> tuple[LexiconTerm, ...]:
    return read_lexicon(BUILTIN_LEXICON)


def load_relevance(settings: RelevanceSettings) -> RelevanceModel:
    """The built-in lexicon plus ``settings.lexicon``; the default rules plus ``settings.rules``."""
    lexicon = builtin_lexicon()
    if settings.lexicon is not None:
        lexicon = merge_lexicons(lexicon, read_lexicon(settings.lexicon))
    categories = lexicon_categories(lexicon)
    rules = read_rules(DEFAULT_RULES, categories)
    if settings.rules is not None:
        rules = rules + read_rules(settings.rules, categories)
    learned = learned_model(settings)
    return RelevanceModel(
        lexicon, rules, settings.threshold, settings.title_weight, learned, settings.learned_flags
    )


def learned_model(settings: RelevanceSettings) -> LearnedModel | None:
    """Stage 2: ``settings.model``, else the model shipped in the package; None when ``learned`` is off.
    InputError naming the file when it is no model, or one fitted on another embedding model's vectors."""
    if not settings.learned:
        return None
    path = settings.model or DEFAULT_MODEL
    model = load_learned(path)
    if model.embedder != EMBEDDER_NAME:
        raise InputError(path, f"fitted on {model.embedder} vectors; this hitmon embeds with {EMBEDDER_NAME}")
    if model.signals != builtin_signals().names:
        raise InputError(path, "fitted with other title signals than this hitmon's: train it again")
    return model
