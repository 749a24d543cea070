"""*Why did it say that?*'s 'What am I looking at?' texts: one for each view of the page (`lesson.View`), 2–4
plain sentences each (see playground/explainers.py; tests/test_explainers_lessons.py checks every view has one)."""

from __future__ import annotations

from playground import glossary
from playground.explanations.lesson import View

EXPLAINERS: dict[str, str] = {
    View.ONE: (
        "One digit and, beside it, what each method says about it: one map per method, every map coloured on "
        "the same scale so that you can compare them. Blue pixels pushed the explained class's score up, orange "
        "ones pulled it down, white ones did not count. The methods disagree more often than you would think: "
        "that is what the other views test."
    ),
    View.CLASSES: (
        "The average map of one method over test digits of each class, one picture per class, all on one "
        "colour scale. Where a class's average is blue, the network looks for ink there to say that class; "
        "orange means ink there counts against it."
    ),
    View.SANITY: (
        "The network's layers are replaced by random weights one at a time, from the top down, and each "
        "method's map is drawn again. The chart shows how much each map still resembles the original (1 = the "
        "same, 0 = unrelated). A method whose map stays the same after the network is destroyed explains the "
        "digit, not the network."
    ),
    View.DELETION: (
        "Pixels are removed (set to black) in the order a method ranks them, most important first, and the "
        "class's probability is measured at every step. A faithful method makes it fall fast, so a small area "
        "under the curve is better; insertion does the opposite, starting from black. Random order is the "
        "baseline every method should beat."
    ),
    View.EXAMPLES: (
        "The training digits behind this prediction. Nearest neighbours are the training digits that look most "
        "alike to the network's last hidden layer (or in raw pixels, for contrast). TracIn's proponents are "
        "training digits whose training steps made this prediction more likely, its opponents those that made "
        "it less likely."
    ),
    View.PLANE: (
        "A 2D network, where the true rule behind the data is known. Each arrow is a method's attribution at "
        "that point of the plane, (how much x counted, how much y counted), drawn over the network's decision "
        "map. Green arrows agree with the direction the true rule changes fastest, red ones do not."
    ),
}

# the glossary's words each view shows, explained under its text
TERMS: dict[str, tuple[str, ...]] = {
    View.ONE: ("attribution", "saliency", "Integrated Gradients"),
    View.CLASSES: ("attribution",),
    View.SANITY: ("sanity check",),
    View.DELETION: ("deletion curve",),
    View.EXAMPLES: ("TracIn",),
    View.PLANE: ("attribution", "decision boundary"),
}

PARTS: tuple[str, ...] = tuple(View)  # every view has a "What am I looking at?"


def explainer(view: str) -> str:
    """The text for one view (KeyError for an unknown one: a bug)."""
    return EXPLAINERS[view]


def with_terms(part: str) -> str:
    """The part's text, then the glossary's words for what it shows (Markdown for `ui.looking_at`)."""
    return glossary.with_terms(EXPLAINERS[part], TERMS.get(part, ()))


# What each method computes, what it assumes, and how it can mislead: the page's "How each method works".
METHOD_NOTES: dict[str, str] = {
    "Saliency": "Computes the gradient of the class's score with respect to each pixel. Assumes that what a "
                "tiny change would do tells what the pixel did. Misleads by speckle: the gradient jumps from "
                "pixel to pixel, and a pixel the score is saturated in gets no credit.",
    "Gradient × input": "Multiplies each pixel's gradient by the pixel's value (here the normalised one, so "
                        "black paper is a negative number, not zero). Assumes the score is close to linear. "
                        "Misleads where it is not, and inherits the gradient's speckle.",
    "SmoothGrad": "Averages the saliency over noisy copies of the digit. Assumes the noise level suits the "
                  "image. Too little noise keeps the speckle; too much blurs the map into a blob that looks "
                  "convincing but says less.",
    "Integrated Gradients": "Adds up gradients along the straight path from a baseline to the digit; its "
                            "attributions add up to f(digit) − f(baseline) (the completeness numbers under the "
                            "maps). Assumes the baseline means 'nothing here': a black baseline can give no "
                            "credit to black pixels, a blurred one other answers. Too few steps break "
                            "completeness.",
    "DeepLift": "Shares the change from the baseline out layer by layer with fixed rules, in one backward pass; "
                "its attributions also add up to the score's change. Same baseline caveat as Integrated "
                "Gradients, and its rules differ from the path integral where the network is far from linear.",
    "Occlusion": "Covers a window of the digit with black and measures how much the score drops, window after "
                 "window. Asks the network directly, but only about black windows of one size: a stroke that "
                 "matters only with another one, or a window smaller than a stroke, is missed.",
    "Grad-CAM": "Weights one convolution layer's feature maps by their average gradient and keeps the positive "
                "part, enlarged to 28×28. Only as sharp as that layer's maps, only positive evidence, and only "
                "for networks with convolutions.",
    "Guided backprop": "A gradient that passes only positive signals back through each ReLU. Its maps look "
                       "crisp and digit-like — and that is the trap: the sanity check shows they barely change "
                       "when the network's top layer is random.",
    "LIME": "Switches random groups of pixels (superpixels or a grid) to black, asks the network, and fits a "
            "linear model to the answers, weighted by closeness to the digit. Its R² says how well that line "
            "fits: a low R² means the explanation describes a model the network is not. Different pieces or "
            "samples can give a different story.",
}
