"""'What am I looking at?' on the digit, adversarial and embedding lessons: every view of each View control
(Look inside, Adversarial examples, Embeddings) and every other part of their pages has a short text
(2–4 sentences), and no text is for a part the pages do not have."""

from __future__ import annotations

import pytest

from playground import explainers
from playground.adversarial import explainers as adversarial_explainers
from playground.adversarial.lesson import View as AdversarialView
from playground.digits import explainers as digit_explainers
from playground.digits.explainers import InsideView
from playground.embeddings import explainers as embedding_explainers
from playground.embeddings.lesson import View as EmbeddingView
from playground.explanations import explainers as explanation_explainers
from playground.explanations.lesson import View as ExplanationView
from playground.generative import explainers as generative_explainers
from playground.glossary import GLOSSARY

# lesson -> (its texts, the parts that must have one)
PAGES = {
    "digits": (digit_explainers.EXPLAINERS, digit_explainers.PARTS),
    "adversarial": (adversarial_explainers.EXPLAINERS, adversarial_explainers.PARTS),
    "embeddings": (embedding_explainers.EXPLAINERS, embedding_explainers.PARTS),
    "explanations": (explanation_explainers.EXPLAINERS, explanation_explainers.PARTS),
    "generative": (generative_explainers.EXPLAINERS, generative_explainers.PARTS),
}


@pytest.mark.parametrize("lesson", list(PAGES))
def test_every_part_has_a_short_explanation(lesson: str) -> None:
    texts, parts = PAGES[lesson]
    assert explainers.problems(texts, parts) == []
    assert set(texts) == set(parts), "a text for a part the page does not have"


@pytest.mark.parametrize(("views", "explainer"), [
    (InsideView, digit_explainers.explainer),
    (AdversarialView, adversarial_explainers.explainer),
    (EmbeddingView, embedding_explainers.explainer),
    (ExplanationView, explanation_explainers.explainer),
], ids=["look inside", "adversarial", "embeddings", "explanations"])
def test_every_view_has_its_text(views, explainer) -> None:
    for view in views:
        text = explainer(view)
        assert explainers.MIN_SENTENCES <= explainers.sentences(text) <= explainers.MAX_SENTENCES, view


def test_look_inside_offers_its_views_in_order() -> None:
    assert list(InsideView) == ["One digit, layer by layer", "What the units look for", "Mistakes", "Test predictions"]


def test_the_texts_use_the_words_the_views_show() -> None:
    """A text names what its view shows, so a learner can match them up."""
    assert "confusion matrix" in digit_explainers.explainer(InsideView.MISTAKES)
    assert "ε" in adversarial_explainers.explainer(AdversarialView.FOOL)
    assert "k-NN accuracy" in embedding_explainers.explainer(EmbeddingView.SIDE_BY_SIDE)
    for method in ("PCA", "t-SNE", "UMAP"):
        assert method in embedding_explainers.explainer(EmbeddingView.PROJECT)
    assert "random" in explanation_explainers.explainer(ExplanationView.SANITY)
    assert "TracIn" in explanation_explainers.explainer(ExplanationView.EXAMPLES)


@pytest.mark.parametrize("module", [digit_explainers, adversarial_explainers, embedding_explainers,
                                    explanation_explainers, generative_explainers],
                         ids=["digits", "adversarial", "embeddings", "explanations", "generative"])
def test_a_view_s_words_are_explained_under_its_text(module) -> None:
    for part in module.PARTS:
        text = module.with_terms(part)
        assert text.startswith(module.explainer(part))
        for term in module.TERMS.get(part, ()):
            assert GLOSSARY[term] in text, (part, term)
    assert set(module.TERMS) <= set(module.PARTS)
