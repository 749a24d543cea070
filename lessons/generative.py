"""Make new data: a GAN learns a 2D distribution in front of the learner (GAN Lab's controls and views: play,
step, slow motion, the layered view, losses and divergences, GAN Lab's recipes and the failure modes), and a
VAE's 2D latent space of digits that the learner steers with the pointer."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from playground import ui
from playground.classroom.challenges import check_eight_modes
from playground.digits.drawing import BadPicture, EmptyDrawing, mnist_from_canvas, picture_from_data_url
from playground.generative import diagram, latent
from playground.generative.challenge import modes_result
from playground.generative.explainers import Panel, with_terms
from playground.generative.gan import LEARNING_RATES, LOSSES, Net
from playground.generative.lesson import (
    BETAS,
    MAX_VAE_EPOCHS,
    SPEEDS,
    GenerativeLesson,
    Part,
    stroke_points,
)
from playground.generative.mlp import ACTIVATIONS
from playground.generative.pictures import layered_png, legend
from playground.generative.player import CHANNEL, GanPlayer
from playground.generative.recipes import GANLAB_RECIPES
from playground.generative.targets import NOISE_LABELS, NOISES, SHAPE_LABELS, SHAPES
from playground.generative.tryouts import GAN_TRYOUTS, VAE_TRYOUTS
from playground.generative.url import link_query, parse_link
from playground.generative.vae import KIND_LABELS, KINDS
from playground.generative.view import LAYER_LABELS, LAYERS
from playground.glossary import explain
from playground.render import charts
from playground.training_driver import Outcome, TrainingLimits, limit_message
from playground.url_table import link_params, page_address

LESSON = "generative"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
SKEY = lambda name: ui.settings_key(LESSON, name)  # noqa: E731  (widgets that show a setting of the lesson)
link_notices: list[str] = []
LOSS_LABELS = {"non-saturating": "Non-saturating (GAN Lab)", "minimax": "Minimax (the original)",
               "least-squares": "Least squares"}
ACTIVATION_LABELS = {"relu": "ReLU", "leaky-relu": "Leaky ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                     "linear": "Linear"}
SPEED_LABELS = {"slow": "Slow", "normal": "Normal", "fast": "Fast"}
NUMBER_LABELS = {  # slow motion's numbers, as a learner reads them
    "noise_samples": "noise samples", "noise_dim": "numbers per noise sample", "fake_samples": "generated samples",
    "real_samples": "real samples", "d_real": "mean D(real)", "d_fake": "mean D(fake)",
    "d_real_after": "mean D(real) after the update", "d_fake_after": "mean D(fake) after the update",
    "d_loss": "D's loss", "d_loss_after": "D's loss after the update", "g_loss": "G's loss",
    "g_loss_after": "G's loss after the update", "grad_norm": "size of the weights' gradient",
    "sample_grad_mean": "mean size of a sample's gradient", "lr": "learning rate",
}
SHORT_LAYER_LABELS = {"real": "Real", "fake": "Fake", "heatmap": "D's belief", "manifold": "Manifold",
                      "gradients": "Gradients"}
VIEW_PX = 380  # the layered view's width on the page (it is drawn at 400 px)
CHART_PX = 350  # the charts' plot width in the side column (fits it at 1280 px)
SLOW_PART_SECONDS = 1.25  # slow motion's pace when it plays its parts (GAN Lab's SLOW_INTERVAL_MS)
STEP_LABELS = {"both": "One iteration", "d": "Discriminator only", "g": "Generator only"}


def lesson_from_link() -> GenerativeLesson:
    made, notices = parse_link(link_params(st.query_params.to_dict(), ui.class_config().presets.get(LESSON)))
    link_notices.extend(notices)
    return made


lesson: GenerativeLesson = ui.generative_lesson(lesson_from_link)
if lesson.part is Part.GAN:
    ui.show_seed(lesson.settings.seed, "of the GAN")
else:
    ui.show_seed(lesson.vae_seed, "of the VAE and the autoencoder")
ui.lesson_header(
    LESSON,
    "Can a network learn to **make** data? A GAN tries with two networks: a *generator* turns random noise into "
    "points, a *discriminator* learns to tell them from real ones, and each trains against the other. Watch it "
    "on a plane, step by step if you like, and watch it fail the way GANs famously fail; then steer a *VAE*'s "
    "map of handwritten digits.",
    notices=link_notices,
)
link_notices.clear()


def sync_link() -> None:
    query = link_query(lesson)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def renew() -> None:
    ui.renew_settings_widgets(LESSON)


# ------------------------------------------------------------------------------------------------ GAN controls
def net_controls(which: str, title: str, column) -> None:
    """One network's settings (layers, neurons, activation, optimiser, learning rate)."""
    net: Net = getattr(lesson.settings, which)
    with column:
        st.markdown(f"**{title}**", help=explain("generator" if which == "g" else "discriminator"))
        a, b = st.columns(2)
        a.number_input("Hidden layers", 0, 5, net.layers, key=SKEY(f"{which}-layers"),
                       on_change=lambda: lesson.change_net(which, layers=st.session_state[SKEY(f"{which}-layers")]),
                       help=explain("hidden layer"))
        b.number_input("Neurons", 1, 100, net.neurons, key=SKEY(f"{which}-neurons"),
                       on_change=lambda: lesson.change_net(which, neurons=st.session_state[SKEY(f"{which}-neurons")]),
                       help=explain("neuron"))
        a.selectbox("Activation", ACTIVATIONS, index=ACTIVATIONS.index(net.activation), key=SKEY(f"{which}-act"),
                    format_func=ACTIVATION_LABELS.get, help=explain("activation"),
                    on_change=lambda: lesson.change_net(which, activation=st.session_state[SKEY(f"{which}-act")]))
        b.selectbox("Optimiser", ("sgd", "adam"), index=("sgd", "adam").index(net.optimiser),
                    key=SKEY(f"{which}-opt"), format_func={"sgd": "SGD", "adam": "Adam"}.get,
                    help=explain("optimizer"),
                    on_change=lambda: lesson.change_net(which, optimiser=st.session_state[SKEY(f"{which}-opt")]))
        st.select_slider("Learning rate", LEARNING_RATES, value=net.lr, key=SKEY(f"{which}-lr"),
                         format_func=lambda v: f"{v:g}", help=explain("learning rate"),
                         on_change=lambda: lesson.change_net(which, lr=st.session_state[SKEY(f"{which}-lr")]))


def data_controls() -> None:
    s = lesson.settings
    st.markdown("**Real data and noise**", help=explain("latent noise"))
    shapes = [shape for shape in SHAPES if shape != "drawing" or lesson.drawn is not None]
    st.selectbox("Real distribution", shapes, index=shapes.index(s.shape) if s.shape in shapes else 0,
                 key=SKEY("shape"), format_func=SHAPE_LABELS.get,
                 on_change=lambda: lesson.change(shape=st.session_state[SKEY("shape")]))
    st.selectbox("Noise", NOISES, index=NOISES.index(s.noise), key=SKEY("noise"), format_func=NOISE_LABELS.get,
                 help=explain("latent noise"), on_change=lambda: lesson.change(noise=st.session_state[SKEY("noise")]))
    with st.expander("Draw your own", icon=":material/draw:"):
        ui.looking_at(with_terms(Panel.DRAW))
        drawing = ui.digit_pad(KEY("draw-pad"), size=240, ink=8)
        if st.button("Apply this drawing", key=KEY("apply-drawing"), icon=":material/check:", width="stretch",
                     disabled=drawing is None):
            if lesson.apply_drawing(stroke_points(drawing.get("strokes") if drawing else None, side=240)):
                renew()
            st.rerun()


def training_controls() -> None:
    s = lesson.settings
    st.markdown("**Training**")
    st.selectbox("Loss", LOSSES, index=LOSSES.index(s.loss), key=SKEY("loss"), format_func=LOSS_LABELS.get,
                 help=explain("non-saturating loss", "minimax loss", "least-squares loss"),
                 on_change=lambda: lesson.change(loss=st.session_state[SKEY("loss")]))
    a, b = st.columns(2)
    a.number_input("D steps (k_D)", 0, 10, s.k_d, key=SKEY("kd"),
                   help="How many times the discriminator learns before the generator's turn (GAN Lab's k_D).",
                   on_change=lambda: lesson.change(k_d=st.session_state[SKEY("kd")]))
    b.number_input("G steps (k_G)", 0, 10, s.k_g, key=SKEY("kg"),
                   help="How many times the generator learns in each iteration (k_G).",
                   on_change=lambda: lesson.change(k_g=st.session_state[SKEY("kg")]))
    st.slider("Batch size", 10, 500, s.batch, step=10, key=SKEY("batch"), help=explain("batch"),
              on_change=lambda: lesson.change(batch=st.session_state[SKEY("batch")]))
    st.number_input("Seed", 0, 999_999, s.seed, key=SKEY("seed"), help=explain("seed"),
                    on_change=lambda: lesson.reseed(st.session_state[SKEY("seed")]))


def recipes_menu() -> None:
    """GAN Lab's four recipes that converge, one click each (in a menu beside the run bar)."""
    with st.popover("GAN Lab's recipes", icon=":material/menu_book:"):
        st.caption("GAN Lab's four set-ups that converge (the settings of its pre-trained models). GAN Lab counts "
                   "one hidden layer fewer than it builds: its '1 hidden layer' is 2 here.")
        for key, recipe in GANLAB_RECIPES.items():
            if st.button(recipe.title.split(" (")[0], key=KEY(f"recipe-{key}"), help=recipe.note, width="stretch",
                         type="primary" if lesson.recipe == key else "secondary"):
                lesson.apply(recipe.settings, recipe=key)
                renew()
                st.rerun()


def run_bar() -> None:
    """Play/pause, reset, the step buttons, slow motion and speed, in one row."""
    with st.container(horizontal=True, vertical_alignment="center", key=KEY("run-bar")):
        st.button("Pause" if lesson.playing else "Play", key=KEY("play"), type="primary",
                  icon=":material/pause:" if lesson.playing else ":material/play_arrow:", on_click=lesson.toggle_play)
        st.button("Reset", key=KEY("reset"), icon=":material/restart_alt:", on_click=lesson.reset,
                  help="New starting weights from the same seed; the settings stay.")
        with st.popover("Step", icon=":material/skip_next:"):
            for which, label in STEP_LABELS.items():
                st.button(label, key=KEY(f"step-{which}"), on_click=lesson.step, args=(which,), width="stretch")
        recipes_menu()
        st.button("Slow motion" if lesson.slow is None else "Leave slow motion", key=KEY("slow"),
                  icon=":material/slow_motion_video:",
                  on_click=lesson.start_slow if lesson.slow is None else lesson.stop_slow,
                  help="Take one discriminator update and one generator update apart, part by part.")
        st.segmented_control("Speed", SPEEDS, default=lesson.speed, key=SKEY("speed"), format_func=SPEED_LABELS.get,
                             label_visibility="collapsed", help="Pictures per second stay the same; Fast trains "
                             "as many iterations between pictures as fit.",
                             on_change=lambda: lesson.set_speed(st.session_state[SKEY("speed")] or lesson.speed))


def legend_html() -> str:
    """The layered view's colours, as a line of coloured dots (labels are the library's, not a learner's)."""
    items = "".join(f"<div><span style='color:{hex_};font-size:1.1em'>●</span> {label}</div>" for hex_, label in legend())
    return f"<div style='font-size:0.8rem;color:#52606d;line-height:1.45'>{items}</div>"


def numbers_markdown() -> str:
    gan = lesson.gan
    last = gan.history[-1] if gan.history else None
    kl, js = gan.divergences()
    parts = [f"**Iteration {gan.iteration:,}**"]
    if last is not None:
        parts.append(f"D loss {last['d_loss']:.3f} · G loss {last['g_loss']:.3f}")
    parts.append(f"KL {kl:.3f} · JS {js:.3f} bits")
    modes = gan.modes()
    if modes is not None:
        parts.append(f"modes covered {modes[0]} of {modes[1]}")
    return " · ".join(parts)


def off_plane_note(view) -> str:
    """A caption when generated points sit outside the plane (at the start the generator's points often do)."""
    fake = view.fake
    outside = int(np.sum(np.any((fake < 0) | (fake > 1), axis=1)))
    if outside == 0:
        return ""
    return (f"{outside} of {len(fake)} generated points are off the plane's edge for now: the generator starts "
            "from random weights, which send them there. Press Play and watch them walk in.")


@st.fragment
def live_gan() -> None:
    """The GAN's view, run bar and numbers: a click here reruns only this part of the page."""
    if lesson.message:
        st.toast(lesson.message, icon=":material/info:")
        lesson.message = ""
    run_bar()
    view_col, side_col = st.columns([1, 1.1], gap="medium")
    part = lesson.slow_part
    view = part.view if part is not None else lesson.gan.view()
    with view_col:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("**The layered view**", width="content")
            ui.looking_at(with_terms(Panel.LAYERED))
        ui.live_image(layered_png(view, lesson.shown), CHANNEL, key=KEY("view"),
                      alt="The plane: real and generated samples, the discriminator's belief, the generator's "
                          "manifold and gradients", width=VIEW_PX)
        shown = st.pills("Layers", LAYERS, selection_mode="multi", default=sorted(lesson.shown, key=LAYERS.index),
                         key=SKEY("layers"), format_func=SHORT_LAYER_LABELS.get, label_visibility="collapsed",
                         help="\n\n".join(f"**{SHORT_LAYER_LABELS[name]}**: {LAYER_LABELS[name]}" for name in LAYERS))
        if set(shown) != lesson.shown:
            lesson.set_shown(shown)
            st.rerun(scope="fragment")
        st.html(legend_html())
        busy = st.empty()
    with side_col:
        if part is not None:
            slow_motion_panel()
        else:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown("**The model**", width="content")
                ui.looking_at(with_terms(Panel.MODEL))
            st.image(diagram.overview_svg(None, "D"), width="stretch")
        numbers = st.empty()
        numbers.markdown(numbers_markdown())
        if not lesson.playing and (note := off_plane_note(view)):
            st.caption(note)
        if part is None:
            charts_panel()
    settings_section()  # in the fragment and before play: a set-up's or a link's values show while it plays
    sync_link()
    if part is not None and lesson.slow_auto:
        wait_then_next_part()
    if lesson.playing:
        pump = st.empty()

        def send(events: dict[str, dict]) -> None:
            with pump:
                ui.frame_pump(events)

        def tell_busy(players: int | None) -> None:
            if players is None:
                busy.empty()
            else:
                with busy:
                    ui.busy_notice(players)

        outcome = GanPlayer(lesson, ui.session_id()).play(
            send, ui.rerun_requested, tell_busy, on_frame=lambda: numbers.markdown(numbers_markdown()))
        if outcome is Outcome.REACHED:
            st.rerun(scope="fragment")


def charts_panel() -> None:
    history = lesson.gan.history
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("**Losses**", width="content")
        ui.looking_at(with_terms(Panel.LOSSES))
    st.altair_chart(charts.gan_losses(history, height=110, width=CHART_PX), key=KEY("losses-chart"))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("**KL and JS divergence**", width="content")
        ui.looking_at(with_terms(Panel.DIVERGENCE))
    st.altair_chart(charts.gan_divergences(history, floor=lesson.floor(), height=90, width=CHART_PX),
                    key=KEY("divergence-chart"))
    if lesson.playing:
        st.caption("The charts catch up when you pause; the numbers above follow every picture.")


def number_text(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() and abs(value) >= 1 else f"{value:.4g}"


def slow_motion_panel() -> None:
    part = lesson.slow_part
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**Slow motion — {'discriminator' if part.network == 'D' else 'generator'} update, "
                    f"part {lesson.slow_index + 1} of {len(lesson.slow)}: {part.name}**", width="content")
        ui.looking_at(with_terms(Panel.SLOW))
    st.image(diagram.overview_svg(part.name, part.network), width="stretch")
    st.markdown(diagram.PART_TEXT[(part.network, part.name)])
    if part.numbers:
        st.markdown(" · ".join(f"{NUMBER_LABELS.get(name, name.replace('_', ' '))} **{number_text(value)}**"
                               for name, value in part.numbers.items()))
    with st.container(horizontal=True):
        st.button("Previous part", key=KEY("slow-back"), icon=":material/chevron_left:", on_click=lesson.slow_move,
                  args=(-1,), disabled=lesson.slow_index == 0)
        st.button("Next part", key=KEY("slow-next"), icon=":material/chevron_right:", type="primary",
                  on_click=lesson.slow_move, args=(1,))
        st.toggle("Play the parts", key=KEY("slow-auto"), value=lesson.slow_auto,
                  help=f"One part every {SLOW_PART_SECONDS:g} s, as GAN Lab's slow motion does; after the last "
                       "part a new step is taken apart.",
                  on_change=lambda: setattr(lesson, "slow_auto", st.session_state[KEY("slow-auto")]))


def wait_then_next_part() -> None:
    """Slow motion playing its parts: after SLOW_PART_SECONDS the next part (a click is answered at once)."""
    start = time.perf_counter()
    while time.perf_counter() - start < SLOW_PART_SECONDS:
        if ui.rerun_requested():
            return
        time.sleep(0.05)
    lesson.slow_move(1)
    st.rerun(scope="fragment")


def settings_section() -> None:
    """The GAN's settings in four columns under the view (drawn before play starts, so they show the set-up)."""
    st.markdown("#### Settings", help="Changing a setting starts the GAN again from new weights (same seed).")
    data_col, train_col, g_col, d_col = st.columns(4, gap="medium")
    with data_col:
        data_controls()
    with train_col:
        training_controls()
    net_controls("g", "Generator", g_col)
    net_controls("d", "Discriminator", d_col)


def gan_half() -> None:
    live_gan()
    ui.try_this(GAN_TRYOUTS, lesson, LESSON, on_set_up=renew)
    ui.challenge_panel("eight-modes", lambda: check_eight_modes(modes_result(lesson.gan)),
                       url=page_address(LESSON, link_query(lesson)))


# ------------------------------------------------------------------------------------------------ the VAE half
def vae_controls(data, limits) -> None:
    """Which model, β and epochs, and the Train button (a training goes through the training driver)."""
    with st.container(horizontal=True, vertical_alignment="bottom", key=KEY("vae-bar")):
        kind = st.segmented_control("Model", KINDS, default=lesson.latent_kind, key=SKEY("vae-kind"),
                                    format_func=KIND_LABELS.get, help=explain("VAE", "autoencoder"))
        if kind is not None and kind != lesson.latent_kind:
            lesson.latent_kind = kind
        st.select_slider("β (the KL term's weight)", BETAS, value=lesson.beta, key=SKEY("beta"),
                         format_func=lambda b: f"{b:g}", help=explain("β"), width=260,
                         disabled=lesson.latent_kind != "vae",
                         on_change=lambda: lesson.set_beta(st.session_state[SKEY("beta")]))
        st.number_input("Epochs", 1, MAX_VAE_EPOCHS, lesson.vae_epochs, key=SKEY("vae-epochs"), width=120,
                        help=explain("epoch"), on_change=lambda: lesson.set_vae_epochs(st.session_state[SKEY("vae-epochs")]))
        training = lesson.latent_training is not None
        if st.button("Stop" if training else f"Train the {KIND_LABELS[lesson.latent_kind].split(' (')[0].lower()}",
                     key=KEY("vae-train"), type="primary",
                     icon=":material/stop:" if training else ":material/model_training:"):
            if training:
                lesson.latent_training = None
            else:
                lesson.start_latent(lesson.latent_kind, data, limits)
            st.rerun()


def vae_training(limits) -> None:
    """The running VAE/autoencoder training, its curves live (through the one training driver)."""
    kind = lesson.latent_training
    trainer, run = lesson.latent[kind], lesson.latent_runs[kind]
    progress, waiting, curves = st.empty(), st.empty(), st.empty()

    def show() -> None:
        progress.progress(min(1.0, trainer.epoch / max(trainer.epochs, 1)),
                          text=f"{KIND_LABELS[kind]}: epoch {trainer.epoch:.2f} of {trainer.epochs}")
        curves.altair_chart(charts.vae_curves(trainer.curves))

    outcome = ui.train(trainer, run, limits, notice=waiting, progress=show)
    if lesson.latent_ran(outcome):
        if message := limit_message(outcome, limits):
            st.toast(message)
        st.rerun()


def kept(name: str, trainer, compute):
    """A result computed from the trainer's current weights, kept until they change (a pad release reruns the
    page: the map, grid and numbers are not recomputed for it)."""
    return lesson.results.get(f"{name}-{trainer.kind}", (id(trainer), trainer.version), compute)


def vae_half() -> None:
    from playground.digits.lesson import DEFAULT_SOURCE

    data = ui.digit_tensors(DEFAULT_SOURCE)
    limits = TrainingLimits.of_class(ui.class_config().limits)
    vae_controls(data, limits)
    if lesson.latent_training is not None:
        vae_training(limits)
        return
    trainer = lesson.latent.get(lesson.latent_kind)
    if trainer is None:
        st.info(f"Press **Train** to train a {KIND_LABELS[lesson.latent_kind].lower()} on MNIST-5k's "
                f"{len(data.train_labels):,} training digits ({lesson.vae_epochs} epochs, about half a second "
                "each). Its codes have two numbers, so the whole latent space fits on the screen.",
                icon=":material/info:")
        ui.try_this(VAE_TRYOUTS, lesson, LESSON, on_set_up=renew)
        return
    latent_views(trainer, data)
    comparison()
    ui.try_this(VAE_TRYOUTS, lesson, LESSON, on_set_up=renew)


@st.fragment
def latent_views(trainer, data) -> None:
    """The pad, the map, the grid, interpolation and the learner's digit (a pad release reruns only this)."""
    labels = data.test_labels.numpy()
    images = data.test_images.numpy()
    extent = kept("extent", trainer, trainer.extent)
    codes = kept("codes", trainer, trainer.test_codes)
    left, right = st.columns([1.35, 1], gap="medium")
    with left:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("**Point anywhere: the decoder draws it**", width="content")
            ui.looking_at(with_terms(Panel.LATENT_MAP))
        background = kept("pad", trainer, lambda: latent.pad_background_png(
            codes[:1000], labels[:1000], extent, size=300, grid=trainer.decoded_grid(12)))
        decoder = kept("decoder", trainer, trainer.decoder_payload)
        ui.latent_pad(KEY(f"pad-{trainer.kind}-{trainer.version}"), background, extent, decoder,
                      on_point=lesson.pick_latent, marks=codes[list(lesson.ends)].tolist(), point=lesson.picked,
                      size=300, digit_size=140)
        knn, holes = kept("numbers", trainer, lambda: (trainer.knn_accuracy(), trainer.holes()))
        st.caption(f"After {trainer.epoch:.0f} epochs: k-NN accuracy of the test codes **{knn:.0%}** · empty area of "
                   f"the shown square **{holes:.0%}** · A and B: the interpolation's two digits",
                   help=explain("k-NN accuracy"))
    with right:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("**The test digits at their codes**", width="content")
            ui.looking_at(with_terms(Panel.LATENT_MAP))
        st.altair_chart(kept("map", trainer, lambda: latent.latent_map(
            latent.map_frame(codes, labels, images), extent, size=340)), key=KEY("latent-map"))
    curves_col, strip_col = st.columns([1, 1.35], gap="medium")
    with curves_col:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("**The loss while it trained**", width="content")
            ui.looking_at(with_terms(Panel.VAE_CURVES))
        st.altair_chart(charts.vae_curves(trainer.curves, height=90), key=KEY("vae-curves"))
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("**Decoded grid**", width="content")
            ui.looking_at(with_terms(Panel.LATENT_GRID))
        st.image(kept("grid", trainer, lambda: latent.grid_png(trainer.decoded_grid(15))), width=400)
    with strip_col:
        interpolation(trainer, images)
        drawn_digit(trainer, codes, labels, extent)


def interpolation(trainer, images) -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("**Interpolation between two test digits**", width="content")
        ui.looking_at(with_terms(Panel.INTERPOLATE))
    top = len(images) - 1
    a, b = st.columns(2)
    first = a.number_input("A: test digit", 0, top, lesson.ends[0], key=SKEY("end-a"))
    second = b.number_input("B: test digit", 0, top, lesson.ends[1], key=SKEY("end-b"))
    lesson.set_ends(first, second, top)
    digits = trainer.interpolate(images[lesson.ends[0]], images[lesson.ends[1]], steps=9)
    st.image(latent.strip_png(digits, scale=2))


def drawn_digit(trainer, codes, labels, extent) -> None:
    st.markdown("**Your own digit: where it lands, and how it comes back**")
    pad, result = st.columns([1, 1.5])
    with pad:
        drawing = ui.digit_pad(KEY("vae-pad"), size=168, ink=14)
    if drawing is None:
        result.caption("Draw a digit on the pad: the encoder places it on the map, the decoder draws its code.")
        return
    try:
        image = mnist_from_canvas(picture_from_data_url(drawing["png"]))
    except (BadPicture, EmptyDrawing) as problem:
        result.warning(str(problem))
        return
    code = trainer.codes(image[None])[0]
    result.image(latent.strip_png(np.stack([image / 255.0, trainer.decode(code[None])[0]]), scale=3),
                 caption=f"Yours, and the decoder's version of its code ({code[0]:.2f}, {code[1]:.2f})")
    where = latent.pad_background(codes[:1000], labels[:1000], extent, size=160)
    result.image(mark(where, code, extent), width=160, caption="Where it lands (the black ring)")


def mark(picture: np.ndarray, code: np.ndarray, extent) -> np.ndarray:
    """A black ring at `code` on a pad picture (size × size × 3 uint8)."""
    size = picture.shape[0]
    (col, row), = latent.to_pixels(code[None], extent, size)
    yy, xx = np.mgrid[:size, :size]
    ring = np.abs(np.hypot(xx - col, yy - row) - 6) < 1.5
    out = picture.copy()
    out[ring] = 0
    return out


def comparison() -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown("**Autoencoder against VAE, on the same digits**", width="content")
        ui.looking_at(with_terms(Panel.COMPARE))
    both = [lesson.latent.get(kind) for kind in KINDS]
    if any(t is None for t in both):
        missing = KIND_LABELS[KINDS[both.index(None)]]
        st.caption(f"Train the {missing[0].lower() + missing[1:]} too (choose it above) to see the two decoded "
                   "grids side by side.")
        return
    columns = st.columns(2)
    for column, trainer in zip(columns, both, strict=True):
        knn, holes = kept("numbers", trainer, lambda t=trainer: (t.knn_accuracy(), t.holes()))
        column.image(kept("grid", trainer, lambda t=trainer: latent.grid_png(t.decoded_grid(15))), width=380,
                     caption=f"{KIND_LABELS[trainer.kind]} after {trainer.epoch:.0f} epochs: empty area {holes:.0%}, "
                             f"k-NN accuracy {knn:.0%}")


# ------------------------------------------------------------------------------------------------ the page
part = st.segmented_control("Part", list(Part), default=lesson.part, key=KEY("part"),
                            label_visibility="collapsed")
if part is not None and Part(part) is not lesson.part:
    lesson.part = Part(part)
    sync_link()
if lesson.part is Part.GAN:
    gan_half()
else:
    vae_half()
