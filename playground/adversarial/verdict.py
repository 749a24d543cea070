"""What 'Fool one digit' says about one attack: the digit's true label beside what the network reads before
and after, and a verdict from the attacker's side — fooled is the learner's success, a digit that held is
"not fooled" with a hint that fits the attack on screen (no "try PGD" when PGD is already chosen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from playground.adversarial.attacks import AttackResult
from playground.adversarial.lesson import MAX_EPS, MAX_STEPS


class Outcome(StrEnum):
    """How a page shows a verdict: FOOLED as a success, HELD as a warning, the others as a note."""

    FOOLED = "fooled"  # the attack did what the learner wanted
    HELD = "held"  # the network still reads it (as the label, or not as the target)
    MISREAD = "misread"  # the network misreads the digit before any attack: nothing to fool
    ALREADY = "already"  # the target is what the network reads already


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    text: str  # Markdown


def _read(names: Sequence[str], cls: int, probability: float) -> str:
    return f"**{names[cls]}** ({probability:.0%})"


def reading(result: AttackResult, names: Sequence[str], labelled: bool = True) -> str:
    """The digit's true label (a test digit's; a drawing has none) and what the network reads in it before
    and after the attack, as Markdown."""
    before, after = result.original_prediction, result.adversarial_prediction
    who = f"**Labelled {names[result.label]}**" if labelled else "**Your drawing**"
    return (f"{who} · before the attack read as {_read(names, before, result.original_probabilities[before])}"
            f" · after: {_read(names, after, result.adversarial_probabilities[after])}")


def hint(attack: str, eps: float, steps: int, targeted: bool) -> str:
    """What to try when the digit held, for the attack on screen."""
    if eps <= 0:
        return "ε = 0 changes nothing: raise ε."
    larger = eps < MAX_EPS - 1e-9
    more_steps = attack == "pgd" and steps < MAX_STEPS
    if attack == "fgsm":
        tries = "a larger ε, or PGD" if larger else "PGD"
    elif larger and more_steps:
        tries = "a larger ε or more PGD steps"
    elif larger:
        tries = "a larger ε"
    elif more_steps:
        tries = "more PGD steps"
    else:
        return "It holds out at the largest ε and steps: try another digit" + (" or another target." if targeted else ".")
    return f"Try {tries}."


def verdict(result: AttackResult, names: Sequence[str], attack: str, steps: int, labelled: bool = True) -> Verdict:
    """The verdict on one attack, from the attacker's side."""
    before, after = result.original_prediction, result.adversarial_prediction
    at = f"at ε = {result.eps:.2f}"
    if result.target is not None and result.target == before:
        return Verdict(Outcome.ALREADY, f"It already reads as {names[before]}: choose another target.")
    if result.target is None and labelled and before != result.label:
        return Verdict(Outcome.MISREAD, f"Your network misreads this digit before any attack (labelled "
                                        f"{names[result.label]}, read as {names[before]}): there is nothing to "
                                        "fool. Pick another digit.")
    now = _read(names, after, result.adversarial_probabilities[after])
    if result.success:
        what = f"the {names[result.label]}" if labelled else "your drawing"
        if result.target is not None:
            return Verdict(Outcome.FOOLED, f"**Fooled** {at}: {what} is now read as {now}, the target.")
        return Verdict(Outcome.FOOLED, f"**Fooled** {at}: {what} is now read as {now}.")
    state = f"still read as {now}" if after == before else f"now read as {now}"
    goal = f", not as {names[result.target]}" if result.target is not None else ""
    return Verdict(Outcome.HELD, f"**Not fooled** {at}: {state}{goal}. "
                                 f"{hint(attack, result.eps, steps, result.target is not None)}")
