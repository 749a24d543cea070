"""Explanations lesson (issue 15): on one test digit, every gradient method together, occlusion and LIME;
TracIn's proponents over 4,000 training digits; a sanity-check cascade; deletion curves over 100 digits for
every method. For the default MLP and CNN trained as the lesson does (a few epochs, so TracIn has
checkpoints) on MNIST-5k. Noisy figures are the median of several runs, the worst beside it."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from bench.report import header, line
from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SPECS
from playground.digits.mnist import load_mnist5k
from playground.digits.models import normalise
from playground.digits.training import DigitTensors, DigitTrainer
from playground.explanations import faithfulness, influence, sanity
from playground.explanations.methods import (
    GRADIENT_METHODS,
    Method,
    Settings,
    applies,
    attribute,
    attribute_many,
)
from playground.torch_runtime import THREADS, torch

EPOCHS = 3  # enough for TracIn's checkpoints (one per epoch's end)
DIGIT = 7  # the test digit explained
GRADIENT_TARGET_MS = {"mlp": 300.0, "cnn": 600.0}
OCCLUSION_TARGET_MS = 300.0
LIME_TARGET_MS = 1000.0
TRACIN_TARGET_S = 2.0  # the MLP's; the CNN's is printed without one
CASCADE_TARGET_S = 3.0
CASCADE_METHOD = Method.IG  # one method through every layer (IG: the costliest gradient method)
TABLE_TARGET_S = 10.0
TABLE_DIGITS = 100
TRACIN_POOL = 4000
SETTINGS = Settings()  # SmoothGrad 25 samples, IG 50 steps, occlusion 4×4 stride 2, LIME 500 samples
PEERS = {
    "gradient": "Captum Insights: one method at a time, on a pretrained model (no published timing)",
    "occlusion": "Captum Insights: occlusion on a pretrained model; CNN Explainer: none (no timing)",
    "lime": "the `lime` package draws and scores its samples one at a time (no comparable timing)",
    "tracin": "Captum's TracInCP tutorial: a pretrained model, no timing given",
    "cascade": "Adebayo et al. (2018): an offline experiment; no tool runs it live",
    "table": "Petsiuk et al. (2018): offline; Captum Insights / CNN Explainer do not rank methods",
}


def timed(work: Callable[[], object], repeats: int = 5) -> tuple[float, float]:
    """Median and worst time of `work` in seconds over `repeats` runs (after one warm-up run)."""
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def trained(kind: str, data: DigitTensors) -> DigitTrainer:
    """The lesson's default network of this kind, trained EPOCHS epochs as the lesson does (time slices)."""
    trainer = DigitTrainer(DEFAULT_SPECS[kind], replace(DEFAULT_CONFIGS[kind], epochs=EPOCHS), data)
    while not trainer.finished:
        trainer.train_slice(1.0)
    return trainer


def explainer(method: Method):
    """faithfulness/sanity's explain(model, x, targets) -> maps for one method, with the default settings."""
    return lambda model, x, targets: attribute_many(model, x, targets, method, SETTINGS)


def bench_model(kind: str, trainer: DigitTrainer, data: DigitTensors) -> None:
    model = trainer.model
    name = kind.upper()
    x = normalise(data.test_images[DIGIT : DIGIT + 1])
    with torch.no_grad():
        target = int(model(x).argmax(1))
    gradient = [m for m in GRADIENT_METHODS if applies(model, m)]

    each = {m: timed(lambda m=m: attribute(model, x, target, m, SETTINGS))[0] for m in gradient}
    median, worst = timed(lambda: [attribute(model, x, target, m, SETTINGS) for m in gradient])
    line(f"{name} one digit, all {len(gradient)} gradient methods", 1000 * median, "ms",
         target=GRADIENT_TARGET_MS[kind], higher_is_better=False,
         reference=f"worst {1000 * worst:.0f} ms; {PEERS['gradient']}")
    print("    each: " + ", ".join(f"{m} {1000 * s:.0f} ms" for m, s in each.items()))

    median, worst = timed(lambda: attribute(model, x, target, Method.OCCLUSION, SETTINGS))
    line(f"{name} one digit, occlusion 4×4 window, stride 2", 1000 * median, "ms", target=OCCLUSION_TARGET_MS,
         higher_is_better=False, reference=f"worst {1000 * worst:.0f} ms; {PEERS['occlusion']}")
    median, worst = timed(lambda: attribute(model, x, target, Method.LIME, SETTINGS))
    line(f"{name} one digit, LIME 500 samples", 1000 * median, "ms", target=LIME_TARGET_MS,
         higher_is_better=False, reference=f"worst {1000 * worst:.0f} ms; {PEERS['lime']}")

    image = data.test_images[DIGIT].numpy()
    result = influence.tracin(trainer, image, target, pool=TRACIN_POOL)
    median, worst = timed(lambda: influence.tracin(trainer, image, target, pool=TRACIN_POOL), repeats=3)
    line(f"{name} TracIn, {TRACIN_POOL:,} training digits, {result.checkpoints} checkpoints",
         median, "s", target=TRACIN_TARGET_S if kind == "mlp" else None, higher_is_better=False,
         reference=f"worst {worst:.2f} s; {PEERS['tracin']}" + ("" if kind == "mlp" else "; no CNN target"))

    layers = sanity.layer_order(model)
    median, worst = timed(lambda: sanity.cascade(model, x, target, explainer(CASCADE_METHOD)), repeats=3)
    line(f"{name} sanity cascade, {CASCADE_METHOD}, {len(layers)} layers", median, "s",
         target=CASCADE_TARGET_S, higher_is_better=False, reference=f"worst {worst:.2f} s; {PEERS['cascade']}")

    methods = [m for m in Method if applies(model, m)]
    explainers = {str(m): explainer(m) for m in methods}
    tables = []

    def table() -> None:
        tables.append(faithfulness.method_table(model, data.test_images, data.test_labels, explainers,
                                                n=TABLE_DIGITS))

    median, worst = timed(table, repeats=3)
    line(f"{name} deletion table, {TABLE_DIGITS} digits, {len(methods)} methods + random", median, "s",
         target=TABLE_TARGET_S, higher_is_better=False, reference=f"worst {worst:.2f} s; {PEERS['table']}")
    seconds = tables[-1].attrs["seconds"]
    print("    each: " + ", ".join(f"{m} {s:.2f} s" for m, s in seconds.items()))


def main() -> None:
    header(f"Explanations: PyTorch with {THREADS} thread(s) on {len(os.sched_getaffinity(0))} cores, default "
           f"MLP and CNN trained {EPOCHS} epochs on MNIST-5k, test digit {DIGIT} explained for its predicted class")
    d = load_mnist5k()
    data = DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)
    for kind in ("mlp", "cnn"):
        bench_model(kind, trained(kind, data), data)


if __name__ == "__main__":
    main()
