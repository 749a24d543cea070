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


def line_network(boundary_x: float):
    """A Playground network with no hidden layer on the feature x alone: it reads +1 right of x = boundary_x
    and -1 left of it (the decision boundary is that vertical line)."""
    from playground.tfplayground.run import PlaygroundRun
    from playground.tfplayground.settings import PlaygroundSettings

    run = PlaygroundRun(PlaygroundSettings(dataset="gauss", networkShape=[], features=("x",)))
    run.network.weights(0)[:] = 1.0
    run.network.biases(0)[:] = -boundary_x
    return run


def test_the_distance_to_the_boundary_is_measured_as_eps_is() -> None:
    run = line_network(0.5)
    points = np.array([[0.0, 0.0], [2.0, -5.0], [0.55, 3.0], [-4.0, 4.0]])
    distances = attacks2d.boundary_distances(run, points)
    assert distances == pytest.approx([0.5, 1.5, 0.05, 4.5], abs=attacks2d.GRID_STEP)
    # the whole plane read as one class: no boundary anywhere
    run.network.biases(0)[:] = -100.0
    assert np.isinf(attacks2d.boundary_distances(run, points)).all()


def bands_of(distances: list[float], crossed: list[bool], right: list[bool] | None = None) -> list[attacks2d.Band]:
    n = len(distances)
    right = [True] * n if right is None else right
    labels = np.zeros(n, dtype=np.int64)
    before = np.where(right, 0, 1)
    after = np.where(crossed, 1 - before, before)
    step = attacks2d.Step2D(np.zeros((n, 2)), np.ones((n, 2)), labels, before, after, np.ones(n), 0.5)
    return attacks2d.crossing_bands(step, np.array(distances)), step


def test_the_points_read_right_are_counted_by_distance_band() -> None:
    bands, _ = bands_of([0.1, 0.2, 0.3, 0.7, 1.5, 3.0, 0.1], [True, False, True, False, False, False, True],
                        right=[True] * 6 + [False])  # the last one was read wrong before: not counted
    assert [b.label for b in bands] == ["0–0.25", "0.25–0.5", "0.5–1", "1–2", "2 or more"]
    assert [(b.points, b.crossed) for b in bands] == [(2, 1), (1, 1), (1, 0), (1, 0), (1, 0)]
    assert bands[0].share == 0.5 and np.isnan(attacks2d.Band(0, 1, 0, 0).share)
    # the share grows from the nearest band to the next: the numbers do not show "nearest first"
    assert not attacks2d.nearer_cross_more(bands)
    assert attacks2d.nearer_cross_more(bands_of([0.1, 0.3, 0.7], [True, True, False])[0])
    assert not attacks2d.nearer_cross_more(bands_of([0.1, 0.3], [False, False])[0])  # nothing crossed


def test_the_bands_summary_says_only_what_the_numbers_show() -> None:
    bands, step = bands_of([0.1, 0.1, 0.3, 0.7, 1.5], [True, True, True, False, False])
    text = attacks2d.bands_summary(bands, step, np.array([0.1, 0.1, 0.3, 0.7, 1.5]))
    assert text.startswith("Nearest band (0–0.25 from the boundary): **2 of 2** crossed; farthest (1–2): **0 of 1**.")
    assert "The nearer the boundary a point was, the more likely it crossed." in text
    assert text.endswith("Of the 2 points farther than ε = 0.50, 0 crossed.")
    bands, step = bands_of([0.1, 0.1, 0.3, 0.7], [True, False, True, False])  # 50%, then 100%: no such claim
    text = attacks2d.bands_summary(bands, step, np.array([0.1, 0.1, 0.3, 0.7]))
    assert "more likely" not in text and "**1 of 2** crossed" in text
    bands, step = bands_of([0.1, 0.7], [False, False])
    assert attacks2d.bands_summary(bands, step, np.array([0.1, 0.7])) == "At ε = 0.50 no point crossed."
    bands, step = bands_of([0.1], [False], right=[False])
    assert "reads no point correctly" in attacks2d.bands_summary(bands, step, np.array([0.1]))


def test_the_distances_are_kept_for_one_network_state() -> None:
    run = line_network(0.5)
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    key = attacks2d.state_key(run, points)
    assert attacks2d.state_key(run, points.copy()) == key
    assert attacks2d.state_key(run, points + 1) != key  # other points
    run.network.biases(0)[:] = 0.0
    assert attacks2d.state_key(run, points) != key  # other weights, at the same epoch


def test_the_default_2d_network_is_a_seeded_circle_classifier() -> None:
    from playground.tfplayground.run import PlaygroundRun
    from playground.tfplayground.settings import PlaygroundSettings

    run, again = attacks2d.default_run(), attacks2d.default_run()
    assert attacks2d.can_attack(run) and run.settings.dataset == "circle" and run.settings.networkShape == [6, 4]
    assert run.epoch == 300 and np.array_equal(run.train_x, again.train_x)
    assert np.array_equal(attacks2d.predict_2d(run, run.train_x)[0], attacks2d.predict_2d(again, run.train_x)[0])
    assert not attacks2d.can_attack(PlaygroundRun(PlaygroundSettings(problem="regression")))


def test_curve_rows_and_the_pages_tables() -> None:
    fgsm = curves.curve_rows([(0.0, 0.9), (0.1, 0.5)], curves.YOURS, "fgsm")
    assert fgsm == [{"curve": "your network, FGSM", "model": "your network", "kind": "fgsm", "eps": 0.0, "accuracy": 0.9},
                    {"curve": "your network, FGSM", "model": "your network", "kind": "fgsm", "eps": 0.1, "accuracy": 0.5}]
    reference = curves.tutorial_rows()
    assert [(r["eps"], r["accuracy"]) for r in reference] == list(attacks.TUTORIAL_CURVE)
    assert {r["curve"] for r in reference} == {"PyTorch tutorial's LeNet, FGSM (reference)"}
    assert {(r["model"], r["kind"]) for r in reference} == {("reference", "reference")}
    pgd = curves.curve_rows([(0.0, 0.9), (0.1, 0.3)], curves.YOURS, "pgd")
    table = curves.accuracy_table(fgsm + pgd)
    assert list(table.columns) == ["your network, FGSM", "your network, PGD"] and list(table.index) == [0.0, 0.1]
    assert table.loc[0.1].tolist() == [0.5, 0.3]
    assert list(curves.accuracy_table(pgd + fgsm).columns) == ["your network, PGD", "your network, FGSM"]
    assert curves.curve_digits(5000) == 1000 and curves.curve_digits(300) == 300


def test_the_robust_summary_has_the_clean_accuracy_and_the_accuracy_at_0_1() -> None:
    rows = []
    for name, accuracies in (("your network, FGSM", (0.9, 0.6, 0.2)), ("robust twin, FGSM", (0.85, 0.8, 0.7))):
        rows += curves.curve_rows(list(zip((0.0, 0.05, 0.1), accuracies, strict=True)), name.split(",")[0], "fgsm",
                                  name)
    summary = curves.robust_summary(rows)
    assert list(summary.columns) == ["clean accuracy", "accuracy at ε = 0.1"]
    assert summary.to_dict("index") == {"robust twin, FGSM": {"clean accuracy": 0.85, "accuracy at ε = 0.1": 0.7},
                                        "your network, FGSM": {"clean accuracy": 0.9, "accuracy at ε = 0.1": 0.2}}


def test_the_comparison_curves_both_models_under_both_attacks(tiny_trainer) -> None:
    images, labels = tiny_trainer.data.test_images[:20], tiny_trainer.data.test_labels[:20]
    twin = DigitTrainer(tiny_trainer.spec, tiny_trainer.config, tiny_trainer.data)
    told: list[tuple[float, str]] = []
    rows = curves.comparison_rows(tiny_trainer.model, twin.model, images, labels, steps=2,
                                  progress=lambda share, what: told.append((share, what)))
    names = ["your network, FGSM", "your network, PGD", "robust twin, FGSM", "robust twin, PGD"]
    assert list(dict.fromkeys(r["curve"] for r in rows)) == names
    assert [r["kind"] for r in rows] == [k for k in ("fgsm", "pgd", "fgsm", "pgd") for _ in attacks.DEFAULT_EPSILONS]
    assert {r["model"] for r in rows} == {"your network", "robust twin"}
    # the progress it tells while it measures: growing to 1, naming what it measures
    shares = [share for share, _ in told]
    assert shares == sorted(shares) and shares[-1] == 1.0 and 0 < shares[0] < 0.1
    assert [what for _, what in told][:2] == ["your network under FGSM"] * 2 and told[-1][1] == "done"
    assert {what for _, what in told} == {"your network under FGSM", "your network under PGD",
                                          "robust twin under FGSM", "robust twin under PGD", "done"}
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


# ---------------------------------------------------------------------------------------------------------
# 'Fool one digit': the true label beside what the network reads, a verdict from the attacker's side and a
# hint that fits the attack on screen; 'Give me a 7'; the robust twin's epochs; the gallery's cards.


def attack_result(before: list[float], after: list[float], label: int, target: int | None = None,
                  eps: float = 0.1) -> attacks.AttackResult:
    blank = np.zeros((28, 28), dtype=np.float32)
    return attacks.AttackResult(blank, blank, blank, 0.0, np.array(before), np.array(after), label, target, eps)


NAMES = tuple("0123456789")


def probabilities_for(cls: int, p: float = 0.9) -> list[float]:
    out = [(1 - p) / 9] * 10
    out[cls] = p
    return out


def test_the_reading_shows_the_true_label_before_and_after() -> None:
    from playground.adversarial.verdict import reading

    result = attack_result(probabilities_for(7, 0.96), probabilities_for(3, 0.61), label=1)
    assert reading(result, NAMES) == "**Labelled 1** · before the attack read as **7** (96%) · after: **3** (61%)"
    assert reading(result, NAMES, labelled=False).startswith("**Your drawing** · before the attack read as **7**")


def test_a_successful_attack_is_the_learners_success_and_a_failed_one_is_not_fooled() -> None:
    from playground.adversarial.verdict import Outcome, verdict

    fooled = verdict(attack_result(probabilities_for(7), probabilities_for(2, 0.8), 7, eps=0.3), NAMES, "fgsm", 10)
    assert fooled.outcome is Outcome.FOOLED and fooled.text == "**Fooled** at ε = 0.30: the 7 is now read as **2** (80%)."
    targeted = verdict(attack_result(probabilities_for(7), probabilities_for(3, 0.6), 7, target=3, eps=0.16), NAMES,
                       "pgd", 10)
    assert targeted.outcome is Outcome.FOOLED and targeted.text.endswith("now read as **3** (60%), the target.")
    held = verdict(attack_result(probabilities_for(7), probabilities_for(7, 0.44), 7), NAMES, "fgsm", 10)
    assert held.outcome is Outcome.HELD
    assert held.text == "**Not fooled** at ε = 0.10: still read as **7** (44%). Try a larger ε, or PGD."
    missed = verdict(attack_result(probabilities_for(7), probabilities_for(9), 7, target=3), NAMES, "fgsm", 10)
    assert missed.outcome is Outcome.HELD and "now read as **9** (90%), not as 3." in missed.text
    # a digit the network misreads before any attack: nothing to fool (not a "success")
    misread = verdict(attack_result(probabilities_for(7), probabilities_for(7), 1), NAMES, "fgsm", 10)
    assert misread.outcome is Outcome.MISREAD and "(labelled 1, read as 7)" in misread.text
    already = verdict(attack_result(probabilities_for(7), probabilities_for(7), 7, target=7), NAMES, "fgsm", 10)
    assert (already.outcome, already.text) == (Outcome.ALREADY, "It already reads as 7: choose another target.")


def test_the_hint_fits_the_attack_on_screen() -> None:
    from playground.adversarial.verdict import hint

    assert hint("fgsm", 0.1, 10, False) == "Try a larger ε, or PGD."
    assert hint("pgd", 0.1, 10, False) == "Try a larger ε or more PGD steps."  # PGD is chosen: no "try PGD"
    assert hint("pgd", 0.1, MAX_STEPS, False) == "Try a larger ε."
    assert hint("fgsm", adversarial.MAX_EPS, 10, False) == "Try PGD."
    assert hint("pgd", adversarial.MAX_EPS, 10, False) == "Try more PGD steps."
    assert hint("pgd", adversarial.MAX_EPS, MAX_STEPS, True).endswith("try another digit or another target.")
    assert hint("pgd", 0.0, 10, False) == "ε = 0 changes nothing: raise ε."
    assert all("PGD." not in hint("pgd", eps, steps, t) for eps in (0.05, 0.3) for steps in (1, 40) for t in (0, 1))


def test_give_me_a_seven_picks_the_next_test_digit_of_that_class() -> None:
    labels = np.array([3, 7, 1, 7, 7, 2])
    assert adversarial.next_digit_labelled(labels, 7, after=-1) == 1
    assert adversarial.next_digit_labelled(labels, 7, after=1) == 3
    assert adversarial.next_digit_labelled(labels, 7, after=4) == 1  # round to the start
    assert adversarial.next_digit_labelled(labels, 2, after=5) == 5  # the only one
    assert adversarial.next_digit_labelled(labels, 9, after=0) is None
    lesson = adversarial.AdversarialLesson()
    lesson.pick_digit(3)
    assert (lesson.digit, lesson.digit_picks) == (3, 1)
    lesson.pick_digit(None)  # no such digit: nothing changes
    assert (lesson.digit, lesson.digit_picks) == (3, 1)


def test_the_robust_twins_epochs_follow_the_network_until_the_learner_chooses(tiny_trainer) -> None:
    lesson = adversarial.AdversarialLesson()
    assert lesson.robust_epochs_for(tiny_trainer, 20) == tiny_trainer.config.epochs == 1
    lesson.robust_epochs = 5
    assert lesson.robust_epochs_for(tiny_trainer, 20) == 5 and lesson.robust_epochs_for(tiny_trainer, 3) == 3


def test_the_gallery_cards_fit_their_percentages() -> None:
    from playground.adversarial.pictures import GALLERY_CARD, gallery_picture

    images = np.zeros((3, 28, 28), dtype=np.uint8)
    classes = np.array([[3, 7, 1]] * 3)
    probs = np.array([[1.0, 0.0, 0.0]] * 3)  # "100%" after a full bar: the widest a card draws
    picture = gallery_picture(images, np.array([7, 7, 7]), classes, probs, NAMES, ncols=2)
    width, height = GALLERY_CARD
    assert picture.shape == (2 * height, 2 * width, 3)
    for edge in (width, 2 * width):  # nothing drawn on a card's last columns: its text ends inside it
        assert (picture[:, edge - 3 : edge] == 255).all()
