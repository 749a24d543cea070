"""*Embeddings*' 'What am I looking at?' texts: one for each view of the page (`lesson.View`) and for the
neighbours beside the projection (`Part`), 2–4 plain sentences each (see playground/explainers.py;
tests/test_explainers_lessons.py checks that every view and part has one)."""

from __future__ import annotations

import enum

from playground import glossary
from playground.embeddings.lesson import View


class Part(enum.StrEnum):
    """The parts of a view that have their own text."""

    NEIGHBOURS = "neighbours"  # beside the projection: the clicked point and its nearest neighbours


EXPLAINERS: dict[str, str] = {
    View.PROJECT: (
        "Each dot is one example, a digit or a 2D point, placed by what the chosen layer makes of it: the "
        "layer's many numbers squeezed into two by PCA, t-SNE or UMAP. The colour is the true label (or what "
        "the network reads, or whether it is right); hover over a dot to read it, and click it to list its "
        "nearest neighbours. Classes that sit in separate clumps are classes this layer tells apart."
    ),
    View.SIDE_BY_SIDE: (
        "The same points in every layer, from the input to the output, each squeezed into two dimensions by "
        "PCA so that the pictures can be compared. Under each picture is the k-NN accuracy in that layer's own "
        "space, with all its numbers: how often most of a point's 5 nearest neighbours share its label. In a "
        "trained network it tends to rise from layer to layer as the classes pull apart."
    ),
    View.ACROSS_TRAINING: (
        "A fresh copy of your digit network, trained from the start, with a snapshot of where one layer puts "
        "the same digits every so often. Move the slider from the first snapshot to the last to watch the "
        "clumps form as the network learns, with the layer's k-NN accuracy beside the picture. Each snapshot is "
        "drawn with PCA and turned to match the one before, so points move only as much as the network changed "
        "them."
    ),
    Part.NEIGHBOURS: (
        "The point you clicked and its nearest neighbours, measured in the layer's own space with all its "
        "numbers, not in the flat picture. When most of them share its label, this layer keeps that class "
        "together. Cosine distance compares only the direction of two points' numbers, Euclidean distance "
        "their straight-line distance."
    ),
}

# the glossary's words each view shows, explained under its text
TERMS: dict[str, tuple[str, ...]] = {
    View.PROJECT: ("embedding", "PCA", "t-SNE", "UMAP"),
    View.SIDE_BY_SIDE: ("k-NN accuracy", "PCA"),
    View.ACROSS_TRAINING: ("epoch", "k-NN accuracy"),
}

PARTS: tuple[str, ...] = (*View, *Part)  # every view and part that has a "What am I looking at?"


def explainer(part: str) -> str:
    """The text for one view or part (KeyError for an unknown one: a bug)."""
    return EXPLAINERS[part]


def with_terms(part: str) -> str:
    """The part's text, then the glossary's words for what it shows (Markdown for `ui.looking_at`)."""
    return glossary.with_terms(EXPLAINERS[part], TERMS.get(part, ()))
