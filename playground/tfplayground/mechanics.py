"""The Playground's "Inside one neuron" and "One gradient step" panels without Streamlit: which neuron and
which training point they show, the numbers (engine2d.mechanics) for this learner's network, and every step
written out as Markdown tables and LaTeX lines, numbers to 3 significant digits. The page only lays them out.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from playground.engine2d.activations import LABELS as ACTIVATION_LABELS
from playground.engine2d.mechanics import (
    GradientStep,
    NeuronArithmetic,
    NeuronGradient,
    ParamStep,
    gradient_step,
    neuron_arithmetic,
)
from playground.text import escape_markdown
from playground.tfplayground.run import PlaygroundRun

MAX_POINTS = 10  # training points offered to follow through the network
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


# ------------------------------------------------------------------------------------------------ what is shown


@dataclass(frozen=True)
class PointChoice:
    """A training point the panels can follow: its place, its label and how the chooser names it."""

    index: int  # in run.train_x
    point: tuple[float, float]
    label: float  # class id, or the value for regression
    text: str  # plain text for a select box (not Markdown): "Point 1: (4.62, −1.84), class -1"
    markdown: str  # for a sentence, safe to show as Markdown (a class name from a CSV is the learner's text):
    # "point 1 (4.62, −1.84) of class -1"


def point_choices(run: PlaygroundRun) -> list[PointChoice]:
    """The first MAX_POINTS training points (none when the learner cleared them all)."""
    choices = []
    for i in range(min(MAX_POINTS, len(run.train_y))):
        x1, x2 = (float(v) for v in run.train_x[i])
        label = run.train_y[i]
        if run.problem == "regression":
            what = f"value {num(float(label))}"
        else:
            names = run.class_names
            what = f"class {names[int(label)] if int(label) < len(names) else int(label)}"
        where = f"({num(x1)}, {num(x2)})"
        phrase = f"point {i + 1} {where} {'with' if run.problem == 'regression' else 'of'} {what}"
        choices.append(PointChoice(i, (x1, x2), float(label), f"Point {i + 1}: {where}, {what}",
                                   escape_markdown(phrase)))
    return choices


def chosen_point(run: PlaygroundRun, index: int) -> PointChoice | None:
    """The point at `index` among the choices, the first if there is no such one, None if there are none."""
    choices = point_choices(run)
    if not choices:
        return None
    return choices[index] if 0 <= index < len(choices) else choices[0]


def shown_neuron(run: PlaygroundRun, selected: tuple[int, int] | None) -> tuple[int, int]:
    """The neuron the learner clicked (node layer, index), else the first hidden neuron (the output when
    there is no hidden layer)."""
    net = run.network
    if selected is not None:
        layer, index = selected
        if 1 <= layer <= net.n_layers and 0 <= index < net.sizes[layer]:
            return layer, index
    return (1, 0)


def output_names(run: PlaygroundRun) -> list[str] | None:
    """Markdown names of the output nodes when there is one per class ('output 2 (class 1)'), else None."""
    net = run.network
    if net.n_outputs < 2:
        return None
    names = run.class_names
    return [f"output {i + 1} (class {escape_markdown(names[i]) if i < len(names) else i})" for i in range(net.n_outputs)]


def numbers_key(run: PlaygroundRun, selected: tuple[int, int] | None, point: int) -> tuple:
    """What the panels' numbers depend on: a change of any of it makes a shown panel out of date."""
    net, s = run.network, run.settings
    digest = hashlib.blake2b(net.params.tobytes() + net.alive.tobytes(), digest_size=16).hexdigest()
    return (id(run), digest, shown_neuron(run, selected), point, len(run.train_y), s.learningRate,
            s.regularization, s.regularizationRate, tuple(run.features))


def neuron_numbers(run: PlaygroundRun, selected: tuple[int, int] | None, point: int) -> NeuronArithmetic | None:
    """The shown neuron's arithmetic at the chosen training point (None without training points)."""
    choice = chosen_point(run, point)
    if choice is None:
        return None
    layer, index = shown_neuron(run, selected)
    return neuron_arithmetic(run.network, run.features, layer, index, choice.point)


def step_numbers(run: PlaygroundRun, point: int) -> GradientStep | None:
    """One gradient step for the chosen training point with the learner's learning rate and regularisation
    (None without training points)."""
    choice = chosen_point(run, point)
    if choice is None:
        return None
    s = run.settings
    return gradient_step(run.network, run.features, choice.point, choice.label, s.learningRate, s.regularization,
                         s.regularizationRate)


# ------------------------------------------------------------------------------------------------ numbers as text


def num(x: float) -> str:
    """A number to 3 significant digits, with a true minus sign: 0.523, −1.3, 2.5×10⁻⁵."""
    if not math.isfinite(x):
        return "∞" if x > 0 else ("−∞" if x < 0 else "NaN")
    if x == 0:
        return "0"
    text = f"{x:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPTS)}"
    return text.replace("-", "−")


def tex(x: float) -> str:
    """A number to 3 significant digits for LaTeX: -1.3, 2.5 \\times 10^{-5}."""
    if not math.isfinite(x):
        return r"\infty" if x > 0 else (r"-\infty" if x < 0 else r"\text{NaN}")
    if x == 0:
        return "0"
    text = f"{x:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def tex_factor(x: float) -> str:
    """A number as a factor or a subtrahend in LaTeX: in parentheses when negative."""
    return f"({tex(x)})" if x < 0 else tex(x)


def tex_sum(values: Sequence[float]) -> str:
    """a + b − c … in LaTeX (a negative value after the first is subtracted)."""
    if not values:
        return "0"
    parts = [tex(values[0])]
    for v in values[1:]:
        parts.append(f"- {tex(-v)}" if v < 0 else f"+ {tex(v)}")
    return " ".join(parts)


# How each activation is written, its argument in {z} (a number, wrapped in parentheses where it multiplies).
ACTIVATION_TEX = {
    "tanh": r"\tanh({z})",
    "relu": r"\max(0,\ {z})",
    "sigmoid": r"\sigma({z}) = \frac{{1}}{{1 + e^{{-{zf}}}}}",
    "linear": "{z}",
    "elu": r"\mathrm{{ELU}}({z})",
    "leakyrelu": r"\max(0.01 \cdot {zf},\ {z})",
    "silu": r"{zf} \cdot \sigma({z})",
    "softplus": r"\ln(1 + e^{{{z}}})",
}
ACTIVATION_TEX_NAME = {
    "tanh": r"\tanh(z)", "relu": r"\max(0,\ z)", "sigmoid": r"\sigma(z)", "linear": "z",
    "elu": r"\mathrm{ELU}(z)", "leakyrelu": r"\max(0.01z,\ z)", "silu": r"z\,\sigma(z)",
    "softplus": r"\ln(1 + e^{z})",
}


def activation_tex(name: str, z: float) -> str:
    return ACTIVATION_TEX[name].format(z=tex(z), zf=tex_factor(z))


def times(a: float, b: float) -> str:
    """'0.52 × −1.3'."""
    return f"{num(a)} × {num(b)}"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "\n".join([_row(*header), _row(*(["---"] * len(header))), *(_row(*r) for r in rows)])


# ------------------------------------------------------------------------------------------------ one neuron


@dataclass(frozen=True)
class NeuronView:
    """'Inside one neuron' as text: a heading, a table of the inputs, and the sum and activation in LaTeX."""

    heading: str  # Markdown
    table: str  # Markdown table: each input, its weight, their product
    equations: tuple[str, ...]  # LaTeX: z = products + bias, a = activation(z)


def _named(name: str, layer: int, index: int, top: int, outputs: Sequence[str] | None) -> str:
    """A node's name, an output's from `outputs` (Markdown) when given."""
    return outputs[index] if outputs and layer == top and index < len(outputs) else name


def neuron_view(n: NeuronArithmetic, point_text: str, top: int = 0, outputs: Sequence[str] | None = None) -> NeuronView:
    """The neuron's arithmetic written out. `point_text` is Markdown naming the point; `outputs` names the
    output nodes (node layer `top`), see output_names."""
    label = ACTIVATION_LABELS[n.activation]
    name = _named(n.name, n.layer, n.neuron, top, outputs)
    heading = (f"**{name[:1].upper() + name[1:]}** for {point_text}: each input times its weight, added up with the "
               f"bias, then the activation, **{label}**.")
    rows = [[t.source, num(t.value), num(t.weight), f"{times(t.value, t.weight)} = {num(t.product)}"] for t in n.terms]
    rows.append(["bias", "", "", num(n.bias)])
    table = _table(["Input", "Value", "Weight", "Value × weight"], rows)
    if len(n.terms) <= 4:
        products = tex_sum([t.product for t in n.terms])
        sum_part = rf"\underbrace{{{products}}}_{{\text{{the products}}}}"
    else:
        sum_part = rf"\underbrace{{{tex(n.weighted_sum)}}}_{{\text{{the {len(n.terms)} products}}}}"
    sign = "-" if n.bias < 0 else "+"
    equations = (
        rf"z = {sum_part} {sign} \underbrace{{{tex(abs(n.bias))}}}_{{\text{{bias}}}} = {tex(n.preactivation)}",
        rf"a = z = {tex(n.output)}" if n.activation == "linear" else
        rf"a = {ACTIVATION_TEX_NAME[n.activation]} = {activation_tex(n.activation, n.preactivation)} = {tex(n.output)}",
    )
    return NeuronView(heading, table, equations)


# ------------------------------------------------------------------------------------------------ one step


@dataclass(frozen=True)
class LayerView:
    """One layer of the backward pass: its neurons' δ, and its weights' gradients and updates."""

    title: str
    neurons: str  # Markdown table
    params: str  # Markdown table
    expanded: bool  # open at first (the output layer, and the layer of the chosen neuron)


@dataclass(frozen=True)
class StepView:
    """'One gradient step' as text, from the loss at the output back to the first layer."""

    intro: str  # Markdown
    loss: tuple[str, ...]  # LaTeX: the loss and its derivative at the output
    layers: tuple[LayerView, ...]  # from the output back
    outcome: str  # Markdown: what the step does to the loss on this point
    notes: tuple[str, ...]  # Markdown: how training's own steps differ (batch, optimiser)


def _slope_text(n: NeuronGradient) -> str:
    return f"{ACTIVATION_LABELS[n.activation]}′({num(n.preactivation)}) = {num(n.slope)}"


def _d_output_text(n: NeuronGradient, top: bool, head: str) -> str:
    if top:
        return f"{head} = {num(n.d_output)}"
    terms = [f"({times(a.weight, a.delta)})" for a in n.from_above]
    if len(terms) > 4:
        return f"Σ of {len(terms)} (weight × δ) = {num(n.d_output)}"
    return " + ".join(terms) + f" = {num(n.d_output)}"


def _update_text(p: ParamStep, lr: float) -> str:
    if p.frozen:
        return "cut by L1 earlier: stays 0"
    return f"{num(p.old)} − {times(lr, p.gradient)} = {num(p.stepped)}"


def _regularization_text(p: ParamStep, reg: str, lr: float, rate: float) -> str:
    if p.frozen:
        return "—"
    if p.is_bias:
        return "(biases are not regularized)"
    derivative = ("sign(" + num(p.old) + ")") if reg == "L1" else num(p.old)
    text = f"{num(p.stepped)} − {num(lr)} × {num(rate)} × {derivative} = "
    if p.dies:
        return text + f"{num(p.stepped - p.regularization)}: crosses 0, so set to 0 and cut"
    return text + num(p.new)


def _layer_title(layer: int, top: int) -> str:
    return "Output layer" if layer == top else f"Hidden layer {layer}"


def step_view(step: GradientStep, point_text: str, top: int, chosen: tuple[int, int] | None = None,
              batch_size: int = 1, optimizer: str = "sgd", outputs: Sequence[str] | None = None) -> StepView:
    """The gradient step written out. `point_text` is Markdown naming the point; `top` is the output's node
    layer; the `chosen` neuron is shown in bold and its layer open; `outputs` names the output nodes."""
    lr, reg, rate = step.learning_rate, step.regularization, step.regularization_rate
    if step.loss_name == "softmax cross-entropy":
        k = int(step.target)
        target = outputs[k] if outputs and k < len(outputs) else f"output {k + 1}"
    else:
        target = num(step.target)
    intro = (f"Follow {point_text} through the network and back. The target is **{target}**; "
             f"the loss is **{step.loss_name}**. Each neuron's δ = ∂loss/∂z is how much the loss changes with its "
             f"sum z; the chain rule gets it layer by layer from the output back, and each weight's gradient is "
             f"its neuron's δ times the weight's input. Learning rate η = {num(lr)}.")
    loss = _loss_tex(step)
    head = "∂loss/∂o" if step.loss_name == "squared error" else "∂loss/∂z"
    layers = []
    for neurons in step.layers:
        layer = neurons[0].layer
        def mark(n: NeuronGradient) -> str:
            name = _named(n.name, n.layer, n.neuron, top, outputs)
            return f"**{name}**" if chosen == (n.layer, n.neuron) else name

        rows = [[mark(n), _d_output_text(n, layer == top, head), _slope_text(n), f"{times(n.d_output, n.slope)} = {num(n.delta)}"]
                for n in neurons]
        table = _table(["Neuron", "∂loss/∂a (its output)" if layer < top else "∂loss/∂(output)",
                        "× slope a′(z)", "= δ"], rows)
        params = []
        for n in neurons:
            for p in (*n.weights, n.bias):
                name = f"bias of {mark(n)}" if p.is_bias else f"{p.source} → {mark(n)}"
                grad = f"δ = {num(p.gradient)}" if p.is_bias else f"{times(n.delta, p.input)} = {num(p.gradient)}"
                cells = [name, grad, _update_text(p, lr)]
                if reg != "none":
                    cells.append(_regularization_text(p, reg, lr, rate))
                params.append(cells)
        header = ["Parameter", "Gradient = δ × input", "New value = old − η × gradient"]
        if reg != "none":
            header.append(f"Then {reg}: − η × rate × {'sign(old)' if reg == 'L1' else 'old'}")
        expanded = layer == top or (chosen is not None and chosen[0] == layer)
        layers.append(LayerView(f"{_layer_title(layer, top)}: δ of {len(neurons)} neuron{'s' * (len(neurons) != 1)}, "
                                f"{sum(len(n.weights) + 1 for n in neurons)} gradients",
                                table, _table(header, params), expanded))
    change = "falls" if step.loss_after < step.loss else "rises"
    outcome = (f"After this step the loss on this point {change} from **{num(step.loss)}** to "
               f"**{num(step.loss_after)}**.")
    notes = []
    if batch_size > 1:
        notes.append(f"Training averages these gradients over a batch of {batch_size} points before it steps; "
                     "this is the step for this one point alone (batch size 1).")
    if optimizer != "sgd":
        notes.append("Your optimiser scales its steps in its own way; this is the plain gradient step (SGD).")
    return StepView(intro, loss, tuple(layers), outcome, tuple(notes))


def _loss_tex(step: GradientStep) -> tuple[str, ...]:
    t = step.target
    d = r"\frac{\partial\,\mathrm{loss}}{\partial %s}"
    if step.loss_name == "squared error":
        o = step.outputs[0]
        return (
            rf"o = {tex(o)},\quad t = {tex(t)}",
            rf"\mathrm{{loss}} = \tfrac{{1}}{{2}}(o - t)^2 = \tfrac{{1}}{{2}}({tex(o)} - {tex_factor(t)})^2 = {tex(step.loss)}",
            (d % "o") + rf" = o - t = {tex(o)} - {tex_factor(t)} = {tex(step.output_error[0])}",
        )
    if step.loss_name == "cross-entropy":
        z, p = step.outputs[0], step.probabilities[0]
        picked = r"-\ln p" if t >= 0.5 else r"-\ln(1 - p)"
        return (
            rf"z = {tex(z)},\quad p = \sigma(z) = {tex(p)},\quad t = {tex(t)}",
            rf"\mathrm{{loss}} = {picked} = {tex(step.loss)}",
            (d % "z") + rf" = p - t = {tex(p)} - {tex(t)} = {tex(step.output_error[0])}",
        )
    k = int(t)
    probs = ",\\ ".join(tex(p) for p in step.probabilities)
    errors = ",\\ ".join(tex(e) for e in step.output_error)
    return (
        rf"p = \mathrm{{softmax}}(z) = ({probs})",
        rf"\mathrm{{loss}} = -\ln p_{{{k + 1}}} = {tex(step.loss)}",
        (d % "z_k") + rf" = p_k - [k = {k + 1}] = ({errors})",
    )
