"""Challenges the lessons pose, checked by the app itself from the learner's own network (never from
numbers the learner types): what the goal is, what was measured, and whether it is met.

A passed (or failed) attempt becomes a submission (see submissions.py) with the link that reproduces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Challenge:
    key: str
    lesson: str  # the lesson whose page offers it
    title: str
    goal: str  # one sentence, shown to the learner and on the dashboard
    score: str  # the figure a leaderboard sorts by
    lower_is_better: bool


CHALLENGES: dict[str, Challenge] = {
    c.key: c
    for c in (
        Challenge("spiral-small", "playground", "A small spiral solver",
                  "Spiral dataset: test loss below 0.05 with at most 12 hidden neurons in all.", "test_loss", True),
        Challenge("mnist-compact", "mnist-train", "A compact digit reader",
                  "MNIST-5k: test accuracy of at least 97% with at most 50,000 parameters.", "test_accuracy", False),
        Challenge("seven-to-three", "adversarial", "Turn a 7 into a 3",
                  "Make a test 7 read as a 3, with every pixel changed by at most ε = 0.1.", "eps", True),
    )
}


@dataclass
class Attempt:
    """The app's verdict on the learner's current state for one challenge."""

    challenge: str
    passed: bool
    figures: dict[str, float | int | str] = field(default_factory=dict)
    explanation: str = ""  # why it passes or what is missing, for the learner


def check_spiral_small(run) -> Attempt:
    """The Playground run must be the generated spiral (no uploaded or added points)."""
    s = run.settings
    neurons = int(sum(s.networkShape))
    scores = run.scores()
    figures = {"test_loss": round(scores.test_loss, 5), "hidden_neurons": neurons, "epoch": int(run.epoch),
               "layers": "-".join(map(str, s.networkShape)) or "none"}
    problems = []
    if s.problem != "classification" or s.dataset != "spiral" or run.uploaded is not None:
        problems.append("use the Spiral dataset")
    if run.added.xy or run.points_cleared:
        problems.append("use the spiral's own points (no added or cleared points)")
    if neurons > 12:
        problems.append(f"use at most 12 hidden neurons (now {neurons})")
    if not scores.test_loss < 0.05:
        problems.append(f"get the test loss below 0.05 (now {scores.test_loss:.3f})")
    passed = not problems
    return Attempt("spiral-small", passed, figures,
                   "Passed!" if passed else "Not yet: " + "; ".join(problems) + ".")


def check_mnist_compact(trainer, source: str) -> Attempt:
    """The digit network, on MNIST-5k, evaluated now on the whole test split."""
    if trainer is None:
        return Attempt("mnist-compact", False, {}, "Not yet: train a network first.")
    params = int(trainer.parameter_count)
    _, accuracy = trainer.evaluate(trainer.data.test_images, trainer.data.test_labels)
    figures = {"test_accuracy": round(accuracy, 5), "parameters": params, "epochs": round(trainer.epoch, 2),
               "model": trainer.spec.describe()}
    problems = []
    if source != "mnist5k":
        problems.append("train on MNIST-5k")
    if params > 50_000:
        problems.append(f"use at most 50,000 parameters (now {params:,})")
    if not accuracy >= 0.97:
        problems.append(f"reach 97% test accuracy (now {accuracy:.1%})")
    passed = not problems
    return Attempt("mnist-compact", passed, figures, "Passed!" if passed else "Not yet: " + "; ".join(problems) + ".")


def check_seven_to_three(result, digit_index: int | None) -> Attempt:
    """An attack result (attacks.AttackResult) on a test digit labelled 7, targeted at 3."""
    if result is None or digit_index is None:
        return Attempt("seven-to-three", False, {}, "Not yet: attack a test 7, with 3 as the target.")
    figures = {"eps": round(float(result.eps), 4), "digit": int(digit_index),
               "read_as": int(result.adversarial_prediction),
               "confidence": round(float(result.adversarial_probabilities.max()), 4)}
    problems = []
    if result.label != 7:
        problems.append("attack a test digit labelled 7")
    if result.target != 3 or result.adversarial_prediction != 3:
        problems.append("make it read as 3 (choose 3 under 'Make it read as')")
    if result.eps > 0.1 + 1e-9:
        problems.append(f"use ε of at most 0.1 (now {result.eps:.2f})")
    passed = not problems
    return Attempt("seven-to-three", passed, figures, "Passed!" if passed else "Not yet: " + "; ".join(problems) + ".")
