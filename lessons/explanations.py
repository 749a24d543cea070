"""Why did it say that? Explain the learner's own digit network with nine attribution methods side by side,
then test the explanations: sanity checks, deletion curves, the training digits behind a prediction, and a 2D
network whose true rule is known."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from playground import ui
from playground.classroom.challenges import check_methods_disagree
from playground.digits.drawing import BadPicture, EmptyDrawing, mnist_from_canvas, picture_from_data_url
from playground.digits.lesson import DigitLesson
from playground.digits.models import normalise
from playground.explanations import class_maps, faithfulness, influence, plane, sanity
from playground.explanations.challenge import disagreement
from playground.explanations.explainers import METHOD_NOTES, with_terms
from playground.explanations.lesson import (
    FLIP_SHARES,
    TABLE_DIGITS,
    ExplanationsLesson,
    View,
    next_digit,
    within_test_set,
)
from playground.explanations.methods import (
    BASELINES,
    Method,
    applies,
    attribute,
    attribute_many,
    conv_layers,
)
from playground.explanations.pictures import digit_png, map_row
from playground.explanations.tryouts import TRYOUTS
from playground.explanations.url import link_query, parse_link
from playground.glossary import explain
from playground.keyed_results import model_key
from playground.render import charts
from playground.render.probability_bars import probability_bars
from playground.tfplayground.lesson import PlaygroundLesson
from playground.torch_runtime import torch
from playground.training_driver import TrainingLimits, limit_message
from playground.url_table import link_params, page_address

LESSON = "explanations"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
SKEY = lambda name: ui.settings_key(LESSON, name)  # noqa: E731  (widgets that show a setting of the lesson)
link_notices: list[str] = []
# the maps of 'Explain one digit', in rows whose maps share a colour scale (the same kind of number)
ROWS = (
    ("Sensitivity — how much the score would change if one pixel changed",
     (Method.SALIENCY, Method.SMOOTHGRAD, Method.GUIDED)),
    ("Contribution — each pixel's share of the score's change from the baseline",
     (Method.GRAD_X_INPUT, Method.IG, Method.DEEPLIFT)),
    ("Perturbation and regions — cover parts of the digit, or ask a layer (each map on its own scale)",
     (Method.OCCLUSION, Method.LIME, Method.GRADCAM)),
)
DIGIT_ZOOM = 3  # training digits in rows of eight: small enough that their labels stay readable
TERM = {Method.SALIENCY: "saliency", Method.GRAD_X_INPUT: "gradient × input", Method.SMOOTHGRAD: "SmoothGrad",
        Method.IG: "Integrated Gradients", Method.DEEPLIFT: "DeepLift", Method.OCCLUSION: "occlusion",
        Method.GRADCAM: "Grad-CAM", Method.GUIDED: "guided backprop", Method.LIME: "LIME"}


def lesson_from_link() -> ExplanationsLesson:
    made, notices = parse_link(link_params(st.query_params.to_dict(), ui.class_config().presets.get(LESSON)))
    link_notices.extend(notices)
    return made


lesson: ExplanationsLesson = ui.explanations_lesson(lesson_from_link)
digits: DigitLesson = ui.digit_lesson()
ui.show_seed(digits.config.seed, "of the digit network")
ui.lesson_header(
    LESSON,
    "Your network reads a digit as a 7. **Why?** An attribution method answers with a number for every pixel: "
    "how much it counted for the answer. Here nine such methods explain *your* network side by side — and "
    "they often disagree. So the lesson does not stop at pretty maps: it tests them (does the map change when "
    "the network is destroyed? does removing the pixels it ranks first change the answer?), finds the training "
    "digits behind a prediction, and checks explanations against a rule that is known.",
    notices=link_notices,
)
ui.try_this(TRYOUTS, lesson, LESSON)

view = ui.view_row(View, lesson.view, KEY("view-heading"), SKEY("view"), with_terms)
if view is not None:
    lesson.view = View(view)

# ------------------------------------------------------------------------------------------------ the network
if lesson.view.needs_digits:
    ui.require_digit_model(digits)
    trainer = digits.trainer
    model = trainer.model
    names = ui.digit_data(digits.trained_on).class_names
    test_images, test_labels = trainer.data.test_images.numpy(), trainer.data.test_labels.numpy()
    mkey = model_key(trainer)
    st.caption(f"Your network: {trainer.spec.describe()}, {trainer.epoch:.2f} epochs, test accuracy "
               f"{trainer.history[-1].test_accuracy:.1%}" if trainer.history else trainer.spec.describe())
    predicted = lesson.cached("predicted", mkey, lambda: trainer.probabilities(test_images).argmax(1))
    if lesson.pending:
        lesson.resolve_pending(test_labels, predicted)


def as_input(image: np.ndarray) -> torch.Tensor:
    """A (28, 28) uint8 digit as the network's input (1, 1, 28, 28)."""
    return normalise(torch.from_numpy(np.ascontiguousarray(image, dtype=np.uint8))[None])


def digit_key(name: str) -> str:
    """The key of a widget of the explained digit: new after each pick by a button (the number box shows the
    picked digit) and after a set-up."""
    return SKEY(f"{name}{lesson.digit_picks}")


def pick_the_digit() -> tuple[np.ndarray | None, int | None, int | None]:
    """The digit to explain, chosen on the page: (image, its test number or None, its label or None)."""
    sources = ["test", "drawing"]
    c1, c2, c3 = st.columns([0.9, 0.8, 3.3], vertical_alignment="bottom")
    lesson.source = c1.radio("Explain", sources, index=sources.index(lesson.source), key=SKEY("source"),
                             format_func={"test": "a test digit", "drawing": "my drawing"}.get)
    if lesson.source == "drawing":
        return draw_a_digit(c2), None, None
    index = within_test_set(lesson.digit, len(test_labels))
    lesson.digit = index = int(c2.number_input("Test digit number", 0, len(test_labels) - 1, index,
                                               key=digit_key("digit")))
    # the buttons and 'Give me a' in one row that wraps: in four columns the buttons were stacked at 1280
    # pixels and the last pill was cut off
    with c3.container(horizontal=True, vertical_alignment="bottom"):
        if st.button("Random", key=KEY("random"), help="A test digit picked at random."):
            lesson.pick_digit(int(np.random.default_rng().integers(len(test_labels))))
            st.rerun()
        if st.button("Next mistake", key=KEY("wrong"), help="The next test digit your network reads wrong."):
            found = next_digit(test_labels, index, predicted=predicted, wrong=True)
            if found is None:
                st.toast("Your network reads every test digit right.")
            lesson.pick_digit(found)
            st.rerun()
        wanted = st.pills("Give me a", list(range(len(names))), format_func=lambda c: names[c],
                          key=digit_key("give"), help="The next test digit with this label, after the one on screen.")
    if wanted is not None:
        lesson.pick_digit(next_digit(test_labels, index, label=int(wanted)))
        st.rerun()
    return test_images[index], index, int(test_labels[index])


def draw_a_digit(column) -> np.ndarray | None:
    """The learner's drawing: drawn here (the pad) or the last one drawn in 'Draw your own digit'."""
    with column.popover("Draw", icon=":material/draw:"):
        drawing = digits.pad_drawing = ui.digit_pad(KEY("pad"), digits.pad_drawing, size=224)
        if drawing is not None:
            try:
                digits.last_drawing = mnist_from_canvas(picture_from_data_url(drawing.get("png")))
            except EmptyDrawing as empty:
                st.info(str(empty), icon=":material/draw:")
            except BadPicture as bad:
                st.warning(f"{bad} Clear the pad and draw again.", icon=":material/broken_image:")
    if digits.last_drawing is None:
        st.info("Draw a digit first: open **Draw** above (white ink on black, as MNIST), or draw one in *Draw "
                "your own digit*.", icon=":material/draw:")
    return digits.last_drawing


def explained_class(probabilities: np.ndarray, label: int | None) -> tuple[int, str]:
    """The class explained, chosen on the page: the network's answer, the true label, or any class."""
    options = ["predicted", "true", "class"]
    c1, c2 = st.columns([2.2, 1], vertical_alignment="bottom")
    lesson.target = c1.radio(
        "Explain the score of", options, index=options.index(lesson.target), horizontal=True, key=SKEY("target"),
        format_func={"predicted": "its answer", "true": "its true label", "class": "another class"}.get,
        help="Every method explains one class's score: the network's answer, the right answer, or any class "
             "('why not a 3?').")
    if lesson.target == "class":
        lesson.target_class = int(c2.selectbox("Class", range(len(names)), index=lesson.target_class,
                                               format_func=lambda c: names[c], key=SKEY("target-class")))
    return lesson.explained_class(int(probabilities.argmax()), label, len(names))


def method_settings(model) -> None:
    """The methods' settings, each bounded by the lesson (a link's values come through the same check)."""
    s = lesson.settings
    with st.expander("Method settings", icon=":material/tune:"):
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            st.markdown("**SmoothGrad**")
            samples = st.slider("Noisy copies", 2, 100, s.smooth_samples, key=SKEY("samples"))
            noise = st.slider("Noise level (σ, share of the pixel range)", 0.0, 1.0, s.smooth_noise, 0.05,
                              key=SKEY("noise"))
        with c2:
            st.markdown("**Integrated Gradients, DeepLift**")
            base = st.selectbox("Baseline", BASELINES, index=BASELINES.index(s.ig_baseline), key=SKEY("baseline"),
                                format_func={"black": "black image", "blur": "blurred digit",
                                             "noise": "noise"}.get, help=explain("baseline"))
            steps = st.slider("Steps (Integrated Gradients)", 2, 200, s.ig_steps, key=SKEY("steps"),
                              help=explain("completeness"))
        with c3:
            st.markdown("**Occlusion**")
            window = st.slider("Window (pixels)", 2, 14, s.occlusion_window, key=SKEY("window"))
            stride = st.slider("Stride (pixels)", 1, 14, min(s.occlusion_stride, window), key=SKEY("stride"),
                               help="How far the window moves each time; at most the window.")
        with c4:
            st.markdown("**LIME, Grad-CAM**")
            segs = st.radio("LIME's pieces", ["superpixels", "grid"], index=["superpixels", "grid"].index(
                s.lime_segments), key=SKEY("segments"), horizontal=True)
            lime = st.slider("LIME samples", 50, 2000, s.lime_samples, 50, key=SKEY("lime"))
            layers = conv_layers(model)
            layer = s.gradcam_layer if s.gradcam_layer in layers else (layers[-1] if layers else None)
            if layers:
                layer = st.selectbox("Grad-CAM layer", layers, index=layers.index(layer), key=SKEY("layer"))
            else:
                st.caption("Grad-CAM needs a convolution layer: train a CNN to use it.")
    lesson.set_settings(smooth_samples=samples, smooth_noise=noise, ig_baseline=base, ig_steps=steps,
                        occlusion_window=window, occlusion_stride=min(stride, window), lime_segments=segs,
                        lime_samples=lime, gradcam_layer=layer)


def explain_all(model, key: tuple, x: torch.Tensor, target: int) -> dict:
    """Every method that applies to the network, for one digit and class (kept while nothing changes)."""
    out = {}
    methods = [m for m in Method if applies(model, m)]
    bar = st.empty()
    for i, method in enumerate(methods):
        if not lesson.results.has(f"map:{method}", key):
            bar.progress(i / len(methods), text=f"Explaining with {method}…")
        out[method] = lesson.cached(f"map:{method}", key, lambda m=method: attribute(model, x, target, m,
                                                                                      lesson.settings))
    bar.empty()
    return out


def method_notes(found: dict) -> list[str]:
    """The numbers a learner checks a method by: completeness of IG and DeepLift, LIME's fit."""
    notes = []
    for method in (Method.IG, Method.DEEPLIFT):
        a = found.get(method)
        if a is not None and a.completeness is not None:
            total, change = a.completeness
            gap = abs(total - change)
            notes.append(f"**{method}** — attributions add up to **{total:.3f}**; the score's change from the "
                         f"baseline f(x) − f(baseline) is **{change:.3f}** (gap {gap:.3f}"
                         + (f", {gap / abs(change):.1%}" if abs(change) > 1e-9 else "") + ").")
    lime = found.get(Method.LIME)
    if lime is not None:
        notes.append(f"**LIME** — its local linear model fits the network's answers with weighted R² = "
                     f"**{lime.r2:.2f}**" if lime.r2 is not None else f"**LIME** — {lime.note}.")
    for a in found.values():
        if a.note and a.method is not Method.LIME:
            named = a.note.startswith(str(a.method))  # a note that names its method needs no heading
            notes.append(f"{a.note}." if named else f"**{a.method}** — {a.note}.")
    return notes


# ------------------------------------------------------------------------------------------------ one digit
def explain_one_digit() -> None:
    image, index, label = pick_the_digit()
    if image is None:
        return
    probabilities = trainer.probabilities(image[None])[0]
    target, why = explained_class(probabilities, label)
    method_settings(model)
    x = as_input(image)
    key = (mkey, image.tobytes(), target, lesson.settings)
    found = explain_all(model, key, x, target)
    c1, c2 = st.columns([1, 3.2], gap="medium")
    with c1:
        st.image(digit_png(image), width=168)
        read = int(probabilities.argmax())
        st.markdown(f"Your network reads **{names[read]}** ({probabilities[read]:.0%} sure)"
                    + (f"; its true label is **{names[label]}**." if label is not None else ".")
                    + f"\n\nExplaining the score of **{names[target]}** — {why}.")
        if label is not None and read != label:
            st.warning("The network reads this one wrong: which pixels led it astray?", icon=":material/error:")
        st.vega_lite_chart(*probability_bars({"this digit": probabilities}, names, height=200), width="stretch")
    with c2:
        t1, t2 = st.columns(2, vertical_alignment="bottom")
        over = t1.toggle("Draw the maps over the digit", value=True, key=KEY("over"))
        mode = t2.radio("Colours", ["signed", "absolute"], horizontal=True, key=KEY("mode"),
                        help="Signed: blue pushed the score up, orange pulled it down. Absolute: how much each "
                             "pixel counted, either way.")
        for title, methods in ROWS:
            shown = [m for m in methods if m in found]
            st.markdown(f"**{title}**", help=explain(*(TERM[m] for m in shown)))
            captions = [m.value + (f" ({found[m].layer})" if found[m].layer else "") for m in shown]
            # the last row's maps are in different units (a window's effect, a part's weight, a layer's
            # activation): each on its own scale, compared by their patterns only
            st.image(map_row([found[m].map for m in shown], captions, digit=image, over=over, mode=mode,
                             shared=methods is not ROWS[-1][1]))
        for note in method_notes(found):
            st.markdown(note)
        with st.expander("How each method works, and how it can mislead", icon=":material/menu_book:"):
            for name, text in METHOD_NOTES.items():
                st.markdown(f"**{name}** — {text}")
    if index is not None and Method.OCCLUSION in found:
        result = disagreement(found[Method.IG].map, found[Method.OCCLUSION].map, index, label,
                              int(probabilities.argmax()), float(probabilities.max()), lesson.settings.ig_steps)
        st.caption(f"Most important quarter: Integrated Gradients says **{result.ig_quarter}**, occlusion says "
                   f"**{result.occlusion_quarter}**; their maps' rank agreement (Spearman) is {result.agreement:.2f}.")
        ui.challenge_panel("methods-disagree", lambda: check_methods_disagree(result),
                           url=page_address(LESSON, link_query(lesson)))


# ------------------------------------------------------------------------------------------------ per class
def per_class() -> None:
    c1, c2 = st.columns([1, 2])
    choices = [m for m in Method if applies(model, m) and m is not Method.LIME]
    if lesson.class_method not in choices:
        lesson.class_method = Method.IG
    lesson.class_method = c1.selectbox("Method", choices, index=choices.index(lesson.class_method),
                                       key=SKEY("class-method"), help=explain(TERM[lesson.class_method]))
    per = c2.slider("Test digits per class", 10, 100, 50, 10, key=KEY("per-class"),
                    help="Each class's map is the average over this many of its test digits.")
    method, settings = lesson.class_method, lesson.settings
    with st.spinner(f"Explaining {per * 10} test digits with {method}…"):
        maps = lesson.cached("class-maps", (mkey, method, settings, per), lambda: class_maps.class_average_maps(
            model, trainer.data.test_images, trainer.data.test_labels,
            lambda m, x, t: attribute_many(m, x, t, method, settings), per_class=per))
    means = class_maps.class_digits(test_labels, per)
    average_digits = np.stack([test_images[i].mean(axis=0) if len(i) else np.zeros((28, 28)) for i in means])
    st.image(map_row(list(maps[:5]), [f"{names[c]}" for c in range(5)], digit=None, over=False, legend=False,
                     scale=None))
    st.image(map_row(list(maps[5:]), [f"{names[c]}" for c in range(5, 10)], digit=None, over=False, legend=False))
    st.caption(f"{method}, each test digit explained for its own label, averaged per class; each row on its own "
               "colour scale (blue: ink here counts for the class, orange: against it).")
    with st.expander("The average digit of each class, for comparison"):
        st.image(map_row(list(average_digits), [names[c] for c in range(10)], legend=False, over=False,
                         mode="absolute"))


def train_side(kind: str, title: str, limits: TrainingLimits, column) -> None:
    """Train the experiment's network through the training driver (the class's slot and limits apply), its
    progress in `column`; when the run ends, the page runs again to show the result."""
    side = lesson.side[kind]
    progress, waiting = column.empty(), column.empty()
    outcome = ui.train(side.trainer, side.run, limits, notice=waiting, progress=lambda: progress.progress(
        side.trainer.fraction_done, text=f"{title}: epoch {side.trainer.epoch:.2f} of {side.trainer.config.epochs}"))
    if lesson.side_ran(kind, outcome):
        if message := limit_message(outcome, limits):
            st.toast(message)
        st.rerun()


# ------------------------------------------------------------------------------------------------ sanity checks
def sanity_checks() -> None:
    image, index, label = pick_the_digit()
    if image is None:
        return
    x = as_input(image)
    target = int(trainer.probabilities(image[None])[0].argmax())
    choices = [m for m in Method if applies(model, m) and m not in (Method.LIME, Method.OCCLUSION)]
    chosen = st.multiselect("Methods to test", choices, default=[m for m in lesson.sanity_methods if m in choices],
                            key=SKEY("sanity-methods"), help=explain("sanity check"))
    lesson.sanity_methods = tuple(chosen)
    key = (mkey, image.tobytes(), target, lesson.settings, tuple(chosen))
    st.markdown("**Model randomisation, cascading from the top.** Each step replaces one more layer's trained "
                "weights with fresh random ones, from the output layer down.")
    ran = lesson.results.has("cascade", key)
    if st.button("Randomise the layers" if not ran else "Randomised", key=KEY("cascade"), type="primary",
                 disabled=ran or not chosen, icon=":material/shuffle:") or ran:
        bar = st.progress(0.0, text="Randomising…")

        def run() -> dict:
            out = {}
            for i, method in enumerate(chosen):
                bar.progress(i / len(chosen), text=f"Randomising the layers and explaining with {method}…")
                out[method] = sanity.cascade(model, x, target, lambda m, xx, t, me=method: attribute_many(
                    m, xx, t, me, lesson.settings), seed=0)
            return out

        cascades = lesson.cached("cascade", key, run)
        bar.empty()
        show_cascades(cascades, image)
    shuffled_labels(image, x, target)


def show_cascades(cascades: dict, image: np.ndarray) -> None:
    absolute = st.toggle("Compare absolute values", key=KEY("sanity-abs"),
                         help="Adebayo et al. compare the maps with and without their signs.")
    st.vega_lite_chart(*charts.similarity_per_layer(sanity.similarity_rows(
        {str(m): steps for m, steps in cascades.items()}, absolute=absolute)), width="stretch")
    flagged = [str(m) for m, steps in cascades.items() if sanity.ignores_model(steps)]
    if flagged:
        st.warning(f"{', '.join(flagged)}: the map stays like the original while the network is random — it "
                   "explains the digit, not your network.", icon=":material/report:")
    for method, steps in cascades.items():
        st.image(map_row([s.map for s in steps], [s.layer if i == 0 else f"+ {s.layer}" for i, s in enumerate(steps)],
                         digit=image, over=True), caption=f"{method}: original, then each layer randomised from the top")


def shuffled_labels(image: np.ndarray, x: torch.Tensor, target: int) -> None:
    st.markdown("**Data randomisation.** The same network trained on training digits whose labels were shuffled: "
                "it can only memorise. A method that draws the same map for it was not explaining what your "
                "network learnt.")
    limits = TrainingLimits.of_class(ui.class_config().limits)
    side = lesson.side_network("shuffled", trainer)
    training = side is not None and side.training
    c1, c2 = st.columns([1.6, 2.4], vertical_alignment="center")
    buttons = c1.container(horizontal=True)  # Train and Stop side by side
    if buttons.button("Train on shuffled labels", key=KEY("shuffle-train"), disabled=training,
                      icon=":material/model_training:"):
        side = lesson.start_side("shuffled", trainer, limits)
        training = True
    if buttons.button("Stop", key=KEY("shuffle-stop"), disabled=not training):
        lesson.stop_side("shuffled")
        training = False
    if side is None:
        c2.caption("Not trained yet.")
        return
    if training:
        train_side("shuffled", "Shuffled labels", limits, c2)
        return
    twin = side.trainer
    accuracy = twin.history[-1].test_accuracy if twin.history else float("nan")
    c2.caption(f"Trained {twin.epoch:.2f} epochs on shuffled labels: test accuracy {accuracy:.0%} (chance: 10%).")
    methods = list(lesson.sanity_methods) or [Method.SALIENCY]
    key = (mkey, model_key(twin), image.tobytes(), target, lesson.settings, tuple(methods))

    def both() -> tuple[list, list, list]:
        mine = [attribute(model, x, target, m, lesson.settings).map for m in methods]
        theirs = [attribute(twin.model, x, target, m, lesson.settings).map for m in methods]
        from playground.explanations.similarity import spearman
        return mine, theirs, [spearman(a, b) for a, b in zip(mine, theirs, strict=True)]

    mine, theirs, rho = lesson.cached("shuffled-maps", key, both)
    st.image(map_row(mine, [str(m) for m in methods], digit=image), caption="Your network")
    st.image(map_row(theirs, [f"{m} (ρ = {r:.2f})" for m, r in zip(methods, rho, strict=True)], digit=image),
             caption="The network trained on shuffled labels (ρ: rank agreement with your network's map)")


# ------------------------------------------------------------------------------------------------ deletion
def deletion_and_insertion() -> None:
    image, index, label = pick_the_digit()
    if image is None:
        return
    x = as_input(image)
    target = int(trainer.probabilities(image[None])[0].argmax())
    methods = [m for m in Method if applies(model, m)]
    key = (mkey, image.tobytes(), target, lesson.settings)
    found = explain_all(model, key, x, target)
    frame = lesson.cached("digit-curves", key, lambda: faithfulness.digit_curves(
        model, x, target, {str(m): found[m].map for m in methods}, seed=0))
    st.markdown(f"Class **{names[target]}** (the network's answer) as the pixels are removed or added in each "
                "method's order.")
    st.vega_lite_chart(*charts.deletion_insertion_curves(frame), width="stretch")
    st.dataframe(faithfulness.curve_aucs(frame).style.format({"deletion AUC": "{:.3f}", "insertion AUC": "{:.3f}"}),
                 hide_index=True)
    st.markdown(f"**Over {TABLE_DIGITS} test digits.** One digit can be luck: rank the methods over many.")
    table_methods = methods
    tkey = (mkey, lesson.settings, tuple(table_methods))
    done = lesson.results.has("method-table", tkey)
    if st.button("Rank the methods over 100 digits", key=KEY("table"), disabled=done, icon=":material/leaderboard:") \
            or done:
        bar = st.empty()
        working = f"Explaining {TABLE_DIGITS} test digits with {len(table_methods)} methods and reading their curves"
        if not done:
            bar.progress(0.0, text=working + "…")
        # a progress bar updated after each method: the learner sees it move, and a click ends the work there
        table = lesson.cached("method-table", tkey, lambda: faithfulness.method_table(
            model, trainer.data.test_images, trainer.data.test_labels,
            {str(m): (lambda mm, xx, t, me=m: attribute_many(mm, xx, t, me, lesson.settings))
             for m in table_methods}, seed=0, n=TABLE_DIGITS,
            progress=lambda done, total: bar.progress(done / total, text=f"{working}: {done} of {total}…")))
        bar.empty()
        st.dataframe(table.style.format({"deletion AUC": "{:.3f}", "insertion AUC": "{:.3f}"}), hide_index=True)
        st.caption("Each digit's class is the network's answer. Rank 1 is best: deletion low, insertion high "
                   "(overall: insertion − deletion).")


# ------------------------------------------------------------------------------------------------ examples
def training_examples() -> None:
    image, index, label = pick_the_digit()
    if image is None:
        return
    probabilities = trainer.probabilities(image[None])[0]
    target = int(probabilities.argmax())
    data = trainer.data
    train_images = data.train_images.numpy()
    train_labels = data.train_labels.numpy()
    st.markdown(f"Your network reads **{names[target]}**. Which training digits is that answer built on?")
    # each row of eight digits across the page: in half-width columns their labels could not be read
    for space, title in (("hidden", "Nearest in the last hidden layer"),
                         ("pixels", "Nearest in raw pixels, for contrast")):
        idx, dist = lesson.cached(f"nearest-{space}", (mkey, image.tobytes()), lambda s=space: influence.nearest_training(
            model, data, image, k=8, space=s))
        st.markdown(f"**{title}**")
        st.image(map_row([train_images[i] for i in idx], [f"{names[train_labels[i]]}" for i in idx],
                         over=False, legend=False, mode="absolute", zoom=DIGIT_ZOOM))
    st.markdown("**TracIn: proponents and opponents** among 4,000 training digits.", help=explain("TracIn"))
    found = lesson.cached("tracin", (mkey, image.tobytes(), target), lambda: influence.tracin(
        trainer, image, target, k=8, pool=4000))
    st.markdown("Proponents — training on these made this answer more likely")
    st.image(map_row([train_images[i] for i in found.proponents], [names[train_labels[i]] for i in found.proponents],
                     over=False, legend=False, mode="absolute", zoom=DIGIT_ZOOM))
    st.markdown("Opponents — training on these made it less likely")
    st.image(map_row([train_images[i] for i in found.opponents], [names[train_labels[i]] for i in found.opponents],
                     over=False, legend=False, mode="absolute", zoom=DIGIT_ZOOM))
    st.caption(f"Summed over {found.checkpoints} checkpoint{'s' if found.checkpoints != 1 else ''} saved during "
               "training. " + found.note)
    mislabelled()


def mislabelled() -> None:
    st.markdown("**Find the mislabelled digits.** Train a copy of your network on training digits where a share "
                "of the labels was changed to a wrong class, then rank the training digits by their influence on "
                "themselves (self-influence): a digit the network cannot fit keeps pulling hard.")
    limits = TrainingLimits.of_class(ui.class_config().limits)
    side = lesson.side_network("flipped", trainer)
    training = side is not None and side.training
    c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
    lesson.flip_share = c1.selectbox("Labels flipped", FLIP_SHARES, index=FLIP_SHARES.index(lesson.flip_share),
                                     format_func=lambda s: f"{s:.0%}", key=SKEY("flip-share"), disabled=training)
    if c2.button("Train with flipped labels", key=KEY("flip-train"), disabled=training,
                 icon=":material/model_training:"):
        side, training = lesson.start_side("flipped", trainer, limits), True
    if side is None:
        c3.caption("Not trained yet.")
        return
    if training:
        if c2.button("Stop", key=KEY("flip-stop")):
            lesson.stop_side("flipped")
            st.rerun()
        train_side("flipped", "Flipped labels", limits, c3)
        return
    pool = min(4000, len(side.flipped))
    scores = lesson.cached("self-influence", (model_key(side.trainer), pool),
                           lambda: influence.self_influence(side.trainer, pool=pool))
    rows = []
    for k in (50, 100, 200, 400):
        found, expected = influence.mislabel_recall(scores, side.flipped, k)
        rows.append({"top k by self-influence": k, "flipped digits found": found, "random k would find": expected})
    st.dataframe(pd.DataFrame(rows).style.format({"random k would find": "{:.1f}"}), hide_index=True)
    top = np.argsort(-scores)[:16]
    labels = side.trainer.data.train_labels.numpy()
    images = side.trainer.data.train_images.numpy()
    st.markdown("The 16 training digits with the highest self-influence, with the label they were trained under "
                "(*flipped*: not its true label)")
    for row in (top[:8], top[8:]):  # two rows of eight: sixteen in one row were too small to read
        st.image(map_row([images[i] for i in row], [f"as {names[labels[i]]}" + (", flipped" if side.flipped[i] else "")
                                                     for i in row], over=False, legend=False, mode="absolute", zoom=DIGIT_ZOOM))


# ------------------------------------------------------------------------------------------------ 2D
def on_2d_data() -> None:
    own: PlaygroundLesson | None = ui.existing_playground_lesson()
    datasets = ["circle", "xor"]
    c1, c2 = st.columns([1.2, 1])
    sources = (["mine"] if own is not None else []) + datasets
    if lesson.plane_network not in sources:
        lesson.plane_network = sources[0]
    lesson.plane_network = source = c1.radio(
        "Network", sources, index=sources.index(lesson.plane_network), horizontal=True, key=SKEY("plane-source"),
        format_func={"mine": "my Playground network", "circle": "circle (trained here)",
                     "xor": "XOR (trained here)"}.get)
    run = own.run if source == "mine" else lesson.cached(f"plane-{source}", (source,), lambda: plane.trained_run(source))
    methods = list(plane.PLANE_METHODS)
    if lesson.plane_method not in methods:
        lesson.plane_method = Method.IG
    lesson.plane_method = c2.selectbox("Method", methods, index=methods.index(lesson.plane_method),
                                       key=SKEY("plane-method"), help=explain(TERM[lesson.plane_method]))
    key = (run.fingerprint(), lesson.settings)  # a reset, an edited weight or more training: new arrows
    field = lesson.cached(f"plane-field-{lesson.plane_method}", key, lambda: plane.explain_plane(
        run, lesson.plane_method, lesson.settings))
    # the chart at its own size (a square plane and its legends), the rule and the table under it: in a
    # column beside each other the plane was squeezed narrower than tall and the table cut off
    # 'pad': the plane keeps its square size and the legends are added beside it (with 'fit' the whole chart,
    # legends and all, was squeezed into the plane's width and the plane came out narrower than tall)
    st.altair_chart(plane.field_chart(run, field).properties(autosize=alt.AutoSizeParams(type="pad")),
                    width="content")
    if field.note:
        st.info(field.note, icon=":material/info:")
    if field.rule is not None:
        st.markdown(f"**The true rule:** {field.rule.text}")
    fields = lesson.cached("plane-all", key, lambda: [plane.explain_plane(run, m, lesson.settings)
                                                       for m in plane.PLANE_METHODS])
    table = plane.agreement_table(fields)
    shares = {c: "{:.0%}" for c in table.columns if c.startswith(("agree", "point backwards"))}
    st.dataframe(table.style.format(shares, na_rep="—"), hide_index=True)


if lesson.view is View.ONE:
    explain_one_digit()
elif lesson.view is View.CLASSES:
    per_class()
elif lesson.view is View.SANITY:
    sanity_checks()
elif lesson.view is View.DELETION:
    deletion_and_insertion()
elif lesson.view is View.EXAMPLES:
    training_examples()
elif lesson.view is View.PLANE:
    on_2d_data()
st.query_params.from_dict(link_query(lesson))  # what is on screen, as a link
