"""The Playground: a small network learns a toy 2D dataset while every neuron's heatmap changes."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from playground import ui
from playground.classroom.challenges import check_spiral_small
from playground.engine2d.activations import ACTIVATIONS
from playground.engine2d.activations import LABELS as ACTIVATION_LABELS
from playground.engine2d.export_code import pytorch_script
from playground.glossary import explain
from playground.tfplayground import hidden_space, mechanics, network_file
from playground.tfplayground.explainers import Part, explainer
from playground.tfplayground.lesson import Panel, PlaygroundLesson
from playground.tfplayground.player import Player
from playground.tfplayground.predictions import (
    CHECK_EPOCH,
    OVERFITTING,
    asks_overfitting,
    overfitting_check,
)
from playground.tfplayground.settings import (
    ACTIVATION_CHOICES,
    LEARNING_RATES,
    LOSSES,
    OPTIMIZERS,
    PROBLEMS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    SPEEDS,
    dataset_choices,
    with_current,
)
from playground.tfplayground.tryouts import TRYOUTS
from playground.tfplayground.url import to_query
from playground.tfplayground.view import mount_payload
from playground.toydata import generators
from playground.training_driver import Outcome

LESSON = "playground"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
SKEY = lambda name: ui.settings_key(LESSON, name)  # noqa: E731  (widgets that show a setting)
SPEED_LABELS = {"slow-motion": "Slow motion", "slow": "Slow", "normal": "Like TF", "fast": "Fast",
                "fastest": "Fastest"}
LOSS_LABELS = {"squared": "Squared error (TF)", "cross-entropy": "Cross-entropy"}
OPTIMIZER_LABELS = {"sgd": "SGD (TF)", "momentum": "SGD with momentum", "adam": "Adam"}


def new_lesson() -> PlaygroundLesson:
    """From the link's settings, or the class's preset for this lesson, or TF's defaults."""
    return PlaygroundLesson.from_query(st.query_params.to_dict(), preset=ui.class_config().presets.get(LESSON))


lesson: PlaygroundLesson = ui.playground_lesson(new_lesson)


def changed(name: str) -> None:
    """A settings widget changed: the lesson applies it as TF would."""
    lesson.apply_settings(**{name: st.session_state[SKEY(name)]})


def uploaded(key: str, handle) -> None:
    file = st.session_state.get(KEY(key))
    if file is not None:
        handle(file.name, file.getvalue())


if lesson.sync_widgets:  # settings came from a link, a file or a reset: every widget starts afresh from them
    ui.renew_settings_widgets(LESSON)
    lesson.sync_widgets = False
run = lesson.run
ui.show_seed(run.settings.seed)

ui.lesson_header(
    LESSON,
    "A small neural network learns to separate the orange points from the blue ones. Press **Play** "
    "and watch: each neuron's picture shows what it responds to, the links show the weights "
    "(blue positive, orange negative, thicker is stronger), and the big picture on the right is what "
    "the whole network says about every point of the plane. Change anything while it learns.",
)
ui.try_this(TRYOUTS, lesson, LESSON)  # "Set this up" opens a new run: the settings widgets are renewed
ui.challenge_panel("spiral-small", lambda: check_spiral_small(lesson.run),
                   url="/playground?" + urlencode(to_query(lesson.run.settings)))
for notice in lesson.notices:
    st.warning(notice, icon=":material/link_off:")
lesson.notices = []

# ------------------------------------------------------------------------------------------------ controls


def top_bar(run, hidden: set[str]) -> None:
    """Run controls and the settings TF has in its top bar (its problem type heads the data column here: at
    1280 px one row of eight would cut the buttons' and the selects' text)."""
    s = run.settings
    bar = st.columns([1, 1, 1, 1, 1.25, 1.1, 1.1], vertical_alignment="bottom")
    if "resetButton" not in hidden:
        bar[0].button("Reset", icon=":material/replay:", key=KEY("reset"), on_click=lesson.reset_network,
                      help="New starting weights, same data; back to epoch 0.", width="stretch")
    if "playButton" not in hidden:
        bar[1].button("Pause" if lesson.playing else "Play", key=KEY("play"), on_click=lesson.toggle_play,
                      type="primary", icon=":material/pause:" if lesson.playing else ":material/play_arrow:",
                      width="stretch")
    if "stepButton" not in hidden:
        bar[2].button("Step", icon=":material/skip_next:", key=KEY("step"), on_click=lesson.step_once,
                      help="Train one epoch, then pause.\n\n" + explain("epoch"), width="stretch")
    if "learningRate" not in hidden:
        rates = with_current(LEARNING_RATES, s.learningRate)
        bar[3].selectbox("Learning rate", rates, index=rates.index(s.learningRate), key=SKEY("learningRate"),
                         on_change=changed, args=("learningRate",), format_func=lambda v: f"{v:g}",
                         help=explain("learning rate"))
    if "activation" not in hidden:
        bar[4].selectbox("Activation", ACTIVATION_CHOICES, index=ACTIVATION_CHOICES.index(s.activation),
                         key=SKEY("activation"), on_change=changed, args=("activation",), format_func=ACTIVATION_LABELS.get,
                         help=explain("activation"))
    if "regularization" not in hidden:
        bar[5].selectbox("Regularization", REGULARIZATIONS, index=REGULARIZATIONS.index(s.regularization),
                         key=SKEY("regularization"), on_change=changed,
                         args=("regularization",), format_func=lambda v: "None" if v == "none" else v,
                         help=explain("regularization", "regularization rate"))
    if "regularizationRate" not in hidden:
        reg_rates = with_current(REGULARIZATION_RATES, s.regularizationRate)
        bar[6].selectbox("Regularization rate", reg_rates, index=reg_rates.index(s.regularizationRate),
                         key=SKEY("regularizationRate"), on_change=changed, args=("regularizationRate",),
                         format_func=lambda v: f"{v:g}")


def data_column(run, hidden: set[str]) -> None:
    """The problem type, the dataset, its noise and split, the batch size; TF's left column."""
    s = run.settings
    st.markdown("**Data**", help=explainer(Part.DATA))  # the narrow column has no room for "What am I looking at?"
    if "problem" not in hidden:
        st.selectbox("Problem type", PROBLEMS, index=PROBLEMS.index(s.problem), key=SKEY("problem"), on_change=changed,
                     args=("problem",), format_func=str.capitalize, help=explain("classification", "regression"))
    if "dataset" not in hidden:
        ui.dataset_picker(list(dataset_choices(s.problem)), generators.DATASET_LABELS,
                          None if run.uploaded is not None else s.current_dataset(),
                          key=KEY("datasets"), on_pick=lesson.pick_dataset)
    if run.uploaded is not None:
        st.caption("Training on your CSV file (see *Your data* below).")
    if run.class_count_adjustable:
        st.slider("Classes", generators.MIN_MULTICLASS, generators.MAX_MULTICLASS, s.numClasses,
                  key=SKEY("numClasses"), on_change=changed, args=("numClasses",))
    if "percTrainData" not in hidden:
        st.slider("Ratio of training to test data", 10, 90, s.percTrainData, step=10, key=SKEY("percTrainData"),
                  on_change=changed, args=("percTrainData",), format="%d%%", help=explain("training and test data"))
    if "noise" not in hidden:
        st.slider("Noise", 0, s.noise_slider_top(), s.noise, step=5, key=SKEY("noise"), on_change=changed, args=("noise",),
                  help=explain("noise"))
    if "batchSize" not in hidden:
        st.slider("Batch size", 1, s.limits().max_batch, s.batchSize, key=SKEY("batchSize"), on_change=changed,
                  args=("batchSize",), help=explain("batch"))
    st.button("Regenerate", icon=":material/casino:", key=KEY("regenerate"), on_click=lesson.regenerate,
              help="New points from a new seed; the network keeps what it learned.\n\n" + explain("seed"),
              width="stretch")
    if "showTestData" not in hidden:
        st.checkbox("Show test data", s.showTestData, key=SKEY("showTestData"), on_change=changed, args=("showTestData",),
                    help=explain("training and test data"))
    if "discretize" not in hidden:
        st.checkbox("Discretize output", s.discretize, key=SKEY("discretize"), on_change=changed, args=("discretize",))


# ------------------------------------------------------------------------------------------------ live view
def play(pump, busy, check_at: int | None = None) -> None:
    """Train and stream pictures (tfplayground.player) until paused, or until the learner does something:
    then this run ends so that the click is answered, and the next run plays on. With `check_at`, the page
    also runs again once the run passes that epoch: a committed guess gets its answer (play goes on)."""

    def send(events: dict[str, dict]) -> None:
        with pump:
            ui.frame_pump(events)

    def tell_busy(players: int | None) -> None:
        if players is None:
            busy.empty()
        else:
            with busy:
                ui.busy_notice(players)

    def should_stop() -> bool:
        return ui.rerun_requested() or (check_at is not None and lesson.run.epoch >= check_at)

    outcome = Player(lesson, ui.session_id()).play(send, should_stop, tell_busy,
                                                   space_shown=st.session_state.get(KEY("panel")) == Panel.SPACE)
    # "Run this many epochs" or the loss target (REACHED), or the epoch a guess waits for: the page shows it
    if outcome is Outcome.REACHED or (check_at is not None and lesson.run.epoch >= check_at):
        st.rerun(scope="app")


def overfitting_question(run) -> int | None:
    """With few training points and much noise: 'will the test loss rise by epoch 500?', asked before it is
    shown. Returns the epoch at which play must stop to show the answer (None: nothing to wait for)."""
    if not asks_overfitting(run):
        return None
    check = overfitting_check(run)
    guess = ui.predict_then_check(
        OVERFITTING.key, LESSON, OVERFITTING.question, OVERFITTING.choices, None if check is None else check.answer,
        waiting=f"Press **Play** (or run {CHECK_EPOCH} epochs in *Training options*): the answer shows once the "
                f"run passes epoch {CHECK_EPOCH}.",
        detail="" if check is None else check.detail)
    return CHECK_EPOCH if guess is not None and check is None else None


def view_heading() -> None:
    """Over the network view: what the network and the output are, and the words of the loss."""
    with st.container(horizontal=True, vertical_alignment="center", key=KEY("view-heading")):
        with st.container(key=KEY("explain-network"), width="content"):
            # the view's own words (drawn in the browser, where no hover help can reach) under its text
            words = explain("neuron", "weight", "bias", "hidden layer")
            ui.looking_at(f"{explainer(Part.NETWORK)}\n\n---\n\n{words}")
        st.space("stretch")
        st.caption("Test and training loss", width="content",
                   help=explain("loss", "test loss", "training loss", "epoch"))
        with st.container(key=KEY("explain-output"), width="content"):
            ui.looking_at(f"**The output.** {explainer(Part.OUTPUT)}\n\n"
                          f"**The loss.** {explainer(Part.LOSS_CHART)}")


@st.fragment
def live_playground() -> None:
    """Everything a learner plays with: a change here reruns only this part of the page, and the
    network view is sent first, so the new picture is on screen as soon as possible."""
    if lesson.whole_page_outdated(st.session_state.get(KEY("panel"))):  # the sidebar's seed, an open panel
        st.rerun(scope="app")
    if lesson.message:
        st.toast(lesson.message, icon=":material/info:")
        lesson.message = ""
    run = lesson.run
    hidden = set(run.settings.hidden)
    check_at = overfitting_question(run)
    top = st.container()
    data_col, view_col = st.columns([1, 4.2], gap="medium")
    with view_col:
        view_heading()
        ui.network_view(mount_payload(run, selected=lesson.selected, add_mode=lesson.add_mode,
                                      seq=lesson.next_frame()),
                        key=KEY("view"), on_event=lesson.view_event)
        pump = st.empty()
        busy = st.empty()
        view_controls(run)
    with top:
        top_bar(run, hidden)
    with data_col:
        data_column(run, hidden)
    query = to_query(run.settings)  # the address always holds the current settings, to share
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
    if lesson.playing:
        play(pump, busy, check_at)


def view_controls(run) -> None:
    """Under the picture: the speed, and adding points by clicking (the ConvNetJS way)."""
    below = st.columns([1.3, 2, 1])
    below[0].select_slider("Speed", SPEEDS, value=run.settings.speed, key=SKEY("speed"),
                           format_func=SPEED_LABELS.get,
                           on_change=changed, args=("speed",),
                           help="Slow motion shows every epoch; Fastest trains as many epochs per picture as fit.")
    if run.problem == "classification":
        options = lesson.add_mode_choices()
        mode = lesson.add_mode if lesson.add_mode in options else None
        # the choice takes effect in its callback, before the view above is drawn again
        below[1].radio(
            "Click on the picture to add points", options, index=options.index(mode),
            key=SKEY(f"add-mode-{run.n_classes}"), horizontal=True,
            format_func=lambda c: "off" if c is None else f"class {run.class_names[c]}",
            on_change=lambda: setattr(lesson, "add_mode", st.session_state[SKEY(f"add-mode-{run.n_classes}")]),
        )
        with below[2].popover("Points", icon=":material/scatter_plot:", width="stretch"):
            st.button("Clear all points", key=KEY("clear"), on_click=run.clear_points, width="stretch",
                      help="Start from an empty plane and click your own dataset.")
            st.button("Restore the dataset", key=KEY("restore"), on_click=run.restore_points, width="stretch")


live_playground()

# ------------------------------------------------------------------------------------------------ panels


def space_panel(run) -> None:
    choices = hidden_space.layer_choices(run)
    layers = [c[0] for c in choices]
    layer, a, b = lesson.space
    layer = hidden_space.shown_layer(run, layer)
    left, right = st.columns([1, 2])
    with left:
        st.markdown("Every layer maps the plane to a new space, one axis per neuron. Here the plane's grid "
                    "and the training points are drawn as **two neurons** of one layer see them; each cell "
                    "has the colour the whole network gives it. Watch the classes pull apart, layer by layer.")
        layer = st.selectbox("Layer", layers, index=layers.index(layer), format_func=dict(choices).get,
                             key=KEY("space-layer"), help=explain("hidden layer"))
        n = int(run.network.sizes[layer])
        names = lambda i: hidden_space.axis_label(run, layer, i)  # noqa: E731
        a = st.selectbox("Horizontal axis", range(n), index=min(a, n - 1), format_func=names, key=KEY(f"space-a{layer}"))
        b = st.selectbox("Vertical axis", range(n), index=min(b, n - 1), format_func=names, key=KEY(f"space-b{layer}"))
        lesson.space = (layer, a, b)
        st.button("Next pair of neurons", key=KEY("space-cycle"), on_click=lesson.cycle_space_pair, disabled=n < 2)
        if n == 1:
            st.caption("This layer has one neuron: its space is a line.")
    with right:
        ui.live_image(hidden_space.hidden_space_png(run, layer, a, b), hidden_space.CHANNEL, key=KEY("space-image"),
                      alt="the grid and the data as two neurons see them")


def options_panel(run) -> None:
    s = run.settings
    c1, c2, c3 = st.columns(3)
    with c1:
        if run.loss_adjustable:
            st.selectbox("Loss", LOSSES, index=LOSSES.index(s.loss), help=explain("loss"),
                         key=SKEY("loss"), on_change=changed, args=("loss",), format_func=LOSS_LABELS.get)
        st.selectbox("Optimiser", OPTIMIZERS, index=OPTIMIZERS.index(s.optimizer), help=explain("optimizer"),
                     key=SKEY("optimizer"), on_change=changed, args=("optimizer",), format_func=OPTIMIZER_LABELS.get)
    with c2:
        st.number_input("Run this many epochs", 1, 100_000, 100, key=KEY("run-n"))
        # the callback reads the box itself: a number typed just before the click arrives with the click
        st.button("Run them", icon=":material/fast_forward:", key=KEY("run-epochs"), help=explain("epoch"),
                  on_click=lambda: lesson.run_epochs(st.session_state[KEY("run-n")]))
    with c3:
        lesson.stop_loss = st.number_input("Stop when the test loss is at most", 0.0, 10.0, value=None, step=0.01,
                                           format="%.3f", key=KEY("stop-loss"), placeholder="no target",
                                           help=explain("test loss"))
        st.toggle("Advanced limits", s.advanced, key=SKEY("advanced"), on_change=changed, args=("advanced",),
                  help="Up to 10 hidden layers of 16 neurons, and batches of up to 100.")


def code_panel(run) -> None:
    st.markdown("The network as it is now — its layers and its current weights — as a PyTorch script you can "
                "copy and run. It gives the same outputs as the picture above.")
    script = pytorch_script(run.network, run.features, class_names=run.class_names, problem=run.problem,
                            title=f"{run.settings.current_dataset()} at epoch {run.epoch}")
    st.download_button("Download the script", script, file_name="playground_network.py", mime="text/x-python",
                       icon=":material/download:", key=KEY("download-code"))
    st.code(script, language="python", line_numbers=True)


def data_panel(run) -> None:
    st.markdown("Train on a dataset of your own: a CSV file with the columns **x**, **y** and **label** "
                "(whole-number classes). Or download the points used now.")
    limit = int(st.get_option("server.maxUploadSize")) * 1024 * 1024
    st.file_uploader("Your CSV file", type=["csv"], key=KEY("csv"),
                     on_change=uploaded, args=("csv", lambda n, d: lesson.open_csv(n, d, limit)))
    if lesson.upload_error:
        st.error(lesson.upload_error, icon=":material/error:")
    if run.uploaded is not None:
        st.success(f"Training on your data: {len(run.train_y)} training and {len(run.test_y)} test points.")
    if run.problem == "classification":
        st.download_button("Download the points as CSV", run.points_csv(), file_name="playground_points.csv",
                           mime="text/csv", icon=":material/download:", key=KEY("download-points"))
    st.text_input("Open a TensorFlow Playground link", key=KEY("tf-link"),
                  on_change=lambda: lesson.open_link(st.session_state.get(KEY("tf-link"), "")),
                  placeholder="https://playground.tensorflow.org/#activation=tanh&batchSize=10&…")


def file_panel(run) -> None:
    st.markdown("Save the trained network (its settings and its weights) to a file, and open it again later.")
    st.download_button("Download this network",
                       network_file.dump_network(run.network, run.features, to_query(run.settings), run.epoch),
                       file_name=f"playground-epoch{run.epoch}.json", mime="application/json",
                       icon=":material/download:", key=KEY("download-network"))
    st.file_uploader("Open a saved network", type=["json"], key=KEY("network-file"),
                     on_change=uploaded, args=("network-file", lesson.open_network_file))
    if lesson.file_error:
        st.error(lesson.file_error, icon=":material/error:")


def activations_panel(run) -> None:
    s = run.settings
    st.markdown("Each hidden layer can have its own activation function.")
    columns = st.columns(max(1, min(5, len(s.networkShape))))
    for i, act in enumerate(s.hidden_activations()):
        columns[i % len(columns)].selectbox(
            f"Layer {i + 1}", list(ACTIVATIONS), index=list(ACTIVATIONS).index(act),
            key=SKEY(f"layer-act{i}"), format_func=ACTIVATION_LABELS.get, help=explain("activation"),
            on_change=lambda i=i: lesson.set_layer_activation(i, st.session_state[SKEY(f"layer-act{i}")]))
    if not s.networkShape:
        st.caption("There is no hidden layer: add one with + above the network.")


def point_chooser(run) -> mechanics.PointChoice | None:
    """The training point the panels of numbers follow."""
    choices = mechanics.point_choices(run)
    if not choices:
        st.info("There are no training points to follow: restore the dataset or add points.", icon=":material/info:")
        return None
    chosen = mechanics.chosen_point(run, lesson.mechanics_point)
    key = KEY(f"mechanics-point-{len(choices)}")
    st.selectbox("Training point", range(len(choices)), index=chosen.index, format_func=lambda i: choices[i].text,
                 key=key, on_change=lambda: lesson.choose_mechanics_point(st.session_state[key]))
    return chosen


def neuron_panel(run) -> None:
    left, right = st.columns([1, 1.6], gap="large")
    with left:
        choice = point_chooser(run)
    numbers = lesson.neuron_mechanics()
    if choice is None or numbers is None:
        return
    view = mechanics.neuron_view(numbers, choice.markdown, run.network.n_layers, mechanics.output_names(run))
    with left:
        st.markdown(view.heading)
        st.caption("Click another neuron in the network above to look inside it.")
    with right:
        st.markdown(view.table)
        for line in view.equations:
            st.latex(line)


def step_panel(run) -> None:
    left, right = st.columns([1, 1.3], gap="large")
    with left:
        choice = point_chooser(run)
    step = lesson.gradient_mechanics()
    if choice is None or step is None:
        return
    s = run.settings
    view = mechanics.step_view(step, choice.markdown, run.network.n_layers,
                               chosen=mechanics.shown_neuron(run, lesson.selected), batch_size=s.batchSize,
                               optimizer=s.optimizer, outputs=mechanics.output_names(run))
    with left:
        st.markdown(view.intro)
    with right:
        for line in view.loss:
            st.latex(line)
        st.button("Apply this step", icon=":material/trending_down:", key=KEY("apply-step"), type="primary",
                  on_click=lesson.apply_gradient_step,
                  help="The network learns from this one point: watch the picture.\n\n" + explain("gradient", "learning rate"))
        st.markdown(view.outcome)
        for note in view.notes:
            st.caption(note)
    for layer in view.layers:  # the whole width: the tables have long rows
        with st.expander(layer.title, expanded=layer.expanded):
            st.markdown(layer.neurons)
            st.markdown(layer.params)


PANEL_BODIES = {Panel.SPACE: space_panel, Panel.OPTIONS: options_panel, Panel.CODE: code_panel,
                Panel.DATA: data_panel, Panel.FILE: file_panel, Panel.ACTIVATIONS: activations_panel,
                Panel.NEURON: neuron_panel, Panel.STEP: step_panel}
# One panel at a time (not tabs): only the chosen one is computed and sent, which keeps the page
# light while the pictures stream.
panel = st.segmented_control("More", list(Panel), key=KEY("panel"), label_visibility="collapsed")
if panel is not None:
    with st.container(key=KEY("explain-panel")):
        ui.looking_at(explainer(panel))
    PANEL_BODIES[Panel(panel)](run)
