"""A tiny Streamlit page with only the latent pad, for tests/test_browser_latent_pad.py: it mounts
`ui.latent_pad` with the map, extent, marks and decoder weights a test wrote to the JSON file named by
NP_LATENT_PAD_FIXTURE, and prints the point Python received."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import streamlit as st

from playground.text import escape_markdown
from playground.ui.components import latent_pad

fixture = json.loads(Path(os.environ["NP_LATENT_PAD_FIXTURE"]).read_text())


def received(point: tuple[float, float]) -> None:
    st.session_state["received"] = point


def refused(message: str) -> None:
    st.session_state["refused"] = message


latent_pad("pad", base64.b64decode(fixture["background"]), tuple(fixture["extent"]), fixture["decoder"],
           on_point=received, marks=fixture["marks"], on_bad=refused)
point = st.session_state.get("received")
st.markdown(escape_markdown("Python received: " + ("nothing yet" if point is None else f"{point[0]:.6f}, {point[1]:.6f}")))
if "refused" in st.session_state:
    st.markdown(escape_markdown("Refused: " + st.session_state["refused"]))
if fixture.get("map"):
    st.vega_lite_chart(fixture["map"], use_container_width=False)
