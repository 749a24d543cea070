"""A small variational autoencoder and a plain autoencoder with a 2-D code over MNIST-5k, trained in time
slices through the training driver, and what the lesson asks of a trained one: codes, decodes, the latent
square to show, a grid of decoded digits, interpolations, how well the codes separate the classes, how much
of the map is empty, and the decoder's weights for the browser's own decoder (web/latent_pad.js)."""

from __future__ import annotations

import base64
import hashlib
import math
import time

import numpy as np

from playground.digits.models import initialise
from playground.digits.training import DigitTensors
from playground.torch_runtime import torch

nn = torch.nn
F = torch.nn.functional

KINDS = ("vae", "ae")
KIND_LABELS = {"vae": "Variational autoencoder (VAE)", "ae": "Plain autoencoder"}
PIXELS, HIDDEN, LATENT = 28 * 28, 256, 2
BATCH, LEARNING_RATE = 50, 2e-3
RECORDS_PER_EPOCH = 4
SHOWN_SHARE = 0.98  # the shown square covers about this share of the test codes on each axis
HOLE_CELLS = 40  # holes(): the shown square sampled on a HOLE_CELLS × HOLE_CELLS grid …
HOLE_RADIUS = 0.05  # … and a point is a hole when no training code lies within this share of the side


class LatentNet(nn.Module):
    """Encoder 784→256→(2 means, 2 log-variances) for a VAE, →2 for an autoencoder; decoder 2→256→784."""

    def __init__(self, kind: str = "vae", generator: torch.Generator | None = None) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.kind = kind
        self.encoder = nn.Sequential(nn.Linear(PIXELS, HIDDEN), nn.ReLU(),
                                     nn.Linear(HIDDEN, 2 * LATENT if kind == "vae" else LATENT))
        self.decoder = nn.Sequential(nn.Linear(LATENT, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, PIXELS))
        initialise(self, generator if generator is not None else torch.Generator().manual_seed(0))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(n, 784) pixels in [0, 1] -> (means, log-variances); an autoencoder's log-variances are None."""
        h = self.encoder(x)
        return (h[:, :LATENT], h[:, LATENT:]) if self.kind == "vae" else (h, None)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """(n, 2) codes -> (n, 784) pixel logits (the sigmoid of each is the pixel)."""
        return self.decoder(z)


def pixels(images_uint8: torch.Tensor) -> torch.Tensor:
    """(n, 28, 28) uint8 -> (n, 784) float32 in [0, 1] (the targets of the reconstruction too)."""
    return images_uint8.reshape(-1, PIXELS).to(torch.float32) / 255.0


def elbo_terms(model: LatentNet, x: torch.Tensor,
               generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(reconstruction, kl), each a mean per example: binary cross-entropy summed over the pixels of the
    decode of one sampled code (the mean for an autoencoder, or with no generator), and KL(q(z|x) ‖ N(0, I))
    in closed form (0 for an autoencoder). The loss is reconstruction + β·kl (the negative ELBO at β = 1)."""
    mean, log_var = model.encode(x)
    z = mean
    if log_var is not None and generator is not None:
        eps = torch.randn(mean.shape, generator=generator, dtype=mean.dtype)
        z = mean + torch.exp(0.5 * log_var) * eps
    recon = F.binary_cross_entropy_with_logits(model.decode_logits(z), x, reduction="sum") / len(x)
    if log_var is None:
        return recon, torch.zeros((), dtype=recon.dtype)
    kl = 0.5 * torch.sum(mean.pow(2) + log_var.exp() - 1.0 - log_var) / len(x)
    return recon, kl


class LatentTrainer:
    """One learner's VAE or autoencoder on one dataset: implements training_driver.Trainable."""

    def __init__(self, kind: str, data: DigitTensors, beta: float = 1.0, epochs: int = 10, seed: int = 0) -> None:
        self.kind, self.data, self.beta, self.epochs, self.seed = kind, data, float(beta), int(epochs), int(seed)
        self.model = LatentNet(kind, torch.Generator().manual_seed(seed))
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE)
        self.generator = torch.Generator().manual_seed(seed + 1)  # shuffling and the VAE's sampled codes
        self.curves: list[dict] = []  # {"epoch", "set", "reconstruction", "kl", "total"}
        self.seconds = 0.0  # time spent in optimisation steps
        self.examples = 0  # training digits seen
        self.version = 0  # bumped after every slice: what was computed from the model is stale
        self._order: torch.Tensor | None = None
        self._position = 0
        self._epochs_done = 0
        self._recent: list[tuple[float, float, int]] = []  # (reconstruction sum, kl sum, n) since the last record
        self._cache: dict[str, object] = {}

    # ------------------------------------------------------------------ progress (training_driver.Trainable)

    @property
    def epoch(self) -> float:
        return self._epochs_done + self._position / max(1, len(self.data.train_labels))

    @property
    def finished(self) -> bool:
        return self._epochs_done >= self.epochs

    @property
    def fraction_done(self) -> float:
        """How much of its epochs this trainer has trained, 0 to 1 (a progress bar's value)."""
        return min(1.0, self.epoch / max(1, self.epochs))

    @property
    def diverged(self) -> bool:
        """NaN or infinite losses: the page says so and offers a reset."""
        return any(not math.isfinite(r["total"]) for r in self.curves[-2:])

    def continue_for(self, epochs: int) -> None:
        """Allow `epochs` more epochs, keeping the weights."""
        self.epochs = self._epochs_done + int(epochs)

    def limit_examples(self, max_examples: int) -> None:
        """Learn from at most `max_examples` training digits (a class's limit; the driver applies it before
        training starts; mid-epoch, the rest of the epoch leaves the others out)."""
        if max_examples and max_examples < len(self.data.train_labels):
            self.data = self.data.limited(max_examples)
            self._cache.clear()
            if self._order is not None:
                rest = self._order[self._position :]
                self._order = torch.cat([self._order[: self._position], rest[rest < max_examples]])

    def train_slice(self, seconds: float = 0.25, until_epoch: float | None = None) -> None:
        """Train whole batches for about `seconds`, recording the curves RECORDS_PER_EPOCH times an epoch."""
        deadline = time.perf_counter() + seconds
        n = len(self.data.train_labels)
        record_every = max(1, math.ceil(n / RECORDS_PER_EPOCH))
        self.model.train()
        while not self.finished and time.perf_counter() < deadline:
            if until_epoch is not None and self.epoch >= until_epoch - 1e-9:
                break
            if self._order is None or self._position >= len(self._order):
                self._order, self._position = torch.randperm(n, generator=self.generator), 0
            ids = self._order[self._position : self._position + BATCH]
            start = time.perf_counter()
            recon, kl = elbo_terms(self.model, pixels(self.data.train_images[ids]), self.generator)
            self.optimizer.zero_grad(set_to_none=True)
            (recon + self.beta * kl).backward()
            self.optimizer.step()
            self.seconds += time.perf_counter() - start
            self.examples += len(ids)
            self._recent.append((float(recon.detach()) * len(ids), float(kl.detach()) * len(ids), len(ids)))
            before = self._position
            self._position += len(ids)
            if self._position >= len(self._order):
                self._epochs_done += 1
                self._order, self._position = None, 0
                self._record()
            elif before // record_every != self._position // record_every:
                self._record()
        self.version += 1
        self._cache.clear()

    def _record(self) -> None:
        r, k, n = (sum(row[i] for row in self._recent) for i in range(3))
        self._recent = []
        epoch = round(self.epoch, 3)
        self.curves.append(self._row(epoch, "train", r / max(n, 1), k / max(n, 1)))
        test_r, test_k = self.evaluate(self.data.test_images)
        self.curves.append(self._row(epoch, "test", test_r, test_k))

    def _row(self, epoch: float, which: str, recon: float, kl: float) -> dict:
        return {"epoch": epoch, "set": which, "reconstruction": recon, "kl": kl, "total": recon + self.beta * kl}

    @torch.no_grad()
    def evaluate(self, images_uint8: torch.Tensor) -> tuple[float, float]:
        """(reconstruction, kl) per example on a set, decoding the means (no sampling: the same every time)."""
        self.model.eval()
        recon, kl = elbo_terms(self.model, pixels(images_uint8))
        return float(recon), float(kl)

    # ------------------------------------------------------------------ what the lesson shows

    @torch.no_grad()
    def codes(self, images_uint8: np.ndarray | torch.Tensor) -> np.ndarray:
        """(n, 2) codes of (n, 28, 28) uint8 digits: the encoder's means."""
        self.model.eval()
        images = torch.as_tensor(np.asarray(images_uint8, dtype=np.uint8)).reshape(-1, 28, 28)
        return self.model.encode(pixels(images))[0].numpy().astype(np.float64)

    @torch.no_grad()
    def decode(self, z: np.ndarray) -> np.ndarray:
        """(n, 28, 28) pixels in [0, 1] decoded from (n, 2) codes."""
        self.model.eval()
        codes = torch.as_tensor(np.asarray(z, dtype=np.float32).reshape(-1, LATENT))
        return torch.sigmoid(self.model.decode_logits(codes)).numpy().reshape(-1, 28, 28)

    def _codes_of(self, which: str) -> np.ndarray:
        key = f"codes-{which}"
        if key not in self._cache:
            self._cache[key] = self.codes(getattr(self.data, f"{which}_images"))
        return self._cache[key]  # type: ignore[return-value]

    def test_codes(self) -> np.ndarray:
        """(n, 2) codes of the test digits (kept until the next slice)."""
        return self._codes_of("test")

    def extent(self) -> tuple[float, float, float, float]:
        """(x0, x1, y0, y1): the latent square shown, centred on the test codes and covering ~98% of them
        on each axis, with a small margin."""
        codes = self._codes_of("test")
        tail = (1 - SHOWN_SHARE) / 2 * 100
        lo, hi = np.percentile(codes, [tail, 100 - tail], axis=0)
        centre, half = (lo + hi) / 2, max(float(np.max(hi - lo)) / 2 * 1.1, 1e-3)
        return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))

    def grid_points(self, n: int) -> np.ndarray:
        """(n, n, 2) codes at the centres of an n × n grid over the shown square, row 0 at the top (high y)."""
        x0, x1, y0, y1 = self.extent()
        xs = x0 + (np.arange(n) + 0.5) / n * (x1 - x0)
        ys = y1 - (np.arange(n) + 0.5) / n * (y1 - y0)
        return np.stack(np.meshgrid(xs, ys), axis=-1)

    def decoded_grid(self, n: int = 15) -> np.ndarray:
        """(n·28, n·28) pixels in [0, 1]: the digit decoded at each cell of an n × n grid over the shown square."""
        digits = self.decode(self.grid_points(n).reshape(-1, 2)).reshape(n, n, 28, 28)
        return digits.transpose(0, 2, 1, 3).reshape(n * 28, n * 28)

    def interpolate(self, a_uint8: np.ndarray, b_uint8: np.ndarray, steps: int = 9) -> np.ndarray:
        """(steps, 28, 28): the digits decoded along the straight line from digit a's code to digit b's."""
        a, b = self.codes(np.stack([a_uint8, b_uint8]))
        t = np.linspace(0.0, 1.0, steps)[:, None]
        return self.decode(a + t * (b - a))

    def knn_accuracy(self, k: int = 5) -> float:
        """The share of test digits whose k nearest training codes mostly have their label."""
        train, test = torch.as_tensor(self._codes_of("train")), torch.as_tensor(self._codes_of("test"))
        nearest = torch.cdist(test, train).topk(k, largest=False).indices
        votes = F.one_hot(self.data.train_labels[nearest], 10).sum(1).to(torch.float64)
        votes += F.one_hot(self.data.train_labels[nearest[:, 0]], 10) * 0.5  # ties go to the nearest
        return float((votes.argmax(1) == self.data.test_labels).to(torch.float64).mean())

    def holes(self) -> float:
        """The share of the shown square farther than HOLE_RADIUS of its side from every training code."""
        x0, x1, _, _ = self.extent()
        points = torch.as_tensor(self.grid_points(HOLE_CELLS).reshape(-1, 2))
        nearest = torch.cdist(points, torch.as_tensor(self._codes_of("train"))).min(1).values
        return float((nearest > HOLE_RADIUS * (x1 - x0)).to(torch.float64).mean())

    def decoder_payload(self) -> dict:
        """The decoder's weights for the browser, as base64 little-endian float32: w1 (2, 256) and w2
        (256, 784) row-major as [input][output], b1 (256), b2 (784); `key` names these weights."""
        first, last = self.model.decoder[0], self.model.decoder[2]
        arrays = {name: t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
                  for name, t in (("w1", first.weight.T), ("b1", first.bias), ("w2", last.weight.T), ("b2", last.bias))}
        key = hashlib.sha1(b"".join(arrays.values())).hexdigest()[:16]  # the browser decodes new weights only
        return {"key": key, "latent": LATENT, "hidden": HIDDEN, "pixels": PIXELS,
                **{name: base64.b64encode(raw).decode("ascii") for name, raw in arrays.items()}}


def decode_payload(payload: dict, z: np.ndarray) -> np.ndarray:
    """(n, 28, 28): what the browser computes from decoder_payload(), in NumPy (float32 weights, float64 sums)."""
    w = {k: np.frombuffer(base64.b64decode(payload[k]), dtype="<f4").astype(np.float64) for k in ("w1", "b1", "w2", "b2")}
    h = np.maximum(np.asarray(z, dtype=np.float64).reshape(-1, 2) @ w["w1"].reshape(2, -1) + w["b1"], 0.0)
    out = h @ w["w2"].reshape(len(w["b1"]), -1) + w["b2"]
    return (1.0 / (1.0 + np.exp(-out))).reshape(-1, 28, 28)
