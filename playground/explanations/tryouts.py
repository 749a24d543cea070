"""*Why did it say that?*'s 'Try this' list: each experiment, its one-click set-up and what it shows.

The numbers quoted are those of the *quick network* (one epoch of the default MLP, seed 0, on MNIST-5k: what
the page trains when the learner has none), on the first test digit unless the text names another;
tests/test_tryouts_explanations.py trains that network and checks every claim.
"""

from __future__ import annotations

from playground.explanations.lesson import ExplanationsLesson, View
from playground.explanations.methods import Method, Settings
from playground.tryouts import Tryout

FEW_STEPS, MANY_STEPS = 2, 200


def a_mistake(lesson: ExplanationsLesson) -> None:
    lesson.view, lesson.source, lesson.target, lesson.settings = View.ONE, "test", "true", Settings()
    lesson.pending = "mistake"


def few_steps(lesson: ExplanationsLesson) -> None:
    lesson.view, lesson.source, lesson.digit, lesson.target = View.ONE, "test", 0, "predicted"
    lesson.settings = Settings(ig_steps=FEW_STEPS)
    lesson.digit_picks += 1


def the_cascade(lesson: ExplanationsLesson) -> None:
    lesson.view, lesson.source, lesson.digit, lesson.settings = View.SANITY, "test", 0, Settings()
    lesson.sanity_methods = (Method.SALIENCY, Method.IG, Method.GUIDED)
    lesson.digit_picks += 1


def shuffled(lesson: ExplanationsLesson) -> None:
    the_cascade(lesson)


def deletion(lesson: ExplanationsLesson) -> None:
    lesson.view, lesson.source, lesson.digit, lesson.settings = View.DELETION, "test", 0, Settings()
    lesson.digit_picks += 1


def mislabelled(lesson: ExplanationsLesson) -> None:
    lesson.view, lesson.source, lesson.digit, lesson.flip_share = View.EXAMPLES, "test", 0, 0.2
    lesson.digit_picks += 1


def xor_plane(lesson: ExplanationsLesson) -> None:
    lesson.view, lesson.plane_method, lesson.settings = View.PLANE, Method.SALIENCY, Settings()
    lesson.plane_network = "xor"


TRYOUTS: list[Tryout[ExplanationsLesson]] = [
    Tryout("mistake", "A digit your network reads wrong: explain its **true label**, then switch to **its answer**",
           "Saliency's and Integrated Gradients' two maps rank the pixels very differently (rank agreement below "
           "0.3; the quick network's first mistake, test digit 6, a 2 read as 1: about −0.1), while Guided "
           "backprop's two maps stay alike (about 0.5): it draws the digit whichever class you ask about. Blue in "
           "the answer's map is the ink that led it astray.", a_mistake),
    Tryout("ig-steps", "Integrated Gradients with 2 steps, then raise the steps to 200 (*Method settings*)",
           "the completeness gap under the maps shrinks: with 2 steps the attributions miss f(x) − f(baseline) "
           "by about 2%, with 200 steps by less than 0.1%.", few_steps),
    Tryout("cascade", "Sanity checks: *Randomise the layers* for Saliency, Integrated Gradients and Guided backprop",
           "once only the top layer is random, Saliency's and Integrated Gradients' maps are unrelated to the "
           "originals (rank agreement near 0), while Guided backprop's still agrees at about 0.6: it keeps "
           "drawing the digit whatever the top layer learnt.", the_cascade),
    Tryout("shuffled", "Sanity checks: *Train on shuffled labels*",
           "the network learns nothing that generalises (test accuracy about 10%, chance), and its maps share "
           "little with your network's (rank agreement below 0.3 for every method).", shuffled),
    Tryout("deletion", "Deletion and insertion, then *Rank the methods over 100 digits*",
           "on the first test digit every method's deletion curve falls far faster than random order's (area "
           "under 0.1 against about 0.36); over 100 digits Integrated Gradients ranks first and random last.",
           deletion),
    Tryout("mislabelled", "Training examples: flip 20% of the labels and train",
           "nearly every one of the 100 digits with the highest self-influence has a flipped label (more than "
           "90), where 100 digits picked at random would hold about 20.", mislabelled),
    Tryout("xor", "On 2D data: XOR trained here, Saliency, then Integrated Gradients",
           "at the data points near the boundary Saliency's arrows mostly agree with the rule (about 88%), "
           "Integrated Gradients' seldom (about 10%): it shares out the change from the centre of the plane, not the "
           "direction in which the rule grows.", xor_plane),
]
