"""Every setting of the Playground lesson, with TensorFlow Playground's names, values and defaults.

One record that the page's widgets, the URL's query string and a saved network file all read and write,
so a shared link opens the same network on the same data. Parsing and writing query strings is in
tfplayground/url.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.engine2d.activations import ACTIVATIONS, TF_ACTIVATIONS
from playground.engine2d.features import DEFAULT_FEATURES
from playground.toydata import generators

# TF's value lists, in its order.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PROBLEMS = ("classification", "regression")
REGULARIZATIONS = ("none", "L1", "L2")
OPTIMIZERS = ("sgd", "momentum", "adam")
LOSSES = ("squared", "cross-entropy")
SPEEDS = ("slow-motion", "slow", "normal", "fast", "fastest")
# The top bar's activations: TF's four first, then ours.
ACTIVATION_CHOICES = TF_ACTIVATIONS + tuple(a for a in ACTIVATIONS if a not in TF_ACTIVATIONS)
NOISE_SLIDER_TOP = 50  # TF's noise slider stops here (its URL goes further: Limits.max_noise)


def with_current(values: tuple[float, ...], current: float) -> list[float]:
    """TF's values of a rate, and the current one if a link or a file brought another, in order."""
    return sorted(set(values) | {current})


def dataset_choices(problem: str) -> tuple[str, ...]:
    """The datasets the picker offers for a problem type: TF's, then ours with several classes."""
    if problem == "regression":
        return generators.REGRESS_DATASETS
    return generators.CLASSIFY_DATASETS + generators.MULTICLASS_DATASETS


@dataclass(frozen=True)
class Limits:
    """How big a network and a batch may get; 'advanced' raises them (a class config may lower them)."""

    max_layers: int = 6
    max_neurons: int = 8
    max_batch: int = 30
    max_noise: int = 80  # TF's URL accepts up to 80 although its slider stops at 50


# How many random numbers earlier networks may have taken from the seed's stream (`initDraws`): each build
# skips that many (SeedRandom.skip, ~9 ms for a million, ~90 ms for ten million on one core), so this bounds
# what a link costs. A million is ~400 resets of the largest advanced network; past it, resets start the
# stream over (PlaygroundRun.reset_network).
MAX_INIT_DRAWS = 10**6
BASIC_LIMITS = Limits()
ADVANCED_LIMITS = Limits(max_layers=10, max_neurons=16, max_batch=100)
# An instructor's caps for the whole server (classroom.toml), set once at start; None: no class caps.
CLASS_LIMITS: Limits | None = None


def set_class_limits(limits: Limits | None) -> None:
    """Cap every learner's network (the class configuration calls this; values from a URL are capped too)."""
    global CLASS_LIMITS
    CLASS_LIMITS = limits


def capped(own: Limits, base: Limits | None) -> Limits:
    """`own` limits, each no larger than `base`'s."""
    if base is None:
        return own
    return Limits(max_layers=max(0, min(own.max_layers, base.max_layers)),
                  max_neurons=max(1, min(own.max_neurons, base.max_neurons)),
                  max_batch=max(1, min(own.max_batch, base.max_batch)),
                  max_noise=max(0, min(own.max_noise, base.max_noise)))


@dataclass
class PlaygroundSettings:
    """The Playground's state as a learner sets it (not the trained weights)."""

    # ----- TF's keys (the URL uses exactly these names)
    dataset: str = "circle"  # classification dataset: circle, xor, gauss, spiral (+ ours: spiral3, blobs)
    regDataset: str = "reg-plane"  # regression dataset: reg-plane, reg-gauss  # noqa: N815
    problem: str = "classification"
    activation: str = "tanh"  # activation of every hidden layer (see layerActivations)
    learningRate: float = 0.03  # noqa: N815
    regularization: str = "none"
    regularizationRate: float = 0.0  # noqa: N815
    noise: int = 0  # percent, 0..50 (URL up to 80)
    networkShape: list[int] = field(default_factory=lambda: [4, 2])  # noqa: N815
    batchSize: int = 10  # noqa: N815
    percTrainData: int = 50  # noqa: N815
    features: tuple[str, ...] = DEFAULT_FEATURES  # x, y, xSquared, ySquared, xTimesY, sinX, sinY
    seed: str = "0.12345"
    showTestData: bool = False  # noqa: N815
    discretize: bool = False
    initZero: bool = False  # noqa: N815
    # ----- beyond TF (also in the URL)
    layerActivations: list[str] | None = None  # noqa: N815  one per hidden layer; None = all `activation`
    optimizer: str = "sgd"
    loss: str = "squared"  # two classes only: TF's squared error, or cross-entropy
    numClasses: int = 3  # noqa: N815  classes of the multi-class datasets
    speed: str = "fast"
    advanced: bool = False
    # How many random numbers earlier networks took from the seed's stream since the data was made:
    # the current network's first weights come after them (TF continues the stream on each reset).
    initDraws: int = 0  # noqa: N815
    # controls an instructor hid from students (TF's `<name>_hide=true` keys): TF's 15 hidable controls,
    # feature names (x, sinX, ...) and numNodes<k> (layer k's +/- buttons); see playground_url.HIDABLE
    hidden: tuple[str, ...] = ()

    def hidden_activations(self) -> list[str]:
        """The activation of each hidden layer."""
        if self.layerActivations and len(self.layerActivations) == len(self.networkShape):
            return list(self.layerActivations)
        return [self.activation] * len(self.networkShape)

    def current_dataset(self) -> str:
        return self.regDataset if self.problem == "regression" else self.dataset

    def noise_slider_top(self) -> int:
        """The noise slider's top: TF's, or the noise a link brought if it is more."""
        return max(NOISE_SLIDER_TOP, self.noise)

    def limits(self) -> Limits:
        """The limits that apply: basic or advanced, capped by the class's limits if any."""
        return capped(ADVANCED_LIMITS if self.advanced else BASIC_LIMITS, CLASS_LIMITS)
