"""*Meet the data*'s 'What am I looking at?' texts: one for each part of the page, 2–4 plain sentences each
(see playground/explainers.py; tests/test_explainers.py checks that every part has one)."""

from __future__ import annotations

import enum


class Part(enum.StrEnum):
    """The parts of the page."""

    TOY = "toy datasets"  # the toy tab's controls
    TOY_PICTURE = "toy picture"  # the toy tab's scatter chart
    CSV = "your CSV"  # the CSV tab
    DIGITS = "digits"  # the handwritten digits tab


EXPLAINERS: dict[str, str] = {
    Part.TOY: (
        "The built-in 2D datasets of the Playground: each point has two coordinates and a class (its colour), "
        "or a number instead for the regression sets. Noise jitters the points, and the ratio splits them into "
        "training points, which a network learns from, and test points, kept back to check it on points it has "
        "never seen. The same seed always gives the same points; **Regenerate** draws a new seed."
    ),
    Part.TOY_PICTURE: (
        "Every point of the dataset, placed by its two coordinates X₁ and X₂ and coloured by its class (for a "
        "regression set, by its value). Training points have a white outline, test points a dark one. "
        "A network never sees this picture, only the numbers: it has to find the pattern from them."
    ),
    Part.CSV: (
        "Your own 2D points: a CSV file with the columns x, y and label, one row per point. The page checks the "
        "file, splits it into training and test points and draws them, ready to train on in the Playground. A "
        "file that is not right is refused with the reason, and your previous data stay."
    ),
    Part.DIGITS: (
        "Handwritten digits, each a small grey image with its label, the digit it shows: what the digit lessons "
        "train on. The picture shows test images, one row per class, and the table how many images of each "
        "class there are for training and for testing. A network learns from the training images and is scored "
        "on the test images, which it never trains on."
    ),
}

PARTS: tuple[str, ...] = tuple(Part)


def explainer(part: str) -> str:
    """The text for one part of the page (KeyError for an unknown part: a bug)."""
    return EXPLAINERS[part]
