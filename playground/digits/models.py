"""The digit lessons' networks: a multilayer perceptron and a small convolutional network, built from a
learner's choices, with every layer named so that the lessons can show what each one computes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from playground.torch_runtime import torch

nn = torch.nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU,
               "leakyrelu": nn.LeakyReLU, "silu": nn.SiLU}
# The usual MNIST normalisation (mean and standard deviation of the training pixels, scaled to 0..1).
PIXEL_MEAN, PIXEL_STD = 0.1307, 0.3081
# What a learner picks from: the kinds of network, a convolution's kernel sizes, pooling, filter counts.
KINDS = ("mlp", "cnn")
KERNEL_SIZES = (3, 5, 7)
POOLS = ("max", "avg", "none")
FILTER_COUNTS = (4, 8, 16, 32, 64)


@dataclass(frozen=True)
class ModelSpec:
    """What a learner chose: the kind of network and its shape."""

    kind: str = "mlp"  # "mlp" or "cnn"
    hidden: tuple[int, ...] = (256,)  # MLP: neurons per hidden layer
    filters: tuple[int, ...] = (8, 16)  # CNN: filters per convolution layer (each followed by pooling)
    kernel: int = 5  # CNN: kernel size (odd; padded to keep the image size)
    pool: str = "max"  # CNN: "max", "avg" or "none"
    activation: str = "relu"
    classes: int = 10
    extra: dict = field(default_factory=dict, compare=False)

    def describe(self) -> str:
        if self.kind == "mlp":
            return "MLP 784 → " + " → ".join(str(h) for h in self.hidden) + f" → {self.classes}"
        return (f"CNN {'/'.join(str(f) for f in self.filters)} filters {self.kernel}×{self.kernel}"
                f"{', ' + self.pool + ' pool' if self.pool != 'none' else ''}")


# The app's own bounds on a learner's network (a class's limits may lower them).
MAX_MLP_LAYERS, MAX_MLP_WIDTH = 4, 1024
MAX_CONV_LAYERS, MAX_FILTERS = 3, 64


@dataclass(frozen=True)
class SizeLimits:
    """How big a learner's digit network may be: the app's bounds, lowered by a class's `max_hidden_layers`
    (dense or convolution layers) and `max_neurons` (neurons per dense layer, filters per convolution).
    A digit network keeps at least one hidden layer: a class limit of 0 (a Playground without hidden
    layers) leaves the digit lessons one."""

    max_layers: int | None = None
    max_width: int | None = None

    @classmethod
    def of_class(cls, limits: object) -> SizeLimits:
        """From a classroom.ClassLimits."""
        return cls(getattr(limits, "max_hidden_layers", None), getattr(limits, "max_neurons", None))

    def _bound(self, own: int, cls: int | None) -> int:
        return max(1, min(own, cls)) if cls is not None else own

    @property
    def mlp_layers(self) -> int:
        return self._bound(MAX_MLP_LAYERS, self.max_layers)

    @property
    def mlp_width(self) -> int:
        return self._bound(MAX_MLP_WIDTH, self.max_width)

    @property
    def conv_layers(self) -> int:
        return self._bound(MAX_CONV_LAYERS, self.max_layers)

    @property
    def filters(self) -> int:
        return self._bound(MAX_FILTERS, self.max_width)

    def cap(self, spec: ModelSpec) -> ModelSpec:
        """`spec` within these limits: layers beyond the limit dropped, each layer at most the width."""
        if spec.kind == "mlp":
            hidden = tuple(max(1, min(h, self.mlp_width)) for h in spec.hidden[: self.mlp_layers]) or (self.mlp_width,)
            return replace(spec, hidden=hidden) if hidden != spec.hidden else spec
        filters = tuple(max(1, min(f, self.filters)) for f in spec.filters[: self.conv_layers]) or (self.filters,)
        return replace(spec, filters=filters) if filters != spec.filters else spec


class DigitNet(nn.Module):
    """A sequence of named stages; forward(x, taps=True) also returns every stage's output."""

    def __init__(self, stages: list[tuple[str, nn.Module]]) -> None:
        super().__init__()
        self.names = [name for name, _ in stages]
        self.stages = nn.ModuleList(module for _, module in stages)

    def forward(self, x: torch.Tensor, taps: bool = False):
        outputs = []
        for stage in self.stages:
            x = stage(x)
            if taps:
                outputs.append(x)
        return (x, outputs) if taps else x


def build_model(spec: ModelSpec, generator: torch.Generator | None = None) -> DigitNet:
    """The network for a spec; input is (n, 1, 28, 28) normalised pixels, output class scores.

    Its initial weights are drawn from `generator` (default: one seeded with 0), never from PyTorch's
    process-wide generator: every learner of a server shares that one, so one learner's training would
    change another's results. The layers are made without memory first ("meta"), then filled."""
    act = ACTIVATIONS[spec.activation]
    meta = {"device": "meta"}
    stages: list[tuple[str, nn.Module]] = []
    if spec.kind == "mlp":
        width = 28 * 28
        stages.append(("flatten", nn.Flatten()))
        for i, h in enumerate(spec.hidden, start=1):
            stages.append((f"dense{i}", nn.Sequential(nn.Linear(width, h, **meta), act())))
            width = h
        stages.append(("logits", nn.Linear(width, spec.classes, **meta)))
    elif spec.kind == "cnn":
        channels, side = 1, 28
        for i, f in enumerate(spec.filters, start=1):
            layers: list[nn.Module] = [nn.Conv2d(channels, f, spec.kernel, padding=spec.kernel // 2, **meta), act()]
            if spec.pool != "none" and side >= 2:
                layers.append(nn.MaxPool2d(2) if spec.pool == "max" else nn.AvgPool2d(2))
                side //= 2
            stages.append((f"conv{i}", nn.Sequential(*layers)))
            channels = f
        stages.append(("flatten", nn.Flatten()))
        stages.append(("logits", nn.Linear(channels * side * side, spec.classes, **meta)))
    else:
        raise ValueError(f"unknown model kind {spec.kind!r}")
    model = DigitNet(stages).to_empty(device="cpu")
    initialise(model, generator if generator is not None else torch.Generator().manual_seed(0))
    return model


@torch.no_grad()
def initialise(model: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's default initialisation of every linear and convolution layer, in the order they were
    built, drawn from `generator`: weights Kaiming-uniform with a = √5 (uniform in ±1/√fan_in), biases
    uniform in ±1/√fan_in (as nn.Linear's and nn.Conv2d's reset_parameters, for the same numbers)."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
            if module.bias is not None:
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(module.weight)  # noqa: SLF001 - PyTorch's own
                bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
                nn.init.uniform_(module.bias, -bound, bound, generator=generator)


def normalise(images_uint8: torch.Tensor) -> torch.Tensor:
    """(n, 28, 28) uint8 pixels -> (n, 1, 28, 28) float32 inputs, as the networks are trained on."""
    x = images_uint8.to(torch.float32).unsqueeze(1) / 255.0
    return (x - PIXEL_MEAN) / PIXEL_STD


@dataclass(frozen=True)
class LayerParams:
    """One row of the parameter table, as ConvNetJS shows it (e.g. 8x5x5x1+8 = 208)."""

    name: str
    kind: str
    output_shape: str
    formula: str
    count: int


def parameter_table(model: DigitNet) -> list[LayerParams]:
    """Per-layer parameter counts with the formula that gives them, and the output shape of each stage."""
    rows = []
    x = torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        _, outputs = model(x, taps=True)
    for name, stage, out in zip(model.names, model.stages, outputs, strict=True):
        shape = "×".join(str(d) for d in out.shape[1:])
        layer = stage[0] if isinstance(stage, nn.Sequential) else stage
        if isinstance(layer, nn.Conv2d):
            o, i, kh, kw = layer.weight.shape
            rows.append(LayerParams(name, "convolution", shape, f"{o}×{kh}×{kw}×{i} + {o}", layer.weight.numel() + o))
        elif isinstance(layer, nn.Linear):
            o, i = layer.weight.shape
            rows.append(LayerParams(name, "dense", shape, f"{o}×{i} + {o}", layer.weight.numel() + o))
        else:
            rows.append(LayerParams(name, "reshape", shape, "—", 0))
    return rows


def parameter_frame(table: list[LayerParams]) -> pd.DataFrame:
    """The parameter table as the training page shows it: layer, kind, output, parameters (the formula),
    count."""
    return pd.DataFrame([{"layer": r.name, "kind": r.kind, "output": r.output_shape, "parameters": r.formula,
                          "count": r.count} for r in table])


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
