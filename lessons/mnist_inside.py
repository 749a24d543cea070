"""Look inside the digit network: each layer's response to one digit, what units look for, mistakes."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from playground import catalog, ui
from playground.digits import inspection as inspect
from playground.digits.lesson import DigitLesson
from playground.digits.pictures import (
    image_grid,
    ink_on_paper,
    maps_grid,
    prediction_cards,
    vector_strip,
    weights_grid,
)
from playground.render.colors import RIGHT_HEX
from playground.render.png import encode_png, upscale
from playground.render.probability_bars import probability_bars

LESSON = "mnist-inside"
STATE = catalog.lesson_by_key(LESSON).state_key  # the three digit pages share one state
KEY = lambda name: ui.widget_key(STATE, name)  # noqa: E731
VIEWS = ["One digit, layer by layer", "What the units look for", "Mistakes", "Test predictions"]

lesson: DigitLesson = ui.digit_lesson()
ui.show_seed(lesson.config.seed)
ui.lesson_header(
    LESSON,
    "A trained network is not a black box: every layer turns the digit into numbers you can look at. "
    "Follow one digit through the layers, see which patterns the first units look for and which test "
    "digits excite them most, and find out where — and how confidently — the network goes wrong.",
)
ui.try_this([
    ("Look at the first layer's templates of an MLP", "blurry strokes and blobs: each unit scores how much the digit matches its blue parts and avoids its orange ones."),
    ("Open the confusion matrix and click the largest number off the diagonal", "those digits are hard even for people: 4 vs 9, 3 vs 5, 7 vs 2."),
    ("Check the most confident mistakes", "some are mislabelled in MNIST itself."),
])

ui.require_digit_model(lesson)
trainer = lesson.trainer

digits = ui.digit_data(lesson.trained_on)
names = digits.class_names
test_images, test_labels = trainer.data.test_images.numpy(), trainer.data.test_labels.numpy()
probs = lesson.test_probabilities()
predicted = probs.argmax(axis=1)
accuracy = float((predicted == test_labels).mean())
st.caption(f"{trainer.spec.describe()} · {trainer.epoch:.2f} epochs on {digits.name} · "
           f"test accuracy **{accuracy:.1%}** on {len(test_labels):,} test images")
if lesson.training:
    st.warning("This network is still training on the training page; these views show it as it is now.")

view = st.segmented_control("View", VIEWS, default=VIEWS[0], key=KEY("inside-view"), label_visibility="collapsed")

if view == VIEWS[0]:
    st.session_state.setdefault(KEY("digit"), 0)
    c1, c2, c3 = st.columns([2, 1, 1])
    c2.button("Random digit", key=KEY("random"), on_click=lambda: st.session_state.update(
        {KEY("digit"): int(np.random.default_rng().integers(len(test_labels)))}))
    wrong = np.flatnonzero(predicted != test_labels)

    def next_mistake() -> None:
        later = wrong[wrong > st.session_state[KEY("digit")]]
        if len(wrong):
            st.session_state[KEY("digit")] = int(later[0] if len(later) else wrong[0])

    c3.button("Next mistake", key=KEY("next-mistake"), on_click=next_mistake, disabled=not len(wrong))
    index = c1.number_input("Test digit number", 0, len(test_labels) - 1, key=KEY("digit"))
    layers, p = inspect.activations(trainer.model, test_images[index])
    left, right = st.columns([1, 2])
    with left:
        st.image(encode_png(upscale(ink_on_paper(test_images[index]), 6)), width=168,
                 caption=f"Label {names[test_labels[index]]} · read as {names[int(p.argmax())]} ({p.max():.0%})")
        st.vega_lite_chart(*probability_bars({"probability": p}, names, highlight=int(test_labels[index]),
                                             highlight_colour=RIGHT_HEX, height=180), width="stretch")
    with right:
        for layer in layers:
            v = layer.values
            if layer.is_map:
                st.markdown(f"**{layer.name}** — {v.shape[0]} feature maps of {v.shape[1]}×{v.shape[2]} "
                            "(dark = strong response)")
                st.image(encode_png(maps_grid(v, ncols=min(16, v.shape[0]), scale=max(1, 56 // v.shape[1]))))
            else:
                st.markdown(f"**{layer.name}** — {v.shape[0]} numbers (blue positive, orange negative)")
                st.image(encode_png(vector_strip(v, cell=12 if v.shape[0] <= 64 else 8)))

elif view == VIEWS[1]:
    weights = inspect.first_layer_weights(trainer.model)
    shown = weights[:64]
    kind = "unit's weights over the 28×28 pixels" if weights.shape[1] == 28 else "filter"
    st.markdown(f"**First layer: each {kind}** (blue: more ink here raises the unit's output; orange: lowers it). "
                f"Showing {len(shown)} of {len(weights)}.")
    st.image(encode_png(weights_grid(shown, ncols=16, scale=2 if weights.shape[1] == 28 else 8)))
    stages = [n for n in trainer.model.names if n not in ("flatten",)]
    c1, c2 = st.columns(2)
    stage = c1.selectbox("Layer", stages, key=KEY("unit-layer"))
    responses = lesson.responses(stage)
    unit = c2.number_input("Unit", 0, responses.shape[1] - 1, 0, key=KEY(f"unit-{stage}"))
    best = inspect.top_images(responses, int(unit), k=18)
    st.markdown(f"**The test digits that excite unit {unit} of {stage} most** (strongest first):")
    st.image(encode_png(upscale(image_grid(ink_on_paper(test_images[best]), ncols=9, pad=2), 2)))

elif view == VIEWS[2]:
    confusion = inspect.confusion_matrix(test_labels, predicted, len(names))
    cells = pd.DataFrame([{"true": names[t], "predicted": names[p], "count": int(confusion[t, p]), "t": t, "p": p}
                          for t in range(len(names)) for p in range(len(names))])
    pick = alt.selection_point(name="cell", fields=["t", "p"], on="click")
    heat = alt.Chart(cells).mark_rect().encode(
        x=alt.X("predicted:N", sort=list(names), title="predicted"),
        y=alt.Y("true:N", sort=list(names), title="true label"),
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues", type="symlog"), legend=None),
        stroke=alt.condition(pick, alt.value("#1f2933"), alt.value(None)),
        tooltip=["true", "predicted", "count"],
    ).add_params(pick)
    text = alt.Chart(cells).mark_text(fontSize=11).encode(
        x=alt.X("predicted:N", sort=list(names)), y=alt.Y("true:N", sort=list(names)), text="count:Q",
        color=alt.condition("datum.count > 50", alt.value("white"), alt.value("#1f2933")))
    left, right = st.columns([1.2, 1])
    with left:
        st.markdown("**Confusion matrix** — click a cell to see those digits.")
        event = st.altair_chart(heat + text, on_select="rerun", key=KEY("confusion"), width="content")
        chosen = (event.selection.get("cell") or [None])[0] if event and event.selection else None
    with right:
        per_class = inspect.per_class_accuracy(confusion)
        frame = pd.DataFrame({"class": list(names), "accuracy": per_class})
        st.markdown("**Accuracy per class**")
        st.altair_chart(alt.Chart(frame).mark_bar(color="#0877bd").encode(
            x=alt.X("accuracy:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            y=alt.Y("class:N", sort=list(names)), tooltip=["class", alt.Tooltip("accuracy:Q", format=".1%")]
        ).properties(height=260), width="stretch")
    if chosen:
        t, p = int(chosen["t"]), int(chosen["p"])
        idx = np.flatnonzero((test_labels == t) & (predicted == p))
        what = "read correctly" if t == p else f"read as {names[p]}"
        st.markdown(f"**{len(idx)} test digits labelled {names[t]}, {what}**" + (" (the first 60)" if len(idx) > 60 else ""))
        if len(idx):
            st.image(encode_png(upscale(image_grid(ink_on_paper(test_images[idx[:60]]), ncols=20, pad=2), 2)))
    st.markdown("**The most confident mistakes**")
    worst = inspect.confident_mistakes(probs, test_labels, k=12)
    if len(worst):
        classes, top = inspect.top_classes(probs[worst])
        st.image(encode_png(prediction_cards(test_images[worst], test_labels[worst], classes, top, names, ncols=6)))
    else:
        st.success("No mistakes on the test set.")

elif view == VIEWS[3]:
    st.markdown("Test digits with the network's three best guesses, as ConvNetJS shows them: "
                "**green** bars are the true class, **red** the others; a red frame means the first guess is wrong.")
    if st.button("Show other digits", key=KEY("shuffle-cards")):
        st.session_state[KEY("cards-seed")] = int(np.random.default_rng().integers(1 << 30))
    rng = np.random.default_rng(st.session_state.get(KEY("cards-seed"), lesson.config.seed))
    pick = rng.choice(len(test_labels), size=min(36, len(test_labels)), replace=False)
    classes, top = inspect.top_classes(probs[pick])
    right = float((classes[:, 0] == test_labels[pick]).mean())
    st.image(encode_png(prediction_cards(test_images[pick], test_labels[pick], classes, top, names, ncols=6)))
    st.caption(f"{right:.0%} of these {len(pick)} right (the whole test set: {accuracy:.1%}).")
