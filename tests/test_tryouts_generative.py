"""Every 'Try this' of the Generative models lesson: its set-up, applied to a fresh lesson, shows what the text
promises (the GAN's failure modes and cures, β and the autoencoder)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.digits.mnist import load_mnist5k
from playground.digits.training import DigitTensors
from playground.generative.lesson import GenerativeLesson, Part
from playground.generative.recipes import FAILURES
from playground.generative.tryouts import GAN_TRYOUTS, VAE_TRYOUTS
from playground.generative.vae import LatentTrainer
from playground.tryouts import by_key
from playground.training_driver import TrainingLimits


def set_up(key: str, tryouts=GAN_TRYOUTS) -> GenerativeLesson:
    lesson = GenerativeLesson()
    by_key(tryouts, key).set_up(lesson)
    return lesson


@pytest.mark.parametrize("tryout", GAN_TRYOUTS, ids=lambda t: t.key)
def test_each_gan_set_up_applies_its_recipe_and_plays(tryout) -> None:
    lesson = set_up(tryout.key)
    assert lesson.settings == FAILURES[tryout.key].settings.bounded()
    assert lesson.playing and lesson.part is Part.GAN and lesson.recipe == tryout.key
    assert tryout.look_for == FAILURES[tryout.key].note


def test_mode_collapse_covers_at_most_three_modes_and_the_cure_all_eight() -> None:
    collapse = set_up("mode-collapse").gan
    collapse.train(2000)
    assert collapse.modes()[0] <= 3
    cure = set_up("mode-collapse-cure").gan
    cure.train(1500)
    assert cure.modes() == (8, 8)


def centre_travel(lesson: GenerativeLesson) -> tuple[float, float]:
    """How far the generated cloud's centre travels between iterations 500 and 1,500, and the JS at the end."""
    gan = lesson.gan
    gan.train(500)
    centres = []
    for _ in range(100):
        centres.append(gan.view().fake.mean(axis=0))
        gan.train(10)
    return float(np.sum(np.linalg.norm(np.diff(centres, axis=0), axis=1))), gan.divergences()[1]


def test_too_high_learning_rates_swing_twice_as_far_and_stay_worse() -> None:
    swing, js = centre_travel(set_up("oscillation"))
    calm, calm_js = centre_travel(set_up("oscillation-cure"))
    assert swing > 2 * calm
    assert calm < swing / 2 and calm_js < js


def arrow_length(lesson: GenerativeLesson) -> float:
    return float(np.linalg.norm(lesson.gan.view().arrow_vec, axis=1).mean())


def test_the_minimax_generator_barely_moves_and_the_non_saturating_one_does() -> None:
    minimax, cure = set_up("minimax-early"), set_up("minimax-early-cure")
    minimax.gan.train(50)
    cure.gan.train(50)
    assert minimax.gan.divergences()[1] > 0.9
    assert arrow_length(minimax) < 0.1 * arrow_length(cure)  # the arrows all but vanish; the cure's are long
    assert cure.gan.divergences()[1] < minimax.gan.divergences()[1]


# ------------------------------------------------------------------------------------------------ the VAE
@pytest.fixture(scope="module")
def data() -> DigitTensors:
    d = load_mnist5k()
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


def trained(lesson: GenerativeLesson, data: DigitTensors) -> LatentTrainer:
    lesson.start_latent(lesson.latent_kind, data, TrainingLimits())
    trainer = lesson.latent[lesson.latent_kind]
    while not trainer.finished:
        trainer.train_slice(5.0)
    return trainer


@pytest.fixture(scope="module")
def beta_one(data) -> LatentTrainer:
    lesson = GenerativeLesson(part=Part.VAE)
    return trained(lesson, data)


def final(trainer: LatentTrainer, term: str) -> float:
    return [row[term] for row in trainer.curves if row["set"] == "test"][-1]


def test_a_large_beta_crowds_the_codes_and_blurs(data, beta_one) -> None:
    lesson = set_up("beta-large", VAE_TRYOUTS)
    assert lesson.part is Part.VAE and lesson.beta == 8.0
    large = trained(lesson, data)
    assert large.knn_accuracy() < beta_one.knn_accuracy()
    assert final(large, "reconstruction") > final(beta_one, "reconstruction")


def test_a_small_beta_rebuilds_sharper_and_spreads_the_codes(data, beta_one) -> None:
    lesson = set_up("beta-small", VAE_TRYOUTS)
    small = trained(lesson, data)
    assert final(small, "reconstruction") < final(beta_one, "reconstruction")
    spread = lambda t: float(np.linalg.norm(t.test_codes(), axis=1).mean())  # noqa: E731
    assert spread(small) > spread(beta_one)


def test_the_autoencoder_leaves_more_of_its_map_empty(data, beta_one) -> None:
    lesson = set_up("autoencoder", VAE_TRYOUTS)
    assert lesson.latent_kind == "ae"
    assert trained(lesson, data).holes() > beta_one.holes()
