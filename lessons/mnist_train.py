"""Train a digit recogniser: pick the data and a network, train it here with PyTorch, watch it learn."""

from __future__ import annotations

import time
from dataclasses import asdict, replace

import pandas as pd
import streamlit as st

from playground import catalog, ui
from playground.digits.lesson import DigitLesson
from playground.digits.models import ACTIVATIONS, ModelSpec, SizeLimits, build_model, parameter_table
from playground.digits.pictures import class_rows_picture
from playground.digits.training import TrainConfig
from playground.digits.url import digit_query, hidden_rule, parse_digit_query, parse_hidden
from playground.render import charts
from playground.render.png import encode_png
from playground.text import escape_markdown
from playground.training_driver import Outcome, TrainingLimits, limit_message

LESSON = "mnist-train"
STATE = catalog.lesson_by_key(LESSON).state_key  # the three digit pages share one state
KEY = lambda name: ui.widget_key(STATE, name)  # noqa: E731

lesson: DigitLesson = ui.digit_lesson()
config_ = ui.class_config()
limits = config_.limits
sizes = SizeLimits.of_class(limits)  # the class's limits on the network, for a link's values too
notices: list[str] = []  # what a link could not be used for, shown under the title
if not lesson.url_applied:  # a shared link, or the class's preset, opens that set-up
    lesson.url_applied = True
    query = st.query_params.to_dict()
    if not query and LESSON in config_.presets:
        from urllib.parse import parse_qsl

        query = dict(parse_qsl(config_.presets[LESSON]))
    if query:
        lesson.source, lesson.spec, lesson.config, notices = parse_digit_query(query, limits.max_epochs, sizes)
lesson.spec = sizes.cap(lesson.spec)
ui.show_seed(lesson.config.seed)
ui.lesson_header(
    LESSON,
    "Real handwritten digits, 28×28 pixels each. Choose a network — a **multilayer perceptron** that "
    "looks at all pixels at once, or a small **convolutional network** that slides little filters over "
    "the image — and train it right here. The curves show how well it does on digits it has trained on "
    "and on test digits it has never seen.",
    notices=notices,
)
ui.try_this([
    ("Train the default MLP for 10 epochs", "about 94% of the test digits right; the training accuracy keeps rising above it."),
    ("Switch to the CNN", "fewer parameters than the MLP (see the table), yet it does better: filters share weights across the image."),
    ("Learning rate 0.1 with Adam", "the loss jumps and accuracy collapses: too big a step."),
    ("One hidden layer of 16 neurons", "still about 90%: most of the work is easy; the last few percent are hard."),
])

# ------------------------------------------------------------------------------------------------ data
sources = ui.digit_sources()
available = [s for s in sources if s.available]
names = {s.key: s.name for s in sources}
data_col, model_col = st.columns([1, 1.3], gap="large")
with data_col:
    st.subheader("The digits")
    if lesson.source not in [s.key for s in available]:
        lesson.source = "mnist5k"
    st.session_state.setdefault(KEY("source"), lesson.source)
    lesson.source = st.radio("Dataset", [s.key for s in available], format_func=names.get, key=KEY("source"),
                             horizontal=True, disabled=lesson.training)
    missing = [s for s in sources if not s.available]
    if missing:
        st.caption("Not on this machine: " + "; ".join(f"**{s.name}** — {s.detail}" for s in missing))
    with ui.friendly_errors("loading the digits"):
        try:
            digits = ui.digit_data(lesson.source)
            tensors = ui.digit_tensors(lesson.source)
        except ValueError as error:
            st.error(str(error), icon=":material/error:")
            st.stop()
    st.markdown(f"**{len(digits.train_labels):,}** training images · **{len(digits.test_labels):,}** test images")
    if limits.max_training_examples and limits.max_training_examples < len(digits.train_labels):
        st.caption(f"This class trains on the first {limits.max_training_examples:,} training images.")
    st.image(encode_png(class_rows_picture(digits.train_images, digits.train_labels, len(digits.class_names),
                                           per_class=10, scale=1, seed=lesson.config.seed)),
             caption="Training samples, one row per class", width="content")

# ------------------------------------------------------------------------------------------------ model
with model_col:
    st.subheader("The network")
    spec, config = lesson.spec, lesson.config
    kind = st.segmented_control("Kind", ["mlp", "cnn"], default=spec.kind, key=KEY("kind"),
                                format_func={"mlp": "Multilayer perceptron", "cnn": "Convolutional network"}.get,
                                disabled=lesson.training)
    if kind and kind != spec.kind:
        lesson.choose_kind(kind)
        spec, config = lesson.spec, lesson.config
    c1, c2, c3 = st.columns(3)
    if spec.kind == "mlp":
        hidden_text = c1.text_input("Hidden layers (neurons each)", ", ".join(map(str, spec.hidden)),
                                    key=KEY(f"hidden-{spec.hidden}"), disabled=lesson.training, max_chars=60,
                                    help=f"For example 256, or 128, 64 for two layers (at most {sizes.mlp_layers} "
                                         f"layers of {sizes.mlp_width}).")
        hidden = parse_hidden(hidden_text, sizes)
        if hidden is not None:
            spec = ModelSpec(kind="mlp", hidden=hidden, activation=spec.activation)
        else:
            st.warning(f"Hidden layers must be {hidden_rule(sizes)}, like `{sizes.mlp_width}` or "
                       f"`{sizes.mlp_width}, {max(1, sizes.mlp_width // 2)}`; not “{escape_markdown(hidden_text, 40)}”. "
                       f"Keeping {', '.join(map(str, spec.hidden))}.")
    else:
        layer_counts = list(range(1, sizes.conv_layers + 1))
        n_conv = c1.selectbox("Convolution layers", layer_counts, index=min(len(spec.filters), len(layer_counts)) - 1,
                              key=KEY("n-conv"), disabled=lesson.training)
        base = spec.filters + (spec.filters[-1] * 2,) * 3
        choices = [f for f in (4, 8, 16, 32, 64) if f <= sizes.filters] or [sizes.filters]
        filters = tuple(
            c1.select_slider(f"Filters in layer {i + 1}", choices, key=KEY(f"filters-{i}"), disabled=lesson.training,
                             value=max([c for c in choices if c <= base[i]] or choices[:1]))
            for i in range(n_conv)
        )
        kernel = c2.selectbox("Kernel size", [3, 5, 7], index=[3, 5, 7].index(spec.kernel), key=KEY("kernel"),
                              disabled=lesson.training)
        pool = c2.selectbox("Pooling", ["max", "avg", "none"], index=["max", "avg", "none"].index(spec.pool),
                            key=KEY("pool"), disabled=lesson.training,
                            format_func={"max": "Max 2×2", "avg": "Average 2×2", "none": "None"}.get)
        spec = ModelSpec(kind="cnn", filters=filters, kernel=kernel, pool=pool, activation=spec.activation)
    activation = c3.selectbox("Activation", list(ACTIVATIONS), index=list(ACTIVATIONS).index(spec.activation),
                              key=KEY("activation"), disabled=lesson.training)
    spec = replace(spec, activation=activation)
    t1, t2, t3, t4, t5 = st.columns(5)
    optimizer = t1.selectbox("Optimiser", ["adam", "sgd", "momentum"], index=["adam", "sgd", "momentum"].index(config.optimizer),
                             key=KEY("optimizer"), disabled=lesson.training,
                             format_func={"adam": "Adam", "sgd": "SGD", "momentum": "SGD + momentum"}.get)
    rates = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3]
    rate = t2.selectbox("Learning rate", rates, index=rates.index(config.learning_rate) if config.learning_rate in rates else 2,
                        key=KEY("rate"), disabled=lesson.training, format_func=lambda v: f"{v:g}")
    batch = t3.selectbox("Batch size", [16, 32, 64, 128, 256], index=[16, 32, 64, 128, 256].index(config.batch_size),
                         key=KEY(f"batch-{spec.kind}"), disabled=lesson.training)
    max_epochs = limits.max_epochs or 50
    epochs = t4.number_input("Epochs", 1, max_epochs, min(config.epochs, max_epochs), key=KEY("epochs"),
                             disabled=lesson.training)
    seed = t5.number_input("Seed", 0, 2**31 - 1, config.seed, key=KEY("seed"), disabled=lesson.training)
    lesson.spec = spec
    lesson.config = TrainConfig(optimizer=optimizer, learning_rate=rate, batch_size=batch, epochs=int(epochs),
                                seed=int(seed))

    table = parameter_table(lesson.trainer.model if lesson.trainer and not lesson.settings_changed else build_model(spec))
    frame = pd.DataFrame([{"layer": r.name, "kind": r.kind, "output": r.output_shape, "parameters": r.formula,
                           "count": r.count} for r in table])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"count": st.column_config.NumberColumn(format="localized")})
    st.markdown(f"**{sum(r.count for r in table):,} parameters** · {spec.describe()}")
    st.query_params.from_dict(digit_query(lesson.source, lesson.spec, lesson.config))  # a link to this set-up

# ------------------------------------------------------------------------------------------------ training
st.subheader("Training")
trainer = lesson.trainer
b1, b2, b3, status = st.columns([1, 1, 1, 3])
label = "Train" if trainer is None or lesson.settings_changed else ("Train again" if trainer.finished else "Continue")
b1.button(label, type="primary", icon=":material/play_arrow:", key=KEY("train"), disabled=lesson.training,
          on_click=lesson.start, args=(tensors, sizes), width="stretch")
b2.button("Stop", icon=":material/stop:", key=KEY("stop"), disabled=not lesson.training, on_click=lesson.stop,
          width="stretch", help="Stop now and keep what the network has learned so far.")
b3.button("New model", icon=":material/restart_alt:", key=KEY("forget"), disabled=lesson.training,
          on_click=lesson.forget_model, width="stretch", help="Forget the trained network.")
if lesson.settings_changed and not lesson.training:
    status.info("You changed the settings: **Train** starts a new network with them.", icon=":material/info:")
progress = st.empty()
metrics = [column.empty() for column in st.columns(4)]  # filled in place: the numbers change, not the layout
curves = st.empty()
curves_drawn_at: list[float | None] = [None]  # when this page run last drew the curves


def show_progress() -> None:
    t = lesson.trainer
    if t is None:
        progress.caption("No network yet: press **Train**.")
        return
    fraction = min(1.0, t.epoch / max(1, t.config.epochs))
    progress.progress(fraction, text=f"Epoch {t.epoch:.2f} of {t.config.epochs}")
    last = t.history[-1] if t.history else None
    m1, m2, m3, m4 = metrics
    m1.metric("Test accuracy", f"{last.test_accuracy:.1%}" if last else "–")
    m2.metric("Training accuracy", f"{last.train_accuracy:.1%}" if last else "–")
    m3.metric("Examples / second", f"{t.examples_per_second:,.0f}")
    m4.metric("Examples seen", f"{t.examples:,}")
    # the curves at most once a second while training (each redraw costs the browser a chart layout,
    # taken from the core the training shares with it); every slice still moves the bar and the numbers
    now = time.monotonic()
    drawn = curves_drawn_at[0]
    if t.history and (not lesson.training or drawn is None or now - drawn >= 1.0):
        curves_drawn_at[0] = now
        rows = pd.DataFrame([asdict(r) for r in t.history])
        curves.vega_lite_chart(*charts.training_curves(rows), width="stretch")


show_progress()


def train_here() -> None:
    """Train in slices while this page is open, through the training driver: curves between slices, a
    shared slot per training (a class server runs only so many at once), and the class's limits per run."""
    run_limits = TrainingLimits.of_class(limits)
    outcome = ui.train(lesson.trainer, lesson.run, run_limits, progress=show_progress)
    if outcome.ends_run:
        lesson.training = False
        if outcome is Outcome.FINISHED:
            st.toast(f"Done: {lesson.trainer.history[-1].test_accuracy:.1%} of the test digits right.")
        else:
            st.toast(f"{limit_message(outcome, run_limits)} Press Continue for more.")
        st.rerun()


if lesson.training and lesson.trainer is not None:
    train_here()
elif lesson.trainer is not None:
    ui.lesson_link("mnist-inside", label="Look inside this network", icon=":material/visibility:")
    from urllib.parse import urlencode

    from playground.classroom.challenges import check_mnist_compact

    ui.challenge_panel("mnist-compact", lambda: check_mnist_compact(lesson.trainer, lesson.trained_on),
                       url="/mnist-train?" + urlencode(digit_query(lesson.trained_on, lesson.trainer.spec,
                                                                   lesson.trainer.config)))
