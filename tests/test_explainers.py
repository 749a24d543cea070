"""'What am I looking at?': every part of a page and every panel has a short text (2–4 sentences).

A lesson that adds explainers adds its (texts, parts) here: PAGES is the list this test walks."""

from __future__ import annotations

import pytest

from playground import explainers
from playground.tfplayground import explainers as playground_explainers
from playground.tfplayground.lesson import Panel
from playground.toydata import explainers as data_explainers

# page -> (its texts, the parts that must have one)
PAGES = {
    "playground": (playground_explainers.EXPLAINERS, playground_explainers.PARTS),
    "data": (data_explainers.EXPLAINERS, data_explainers.PARTS),
    "home": ({"home": explainers.HOME}, ("home",)),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_part_has_a_short_explanation(page: str) -> None:
    texts, parts = PAGES[page]
    assert explainers.problems(texts, parts) == []
    assert set(texts) == set(parts), "a text for a part the page does not have"


def test_every_panel_under_the_network_view_has_one() -> None:
    for panel in Panel:
        assert playground_explainers.explainer(panel).strip(), panel
    for part in playground_explainers.Part:
        assert playground_explainers.explainer(part).strip(), part


def test_sentences_are_counted_as_a_reader_counts_them() -> None:
    assert explainers.sentences("One. Two!") == 2
    assert explainers.sentences("A rate of 0.03 is small. Try 3 (too big).") == 2
    assert explainers.sentences("Press **Play**. Then **Step** once.") == 2
    assert explainers.sentences("One sentence, e.g. a short one") == 0


def test_problems_names_a_missing_part_and_a_text_too_long_or_short() -> None:
    texts = {"a": "Short.", "b": "One. Two. Three. Four. Five."}
    found = explainers.problems(texts, ["a", "b", "c"])
    assert "c: no explanation" in found
    assert any(p.startswith("a: 1 sentences") for p in found)
    assert any(p.startswith("b: 5 sentences") for p in found)
