"""*Fool one digit*'s 'predict, then check' question (playground/predictions.py): which digit will your network
read this one as after the attack? Asked before the page shows the attacked digit; the answer is what the
network reads in it after the attack on screen.

The question is about one set-up (the digit, the network, the attack, ε, PGD's steps, the target), so its key
names them all. It is asked once: after a guess, a new set-up (another ε, another digit) shows its result at
once, and the learner may ask for the question again (`Stage`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from playground.adversarial.attacks import AttackResult
from playground.predictions import Prediction

PREFIX = "fool-"  # every key of this question starts with it


class Stage(StrEnum):
    """What the page does with the question for the set-up on screen."""

    ASK = "ask"  # no guess yet: ask, and hide the attacked digit until the learner commits
    CHECK = "check"  # a guess for this very set-up: show it beside the answer
    DONE = "done"  # a guess was made for another set-up: show the result, offer to ask again


def fool_key(digit: str, model: str, attack: str, eps: float, steps: int, target: int | None) -> str:
    """The question's key for one set-up: `digit` names the digit ("test-10", "drawing-…"), `model` the
    network's state; PGD's steps count only for PGD."""
    parts = [f"{PREFIX}{digit}", model, attack, f"{eps:.2f}"]
    if attack == "pgd":
        parts.append(f"{steps}steps")
    parts.append("any" if target is None else f"to{target}")
    return "-".join(parts)


def fool_prediction(key: str, class_names: Sequence[str], attack: str, eps: float, steps: int, target: int | None,
                    label: int | None) -> Prediction:
    """The question for a set-up, one choice per class (the digit's own class: the attack fails). `label` is
    a test digit's label, None for a drawing."""
    what = "your drawing" if label is None else f"this {class_names[label]}"
    how = "FGSM" if attack == "fgsm" else f"PGD ({steps} steps)"
    aim = "" if target is None else f", aiming for {class_names[target]}"
    return Prediction(key=key, question=f"After the attack ({how} at ε = {eps:.2f}{aim}), which digit will your "
                                        f"network read {what} as?", choices=tuple(class_names))


def asks(result: AttackResult, labelled: bool) -> bool:
    """Whether the question makes sense: not when the network misreads a test digit before any attack, nor
    when it already reads the target (the page says so instead)."""
    before = result.original_prediction
    if labelled and result.target is None and before != result.label:
        return False
    return result.target is None or result.target != before


def guessed(committed: Iterable[str]) -> list[str]:
    """The keys of this question's committed guesses (of all the learner's guesses): 'Ask me again' forgets them."""
    return [k for k in committed if k.startswith(PREFIX)]


def stage(committed: Iterable[str], key: str) -> Stage:
    """ASK before any guess of this question, CHECK for the set-up guessed, DONE for any other one."""
    keys = guessed(committed)
    if key in keys:
        return Stage.CHECK
    return Stage.DONE if keys else Stage.ASK


def answer(result: AttackResult, class_names: Sequence[str]) -> str:
    """What the network reads in the attacked digit."""
    return class_names[result.adversarial_prediction]


def detail(result: AttackResult, class_names: Sequence[str]) -> str:
    """What happened, and what it says about the attack (Markdown)."""
    before, after = result.original_prediction, result.adversarial_prediction
    p_before, p_after = result.original_probabilities[before], result.adversarial_probabilities[after]
    text = (f"Before the attack your network read **{class_names[before]}** ({p_before:.0%}); after it, "
            f"**{class_names[after]}** ({p_after:.0%}).")
    if after == before:
        return text + (" The attack did not change the reading at this ε. Change ε or the attack, then press "
                       "**Predict the next attack** to guess again.")
    if result.target is not None:
        if after == result.target:
            return text + " A targeted attack pushes the digit towards the class you chose, and here it got there."
        return text + (f" The attack pushed towards {class_names[result.target]}, but at this ε the network reads "
                       "another class.")
    return text + (" An untargeted attack does not choose the class: each step only makes the digit's own class "
                   "less likely, and the reading goes to whichever other class ends up most likely.")
