"""One learner's Explanations lesson (no Streamlit): the view, the explained digit (a test digit or their own
drawing) and the class explained, the methods' settings, the networks trained for the lesson's experiments
(shuffled labels, flipped labels) with their runs, and results kept per model state."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from playground.digits.training import DigitTensors, DigitTrainer
from playground.explanations.methods import Method, Settings
from playground.keyed_results import KeyedResults
from playground.torch_runtime import torch
from playground.training_driver import Outcome, TrainingLimits, TrainingRun

MAX_DIGIT = 59_999  # a test digit's number (the page keeps it within the test set it has)
TARGETS = ("predicted", "true", "class")  # explain the network's answer, the right answer, or a class picked
MAX_SIDE_EPOCHS = 5  # the experiments' networks train at most this many epochs (a class may allow fewer)
FLIP_SHARES = (0.05, 0.1, 0.2, 0.3)  # shares of training labels the mislabelled experiment may flip
TABLE_DIGITS = 100  # test digits the deletion table averages over
SANITY_METHODS = (Method.SALIENCY, Method.GRAD_X_INPUT, Method.IG, Method.GUIDED, Method.GRADCAM)


class View(StrEnum):
    """The page's views, in the order of its segmented control."""

    ONE = "Explain one digit"
    CLASSES = "Per class"
    SANITY = "Sanity checks"
    DELETION = "Deletion and insertion"
    EXAMPLES = "Training examples"
    PLANE = "On 2D data"

    @property
    def slug(self) -> str:
        return {View.ONE: "one", View.CLASSES: "classes", View.SANITY: "sanity", View.DELETION: "deletion",
                View.EXAMPLES: "examples", View.PLANE: "plane"}[self]

    @property
    def needs_digits(self) -> bool:
        """Whether the view explains the learner's digit network (the 2D view uses the Playground's)."""
        return self is not View.PLANE


VIEW_SLUGS = {view.slug: view for view in View}


@dataclass
class SideNetwork:
    """A network the lesson trains for an experiment: a copy of the learner's network's set-up trained on
    changed labels (all shuffled, or a share flipped), its run and what was changed."""

    kind: str  # "shuffled" or "flipped"
    trainer: DigitTrainer
    of: int  # id() of the learner's trainer it copies
    run: TrainingRun
    flipped: np.ndarray | None = None  # "flipped": which training labels were changed
    training: bool = True


@dataclass
class ExplanationsLesson:
    view: View = View.ONE
    source: str = "test"  # "test": a test digit; "drawing": the learner's latest drawing
    digit: int | None = None  # the explained test digit's number; None: the first test digit
    digit_picks: int = 0  # how many times a button chose the digit (its widgets are renewed each time)
    target: str = "predicted"  # one of TARGETS
    target_class: int = 3  # the class explained when target == "class" ("why not a 3?")
    settings: Settings = field(default_factory=Settings)
    class_method: Method = Method.IG  # the method of the per-class averages
    sanity_methods: tuple[Method, ...] = SANITY_METHODS
    plane_method: Method = Method.IG
    plane_network: str | None = None  # "mine", "circle" or "xor"; None: the learner's Playground network if any
    flip_share: float = 0.2
    pending: str | None = None  # a set-up's "mistake": the page picks the first test digit the network reads wrong
    side: dict[str, SideNetwork] = field(default_factory=dict)  # "shuffled", "flipped"
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)

    def cached(self, name: str, key: tuple, compute):
        """A result for one state of its inputs (model, digit, settings), recomputed when they change."""
        return self.results.get(name, key, compute)

    # ------------------------------------------------------------------------------ what is explained
    def pick_digit(self, number: int | None) -> None:
        """A button chose the test digit ('Give me a 7', 'Next wrong one'); None changes nothing."""
        if number is not None:
            self.digit, self.source = int(number), "test"
            self.digit_picks += 1

    def resolve_pending(self, labels: np.ndarray, predicted: np.ndarray) -> None:
        """A set-up asked for the first test digit the learner's network reads wrong: pick it now that the
        page knows the network's answers (nothing changes when it reads every one right)."""
        if self.pending == "mistake":
            self.pick_digit(next_digit(labels, -1, predicted=predicted, wrong=True))
        self.pending = None

    def set_settings(self, **changes) -> None:
        """New method settings, bounded (the page's widgets and a link both come through here)."""
        self.settings = replace(self.settings, **changes).bounded()

    def explained_class(self, predicted: int, true: int | None, classes: int = 10) -> tuple[int, str]:
        """The class whose score is explained and a few words on why: the prediction, the digit's label (a
        drawing has none: then the prediction, said so), or the learner's pick."""
        if self.target == "true" and true is not None:
            return int(true), "its true label"
        if self.target == "class":
            return min(max(0, int(self.target_class)), classes - 1), "the class you picked"
        if self.target == "true":
            return int(predicted), "the network's answer (a drawing has no true label)"
        return int(predicted), "the network's answer"

    # ------------------------------------------------------------------------------ the experiments' networks
    def start_side(self, kind: str, trainer: DigitTrainer, limits: TrainingLimits, seed: int = 0) -> SideNetwork:
        """A new network with the learner's set-up trained on changed labels: every label shuffled (the
        data randomisation test) or `flip_share` of them flipped to another class (find the mislabelled
        digits). It trains as many epochs as the learner's network, at most MAX_SIDE_EPOCHS (and the class's
        limit), through the training driver; its run starts now."""
        from playground.explanations import influence, sanity  # the experiments' own helpers

        data = trainer.data
        flipped = None
        if kind == "shuffled":
            labels = sanity.shuffled_labels(data.train_labels, seed)
        elif kind == "flipped":
            labels, flipped = influence.flip_labels(data.train_labels, self.flip_share, seed)
            flipped = np.asarray(flipped, dtype=bool)
        else:
            raise ValueError(f"unknown experiment {kind!r}")
        changed = DigitTensors(data.train_images, torch.as_tensor(labels, dtype=torch.int64), data.test_images,
                               data.test_labels)
        epochs = limits.epochs(max(1, min(MAX_SIDE_EPOCHS, trainer.config.epochs)))
        config = replace(trainer.config, epochs=epochs, seed=seed)
        twin = DigitTrainer(trainer.spec, config, changed)
        side = SideNetwork(kind, twin, id(trainer), TrainingRun.starting(twin), flipped)
        self.side[kind] = side
        self.results.forget(kind)
        return side

    def side_ran(self, kind: str, outcome: Outcome) -> bool:
        """After one call of the training driver: True (and the run is over) when it ended the run."""
        side = self.side.get(kind)
        if side is not None and outcome.ends_run:
            side.training = False
        return outcome.ends_run

    def stop_side(self, kind: str) -> None:
        if kind in self.side:
            self.side[kind].training = False

    def side_network(self, kind: str, trainer: DigitTrainer | None) -> SideNetwork | None:
        """The experiment's network while it copies the learner's current network (a new network of the
        learner's makes it stale: then None, and it is forgotten)."""
        side = self.side.get(kind)
        if side is not None and (trainer is None or side.of != id(trainer)):
            del self.side[kind]
            return None
        return side


def within_test_set(number: int | None, available: int) -> int:
    """A test digit's number kept within a test set of `available` digits (a link may name a larger one)."""
    return 0 if number is None else min(max(0, int(number)), available - 1)


def next_digit(labels: np.ndarray, after: int, label: int | None = None,
               predicted: np.ndarray | None = None, wrong: bool = False) -> int | None:
    """The next test digit after `after` (round to the start) that is labelled `label`, or that the network
    gets wrong (`wrong` with its `predicted` classes); None when there is none."""
    labels = np.asarray(labels)
    keep = np.ones(len(labels), dtype=bool)
    if label is not None:
        keep &= labels == label
    if wrong and predicted is not None:
        keep &= np.asarray(predicted) != labels
    hits = np.flatnonzero(keep)
    if not len(hits):
        return None
    later = hits[hits > after]
    return int(later[0]) if len(later) else int(hits[0])
