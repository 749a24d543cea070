"""The Generative models lesson in Chromium (issue 16): the GAN's layered view while it plays (pictures and
iterations per second, as the page shows them), and how soon a drag on the VAE's latent pad redraws the decoded
digit. Each figure is the median of three runs, the worst beside it."""

from __future__ import annotations

import re
import statistics
import time

from bench.report import header, line
from harness.browser import app_and_page, wait_idle
from harness.lesson_page import LessonPage

RUNS = 3
MEASURE_SECONDS = 6.0
PICTURES_TARGET = 10.0  # pictures per second of the layered view while training plays
ITERATIONS_TARGET = 300.0  # iterations per second with GAN Lab's default sizes
DRAG_TARGET_MS = 100.0
GANLAB = "GAN Lab (TF.js): no published rate; it redraws its view every 50 iterations"

# Count the layered view's picture swaps (the frame pump changes its img src without a rerun).
COUNT_SWAPS = """() => {
  const find = () => {
    for (const img of document.querySelectorAll('img')) if ((img.alt || '').startsWith('The plane')) return img;
    for (const host of document.querySelectorAll('*')) {
      if (!host.shadowRoot) continue;
      for (const img of host.shadowRoot.querySelectorAll('img')) if ((img.alt || '').startsWith('The plane')) return img;
    }
    return null;
  };
  const img = find();
  window.__npSwaps = 0;
  new MutationObserver(() => { window.__npSwaps += 1; }).observe(img, {attributes: true, attributeFilter: ['src']});
  return true;
}"""

# Time from a pointer move on the latent pad to the next change of the decoded digit's pixels.
DRAG = """async ([fx, fy]) => {
  const find = (sel) => {
    const direct = document.querySelector(sel);
    if (direct) return direct;
    for (const host of document.querySelectorAll('*')) {
      const hit = host.shadowRoot && host.shadowRoot.querySelector(sel);
      if (hit) return hit;
    }
    return null;
  };
  const pad = find('.nlp canvas'), canvases = [...(pad.closest('.nlp') || pad.parentElement).querySelectorAll('canvas')];
  const digit = canvases[canvases.length - 1];
  const pixels = () => digit.getContext('2d').getImageData(0, 0, digit.width, digit.height).data.join(',');
  const before = pixels(), r = pad.getBoundingClientRect();
  const at = {clientX: r.left + fx * r.width, clientY: r.top + fy * r.height, bubbles: true, pointerId: 1, buttons: 1};
  const start = performance.now();
  pad.dispatchEvent(new PointerEvent('pointerdown', at));
  pad.dispatchEvent(new PointerEvent('pointermove', at));
  return await new Promise((resolve) => {
    const poll = () => {
      if (pixels() !== before) resolve(performance.now() - start);
      else if (performance.now() - start > 3000) resolve(-1);
      else requestAnimationFrame(poll);
    };
    poll();
  });
}"""


def iteration(page) -> int:
    text = page.get_by_text(re.compile(r"^Iteration [\d,]+")).first.inner_text()
    return int(re.match(r"Iteration ([\d,]+)", text).group(1).replace(",", ""))


def play_rates(page, base: str) -> tuple[float, float]:
    """(pictures/s, iterations/s) of one run at the Fast speed with GAN Lab's default sizes."""
    lp = LessonPage(page, base, "generative").open("generative?part=gan")
    wait_idle(page, timeout=120_000)
    lp.segment("Fast")
    page.get_by_role("button", name="Play", exact=True).click()
    time.sleep(2.0)
    page.evaluate(COUNT_SWAPS)
    i0, t0 = iteration(page), time.perf_counter()
    time.sleep(MEASURE_SECONDS)
    swaps, i1, seconds = page.evaluate("window.__npSwaps"), iteration(page), time.perf_counter() - t0
    lp.press("Pause")
    return swaps / seconds, (i1 - i0) / seconds


def drag_ms(page, base: str) -> list[float]:
    """Latent pad: pointer → decoded digit redrawn, for 10 points, after a 1-epoch VAE."""
    lp = LessonPage(page, base, "generative").open("generative?part=vae&vaeEpochs=1")
    wait_idle(page, timeout=120_000)
    page.get_by_role("button", name=re.compile("^Train the")).click()
    page.locator(".nlp canvas").first.wait_for(timeout=120_000)
    wait_idle(page, timeout=120_000)
    del lp
    return [page.evaluate(DRAG, [0.1 + 0.08 * i, 0.9 - 0.08 * i]) for i in range(10)]


def main() -> None:
    header("Generative models in Chromium: the GAN playing (Fast, GAN Lab's default sizes), the latent pad")
    with app_and_page(width=1400, height=1000) as (app, page):
        runs = [play_rates(page, app.url) for _ in range(RUNS)]
        pictures = [r[0] for r in runs]
        iterations = [r[1] for r in runs]
        line("layered view redrawn while playing, median of 3", statistics.median(pictures), "pictures/s",
             target=PICTURES_TARGET, reference=f"worst {min(pictures):.1f}; {GANLAB}")
        line("GAN iterations while playing (k_D 2, k_G 1, batch 150), median of 3", statistics.median(iterations),
             "it/s", target=ITERATIONS_TARGET, reference=f"worst {min(iterations):,.0f}")
        times = [t for t in drag_ms(page, app.url) if t >= 0]
        line("latent pad: pointer -> decoded digit redrawn, median of 10", statistics.median(times), "ms",
             target=DRAG_TARGET_MS, higher_is_better=False,
             reference=f"worst {max(times):.1f} ms; decoded in the browser (tayden's VAE explorer: TF.js, no figure)")


if __name__ == "__main__":
    main()
