"""The Explanations lesson's state (what is explained, the digit picked, the settings, the experiments'
networks), its link (bad values named as literal text, the defaults kept) and its challenge (the quarters of a
map, the grading of two disagreeing maps)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.classroom.challenges import DISAGREE_SURE, check_methods_disagree
from playground.digits.lesson import DigitLesson
from playground.digits.training import DigitTrainer
from playground.explanations.challenge import QUARTERS, Disagreement, disagreement, top_quarter
from playground.explanations.lesson import ExplanationsLesson, View, next_digit, within_test_set
from playground.explanations.methods import Settings
from playground.explanations.url import link_query, parse_link
from playground.text import escape_markdown
from playground.training_driver import TrainingLimits
from tests.digit_networks import mnist5k_tensors


@pytest.fixture(scope="module")
def learner() -> DigitTrainer:
    """An untrained quick network of the learner's (the experiments copy its set-up; nothing trains here)."""
    return DigitLesson().quick_trainer(mnist5k_tensors())


# ------------------------------------------------------------------------------------------------ state


def test_the_class_explained() -> None:
    lesson = ExplanationsLesson()
    assert lesson.explained_class(7, 2) == (7, "the network's answer")
    lesson.target = "true"
    assert lesson.explained_class(7, 2) == (2, "its true label")
    assert lesson.explained_class(7, None) == (7, "the network's answer (a drawing has no true label)")
    lesson.target, lesson.target_class = "class", 3
    assert lesson.explained_class(7, 2) == (3, "the class you picked")
    assert lesson.explained_class(7, None) == (3, "the class you picked")
    lesson.target_class = 12  # out of range: the last class, never an error
    assert lesson.explained_class(7, 2)[0] == 9
    lesson.target_class = -4
    assert lesson.explained_class(7, 2)[0] == 0
    lesson.target_class = 5
    assert lesson.explained_class(1, 0, classes=3)[0] == 2


def test_a_button_picks_the_digit() -> None:
    lesson = ExplanationsLesson(source="drawing")
    lesson.pick_digit(None)
    assert (lesson.digit, lesson.source, lesson.digit_picks) == (None, "drawing", 0)
    lesson.pick_digit(np.int64(42))
    assert (lesson.digit, lesson.source, lesson.digit_picks) == (42, "test", 1)
    assert type(lesson.digit) is int
    lesson.pick_digit(7)
    assert (lesson.digit, lesson.digit_picks) == (7, 2)


def test_next_digit() -> None:
    labels = np.array([3, 1, 7, 3, 7, 0])
    predicted = np.array([3, 2, 7, 3, 1, 0])
    assert next_digit(labels, 0, label=7) == 2
    assert next_digit(labels, 2, label=7) == 4
    assert next_digit(labels, 4, label=7) == 2  # round to the start
    assert next_digit(labels, -1, label=3) == 0
    assert next_digit(labels, 0, label=9) is None
    assert next_digit(labels, -1, predicted=predicted, wrong=True) == 1
    assert next_digit(labels, 1, predicted=predicted, wrong=True) == 4
    assert next_digit(labels, 4, predicted=predicted, wrong=True) == 1
    assert next_digit(labels, 0, label=7, predicted=predicted, wrong=True) == 4
    assert next_digit(labels, 0, predicted=labels, wrong=True) is None  # every digit right
    assert next_digit(labels, 0) == 1


def test_within_test_set() -> None:
    assert within_test_set(None, 1000) == 0
    assert within_test_set(5, 1000) == 5
    assert within_test_set(59_999, 1000) == 999
    assert within_test_set(-3, 1000) == 0


def test_resolve_pending() -> None:
    labels = np.array([0, 1, 2, 3])
    lesson = ExplanationsLesson(pending="mistake")
    lesson.resolve_pending(labels, np.array([0, 1, 5, 3]))
    assert (lesson.pending, lesson.digit, lesson.source, lesson.digit_picks) == (None, 2, "test", 1)
    lesson = ExplanationsLesson(pending="mistake", digit=3)
    lesson.resolve_pending(labels, labels)  # every digit right: nothing changes
    assert (lesson.pending, lesson.digit, lesson.digit_picks) == (None, 3, 0)
    lesson = ExplanationsLesson(digit=1)
    lesson.resolve_pending(labels, np.array([9, 9, 9, 9]))  # nothing pending
    assert (lesson.pending, lesson.digit, lesson.digit_picks) == (None, 1, 0)


def test_set_settings_bounds_bad_values() -> None:
    lesson = ExplanationsLesson()
    lesson.set_settings(ig_steps=999, smooth_samples=0, smooth_noise=float("nan"), occlusion_window=1,
                        occlusion_stride=99, lime_samples=10, ig_baseline="<script>", lime_segments="x",
                        gradcam_layer="dense1")
    s = lesson.settings
    assert (s.ig_steps, s.smooth_samples, s.smooth_noise) == (200, 2, Settings().smooth_noise)
    assert (s.occlusion_window, s.occlusion_stride, s.lime_samples) == (2, 2, 50)
    assert (s.ig_baseline, s.lime_segments, s.gradcam_layer) == ("black", "superpixels", None)
    lesson.set_settings(ig_steps=2, occlusion_window=6, occlusion_stride=3, ig_baseline="blur", gradcam_layer="conv2")
    s = lesson.settings
    assert (s.ig_steps, s.occlusion_window, s.occlusion_stride, s.ig_baseline, s.gradcam_layer) == (
        2, 6, 3, "blur", "conv2")
    assert s.smooth_samples == 2  # what was not changed stays


def test_the_shuffled_experiment_copies_the_set_up_not_the_network(learner: DigitTrainer) -> None:
    before = {k: v.clone() for k, v in learner.model.state_dict().items()}
    labels = learner.data.train_labels.clone()
    lesson = ExplanationsLesson()
    side = lesson.start_side("shuffled", learner, TrainingLimits())
    assert lesson.side["shuffled"] is side and side.kind == "shuffled" and side.training and side.flipped is None
    twin = side.trainer
    assert twin is not learner and twin.spec == learner.spec
    assert twin.config.epochs == min(learner.config.epochs, 5)
    new = twin.data.train_labels
    assert not np.array_equal(new.numpy(), labels.numpy())  # shuffled ...
    assert np.array_equal(np.bincount(new.numpy()), np.bincount(labels.numpy()))  # ... each class keeps its count
    assert twin.data.train_images is learner.data.train_images
    assert np.array_equal(twin.data.test_labels.numpy(), learner.data.test_labels.numpy())
    # the learner's trainer is untouched
    assert np.array_equal(learner.data.train_labels.numpy(), labels.numpy())
    assert all(np.array_equal(v.numpy(), before[k].numpy()) for k, v in learner.model.state_dict().items())
    assert lesson.side_network("shuffled", learner) is side


def test_the_flipped_experiment(learner: DigitTrainer) -> None:
    labels = learner.data.train_labels.numpy().copy()
    lesson = ExplanationsLesson(flip_share=0.1)
    side = lesson.start_side("flipped", learner, TrainingLimits())
    new = side.trainer.data.train_labels.numpy()
    assert side.flipped is not None and side.flipped.dtype == bool
    assert side.flipped.sum() == round(0.1 * len(labels))
    assert np.array_equal(new != labels, side.flipped)  # every flipped label changed, no other
    assert np.array_equal(learner.data.train_labels.numpy(), labels)
    with pytest.raises(ValueError, match="unknown experiment"):
        lesson.start_side("inverted", learner, TrainingLimits())


def test_a_new_network_makes_the_experiment_stale(learner: DigitTrainer) -> None:
    lesson = ExplanationsLesson()
    lesson.start_side("shuffled", learner, TrainingLimits())
    other = DigitLesson().quick_trainer(mnist5k_tensors())
    assert lesson.side_network("shuffled", other) is None
    assert "shuffled" not in lesson.side  # forgotten
    lesson.start_side("shuffled", learner, TrainingLimits())
    assert lesson.side_network("shuffled", None) is None and "shuffled" not in lesson.side
    assert lesson.side_network("flipped", learner) is None  # never started


# ------------------------------------------------------------------------------------------------ the link


def test_a_link_round_trips() -> None:
    lesson = ExplanationsLesson(view=View.SANITY, digit=123, target="class", target_class=3)
    lesson.set_settings(ig_baseline="blur", ig_steps=120, smooth_samples=40, smooth_noise=0.3, occlusion_window=6,
                        occlusion_stride=3, lime_segments="grid", lime_samples=800, gradcam_layer="conv2")
    query = link_query(lesson)
    assert query["view"] == "sanity" and query["target"] == "3" and query["digit"] == "123"
    back, notices = parse_link(query)
    assert notices == []
    assert (back.view, back.digit, back.target, back.target_class) == (View.SANITY, 123, "class", 3)
    assert back.settings == lesson.settings
    assert link_query(ExplanationsLesson()) == {}  # the defaults write nothing
    lesson, notices = parse_link({})
    assert notices == [] and lesson.settings == Settings() and lesson.view is View.ONE and lesson.digit is None
    for target in ("predicted", "true"):
        back, _ = parse_link(link_query(ExplanationsLesson(target=target)))
        assert back.target == target
    drawing = ExplanationsLesson(source="drawing", digit=5)
    assert "digit" not in link_query(drawing)  # a drawing is not in the link


BAD = {  # key: (value, what the notice says it should be)
    "steps": ("999", "a whole number from 2 to 200"),
    "target": ("x", "predicted, true or a digit from 0 to 9"),
    "baseline": ("<script>", "black, blur or noise"),
    "view": ("nope", "one of one, classes, sanity, deletion, examples, plane"),
    "noise": ("NaN", "a number from 0 to 1"),
    "window": ("1", "a whole number from 2 to 14"),
    "stride": ("99", "a whole number from 1 to 14"),
}


@pytest.mark.parametrize("key", BAD)
def test_a_bad_value_keeps_the_default_with_a_notice(key: str) -> None:
    value, expected = BAD[key]
    lesson, notices = parse_link({key: value})
    assert notices == [f"{key} '{escape_markdown(value, 20)}' is not {expected} — using the default."]
    defaults = ExplanationsLesson()
    assert lesson.settings == defaults.settings
    assert (lesson.view, lesson.target, lesson.digit) == (defaults.view, defaults.target, defaults.digit)


def test_a_notice_quotes_the_value_as_literal_text() -> None:
    _, notices = parse_link({"baseline": "<script>", "target": "[x](https://evil.example)"})
    assert notices[0].startswith("target '\\[x\\]\\(https") and "…" in notices[0]  # cut at 20 characters
    assert notices[1].startswith(r"baseline '\<script\>'")


def test_unknown_keys_are_named() -> None:
    lesson, notices = parse_link({"zzz": "1", "steps": "80"})
    assert lesson.settings.ig_steps == 80
    assert notices == ["Ignored settings this page does not know: zzz."]


def test_a_stride_beyond_the_window_becomes_the_window() -> None:
    lesson, notices = parse_link({"window": "4", "stride": "9"})
    assert notices == [] and (lesson.settings.occlusion_window, lesson.settings.occlusion_stride) == (4, 4)


# ------------------------------------------------------------------------------------------------ the challenge


def test_top_quarter() -> None:
    for i, quarter in enumerate(QUARTERS):
        m = np.zeros((28, 28))
        r, c = (i // 2) * 14, (i % 2) * 14
        m[r + 3, c + 5] = 1.0
        assert top_quarter(m) == quarter
    m = np.zeros((28, 28))
    m[:14, :14] = -5.0  # negative evidence does not count
    m[20, 20] = 0.5
    assert top_quarter(m) == "bottom right"
    m = np.zeros((28, 28))
    m[0, 27], m[27, 0], m[27, 1] = 1.0, 0.6, 0.6  # the sum of the quarter, not its largest pixel
    assert top_quarter(m) == "bottom left"


def test_disagreement() -> None:
    ig = np.zeros((28, 28))
    ig[2, 2] = 1.0
    occ = np.zeros((28, 28))
    occ[25, 25] = 1.0
    d = disagreement(ig, occ, 12, 4, np.int64(4), np.float32(0.95), 50)
    assert (d.digit, d.label, d.predicted, d.ig_steps) == (12, 4, 4, 50)
    assert (d.ig_quarter, d.occlusion_quarter) == ("top left", "bottom right")
    assert d.confidence == pytest.approx(0.95) and type(d.predicted) is int
    ramp = np.arange(784.0).reshape(28, 28)
    assert disagreement(ramp, ramp, 0, 1, 1, 0.5, 20).agreement == pytest.approx(1.0)
    assert disagreement(ramp, -ramp, 0, 1, 1, 0.5, 20).agreement == pytest.approx(-1.0)


def disagreeing(agreement: float = 0.1, confidence: float = 0.95, **changes) -> Disagreement:
    values = dict(digit=12, label=4, predicted=4, confidence=confidence, ig_steps=50, ig_quarter="top left",
                  occlusion_quarter="bottom right", agreement=agreement)
    values.update(changes)
    return Disagreement(**values)


def test_the_challenge_refuses_what_breaks_its_rules() -> None:
    for result, says in ((None, "explain a test digit"), (disagreeing(digit=None, label=None), "a drawing"),
                         (disagreeing(predicted=9), "reads this 4 as 9"),
                         (disagreeing(ig_steps=19), "at least 20 steps (now 19)"),
                         (disagreeing(occlusion_quarter="top left"), "both name the top left one")):
        attempt = check_methods_disagree(result)
        assert not attempt.passed and attempt.medal is None, result
        assert says in attempt.explanation, attempt.explanation
    assert check_methods_disagree(disagreeing(ig_steps=20)).passed


@pytest.mark.parametrize(("agreement", "confidence", "medal"), [
    (0.6, 0.99, None), (0.5, 0.99, "bronze"), (0.4, 0.99, "bronze"), (0.3, 0.99, "silver"),
    (0.25, 0.99, "silver"), (0.2, 0.99, "gold"), (-0.4, 0.99, "gold"),
    (0.1, DISAGREE_SURE, "gold"), (0.1, 0.89, "silver"),  # gold needs confidence ≥ 0.9
])
def test_the_challenge_tiers(agreement: float, confidence: float, medal: str | None) -> None:
    attempt = check_methods_disagree(disagreeing(agreement, confidence))
    assert attempt.medal == medal, attempt.explanation
    assert attempt.passed == (medal is not None)
    assert attempt.figures["map_agreement"] == pytest.approx(agreement)
    assert DISAGREE_SURE == 0.9
