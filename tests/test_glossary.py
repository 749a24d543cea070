"""The glossary: every term explained in plain words, and hover help built from it."""

from __future__ import annotations

import pytest

from playground.glossary import GLOSSARY, explain


def test_every_term_is_explained_in_a_sentence_or_two() -> None:
    for term, meaning in GLOSSARY.items():
        assert meaning.endswith("."), term
        assert 20 < len(meaning) < 300, term


def test_the_issue_s_words_are_there() -> None:
    for term in ("loss", "epoch", "learning rate", "batch", "activation", "logits", "ε", "PCA", "t-SNE", "UMAP"):
        assert term in GLOSSARY


def test_explain_joins_terms_and_refuses_an_unknown_one() -> None:
    text = explain("loss", "epoch")
    assert text.startswith("**loss** — ") and "\n\n**epoch** — " in text
    with pytest.raises(KeyError):
        explain("not a term")
