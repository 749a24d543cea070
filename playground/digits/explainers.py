"""The digit lessons' 'What am I looking at?' texts: one for each part of *Train a digit recogniser* and *Draw
your own digit*, and one for each view of *Look inside* (`InsideView`), 2–4 plain sentences each (see
playground/explainers.py; tests/test_explainers_lessons.py checks that every part and view has one)."""

from __future__ import annotations

import enum

from playground import glossary


class InsideView(enum.StrEnum):
    """The views of *Look inside the digit network*, in the order of its segmented control."""

    ONE_DIGIT = "One digit, layer by layer"
    UNITS = "What the units look for"
    MISTAKES = "Mistakes"
    PREDICTIONS = "Test predictions"


class Part(enum.StrEnum):
    """The parts of the training and drawing pages."""

    TRAIN_DATA = "the digits"  # Train: the dataset and its sample picture
    TRAIN_NETWORK = "the network"  # Train: the network's and training's settings, the parameter table
    TRAIN_CURVES = "the curves"  # Train: the numbers and the loss and accuracy curves
    DRAW_READING = "the reading"  # Draw: the pad, the 28×28 picture, the probability bars
    DRAW_LAYERS = "the layers"  # Draw: every layer's output for the drawing
    DRAW_TEACH = "teach it"  # Draw: your drawings added to the training set


EXPLAINERS: dict[str, str] = {
    Part.TRAIN_DATA: (
        "Real handwritten digits, each a 28×28 grey picture with its label, the digit it shows. The network "
        "learns from the training images and is scored on the test images, which it never learns from. The "
        "picture shows ten training images of each class, one row per class."
    ),
    Part.TRAIN_NETWORK: (
        "What the network is and how it learns. A multilayer perceptron connects every pixel to every neuron of "
        "its first layer; a convolutional network slides small filters over the image instead. The optimiser, "
        "learning rate and batch size decide the steps training takes, and the epochs how many times it goes "
        "through all the training images. The table lists each layer's weights and biases: the parameters "
        "training changes."
    ),
    Part.TRAIN_CURVES: (
        "How the network did after each epoch: the loss on the left (how wrong it is, lower is better) and the "
        "accuracy on the right (the share of digits read right). Grey is the training images, blue the test "
        "images it never learns from; hover over a curve to read its numbers. When the training accuracy keeps "
        "rising while the test accuracy stalls, the network is learning its training images by heart rather "
        "than digits in general."
    ),
    Part.DRAW_READING: (
        "Your drawing is shrunk to 28×28 pixels the way MNIST's digits were prepared, and shown as the network "
        "gets it: white ink on black. The bars are the network's probability for each class; the tallest one "
        "is its reading, and the percentage says how sure it is."
    ),
    Part.DRAW_LAYERS: (
        "What each layer of your network makes of your drawing, from the first layer down to the logits. A "
        "dense layer gives a list of numbers, one cell each, blue positive and orange negative; a convolution "
        "layer gives feature maps, small pictures of where each filter found its pattern. The last strip has "
        "one score per class, and the largest score is the reading."
    ),
    Part.DRAW_TEACH: (
        "If the network misreads your handwriting, choose the right digit and add the drawing to its training "
        "set. **Retrain with my drawings** trains a few more epochs with your drawings mixed in with the "
        "training images, then says how many of your drawings it now reads right. The test accuracy shows "
        "whether it still reads everyone else's digits as well."
    ),
    InsideView.ONE_DIGIT: (
        "One test digit followed through the network: its picture with its label and the network's reading, "
        "and the network's probability for each class, the true class in green. On the right, what every layer "
        "outputs for it, down to the logits, one score per class. **Next mistake** jumps to the next test digit "
        "the network gets wrong."
    ),
    InsideView.UNITS: (
        "The first layer's weights drawn as pictures: for a multilayer perceptron each unit has one weight per "
        "pixel, for a convolutional network each filter is a small patch. Blue is where ink raises the unit's "
        "output, orange where ink lowers it. Below, pick a layer and a unit to see the test digits that make "
        "it respond most: what that unit has learned to look for."
    ),
    InsideView.MISTAKES: (
        "The confusion matrix counts the test digits by their true label (rows) and what the network read "
        "(columns): the diagonal is read right, every other cell is one kind of mistake. Click a cell to see "
        "those digits. The bars give the accuracy for each class, and the cards at the bottom are the mistakes "
        "the network was surest of."
    ),
    InsideView.PREDICTIONS: (
        "Test digits, each with the network's three most probable classes as bars: green for the true class, "
        "red for the others. A red frame means the network's first guess is wrong. **Show other digits** draws "
        "another sample, and the caption compares it with the whole test set."
    ),
}

# the glossary's words a part or view shows, explained under its text
TERMS: dict[str, tuple[str, ...]] = {
    Part.DRAW_LAYERS: ("feature map", "logits"),
    InsideView.ONE_DIGIT: ("logits", "softmax"),
    InsideView.UNITS: ("weight", "filter"),
    InsideView.MISTAKES: ("confusion matrix",),
    InsideView.PREDICTIONS: ("softmax",),
}

PARTS: tuple[str, ...] = (*Part, *InsideView)  # every part and view that has a "What am I looking at?"


def explainer(part: str) -> str:
    """The text for one part or view (KeyError for an unknown one: a bug)."""
    return EXPLAINERS[part]


def with_terms(part: str) -> str:
    """The part's text, then the glossary's words for what it shows (Markdown for `ui.looking_at`)."""
    return glossary.with_terms(EXPLAINERS[part], TERMS.get(part, ()))
