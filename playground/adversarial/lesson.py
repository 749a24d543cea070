"""One learner's adversarial lesson (no Streamlit): the attack settings, the adversarially trained twin of
their digit network, and curves computed from the current models (recomputed when a model changes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from playground.adversarial.training import AdversarialConfig, AdversarialTrainer
from playground.keyed_results import KeyedResults
from playground.text import escape_markdown
from playground.training_driver import TrainingRun

MAX_STEPS = 40  # PGD steps: each costs one more forward and backward pass per attacked digit
MAX_EPS = 0.3
MAX_DIGIT = 59_999  # a test digit's number (the page keeps it within the test set it has)
ATTACK_WORK = 10_000  # digits × PGD steps a whole-test-set view attacks at most (1,000 digits at 10 steps)


@dataclass
class AdversarialLesson:
    attack: str = "fgsm"  # "fgsm" or "pgd"
    eps: float = 0.1
    steps: int = 10
    target: int | None = None  # None: any wrong class; else "make it read as this class"
    robust: AdversarialTrainer | None = None  # the twin trained on adversarial examples
    robust_config: AdversarialConfig = field(default_factory=AdversarialConfig)
    robust_of: int = 0  # id() of the digit trainer the twin copies
    training: bool = False
    run: TrainingRun = field(default_factory=TrainingRun)  # the robust twin's current training run
    eps_2d: float = 0.5
    chosen_point: int | None = None
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)

    def cached(self, name: str, model_key: tuple, compute):
        """A result for one model state (its trainer id and version), recomputed when the model changes."""
        return self.results.get(name, model_key, compute)

    def forget_robust(self) -> None:
        self.robust, self.training = None, False
        self.results.forget("robust")


def model_key(trainer) -> tuple:
    """Identifies a trained model's current state (a new trainer, or more training, changes it)."""
    return (id(trainer), getattr(trainer, "version", 0))


def _number(text: str, whole: bool) -> float | None:
    text = str(text).strip()
    if len(text) > 20:
        return None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_link(query: Mapping[str, str]) -> tuple[AdversarialLesson, int | None, list[str]]:
    """(lesson, test digit or None, notices) from a link or a class preset:
    ?digit=…&attack=pgd&eps=0.1&steps=10&target=3. A bad value keeps the default, with a notice that
    quotes it as literal text."""
    made, digit, notices = AdversarialLesson(), None, []
    checks = {
        "attack": (lambda v: v if v in ("fgsm", "pgd") else None, "fgsm or pgd"),
        "eps": (lambda v: _in(_number(v, whole=False), 0, MAX_EPS, digits=2), f"a number from 0 to {MAX_EPS:g}"),
        "steps": (lambda v: _in(_number(v, whole=True), 1, MAX_STEPS), f"a whole number from 1 to {MAX_STEPS}"),
        "target": (lambda v: _in(_number(v, whole=True), 0, 9), "a digit from 0 to 9"),
        "digit": (lambda v: _in(_number(v, whole=True), 0, MAX_DIGIT), "a test digit number"),
    }
    for key, (parse, expected) in checks.items():
        if key not in query:
            continue
        raw = query[key][-1] if isinstance(query[key], list) else query[key]
        value = parse(str(raw))
        if value is None:
            notices.append(f"{key} '{escape_markdown(raw, 20)}' is not {expected} — using the default.")
        elif key == "digit":
            digit = int(value)
        else:
            setattr(made, key, value)
    return made, digit, notices


def _in(value: float | None, low: float, high: float, digits: int | None = None):
    if value is None or not low <= value <= high:
        return None
    return round(value, digits) if digits is not None else value


def digits_to_attack(attack: str, steps: int, available: int) -> int:
    """How many test digits a whole-test-set view attacks: 1,000, fewer for PGD with many steps, so that
    a link's 40 steps cost no more than 10 (the work grows with digits × steps)."""
    per_digit = steps if attack == "pgd" else 1
    return max(1, min(available, 1000, ATTACK_WORK // max(1, per_digit)))
