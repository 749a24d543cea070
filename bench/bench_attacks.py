"""Adversarial examples lesson: the accuracy-vs-ε curve (7 ε, 1,000 test digits) with FGSM and with PGD-10,
and one digit's attack, for the default MLP and CNN trained a few epochs on MNIST-5k; and the model's FGSM
curve beside the PyTorch tutorial's published one."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from bench.report import header, line
from playground.adversarial import attacks as A  # noqa: N812 - the module under test, by one letter
from playground.digits.mnist import load_mnist5k
from playground.digits.models import ModelSpec
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.torch_runtime import THREADS

MODELS = {
    "MLP": (ModelSpec(), TrainConfig(batch_size=128, epochs=3)),
    "CNN": (ModelSpec(kind="cnn", filters=(8, 16), kernel=5), TrainConfig(batch_size=64, epochs=3)),
}
TARGETS_S = {"fgsm": 2.0, "pgd": 15.0}
ONE_DIGIT_TARGET_MS = 200.0


def timed(work: Callable[[], object], repeats: int) -> tuple[object, float]:
    """The work's result and its median time in seconds over `repeats` runs."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def trained(kind: str, data: DigitTensors) -> DigitTrainer:
    spec, config = MODELS[kind]
    trainer = DigitTrainer(spec, config, data)
    while not trainer.finished:
        trainer.train_slice(1.0)
    return trainer


def bench_model(kind: str, model, images, labels) -> None:
    A.accuracy_vs_eps(model, images[:100], labels[:100], (0.0, 0.1), "pgd", steps=2)  # warm up
    curves = {}
    for attack, repeats in (("fgsm", 3), ("pgd", 1)):
        curves[attack], seconds = timed(lambda a=attack: A.accuracy_vs_eps(model, images, labels, attack=a), repeats)
        name = "FGSM" if attack == "fgsm" else "PGD-10"
        line(f"{kind} {name} accuracy-vs-ε curve (7 ε × 1,000 digits)", seconds, "s",
             target=TARGETS_S[attack], higher_is_better=False,
             reference=f"clean {curves[attack][0][1]:.1%}, at ε = 0.1: {curves[attack][2][1]:.1%}")
    for attack in A.ATTACKS:
        _, seconds = timed(lambda a=attack: A.attack_one(model, images[7], int(labels[7]), 0.1, a), 9)
        line(f"{kind} one digit attacked ({attack.upper()}, ε = 0.1), compute only", 1000 * seconds, "ms",
             target=ONE_DIGIT_TARGET_MS, higher_is_better=False)
    show = lambda curve: " ".join(f"{a:5.1%}" for _, a in curve)  # noqa: E731
    print(f"  {kind} FGSM curve:          {show(curves['fgsm'])}")
    print(f"  {kind} PGD-10 curve:        {show(curves['pgd'])}")
    print(f"  tutorial's FGSM curve:  {show(A.TUTORIAL_CURVE)}  ({A.TUTORIAL_NOTE})")


def main() -> None:
    header(f"Adversarial examples: PyTorch with {THREADS} thread(s) on {len(os.sched_getaffinity(0))} cores, "
           "MNIST-5k, 1,000 test digits, ε = 0, 0.05, …, 0.3")
    d = load_mnist5k()
    data = DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)
    for kind in MODELS:
        bench_model(kind, trained(kind, data).model, data.test_images[:1000], data.test_labels[:1000])
    browser_figures()


def browser_figures() -> None:
    """In Chromium, 'Fool one digit' with a quick MLP: from a key press on the ε slider to the page showing
    the new verdict with its three images and bars (timed inside the page), median of 20 presses."""
    import numpy as np

    from harness.browser import app_and_page, redraw_ms
    from harness.lesson_page import LessonPage

    with app_and_page() as (server, page):
        lp = LessonPage(page, server.url, "adversarial").open("adversarial")
        lp.quick_model()
        times = []
        for key in (["ArrowLeft"] * 5 + ["ArrowRight"] * 5) * 2:
            thumb = lp.slider("one-eps")
            thumb.focus()
            eps = float(thumb.get_attribute("aria-valuetext")) + (0.01 if key == "ArrowRight" else -0.01)
            # the images' caption names the new ε once the page has attacked and redrawn
            times.append(redraw_ms(page, "keydown", f"at most ε = {eps:.2f}) · adversarial", lambda k=key, t=thumb: t.press(k)))
            page.wait_for_timeout(200)
    line("one digit attacked and redrawn in the browser (ε key press -> page)", float(np.median(times)), "ms",
         target=ONE_DIGIT_TARGET_MS, higher_is_better=False,
         reference=f"75th percentile {np.percentile(times, 75):.0f} ms, worst {max(times):.0f} ms; MLP, FGSM")


if __name__ == "__main__":
    main()
