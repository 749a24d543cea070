"""Fuzz: every page opened with hostile query strings, and the custom components sent hostile events, in
Chromium. No exception box or traceback, no slow answer (compared with a normal link to the same page,
measured in the same test), and no link or HTML planted on the class's own pages.

The hostile links: huge, negative, NaN/infinite and malformed numbers, 10 kB values, repeated keys,
unicode and control characters, Markdown/HTML/link injection, unknown keys, and every key any lesson
reads (playground_url, digit_url, the Adversarial lesson's link) with junk. Every key gets several kinds of
junk across the links (the kinds are rotated over the keys, so a page needs a handful of loads, not
hundreds). The component events are fuzzed exhaustively at the Python level in test_component_fuzz.py;
here they go through the real browser channel (the component's own setTriggerValue/setStateValue).
"""

from __future__ import annotations

import re
import time
import zlib
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Page, expect

from harness.browser import after_run, page_errors, wait_idle
from harness.lesson_page import LessonPage
from playground.catalog import LESSONS
from playground.generative.url import KEYS as GENERATIVE_KEYS
from playground.tfplayground.url import HIDABLE, HIDE_SUFFIX, KNOWN_KEYS
from tests.test_drawing import _chunk, _png, _url

pytestmark = pytest.mark.browser

DIGIT_KEYS = ("kind", "source", "hidden", "filters", "kernel", "pool", "activation", "optimizer", "lr", "batch",
              "epochs", "seed")  # playground/digits/url.py
ADVERSARIAL_KEYS = ("attack", "eps", "steps", "target", "digit")  # lessons/adversarial.py lesson_from_link
KEYS = sorted(set(KNOWN_KEYS) | {name + HIDE_SUFFIX for name in HIDABLE} | set(DIGIT_KEYS)
              | set(ADVERSARIAL_KEYS) | set(GENERATIVE_KEYS) | {"hidden"})
PAGES = ["", *(lesson.key for lesson in LESSONS)]  # "" is home

EVIL = "evil.example"
NUMBERS = ["9" * 400, "-1", "-1e9", "NaN", "inf", "-Infinity", "1e308", "-0", "0x1F", "1e-400", " 7 ", "",
           "1_000", "4294967296", "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2", "9999,9999,9999", "1e6", "10000000"]
TEXTS = [f"[x](https://{EVIL})", f"[x](//{EVIL})", "<img src=x onerror=alert(1)>", f"<a href=https://{EVIL}>x</a>",
         f"https://{EVIL}/x", f"<https://{EVIL}>", f"www.{EVIL}", f"me@{EVIL}", f"mailto:me@{EVIL}",
         f"HTTP://{EVIL.upper()}", "javascript:alert(1)", "ß٣𝟘\u202e\u200b\u0007", "\u0000",
         "**bold** `code` # heading", "$x^2$ :red[red] :material/home:", "%ZZ", "a\nb\r\n\tc", "'\"\\;--"]


def _rotated(pool: list[str], offset: int) -> list[tuple[str, str]]:
    return [(key, pool[(i + offset) % len(pool)]) for i, key in enumerate(KEYS)]


HOSTILE: dict[str, dict[str, list[tuple[str, str]]]] = {  # two groups of links, one test each
    "numbers": {
        "numbers": _rotated(NUMBERS, 0),
        "numbers-again": _rotated(NUMBERS, len(NUMBERS) // 2),
        "repeated keys": [(key, value) for key in KEYS for value in ("1", "NaN", "-1e999", "2")],
    },
    "text": {
        "text": _rotated(TEXTS, 0),
        "text-again": _rotated(TEXTS, len(TEXTS) // 2),
        "long values": [("seed", "7" * 10_000), ("hidden", "1," * 5_000), ("networkShape", "8," * 5_000),
                        ("dataset", "x" * 10_000 + f"[x](https://{EVIL})"), ("eps", "0." + "1" * 5_000)],
        "unknown keys": [(key, "1") for key in ("", "__proto__", "constructor", "k" * 2_000, f"[k](https://{EVIL})",
                                                "<b>k</b>", "ключ", "a[]", "../../etc/passwd", "%00")]
                        + [(f"junk{i}", "x") for i in range(200)] + [("seed", f"[x](//{EVIL})")],
    },
}
# Pages that still plant a link from a hostile link's text, with the reason: strict xfails, so a fix shows.
PLANTS_LINKS: dict[str, str] = {}


def _open(page: Page, url: str, timeout: float = 120_000) -> float:
    """Load a page and wait until its script is idle; the seconds that took."""
    start = time.monotonic()
    page.goto(url)
    wait_idle(page, timeout=timeout)
    return time.monotonic() - start


def planted(page: Page) -> list[str]:
    """Links to another host or to javascript:, and HTML event handlers, that a link planted on the page."""
    found = page.locator(f'a[href*="{EVIL}" i], a[href^="javascript:" i]').evaluate_all(
        "links => links.map(a => 'link ' + a.href)")
    found += page.locator("[onerror], [onload]:not(body):not(iframe)").evaluate_all(
        "els => els.map(e => 'handler on <' + e.tagName.toLowerCase() + '>')")
    caught = page.get_by_text("Something went wrong while")  # ui.friendly_errors: an exception it caught
    return found + (["caught exception: " + caught.first.inner_text()[:300]] if caught.count() else [])


_NORMAL: dict[str, float] = {}  # seconds a normal link to each page took, measured once per run


def _cases() -> list:
    out = []
    for path in PAGES:
        for group in HOSTILE:
            marks = [pytest.mark.xfail(strict=True, reason=PLANTS_LINKS[path])] \
                if group == "text" and path in PLANTS_LINKS else []
            out.append(pytest.param(path, group, id=f"{path or 'home'}-{group}", marks=marks))
    return out


@pytest.mark.parametrize(("path", "group"), _cases())
def test_hostile_links_to_every_page(app_server, page: Page, path: str, group: str) -> None:
    base = f"{app_server.url}/{path}"
    if path not in _NORMAL:
        _open(page, base)  # the first visit pays for the page's caches; the second is a normal link's time
        _NORMAL[path] = _open(page, base)
    normal = _NORMAL[path]
    bound = max(15.0, 3 * normal)
    problems = []
    for case, pairs in HOSTILE[group].items():
        query = urlencode(pairs, quote_via=quote)
        try:
            seconds = _open(page, f"{base}?{query}", timeout=bound * 1000 * 2)
        except Exception as error:  # noqa: BLE001 - a page that never settles is a finding, listed below
            problems.append(f"{case}: did not go idle within {bound * 2:.0f} s ({type(error).__name__})")
            continue
        if seconds > bound:
            problems.append(f"{case}: {seconds:.1f} s (a normal link: {normal:.1f} s)")
        problems += [f"{case}: {error[:300]}" for error in page_errors(page)]
        problems += [f"{case}: {found}" for found in planted(page)]
    assert problems == [], f"/{path}: " + "\n".join(problems)


# ------------------------------------------------------------------------------------ component events

VIEW_EVENTS = {  # ui._NETWORK_EVENTS; values as JSON can carry them (NaN and infinities arrive as null)
    "add_point": [{"x": 1e308, "y": -1e308}, {"x": "1", "y": []}, {}, None, 5, "x" * 10_000, [1, 2],
                  {"x": float("nan"), "y": float("inf")}, {"x": 0.5, "y": 0.5, "label": 99}],
    "edit": [{"index": 10**15, "value": 1}, {"index": -1, "value": 1}, {"index": 0, "value": 1e308},
             {"index": "0", "value": "1e999"}, {"index": 0.5, "value": None}, {}, "x", None],
    "toggle_feature": ["nope", "", None, 5, {"x": 1}, ["x"], "x" * 10_000, f"[x](https://{EVIL})"],
    "select_node": [[10**15, 10**15], [-1, -1], [0.5, "a"], [1], [], None, "1,1", {"0": 1}],
    "shape": [{"op": "add_layer"}] * 12 + [{"op": "add_neuron", "layer": 1}] * 12
             + [{"op": "add_neuron", "layer": 10**15}, {"op": "x"}, {}, None, "add_layer", [1]],
}
TRIGGER = "(el, a) => el.getRootNode().__npv.trigger(a[0], a[1])"  # network_view.js: the view's send()


def test_hostile_events_from_the_network_view(app_server, page: Page) -> None:
    """Each event of the Playground's network view, with wrong, huge and malformed values, sent through
    the component's own setTriggerValue: the page answers each (no exception) and stays within limits."""
    _open(page, f"{app_server.url}/playground")
    view = page.locator(".npv").first
    expect(view).to_be_visible(timeout=60_000)
    after_run(page, lambda: view.evaluate(TRIGGER, ["shape", {"op": "add_layer"}]), timeout=60_000)
    expect(page).to_have_url(re.compile(r"networkShape=4(%2C|,)2(%2C|,)2"))  # the event reached Python
    problems = []
    for name, values in VIEW_EVENTS.items():
        for value in values:
            start = time.monotonic()
            after_run(page, lambda n=name, v=value: view.evaluate(TRIGGER, [n, v]), timeout=60_000)
            seconds = time.monotonic() - start
            if seconds > 15:
                problems.append(f"{name} {str(value)[:60]}: {seconds:.1f} s")
            problems += [f"{name} {str(value)[:60]}: {e[:300]}" for e in page_errors(page) + planted(page)]
    assert problems == [], "\n".join(problems)
    assert page.locator('[data-testid="npv-epoch"]').is_visible()


PAD = "(el, v) => el.getRootNode().__npPad.send('drawing', v)"  # digit_pad.js: its setStateValue
PAD_VALUES = [
    {"png": "data:image/gif;base64,R0lGODlhAQABAAAAACw=", "strokes": []},
    {"png": _url(_png(20_000, 20_000)), "strokes": []},  # a decompression bomb's header
    {"png": _url(_png(10, 10, _chunk(b"zTXt", b"k\x00\x00" + zlib.compress(bytes(5_000_000))))), "strokes": []},
    {"png": "data:image/png;base64,iVBORw0KGgo=", "strokes": [[[1e308, -1e308]]]},
    {"png": "data:image/png;base64," + "A" * 1_500_000, "strokes": None},
    {"png": "javascript:alert(1)", "strokes": "x"},
    {"png": 5, "strokes": [[["a", None]]]},
    {"png": ["x"], "strokes": [[[1, 2]] * 5000]},
    {"png": None, "strokes": [[float("nan"), 0]]},
    {"strokes": [[[0, 0], [280, 280]]]},
    "drawing",
    None,
    [],
]


def test_hostile_values_from_the_drawing_pad(app_server, page: Page) -> None:
    """The Draw page's pad sends what its setStateValue is given: each hostile value gets a message (or
    an empty pad), never an exception; a real drawing afterwards is still read."""
    lp = LessonPage(page, app_server.url, "mnist").open("/mnist-draw")
    lp.quick_model()
    pad = page.locator("canvas.npp-canvas").first
    expect(pad).to_be_visible(timeout=60_000)
    after_run(page, lambda: pad.evaluate(PAD, PAD_VALUES[0]), timeout=60_000)
    expect(page.get_by_text("did not arrive as a PNG picture")).to_be_visible()  # the value reached Python
    problems = []
    for value in PAD_VALUES:
        after_run(page, lambda v=value: pad.evaluate(PAD, v), timeout=60_000)
        problems += [f"{str(value)[:60]}: {e[:300]}" for e in page_errors(page) + planted(page)]
    assert problems == [], "\n".join(problems)
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 140, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 240, steps=12)
    after_run(page, page.mouse.up, timeout=60_000)
    expect(page.get_by_text(re.compile(r"^Read as \d"))).to_be_visible(timeout=30_000)
    assert page_errors(page) == []
