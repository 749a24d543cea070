"""The Playground's 'What am I looking at?' texts: one for each part of the page and each panel under the
network view (`lesson.Panel`), 2–4 plain sentences each (see playground/explainers.py; tests/test_explainers.py
checks that every part and panel has one)."""

from __future__ import annotations

import enum

from playground.tfplayground.lesson import Panel


class Part(enum.StrEnum):
    """The parts of the page above the panels."""

    DATA = "data"  # the data column on the left
    NETWORK = "network"  # the network: inputs, hidden layers, links
    OUTPUT = "output"  # the big picture on the right
    LOSS_CHART = "loss chart"  # the losses and their small chart over the output picture


EXPLAINERS: dict[str, str] = {
    Part.DATA: (
        "The points the network learns from. Pick a dataset, how much noise jitters the points, and what share "
        "of them the network trains on: the rest are kept back as test points, to see how it does on points it "
        "has never learned from. The batch size is how many training points each step of training looks at."
    ),
    Part.NETWORK: (
        "The network, from the inputs on the left to the output on the right. Each square is a neuron, and its "
        "picture shows what it outputs at every point of the plane (blue positive, orange negative); each line "
        "is a weight, blue positive and orange negative, thicker the stronger. Click an input to switch it on "
        "or off, use **+** and **−** to add or remove layers and neurons, and click a neuron to see its picture "
        "large on the right."
    ),
    Part.OUTPUT: (
        "What the whole network says about every point of the plane: the background's colour is its answer "
        "there (for classes, the class's colour, greyer where it is unsure; for regression, the number it "
        "predicts, orange −1 to blue +1). The dots are the training points, and with **Show test data** on, the "
        "test points too, with dark outlines. A dot on a background of another colour is a point the network "
        "gets wrong."
    ),
    Part.LOSS_CHART: (
        "The test loss and the training loss say how wrong the network is on the test points and on the "
        "training points: lower is better. The small chart draws both over the epochs, the test loss in black "
        "and the training loss in grey; hover over it to read them at an epoch. When the training loss keeps "
        "falling while the test loss rises, the network is learning its training points by heart: overfitting."
    ),
    Panel.SPACE: (
        "Each hidden layer turns every point of the plane into new numbers, one per neuron: a new space. This "
        "picture draws the plane's grid and the training points as two neurons of one layer see them, so you "
        "can watch the grid being stretched and folded. Layer by layer the classes should move apart, because "
        "the output neuron can only draw a straight boundary (a flat one, with more neurons) in the last "
        "layer's space."
    ),
    Panel.OPTIONS: (
        "Settings for how training runs, rather than what the network is. The loss is the measure of "
        "wrongness that training lowers, and the optimiser is the rule that turns gradients into steps. You "
        "can also train an exact number of epochs, or stop by itself once the test loss reaches a target; "
        "*Advanced limits* allow bigger networks and batches."
    ),
    Panel.CODE: (
        "The network as it is now, written as a short PyTorch program with its current weights. Running it "
        "gives the same outputs as the picture above: the Playground is ordinary code, layers of weights and "
        "an activation function. Download it to run or change it on your own computer."
    ),
    Panel.DATA: (
        "Bring your own points: a CSV file with the columns x, y and label trains the network on them instead "
        "of a built-in dataset. You can also download the points in use now, or paste a TensorFlow Playground "
        "link to open its settings here."
    ),
    Panel.FILE: (
        "Save the network as it is now, its settings and its weights, to a file on your computer. Open that "
        "file later, here or on another computer, to carry on with the same network."
    ),
    Panel.ACTIVATIONS: (
        "Give each hidden layer its own activation function, the curve a neuron passes its weighted sum "
        "through. Mix them, for example ReLU in one layer and tanh in the next, and compare the neurons' "
        "pictures and how fast the loss falls."
    ),
    Panel.NEURON: (
        "The arithmetic of one neuron for one training point, written out: each input times its weight, added "
        "up with the bias, then passed through the activation. The result is what the neuron's picture shows "
        "at that point. Click another neuron in the network above, or pick another point, to follow it."
    ),
    Panel.STEP: (
        "One step of training for one training point, written out: the loss at the output, then, by the chain "
        "rule, how much the loss changes with each weight and bias (its gradient). Each new value is the old "
        "one minus the learning rate times the gradient. Press **Apply this step** to make the change and see "
        "how the loss on this point moves; real training averages such steps over a batch of points."
    ),
}

PARTS: tuple[str, ...] = (*Part, *Panel)  # every part of the page that has a "What am I looking at?"


def explainer(part: str) -> str:
    """The text for one part of the page (KeyError for an unknown part: a bug)."""
    return EXPLAINERS[part]
