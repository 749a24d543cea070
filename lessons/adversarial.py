"""Adversarial examples: fool your network with invisible changes, see why it works, and defend it."""

from __future__ import annotations

import zlib

import numpy as np
import streamlit as st

from playground import ui
from playground.adversarial import attacks, attacks2d
from playground.adversarial import predictions as fool
from playground.adversarial.curves import (
    YOURS,
    accuracy_table,
    comparison_rows,
    curve_digits,
    curve_rows,
    robust_summary,
    tutorial_rows,
)
from playground.adversarial.explainers import with_terms
from playground.adversarial.gallery import gallery_cards
from playground.adversarial.lesson import (
    MAX_EPS,
    MAX_STEPS,
    ROBUST_MAX_EPOCHS,
    AdversarialLesson,
    View,
    digits_to_attack,
    first_digit,
    next_digit_labelled,
    within_test_set,
)
from playground.adversarial.pictures import attack_map, digit_triptych, gallery_picture
from playground.adversarial.training import GOODFELLOW_ADVERSARIAL_ERROR
from playground.adversarial.tryouts import TRYOUTS
from playground.adversarial.url import link_query, parse_link
from playground.adversarial.verdict import Outcome, reading, verdict
from playground.classroom.challenges import check_seven_to_three
from playground.digits.lesson import DigitLesson
from playground.digits.pictures import digit_picture
from playground.glossary import explain
from playground.keyed_results import model_key
from playground.render import charts
from playground.render.png import data_uri, encode_png
from playground.render.probability_bars import probability_bars
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.run import PlaygroundRun
from playground.training_driver import TrainingLimits, limit_message
from playground.url_table import link_params, page_address

LESSON = "adversarial"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
SKEY = lambda name: ui.settings_key(LESSON, name)  # noqa: E731  (widgets that show a setting of the lesson)
link_notices: list[str] = []  # what this page run's link could not be used for, shown under the title


def lesson_from_link() -> AdversarialLesson:
    """A link (or the class preset) may name the attack: ?digit=…&attack=pgd&eps=0.1&steps=10&target=3."""
    made, digit, notices = parse_link(link_params(st.query_params.to_dict(), ui.class_config().presets.get(LESSON)))
    made.digit = digit
    link_notices.extend(notices)
    return made


lesson: AdversarialLesson = ui.adversarial_lesson(lesson_from_link)
digits: DigitLesson = ui.digit_lesson()
ui.show_seed(digits.config.seed, "of the digit network")
ui.lesson_header(
    LESSON,
    "A network that reads most digits right can be fooled by changes too small to see. The **fast "
    "gradient sign method** (FGSM) nudges every pixel by at most ε in the direction that raises the "
    "network's loss; **PGD** takes several smaller such steps. Attack your own network, measure how its "
    "accuracy falls as ε grows, see why on 2D data, then train a defence and measure it.",
    notices=link_notices,
)
ui.try_this(TRYOUTS, lesson, LESSON)

view = ui.view_row(View, lesson.view, KEY("view-heading"), SKEY("view"), with_terms)
if view is not None:
    lesson.view = view


def attack_settings(prefix: str, show_target: bool = True) -> None:
    """The attack, ε, PGD's steps and (optionally) a target class, into the lesson."""
    c1, c2, c3 = st.columns([1, 1.4, 1])
    lesson.attack = c1.radio("Attack", ["fgsm", "pgd"], index=["fgsm", "pgd"].index(lesson.attack),
                             format_func={"fgsm": "FGSM (one step)", "pgd": "PGD (iterative)"}.get,
                             key=SKEY(f"{prefix}-attack"), horizontal=True, help=explain("FGSM", "PGD"))
    lesson.eps = c2.slider("ε (largest change of a pixel, on a 0–1 scale)", 0.0, MAX_EPS, lesson.eps, step=0.01,
                           key=SKEY(f"{prefix}-eps"), help=explain("ε"))
    if lesson.attack == "pgd":
        lesson.steps = c3.slider("PGD steps", 1, MAX_STEPS, lesson.steps, key=SKEY(f"{prefix}-steps"),
                                 help="Each step is 2.5·ε/steps, and the image is kept within ε of the original."
                                      "\n\n" + explain("PGD"))
    if show_target:
        options = [None, *range(10)]
        lesson.target = c3.selectbox("Make it read as", options, index=options.index(lesson.target),
                                     format_func=lambda c: "any wrong digit" if c is None else str(c),
                                     key=SKEY(f"{prefix}-target"), help=explain("targeted attack"))


# ------------------------------------------------------------------------------------------------ digits
if view is not None and View(view).attacks_digits:
    ui.require_digit_model(digits)
    trainer = digits.trainer
    model = trainer.model
    names = ui.digit_data(digits.trained_on).class_names
    test_images, test_labels = trainer.data.test_images.numpy(), trainer.data.test_labels.numpy()
    key = model_key(trainer)
    st.caption(f"Your network: {trainer.spec.describe()}, {trainer.epoch:.2f} epochs, test accuracy "
               f"{trainer.history[-1].test_accuracy:.1%}" if trainer.history else trainer.spec.describe())


def digit_key(name: str) -> str:
    """The key of a widget of the attacked digit: new after each pick by a button (so the number box shows
    the picked digit and the pills are clear again) and after a set-up, and only theirs (the view chooser
    outside this fragment keeps its key)."""
    return SKEY(f"{name}{lesson.digit_picks}")


def give_me_a() -> None:
    """'Give me a 7': the next test digit labelled with the clicked class, after the one on screen."""
    wanted = st.session_state.get(digit_key("give"))
    if wanted is not None:
        lesson.pick_digit(next_digit_labelled(test_labels, int(wanted), -1 if lesson.digit is None else lesson.digit))


VERDICT_BOX = {Outcome.FOOLED: (st.success, ":material/check_circle:"), Outcome.HELD: (st.warning, ":material/shield:"),
               Outcome.MISREAD: (st.info, ":material/info:"), Outcome.ALREADY: (st.info, ":material/info:")}


def predict_the_attack(result: attacks.AttackResult, index: int | None, labelled: bool) -> bool:
    """'Predict, then check' before the attacked digit is shown: which class will the network read? Asked once
    (a guess for one set-up; later set-ups show their result at once, with a button to be asked again). Returns
    whether the page may show the attacked digit; before a guess, only the digit before the attack is shown."""
    if not fool.asks(result, labelled):
        return True
    digit = f"test-{index}" if labelled else f"drawing-{zlib.crc32(result.original.tobytes()):08x}"
    key = fool.fool_key(digit, f"{id(trainer):x}-{trainer.version}", lesson.attack, lesson.eps, lesson.steps,
                        lesson.target)
    guesses = ui.lesson_guesses(LESSON)
    stage = fool.stage(guesses.committed, key)
    if stage is fool.Stage.DONE:
        st.button("Predict the next attack", type="tertiary", icon=":material/psychology_alt:", key=KEY("predict-again"),
                  help="Guess what your network will read before you see the attacked digit.",
                  on_click=lambda: [guesses.ask_again(k) for k in fool.guessed(guesses.committed)])
        return True
    question = fool.fool_prediction(key, names, lesson.attack, lesson.eps, lesson.steps, lesson.target,
                                    result.label if labelled else None)
    if ui.predict_then_check(key, LESSON, question.question, question.choices, fool.answer(result, names),
                             detail=fool.detail(result, names)) is not None:
        return True
    before = np.rint(np.clip(result.original, 0, 1) * 255).astype(np.uint8)
    st.image(data_uri(encode_png(digit_picture(before, 6))), width=168,
             caption="Before the attack")
    return False


@st.fragment
def fool_one_digit() -> None:
    """One digit attacked and redrawn. A fragment: moving ε or changing the digit reruns only this view."""
    attack_settings("one")
    sources = ["test digit"] + (["my last drawing"] if digits.last_drawing is not None else [])
    if len(sources) > 1:  # a drawing to attack too: the choice comes first
        c1, c2, c3, c4 = st.columns([0.9, 0.9, 0.6, 2.1], vertical_alignment="bottom")
        source = c1.radio("Digit", sources, key=KEY("source"))
    else:
        c2, c3, c4 = st.columns([1, 0.6, 2.2], vertical_alignment="bottom")
        source = sources[0]
    labelled = source == "test digit"
    if labelled:
        # the first 7 when none is chosen; a link's digit number kept within this test set
        index = within_test_set(first_digit(test_labels) if lesson.digit is None else lesson.digit, len(test_labels))
        lesson.digit = index = int(c2.number_input("Test digit number", 0, len(test_labels) - 1, index,
                                                   key=digit_key("digit")))
        c3.button("Random digit", key=KEY("random"), on_click=lambda: lesson.pick_digit(
            int(np.random.default_rng().integers(len(test_labels)))))
        c4.pills("Give me a", list(range(len(names))), format_func=lambda c: names[c], key=digit_key("give"),
                 on_change=give_me_a, help="The next test digit with this label, after the one on screen.")
        image, label = test_images[index], int(test_labels[index])
    else:
        index = None
        image = digits.last_drawing
        label = int(attacks.predictions(model, image)[0])  # its 'label' is what the network reads now
        c2.caption("A drawing has no label: the attack starts from what your network reads in it now.")
    result = attacks.attack_one(model, image, label, lesson.eps, lesson.attack, lesson.target, steps=lesson.steps)
    link = link_query(lesson, index)
    st.query_params.from_dict(link)  # this attack, as a link
    if not predict_the_attack(result, index, labelled):
        return
    left, right = st.columns([1.3, 1])
    with left:
        st.image(data_uri(encode_png(digit_triptych(result.original, result.perturbation, result.adversarial,
                                                    result.scale))), width="stretch")
        scale = f"magnified ×{1 / result.scale:.0f}" if result.scale > 0 else "no change"
        st.caption(f"Original · perturbation ({scale}: blue adds ink, orange removes it; every pixel changes by "
                   f"at most ε = {lesson.eps:.2f}) · adversarial")
    with right:
        st.markdown(reading(result, names, labelled))
        said = verdict(result, names, lesson.attack, lesson.steps, labelled)
        box, icon = VERDICT_BOX[said.outcome]
        box(said.text, icon=icon)
        st.vega_lite_chart(*probability_bars({"original": result.original_probabilities,
                                              "adversarial": result.adversarial_probabilities}, names, height=220),
                           width="stretch")
    ui.challenge_panel("seven-to-three", lambda: check_seven_to_three(result, index), url=page_address(LESSON, link))


if view == View.FOOL:
    fool_one_digit()
elif view == View.CURVE:
    st.markdown("Accuracy on the test digits when every one of them is attacked with the same ε. At ε = 0 it is "
                "the clean accuracy. The **blue** lines are your network (solid: FGSM, dashed: PGD); the **grey "
                "dotted** line is the PyTorch tutorial's published FGSM curve for its LeNet (a comparable model "
                "trained on the full MNIST) — a reference, not your network.")
    n = curve_digits(len(test_labels))
    fgsm_curve = lesson.cached("fgsm-curve", key, lambda: attacks.accuracy_vs_eps(model, test_images[:n], test_labels[:n]))
    rows = curve_rows(fgsm_curve, YOURS, "fgsm")
    if st.button(f"Add the PGD curve ({lesson.steps} steps)", key=KEY("pgd-curve"), icon=":material/add_chart:") or \
            lesson.results.has("pgd-curve", key):
        n_pgd = digits_to_attack("pgd", lesson.steps, n)
        with st.spinner("Attacking every test digit with PGD…" if n_pgd == n else
                        f"Attacking the first {n_pgd} test digits with PGD ({lesson.steps} steps each)…"):
            pgd_curve = lesson.cached("pgd-curve", key, lambda: attacks.accuracy_vs_eps(
                model, test_images[:n_pgd], test_labels[:n_pgd], attack="pgd", steps=lesson.steps))
        rows += curve_rows(pgd_curve, YOURS, "pgd")
    st.altair_chart(charts.accuracy_curves(rows + tutorial_rows()), width="stretch")
    st.dataframe(accuracy_table(rows).style.format("{:.1%}"), width="stretch")

elif view == View.DEFEND:
    st.markdown("**Adversarial training** (Goodfellow et al., 2015): train a twin of your network on a mix of "
                "clean digits and adversarial ones made against it as it learns. Goodfellow et al. report that it "
                f"cut the error on adversarial examples from {GOODFELLOW_ADVERSARIAL_ERROR['standard']:.1%} to "
                f"{GOODFELLOW_ADVERSARIAL_ERROR['adversarially trained']:.1%}.")
    c1, c2, c3, c4 = st.columns(4)
    lesson.robust_attack = c1.radio("Train against", ["fgsm", "pgd"], index=["fgsm", "pgd"].index(lesson.robust_attack),
                                    key=SKEY("robust-attack"), horizontal=True, format_func=str.upper,
                                    disabled=lesson.training, help=explain("adversarial training", "FGSM", "PGD"))
    lesson.robust_eps = c2.slider("ε during training", 0.05, 0.3, lesson.robust_eps, step=0.05, key=SKEY("robust-eps"),
                                  disabled=lesson.training, help=explain("ε"))
    limits = TrainingLimits.of_class(ui.class_config().limits)
    top = limits.epochs(ROBUST_MAX_EPOCHS)
    epochs = c3.number_input("Epochs", 1, top, lesson.robust_epochs_for(trainer, top), key=SKEY("robust-epochs"),
                             disabled=lesson.training, help=explain("epoch"), on_change=lambda: setattr(
                                 lesson, "robust_epochs", st.session_state[SKEY("robust-epochs")]))
    stale = lesson.robust_is_stale(trainer)
    if c4.button("Train the robust twin", type="primary", key=KEY("robust-train"), disabled=lesson.training):
        lesson.start_robust(trainer, lesson.robust_attack, lesson.robust_eps, epochs, limits)
    if c4.button("Stop", key=KEY("robust-stop"), disabled=not lesson.training):
        lesson.stop_robust()
    waiting, progress = st.empty(), st.empty()
    robust = lesson.robust

    def show_robust_progress() -> None:
        progress.progress(lesson.robust_progress(),
                          text=f"Robust twin: epoch {robust.epoch:.2f} of {robust.config.epochs} "
                               f"({robust.adversarial.describe()})")

    if robust is not None and lesson.training:
        outcome = ui.train(robust, lesson.run, limits, progress=show_robust_progress, notice=waiting)
        if lesson.robust_ran(outcome):
            if message := limit_message(outcome, limits):
                st.toast(message)
            st.rerun()
    if robust is not None and not lesson.training and robust.history:
        if stale:
            st.warning("Your digit network changed since this twin was trained; train the twin again to compare fairly.")
        n = curve_digits(len(test_labels))
        measuring = st.empty()

        def measure() -> list[dict]:  # ~10-20 s: say what is happening, with progress
            bar = measuring.progress(0.0, text="Measuring both networks under attack…")
            return comparison_rows(model, robust.model, test_images[:n], test_labels[:n], progress=lambda share, what: (
                bar.progress(share, text=f"Measuring both networks under attack ({n:,} test digits, FGSM and PGD at "
                                         f"every ε): {what}… {share:.0%}")))

        both = lesson.cached("robust-compare", (key, model_key(robust)), measure)
        measuring.empty()
        st.altair_chart(charts.accuracy_curves(both), width="stretch")
        st.dataframe(robust_summary(both).style.format("{:.1%}"), width="stretch")
    elif robust is None:
        st.caption("No robust twin yet.")

elif view == View.GALLERY:
    attack_settings("gallery", show_target=False)
    n = digits_to_attack(lesson.attack, lesson.steps, len(test_labels))
    gallery = lesson.cached(("gallery", lesson.attack, lesson.eps, lesson.steps), key, lambda: attacks.adversarial_gallery(
        model, test_images[:n], test_labels[:n], lesson.eps, lesson.attack, k=18, steps=lesson.steps))
    if not gallery:
        st.info(f"No test digit fooled the network at ε = {lesson.eps:.2f}. Raise ε.", icon=":material/shield:")
    else:
        cards = gallery_cards(model, gallery)
        st.markdown(f"**{len(gallery)} adversarial digits that fooled your network** (surest mistakes first): "
                    "each was read correctly before the attack (its label is under it); the bars are what it reads "
                    "now (green is the true digit).")
        st.image(encode_png(gallery_picture(cards.images, cards.labels, cards.classes, cards.probabilities, names,
                                            ncols=4)))


# ------------------------------------------------------------------------------------------------ 2D
def playground_run_for_attacks() -> tuple[PlaygroundRun, str]:
    """The learner's Playground network if there is one, else a small one trained here (seeded)."""
    own: PlaygroundLesson | None = ui.existing_playground_lesson()
    if own is not None and attacks2d.can_attack(own.run):
        return own.run, "your Playground network"
    return lesson.cached("default-2d", ("default",), attacks2d.default_run), "a small network trained here on the circle"


if view == View.PLANE:
    run, which = playground_run_for_attacks()
    st.markdown(f"Attacking {which} ({'-'.join(map(str, run.settings.networkShape)) or 'no hidden layer'}). "
                "FGSM moves every training point by ε in the direction that raises the network's loss (an L∞ step: "
                "up to ε along each axis). Arrows show the steps; **red** ones crossed the decision boundary.")
    c1, c2 = st.columns([2, 1])
    lesson.eps_2d = c1.slider("ε (in the plane's units)", 0.0, 2.0, lesson.eps_2d, step=0.05, key=SKEY("eps2d"),
                              help="How far FGSM may move each point along each axis, in the plane's own units."
                                   "\n\n" + explain("FGSM"))
    points, labels = run.train_x, run.train_y
    step = attacks2d.crossings(run, points, labels, lesson.eps_2d)
    lesson.keep_chosen_point(step)
    if c2.button("The point nearest the boundary", key=KEY("nearest"), help=explain("decision boundary")):
        lesson.chosen_point = attacks2d.nearest_to_boundary(step)
    distances = lesson.cached("boundary-distances", attacks2d.state_key(run, points),
                              lambda: attacks2d.boundary_distances(run, points))
    bands = attacks2d.crossing_bands(step, distances)
    left, right = st.columns([1.2, 1])
    with left:
        st.image(encode_png(attack_map(run, step, lesson.chosen_point)), width=420,
                 caption=f"ε = {lesson.eps_2d:.2f}: {int(step.crossed.sum())} of {len(points)} points crossed; "
                         "the square is the ε-ball of the point nearest the boundary")
    with right:
        st.markdown("**Which points cross?** The points your network reads right, by their distance to the "
                    "boundary, measured as ε is: the half-width of the smallest square around a point that reaches "
                    "the other side. A point farther than ε cannot cross: its step stays inside that square.")
        st.altair_chart(charts.crossed_by_distance([b.label for b in bands], [b.points for b in bands],
                                                   [b.crossed for b in bands], lesson.eps_2d), width="stretch")
        st.markdown(attacks2d.bands_summary(bands, step, distances))
        st.caption(f"Distances measured on a grid of the plane with spacing {attacks2d.GRID_STEP:g}.")
    curve = attacks2d.accuracy_vs_eps_2d(run, points, labels)
    st.altair_chart(charts.accuracy_curve(curve, "Training accuracy after FGSM", height=200), width="stretch")

elif view == View.WHY:
    rows = attacks2d.linear_attack_demo()
    st.markdown(
        "Goodfellow et al.'s explanation: take a **linear** model, output w·x. Change every input by at most ε, "
        "each in the direction of the sign of its weight: the output moves by ε·‖w‖₁ — a sum over every input. "
        "No single pixel changes noticeably, but with 784 pixels (or a million) the small changes add up to a "
        "large one. A *random* change of the same size mostly cancels out. Networks built from ReLUs and "
        "linear layers behave linearly enough for the same to happen."
    )
    st.altair_chart(charts.linear_attack_growth([r.dims for r in rows], [r.adversarial_change for r in rows],
                                                [r.random_change for r in rows], rows[0].eps), width="stretch")
    st.caption("Weights drawn at random (seeded). The adversarial change grows like the number of inputs, the random "
               "one like its square root.")
