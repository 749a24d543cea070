"""Attribution methods on a learner's network: which pixels made it give a class its score.

Captum computes every method it has (saliency, gradient × input, Integrated Gradients, DeepLift, occlusion,
Grad-CAM, guided backprop, LIME); written here are only SmoothGrad (seeded per call: Captum's NoiseTunnel
draws its noise from PyTorch's process-wide generator), the baselines, LIME's interpretable model (a weighted
ridge regression that records its weighted R²) and the bookkeeping.

Every method works on a copy of the network in evaluation mode with its parameters frozen, so the learner's
network is never changed: no hooks left on it, its parameters' `requires_grad` and its training mode as they
were, even while another thread trains it. Inputs are normalised digits (n, 1, 28, 28); the gradient methods
(SALIENCY, GRAD_X_INPUT, SMOOTHGRAD, IG, DEEPLIFT, GUIDED) also take any (n, d) input. Maps are in the input's
pixel space: (28, 28) for a digit (summed over its one channel), (d,) for a vector.
"""

from __future__ import annotations

import copy
import math
import re
import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from captum._utils.models.linear_model.model import LinearModel
from captum.attr import (
    DeepLift,
    GuidedBackprop,
    InputXGradient,
    IntegratedGradients,
    LayerAttribution,
    LayerGradCam,
    Lime,
    Occlusion,
    Saliency,
)

from playground.digits.models import ACTIVATIONS, PIXEL_MEAN, PIXEL_STD
from playground.explanations.segments import SEGMENT_KINDS, segments
from playground.torch_runtime import torch

nn = torch.nn

# Captum's DeepLift and guided backprop warn on every call that they set hooks (on our copy of the network,
# removed after): nothing for a learner or a log to act on.
warnings.filterwarnings("ignore", message="Setting forward, backward hooks and attributes", category=UserWarning)
warnings.filterwarnings("ignore", message="Setting backward hooks on ReLU activations", category=UserWarning)


class Method(StrEnum):
    """The attribution methods, in the page's order."""

    SALIENCY = "Saliency"
    GRAD_X_INPUT = "Gradient × input"
    SMOOTHGRAD = "SmoothGrad"
    IG = "Integrated Gradients"
    DEEPLIFT = "DeepLift"
    OCCLUSION = "Occlusion"
    GRADCAM = "Grad-CAM"
    GUIDED = "Guided backprop"
    LIME = "LIME"


# The benchmark's "all gradient methods".
GRADIENT_METHODS = (Method.SALIENCY, Method.GRAD_X_INPUT, Method.SMOOTHGRAD, Method.IG, Method.DEEPLIFT,
                    Method.GRADCAM)
# Methods that work on any (n, d) input, not only on a 28×28 digit.
VECTOR_METHODS = (Method.SALIENCY, Method.GRAD_X_INPUT, Method.SMOOTHGRAD, Method.IG, Method.DEEPLIFT,
                  Method.GUIDED)
# Methods whose maps have a sign worth showing (the others are shown as they come: Grad-CAM is ≥ 0).
SIGNED_METHODS = (Method.SALIENCY, Method.GRAD_X_INPUT, Method.SMOOTHGRAD, Method.IG, Method.DEEPLIFT,
                  Method.OCCLUSION, Method.GUIDED, Method.LIME)
BASELINES = ("black", "blur", "noise")
SIDE = 28
BLACK = (0.0 - PIXEL_MEAN) / PIXEL_STD  # a black pixel, normalised
BLUR_SIGMA = 3.0  # the blurred-digit baseline's Gaussian, in pixels
LIME_RIDGE = 1.0  # LIME's ridge penalty (the `lime` package's default Ridge(alpha=1))
OCCLUSION_BATCH = 64  # occluded digits per forward pass
ROWS_PER_PASS = 4096  # at most this many inputs in one forward/backward pass (SmoothGrad, IG)

# Bounds of every setting (values from a link are clamped to these).
BOUNDS = {
    "smooth_samples": (2, 100),
    "smooth_noise": (0.0, 1.0),
    "ig_steps": (2, 200),
    "occlusion_window": (2, 14),
    "occlusion_stride": (1, 14),  # and at most the window
    "lime_samples": (50, 2000),
    "seed": (0, 2**31 - 1),
}
_LAYER_NAME = re.compile(r"conv[1-9][0-9]?")


class NotApplicable(ValueError):
    """The method cannot explain this network or this input (Grad-CAM without a convolution layer, occlusion
    or LIME on an input that is not a digit)."""


def _clamp_int(value: object, default: int, lo: int, hi: int) -> int:
    try:
        v = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default
    return max(lo, min(hi, v))


def _clamp_float(value: object, default: float, lo: float, hi: float) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return default
    return default if math.isnan(v) else max(lo, min(hi, v))


@dataclass(frozen=True)
class Settings:
    """The methods' settings; `bounded()` keeps each within its bounds (values from a link)."""

    smooth_samples: int = 25  # 2..100
    smooth_noise: float = 0.15  # 0..1, σ as a share of the input's range
    ig_baseline: str = "black"  # "black" | "blur" | "noise" (also DeepLift's reference)
    ig_steps: int = 50  # 2..200
    occlusion_window: int = 4  # 2..14
    occlusion_stride: int = 2  # 1..window
    gradcam_layer: str | None = None  # a conv stage name ("conv1"...); None = the last one
    lime_segments: str = "superpixels"  # "superpixels" | "grid"
    lime_samples: int = 500  # 50..2000
    seed: int = 0

    def bounded(self) -> Settings:
        """These settings with every field within its bounds; a value of the wrong kind takes the default."""
        d = Settings()
        window = _clamp_int(self.occlusion_window, d.occlusion_window, *BOUNDS["occlusion_window"])
        layer = self.gradcam_layer if isinstance(self.gradcam_layer, str) and _LAYER_NAME.fullmatch(
            self.gradcam_layer) else None
        return Settings(
            smooth_samples=_clamp_int(self.smooth_samples, d.smooth_samples, *BOUNDS["smooth_samples"]),
            smooth_noise=_clamp_float(self.smooth_noise, d.smooth_noise, *BOUNDS["smooth_noise"]),
            ig_baseline=self.ig_baseline if self.ig_baseline in BASELINES else d.ig_baseline,
            ig_steps=_clamp_int(self.ig_steps, d.ig_steps, *BOUNDS["ig_steps"]),
            occlusion_window=window,
            occlusion_stride=_clamp_int(self.occlusion_stride, d.occlusion_stride, 1, window),
            gradcam_layer=layer,
            lime_segments=self.lime_segments if self.lime_segments in SEGMENT_KINDS else d.lime_segments,
            lime_samples=_clamp_int(self.lime_samples, d.lime_samples, *BOUNDS["lime_samples"]),
            seed=_clamp_int(self.seed, d.seed, *BOUNDS["seed"]),
        )


@dataclass
class Attribution:
    """One method's map for one input and class."""

    method: Method
    map: np.ndarray  # (28, 28) float for a digit, (d,) for a vector input
    completeness: tuple[float, float] | None = None  # IG, DeepLift: (sum of attributions, f(x) - f(baseline))
    r2: float | None = None  # LIME: the local linear model's weighted R² (None when there was nothing to fit)
    note: str = ""  # e.g. "Guided backprop only changes ReLU layers; this network uses tanh"
    layer: str | None = None  # Grad-CAM: the convolution stage explained


# ---------------------------------------------------------------------------------------------- the network


def _conv_stages(model: nn.Module) -> dict[str, nn.Module]:
    """Name -> module of each convolution stage: a DigitNet's named stages holding a Conv2d, else every
    Conv2d module of a network by its module name."""
    names, stages = getattr(model, "names", None), getattr(model, "stages", None)
    if isinstance(names, list) and isinstance(stages, nn.ModuleList):
        return {name: stage for name, stage in zip(names, stages, strict=False)
                if any(isinstance(m, nn.Conv2d) for m in stage.modules())}
    return {name: m for name, m in model.named_modules() if isinstance(m, nn.Conv2d)}


def conv_layers(model: nn.Module) -> list[str]:
    """The network's convolution stages, first to last (["conv1", "conv2"]; [] for an MLP)."""
    return list(_conv_stages(model))


def applies(model: nn.Module, method: Method) -> bool:
    """Whether the method can explain this network: Grad-CAM needs a convolution layer; the rest always can."""
    return bool(conv_layers(model)) if Method(method) is Method.GRADCAM else True


def _has(model: nn.Module, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(m, kinds) for m in model.modules())


def _activation_names(model: nn.Module) -> list[str]:
    kinds = {cls: name for name, cls in ACTIVATIONS.items()}
    seen = []
    for m in model.modules():
        name = kinds.get(type(m))
        if name and name not in seen:
            seen.append(name)
    return seen


class _Scores(nn.Module):
    """A frozen copy of a network in evaluation mode whose output is always (n, classes)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.net = copy.deepcopy(model)
        self.net.eval()
        self.net.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)
        return out.unsqueeze(1) if out.ndim == 1 else out


# ------------------------------------------------------------------------------------------------ inputs


def _is_digit(x: torch.Tensor) -> bool:
    return x.ndim == 4 and tuple(x.shape[1:]) == (1, SIDE, SIDE)


def _as_batch(x: torch.Tensor | np.ndarray) -> torch.Tensor:
    """(n, 1, 28, 28) or (n, d) float32, detached; a single (28, 28) or (1, 28, 28) digit gets its batch."""
    t = torch.as_tensor(x).detach().to(torch.float32)
    if t.ndim == 2 and tuple(t.shape) == (SIDE, SIDE):
        t = t.reshape(1, 1, SIDE, SIDE)
    elif t.ndim == 3 and tuple(t.shape) == (1, SIDE, SIDE):
        t = t.unsqueeze(0)
    if t.ndim < 2:
        raise ValueError(f"an input batch needs a batch dimension, got shape {tuple(t.shape)}")
    return t


def _ink(x: torch.Tensor) -> torch.Tensor:
    """Normalised digits -> ink in 0..1."""
    return x * PIXEL_STD + PIXEL_MEAN


def _gaussian_blur(ink: torch.Tensor, sigma: float) -> torch.Tensor:
    """(n, 1, h, w) ink blurred by a Gaussian, black paper beyond the edge."""
    radius = max(1, int(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=ink.dtype)
    k = torch.exp(-(t**2) / (2 * sigma**2))
    k = k / k.sum()
    out = torch.nn.functional.conv2d(ink, k.view(1, 1, 1, -1), padding=(0, radius))
    return torch.nn.functional.conv2d(out, k.view(1, 1, -1, 1), padding=(radius, 0))


def baseline(x: torch.Tensor, kind: str = "black", seed: int = 0) -> torch.Tensor:
    """The reference input IG and DeepLift start from, the shape of `x`. For digits: "black" (every pixel
    black, normalised), "blur" (the digit blurred by a Gaussian of BLUR_SIGMA pixels) or "noise" (uniform
    random pixels from a generator seeded with `seed`, the same pattern for every digit of a batch). For a
    vector input: zeros for "black" and "blur" (a vector has no neighbours to blur over), and for "noise"
    uniform values between each input's smallest and largest feature."""
    x = _as_batch(x)
    if _is_digit(x):
        if kind == "blur":
            return (_gaussian_blur(_ink(x), BLUR_SIGMA) - PIXEL_MEAN) / PIXEL_STD
        if kind == "noise":
            u = torch.rand((1, *x.shape[1:]), generator=torch.Generator().manual_seed(int(seed)))
            return ((u - PIXEL_MEAN) / PIXEL_STD).expand_as(x).clone()
        return torch.full_like(x, BLACK)
    if kind == "noise":
        u = torch.rand((1, *x.shape[1:]), generator=torch.Generator().manual_seed(int(seed)))
        flat = x.flatten(1)
        lo, hi = flat.amin(1), flat.amax(1)
        shape = (-1,) + (1,) * (x.ndim - 1)
        return lo.view(shape) + (hi - lo).view(shape) * u
    return torch.zeros_like(x)


def _targets(targets: object, n: int, classes: int) -> torch.Tensor:
    t = torch.as_tensor(targets, dtype=torch.long).reshape(-1)
    if t.numel() == 1 and n > 1:
        t = t.expand(n)
    if t.numel() != n:
        raise ValueError(f"{t.numel()} targets for {n} inputs")
    if bool(((t < 0) | (t >= classes)).any()):
        raise ValueError(f"a class to explain must be 0..{classes - 1}, got {t.tolist()}")
    return t.clone()


def _pixel_maps(attr: torch.Tensor) -> np.ndarray:
    """Attributions (n, 1, 28, 28) -> (n, 28, 28) summed over the channel; (n, d) kept."""
    a = attr.detach()
    if a.ndim == 4:
        a = a.sum(dim=1)
    return a.to(torch.float64).numpy()


# ------------------------------------------------------------------------------------------------ methods


def _picked(out: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return out.gather(1, targets.view(-1, 1)).squeeze(1)


def _smoothgrad(scores: _Scores, x: torch.Tensor, targets: torch.Tensor, settings: Settings) -> torch.Tensor:
    """The mean gradient at `samples` noisy copies x + σ·ε (ε standard normal, σ = noise × the input's range).
    ε comes from a generator seeded with settings.seed, the same draws for every input of the batch."""
    n, s = x.shape[0], settings.smooth_samples
    eps = torch.randn((s, *x.shape[1:]), generator=torch.Generator().manual_seed(settings.seed))
    flat = x.flatten(1)
    span = flat.amax(1) - flat.amin(1)
    span = torch.where(span > 0, span, torch.ones_like(span))
    sigma = (settings.smooth_noise * span).view((n, 1) + (1,) * (x.ndim - 1))
    noisy = (x.unsqueeze(1) + sigma * eps.unsqueeze(0)).reshape(n * s, *x.shape[1:])
    rows = targets.repeat_interleave(s)
    grads = torch.empty_like(noisy)
    step = max(s, ROWS_PER_PASS // s * s)
    with torch.enable_grad():
        for lo in range(0, n * s, step):
            part = noisy[lo : lo + step].clone().requires_grad_(True)
            score = _picked(scores(part), rows[lo : lo + step]).sum()
            grads[lo : lo + step] = torch.autograd.grad(score, part)[0]
    return grads.reshape(n, s, *x.shape[1:]).mean(1)


def _completeness(scores: _Scores, x: torch.Tensor, base: torch.Tensor, target: torch.Tensor,
                  attr: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        out = _picked(scores(torch.cat([x, base])), target.repeat(2)).to(torch.float64)
    return float(attr.detach().to(torch.float64).sum()), float(out[0] - out[1])


class _WeightedRidge(LinearModel):  # Captum's interface to LIME's interpretable model
    """LIME's interpretable model: a weighted ridge regression (intercept not penalised) solved exactly, which
    records its weighted R² (how well a straight line through the parts' on/off explains the scores)."""

    def __init__(self, alpha: float = LIME_RIDGE) -> None:
        super().__init__(train_fn=_fit_weighted_ridge)
        self.alpha = alpha
        self.r2: float | None = None


def weighted_ridge(parts: torch.Tensor, y: torch.Tensor, w: torch.Tensor, alpha: float = LIME_RIDGE
                   ) -> tuple[torch.Tensor, float, float | None]:
    """LIME's local linear model: the ridge regression of the scores `y` on the parts' on/off `parts` (n, k),
    each sample weighted by its similarity `w`, the intercept not penalised; solved exactly in float64.
    Returns (coefficients (k,), intercept, weighted R²); R² is None when every score is the same."""
    parts, y, w = (t.to(torch.float64) for t in (parts, y.reshape(-1), w.reshape(-1)))
    total = w.sum()
    parts_mean = (w[:, None] * parts).sum(0) / total
    y_mean = (w * y).sum() / total
    centred, yc = parts - parts_mean, y - y_mean
    gram = centred.T @ (w[:, None] * centred) + alpha * torch.eye(parts.shape[1], dtype=torch.float64)
    coef = torch.linalg.solve(gram, centred.T @ (w * yc))
    intercept = y_mean - parts_mean @ coef
    residual = y - (parts @ coef + intercept)
    ss_res, ss_tot = float((w * residual**2).sum()), float((w * yc**2).sum())
    return coef, float(intercept), (1.0 - ss_res / ss_tot if ss_tot > 1e-12 else None)


def _fit_weighted_ridge(model: _WeightedRidge, dataloader, construct_kwargs=None, **_kwargs) -> dict:
    """Captum's train_fn protocol: read the samples, fit, fill the LinearModel."""
    xs, ys, ws = [], [], []
    for x, y, w in dataloader:
        xs.append(x)
        ys.append(y)
        ws.append(w)
    coef, intercept, model.r2 = weighted_ridge(torch.cat(xs), torch.cat(ys), torch.cat(ws), model.alpha)
    # Captum's own trainers fill a LinearModel this way
    model._construct_model_params(weight_values=coef.to(torch.float32).view(1, -1),  # noqa: SLF001
                                  bias_value=torch.tensor([intercept], dtype=torch.float32))
    return {}


def _lime_mask(x: torch.Tensor, kind: str) -> torch.Tensor:
    """One normalised digit (1, 1, 28, 28) -> its LIME parts as a (1, 1, 28, 28) long mask."""
    return torch.as_tensor(segments(_ink(x)[0, 0].clamp(0, 1).numpy(), kind)).view(1, 1, SIDE, SIDE)


def _lime(scores: _Scores, x: torch.Tensor, target: torch.Tensor, settings: Settings
          ) -> tuple[torch.Tensor, float | None]:
    """Captum's LIME on one digit, its parts (superpixels or grid patches) switched to black, samples weighted
    by Captum's default kernel (exp(−d²/2), d the cosine distance to the digit), fitted by weighted_ridge."""
    mask = _lime_mask(x, settings.lime_segments)
    ridge = _WeightedRidge()
    lime = Lime(scores, interpretable_model=ridge)
    # Captum's LIME draws its on/off samples with torch.bernoulli from PyTorch's process-wide generator (and its
    # DataLoader draws a seed from it too). fork_rng saves that generator's state and puts it back afterwards,
    # so seeding it inside makes this call repeat exactly while the process-wide generator is left as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings.seed)
        attr = lime.attribute(x, baselines=BLACK, target=target, feature_mask=mask, n_samples=settings.lime_samples,
                              perturbations_per_eval=min(settings.lime_samples, 500))
    return attr, ridge.r2


def lime_batched(scores: nn.Module, x: torch.Tensor, target: torch.Tensor, settings: Settings
                 ) -> tuple[torch.Tensor, float | None]:
    """Captum's LIME (as `_lime`) computed all at once: Captum draws and scores its samples one at a time
    (about 0.15 ms each, most of the time for 500 samples); here the same Bernoulli(½) draws (the same
    generator stream from settings.seed, drawn together), the same kernel and the same ridge, in one batch.
    Equal to Captum's result up to float rounding (a test checks); it never touches PyTorch's process-wide
    generator."""
    mask = _lime_mask(x, settings.lime_segments)
    parts = int(mask.max()) + 1
    n = settings.lime_samples
    on = torch.bernoulli(torch.ones(n, parts) * 0.5, generator=torch.Generator().manual_seed(settings.seed))
    keep = on[:, mask.view(-1)].view(n, *x.shape[1:])
    inputs = keep * x + (1.0 - keep) * BLACK
    with torch.no_grad():
        y = torch.cat([_picked(scores(inputs[lo : lo + 500]), target.expand(len(inputs[lo : lo + 500])))
                       for lo in range(0, n, 500)])
    distance = 1.0 - torch.nn.functional.cosine_similarity(inputs.flatten(1), x.flatten(1), dim=1)
    similarity = torch.exp((-1 * distance**2 / 2.0).to(torch.float64)).to(torch.float32)
    coef, _, r2 = weighted_ridge(on, y, similarity)
    return coef.to(torch.float32)[mask], r2


def _gradcam_stage(scores: _Scores, wanted: str | None) -> tuple[str, nn.Module, str]:
    stages = _conv_stages(scores.net)
    if not stages:
        raise NotApplicable("Grad-CAM needs a convolution layer; this network has none")
    if wanted in stages:
        return wanted, stages[wanted], ""
    last = list(stages)[-1]
    note = f"{wanted} is not in this network; showing {last}" if wanted else ""
    return last, stages[last], note


def _run(scores: _Scores, x: torch.Tensor, targets: torch.Tensor, method: Method, settings: Settings
         ) -> tuple[torch.Tensor, dict]:
    """Attributions the shape of x, and extras (completeness base, Grad-CAM layer, note, LIME r2)."""
    extra: dict = {}
    digit = _is_digit(x)
    if method not in VECTOR_METHODS and not digit:
        raise NotApplicable(f"{method} explains 28×28 digits only")
    if method is Method.SALIENCY:
        return Saliency(scores).attribute(x.clone().requires_grad_(True), target=targets, abs=False), extra
    if method is Method.GRAD_X_INPUT:
        return InputXGradient(scores).attribute(x.clone().requires_grad_(True), target=targets), extra
    if method is Method.SMOOTHGRAD:
        return _smoothgrad(scores, x, targets, settings), extra
    if method in (Method.IG, Method.DEEPLIFT):
        base = baseline(x, settings.ig_baseline, settings.seed)
        extra["base"] = base
        if method is Method.IG:
            rows = max(x.shape[0], min(x.shape[0] * settings.ig_steps, ROWS_PER_PASS))
            attr = IntegratedGradients(scores).attribute(x.clone().requires_grad_(True), baselines=base,
                                                         target=targets, n_steps=settings.ig_steps,
                                                         internal_batch_size=rows)
            return attr, extra
        if "silu" in _activation_names(scores.net):
            extra["note"] = ("DeepLift has no rule for SiLU; it passes the plain gradient through it, so its "
                             "attributions need not add up to f(x) − f(baseline)")
        return DeepLift(scores).attribute(x.clone().requires_grad_(True), baselines=base, target=targets), extra
    if method is Method.OCCLUSION:
        w, s = settings.occlusion_window, min(settings.occlusion_stride, settings.occlusion_window)
        attr = Occlusion(scores).attribute(x, sliding_window_shapes=(1, w, w), strides=(1, s, s), baselines=BLACK,
                                           target=targets, perturbations_per_eval=OCCLUSION_BATCH)
        return attr, extra
    if method is Method.GRADCAM:
        name, stage, note = _gradcam_stage(scores, settings.gradcam_layer)
        extra["layer"], extra["note"] = name, note
        # the stage's output (after its activation and pooling): its maps weighted by their mean gradient
        coarse = LayerGradCam(scores, stage).attribute(x.clone().requires_grad_(True), target=targets,
                                                       relu_attributions=True)
        return LayerAttribution.interpolate(coarse.detach(), (SIDE, SIDE), interpolate_mode="bilinear"), extra
    if method is Method.GUIDED:
        if not _has(scores.net, (nn.ReLU,)):
            acts = " and ".join(_activation_names(scores.net)) or "no ReLU"
            extra["note"] = (f"Guided backprop only changes ReLU layers; this network uses {acts}, so its map is "
                             "the plain gradient")
        return GuidedBackprop(scores).attribute(x.clone().requires_grad_(True), target=targets), extra
    if method is Method.LIME:
        if x.shape[0] == 1:  # one digit (the page): Captum's own LIME
            attr, r2 = _lime(scores, x, targets, settings)
            extra["r2"] = [r2]
            return attr, extra
        maps, r2s = [], []  # a batch (the evaluations): the same, vectorised, ten times faster
        for i in range(x.shape[0]):
            attr, r2 = lime_batched(scores, x[i : i + 1], targets[i : i + 1], settings)
            maps.append(attr)
            r2s.append(r2)
        extra["r2"] = r2s
        return torch.cat(maps), extra
    raise ValueError(f"unknown method {method!r}")


def _prepare(model: nn.Module, x, targets, method, settings: Settings):
    method = Method(method)
    settings = settings.bounded()
    x = _as_batch(x)
    if method is Method.GRADCAM and not applies(model, method):
        raise NotApplicable("Grad-CAM needs a convolution layer; this network has none")
    scores = _Scores(model)
    with torch.no_grad():
        classes = scores(x[:1]).shape[1]
    return method, settings, x, scores, _targets(targets, x.shape[0], classes)


def attribute(model: nn.Module, x: torch.Tensor, target: int, method: Method,
              settings: Settings = Settings()) -> Attribution:
    """One method's map for one input (a normalised digit (1, 1, 28, 28), or any (1, d) input for the
    VECTOR_METHODS) and one class. IG and DeepLift also give their completeness: (the attributions' sum,
    f(x) − f(baseline)) with f the class's score (logit); LIME its local model's weighted R².
    Raises NotApplicable when the method cannot explain this network or input, ValueError for a class out of
    range. The learner's network is not changed (a frozen copy is explained)."""
    method, settings, x, scores, targets = _prepare(model, x, target, method, settings)
    if x.shape[0] != 1:
        raise ValueError(f"attribute explains one input; got {x.shape[0]} (use attribute_many)")
    attr, extra = _run(scores, x, targets, method, settings)
    completeness = _completeness(scores, x, extra["base"], targets, attr) if "base" in extra else None
    r2 = extra.get("r2", [None])[0]
    note = extra.get("note", "")
    if method is Method.LIME and r2 is None:
        note = "Every sample gave the same score: there was nothing for LIME's line to fit"
    if method is Method.GRADCAM and not note and not bool((attr > 0).any()):
        note = (f"Grad-CAM's weighted sum of {extra['layer']}'s maps is negative or zero everywhere for this "
                "class, and Grad-CAM keeps only the positive part: nothing is left to show")
    return Attribution(method=method, map=_pixel_maps(attr)[0], completeness=completeness, r2=r2, note=note,
                       layer=extra.get("layer"))


def attribute_many(model: nn.Module, x: torch.Tensor, targets, method: Method,
                   settings: Settings = Settings()) -> np.ndarray:
    """One method's maps for a batch: (n, 1, 28, 28) -> (n, 28, 28) (or (n, d) -> (n, d)), each input
    explained for its own target (a tensor or sequence of n classes, or one class for all). The batch is
    computed together where the method allows (LIME runs digit by digit); map i equals
    attribute(model, x[i:i+1], targets[i], ...).map up to float rounding."""
    method, settings, x, scores, t = _prepare(model, x, targets, method, settings)
    attr, _ = _run(scores, x, t, method, settings)
    return _pixel_maps(attr)
