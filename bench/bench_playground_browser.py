"""The Playground in Chromium (issue 3, targets 2 and 3): frames/s and epochs/s while playing, as the
page's own epoch counter and picture updates show them, and how soon a changed control shows."""

from __future__ import annotations

import statistics
import time

from bench.report import header, line
from harness.browser import app_and_page, wait_idle

DEEP = ("dataset=spiral&networkShape=8,8,8,8,8,8&x=true&y=true&xSquared=true&ySquared=true&xTimesY=true"
        "&sinX=true&sinY=true&batchSize=10&activation=tanh")
MEASURE_SECONDS = 10.0

# In the page: note when the learner presses, and when the view next changes as asked.
WATCH = """(check) => { window.__npWatch = new Promise((resolve) => {
  const find = () => {  // the view lives in a shadow root (the component's isolated styles)
    for (const host of document.querySelectorAll('*')) {
      const hit = host.shadowRoot && host.shadowRoot.querySelector('.npv');
      if (hit) return hit;
    }
    return document.querySelector('.npv');
  };
  // the clock starts when the learner's press reaches the page (not when the test asks for it)
  let start = null;
  const pressed = (ev) => { if (start === null) start = ev.timeStamp; };
  window.addEventListener('pointerdown', pressed, {capture: true, once: true});
  const armed = performance.now();
  const test = new Function('root', 'return ' + check);
  const poll = () => {
    const root = find();
    let ok = false;
    try { ok = start !== null && root && test(root); } catch (e) { ok = false; }
    if (ok) resolve(performance.now() - start);
    else if (performance.now() - armed > 10000) resolve(-1);
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}); }"""


def counters(page) -> tuple[int, int]:
    epoch = int(page.locator('[data-testid="npv-epoch"]').inner_text().replace(",", ""))
    frames = int(page.locator(".npv").get_attribute("data-frames") or 0)
    return epoch, frames


def measure_play(page, url: str) -> tuple[float, float]:
    page.goto(url)
    wait_idle(page, timeout=120_000)
    page.get_by_role("button", name="Play").click()
    time.sleep(3)
    e0, f0 = counters(page)
    t0 = time.perf_counter()
    time.sleep(MEASURE_SECONDS)
    e1, f1 = counters(page)
    seconds = time.perf_counter() - t0
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    return (f1 - f0) / seconds, (e1 - e0) / seconds


def control_latency(page, url: str) -> list[float]:
    """ms from a learner's click to the new picture, for a feature, a layer and the activation."""
    page.goto(url)
    wait_idle(page, timeout=120_000)
    results = []
    cases = [
        ('.npv-node[data-feature="xSquared"]', "!root.querySelector('.npv-node[data-feature=\"xSquared\"]').classList.contains('npv-off')"),
        ('button[aria-label="add a hidden layer"]', "root.querySelectorAll('.npv-colhead').length === 3"),
        ('button[aria-label="add a neuron to layer 1"]', "root.querySelectorAll('.npv-node[data-layer=\"1\"]').length === 5"),
    ]
    for selector, done in cases:
        page.evaluate(WATCH, done)
        page.locator(selector).first.click()
        results.append(float(page.evaluate("window.__npWatch")))
        wait_idle(page)
    # the activation, through Streamlit's select box
    page.get_by_label("Activation").click()
    page.evaluate(WATCH, "root.textContent.includes('ReLU')")
    page.get_by_role("option", name="ReLU", exact=True).click()
    results.append(float(page.evaluate("window.__npWatch")))
    return results


def main() -> None:
    header("Playground in Chromium (headless, this machine)")
    with app_and_page(height=1000) as (server, page):
        fps, eps = measure_play(page, f"{server.url}/playground?{DEEP}")
        line("deep spiral (6×8, all features): picture frames", fps, "frames/s", target=15,
             reference="TF Playground: 16 frames/s")
        line("deep spiral: epochs shown by the counter", eps, "epochs/s", target=100,
             reference="TF Playground: 16 epochs/s")
        fps, eps = measure_play(page, f"{server.url}/playground")
        line("default network (circle, 4-2): picture frames", fps, "frames/s", target=20,
             reference="TF Playground: ~58.6 (one epoch per frame)")
        line("default network: epochs shown by the counter", eps, "epochs/s", target=300,
             reference="TF Playground: 58.6 epochs/s")
        latencies = control_latency(page, f"{server.url}/playground")
        line("click on a control -> new picture (worst of feature, layer, neuron, activation)",
             max(latencies), "ms", target=300, higher_is_better=False,
             reference=f"each: {', '.join(f'{v:.0f}' for v in latencies)} ms; median {statistics.median(latencies):.0f}")


if __name__ == "__main__":
    main()
