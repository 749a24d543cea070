"""Looking inside a trained digit network: what each layer computes for one digit, what the first
layer's units look for, which test digits excite a unit most, and where the network goes wrong."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.digits.models import DigitNet, normalise
from playground.torch_runtime import torch

nn = torch.nn


@dataclass
class LayerActivation:
    """One stage's output for one digit: feature maps (c, h, w) or a vector (n,)."""

    name: str
    values: np.ndarray

    @property
    def is_map(self) -> bool:
        return self.values.ndim == 3


@torch.no_grad()
def activations(model: DigitNet, image_uint8: np.ndarray) -> tuple[list[LayerActivation], np.ndarray]:
    """Every stage's output for one 28×28 digit (the flatten stage left out), and the probabilities."""
    model.eval()
    x = normalise(torch.from_numpy(np.ascontiguousarray(image_uint8, dtype=np.uint8)).reshape(1, 28, 28))
    logits, outputs = model(x, taps=True)
    layers = [LayerActivation(name, out[0].numpy()) for name, out in zip(model.names, outputs, strict=True)
              if name != "flatten"]
    return layers, torch.softmax(logits, dim=1)[0].numpy()


def first_layer(model: DigitNet) -> nn.Module:
    stage = model.stages[1] if model.names[0] == "flatten" else model.stages[0]
    return stage[0] if isinstance(stage, nn.Sequential) else stage


def first_layer_weights(model: DigitNet) -> np.ndarray:
    """The first layer's weights as pictures: (units, 28, 28) for a dense layer (each unit's template
    over the pixels), (filters, k, k) for a convolution."""
    layer = first_layer(model)
    w = layer.weight.detach().numpy()
    if isinstance(layer, nn.Linear):
        return w.reshape(-1, 28, 28)
    return w[:, 0]


@torch.no_grad()
def unit_responses(model: DigitNet, images_uint8: torch.Tensor, stage: str, batch: int = 1000) -> np.ndarray:
    """(n_images, units): how strongly each unit of a stage responds to each image (the maximum over
    positions for a convolution's feature map)."""
    model.eval()
    index = model.names.index(stage)
    rows = []
    for i in range(0, len(images_uint8), batch):
        _, outputs = model(normalise(images_uint8[i : i + batch]), taps=True)
        out = outputs[index]
        rows.append(out.amax(dim=(2, 3)) if out.ndim == 4 else out)
    return torch.cat(rows).numpy()


def top_images(responses: np.ndarray, unit: int, k: int = 9) -> np.ndarray:
    """Indices of the k images that excite `unit` most (DeepVis's 'top images'), strongest first."""
    column = responses[:, unit]
    k = min(k, len(column))
    best = np.argpartition(-column, k - 1)[:k]
    return best[np.argsort(-column[best])]


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """(true, predicted) counts."""
    return np.bincount(labels * classes + predicted, minlength=classes * classes).reshape(classes, classes)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    totals = confusion.sum(axis=1)
    return np.divide(np.diag(confusion), totals, out=np.zeros(len(totals)), where=totals > 0)


def confident_mistakes(probabilities: np.ndarray, labels: np.ndarray, k: int = 12) -> np.ndarray:
    """Indices of the wrong predictions the network was surest of, surest first."""
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence)][:k]


def top_classes(probabilities: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(classes, probabilities) of the k most likely classes of each row, most likely first."""
    order = np.argsort(-probabilities, axis=1)[:, :k]
    return order, np.take_along_axis(probabilities, order, axis=1)


def accuracy(labels: np.ndarray, predicted: np.ndarray) -> float:
    """The share of predictions that are the label (0 for no predictions)."""
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    return float((predicted == labels).mean()) if len(labels) else 0.0


def mistakes(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Indices of the wrong predictions, in order."""
    return np.flatnonzero(np.asarray(predicted) != np.asarray(labels))


def next_mistake(wrong: np.ndarray, current: int) -> int | None:
    """The first wrong prediction after `current` (from `mistakes`), round to the first; None if none."""
    if not len(wrong):
        return None
    later = wrong[wrong > current]
    return int(later[0] if len(later) else wrong[0])


def cell_examples(labels: np.ndarray, predicted: np.ndarray, true: int, guess: int) -> np.ndarray:
    """Indices of the images of one confusion-matrix cell: labelled `true`, predicted `guess`."""
    return np.flatnonzero((np.asarray(labels) == true) & (np.asarray(predicted) == guess))


def unit_stages(model: DigitNet) -> list[str]:
    """The stages whose units a learner can look at (every stage but the flatten one)."""
    return [name for name in model.names if name != "flatten"]


def sample_indices(n: int, k: int, seed: int) -> np.ndarray:
    """`k` different indices of `n` items (all of them if fewer), drawn from a generator of `seed`."""
    return np.random.default_rng(seed).choice(n, size=min(k, n), replace=False)


UNSURE = 0.6  # a reading below this probability is 'not very sure'


@dataclass(frozen=True)
class Reading:
    """What the network makes of one digit: every layer's output, the class probabilities and the best
    class. Before there is a digit: no layers, all probabilities 0 and no best class."""

    layers: list[LayerActivation]
    probabilities: np.ndarray
    best: int | None

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.best]) if self.best is not None else 0.0

    @property
    def unsure(self) -> bool:
        return self.best is not None and self.confidence < UNSURE


def read(model: DigitNet, digit: np.ndarray | None, classes: int) -> Reading:
    """The network's reading of a 28×28 digit (or of none yet: an empty reading of `classes` classes)."""
    if digit is None:
        return Reading([], np.zeros(classes), None)
    layers, p = activations(model, digit)
    return Reading(layers, p, int(p.argmax()))
