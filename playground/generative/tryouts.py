"""The Generative models lesson's 'Try this' list: each failure mode of a GAN with its cure, and β for the VAE,
each a one-click set-up with a fixed seed; tests/test_tryouts_generative.py runs every set-up and asserts the
claim (the failure recipes' numbers are measured in playground/generative/recipes.py's tests too)."""

from __future__ import annotations

from collections.abc import Callable

from playground.generative.lesson import GenerativeLesson, Part
from playground.generative.recipes import FAILURES
from playground.tryouts import Tryout


def recipe(key: str) -> Callable[[GenerativeLesson], None]:
    """Set up a failure recipe (or its cure); the learner presses Play (the settings show first)."""
    def set_up(lesson: GenerativeLesson) -> None:
        lesson.part = Part.GAN
        lesson.apply(FAILURES[key].settings, recipe=key)
    return set_up


def then_play(title: str) -> str:
    return f"{title}, then press **Play**"


def vae_beta(beta: float) -> Callable[[GenerativeLesson], None]:
    def set_up(lesson: GenerativeLesson) -> None:
        lesson.part, lesson.latent_kind = Part.VAE, "vae"
        lesson.set_beta(beta)
    return set_up


GAN_TRYOUTS: list[Tryout[GenerativeLesson]] = [
    Tryout("mode-collapse", then_play(FAILURES["mode-collapse"].title), FAILURES["mode-collapse"].note, recipe("mode-collapse")),
    Tryout("mode-collapse-cure", then_play(FAILURES["mode-collapse-cure"].title), FAILURES["mode-collapse-cure"].note,
           recipe("mode-collapse-cure")),
    Tryout("oscillation", then_play(FAILURES["oscillation"].title), FAILURES["oscillation"].note, recipe("oscillation")),
    Tryout("oscillation-cure", then_play(FAILURES["oscillation-cure"].title), FAILURES["oscillation-cure"].note,
           recipe("oscillation-cure")),
    Tryout("minimax-early", then_play(FAILURES["minimax-early"].title), FAILURES["minimax-early"].note, recipe("minimax-early")),
    Tryout("minimax-early-cure", then_play(FAILURES["minimax-early-cure"].title), FAILURES["minimax-early-cure"].note,
           recipe("minimax-early-cure")),
]

VAE_TRYOUTS: list[Tryout[GenerativeLesson]] = [
    Tryout("beta-large", "Train the VAE with **β = 8**",
           "The codes crowd into one round blob where the classes overlap: k-NN accuracy on the codes falls "
           "below what β = 1 gives, and the decoded digits blur.", vae_beta(8.0)),
    Tryout("beta-small", "Train the VAE with **β = 0.1**",
           "The reconstruction loss ends lower than with β = 1 (sharper digits), and the codes spread farther "
           "from the centre.", vae_beta(0.1)),
    Tryout("autoencoder", "Train the **plain autoencoder**, then compare it with the VAE",
           "The autoencoder's map has more empty area (holes) than the VAE's, and its empty spots decode to "
           "smudges.", lambda lesson: setattr(lesson, "latent_kind", "ae") or setattr(lesson, "part", Part.VAE)),
]
