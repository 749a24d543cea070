"""Train a digit recogniser: pick the data and a network, train it here with PyTorch, watch it learn."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from playground import catalog, ui
from playground.digits import choices
from playground.digits.explainers import Part, explainer
from playground.digits.lesson import DigitLesson, NextTraining
from playground.digits.mnist import missing_sources_note
from playground.digits.models import (
    ACTIVATIONS,
    KERNEL_SIZES,
    KINDS,
    POOLS,
    ModelSpec,
    SizeLimits,
    parameter_frame,
)
from playground.digits.pictures import class_rows_picture
from playground.digits.progress import Throttle, TrainingProgress, history_frame
from playground.digits.training import OPTIMIZERS, TrainConfig
from playground.digits.tryouts import TRAIN_TRYOUTS
from playground.digits.url import (
    BATCH_SIZES,
    LEARNING_RATES,
    MAX_SEED,
    digit_query,
    hidden_rule,
    parse_digit_query,
    parse_hidden,
)
from playground.glossary import explain
from playground.render import charts
from playground.render.png import encode_png
from playground.text import escape_markdown
from playground.training_driver import Outcome, TrainingLimits, limit_message
from playground.url_table import link_params, page_address

LESSON = "mnist-train"
STATE = catalog.lesson_by_key(LESSON).state_key  # the three digit pages share one state
KEY = lambda name: ui.widget_key(STATE, name)  # noqa: E731
SKEY = lambda name: ui.settings_key(STATE, name)  # noqa: E731  (widgets that show a setting: a set-up renews them)
TRAIN_LABELS = {NextTraining.NEW: "Train", NextTraining.AGAIN: "Train again", NextTraining.CONTINUE: "Continue"}


def heading(title: str, part: Part, help_text: str | None = None) -> None:
    """A section's title with its "What am I looking at?" at the row's end."""
    name = part.name.lower().replace("_", "-")  # heading-train-data, …
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                      key=KEY(f"heading-{name}")):
        st.subheader(title, help=help_text, width="content")
        ui.looking_at(explainer(part))

lesson: DigitLesson = ui.digit_lesson()
config_ = ui.class_config()
limits = config_.limits
sizes = SizeLimits.of_class(limits)  # the class's limits on the network, for a link's values too
notices: list[str] = []  # what a link could not be used for, shown under the title
if not lesson.url_applied:  # a shared link, or the class's preset, opens that set-up
    lesson.url_applied = True
    query = link_params(st.query_params.to_dict(), config_.presets.get(LESSON))
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
ui.try_this(TRAIN_TRYOUTS, lesson, STATE)

# ------------------------------------------------------------------------------------------------ data
sources = ui.digit_sources()
available = [s for s in sources if s.available]
names = {s.key: s.name for s in sources}
data_col, model_col = st.columns([1, 1.3], gap="large")
with data_col:
    heading("The digits", Part.TRAIN_DATA)
    lesson.use_available_source([s.key for s in available])
    keys = [s.key for s in available]
    lesson.source = st.radio("Dataset", keys, index=keys.index(lesson.source), format_func=names.get, key=SKEY("source"),
                             horizontal=True, disabled=lesson.training, help=explain("training and test data"))
    missing = [s for s in sources if not s.available]
    if missing:  # the commands to get them only where there is no class server (the learner's own machine)
        st.caption(missing_sources_note(missing, own_machine=config_.path is None))
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
    heading("The network", Part.TRAIN_NETWORK)
    spec, config = lesson.spec, lesson.config
    kind = st.segmented_control("Kind", KINDS, default=spec.kind, key=SKEY("kind"),
                                format_func={"mlp": "Multilayer perceptron", "cnn": "Convolutional network"}.get,
                                disabled=lesson.training, help=explain("MLP", "CNN"))
    if kind and kind != spec.kind:
        lesson.choose_kind(kind)
        spec, config = lesson.spec, lesson.config
    c1, c2, c3 = st.columns(3)
    if spec.kind == "mlp":
        # one key: a key made from the network would be a new box once a learner's entry changed it, and the
        # next entry (in the box shown) would be lost; after the CNN, the box comes back with the new network
        hidden_text = c1.text_input("Hidden layers (neurons each)", choices.hidden_text(spec.hidden),
                                    key=SKEY("hidden"), disabled=lesson.training, max_chars=60,
                                    help=f"For example 256, or 128, 64 for two layers (at most {sizes.mlp_layers} "
                                         f"layers of {sizes.mlp_width}).\n\n" + explain("hidden layer"))
        hidden = parse_hidden(hidden_text, sizes)
        if hidden is not None:
            spec = ModelSpec(kind="mlp", hidden=hidden, activation=spec.activation)
        else:
            one, two = choices.hidden_examples(sizes)
            st.warning(f"Hidden layers must be {hidden_rule(sizes)}, like `{one}` or `{two}`; "
                       f"not “{escape_markdown(hidden_text, 40)}”. Keeping {choices.hidden_text(spec.hidden)}.")
    else:
        n_conv = c1.selectbox("Convolution layers", choices.conv_layer_counts(sizes),
                              index=choices.conv_layers_index(spec, sizes), key=SKEY("n-conv"), disabled=lesson.training,
                              help=explain("CNN"))
        counts = choices.filter_choices(sizes)
        filters = tuple(
            c1.select_slider(f"Filters in layer {i + 1}", counts, key=SKEY(f"filters-{i}"), disabled=lesson.training,
                             value=choices.layer_filters(spec, i, counts), help=explain("filter", "feature map"))
            for i in range(n_conv)
        )
        kernel = c2.selectbox("Kernel size", KERNEL_SIZES, index=choices.option_index(KERNEL_SIZES, spec.kernel),
                              key=SKEY("kernel"), disabled=lesson.training, help=explain("kernel size"))
        pool = c2.selectbox("Pooling", POOLS, index=choices.option_index(POOLS, spec.pool),
                            key=SKEY("pool"), disabled=lesson.training, help=explain("pooling"),
                            format_func={"max": "Max 2×2", "avg": "Average 2×2", "none": "None"}.get)
        spec = ModelSpec(kind="cnn", filters=filters, kernel=kernel, pool=pool, activation=spec.activation)
    # the MLP's middle column is free: its activation goes there; the optimiser takes the last column (four
    # numbers a row below, so each box is wide enough for its label and value at 1280 pixels too)
    activation = (c2 if spec.kind == "mlp" else c3).selectbox(
        "Activation", list(ACTIVATIONS), key=SKEY("activation"), disabled=lesson.training,
        index=choices.option_index(list(ACTIVATIONS), spec.activation), help=explain("activation"))
    spec = replace(spec, activation=activation)
    optimizer = c3.selectbox("Optimiser", OPTIMIZERS, index=choices.option_index(OPTIMIZERS, config.optimizer),
                             key=SKEY("optimizer"), disabled=lesson.training,
                             format_func={"adam": "Adam", "sgd": "SGD", "momentum": "SGD + momentum"}.get,
                             help=explain("optimizer"))
    t2, t3, t4, t5 = st.columns(4)
    rate = t2.selectbox("Learning rate", LEARNING_RATES,
                        index=choices.option_index(LEARNING_RATES, config.learning_rate, default=2),
                        key=SKEY("rate"), disabled=lesson.training, format_func=lambda v: f"{v:g}",
                        help=explain("learning rate"))
    batch = t3.selectbox("Batch size", BATCH_SIZES, index=choices.option_index(BATCH_SIZES, config.batch_size),
                         key=SKEY(f"batch-{spec.kind}"), disabled=lesson.training, help=explain("batch"))
    max_epochs = choices.epoch_limit(limits.max_epochs)
    epochs = t4.number_input("Epochs", 1, max_epochs, min(config.epochs, max_epochs), key=SKEY("epochs"),
                             disabled=lesson.training, help=explain("epoch"))
    seed = t5.number_input("Seed", 0, MAX_SEED, config.seed, key=SKEY("seed"), disabled=lesson.training,
                           help=explain("seed"))
    lesson.spec = spec
    lesson.config = TrainConfig(optimizer=optimizer, learning_rate=rate, batch_size=batch, epochs=int(epochs),
                                seed=int(seed))

    table = lesson.parameter_table()
    st.markdown(f"**{sum(r.count for r in table):,} parameters** · {spec.describe()}", help=explain("parameters"))
    st.query_params.from_dict(digit_query(lesson.source, lesson.spec, lesson.config))  # a link to this set-up

    # ---------------------------------------------------------------------------------------- training
    # right under the network's settings, the progress bar under them, then the table of parameters: the
    # buttons are in view at 1400×1000 without scrolling, for the MLP and the CNN alike
    b1, b2, b3 = st.columns([1.2, 1, 1.2])
    if lesson.training:  # the main button says what is happening; Stop is beside it
        b1.button("Training…", type="primary", icon=":material/hourglass_top:", key=KEY("train"), disabled=True,
                  width="stretch")
    else:
        b1.button(TRAIN_LABELS[lesson.next_training], type="primary", icon=":material/play_arrow:", key=KEY("train"),
                  on_click=lesson.start, args=(tensors, sizes), width="stretch")
    b2.button("Stop", icon=":material/stop:", key=KEY("stop"), disabled=not lesson.training, on_click=lesson.stop,
              width="stretch", help="Stop now and keep what the network has learned so far.")
    b3.button("New model", icon=":material/restart_alt:", key=KEY("forget"), disabled=lesson.training,
              on_click=lesson.forget_model, width="stretch", help="Forget the trained network.")
    if lesson.settings_changed and not lesson.training:
        st.info("You changed the settings: **Train** starts a new network with them.", icon=":material/info:")
    progress = st.empty()
    st.dataframe(parameter_frame(table), hide_index=True, width="stretch",
                 column_config={"count": st.column_config.NumberColumn(format="localized")})

if lesson.trainer is not None:  # what the numbers and curves below are (they come with the first network)
    heading("How it learns", Part.TRAIN_CURVES, explain("loss", "accuracy", "epoch", "overfitting"))
metrics = [column.empty() for column in st.columns(4)]  # filled in place: the numbers change, not the layout
curves = st.empty()
# the curves at most once a second while training (each redraw costs the browser a chart layout, taken from
# the core the training shares with it); every slice still moves the bar and the numbers
curves_due = Throttle(seconds=1.0)


def show_progress() -> None:
    t = lesson.trainer
    if t is None:
        progress.caption("No network yet: press **Train**.")
        return
    shown = TrainingProgress.of(t)
    progress.progress(shown.fraction, text=shown.text)
    m1, m2, m3, m4 = metrics
    m1.metric("Test accuracy", shown.test_accuracy, help=explain("accuracy", "training and test data"))
    m2.metric("Training accuracy", shown.train_accuracy, help=explain("accuracy"))
    m3.metric("Examples / second", shown.examples_per_second)
    m4.metric("Examples seen", shown.examples)
    if t.history and curves_due.due(force=not lesson.training):
        curves.vega_lite_chart(*charts.training_curves(history_frame(t.history)), width="stretch")


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
    from playground.classroom.challenges import check_mnist_compact

    ui.challenge_panel("mnist-compact", lambda: check_mnist_compact(lesson.trainer, lesson.trained_on),
                       url=page_address(LESSON, digit_query(lesson.trained_on, lesson.trainer.spec,
                                                            lesson.trainer.config)))

ui.digit_network_files(lesson)  # 'Save and open': download this network as a file, open one
