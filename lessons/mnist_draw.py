"""Draw your own digit: your network reads it live, layer by layer; teach it your handwriting."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from playground import digit_inspect as inspect
from playground import ui
from playground.digit_drawing import EmptyDrawing, mnist_from_canvas
from playground.digit_lesson import DigitLesson
from playground.digit_pictures import image_grid, ink_on_paper, maps_grid, vector_strip
from playground.png import encode_png, upscale

LESSON = "mnist-draw"
STATE = "mnist"
KEY = lambda name: ui.widget_key(STATE, name)  # noqa: E731
CANVAS = 280

lesson: DigitLesson = ui.lesson_state(STATE, DigitLesson)
ui.show_seed(lesson.config.seed)
ui.lesson_header(
    LESSON,
    "Draw a digit with the mouse (or a finger). It is prepared the way MNIST's digits were — the ink's "
    "bounding box scaled into 20×20 pixels and centred by its mass in 28×28 — and your network reads it "
    "at once. If it gets your handwriting wrong, add a few of your drawings to its training set and "
    "retrain: watch it learn *your* 7.",
)
ui.try_this([
    ("Draw a 7 with a bar, then without", "see which version your network prefers, and how sure it is."),
    ("Draw a 1 very thin, then very bold", "the preprocessing keeps the shape, not the pen: look at the 28×28 picture."),
    ("Draw a digit off-centre and small", "it still works: the bounding box is scaled and centred, as for MNIST."),
    ("Teach it: add five of your 4s and retrain", "your 4s move from wrong to right; does it still read MNIST's 4s?"),
])

ui.require_digit_model(lesson, STATE)
trainer = lesson.trainer

names = ui.digit_data(lesson.trained_on).class_names
if len(names) != 10 or not names[0].isdigit():
    st.warning(f"Your network was trained on {lesson.trained_on}, whose classes are not digits; "
               "drawings are read as those classes.")

try:  # the canvas component needs a running app server (it raises inside AppTest)
    from streamlit_drawable_canvas import st_canvas
except Exception:  # noqa: BLE001
    st_canvas = None

draw_col, read_col = st.columns([1, 2], gap="large")
digit = None
with draw_col:
    st.markdown("**Draw here**")
    if st_canvas is None:
        st.warning("The drawing canvas cannot start here; open the app with `make run` to draw.")
        canvas = None
    else:
        canvas = st_canvas(stroke_width=20, stroke_color="#FFFFFF", background_color="#000000", width=CANVAS,
                           height=CANVAS, drawing_mode="freedraw", return_image_data=True,
                           key=KEY(f"canvas-{st.session_state.get(KEY('canvas-round'), 0)}"))
    if st.button("Clear", icon=":material/ink_eraser:", key=KEY("clear-canvas")):
        st.session_state[KEY("canvas-round")] = st.session_state.get(KEY("canvas-round"), 0) + 1
        st.rerun()
    if canvas is not None and canvas.image_data is not None:
        try:
            digit = mnist_from_canvas(canvas.image_data)
            lesson.last_drawing = digit
        except EmptyDrawing as empty:
            st.info(str(empty), icon=":material/draw:")

with read_col:
    if digit is None:
        st.markdown("Your network's reading appears here as soon as you draw.")
    else:
        layers, p = inspect.activations(trainer.model, digit)
        best = int(p.argmax())
        c1, c2 = st.columns([1, 2])
        with c1:
            st.image(encode_png(upscale(ink_on_paper(digit), 5)), width=140, caption="As the network sees it (28×28)")
            st.markdown(f"### Read as **{names[best]}**")
            st.caption(f"{p[best]:.0%} sure" + (" — not very sure" if p[best] < 0.6 else ""))
        with c2:
            bars = pd.DataFrame({"class": list(names), "probability": p, "best": [i == best for i in range(len(names))]})
            st.altair_chart(alt.Chart(bars).mark_bar().encode(
                x=alt.X("class:N", sort=list(names)), y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1])),
                color=alt.condition("datum.best", alt.value("#0877bd"), alt.value("#9aa5b1")),
                tooltip=["class", alt.Tooltip("probability:Q", format=".1%")]).properties(height=190),
                width="stretch")
        for layer in layers:
            v = layer.values
            if layer.is_map:
                st.caption(f"{layer.name}: {v.shape[0]} feature maps")
                st.image(encode_png(maps_grid(v, ncols=min(16, v.shape[0]), scale=max(1, 42 // v.shape[1]))))
            else:
                st.caption(f"{layer.name}: {v.shape[0]} numbers")
                st.image(encode_png(vector_strip(v, cell=10 if v.shape[0] <= 64 else 6)))

# ------------------------------------------------------------------------------------------------ teach it
st.subheader("Teach it your handwriting")
c1, c2, c3 = st.columns([1.2, 1, 2])
label = c1.selectbox("This drawing is a", range(len(names)), format_func=lambda i: names[i], key=KEY("label"))
if c2.button("Add to my training set", icon=":material/add:", key=KEY("add"), disabled=digit is None,
             help="Draw something first." if digit is None else None):
    lesson.add_drawing(digit, int(label))
    st.toast(f"Added a {names[label]}: {len(lesson.extra)} drawings of yours.")
counts = lesson.drawing_counts()
c3.markdown("Your drawings: " + (", ".join(f"{names[i]}: {n}" for i, n in enumerate(counts) if n) or "none yet"))
if len(lesson.extra):
    mine = np.stack(lesson.extra.images)
    readings = trainer.probabilities(mine).argmax(axis=1)
    right = readings == np.asarray(lesson.extra.labels)
    st.image(encode_png(upscale(image_grid(ink_on_paper(mine[-30:]), ncols=15, pad=2), 2)),
             caption=f"Your latest drawings — the network reads {right.sum()} of {len(right)} correctly now")
    r1, r2 = st.columns([1, 3])
    if r1.button("Retrain with my drawings", type="primary", icon=":material/model_training:", key=KEY("retrain"),
                 disabled=lesson.training):
        trainer.extra = lesson.extra
        trainer.continue_for(2)
        with st.spinner("Training two more epochs with your drawings mixed in…"):
            while not trainer.finished:
                trainer.train_slice(0.5)
                if ui.rerun_requested():
                    break
        after = trainer.probabilities(mine).argmax(axis=1) == np.asarray(lesson.extra.labels)
        st.success(f"Now {after.sum()} of {len(after)} of your drawings are read correctly "
                   f"(before: {right.sum()}); test accuracy {trainer.history[-1].test_accuracy:.1%}.")
    r2.button("Forget my drawings", key=KEY("forget-drawings"), on_click=lesson.clear_drawings)
