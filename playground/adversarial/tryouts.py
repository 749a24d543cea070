"""The Adversarial examples lesson's 'Try this' list: each experiment, its one-click set-up and what it shows.

The digit views attack the learner's own network; the numbers quoted are those of the *quick network* (one
epoch of the default MLP, seed 0, on MNIST-5k: what the page trains when there is none) and, where named,
of a quick CNN, on the first 1,000 test digits. tests/test_tryouts_adversarial.py trains those networks and
checks every claim.
"""

from __future__ import annotations

from playground.adversarial.lesson import AdversarialLesson, View
from playground.tryouts import Tryout

FEW_DIGITS_EPS = 0.25
SEVEN_TO_THREE_EPS = 0.16  # the first 7 of the test set: enough for PGD, not for FGSM (quick network)
DEFENCE_EPS = 0.1
SLOW_2D_EPS = 0.05


def fgsm_on_a_few_digits(lesson: AdversarialLesson) -> None:
    lesson.view, lesson.attack, lesson.eps, lesson.target = View.FOOL, "fgsm", FEW_DIGITS_EPS, None


def seven_to_three(lesson: AdversarialLesson) -> None:
    lesson.view, lesson.digit, lesson.target = View.FOOL, None, 3  # None: the first 7 of the test set
    lesson.attack, lesson.steps, lesson.eps = "pgd", 10, SEVEN_TO_THREE_EPS


def the_curve(lesson: AdversarialLesson) -> None:
    lesson.view = View.CURVE


def defend(lesson: AdversarialLesson) -> None:
    lesson.view, lesson.robust_attack, lesson.robust_eps, lesson.robust_epochs = View.DEFEND, "fgsm", DEFENCE_EPS, None


def slowly_in_2d(lesson: AdversarialLesson) -> None:
    lesson.view, lesson.eps_2d = View.PLANE, SLOW_2D_EPS


TRYOUTS: list[Tryout[AdversarialLesson]] = [
    Tryout("fgsm-few-digits", "FGSM at ε = 0.25, then *Random digit* a few times",
           "nearly every digit flips (99 in 100 of those the quick network reads right), yet you still read the "
           "same digit. At ε = 0.1 about 6 in 10 flip.", fgsm_on_a_few_digits),
    Tryout("seven-to-three", "Make the first 7 read as a 3: PGD at ε = 0.16, then switch to FGSM",
           "PGD gets there with a smaller ε than FGSM: with the quick network PGD fools this 7 at ε = 0.16, "
           "FGSM needs 0.17. Other 7s (*Give me a 7*) give in at other ε, some below 0.1, and PGD never needs "
           "more than FGSM.", seven_to_three),
    Tryout("mlp-and-cnn", "The curve for the quick MLP, then for a CNN (one epoch in *Train a digit recogniser*)",
           "the CNN holds out longer — at every ε it keeps more digits (at ε = 0.1 about half, the MLP about a "
           "third) — but by ε = 0.2 both read fewer than 1 in 10.", the_curve),
    Tryout("robust-twin", "Defend it: train the robust twin against FGSM at ε = 0.1",
           "under attack at ε = 0.1 the twin keeps far more digits (quick network: about 57% against 32% under "
           "FGSM, 55% against 28% under PGD), and on clean digits it reads as many as your network, within a "
           "point.", defend),
    Tryout("2d-slowly", "On 2D data, start at ε = 0.05 and raise it slowly",
           "the band nearest the boundary fills first, then the next: at every ε the nearer band has the larger "
           "share crossed, and no point farther than ε from the boundary crosses (the circle network this page "
           "trains when you have no Playground network).", slowly_in_2d),
]
