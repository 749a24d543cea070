"""Challenges the lessons pose, checked by the app itself from the learner's own network (never from
numbers the learner types): the rules every attempt keeps, three graded tiers (bronze, silver, gold), what
was measured, and for each tier whether it is met or how far off it is and what to think about.

A checked attempt becomes a submission (see submissions.py) with its medal and the link that reproduces it.
Figures are stored under short keys ("test_loss") and shown as readable text ("test loss 0.036 · 6 hidden
neurons · 6,744 epochs") through `describe`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MEDALS = ("bronze", "silver", "gold")  # worst to best


# ------------------------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """How one measured figure reads: 'test loss 0.036', '6 hidden neurons', 'ε = 0.05'."""

    label: str  # "test loss"
    kind: str  # "loss", "percent", "count", "eps", "number", "text"
    count_noun: bool = False  # the value comes first: "6 hidden neurons"
    over: str = "to go"  # a value above an upper bound is this much "to go", "too many", "too large"

    def value(self, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if self.kind == "loss":
            return f"{value:.3f}"
        if self.kind == "percent":
            return f"{value:.1%}"
        if self.kind == "eps":
            return f"{value:.2f}"
        if self.kind == "count":
            return f"{round(value):,}"
        return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"

    def limit(self, limit: float) -> str:
        """A bound as written in a goal: '0.05', '97.5%', '10,000'."""
        if self.kind == "percent":
            return f"{limit * 100:g}%"
        if self.kind == "count":
            return f"{round(limit):,}"
        return f"{limit:g}"

    def text(self, value: object) -> str:
        if self.count_noun:
            return f"{self.value(value)} {self.label}"
        if self.kind == "eps":
            return f"ε = {self.value(value)}"
        return f"{self.label} {self.value(value)}"

    def gap(self, gap: float) -> str:
        """A difference between a value and a bound, in this figure's units ('0.033', '1.4 points', '3')."""
        if self.kind == "percent":
            return f"{gap * 100:.1f} points"
        return self.value(gap)


FIGURES: dict[str, Figure] = {
    "test_loss": Figure("test loss", "loss"),
    "hidden_neurons": Figure("hidden neurons", "count", count_noun=True, over="too many"),
    "epochs": Figure("epochs", "number", count_noun=True),
    "layers": Figure("hidden layers", "text"),
    "inputs": Figure("inputs", "text"),
    "test_accuracy": Figure("test accuracy", "percent"),
    "parameters": Figure("parameters", "count", count_noun=True, over="too many"),
    "model": Figure("network", "text"),
    "eps": Figure("ε", "eps", over="too large"),
    "read_as": Figure("read as", "text"),
    "confidence": Figure("confidence", "percent"),
    "digit": Figure("test digit", "text"),
    "map_agreement": Figure("rank agreement of the two maps", "number", over="too high"),
    "ig_quarter": Figure("Integrated Gradients' quarter", "text"),
    "occlusion_quarter": Figure("occlusion's quarter", "text"),
    "js": Figure("JS divergence", "loss", over="too high"),
    "modes": Figure("modes covered", "text"),
    "iterations": Figure("iterations", "count", count_noun=True, over="too many"),
}


def figure_text(key: str, value: object) -> str:
    """One figure as text; an unknown key reads as its words ('some_key 3')."""
    figure = FIGURES.get(key)
    return figure.text(value) if figure else f"{key.replace('_', ' ')} {value}"


def describe(figures: dict) -> str:
    """Figures as one readable line, in FIGURES' order (a stored submission's keys come back sorted):
    'test loss 0.036 · 6 hidden neurons · 6,744 epochs'."""
    order = {key: i for i, key in enumerate(FIGURES)}
    keys = sorted(figures, key=lambda k: order.get(k, len(order)))
    return " · ".join(figure_text(k, figures[k]) for k in keys if figures[k] is not None and figures[k] != "")


# ------------------------------------------------------------------------------------------- tiers


@dataclass(frozen=True)
class Bound:
    """One figure against a limit ('test loss below 0.05'), and what to think about when it is missed."""

    figure: str  # a key of FIGURES
    op: str  # "<", "<=" or ">="
    limit: float
    think: str = ""

    def met(self, value: float | None) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return {"<": value < self.limit, "<=": value <= self.limit + 1e-12, ">=": value >= self.limit - 1e-12}[self.op]

    @property
    def sign(self) -> str:
        return {"<": "<", "<=": "≤", ">=": "≥"}[self.op]

    def goal(self) -> str:
        """'test loss < 0.05', '≤ 6 hidden neurons', 'test accuracy ≥ 97.5%', 'ε ≤ 0.05'."""
        figure = FIGURES[self.figure]
        if figure.count_noun:
            return f"{self.sign} {figure.limit(self.limit)} {figure.label}"
        return f"{'ε' if figure.kind == 'eps' else figure.label} {self.sign} {figure.limit(self.limit)}"

    def feedback(self, value: float | None) -> str:
        """How far off a value is: 'test loss 0.083, needs < 0.05: 0.033 to go'."""
        figure = FIGURES[self.figure]
        if value is None:
            return f"no {figure.label} yet, needs {self.sign} {figure.limit(self.limit)}"
        gap = abs(float(value) - self.limit)
        if self.op == "<" and value >= self.limit:  # exactly on the bound still misses it
            gap = max(gap, 10 ** -3 if figure.kind == "loss" else 0.0)
        words = figure.over if self.op in ("<", "<=") else "to go"
        return f"{figure.text(value)}, needs {self.sign} {figure.limit(self.limit)}: {figure.gap(gap)} {words}"


@dataclass(frozen=True)
class Tier:
    medal: str  # one of MEDALS
    bounds: tuple[Bound, ...]

    def goal(self) -> str:
        """'test loss < 0.1 with ≤ 16 hidden neurons'."""
        return " with ".join(b.goal() for b in self.bounds)


@dataclass(frozen=True)
class Challenge:
    key: str
    lesson: str  # the lesson whose page offers it
    title: str
    goal: str  # the rules every tier keeps, one or two sentences, shown to the learner and on the board
    score: str  # the figure a leaderboard sorts by (a key of FIGURES)
    lower_is_better: bool
    tiers: tuple[Tier, ...] = ()

    @property
    def score_label(self) -> str:
        return FIGURES[self.score].label

    def tier(self, medal: str) -> Tier:
        return next(t for t in self.tiers if t.medal == medal)


@dataclass(frozen=True)
class TierResult:
    medal: str
    passed: bool
    misses: tuple[str, ...] = ()  # each missed bound (or broken rule), how far off it is
    think: tuple[str, ...] = ()  # what to think about, for each missed bound


@dataclass
class Attempt:
    """The app's verdict on the learner's current state for one challenge."""

    challenge: str
    passed: bool  # at least bronze
    figures: dict[str, float | int | str] = field(default_factory=dict)
    explanation: str = ""  # why it passes or what is missing, for the learner
    tiers: tuple[TierResult, ...] = ()
    medal: str | None = None  # the best tier met

    @property
    def summary(self) -> str:
        return describe(self.figures)


def medal_rank(medal: str | None) -> int:
    """0 for no medal, 1 bronze, 2 silver, 3 gold."""
    return MEDALS.index(medal) + 1 if medal in MEDALS else 0


def medal_text(medal: str | None) -> str:
    """'silver', or 'not yet' (plain words: a table on a machine without an emoji font shows them too)."""
    return medal if medal in MEDALS else "not yet"


def grade(challenge_key: str, figures: dict, problems: list[str]) -> Attempt:
    """Each tier of a challenge against the figures; broken rules (`problems`) fail every tier."""
    challenge = CHALLENGES[challenge_key]
    results = []
    for tier in challenge.tiers:
        if problems:
            results.append(TierResult(tier.medal, False, tuple(problems)))
            continue
        missed = [b for b in tier.bounds if not b.met(figures.get(b.figure))]
        results.append(TierResult(tier.medal, not missed, tuple(b.feedback(figures.get(b.figure)) for b in missed),
                                  tuple(b.think for b in missed if b.think)))
    passed = [r for r in results if r.passed]
    medal = max((r.medal for r in passed), key=medal_rank, default=None)
    if problems:
        explanation = "Not yet: " + "; ".join(problems) + "."
    elif medal is None:
        bronze = results[0]
        explanation = "Not yet. For bronze: " + "; ".join(bronze.misses) + "."
    else:
        better = [r for r in results if medal_rank(r.medal) > medal_rank(medal) and not r.passed]
        explanation = f"{medal.capitalize()}!" + (
            f" For {better[0].medal}: " + "; ".join(better[0].misses) + "." if better else
            " Every tier passed.")
    return Attempt(challenge_key, medal is not None, dict(figures), explanation, tuple(results), medal)


# ------------------------------------------------------------------------------------------- the challenges

SPIRAL_TIERS = (
    Tier("bronze", (
        Bound("test_loss", "<", 0.1, "From X₁ and X₂ alone, one layer only folds the plane along straight lines: "
              "a second layer can bend those folds into a spiral. Which activation and learning rate learn "
              "that quickly?"),
        Bound("hidden_neurons", "<=", 12, "Is one wide layer better than two narrower ones? Count what two "
              "layers of six give."))),
    Tier("silver", (
        Bound("test_loss", "<", 0.05, "A smaller network learns more slowly and gets stuck more often: try Adam "
              "or another learning rate, a smooth activation, and watch the test loss to stop at a low point."),
        Bound("hidden_neurons", "<=", 10, "Which neurons' pictures look alike? Remove one and train again."))),
    Tier("gold", (
        Bound("test_loss", "<", 0.05, "With so few neurons the starting weights matter: a small learning rate "
              "with Adam, a larger batch, and a reset (new starting weights) when it gets stuck."),
        Bound("hidden_neurons", "<=", 8, "Every neuron must earn its place: which folds does the spiral really "
              "need?"))),
)
DIGIT_TIERS = (
    Tier("bronze", (
        Bound("test_accuracy", ">=", 0.97, "A smaller network needs more epochs, and a learning rate that suits "
              "it, to reach what a bigger one reaches quickly: watch the test curve."),
        Bound("parameters", "<=", 10_000, "Most of the CNN's parameters sit in the dense layer after its last "
              "convolution (see the parameter table): what makes that layer smaller?"))),
    Tier("silver", (
        Bound("test_accuracy", ">=", 0.97, "Small networks are sensitive to the learning rate and the batch "
              "size: try a larger rate with more epochs."),
        Bound("parameters", "<=", 7_000, "One more convolution with pooling halves the picture again: the dense "
              "layer after it shrinks fourfold."))),
    Tier("gold", (
        Bound("test_accuracy", ">=", 0.975, "Where do the parameters do most good: more filters early, or "
              "later? Smaller kernels leave room for more filters."),
        Bound("parameters", "<=", 7_000, "Spend the budget where it helps most: compare filter counts and "
              "kernel sizes in the parameter table."))),
)
SURE = 0.9  # the seven-to-three challenge attacks a 7 the network is at least this sure of
ADVERSARIAL_TIERS = (
    Tier("bronze", (Bound("eps", "<=", 0.08, "Some 7s are nearer a 3 than others: which strokes would you "
                                            "change to turn a 7 into a 3? Look for such a 7."),)),
    Tier("silver", (Bound("eps", "<=", 0.05, "How easily a network is fooled depends on the network: try "
                                            "another one (trained longer, or a CNN) on the same 7s."),)),
    Tier("gold", (
        Bound("eps", "<=", 0.05, "Keep ε small and let the attack take more steps."),
        Bound("confidence", ">=", 0.75, "Reading as 3 by a hair is not enough: PGD with many steps pushes "
              "further into the 3s than FGSM's single step, at the same ε."))),
)

DISAGREE_SURE = 0.9  # gold: the network is at least this sure of the digit it reads right
DISAGREE_TIERS = (
    Tier("bronze", (Bound("map_agreement", "<=", 0.5, "Digits the network finds easy give similar maps: look "
                                                      "at digits it is less sure of, or with unusual strokes."),)),
    Tier("silver", (Bound("map_agreement", "<=", 0.3, "Occlusion sees a whole window at once, Integrated "
                                                      "Gradients one pixel at a time: which digits have ink that "
                                                      "matters only in combination?"),)),
    Tier("gold", (
        Bound("map_agreement", "<=", 0.2, "Try the same digit with a larger occlusion window or another "
                                          "baseline: which choice moves the maps apart?"),
        Bound("confidence", ">=", DISAGREE_SURE, "A disagreement on a digit the network is unsure of is "
                                                 "expected; find one it is sure of."))),
)

MODES_MOST_ITERATIONS = 3_000  # the eight-modes challenge: within this many iterations
MODES_TIERS = (
    Tier("bronze", (Bound("js", "<=", 0.55, "Which modes are missing, or where do points fall between them? "
                                           "Watch the arrows and the discriminator's belief between the modes."),)),
    Tier("silver", (Bound("js", "<=", 0.52, "All modes covered but JS still high: the generator spreads points "
                                           "between the modes. What lets it tear its output into pieces?"),)),
    Tier("gold", (Bound("js", "<=", 0.48, "Look at the manifold: thin bridges between modes cost JS. Does the "
                                         "generator move too fast for the discriminator to keep up?"),)),
)

CHALLENGES: dict[str, Challenge] = {
    c.key: c
    for c in (
        Challenge("spiral-small", "playground", "A small spiral solver",
                  "The Spiral dataset from X₁ and X₂ alone (no other inputs), with its own points, a training "
                  "ratio of at most 50% and TF's squared-error loss: a low test loss from as few hidden neurons "
                  "as you can.",
                  "test_loss", True, SPIRAL_TIERS),
        Challenge("mnist-compact", "mnist-train", "A compact digit reader",
                  "MNIST-5k: a high test accuracy from as few parameters as you can.",
                  "test_accuracy", False, DIGIT_TIERS),
        Challenge("seven-to-three", "adversarial", "Turn a 7 into a 3",
                  f"Make a test 7 that your network reads right, and is at least {SURE:.0%} sure of, read as a 3, "
                  "with every pixel changed by as little as you can (ε).", "eps", True, ADVERSARIAL_TIERS),
        Challenge("methods-disagree", "explanations", "Two explanations, two stories",
                  "Find a test digit your network reads right on which Integrated Gradients (at least 20 steps) "
                  "and occlusion name different quarters of the image as the most important one for the "
                  "network's answer, with maps that agree as little as you can (rank agreement, Spearman).",
                  "map_agreement", True, DISAGREE_TIERS),
        Challenge("eight-modes", "generative", "Catch all eight",
                  f"On the 8 Gaussians, train a GAN whose generated points cover all eight modes, with a JS "
                  f"divergence as low as you can, within {MODES_MOST_ITERATIONS:,} iterations.",
                  "js", True, MODES_TIERS),
    )
}


def challenge_title(key: str) -> str:
    """A challenge's readable name ('A small spiral solver'), or the key itself for one no longer offered."""
    challenge = CHALLENGES.get(key)
    return challenge.title if challenge else key


# ------------------------------------------------------------------------------------------- the checks

RAW_INPUTS = ("x", "y")
INPUT_NAMES = {"x": "X₁", "y": "X₂", "xSquared": "X₁²", "ySquared": "X₂²", "xTimesY": "X₁X₂",
               "sinX": "sin(X₁)", "sinY": "sin(X₂)"}
MAX_TRAIN_PERCENT = 50


def check_spiral_small(run) -> Attempt:
    """The Playground run: the generated spiral (no uploaded, added or cleared points), X₁ and X₂ as the only
    inputs, at most half the points for training; graded on its test loss and hidden neurons."""
    s = run.settings
    neurons = int(sum(s.networkShape))
    scores = run.scores()
    inputs = tuple(run.features)
    figures = {"test_loss": round(scores.test_loss, 5), "hidden_neurons": neurons, "epochs": int(run.epoch),
               "layers": ", ".join(map(str, s.networkShape)) or "none",
               "inputs": ", ".join(INPUT_NAMES.get(f, f) for f in inputs)}
    problems = []
    if s.problem != "classification" or s.dataset != "spiral" or run.uploaded is not None:
        problems.append("use the Spiral dataset")
    if run.added.xy or run.points_cleared:
        problems.append("use the spiral's own points (no added or cleared points)")
    extra = [INPUT_NAMES.get(f, f) for f in inputs if f not in RAW_INPUTS]
    if extra or set(inputs) != set(RAW_INPUTS):
        problems.append("use X₁ and X₂ as the only inputs" + (f" (now also {', '.join(extra)})" if extra else ""))
    if s.loss != "squared":
        problems.append("use TF's loss, squared error (another loss reads its test loss on another scale)")
    if s.percTrainData > MAX_TRAIN_PERCENT:
        problems.append(f"train on at most {MAX_TRAIN_PERCENT}% of the points (now {s.percTrainData}%)")
    if run.epoch == 0:
        problems.append("train the network first (press Play)")
    return grade("spiral-small", figures, problems)


def check_mnist_compact(trainer, source: str) -> Attempt:
    """The digit network, on MNIST-5k, evaluated now on the whole test split; graded on its test accuracy
    and its number of parameters."""
    if trainer is None:
        return grade("mnist-compact", {}, ["train a network first"])
    params = int(trainer.parameter_count)
    _, accuracy = trainer.evaluate(trainer.data.test_images, trainer.data.test_labels)
    figures = {"test_accuracy": round(accuracy, 5), "parameters": params, "epochs": round(trainer.epoch, 2),
               "model": trainer.spec.describe()}
    problems = []
    if source != "mnist5k":
        problems.append("train on MNIST-5k")
    if trainer.epoch <= 0:
        problems.append("train the network first")
    return grade("mnist-compact", figures, problems)


def check_seven_to_three(result, digit_index: int | None) -> Attempt:
    """An attack result (attacks.AttackResult) on a test digit labelled 7 that the network reads as a 7 (and
    is sure of), targeted at 3; graded on ε and on how sure the network is of the 3."""
    if result is None or digit_index is None:
        return grade("seven-to-three", {}, ["attack a test 7, with 3 as the target"])
    figures = {"eps": round(float(result.eps), 4), "read_as": int(result.adversarial_prediction),
               "confidence": round(float(result.adversarial_probabilities.max()), 4), "digit": int(digit_index)}
    problems = []
    if result.label != 7:
        problems.append("attack a test digit labelled 7")
    elif result.original_prediction != 7:
        problems.append(f"attack a 7 your network reads right (it reads this one as {result.original_prediction})")
    elif result.original_probabilities[7] < SURE:
        problems.append(f"attack a 7 your network is at least {SURE:.0%} sure of (it is "
                        f"{result.original_probabilities[7]:.0%} sure of this one)")
    if result.target != 3:
        problems.append("choose 3 under 'Make it read as'")
    elif result.adversarial_prediction != 3:
        problems.append(f"make it read as 3 (it reads as {result.adversarial_prediction} now): a larger ε, or PGD")
    return grade("seven-to-three", figures, problems)



def check_methods_disagree(result) -> Attempt:
    """A comparison of two maps on a test digit (explanations.challenge.Disagreement, or None): the network
    reads the digit right, Integrated Gradients ran with at least 20 steps, and the two methods' most important
    quarters differ; graded on the maps' rank agreement (and, for gold, how sure the network is)."""
    if result is None or result.digit is None:
        return grade("methods-disagree", {}, ["explain a test digit (a drawing has no true label)"])
    figures = {"map_agreement": round(float(result.agreement), 4), "ig_quarter": result.ig_quarter,
               "occlusion_quarter": result.occlusion_quarter, "confidence": round(float(result.confidence), 4),
               "digit": int(result.digit)}
    problems = []
    if result.predicted != result.label:
        problems.append(f"explain a digit your network reads right (it reads this {result.label} as "
                        f"{result.predicted})")
    if result.ig_steps < 20:
        problems.append(f"give Integrated Gradients at least 20 steps (now {result.ig_steps})")
    if result.ig_quarter == result.occlusion_quarter:
        problems.append(f"find a digit where the two name different quarters (both name the "
                        f"{result.ig_quarter} one here)")
    return grade("methods-disagree", figures, problems)


def check_eight_modes(result) -> Attempt:
    """The GAN now (generative.challenge.ModesResult): the 8 Gaussians, at most MODES_MOST_ITERATIONS
    iterations, every mode covered; graded on the JS divergence between real and generated points."""
    if result is None:
        return grade("eight-modes", {}, ["train a GAN first"])
    figures = {"js": round(float(result.js), 4), "modes": f"{result.covered} of {result.total}",
               "iterations": int(result.iterations)}
    problems = []
    if result.shape != "eight":
        problems.append("choose the 8 Gaussians as the real distribution")
    elif result.covered < result.total:
        problems.append(f"cover every mode (the generated points reach {result.covered} of {result.total})")
    if result.iterations > MODES_MOST_ITERATIONS:
        problems.append(f"get there within {MODES_MOST_ITERATIONS:,} iterations (this run is at "
                        f"{result.iterations:,}: press Reset and train again)")
    elif result.iterations == 0:
        problems.append("train the GAN first")
    return grade("eight-modes", figures, problems)
