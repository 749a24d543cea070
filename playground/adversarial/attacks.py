"""Adversarial examples against the digit networks: FGSM, PGD (iterative) and targeted attacks, one digit
at a time or a whole test set at once (the accuracy-vs-ε curve, a gallery of digits that fooled the model).

Everything works in PIXEL space, values in [0, 1]: ε is a change of pixel brightness (ε = 0.1 is a tenth of
the range), the adversarial image is a real image, and the attack stays inside the valid pixels. The
networks are trained on normalised inputs, so `logits_from_pixels` applies (x − mean) / std inside the
graph and the gradients come out with respect to the pixels themselves.

Image batches ("pixel tensors"): every function here takes either
  * uint8 pixels 0..255, shape (n, 28, 28) or (28, 28) — a dataset's or a drawing's images, divided by 255;
  * float pixels already in [0, 1], shape (n, 1, 28, 28), (n, 28, 28) or (28, 28);
as a torch tensor or a NumPy array, and returns float32 (n, 1, 28, 28) pixels in [0, 1].

References: Goodfellow, Shlens & Szegedy 2015, "Explaining and harnessing adversarial examples" (FGSM);
Madry et al. 2018 (PGD, its step size 2.5·ε/steps); PyTorch's FGSM tutorial (the reference curve).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from playground.digits.models import PIXEL_MEAN, PIXEL_STD
from playground.torch_runtime import torch

nn = torch.nn
F = torch.nn.functional

ATTACKS = ("fgsm", "pgd")
DEFAULT_EPSILONS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
# PyTorch's "Adversarial Example Generation" tutorial: FGSM accuracy on the 10,000 MNIST test images.
TUTORIAL_CURVE: tuple[tuple[float, float], ...] = (
    (0.0, 0.981), (0.05, 0.943), (0.1, 0.851), (0.15, 0.683), (0.2, 0.430), (0.25, 0.208), (0.3, 0.087),
)
TUTORIAL_NOTE = ("PyTorch's FGSM tutorial, for its LeNet (two convolutions, dropout, trained on the full MNIST): "
                 "a comparable model, not this one.")

Labels = torch.Tensor | np.ndarray | list[int]
Target = int | torch.Tensor | np.ndarray | None


def as_pixels(images: torch.Tensor | np.ndarray) -> torch.Tensor:
    """float32 (n, 1, 28, 28) pixels in [0, 1] from uint8 0..255 or float 0..1 images (see the docstring)."""
    x = torch.from_numpy(np.ascontiguousarray(images)) if isinstance(images, np.ndarray) else images
    if x.dtype == torch.uint8:
        x = x.to(torch.float32) / 255.0
    else:
        x = x.to(torch.float32)
        if x.numel() and (x.min() < 0.0 or x.max() > 1.0):
            raise ValueError("float pixels must be in [0, 1] (give uint8 images for 0..255)")
    if x.ndim == 2:
        x = x.unsqueeze(0)
    if x.ndim == 3:
        x = x.unsqueeze(1)
    if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
        raise ValueError(f"expected (n, 28, 28) or (n, 1, 28, 28) images, got shape {tuple(x.shape)}")
    return x


def _labels(labels: Labels, n: int) -> torch.Tensor:
    y = torch.as_tensor(np.asarray(labels) if not isinstance(labels, torch.Tensor) else labels)
    return y.to(torch.int64).reshape(-1).expand(n) if y.numel() == 1 else y.to(torch.int64).reshape(n)


def _uses_convolutions(model: nn.Module) -> bool:
    return any(isinstance(m, nn.Conv2d) for m in model.modules())


def logits_from_pixels(model: nn.Module, x01: torch.Tensor) -> torch.Tensor:
    """The model's class scores for float (n, 1, 28, 28) pixels in [0, 1], differentiable in the pixels.

    The same arithmetic as the trainer's normalise(), so at ε = 0 the scores are the clean ones exactly;
    CNNs get channels-last inputs, as DigitTrainer trains them.
    """
    z = (x01 - PIXEL_MEAN) / PIXEL_STD
    if _uses_convolutions(model):
        z = z.contiguous(memory_format=torch.channels_last)
    return model(z)


@contextlib.contextmanager
def _evaluating(model: nn.Module) -> Iterator[None]:
    """Eval mode for the attack, the caller's mode restored after (a trainer may be mid-epoch)."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def _logits_and_gradient(model: nn.Module, x01: torch.Tensor, classes: torch.Tensor):
    """Scores at x01 and d(summed cross-entropy of `classes`)/d pixels. Summed, so each image's gradient is
    its own (the batch size does not scale it); autograd.grad leaves the parameters' .grad untouched."""
    with torch.enable_grad():
        x = x01.detach().requires_grad_(True)
        logits = logits_from_pixels(model, x)
        (grad,) = torch.autograd.grad(F.cross_entropy(logits, classes, reduction="sum"), x)
    return logits.detach(), grad


def _aim(labels: Labels, target: Target, n: int) -> tuple[torch.Tensor, float]:
    """The classes whose loss the attack follows and which way: up the true label's loss (untargeted),
    or down the target class's loss (targeted)."""
    return (_labels(labels, n), 1.0) if target is None else (_labels(target, n), -1.0)


def _fooled_by(predicted: torch.Tensor, classes: torch.Tensor, targeted: bool) -> torch.Tensor:
    """Whether each prediction is what the attacker wanted: the target, or anything but the label."""
    return predicted == classes if targeted else predicted != classes


def fgsm(model: nn.Module, images, labels: Labels, eps: float, target: Target = None) -> torch.Tensor:
    """Fast gradient sign method: x + ε·sign(∇ₓ loss), clipped to [0, 1] (so ‖x_adv − x‖∞ ≤ ε).

    Untargeted, it climbs the loss of the true label; with `target` (a class, or one per image) it descends
    the loss of the target class instead: "make this 7 read as a 3".
    """
    x = as_pixels(images)
    classes, way = _aim(labels, target, len(x))
    with _evaluating(model):
        _, grad = _logits_and_gradient(model, x, classes)
    return (x + (way * eps) * grad.sign()).clamp(0.0, 1.0)


def project(x_adv: torch.Tensor, x01: torch.Tensor, eps: float) -> torch.Tensor:
    """The nearest point of the ε-ball around x01 (L∞) that is a valid image: a clip per pixel."""
    return torch.minimum(torch.maximum(x_adv, x01 - eps), x01 + eps).clamp(0.0, 1.0)


def pgd(model: nn.Module, images, labels: Labels, eps: float, steps: int = 10, step_size: float | None = None,
        target: Target = None, random_start: bool = False, seed: int = 0, stop_when_fooled: bool = False,
        on_step: Callable[[int, torch.Tensor], None] | None = None) -> torch.Tensor:
    """Projected gradient descent: `steps` sign steps of `step_size` (default 2.5·ε/steps, Madry et al.),
    each followed by projection onto the ε-ball ∩ [0, 1]; returns the last iterate.

    random_start begins at a uniformly random point of the ball (seeded). stop_when_fooled leaves an image
    alone once an iterate fools the model (an attacker who can see the answer stops there), which makes
    the attack cheaper and never weaker. on_step(k, x_k) gets a copy of every iterate (k = 0 the start),
    so a page can animate the path, or a test check that it never leaves the ball.
    """
    x = as_pixels(images)
    classes, way = _aim(labels, target, len(x))
    step_size = 2.5 * eps / steps if step_size is None else step_size
    x_adv = x.clone()
    if random_start and eps > 0:
        generator = torch.Generator().manual_seed(seed)
        x_adv = project(x + eps * (2 * torch.rand(x.shape, generator=generator) - 1), x, eps)
    if on_step is not None:
        on_step(0, x_adv.clone())
    active = torch.arange(len(x))  # the images still being attacked
    with _evaluating(model):
        for k in range(1, steps + 1):
            logits, grad = _logits_and_gradient(model, x_adv[active], classes[active])
            if stop_when_fooled:
                still = ~_fooled_by(logits.argmax(1), classes[active], target is not None)
                active, grad = active[still], grad[still]
            moved = x_adv[active] + (way * step_size) * grad.sign()
            x_adv[active] = project(moved, x[active], eps)
            if on_step is not None:
                on_step(k, x_adv.clone())
    return x_adv


def run_attack(model: nn.Module, images, labels: Labels, eps: float, attack: str = "fgsm", target: Target = None,
               steps: int = 10, step_size: float | None = None, random_start: bool = False, seed: int = 0,
               stop_when_fooled: bool = False) -> torch.Tensor:
    """fgsm() or pgd() by name."""
    if attack == "fgsm":
        return fgsm(model, images, labels, eps, target)
    if attack == "pgd":
        return pgd(model, images, labels, eps, steps, step_size, target, random_start, seed, stop_when_fooled)
    raise ValueError(f"unknown attack {attack!r}; known: {', '.join(ATTACKS)}")


@torch.no_grad()
def _logits(model: nn.Module, x01: torch.Tensor, batch: int) -> torch.Tensor:
    with _evaluating(model):
        return torch.cat([logits_from_pixels(model, x01[i : i + batch]) for i in range(0, len(x01), batch)])


def probabilities(model: nn.Module, images, batch: int = 500) -> torch.Tensor:
    """(n, classes) class probabilities of pixel images."""
    return torch.softmax(_logits(model, as_pixels(images), batch), 1)


def predictions(model: nn.Module, images, batch: int = 500) -> torch.Tensor:
    """(n,) the class each image is read as (argmax of the scores, as the accuracy counts it)."""
    return _logits(model, as_pixels(images), batch).argmax(1)


def accuracy(model: nn.Module, images, labels: Labels, batch: int = 500) -> float:
    """Fraction of images classified as their label (the clean accuracy, for clean images)."""
    predicted = predictions(model, images, batch)
    return float((predicted == _labels(labels, len(predicted))).sum()) / max(1, len(predicted))


def success_rate(model: nn.Module, adversarial, labels: Labels, target: Target = None) -> float:
    """Fraction of adversarial images read wrongly (untargeted) or read as the target (targeted)."""
    predicted = predictions(model, adversarial)
    classes, _ = _aim(labels, target, len(predicted))
    return float(_fooled_by(predicted, classes, target is not None).float().mean())


@dataclass
class AttackResult:
    """One attacked digit: images (28, 28) in [0, 1], probabilities before and after, whether it worked."""

    original: np.ndarray
    adversarial: np.ndarray
    perturbation: np.ndarray  # adversarial − original, in [−ε, ε]
    scale: float  # max |perturbation|: draw perturbation / scale to magnify it to the full range
    original_probabilities: np.ndarray  # (classes,)
    adversarial_probabilities: np.ndarray
    label: int
    target: int | None
    eps: float

    @property
    def original_prediction(self) -> int:
        return int(self.original_probabilities.argmax())

    @property
    def adversarial_prediction(self) -> int:
        return int(self.adversarial_probabilities.argmax())

    @property
    def success(self) -> bool:
        """Targeted: read as the target. Untargeted: read as anything but the label."""
        if self.target is not None:
            return self.adversarial_prediction == self.target
        return self.adversarial_prediction != self.label


def attack_one(model: nn.Module, image, label: int, eps: float, attack: str = "fgsm", target: int | None = None,
               steps: int = 10, step_size: float | None = None, random_start: bool = False,
               seed: int = 0) -> AttackResult:
    """Attack one digit (uint8 or [0, 1] pixels, (28, 28) or (1, 28, 28)) and read it before and after."""
    x = as_pixels(image)[:1]
    adv = run_attack(model, x, [label], eps, attack, target, steps, step_size, random_start, seed)
    probs = probabilities(model, torch.cat([x, adv])).numpy()
    delta = (adv - x)[0, 0].numpy()
    return AttackResult(x[0, 0].numpy(), adv[0, 0].numpy(), delta, float(np.abs(delta).max()), probs[0], probs[1],
                        int(label), None if target is None else int(target), float(eps))


def accuracy_vs_eps(model: nn.Module, images, labels: Labels, epsilons=DEFAULT_EPSILONS, attack: str = "fgsm",
                    steps: int = 10, step_size: float | None = None, batch: int = 500,
                    progress: Callable[[float], object] | None = None) -> list[tuple[float, float]]:
    """[(ε, accuracy on the attacked images)] for each ε, untargeted; ε = 0 is the clean accuracy, exactly.

    FGSM's direction sign(∇ₓ loss) does not depend on ε, so a batch costs one forward/backward pass for all
    the ε together, then one forward pass per ε > 0. PGD stops on each image once it is fooled (see pgd).
    `progress(share)` is told the share done (0 to 1) after each batch and ε.
    """
    if attack not in ATTACKS:
        raise ValueError(f"unknown attack {attack!r}; known: {', '.join(ATTACKS)}")
    x_all = as_pixels(images)
    y_all = _labels(labels, len(x_all))
    correct = np.zeros(len(epsilons))
    n_batches = max(1, -(-len(x_all) // batch))
    with _evaluating(model):
        for i in range(0, len(x_all), batch):
            x, y = x_all[i : i + batch], y_all[i : i + batch]
            direction = _logits_and_gradient(model, x, y)[1].sign() if attack == "fgsm" else None
            for j, eps in enumerate(epsilons):
                if eps == 0:
                    adv = x
                elif direction is not None:
                    adv = (x + eps * direction).clamp(0.0, 1.0)
                else:
                    adv = pgd(model, x, y, eps, steps, step_size, stop_when_fooled=True)
                with torch.no_grad():
                    correct[j] += float((logits_from_pixels(model, adv).argmax(1) == y).sum())
                if progress is not None:
                    progress((i / batch * len(epsilons) + j + 1) / (n_batches * len(epsilons)))
    return [(float(eps), float(correct[j] / max(1, len(x_all)))) for j, eps in enumerate(epsilons)]


@dataclass(frozen=True)
class FooledExample:
    """A test digit the model read correctly, and misread after the attack."""

    index: int  # position in the images given
    label: int
    prediction: int  # what the adversarial image was read as
    confidence: float  # the model's probability for that wrong class
    adversarial: np.ndarray  # (28, 28) pixels in [0, 1]


def adversarial_gallery(model: nn.Module, images, labels: Labels, eps: float, attack: str = "fgsm", k: int = 12,
                        steps: int = 10, batch: int = 500) -> list[FooledExample]:
    """Up to k digits that fooled the model at ε (only originally correct ones), most confident first."""
    x_all = as_pixels(images)
    y_all = _labels(labels, len(x_all))
    clean = predictions(model, x_all)
    adv = torch.cat([run_attack(model, x_all[i : i + batch], y_all[i : i + batch], eps, attack, steps=steps)
                     for i in range(0, len(x_all), batch)])
    p = probabilities(model, adv)
    confidence, predicted = p.max(1)
    fooled = torch.nonzero((clean == y_all) & (predicted != y_all)).flatten()
    # stable sort, so equal confidences keep the images' order (deterministic galleries)
    order = fooled[torch.sort(-confidence[fooled], stable=True).indices][:k]
    return [FooledExample(int(i), int(y_all[i]), int(predicted[i]), float(confidence[i]), adv[i, 0].numpy())
            for i in order]
