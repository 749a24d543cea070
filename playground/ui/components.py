"""The custom components (Streamlit components v2), all made by one factory from the files in web/: the
Playground's network view, the frame pump and live pictures, the digit pad, the dataset picker, a cookie
writer; and whether a click is waiting for the page (a training loop's stop signal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from playground.render.png import data_uri
from playground.ui.resources import dataset_thumbnail_png

WEB = Path(__file__).resolve().parent / "web"  # each component's script and style sheet
_NETWORK_EVENTS = ("add_point", "edit", "toggle_feature", "select_node", "shape")


@st.cache_resource
def component(name: str, html: str = "<span></span>") -> Any:
    """The one factory of the app's components: web/<name>.js, with web/<name>.css when there is one,
    mounted in `html`; made once per server process (its files are read once)."""
    css = WEB / f"{name}.css"
    return st.components.v2.component(f"np_{name}", html=html, js=(WEB / f"{name}.js").read_text(),
                                      css=css.read_text() if css.exists() else None)


def network_view(data: dict, key: str, on_event: Callable[[str, Any], None]) -> None:
    """Mount the live network view; each learner action calls on_event(name, value) before the rerun."""

    def handler(name: str) -> Callable[[], None]:
        def call() -> None:
            value = getattr(st.session_state.get(key), name, None)
            if value is not None:
                on_event(name, value)

        return call

    callbacks = {f"on_{name}_change": handler(name) for name in _NETWORK_EVENTS}
    component("network_view", "<div class='npv-root'></div>")(data=data, key=key, **callbacks)


def rerun_requested() -> bool:
    """Whether the learner has done something the page must answer (a click queued for a rerun).

    A training loop calls this every frame and returns when it is true: a click inside a fragment
    does not interrupt a running script on its own (Streamlit queues it), so the loop must yield.
    Reads Streamlit 1.67's request queue (pinned in requirements.txt).
    """
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    requests = getattr(ctx, "script_requests", None)
    # a rerun, or a stop (the tab was closed): either way the loop has nothing more to do
    return requests is not None and getattr(requests, "_state", None) in (ScriptRequestType.RERUN,
                                                                          ScriptRequestType.STOP)


def frame_pump(events: dict[str, dict]) -> None:
    """Send one training frame to the live views on this page, {channel: frame} (see web/frame_pump.js)."""
    component("frame_pump")(data={"events": [{"channel": c, "frame": f} for c, f in events.items()]})


def live_image(png: bytes, channel: str, key: str, alt: str = "", width: int = 360) -> None:
    """A picture that frame_pump({channel: {"src": data URI}}) can replace while training plays."""
    src = data_uri(png)
    component("live_image", "<img>")(data={"src": src, "channel": channel, "alt": alt, "width": width}, key=key)


def digit_pad(key: str, remembered: dict | None = None, size: int = 280, ink: int = 20) -> dict | None:
    """The drawing pad (web/digit_pad.js): {"png": data URL, "strokes": [...]}, or None while it is empty.

    It answers the moment a stroke ends (streamlit-drawable-canvas waits 200 ms after every stroke before
    it tells Python, which alone used up the lesson's 200 ms from stroke to reading). Streamlit forgets a
    widget's value when the learner leaves its page: `remembered`, the last drawing this returned, is
    drawn on the pad again and returned until the learner draws or clears.
    """
    from playground.digits.drawing import pad_strokes

    value = getattr(st.session_state.get(key), "drawing", None)
    shown = value if isinstance(value, dict) else remembered
    strokes = pad_strokes(shown.get("strokes"), side=size) if isinstance(shown, dict) else []
    result = component("digit_pad", "<div class='npp'></div>")(data={"size": size, "ink": ink, "strokes": strokes}, key=key,
                                    default={"drawing": None}, on_drawing_change=lambda: None)
    drawing = result.get("drawing")
    if drawing is None:  # a pad mounted afresh
        drawing = remembered
    if not isinstance(drawing, dict) or not drawing.get("png"):
        return None
    return drawing


def latent_pad(key: str, background_png: bytes, extent: tuple[float, float, float, float], decoder: dict,
               on_point: Callable[[tuple[float, float]], None] | None = None, marks: list | None = None,
               point: tuple[float, float] | None = None, size: int = 320, digit_size: int = 168,
               on_bad: Callable[[str], None] | None = None) -> None:
    """The latent pad (web/latent_pad.js): the map picture of `extent` (x0, x1, y0, y1); a click or drag
    decodes the point in the browser with `decoder` (vae.LatentTrainer.decoder_payload) and draws the digit
    live. On release on_point((x, y)) runs before the rerun, once the point is checked (on_bad(message) if
    it is not a point). `marks`: up to two codes drawn as A and B; `point`: the crosshair of a new pad."""
    from playground.generative.latent import checked_point, marks_payload

    def released() -> None:
        value, problem = checked_point(getattr(st.session_state.get(key), "z", None))
        if value is not None and on_point is not None:
            on_point(value)
        elif problem is not None and on_bad is not None:
            on_bad(problem)

    data = {"background": data_uri(background_png), "extent": [float(v) for v in extent], "decoder": decoder,
            "marks": marks_payload(marks or []), "point": None if point is None else [float(point[0]), float(point[1])],
            "size": size, "digit_size": digit_size}
    component("latent_pad", "<div class='nlp'></div>")(data=data, key=key, on_z_change=released)


def dataset_picker(names: list[str], labels: dict[str, str], selected: str | None, key: str,
                   on_pick: Callable[[str], None]) -> None:
    """TF's clickable dataset thumbnails; on_pick(name) runs before the rerun."""

    def picked() -> None:
        name = getattr(st.session_state.get(key), "pick", None)
        if name in names:
            on_pick(name)

    items = [
        {"name": n, "label": labels.get(n, n),
         "src": data_uri(dataset_thumbnail_png(n))}
        for n in names
    ]
    component("dataset_picker", "<div class='npd'></div>")(data={"items": items, "selected": selected}, key=key, on_pick_change=picked)


def cookie_writer() -> Any:
    """Sets the cookies a run hands it (web/set_cookie.js; see access.write_pending_cookie)."""
    return component("set_cookie")
