"""'Predict, then check': the guesses kept for a lesson, the verdict, and the Playground's overfitting
question answered from the run's loss history."""

from __future__ import annotations

import numpy as np
import pytest

from playground.predictions import Guesses, Prediction, verdict
from playground.tfplayground import predictions as p
from playground.tfplayground import tryouts
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.run import PlaygroundRun

# ------------------------------------------------------------------------------------ the generic record


def test_a_prediction_needs_different_choices() -> None:
    with pytest.raises(ValueError):
        Prediction("q", "Which?", ("a",))
    with pytest.raises(ValueError):
        Prediction("q", "Which?", ("a", "a"))


def test_guesses_commit_only_a_choice_and_ask_again_forgets() -> None:
    guesses = Guesses()
    assert guesses.guess("q") is None
    assert not guesses.commit("q", None, ("a", "b"))
    assert not guesses.commit("q", "c", ("a", "b"))  # not a choice: anything from a browser is checked
    assert not guesses.commit("q", ["a"], ("a", "b"))
    assert guesses.guess("q") is None
    assert guesses.commit("q", "b", ("a", "b"))
    assert guesses.guess("q") == "b" and guesses.round("q") == 0
    guesses.ask_again("q")
    assert guesses.guess("q") is None and guesses.round("q") == 1  # a new round: the choice widget is new


def test_no_verdict_before_the_guess_or_the_answer() -> None:
    assert verdict(None, "a") is None
    assert verdict("a", None) is None
    right, wrong = verdict("a", "a"), verdict("b", "a")
    assert right.right and right.text == "You guessed **a** — the answer: **a**. Right!"
    assert not wrong.right and wrong.text.startswith("You guessed **b** — the answer: **a**.")


# ------------------------------------------------------------------------------------ the overfitting question


def run_with_history(rows: list[tuple[int, float, float]]) -> PlaygroundRun:
    run = PlaygroundLesson.from_query({}).run
    run.history.clear()
    for epoch, train, test in rows:
        run.history.append(epoch, train, test)
    return run


def test_asked_with_few_training_points_and_much_noise() -> None:
    assert not p.asks_overfitting(PlaygroundLesson.from_query({}).run)  # TF's defaults: 50%, no noise
    assert p.asks_overfitting(PlaygroundLesson.from_query({"noise": "30", "percTrainData": "20"}).run)
    assert not p.asks_overfitting(PlaygroundLesson.from_query({"noise": "25", "percTrainData": "10"}).run)
    assert not p.asks_overfitting(PlaygroundLesson.from_query({"noise": "50", "percTrainData": "30"}).run)
    lesson = PlaygroundLesson.from_query({})
    tryouts.open_set_up(lesson, tryouts.OVERFIT_QUERY)  # the overfitting tryout asks it
    assert p.asks_overfitting(lesson.run)


def test_no_answer_before_epoch_500() -> None:
    run = run_with_history([(e, 0.5 - e / 2000, 0.5) for e in range(0, 500)])
    assert p.overfitting_check(run) is None and p.overfitting_answer(run) is None


def test_a_test_loss_that_rose_from_its_lowest_is_higher() -> None:
    rows = [(e, 0.5 - e / 2000, 0.4 + abs(e - 50) / 1000) for e in range(0, 501)]  # lowest at 50, then up
    check = p.overfitting_check(run_with_history(rows))
    assert check.answer == p.YES
    assert (check.epoch, check.lowest_epoch) == (500, 50)
    assert check.test_loss == pytest.approx(0.85) and check.lowest_test_loss == pytest.approx(0.4)
    assert "overfitting" in check.detail and "fell from 0.475 to 0.250" in check.detail


def test_a_falling_test_loss_is_still_at_its_lowest() -> None:
    check = p.overfitting_check(run_with_history([(e, 0.5, 0.5 - e / 2000) for e in range(0, 600)]))
    assert check.answer == p.NO and check.epoch == 500
    assert "still falling" in check.detail and "overfitting**" not in check.detail


def test_a_small_rise_is_about_the_same() -> None:
    rows = [(0, 0.5, 0.5), (100, 0.3, 0.300), (500, 0.2, 0.310)]  # 3% above the lowest
    assert p.overfitting_answer(run_with_history(rows)) == p.SAME


def test_a_sparse_history_answers_at_the_first_epoch_past_500() -> None:
    rows = [(0, 0.5, 0.5), (5, 0.45, 0.41), (605, 0.1, 0.74)]  # Fastest: many epochs per picture
    check = p.overfitting_check(run_with_history(rows))
    assert (check.epoch, check.lowest_epoch, check.answer) == (605, 5, p.YES)
    assert "at epoch 605" in check.detail


def test_a_loss_that_blew_up_is_higher() -> None:
    rows = [(0, 0.5, 0.5), (100, 0.3, 0.3), (500, np.nan, np.inf)]
    assert p.overfitting_answer(run_with_history(rows)) == p.YES
    assert p.overfitting_check(run_with_history([(0, np.nan, np.nan), (500, np.nan, np.nan)])) is None


def test_the_overfitting_tryout_answers_yes() -> None:
    lesson = PlaygroundLesson.from_query({})
    tryouts.open_set_up(lesson, tryouts.OVERFIT_QUERY)
    lesson.run.train(p.CHECK_EPOCH)
    check = p.overfitting_check(lesson.run)
    assert check is not None and check.epoch == p.CHECK_EPOCH
    assert check.answer == p.YES and check.train_loss < check.train_loss_at_lowest
    assert p.OVERFITTING.choices == (p.YES, p.SAME, p.NO)
