"""Embeddings lesson: PCA of all 5,000 MNIST-5k digits, and our progressive t-SNE of 2,000 of them beside
scikit-learn's TSNE (same points, perplexity 30, PCA start, seed 0), with the k-NN accuracy of each
picture; then UMAP (umap-learn) on the same points, first call (compiling) and second call."""

from __future__ import annotations

import os
import time

import numpy as np

from bench.report import header, line
from playground.digits.mnist import load_mnist5k
from playground.embeddings.data import knn_accuracy, sample_indices
from playground.embeddings.projections import TSNE, UmapUnavailable, pca, umap_2d

FIRST_PICTURE_ITERATIONS = 50


def best_time(work, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    cores = len(os.sched_getaffinity(0))
    header(f"Embeddings: PCA, t-SNE and UMAP of MNIST-5k digits ({cores} cores; ours on one thread)")
    d = load_mnist5k()
    images = np.concatenate([d.train_images, d.test_images])
    labels = np.concatenate([d.train_labels, d.test_labels])
    pixels = images.reshape(len(images), -1).astype(np.float32) / 255.0

    start = time.perf_counter()
    TSNE(pixels[:60], perplexity=10, n_iter=20).step(20)  # load (or compile) the Numba kernels
    warm_up = time.perf_counter() - start

    from sklearn.decomposition import PCA

    ours = best_time(lambda: pca(pixels, 10))
    sklearn_full = best_time(lambda: PCA(10, svd_solver="full").fit_transform(pixels), repeats=1)
    randomized = PCA(10, svd_solver="randomized", random_state=0)
    sklearn_randomized = best_time(lambda: randomized.fit_transform(pixels))
    line("PCA of 5,000 × 784 digits, 10 components", ours, "s", target=0.5, higher_is_better=False,
         reference=f"sklearn PCA full SVD {sklearn_full:.2f} s, randomized {sklearn_randomized:.2f} s")

    sample = sample_indices(labels, 2000, seed=0)
    x, y = pixels[sample], labels[sample]
    cpu, start = time.process_time(), time.perf_counter()
    tsne = TSNE(x, perplexity=30, seed=0)
    setup = time.perf_counter() - start
    tsne.step(FIRST_PICTURE_ITERATIONS)
    first_picture = time.perf_counter() - start
    layout = tsne.step(tsne.n_iter)
    finished = time.perf_counter() - start
    cpu = time.process_time() - cpu
    ours_knn = knn_accuracy(layout, y)
    line(f"our t-SNE of 2,000 digits: first picture (P + {FIRST_PICTURE_ITERATIONS} iterations)",
         first_picture, "s", target=2.0, higher_is_better=False,
         reference=f"P and start {setup:.2f} s; kernels loaded in {warm_up:.1f} s (first use in a process)")
    line("our t-SNE of 2,000 digits: 1,000 iterations finished", finished, "s", target=20.0,
         higher_is_better=False, reference=f"CPU {cpu:.1f} s (one thread), KL {tsne.kl_divergence():.3f}")

    from sklearn.manifold import TSNE as SklearnTSNE  # noqa: N811 - a class, beside our own TSNE

    start = time.perf_counter()
    reference = SklearnTSNE(2, perplexity=30, init="pca", random_state=0)
    sklearn_layout = reference.fit_transform(x)
    sklearn_seconds = time.perf_counter() - start
    line("scikit-learn TSNE (Barnes-Hut), same points, total", sklearn_seconds, "s",
         reference=f"KL {reference.kl_divergence_:.3f}, its own threads on {cores} cores")
    line("5-NN accuracy in our t-SNE picture", ours_knn * 100, "%",
         reference=f"scikit-learn's: {knn_accuracy(sklearn_layout, y) * 100:.1f}%, "
                   f"784-d pixels: {knn_accuracy(x, y) * 100:.1f}%")
    umap_figures(x, y)
    scatter_figures()


def umap_figures(x: np.ndarray, y: np.ndarray) -> None:
    """UMAP's first call in a process compiles umap-learn's Numba code (not cached on disk)."""
    times = []
    try:
        for _ in range(2):
            start = time.perf_counter()
            layout = umap_2d(x, seed=0)
            times.append(time.perf_counter() - start)
    except UmapUnavailable as error:
        print(f"  UMAP: {error}, skipped")
        return
    line("UMAP of the 2,000 digits, first call (import + compile)", times[0], "s")
    line("UMAP of the 2,000 digits, second call", times[1], "s",
         reference=f"5-NN accuracy in its picture {knn_accuracy(layout, y) * 100:.1f}%")



HOVER_WATCH_JS = """() => { window.__npHover = new Promise((resolve) => {
  const tip = () => document.getElementById('vg-tooltip-element');
  const shown = () => tip() && tip().classList.contains('visible') && tip().querySelector('img');
  const start = performance.now();
  const poll = () => shown() ? resolve(performance.now() - start) : requestAnimationFrame(poll);
  requestAnimationFrame(poll); }); }"""


def scatter_figures() -> None:
    """In Chromium, the scatter of all 5,000 MNIST-5k digits: hover -> the digit's tooltip, and click ->
    its nearest neighbours listed (median of 5 points each)."""

    from harness.browser import app_and_page, wait_idle
    from harness.lesson_page import LessonPage

    with app_and_page() as (server, page):
        lp = LessonPage(page, server.url, "embeddings").open("embeddings")
        lp.quick_model()
        lp.nudge("n-points", "End")
        lp.caption_matching(r"1,000 test digits \+ 4,000 training digits$")
        canvas = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').first.locator("canvas")
        canvas.first.wait_for(timeout=60_000)  # this many points are drawn on a canvas
        canvas.first.scroll_into_view_if_needed()
        box = canvas.first.bounding_box()
        grid = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
                for fy in (0.35, 0.45, 0.55, 0.65) for fx in (0.3, 0.4, 0.5, 0.6)]
        hovers, clicks, settled = [], [], []
        for x, y in grid:
            if len(hovers) == 5:
                break
            page.mouse.move(box["x"] + 5, box["y"] + 5)  # off the points: the tooltip goes
            page.wait_for_function("() => !document.querySelector('#vg-tooltip-element.visible')")
            page.evaluate(HOVER_WATCH_JS)
            page.mouse.move(x, y)
            try:
                page.wait_for_function("() => document.querySelector('#vg-tooltip-element.visible img')",
                                       timeout=2_000)
            except Exception:  # noqa: BLE001 - no point under this spot: try the next
                continue
            hovers.append(float(page.evaluate("window.__npHover")))
            shown = "() => (document.body.innerText.match(/Point \\d+: label/) || [''])[0]"
            before = page.evaluate(shown)
            start = time.perf_counter()
            page.mouse.click(x, y)
            page.wait_for_function(f"b => ({shown})() !== '' && ({shown})() !== b", arg=before, timeout=30_000)
            clicks.append((time.perf_counter() - start) * 1000)
            wait_idle(page, timeout=60_000)
            settled.append((time.perf_counter() - start) * 1000)
    line("5,000-point scatter: hover -> digit tooltip (median of 5)", float(np.median(hovers)), "ms",
         target=300, higher_is_better=False, reference=f"worst {max(hovers):.0f} ms")
    line("5,000-point scatter: click -> neighbours listed (median of 5)", float(np.median(clicks)), "ms",
         target=300, higher_is_better=False, reference=f"worst {max(clicks):.0f} ms; page idle again after {np.median(settled):.0f} ms")


if __name__ == "__main__":
    main()
