"""The Adversarial examples lesson's link: every value bounded, bad ones named as literal text; and how
many digits a whole-test-set view attacks, so that PGD's steps cannot multiply the work."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.adversarial import attacks, attacks2d, curves, gallery
from playground.adversarial import lesson as adversarial
from playground.adversarial.lesson import MAX_STEPS, AdversarialLesson, digits_to_attack
from playground.adversarial.url import link_query, parse_link
from playground.classroom.server_load import TrainingSlots
from playground.digits.models import ModelSpec
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.training_driver import Outcome, TrainingLimits, run_training


def test_a_good_link_sets_the_attack() -> None:
    lesson, digit, notices = parse_link({"attack": "pgd", "eps": "0.123", "steps": "12", "target": "3", "digit": "42"})
    assert (lesson.attack, lesson.eps, lesson.steps, lesson.target, digit, notices) == ("pgd", 0.12, 12, 3, 42, [])
    lesson, digit, notices = parse_link({})
    assert (lesson.attack, lesson.eps, lesson.steps, lesson.target, digit, notices) == ("fgsm", 0.1, 10, None, None, [])


@pytest.mark.parametrize(("key", "value"), [
    ("attack", "cw"), ("eps", "0.31"), ("eps", "nan"), ("eps", "inf"), ("eps", "-0.1"), ("steps", "0"),
    ("steps", str(MAX_STEPS + 1)), ("steps", "1e9"), ("steps", "9" * 5000), ("target", "10"), ("target", "3.5"),
    ("digit", "60000"), ("digit", "-1"), ("digit", "x"),
])
def test_bad_values_keep_the_default_with_a_notice(key: str, value: str) -> None:
    start = time.perf_counter()
    lesson, digit, notices = parse_link({key: value})
    assert time.perf_counter() - start < 0.01
    assert (lesson.attack, lesson.eps, lesson.steps, lesson.target, digit) == ("fgsm", 0.1, 10, None, None)
    assert len(notices) == 1 and notices[0].startswith(f"{key} '") and notices[0].endswith("using the default.")
    assert len(notices[0]) < 120


def test_a_notice_quotes_the_link_as_literal_text() -> None:
    from playground.text import escape_markdown

    link = "[win](https://evil.example)"
    _, _, notices = parse_link({"attack": link})
    assert notices == [f"attack '{escape_markdown(link, 20)}' is not fgsm or pgd — using the default."]
    assert notices[0].startswith(r"attack '\[win\]\(https")


def test_a_link_names_unknown_keys_and_reads_a_repeated_keys_last_value() -> None:
    from playground.text import escape_markdown

    evil = "[x](https://evil.example)"
    lesson, digit, notices = parse_link({"eps": ["0.2", "0.05"], evil: "1", "seed": "3"})
    assert (lesson.eps, digit) == (0.05, None)
    assert notices == [f"Ignored settings this page does not know: {escape_markdown(evil)}, seed."]
    assert notices[0].startswith(r"Ignored settings this page does not know: \[x\]\(https")


def test_the_attack_on_screen_goes_round_a_link() -> None:
    lesson = AdversarialLesson(attack="pgd", eps=0.05, steps=12, target=3)
    query = link_query(lesson, digit=42)
    assert query == {"attack": "pgd", "eps": "0.05", "steps": "12", "digit": "42", "target": "3"}
    again, digit, notices = parse_link(query)
    assert (again.attack, again.eps, again.steps, again.target, digit, notices) == ("pgd", 0.05, 12, 3, 42, [])
    # attack, ε and steps are always in the link; a drawing (no test digit) and no target leave theirs out
    assert link_query(AdversarialLesson()) == {"attack": "fgsm", "eps": "0.1", "steps": "10"}
    assert link_query(AdversarialLesson(eps=0.0)) == {"attack": "fgsm", "eps": "0", "steps": "10"}


def test_pgd_steps_do_not_multiply_the_work_of_a_whole_test_set_view() -> None:
    assert digits_to_attack("fgsm", 40, 1000) == 1000 and digits_to_attack("fgsm", 40, 300) == 300
    assert digits_to_attack("pgd", 10, 1000) == 1000
    assert digits_to_attack("pgd", 40, 1000) == 250
    assert all(digits_to_attack("pgd", s, 10_000) * s <= 10_000 for s in range(1, MAX_STEPS + 1))


# ---------------------------------------------------------------------------------------------------------
# The lesson's state and the page's logic, in the library: the views, the robust twin (what it trains, its
# progress, when its run ends), the 2D view's chosen point and margins, the curves' rows and tables, the
# gallery's top 3.


@pytest.fixture(scope="module")
def tiny_trainer() -> DigitTrainer:
    rng = np.random.default_rng(0)
    tensors = DigitTensors.from_arrays(rng.integers(0, 256, (96, 28, 28), dtype=np.uint8), rng.integers(0, 10, 96),
                                       rng.integers(0, 256, (40, 28, 28), dtype=np.uint8), rng.integers(0, 10, 40))
    return DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=1, batch_size=32), tensors)


def test_the_views_in_their_order_and_which_attack_the_digit_network() -> None:
    assert [str(view) for view in adversarial.View] == [
        "Fool one digit", "Accuracy against ε", "Defend it", "Gallery", "On 2D data", "Why is it so easy?"]
    assert [view.attacks_digits for view in adversarial.View] == [True, True, True, True, False, False]
    assert adversarial.View("Gallery") is adversarial.View.GALLERY and adversarial.View.GALLERY == "Gallery"


def test_the_robust_twin_copies_the_network_and_trains_within_the_class_limit(tiny_trainer) -> None:
    from dataclasses import replace

    from playground.adversarial.training import AdversarialConfig

    lesson = adversarial.AdversarialLesson()
    assert lesson.robust_progress() == 0.0 and not lesson.robust_is_stale(tiny_trainer)
    limits = TrainingLimits(max_epochs=1)
    twin = lesson.start_robust(tiny_trainer, "pgd", 0.2, epochs=3, limits=limits)
    assert lesson.robust is twin and lesson.training and lesson.robust_of == id(tiny_trainer)
    assert (twin.spec, twin.data, twin.extra) == (tiny_trainer.spec, tiny_trainer.data, tiny_trainer.extra)
    assert twin.config == replace(tiny_trainer.config, epochs=1)  # the class allows one epoch a run
    assert twin.adversarial == AdversarialConfig("pgd", 0.2, adversarial.ROBUST_PGD_STEPS)
    assert (lesson.run.start_epoch, lesson.run.seconds) == (0.0, 0.0)
    # a click on the page ends a call of the driver, not the run: it goes on at the next page run
    assert not lesson.robust_ran(Outcome.STOPPED) and not lesson.robust_ran(Outcome.WAITING) and lesson.training
    outcome = run_training(twin, lesson.run, "learner", limits, slots=TrainingSlots(1), pause=0)
    assert outcome is Outcome.FINISHED and lesson.robust_ran(outcome) and not lesson.training
    assert lesson.robust_progress() == 1.0 and twin.history
    # a new digit network makes the twin stale; the one it copies does not
    other = DigitTrainer(tiny_trainer.spec, tiny_trainer.config, tiny_trainer.data)
    assert lesson.robust_is_stale(other) and not lesson.robust_is_stale(tiny_trainer)


def test_the_robust_twins_progress_stop_and_limits(tiny_trainer) -> None:
    lesson = adversarial.AdversarialLesson()
    twin = lesson.start_robust(tiny_trainer, "fgsm", 0.1, epochs=2, limits=TrainingLimits())
    assert twin.config.epochs == 2  # no class limit
    outcome = run_training(twin, lesson.run, "learner", TrainingLimits(), until_epoch=0.5, slots=TrainingSlots(1),
                           pause=0)
    assert outcome is Outcome.REACHED and not lesson.robust_ran(outcome) and lesson.training
    assert lesson.robust_progress() == pytest.approx(twin.epoch / 2) and 0.2 < lesson.robust_progress() < 0.5
    lesson.stop_robust()  # the learner's Stop: the twin keeps what it learned
    assert not lesson.training and lesson.robust is twin
    for limit in (Outcome.TIME_LIMIT, Outcome.EPOCH_LIMIT):
        lesson.training = True
        assert lesson.robust_ran(limit) and not lesson.training
    lesson.results.get("robust-compare", (1,), lambda: "curves")
    lesson.forget_robust()
    assert lesson.robust is None and not lesson.results.has("robust-compare", (1,))


def test_the_first_digit_and_a_digit_number_within_the_test_set() -> None:
    labels = np.array([3, 1, 7, 7])
    assert adversarial.first_digit(labels) == 2 and adversarial.first_digit(labels, 3) == 0
    assert adversarial.first_digit(np.array([1, 2])) == 0  # no 7: the first digit
    assert [adversarial.within_test_set(n, 10) for n in (-5, 0, 4, 9, 59_999)] == [0, 0, 4, 9, 9]


def step_2d(margins: list[float], crossed: list[bool]) -> attacks2d.Step2D:
    n = len(margins)
    return attacks2d.Step2D(np.zeros((n, 2)), np.ones((n, 2)), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
                            np.array(crossed, dtype=np.int64), np.array(margins), 0.5)


def test_the_2d_view_frames_the_point_nearest_the_boundary_until_the_learner_picks_one() -> None:
    lesson = adversarial.AdversarialLesson()
    step = step_2d([0.5, 0.1, 0.9], [False, True, False])
    assert attacks2d.nearest_to_boundary(step) == 1 and lesson.keep_chosen_point(step) == 1
    lesson.chosen_point = 2
    assert lesson.keep_chosen_point(step) == 2  # the learner's choice stays
    lesson.chosen_point = 7
    assert lesson.keep_chosen_point(step) == 1  # a point of a larger data set: back to the nearest
    assert lesson.keep_chosen_point(step_2d([], [])) is None and attacks2d.nearest_to_boundary(step_2d([], [])) is None


def test_the_margins_of_the_points_that_crossed_and_of_the_others() -> None:
    crossed, others = attacks2d.crossing_margins(step_2d([0.5, 0.1, 0.9, 0.2], [False, True, False, True]))
    assert (crossed, others) == pytest.approx((0.15, 0.7))
    assert attacks2d.crossing_margins(step_2d([0.5, 0.1], [True, True])) is None
    assert attacks2d.crossing_margins(step_2d([0.5, 0.1], [False, False])) is None
    assert attacks2d.crossing_margins(step_2d([], [])) is None


def test_the_default_2d_network_is_a_seeded_circle_classifier() -> None:
    from playground.tfplayground.run import PlaygroundRun
    from playground.tfplayground.settings import PlaygroundSettings

    run, again = attacks2d.default_run(), attacks2d.default_run()
    assert attacks2d.can_attack(run) and run.settings.dataset == "circle" and run.settings.networkShape == [6, 4]
    assert run.epoch == 300 and np.array_equal(run.train_x, again.train_x)
    assert np.array_equal(attacks2d.predict_2d(run, run.train_x)[0], attacks2d.predict_2d(again, run.train_x)[0])
    assert not attacks2d.can_attack(PlaygroundRun(PlaygroundSettings(problem="regression")))


def test_curve_rows_and_the_pages_tables() -> None:
    fgsm = curves.curve_rows([(0.0, 0.9), (0.1, 0.5)], "your network, FGSM", "yours")
    assert fgsm == [{"curve": "your network, FGSM", "kind": "yours", "eps": 0.0, "accuracy": 0.9},
                    {"curve": "your network, FGSM", "kind": "yours", "eps": 0.1, "accuracy": 0.5}]
    reference = curves.tutorial_rows()
    assert [(r["eps"], r["accuracy"]) for r in reference] == list(attacks.TUTORIAL_CURVE)
    assert {r["curve"] for r in reference} == {"PyTorch tutorial's LeNet, FGSM (reference)"}
    assert {r["kind"] for r in reference} == {"reference"}
    pgd = curves.curve_rows([(0.0, 0.9), (0.1, 0.3)], "your network, PGD", "yours")
    table = curves.accuracy_table(fgsm + pgd)
    assert list(table.columns) == ["your network, FGSM", "your network, PGD"] and list(table.index) == [0.0, 0.1]
    assert table.loc[0.1].tolist() == [0.5, 0.3]
    assert curves.curve_digits(5000) == 1000 and curves.curve_digits(300) == 300


def test_the_robust_summary_has_the_clean_accuracy_and_the_accuracy_at_0_1() -> None:
    rows = []
    for name, accuracies in (("your network, FGSM", (0.9, 0.6, 0.2)), ("robust twin, FGSM", (0.85, 0.8, 0.7))):
        rows += curves.curve_rows(list(zip((0.0, 0.05, 0.1), accuracies, strict=True)), name, "fgsm")
    summary = curves.robust_summary(rows)
    assert list(summary.columns) == ["clean accuracy", "accuracy at ε = 0.1"]
    assert summary.to_dict("index") == {"robust twin, FGSM": {"clean accuracy": 0.85, "accuracy at ε = 0.1": 0.7},
                                        "your network, FGSM": {"clean accuracy": 0.9, "accuracy at ε = 0.1": 0.2}}


def test_the_comparison_curves_both_models_under_both_attacks(tiny_trainer) -> None:
    images, labels = tiny_trainer.data.test_images[:20], tiny_trainer.data.test_labels[:20]
    twin = DigitTrainer(tiny_trainer.spec, tiny_trainer.config, tiny_trainer.data)
    rows = curves.comparison_rows(tiny_trainer.model, twin.model, images, labels, steps=2)
    names = ["your network, FGSM", "your network, PGD", "robust twin, FGSM", "robust twin, PGD"]
    assert list(dict.fromkeys(r["curve"] for r in rows)) == names
    assert [r["kind"] for r in rows] == [k for k in ("fgsm", "pgd", "fgsm", "pgd") for _ in attacks.DEFAULT_EPSILONS]
    clean = {r["curve"]: r["accuracy"] for r in rows if r["eps"] == 0.0}
    assert clean["your network, FGSM"] == clean["your network, PGD"] == attacks.accuracy(tiny_trainer.model, images, labels)
    assert clean["robust twin, PGD"] == attacks.accuracy(twin.model, images, labels)


def test_the_gallery_cards_read_the_pictures_shown(tiny_trainer) -> None:
    rng = np.random.default_rng(1)
    fooled = [attacks.FooledExample(i, i % 10, 0, 0.5, rng.uniform(0, 1, (28, 28)).astype(np.float32))
              for i in range(5)]
    cards = gallery.gallery_cards(tiny_trainer.model, fooled)
    assert len(cards) == 5 and cards.images.dtype == np.uint8 and cards.labels.tolist() == [0, 1, 2, 3, 4]
    assert np.array_equal(cards.images, np.rint(np.stack([f.adversarial for f in fooled]) * 255).astype(np.uint8))
    probs = attacks.probabilities(tiny_trainer.model, cards.images).numpy()  # read from the rounded pixels
    assert cards.classes.shape == cards.probabilities.shape == (5, 3)
    assert np.array_equal(cards.classes[:, 0], probs.argmax(axis=1))
    assert np.allclose(cards.probabilities, np.sort(probs, axis=1)[:, ::-1][:, :3])
    assert np.allclose(cards.probabilities, np.take_along_axis(probs, cards.classes, axis=1))
    assert len(gallery.gallery_cards(tiny_trainer.model, [])) == 0
