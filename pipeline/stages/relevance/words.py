"""Where words are needed: a jieba tokenizer that keeps lexicon terms whole, and TF-IDF keywords."""

from __future__ import annotations

from collections.abc import Iterable

import jieba
import jieba.analyse


def build_tokenizer(terms: Iterable[str]) -> jieba.Tokenizer:
    """A private ``jieba.Tokenizer`` (never the global one) with every term tuned to segment whole."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for term in terms:
        tokenizer.add_word(term)
        tokenizer.suggest_freq(term, tune=True)
    return tokenizer


def build_tfidf(tokenizer: jieba.Tokenizer) -> jieba.analyse.TFIDF:
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = tokenizer  # only the plain tokenizer: keywords never ask for parts of speech
    return extractor
