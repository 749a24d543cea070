"""Look inside the digit network: each layer's response to one digit, what units look for, mistakes."""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground import catalog, ui
from playground.digits import inspection
from playground.digits.explainers import InsideView as View
from playground.digits.explainers import with_terms
from playground.digits.lesson import DigitLesson
from playground.digits.pictures import (
    FIRST_LAYER_SHOWN,
    digit_picture,
    digit_sheet,
    first_layer_picture,
    layer_picture,
    prediction_cards,
)
from playground.digits.predictions import most_confused, most_confused_prediction
from playground.digits.tryouts import INSIDE_TRYOUTS
from playground.glossary import explain
from playground.render import charts
from playground.render.colors import RIGHT_HEX
from playground.render.png import encode_png
from playground.render.probability_bars import probability_bars

LESSON = "mnist-inside"
STATE = catalog.lesson_by_key(LESSON).state_key  # the three digit pages share one state
KEY = lambda name: ui.widget_key(STATE, name)  # noqa: E731
CARD_COLUMNS = 4  # prediction cards a row: 800 pixels, shown at their own size (readable) at 1280 wide too


lesson: DigitLesson = ui.digit_lesson()
ui.show_seed(lesson.config.seed)
ui.lesson_header(
    LESSON,
    "A trained network is not a black box: every layer turns the digit into numbers you can look at. "
    "Follow one digit through the layers, see which patterns the first units look for and which test "
    "digits excite them most, and find out where — and how confidently — the network goes wrong.",
)
ui.try_this(INSIDE_TRYOUTS, lesson, STATE)

ui.require_digit_model(lesson)
trainer = lesson.trainer

digits = ui.digit_data(lesson.trained_on)
names = digits.class_names
test_images, test_labels = trainer.data.test_images.numpy(), trainer.data.test_labels.numpy()
probs = lesson.test_probabilities()
predicted = probs.argmax(axis=1)
accuracy = inspection.accuracy(test_labels, predicted)
st.caption(f"{trainer.spec.describe()} · {trainer.epoch:.2f} epochs on {digits.name} · "
           f"test accuracy **{accuracy:.1%}** on {len(test_labels):,} test images")
if lesson.training:
    st.warning("This network is still training on the training page; these views show it as it is now.")


def one_digit() -> None:
    st.session_state.setdefault(KEY("digit"), 0)
    c1, c2, c3 = st.columns([2, 1, 1])
    c2.button("Random digit", key=KEY("random"), on_click=lambda: st.session_state.update(
        {KEY("digit"): int(np.random.default_rng().integers(len(test_labels)))}))
    wrong = inspection.mistakes(test_labels, predicted)

    def next_mistake() -> None:
        following = inspection.next_mistake(wrong, st.session_state[KEY("digit")])
        if following is not None:
            st.session_state[KEY("digit")] = following

    c3.button("Next mistake", key=KEY("next-mistake"), on_click=next_mistake, disabled=not len(wrong))
    index = c1.number_input("Test digit number", 0, len(test_labels) - 1, key=KEY("digit"),
                            help="Which of the test digits, the digits the network never trains on.")
    reading = inspection.read(trainer.model, test_images[index], len(names))
    left, right = st.columns([1, 2])
    with left:
        st.image(encode_png(digit_picture(test_images[index], 6)), width=168,
                 caption=f"Label {names[test_labels[index]]} · read as {names[reading.best]} "
                         f"({reading.confidence:.0%})")
        st.vega_lite_chart(*probability_bars({"probability": reading.probabilities}, names,
                                             highlight=int(test_labels[index]), highlight_colour=RIGHT_HEX,
                                             height=180), width="stretch")
    with right:
        for layer in reading.layers:
            v = layer.values
            if layer.is_map:
                st.markdown(f"**{layer.name}** — {v.shape[0]} feature maps of {v.shape[1]}×{v.shape[2]} "
                            "(dark = strong response)", help=explain("feature map"))
            else:
                st.markdown(f"**{layer.name}** — {v.shape[0]} numbers (blue positive, orange negative)",
                            help=explain("logits", "softmax") if layer.name == "logits" else None)
            st.image(encode_png(layer_picture(v, map_side=56, cells=(12, 8),
                                                  class_names=names if layer.name == "logits" else None)))


def units() -> None:
    weights = inspection.first_layer_weights(trainer.model)
    kind = "unit's weights over the 28×28 pixels" if weights.shape[1] == 28 else "filter"
    st.markdown(f"**First layer: each {kind}** (blue: more ink here raises the unit's output; orange: lowers it). "
                f"Showing {min(len(weights), FIRST_LAYER_SHOWN)} of {len(weights)}.",
                help=explain("weight", "filter") if kind == "filter" else explain("weight"))
    st.image(encode_png(first_layer_picture(weights)))
    stages = inspection.unit_stages(trainer.model)
    c1, c2 = st.columns(2)
    stage = c1.selectbox("Layer", stages, key=KEY("unit-layer"))
    responses = lesson.responses(stage)
    unit = c2.number_input("Unit", 0, responses.shape[1] - 1, 0, key=KEY(f"unit-{stage}"))
    best = inspection.top_images(responses, int(unit), k=18)
    st.markdown(f"**The test digits that excite unit {unit} of {stage} most** (strongest first):")
    st.image(encode_png(digit_sheet(test_images[best], ncols=9)))


def mistakes() -> None:
    confusion = inspection.confusion_matrix(test_labels, predicted, len(names))
    most = most_confused(confusion)
    if most is not None:  # predict, then check: the matrix shows once the learner has committed a guess
        question = most_confused_prediction(f"{id(trainer):x}-{trainer.version}", names)
        guess = ui.lesson_guesses(LESSON).guess(question.key)
        if ui.predict_then_check(question.key, LESSON, question.question, question.choices, most.answer(names, guess),
                                 detail=most.detail(names)) is None:
            return
    left, right = st.columns([1.2, 1])
    with left:
        st.markdown("**Confusion matrix** — click a cell to see those digits.", help=explain("confusion matrix"))
        event = st.altair_chart(charts.confusion_chart(confusion, names), on_select="rerun", key=KEY("confusion"),
                                width="content")
        chosen = charts.chosen_cell(event.selection if event else None)
    with right:
        st.markdown("**Accuracy per class**", help=explain("accuracy"))
        st.altair_chart(charts.class_accuracy_chart(inspection.per_class_accuracy(confusion), names), width="stretch")
    if chosen:
        t, p = chosen
        idx = inspection.cell_examples(test_labels, predicted, t, p)
        what = "read correctly" if t == p else f"read as {names[p]}"
        st.markdown(f"**{len(idx)} test digits labelled {names[t]}, {what}**" + (" (the first 60)" if len(idx) > 60 else ""))
        if len(idx):
            st.image(encode_png(digit_sheet(test_images[idx[:60]], ncols=20)))
    st.markdown("**The most confident mistakes**")
    worst = inspection.confident_mistakes(probs, test_labels, k=12)
    if len(worst):
        classes, top = inspection.top_classes(probs[worst])
        st.image(encode_png(prediction_cards(test_images[worst], test_labels[worst], classes, top, names,
                                             ncols=CARD_COLUMNS)))
    else:
        st.success("No mistakes on the test set.")


def predictions() -> None:
    st.markdown("Test digits with the network's three best guesses, as ConvNetJS shows them: "
                "**green** bars are the true class, **red** the others; a red frame means the first guess is wrong.")
    if st.button("Show other digits", key=KEY("shuffle-cards")):
        st.session_state[KEY("cards-seed")] = int(np.random.default_rng().integers(1 << 30))
    pick = inspection.sample_indices(len(test_labels), 36, st.session_state.get(KEY("cards-seed"), lesson.config.seed))
    classes, top = inspection.top_classes(probs[pick])
    right = inspection.accuracy(test_labels[pick], classes[:, 0])
    st.image(encode_png(prediction_cards(test_images[pick], test_labels[pick], classes, top, names, ncols=CARD_COLUMNS)))
    st.caption(f"{right:.0%} of these {len(pick)} right (the whole test set: {accuracy:.1%}).")


SHOW = {View.ONE_DIGIT: one_digit, View.UNITS: units, View.MISTAKES: mistakes, View.PREDICTIONS: predictions}
view = ui.view_row(View, View.ONE_DIGIT, KEY("view-heading"), KEY("inside-view"), with_terms)
if view is not None:
    SHOW[view]()
