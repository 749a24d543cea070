"""The Generative models lesson's 'What am I looking at?' texts: one for each panel of the page, 2–4 plain
sentences each (see playground/explainers.py; tests/test_explainers_lessons.py checks every panel has one)."""

from __future__ import annotations

from enum import StrEnum

from playground import glossary


class Panel(StrEnum):
    """The page's panels that carry a 'What am I looking at?'."""

    MODEL = "The model overview"
    LAYERED = "The layered view"
    LOSSES = "The losses"
    DIVERGENCE = "KL and JS divergence"
    SLOW = "Slow motion"
    DRAW = "Draw your own distribution"
    VAE_CURVES = "The VAE's training"
    LATENT_MAP = "The latent map"
    LATENT_GRID = "Decoded grid"
    INTERPOLATE = "Interpolation"
    COMPARE = "Autoencoder against VAE"


EXPLAINERS: dict[str, str] = {
    Panel.MODEL: (
        "How the two networks are wired. Random noise goes into the generator, which turns each noise sample "
        "into a point of the plane; the discriminator scores real and generated points (1 = real). The losses "
        "then send gradients back: into the discriminator on its update, through the held-still discriminator "
        "into the generator on the generator's update."
    ),
    Panel.LAYERED: (
        "The plane the data lives in. Green dots are real samples, purple dots generated ones. The background "
        "is the discriminator's belief at each spot (green: it says real, purple: it says fake), the warped "
        "grid is where the generator sends the noise space, and each pink arrow shows where the generator's "
        "loss pushes a generated point."
    ),
    Panel.LOSSES: (
        "The discriminator's and the generator's losses over the iterations. They do not fall together as in "
        "ordinary training: each network's gain is the other's loss, so a good run often settles with both "
        "flat, and a run that swings keeps trading places."
    ),
    Panel.DIVERGENCE: (
        "How far the generated points are from the real ones, measured on a 30×30 grid over the plane as GAN "
        "Lab does. KL is large when the generator leaves real regions empty; JS is symmetric and at most 1 bit. "
        "Both fall towards 0 as the generated distribution matches the real one."
    ),
    Panel.SLOW: (
        "One discriminator update and one generator update, taken apart. Each part is highlighted in the model "
        "overview, with its numbers and the plane right after it. Nothing is simulated: the networks really "
        "took these two steps."
    ),
    Panel.DRAW: (
        "Make the real distribution yourself: draw strokes or click points on the square, then apply. Real "
        "samples are drawn near your points, with a little noise, and the GAN starts again on them."
    ),
    Panel.VAE_CURVES: (
        "The VAE's loss while it trains, in its two parts: the reconstruction loss (how well the decoder rebuilds "
        "the digit from its code) and the KL term (how far the codes stray from a standard normal), weighted by "
        "β. A plain autoencoder has only the first."
    ),
    Panel.LATENT_MAP: (
        "Every test digit placed at its code in the 2D latent space, coloured by its class. Click or drag "
        "anywhere on the pad: the decoder turns that point into a digit at once, even where no digit sits."
    ),
    Panel.LATENT_GRID: (
        "The decoder's answer at evenly spaced points of the latent square: each small picture is what that "
        "spot decodes to. Neighbouring spots decode to similar digits where the map is smooth."
    ),
    Panel.INTERPOLATE: (
        "Two test digits' codes (A and B on the pad) joined by a straight line in the latent space, and the "
        "decoded digit at evenly spaced steps along it. It shows how one digit turns into the other through "
        "what the decoder has learned."
    ),
    Panel.COMPARE: (
        "The same digits, an autoencoder and a VAE side by side, each as its decoded grid with two numbers. "
        "Trained for the default 10 epochs, the autoencoder leaves more of its map empty than the VAE, and its "
        "empty spots decode to smudges; the VAE's KL term packs the codes together. With only a few epochs "
        "the difference may not show yet."
    ),
}

# the glossary's words each panel shows, explained under its text
TERMS: dict[str, tuple[str, ...]] = {
    Panel.MODEL: ("generator", "discriminator", "latent noise"),
    Panel.LAYERED: ("GAN", "gradient"),
    Panel.LOSSES: ("non-saturating loss", "minimax loss"),
    Panel.DIVERGENCE: ("KL divergence", "JS divergence"),
    Panel.SLOW: ("gradient",),
    Panel.VAE_CURVES: ("reconstruction loss", "β"),
    Panel.LATENT_MAP: ("latent space", "VAE"),
    Panel.COMPARE: ("autoencoder", "VAE"),
}

PARTS: tuple[str, ...] = tuple(Panel)  # every panel has a "What am I looking at?"


def explainer(panel: str) -> str:
    """The text for one panel (KeyError for an unknown one: a bug)."""
    return EXPLAINERS[panel]


def with_terms(panel: str) -> str:
    """The panel's text, then the glossary's words for what it shows (Markdown for `ui.looking_at`)."""
    return glossary.with_terms(EXPLAINERS[panel], TERMS.get(panel, ()))
