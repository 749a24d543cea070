"""One learner's adversarial lesson (no Streamlit): the view, the attack settings and the attacked digit, the
adversarially trained twin of their digit network (its settings, what it trains, its progress, when its run
ends), and curves computed from the current models (recomputed when a model changes)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from playground.adversarial.attacks2d import Step2D, nearest_to_boundary
from playground.adversarial.training import AdversarialConfig, AdversarialTrainer, adversarial_twin
from playground.digits.training import DigitTrainer
from playground.keyed_results import KeyedResults
from playground.training_driver import Outcome, TrainingLimits, TrainingRun

MAX_STEPS = 40  # PGD steps: each costs one more forward and backward pass per attacked digit
MAX_EPS = 0.3
MAX_DIGIT = 59_999  # a test digit's number (the page keeps it within the test set it has)
ATTACK_WORK = 10_000  # digits × PGD steps a whole-test-set view attacks at most (1,000 digits at 10 steps)
FIRST_DIGIT = 7  # the page opens on the first 7 of the test set (the seven-to-three challenge's digit)
ROBUST_MAX_EPOCHS = 20  # the robust twin's epochs at most (a class may allow fewer)
ROBUST_PGD_STEPS = 5  # a twin trained against PGD: steps per attacked digit (each one more pass)


class View(StrEnum):
    """The page's views, in the order of its segmented control."""

    FOOL = "Fool one digit"
    CURVE = "Accuracy against ε"
    DEFEND = "Defend it"
    GALLERY = "Gallery"
    PLANE = "On 2D data"
    WHY = "Why is it so easy?"

    @property
    def attacks_digits(self) -> bool:
        """Whether the view attacks the learner's digit network (it needs one); the others work in 2D."""
        return self not in (View.PLANE, View.WHY)


@dataclass
class AdversarialLesson:
    view: View = View.FOOL
    attack: str = "fgsm"  # "fgsm" or "pgd"
    eps: float = 0.1
    steps: int = 10
    target: int | None = None  # None: any wrong class; else "make it read as this class"
    digit: int | None = None  # the attacked test digit's number; None: the first 7 of the test set
    digit_picks: int = 0  # how many times a button chose the digit (the digit's widgets are renewed each time)
    robust_attack: str = "fgsm"  # what the robust twin trains against, at robust_eps, for robust_epochs
    robust_eps: float = 0.1
    robust_epochs: int | None = None  # None: as many epochs as the learner's network
    robust: AdversarialTrainer | None = None  # the twin trained on adversarial examples
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

    # ------------------------------------------------------------------------------ the robust twin
    def start_robust(self, trainer: DigitTrainer, attack: str, eps: float, epochs: int,
                     limits: TrainingLimits) -> AdversarialTrainer:
        """A new robust twin of `trainer` (same network, settings, data and drawings), trained against
        `attack` at ε for `epochs` (at most the class's limit); its run starts now."""
        twin = adversarial_twin(trainer, AdversarialConfig(attack=attack, eps=eps, steps=ROBUST_PGD_STEPS))
        twin.config = replace(trainer.config, epochs=limits.epochs(epochs))
        self.robust, self.robust_of, self.training = twin, id(trainer), True
        self.run = TrainingRun.starting(twin)
        return twin

    def robust_epochs_for(self, trainer: DigitTrainer, top: int) -> int:
        """The twin's epochs: the learner's choice, else as many as their network's, within 1..top."""
        chosen = self.robust_epochs if self.robust_epochs is not None else trainer.config.epochs
        return max(1, min(int(top), int(chosen)))

    def stop_robust(self) -> None:
        """The learner's Stop: the twin keeps what it learned, its run ends."""
        self.training = False

    def robust_ran(self, outcome: Outcome) -> bool:
        """After one call of the training driver: True (and the run is over) when it ended the run; False
        when the page has a click to answer and the run goes on at its next run."""
        if outcome.ends_run:
            self.training = False
        return outcome.ends_run

    def robust_progress(self) -> float:
        """How much of its epochs the twin has trained, 0 to 1."""
        if self.robust is None:
            return 0.0
        return self.robust.fraction_done

    def robust_is_stale(self, trainer: object) -> bool:
        """Whether the twin copies another digit network than `trainer` (the learner trained a new one)."""
        return self.robust is not None and self.robust_of != id(trainer)

    # ------------------------------------------------------------------------------ the attacked digit
    def pick_digit(self, number: int | None) -> None:
        """A button chose the test digit ('Give me a 7', 'Random digit'); None (no such digit) changes nothing."""
        if number is not None:
            self.digit = int(number)
            self.digit_picks += 1

    # ---------------------------------------------------------------------------------- the 2D view
    def keep_chosen_point(self, step: Step2D) -> int | None:
        """The point the 2D view frames: the learner's choice while it exists, else the one nearest the boundary."""
        if self.chosen_point is None or self.chosen_point >= len(step.points):
            self.chosen_point = nearest_to_boundary(step)
        return self.chosen_point


def digits_to_attack(attack: str, steps: int, available: int) -> int:
    """How many test digits a whole-test-set view attacks: 1,000, fewer for PGD with many steps, so that
    a link's 40 steps cost no more than 10 (the work grows with digits × steps)."""
    per_digit = steps if attack == "pgd" else 1
    return max(1, min(available, 1000, ATTACK_WORK // max(1, per_digit)))


def first_digit(labels: np.ndarray, digit: int = FIRST_DIGIT) -> int:
    """The number of the first test digit labelled `digit` (0 when there is none): where the page opens."""
    hits = np.flatnonzero(np.asarray(labels) == digit)
    return int(hits[0]) if len(hits) else 0


def within_test_set(number: int, available: int) -> int:
    """A test digit's number kept within a test set of `available` digits (a link may name a larger one)."""
    return min(max(0, int(number)), available - 1)


def next_digit_labelled(labels: np.ndarray, digit: int, after: int) -> int | None:
    """The number of the next test digit labelled `digit` after number `after` (round to the start of the
    test set after its end; the same one when it is the only one), or None when there is none: "give me a 7"."""
    hits = np.flatnonzero(np.asarray(labels) == digit)
    if not len(hits):
        return None
    later = hits[hits > after]
    return int(later[0]) if len(later) else int(hits[0])
