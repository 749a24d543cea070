"""Draw your own digit: your network reads it live, layer by layer; teach it your handwriting."""

from __future__ import annotations

import zlib

import numpy as np
import streamlit as st

from playground import catalog, ui
from playground.digits import inspection
from playground.digits.drawing import BadPicture, EmptyDrawing, mnist_from_canvas, picture_from_data_url
from playground.digits.explainers import Part, explainer, with_terms
from playground.digits.lesson import MAX_DRAWINGS, TEACH_EPOCHS, DigitLesson
from playground.digits.pictures import digit_picture, digit_sheet, layer_picture
from playground.digits.tryouts import DRAW_TRYOUTS
from playground.glossary import explain
from playground.render.png import data_uri, encode_png
from playground.render.probability_bars import probability_bars
from playground.training_driver import TrainingLimits, limit_message

LESSON = "mnist-draw"
STATE = catalog.lesson_by_key(LESSON).state_key  # the three digit pages share one state
KEY = lambda name: ui.widget_key(STATE, name)  # noqa: E731
CANVAS = 280

lesson: DigitLesson = ui.digit_lesson()
ui.show_seed(lesson.config.seed)
ui.lesson_header(
    LESSON,
    "Draw a digit with the mouse (or a finger). It is prepared the way MNIST's digits were — the ink's "
    "bounding box scaled into 20×20 pixels and centred by its mass in 28×28 — and your network reads it "
    "at once. Here digits are white ink on black — the pad, the 28×28 picture, your drawings — as MNIST "
    "stores them and the network gets them. If it gets your handwriting wrong, add a few of your drawings "
    "to its training set and retrain: watch it learn *your* 7.",
)
ui.try_this(DRAW_TRYOUTS, lesson, STATE)

ui.require_digit_model(lesson)
trainer = lesson.trainer

digits = ui.digit_data(lesson.trained_on)
names = digits.class_names
if not digits.classes_are_digits:
    st.warning(f"Your network was trained on {lesson.trained_on}, whose classes are not digits; "
               "drawings are read as those classes.")


def show_reading(digit: np.ndarray | None, note: str) -> inspection.Reading:
    """The digit as the network sees it, what it reads, and every layer's activations (the reading is
    returned). Before anything is drawn the same places show a blank digit, `note` and empty bars, so a
    stroke only changes what is in them (the browser updates the page instead of building it)."""
    reading = inspection.read(trainer.model, digit, len(names))
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                      key=KEY("heading-reading")):
        st.markdown("**What your network reads**", help=explain("softmax"), width="content")
        ui.looking_at(explainer(Part.DRAW_READING))
    c1, c2 = st.columns([1, 2])
    with c1:
        blank = np.zeros((28, 28), dtype=np.uint8)
        st.image(data_uri(encode_png(digit_picture(blank if digit is None else digit, 5, paper=False))), width=140,
                 caption="As the network sees it (28×28)")
        if reading.best is None:
            st.markdown(note)
        else:
            st.markdown(f"### Read as **{names[reading.best]}**")
            st.caption(f"{reading.confidence:.0%} sure" + (" — not very sure" if reading.unsure else ""))
    with c2:
        st.vega_lite_chart(*probability_bars({"probability": reading.probabilities}, names, highlight=reading.best,
                                             height=190), width="stretch")
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                      key=KEY("heading-layers")):
        st.markdown("**Layer by layer**", width="content")
        ui.looking_at(with_terms(Part.DRAW_LAYERS))
    for layer in reading.layers:
        v = layer.values
        words = "logits" if layer.name == "logits" else "feature map" if layer.is_map else None
        st.caption(f"{layer.name}: {v.shape[0]} feature maps" if layer.is_map else f"{layer.name}: {v.shape[0]} numbers",
                   help=explain(words) if words else None)
        st.image(data_uri(encode_png(layer_picture(v, map_side=42, cells=(10, 6),
                                                      class_names=names if layer.name == "logits" else None))))
    return reading


@st.fragment
def draw_and_read() -> None:
    """The pad, the reading and 'add it to my training set'. A fragment: a stroke reruns only this."""
    draw_col, read_col = st.columns([1, 2], gap="large")
    digit = None
    with draw_col:
        st.markdown("**Draw here**")
        drawing = lesson.pad_drawing = ui.digit_pad(KEY("pad"), lesson.pad_drawing, size=CANVAS)
        if drawing is not None:
            try:
                digit = mnist_from_canvas(picture_from_data_url(drawing.get("png")))
                lesson.last_drawing = digit
            except EmptyDrawing as empty:
                st.info(str(empty), icon=":material/draw:")
            except BadPicture as bad:
                st.warning(f"{bad} Clear the pad and draw again.", icon=":material/broken_image:")
    with read_col:
        reading = show_reading(digit, "Your network's reading appears here as soon as you draw.")

    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                      key=KEY("heading-teach")):
        st.subheader("Teach it your handwriting", width="content")
        ui.looking_at(explainer(Part.DRAW_TEACH))
    c1, c2, c3 = st.columns([1.2, 1, 2])
    # a box per drawing (and per network: retrained, it reads anew), starting at the network's reading: a
    # learner only changes it where the network is wrong
    drawing_id = "none" if digit is None else f"{zlib.crc32(digit.tobytes()):08x}-{trainer.version}"
    label = c1.selectbox("This drawing is a", range(len(names)), index=reading.best, format_func=lambda i: names[i],
                         key=KEY(f"label-{drawing_id}"), placeholder="Draw a digit first")
    full = lesson.drawings_full
    if c2.button("Add to my training set", icon=":material/add:", key=KEY("add"), disabled=digit is None or full,
                 help=f"{MAX_DRAWINGS} drawings are kept at most: forget them to add others." if full else
                 "Draw something first." if digit is None else None) \
            and digit is not None and label is not None and lesson.add_drawing(digit, int(label)):
        kept = len(lesson.extra)
        st.toast(f"Added a {names[label]}: {kept} drawing{'' if kept == 1 else 's'} of yours.")
        st.rerun()  # the whole page: the list of your drawings below changes too
    c3.markdown("Your drawings: " + (lesson.drawing_counts_text(names) or "none yet"))


draw_and_read()
if len(lesson.extra):
    right = lesson.drawings_read_right()
    latest = digit_sheet(np.stack(lesson.extra.images[-30:]), ncols=min(15, len(lesson.extra)), paper=False)
    st.image(encode_png(latest), width=latest.shape[1])  # its own size: a short sheet is not stretched
    st.caption(f"Your latest drawings — the network reads {right.sum()} of {len(right)} correctly now")
    r1, r2, _ = st.columns([1.6, 1.2, 1.8])  # wide enough for the buttons' words at 1280 pixels
    if r1.button("Retrain with my drawings", type="primary", icon=":material/model_training:", key=KEY("retrain"),
                 disabled=lesson.training, help="A few more epochs of training, your drawings mixed in with "
                                                "the training images.\n\n" + explain("epoch")):
        # through the training driver, as every training: the class's slot and limits apply
        limits = TrainingLimits.of_class(ui.class_config().limits)
        epochs = limits.epochs(TEACH_EPOCHS)
        run = lesson.teach_drawings(epochs)
        with st.spinner(f"Training {epochs} more epoch{'s' if epochs > 1 else ''} with your drawings mixed in…"):
            outcome = ui.train(trainer, run, limits)
        after = lesson.drawings_read_right()
        limit = limit_message(outcome, limits)
        st.session_state[KEY("taught")] = (
            f"Now {after.sum()} of {len(after)} of your drawings are read correctly (before: {right.sum()}); "
            f"test accuracy {trainer.history[-1].test_accuracy:.1%}." + (f" {limit}" if limit else ""))
        st.rerun()  # the whole page again: the reading above comes from the retrained network, not the old one
    r2.button("Forget my drawings", key=KEY("forget-drawings"), on_click=lesson.clear_drawings)
    taught = st.session_state.pop(KEY("taught"), None)  # what the last retraining did, said once
    if taught:
        st.success(taught)
