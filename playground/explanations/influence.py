"""The training examples behind a prediction: a digit's nearest training digits (in the network's last hidden
layer, or in pixel space for contrast), its proponents and opponents by TracIn (Pruthi et al., 2020) and the
"find the mislabelled digits" experiment (training digits ranked by self-influence).

TracIn scores a training digit z against the explained digit z' as the sum over checkpoints of
lr · ⟨∇_W loss(z), ∇_W loss(z')⟩ on the final layer's weights W. For a linear last layer the gradient is the
outer product of the loss's gradient on the scores (δ) and the layer's input (a), so the dot product
factorises as (a·a')(δ·δ'): Captum's `TracInCPFast` computes exactly that (the bias is left out). The
checkpoints are the ones `DigitTrainer` keeps at epochs' ends (digits.training.Checkpoint); a trainer
restored from a file has none, and then the current weights are the one checkpoint (the result says so).

Checkpoints are loaded into a deep copy of the model, never into the learner's.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from playground.digits.models import normalise
from playground.digits.training import Checkpoint, DigitTensors, DigitTrainer
from playground.torch_runtime import torch

nn = torch.nn

SPACES = ("hidden", "pixels")
METRICS = ("cosine", "euclidean")
BATCH = 2000  # training digits per batch (nearest neighbours and TracIn)
NO_CHECKPOINTS_NOTE = ("This network kept no checkpoints (it was loaded from a file), so TracIn used its "
                       "current weights as the one checkpoint.")


@dataclass
class Influence:
    """A digit's proponents and opponents among `pool` training digits (indices into the trainer's
    training set, strongest first) and every pooled digit's score."""

    proponents: np.ndarray  # (k,) training indices with the highest scores: they pushed the prediction up
    proponent_scores: np.ndarray  # (k,)
    opponents: np.ndarray  # (k,) training indices with the lowest scores: they pushed it down
    opponent_scores: np.ndarray  # (k,)
    pool: np.ndarray  # (m,) the training indices scored, ascending
    scores: np.ndarray  # (m,) the TracIn score of each pooled digit
    checkpoints: int  # how many checkpoints were summed over
    current_weights_only: bool  # True: no checkpoints kept, the current weights were the one checkpoint
    note: str = ""  # a sentence for the page (e.g. NO_CHECKPOINTS_NOTE)


# ------------------------------------------------------------------------------------------ nearest digits


def _logits_index(model: nn.Module) -> int:
    names = getattr(model, "names", None)
    if not names or "logits" not in names:
        raise ValueError("the model has no `logits` stage (a digits.models.DigitNet has one)")
    return names.index("logits")


def hidden_features(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The last hidden layer: the input of the `logits` stage, (n, d), for normalised inputs x (n, 1, 28, 28).
    For the MLP the last dense layer's activations, for the CNN the flattened last convolution layer."""
    stop = _logits_index(model)
    with torch.no_grad():
        for stage in model.stages[:stop]:
            x = stage(x)
    return x.reshape(len(x), -1)


def _as_images(images_uint8) -> torch.Tensor:
    images = torch.as_tensor(np.ascontiguousarray(images_uint8, dtype=np.uint8))
    if images.shape[-2:] != (28, 28):
        raise ValueError(f"a digit is 28 × 28 pixels, not {tuple(images.shape)}")
    return images.reshape(-1, 28, 28)


def _embed(model: nn.Module, images: torch.Tensor, space: str) -> torch.Tensor:
    if space == "pixels":
        return images.reshape(len(images), -1).float() / 255.0
    was_training = model.training
    model.eval()
    try:
        return hidden_features(model, normalise(images)).float()
    finally:
        model.train(was_training)


def nearest_training(model: nn.Module, data: DigitTensors, image_uint8, k: int = 8, space: str = "hidden",
                     metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """The `k` training digits nearest to one digit ((28, 28) uint8), nearest first: (indices into
    data.train_images, distances). `space` "hidden": the network's last hidden layer; "pixels": the pixels
    (0..1). `metric` "cosine" (1 − cosine similarity, 0..2) or "euclidean". Batched over the training set."""
    if space not in SPACES:
        raise ValueError(f"space must be one of {SPACES}, not {space!r}")
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, not {metric!r}")
    n = len(data.train_labels)
    k = max(1, min(int(k), n))
    query = _embed(model, _as_images(image_uint8)[:1], space)[0]
    if metric == "cosine":
        query = query / query.norm().clamp_min(1e-12)
    best_idx, best_dist = torch.empty(0, dtype=torch.int64), torch.empty(0)
    for start in range(0, n, BATCH):
        feats = _embed(model, data.train_images[start : start + BATCH], space)
        if metric == "cosine":
            dist = 1.0 - (feats @ query) / feats.norm(dim=1).clamp_min(1e-12)
        else:
            dist = (feats - query).norm(dim=1)
        dist = dist.clamp_min(0.0)
        cand_dist = torch.cat([best_dist, dist])
        cand_idx = torch.cat([best_idx, torch.arange(start, start + len(dist))])
        order = torch.argsort(cand_dist, stable=True)[:k]
        best_idx, best_dist = cand_idx[order], cand_dist[order]
    return best_idx.numpy(), best_dist.double().numpy()


# ------------------------------------------------------------------------------------------ TracIn


def _pool_indices(n: int, pool: int, seed: int) -> torch.Tensor:
    """A seeded subset of `pool` of the `n` training indices, ascending (all of them if pool ≥ n)."""
    if pool >= n:
        return torch.arange(n)
    chosen = torch.randperm(n, generator=torch.Generator().manual_seed(int(seed)))[: max(1, int(pool))]
    return torch.sort(chosen).values


def _checkpoints(trainer: DigitTrainer) -> tuple[list[Checkpoint], bool]:
    """The trainer's checkpoints, or (none kept) its current weights as the one checkpoint."""
    if trainer.checkpoints:
        return list(trainer.checkpoints), False
    lr = float(trainer.optimizer.param_groups[0]["lr"])
    return [Checkpoint(round(trainer.epoch), trainer.model.state_dict(), lr)], True


def _load_checkpoint(model: nn.Module, checkpoint: Checkpoint) -> float:
    """Captum's checkpoints_load_func: load the state into the (copied) model, give its learning rate."""
    model.load_state_dict(checkpoint.state)
    return checkpoint.learning_rate


def _copy_for_tracin(trainer: DigitTrainer) -> nn.Module:
    """A deep copy of the learner's model in eval mode that only tracks the final layer's gradients."""
    model = copy.deepcopy(trainer.model).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def _tracin_fast(model: nn.Module, checkpoints: list[Checkpoint], inputs: torch.Tensor,
                 labels: torch.Tensor):
    from captum.influence import TracInCPFast  # imported when used: Captum takes ~0.5 s to import

    final = model.stages[_logits_index(model)]
    if not isinstance(final, nn.Linear):
        raise ValueError("TracIn's fast form needs a linear last layer")
    return TracInCPFast(model, final, torch.utils.data.TensorDataset(inputs, labels), checkpoints,
                        checkpoints_load_func=_load_checkpoint, loss_fn=nn.CrossEntropyLoss(reduction="sum"),
                        batch_size=BATCH)


def _pool_data(trainer: DigitTrainer, pool: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    data = trainer.data
    idx = _pool_indices(len(data.train_labels), pool, seed)
    inputs = normalise(data.train_images[idx]).contiguous(memory_format=trainer.memory_format)
    return idx, inputs, data.train_labels[idx]


def tracin(trainer: DigitTrainer, image_uint8, target: int, k: int = 8, pool: int = 4000,
           seed: int = 0) -> Influence:
    """Proponents and opponents of the network's score for class `target` on one digit ((28, 28) uint8)
    among a seeded subset of `pool` training digits, by Captum's TracInCPFast over the trainer's checkpoints
    (each with its learning rate). A positive score: training on that digit lowered this digit's loss for
    `target` (pushed the prediction towards it); negative: raised it."""
    classes = trainer.spec.classes
    if not 0 <= int(target) < classes:
        raise ValueError(f"the class must be 0 to {classes - 1}, not {target}")
    checkpoints, current_only = _checkpoints(trainer)
    model = _copy_for_tracin(trainer)
    idx, inputs, labels = _pool_data(trainer, pool, seed)
    tracin_cp = _tracin_fast(model, checkpoints, inputs, labels)
    test = normalise(_as_images(image_uint8)[:1]).contiguous(memory_format=trainer.memory_format)
    scores = tracin_cp.influence((test, torch.tensor([int(target)])))[0].double()  # (pool,)
    k = max(1, min(int(k), len(scores)))
    top = torch.topk(scores, k)
    bottom = torch.topk(-scores, k)
    return Influence(idx[top.indices].numpy(), top.values.numpy(), idx[bottom.indices].numpy(),
                     (-bottom.values).numpy(), idx.numpy(), scores.numpy(), len(checkpoints), current_only,
                     NO_CHECKPOINTS_NOTE if current_only else "")


def tracin_scores(trainer: DigitTrainer, image_uint8, target: int, pool: int = 4000, seed: int = 0) -> np.ndarray:
    """The same scores as `tracin` (over the same seeded pool), written out in PyTorch without Captum:
    Σ over checkpoints of lr · (a_train·a_test)(δ_train·δ_test), a the final layer's input and δ the gradient
    of the summed cross-entropy on the scores (softmax − one-hot). A check on Captum, and a reference."""
    checkpoints, _ = _checkpoints(trainer)
    model = _copy_for_tracin(trainer)
    _, inputs, labels = _pool_data(trainer, pool, seed)
    test = normalise(_as_images(image_uint8)[:1]).contiguous(memory_format=trainer.memory_format)
    final = model.stages[_logits_index(model)]
    total = torch.zeros(len(labels), dtype=torch.float64)
    with torch.no_grad():
        for c in checkpoints:
            model.load_state_dict(c.state)
            a_test, a_train = hidden_features(model, test), hidden_features(model, inputs)
            d_test = torch.softmax(final(a_test), 1) - nn.functional.one_hot(torch.tensor([int(target)]), final.out_features)
            d_train = torch.softmax(final(a_train), 1) - nn.functional.one_hot(labels, final.out_features)
            total += (c.learning_rate * (a_train @ a_test[0]) * (d_train @ d_test[0])).double()
    return total.numpy()


def self_influence(trainer: DigitTrainer, pool: int | None = 4000) -> np.ndarray:
    """Each training digit's influence on itself, Σ over checkpoints of lr · |a|²|δ|² (Captum's
    TracInCPFast.self_influence), for the FIRST `pool` training digits (all of them if None): scores[i] is
    training digit i's, with the label the network was trained on. A digit the network cannot fit (a wrong
    label, an odd drawing) keeps a large loss gradient, so it scores high."""
    n = len(trainer.data.train_labels)
    m = n if pool is None else max(1, min(int(pool), n))
    checkpoints, _ = _checkpoints(trainer)
    model = _copy_for_tracin(trainer)
    inputs = normalise(trainer.data.train_images[:m]).contiguous(memory_format=trainer.memory_format)
    tracin_cp = _tracin_fast(model, checkpoints, inputs, trainer.data.train_labels[:m])
    return tracin_cp.self_influence(outer_loop_by_checkpoints=True).double().numpy()


# ------------------------------------------------------------------------------------------ mislabelled digits


def flip_labels(labels, share: float, seed: int, classes: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    """`share` (0..1) of the labels, round(share · n) chosen at random (seeded), each changed to another
    class picked at random: (new labels, int64; flipped mask, bool). The labels given are not changed."""
    labels = torch.as_tensor(labels, dtype=torch.int64).clone()
    n = len(labels)
    count = int(round(min(max(float(share), 0.0), 1.0) * n))
    generator = torch.Generator().manual_seed(int(seed))
    chosen = torch.randperm(n, generator=generator)[:count]
    shift = torch.randint(1, classes, (count,), generator=generator)  # 1..classes-1: never the same class
    labels[chosen] = (labels[chosen] + shift) % classes
    flipped = torch.zeros(n, dtype=torch.bool)
    flipped[chosen] = True
    return labels, flipped


def mislabel_recall(scores, flipped_mask, k: int) -> tuple[int, float]:
    """How many flipped digits are among the `k` highest scores, and how many k digits picked at random
    would hold on average (k × the flipped share). scores[i] belongs to digit i of the mask (a mask longer
    than the scores is cut to them)."""
    scores = np.asarray(scores, dtype=np.float64)
    flipped = np.asarray(flipped_mask, dtype=bool)[: len(scores)]
    if len(flipped) != len(scores):
        raise ValueError(f"{len(scores)} scores but a mask of {len(flipped)} digits")
    k = max(0, min(int(k), len(scores)))
    top = np.argsort(-scores, kind="stable")[:k]
    return int(flipped[top].sum()), float(k * flipped.mean()) if len(flipped) else 0.0
