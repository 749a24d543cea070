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
from playground.training_driver import TrainingLimits
from playground.tryouts import by_key


def set_up(key: str, tryouts=GAN_TRYOUTS) -> GenerativeLesson:
    lesson = GenerativeLesson()
    by_key(tryouts, key).set_up(lesson)
    return lesson


@pytest.mark.parametrize("tryout", GAN_TRYOUTS, ids=lambda t: t.key)
def test_each_gan_set_up_applies_its_recipe_and_plays(tryout) -> None:
    lesson = set_up(tryout.key)
    assert lesson.settings == FAILURES[tryout.key].settings.bounded()
    assert not lesson.playing and lesson.part is Part.GAN and lesson.recipe == tryout.key
    assert tryout.do.endswith("then press **Play**")
    assert tryout.look_for == FAILURES[tryout.key].note


# The failure recipes' claims (mode collapse and its cure, the oscillation and its cure) are measured on the
# very settings these set-ups apply, in tests/test_gan_recipes.py (test_mode_collapse_and_its_cure,
# test_oscillation_and_its_cure); the test above checks that each set-up applies them. The minimax one is
# also checked here, through the lesson, with the arrows the page draws.


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
