"""*Adversarial examples*' 'What am I looking at?' texts: one for each view of the page (`lesson.View`), 2–4
plain sentences each (see playground/explainers.py; tests/test_explainers_lessons.py checks that every view
has one)."""

from __future__ import annotations

from playground import glossary
from playground.adversarial.lesson import View

EXPLAINERS: dict[str, str] = {
    View.FOOL: (
        "On the left, three pictures: the digit, the change the attack makes to it (magnified so that you can "
        "see it: blue adds ink, orange removes it), and the attacked digit your network gets. No pixel moves by "
        "more than ε, so to you the two digits look alike. On the right, what your network reads before and "
        "after the attack, and its probability for each class on the original and on the attacked digit."
    ),
    View.CURVE: (
        "The first 1,000 test digits (or all there are) attacked with the same ε, and the share your network "
        "still reads right, for ε from 0 (no attack: the clean accuracy) upwards. The blue lines are your "
        "network, solid for FGSM and dashed for PGD; the grey dotted line is a published reference for "
        "another network. The faster a line falls, the easier the network is to fool."
    ),
    View.DEFEND: (
        "Adversarial training makes a twin of your network that learns from attacked digits as well as clean "
        "ones. Once it is trained, both networks are attacked with FGSM and PGD at every ε, and the chart draws "
        "their accuracy side by side. The table gives each one's clean accuracy and its accuracy at one ε, so "
        "you can see what the defence costs on clean digits and what it buys under attack."
    ),
    View.GALLERY: (
        "Test digits that your network read right before the attack and reads wrong after it, with the attack "
        "and ε chosen above, the surest mistakes first. Under each digit is its true label; the bars are what "
        "the network reads in it now, green for the true digit and red for the others. Look how little each "
        "digit had to change."
    ),
    View.PLANE: (
        "The same attack on a 2D network you can see whole: the background is the network's answer at each "
        "point of the plane, and the edge between its colours is the decision boundary. Each training point "
        "takes one FGSM step of at most ε along each axis; the arrows are the steps, and the red ones crossed "
        "the boundary. The chart beside it shows that points near the boundary cross first, and the curve below "
        "how the training accuracy falls as ε grows."
    ),
    View.WHY: (
        "Why such a small change is enough: for a linear model, moving every input by ε in the direction of "
        "its weight's sign changes the output by ε times the sum of the weights' sizes. The chart shows that "
        "change growing with the number of inputs, while a random change of the same size grows only like the "
        "square root. With 784 pixels, many tiny changes add up to a large one."
    ),
}

# the glossary's words each view shows, explained under its text
TERMS: dict[str, tuple[str, ...]] = {
    View.FOOL: ("ε", "FGSM", "PGD"),
    View.CURVE: ("ε", "accuracy"),
    View.DEFEND: ("adversarial training",),
    View.GALLERY: ("adversarial example",),
    View.PLANE: ("decision boundary",),
    View.WHY: ("weight",),
}

PARTS: tuple[str, ...] = tuple(View)  # every view has a "What am I looking at?"


def explainer(view: str) -> str:
    """The text for one view (KeyError for an unknown one: a bug)."""
    return EXPLAINERS[view]


def with_terms(part: str) -> str:
    """The part's text, then the glossary's words for what it shows (Markdown for `ui.looking_at`)."""
    return glossary.with_terms(EXPLAINERS[part], TERMS.get(part, ()))
