"""'Predict, then check' on Look inside (which digit is confused most often?) and Fool one digit (which digit
will the attacked one be read as?): the answers worked out from the network's own results, with no server."""

from __future__ import annotations

import numpy as np
import pytest

from playground.adversarial import predictions as fool
from playground.adversarial.attacks import AttackResult
from playground.digits import inspection
from playground.digits.predictions import QUESTION, most_confused, most_confused_prediction
from playground.predictions import Guesses, verdict

NAMES = tuple(str(d) for d in range(10))


# ------------------------------------------------------------------------------------------------ look inside


def test_the_largest_cell_off_the_diagonal_is_the_answer() -> None:
    labels = np.array([4, 4, 4, 4, 9, 9, 7, 7, 7, 3])
    predicted = np.array([9, 9, 9, 4, 4, 9, 7, 1, 7, 3])  # three 4s read as 9: the largest mistake
    confusion = inspection.confusion_matrix(labels, predicted, 10)
    most = most_confused(confusion)
    assert most is not None and most.count == 3 and most.cells == ((4, 9),)
    assert most.answer(NAMES) == "4"
    assert most.answer(NAMES, guess="9") == "4"  # 9 is what they were read as, not the digit confused
    assert "3 test digits labelled **4** read as **9**" in most.detail(NAMES)
    assert "tie" not in most.detail(NAMES)


def test_a_tie_accepts_any_of_the_tied_digits() -> None:
    confusion = np.diag([50] * 10)
    confusion[3, 5] = confusion[8, 1] = confusion[8, 3] = 2
    confusion[2, 7] = 1
    most = most_confused(confusion)
    assert most.cells == ((3, 5), (8, 1), (8, 3)) and most.labels == (3, 8)
    assert most.answer(NAMES, guess="8") == "8" and most.answer(NAMES, guess="3") == "3"
    assert most.answer(NAMES, guess="2") == "3" and most.answer(NAMES) == "3"
    assert "a tie" in most.detail(NAMES)
    assert verdict("8", most.answer(NAMES, "8")).right


def test_no_mistake_means_no_question() -> None:
    assert most_confused(np.diag([10] * 10)) is None


def test_each_network_is_asked_afresh_with_one_choice_per_class() -> None:
    one, two = most_confused_prediction("a-1", NAMES), most_confused_prediction("a-2", NAMES)
    assert one.key != two.key and one.question == QUESTION and one.choices == NAMES


# ------------------------------------------------------------------------------------------------ fool one digit


def result(before: int, after: int, label: int = 7, target: int | None = None) -> AttackResult:
    def probs(top: int) -> np.ndarray:
        p = np.full(10, 0.02)
        p[top] = 0.82
        return p

    image = np.zeros((28, 28), dtype=np.float32)
    return AttackResult(original=image, adversarial=image, perturbation=image, scale=0.0,
                        original_probabilities=probs(before), adversarial_probabilities=probs(after), label=label,
                        target=target, eps=0.1)


def test_the_answer_is_what_the_network_reads_after_the_attack() -> None:
    assert fool.answer(result(7, 3), NAMES) == "3"
    assert fool.answer(result(7, 7), NAMES) == "7"  # not fooled: the digit's own class
    assert "after it, **3** (82%)" in fool.detail(result(7, 3), NAMES)
    assert "did not change the reading" in fool.detail(result(7, 7), NAMES)
    assert "got there" in fool.detail(result(7, 3, target=3), NAMES)
    assert "reads another class" in fool.detail(result(7, 8, target=3), NAMES)


def test_the_question_names_the_set_up_and_offers_every_class() -> None:
    key = fool.fool_key("test-10", "m1", "pgd", 0.1, 12, 3)
    assert key == "fool-test-10-m1-pgd-0.10-12steps-to3"
    assert fool.fool_key("test-10", "m1", "fgsm", 0.1, 12, None) == "fool-test-10-m1-fgsm-0.10-any"
    p = fool.fool_prediction(key, NAMES, "pgd", 0.1, 12, 3, label=7)
    assert p.question == "After the attack (PGD (12 steps) at ε = 0.10, aiming for 3), which digit will your network " \
                         "read this 7 as?"
    assert p.choices == NAMES
    drawing = fool.fool_prediction("fool-drawing", NAMES, "fgsm", 0.25, 10, None, label=None)
    assert drawing.question.endswith("read your drawing as?") and "FGSM at ε = 0.25" in drawing.question


@pytest.mark.parametrize(("before", "label", "target", "labelled", "asked"), [
    (7, 7, None, True, True),  # read right: ask
    (1, 7, None, True, False),  # misread before any attack: nothing to fool
    (7, 7, 3, True, True),  # a target other than the reading
    (3, 7, 3, True, False),  # it already reads the target
    (1, 1, None, False, True),  # a drawing: its 'label' is its reading
])
def test_when_the_question_is_asked(before, label, target, labelled, asked) -> None:
    assert fool.asks(result(before, before, label=label, target=target), labelled) is asked


def test_asked_once_then_checked_for_its_set_up_only() -> None:
    guesses = Guesses()
    first = fool.fool_key("test-10", "m1", "fgsm", 0.1, 10, None)
    assert fool.stage(guesses.committed, first) is fool.Stage.ASK
    guesses.commit("overfitting-500", "Yes, higher", ("Yes, higher", "No"))  # another question does not count
    assert fool.stage(guesses.committed, first) is fool.Stage.ASK
    assert guesses.commit(first, "3", NAMES)
    assert fool.stage(guesses.committed, first) is fool.Stage.CHECK
    later = fool.fool_key("test-10", "m1", "fgsm", 0.2, 10, None)
    assert fool.stage(guesses.committed, later) is fool.Stage.DONE  # shown at once, no second question
    guesses.ask_again(first)
    assert fool.stage(guesses.committed, later) is fool.Stage.ASK  # asked afresh, for the set-up on screen
