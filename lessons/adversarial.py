"""Adversarial examples: fool your network with invisible changes, see why it works, and defend it."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from playground import ui
from playground.adversarial import attacks, attacks2d
from playground.adversarial import lesson as adversarial_lesson
from playground.adversarial.lesson import AdversarialLesson, digits_to_attack, model_key
from playground.adversarial.pictures import attack_map, digit_triptych
from playground.adversarial.training import GOODFELLOW_ADVERSARIAL_ERROR, AdversarialConfig, adversarial_twin
from playground.classroom.challenges import check_seven_to_three
from playground.digits.lesson import DigitLesson
from playground.digits.pictures import prediction_cards
from playground.render.png import data_uri, encode_png
from playground.render.probability_bars import probability_bars
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings
from playground.training_driver import (
    Outcome,
    TrainingLimits,
    TrainingRun,
    limit_message,
)

LESSON = "adversarial"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
VIEWS = ["Fool one digit", "Accuracy against ε", "Defend it", "Gallery", "On 2D data", "Why is it so easy?"]
link_notices: list[str] = []  # what this page run's link could not be used for, shown under the title


def lesson_from_link() -> AdversarialLesson:
    """A link (or the class preset) may name the attack: ?digit=…&attack=pgd&eps=0.1&steps=10&target=3."""
    query = st.query_params.to_dict() or dict(parse_qsl(ui.class_config().presets.get(LESSON, "")))
    made, digit, notices = adversarial_lesson.parse_link(query)
    if digit is not None:
        st.session_state[KEY("digit")] = digit
    link_notices.extend(notices)
    return made


lesson: AdversarialLesson = ui.adversarial_lesson(lesson_from_link)
digits: DigitLesson = ui.digit_lesson()
ui.show_seed(digits.config.seed, "of the digit network")
ui.lesson_header(
    LESSON,
    "A network that reads 95% of digits right can be fooled by changes too small to see. The **fast "
    "gradient sign method** (FGSM) nudges every pixel by at most ε in the direction that raises the "
    "network's loss; **PGD** takes several smaller such steps. Attack your own network, measure how its "
    "accuracy falls as ε grows, see why on 2D data, then train a defence and measure it.",
    notices=link_notices,
)
ui.try_this([
    ("FGSM with ε = 0.1 on a few digits", "most flip, yet the new digit looks the same to you."),
    ("A targeted attack: make a 7 read as a 3", "PGD gets there with a smaller ε than FGSM."),
    ("The curve for an MLP and for a CNN", "the CNN holds out longer, but both fall far below the clean accuracy."),
    ("Defend it: adversarial training at ε = 0.1", "the robust twin keeps much of its accuracy under attack, at a small cost on clean digits."),
    ("On 2D data, raise ε slowly", "the points closest to the boundary cross first."),
])

view = st.segmented_control("View", VIEWS, default=VIEWS[0], key=KEY("view"), label_visibility="collapsed")


def attack_settings(prefix: str, show_target: bool = True) -> None:
    """The attack, ε, PGD's steps and (optionally) a target class, into the lesson."""
    c1, c2, c3 = st.columns([1, 1.4, 1])
    lesson.attack = c1.radio("Attack", ["fgsm", "pgd"], index=["fgsm", "pgd"].index(lesson.attack),
                             format_func={"fgsm": "FGSM (one step)", "pgd": "PGD (iterative)"}.get,
                             key=KEY(f"{prefix}-attack"), horizontal=True)
    lesson.eps = c2.slider("ε (largest change of a pixel, on a 0–1 scale)", 0.0, 0.3, lesson.eps, step=0.01,
                           key=KEY(f"{prefix}-eps"))
    if lesson.attack == "pgd":
        lesson.steps = c3.slider("PGD steps", 1, 40, lesson.steps, key=KEY(f"{prefix}-steps"),
                                 help="Each step is 2.5·ε/steps, and the image is kept within ε of the original.")
    if show_target:
        options = [None, *range(10)]
        lesson.target = c3.selectbox("Make it read as", options, index=options.index(lesson.target),
                                     format_func=lambda c: "any wrong digit" if c is None else str(c),
                                     key=KEY(f"{prefix}-target"))


def curve_chart(rows: list[dict]) -> alt.Chart:
    frame = pd.DataFrame(rows)
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("eps:Q", title="ε"), y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("curve:N", title=None), strokeDash=alt.StrokeDash("kind:N", title=None),
        tooltip=["curve", alt.Tooltip("eps:Q", format=".2f"), alt.Tooltip("accuracy:Q", format=".1%")],
    ).properties(height=320)


def tutorial_rows() -> list[dict]:
    return [{"curve": "PyTorch tutorial's LeNet, FGSM (reference)", "kind": "reference", "eps": e, "accuracy": a}
            for e, a in attacks.TUTORIAL_CURVE]


def attacks_compare(n: int) -> list[dict]:
    """Both models' FGSM and PGD curves on the first n test digits."""
    rows = []
    for name, trainer_ in (("your network", digits.trainer), ("robust twin", lesson.robust)):
        for attack in ("fgsm", "pgd"):
            curve = attacks.accuracy_vs_eps(trainer_.model, test_images[:n], test_labels[:n], attack=attack, steps=10)
            rows += [{"curve": f"{name}, {attack.upper()}", "kind": attack, "eps": e, "accuracy": a} for e, a in curve]
    return rows


# ------------------------------------------------------------------------------------------------ digits
if view in VIEWS[:4]:
    ui.require_digit_model(digits)
    trainer = digits.trainer
    model = trainer.model
    names = ui.digit_data(digits.trained_on).class_names
    test_images, test_labels = trainer.data.test_images.numpy(), trainer.data.test_labels.numpy()
    key = model_key(trainer)
    st.caption(f"Your network: {trainer.spec.describe()}, {trainer.epoch:.2f} epochs, test accuracy "
               f"{trainer.history[-1].test_accuracy:.1%}" if trainer.history else trainer.spec.describe())


@st.fragment
def fool_one_digit() -> None:
    """One digit attacked and redrawn. A fragment: moving ε or changing the digit reruns only this view."""
    attack_settings("one")
    c1, c2, c3 = st.columns([1.2, 1, 1])
    sources = ["test digit"] + (["my last drawing"] if digits.last_drawing is not None else [])
    source = c1.radio("Digit", sources, horizontal=True, key=KEY("source"))
    if source == "test digit":
        st.session_state.setdefault(KEY("digit"), int(np.flatnonzero(test_labels == 7)[0]) if (test_labels == 7).any() else 0)
        # a link's digit number within this test set (a smaller set than the link's, or a bad value)
        st.session_state[KEY("digit")] = min(max(0, int(st.session_state[KEY("digit")])), len(test_labels) - 1)
        index = c2.number_input("Test digit number", 0, len(test_labels) - 1, key=KEY("digit"))
        c3.button("Random digit", key=KEY("random"), on_click=lambda: st.session_state.update(
            {KEY("digit"): int(np.random.default_rng().integers(len(test_labels)))}))
        image, label = test_images[index], int(test_labels[index])
    else:
        image = digits.last_drawing
        label = int(attacks.predictions(model, image)[0])  # its 'label' is what the network reads now
        c2.caption("Your drawing's label is what your network reads now.")
    if lesson.target == label:
        st.info(f"It already reads as {names[label]}: choose another target.")
    result = attacks.attack_one(model, image, label, lesson.eps, lesson.attack, lesson.target, steps=lesson.steps)
    left, right = st.columns([1.3, 1])
    with left:
        st.image(data_uri(encode_png(digit_triptych(result.original, result.perturbation, result.adversarial,
                                                    result.scale))), width="stretch")
        scale = f"magnified ×{1 / result.scale:.0f}" if result.scale > 0 else "no change"
        st.caption(f"Original · perturbation ({scale}: blue adds ink, orange removes it; every pixel changes by "
                   f"at most ε = {lesson.eps:.2f}) · adversarial")
    with right:
        before, after = result.original_prediction, result.adversarial_prediction
        if result.success:
            st.error(f"**Fooled.** Read as **{names[after]}** ({result.adversarial_probabilities[after]:.0%}) "
                     f"instead of {names[before]} ({result.original_probabilities[before]:.0%}).", icon=":material/warning:")
        else:
            st.success(f"**Not fooled** at ε = {lesson.eps:.2f}: still read as {names[after]} "
                       f"({result.adversarial_probabilities[after]:.0%}). Try a larger ε or PGD.", icon=":material/shield:")
        st.vega_lite_chart(*probability_bars({"original": result.original_probabilities,
                                              "adversarial": result.adversarial_probabilities}, names, height=220),
                           width="stretch")
    link = {"attack": lesson.attack, "eps": f"{lesson.eps:g}", "steps": str(lesson.steps)}
    if source == "test digit":
        link["digit"] = str(index)
    if lesson.target is not None:
        link["target"] = str(lesson.target)
    st.query_params.from_dict(link)  # this attack, as a link
    ui.challenge_panel("seven-to-three",
                       lambda: check_seven_to_three(result, int(index) if source == "test digit" else None),
                       url="/adversarial?" + urlencode(link))


if view == VIEWS[0]:
    fool_one_digit()
elif view == VIEWS[1]:
    st.markdown("Accuracy on the test digits when every one of them is attacked with the same ε. At ε = 0 it is "
                "the clean accuracy. The dashed line is the PyTorch tutorial's published FGSM curve for its LeNet "
                "(a comparable model trained on the full MNIST) — a reference, not your network.")
    n = min(1000, len(test_labels))
    fgsm_curve = lesson.cached("fgsm-curve", key, lambda: attacks.accuracy_vs_eps(model, test_images[:n], test_labels[:n]))
    rows = [{"curve": "your network, FGSM", "kind": "yours", "eps": e, "accuracy": a} for e, a in fgsm_curve]
    if st.button(f"Add the PGD curve ({lesson.steps} steps)", key=KEY("pgd-curve"), icon=":material/add_chart:") or \
            lesson.results.has("pgd-curve", key):
        n_pgd = digits_to_attack("pgd", lesson.steps, n)
        with st.spinner("Attacking every test digit with PGD…" if n_pgd == n else
                        f"Attacking the first {n_pgd} test digits with PGD ({lesson.steps} steps each)…"):
            pgd_curve = lesson.cached("pgd-curve", key, lambda: attacks.accuracy_vs_eps(
                model, test_images[:n_pgd], test_labels[:n_pgd], attack="pgd", steps=lesson.steps))
        rows += [{"curve": "your network, PGD", "kind": "yours", "eps": e, "accuracy": a} for e, a in pgd_curve]
    st.altair_chart(curve_chart(rows + tutorial_rows()), width="stretch")
    table = pd.DataFrame(rows).pivot(index="eps", columns="curve", values="accuracy")
    st.dataframe(table.style.format("{:.1%}"), width="stretch")

elif view == VIEWS[2]:
    st.markdown("**Adversarial training** (Goodfellow et al., 2015): train a twin of your network on a mix of "
                "clean digits and adversarial ones made against it as it learns. Goodfellow et al. report that it "
                f"cut the error on adversarial examples from {GOODFELLOW_ADVERSARIAL_ERROR['standard']:.1%} to "
                f"{GOODFELLOW_ADVERSARIAL_ERROR['adversarially trained']:.1%}.")
    c1, c2, c3, c4 = st.columns(4)
    attack = c1.radio("Train against", ["fgsm", "pgd"], key=KEY("robust-attack"), horizontal=True,
                      format_func=str.upper, disabled=lesson.training)
    eps = c2.slider("ε during training", 0.05, 0.3, 0.1, step=0.05, key=KEY("robust-eps"), disabled=lesson.training)
    limits = TrainingLimits.of_class(ui.class_config().limits)
    top = limits.epochs(20)
    epochs = c3.number_input("Epochs", 1, top, min(top, trainer.config.epochs), key=KEY("robust-epochs"),
                             disabled=lesson.training)
    stale = lesson.robust is not None and lesson.robust_of != id(trainer)
    if c4.button("Train the robust twin", type="primary", key=KEY("robust-train"), disabled=lesson.training):
        lesson.robust = adversarial_twin(trainer, AdversarialConfig(attack=attack, eps=eps, steps=5))
        lesson.robust.config = replace(trainer.config, epochs=limits.epochs(epochs))
        lesson.robust_of, lesson.training = id(trainer), True
        lesson.run = TrainingRun.starting(lesson.robust)
    if c4.button("Stop", key=KEY("robust-stop"), disabled=not lesson.training):
        lesson.training = False
    waiting, progress = st.empty(), st.empty()
    robust = lesson.robust

    def show_robust_progress() -> None:
        progress.progress(min(1.0, robust.epoch / robust.config.epochs),
                          text=f"Robust twin: epoch {robust.epoch:.2f} of {robust.config.epochs} "
                               f"({robust.adversarial.describe()})")

    if robust is not None and lesson.training:
        outcome = ui.train(robust, lesson.run, limits, progress=show_robust_progress, notice=waiting)
        if outcome.ends_run:
            lesson.training = False
            if outcome is not Outcome.FINISHED:
                st.toast(limit_message(outcome, limits))
            st.rerun()
    if robust is not None and not lesson.training and robust.history:
        if stale:
            st.warning("Your digit network changed since this twin was trained; train the twin again to compare fairly.")
        n = min(1000, len(test_labels))
        both = lesson.cached("robust-compare", (key, model_key(robust)), lambda: attacks_compare(n))
        st.altair_chart(curve_chart(both), width="stretch")
        summary = pd.DataFrame(both).query("eps in [0.0, 0.1]").pivot(index="curve", columns="eps", values="accuracy")
        summary.columns = ["clean accuracy", "accuracy at ε = 0.1"]
        st.dataframe(summary.style.format("{:.1%}"), width="stretch")
    elif robust is None:
        st.caption("No robust twin yet.")

elif view == VIEWS[3]:
    attack_settings("gallery", show_target=False)
    n = digits_to_attack(lesson.attack, lesson.steps, len(test_labels))
    gallery = lesson.cached(("gallery", lesson.attack, lesson.eps, lesson.steps), key, lambda: attacks.adversarial_gallery(
        model, test_images[:n], test_labels[:n], lesson.eps, lesson.attack, k=18, steps=lesson.steps))
    if not gallery:
        st.success(f"No test digit fooled the network at ε = {lesson.eps:.2f}. Raise ε.")
    else:
        images = np.stack([np.rint(g.adversarial * 255).astype(np.uint8) for g in gallery])
        probs = attacks.probabilities(model, images).numpy()
        classes, top = np.argsort(-probs, axis=1)[:, :3], np.sort(probs, axis=1)[:, ::-1][:, :3]
        st.markdown(f"**{len(gallery)} adversarial digits that fooled your network** (surest mistakes first): "
                    "each was read correctly before the attack; the bars are what it reads now "
                    "(green is the true digit).")
        st.image(encode_png(prediction_cards(images, np.array([g.label for g in gallery]), classes, top, names, ncols=6)))


# ------------------------------------------------------------------------------------------------ 2D
def playground_run_for_attacks() -> tuple[PlaygroundRun, str]:
    """The learner's Playground network if there is one, else a small one trained here (seeded)."""
    own: PlaygroundLesson | None = ui.existing_playground_lesson()
    if own is not None and own.run.problem == "classification":
        return own.run, "your Playground network"

    def train_default() -> PlaygroundRun:
        run = PlaygroundRun(PlaygroundSettings(dataset="circle", networkShape=[6, 4], noise=10))
        run.train(300, loss_every_epoch=False)
        return run

    return lesson.cached("default-2d", ("default",), train_default), "a small network trained here on the circle"


if view == VIEWS[4]:
    run, which = playground_run_for_attacks()
    st.markdown(f"Attacking {which} ({'-'.join(map(str, run.settings.networkShape)) or 'no hidden layer'}). "
                "FGSM moves every training point by ε in the direction that raises the network's loss (an L∞ step: "
                "up to ε along each axis). Arrows show the steps; **red** ones crossed the decision boundary.")
    c1, c2 = st.columns([2, 1])
    lesson.eps_2d = c1.slider("ε (in the plane's units)", 0.0, 2.0, lesson.eps_2d, step=0.05, key=KEY("eps2d"))
    points, labels = run.train_x, run.train_y
    step = attacks2d.crossings(run, points, labels, lesson.eps_2d)
    if lesson.chosen_point is None or lesson.chosen_point >= len(points):
        lesson.chosen_point = int(np.argmin(step.margin_before)) if len(points) else None
    if c2.button("The point nearest the boundary", key=KEY("nearest")):
        lesson.chosen_point = int(np.argmin(step.margin_before))
    left, right = st.columns([1.2, 1])
    with left:
        st.image(encode_png(attack_map(run, step, lesson.chosen_point)), width=420,
                 caption=f"ε = {lesson.eps_2d:.2f}: {int(step.crossed.sum())} of {len(points)} points crossed; "
                         "the square is the ε-ball of the point nearest the boundary")
    with right:
        curve = attacks2d.accuracy_vs_eps_2d(run, points, labels)
        frame = pd.DataFrame(curve, columns=["eps", "accuracy"])
        st.altair_chart(alt.Chart(frame).mark_line(point=True).encode(
            x=alt.X("eps:Q", title="ε"), y=alt.Y("accuracy:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("eps:Q", format=".2f"), alt.Tooltip("accuracy:Q", format=".1%")],
        ).properties(height=260, title="Training accuracy after FGSM"), width="stretch")
        if len(points):
            margin = step.margin_before
            crossed = step.crossed
            if crossed.any() and (~crossed).any():
                st.markdown(f"The points that crossed were **{margin[crossed].mean():.2f}** from the boundary on average "
                            f"(in output units), the others **{margin[~crossed].mean():.2f}**: points near the boundary fall first.")

elif view == VIEWS[5]:
    rows = attacks2d.linear_attack_demo()
    st.markdown(
        "Goodfellow et al.'s explanation: take a **linear** model, output w·x. Change every input by at most ε, "
        "each in the direction of the sign of its weight: the output moves by ε·‖w‖₁ — a sum over every input. "
        "No single pixel changes noticeably, but with 784 pixels (or a million) the small changes add up to a "
        "large one. A *random* change of the same size mostly cancels out. Networks built from ReLUs and "
        "linear layers behave linearly enough for the same to happen."
    )
    frame = pd.DataFrame(
        [{"dimensions": r.dims, "change of the output": r.adversarial_change, "perturbation": "ε·sign(w), adversarial"} for r in rows]
        + [{"dimensions": r.dims, "change of the output": r.random_change, "perturbation": "random ±ε"} for r in rows]
    )
    st.altair_chart(alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("dimensions:Q", scale=alt.Scale(type="log")),
        y=alt.Y("change of the output:Q", scale=alt.Scale(type="log")),
        color=alt.Color("perturbation:N", scale=alt.Scale(range=["#cf222e", "#9aa5b1"]), title=None),
        tooltip=["dimensions", "perturbation", alt.Tooltip("change of the output:Q", format=".3f")],
    ).properties(height=300, title=f"A linear model, each input changed by at most ε = {rows[0].eps}"), width="stretch")
    st.caption("Weights drawn at random (seeded). The adversarial change grows like the number of inputs, the random "
               "one like its square root.")
