"""Colour scales shared by every picture: TensorFlow Playground's orange-grey-blue, and class colours."""

from __future__ import annotations

import numpy as np

# TensorFlow Playground's diverging scale: -1 -> orange, 0 -> light grey, +1 -> blue (clamped outside).
NEGATIVE_HEX = "#f59322"
NEUTRAL_HEX = "#e8eaeb"
POSITIVE_HEX = "#0877bd"
# Chart colours outside the scale: ordinary bars and points, and what went wrong (a fooled or wrong reading).
MUTED_HEX = "#9aa5b1"
WRONG_HEX = "#cf222e"
RIGHT_HEX = "#2ea043"
# Outlines of the points in a data chart: training points plain (white), test points dark.
TRAIN_OUTLINE_HEX = "#ffffff"
TEST_OUTLINE_HEX = "#222222"
# Dark ink for text and outlines on light ground, and a fainter one for secondary numbers.
INK_HEX = "#1f2933"
FAINT_INK_HEX = "#52606d"
# The output heatmap quantises the scale into this many steps, as the reference does.
HEATMAP_STEPS = 31

# Class colours for more than two classes: the two TF colours first, then distinct, calm ones.
CLASS_HEX = (
    "#f59322",  # orange (class 0, TF's -1)
    "#0877bd",  # blue (class 1, TF's +1)
    "#2ca02c",  # green
    "#9467bd",  # purple
    "#d62728",  # red
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#17becf",  # cyan
    "#7f7f7f",  # grey
    "#bcbd22",  # olive
)


def hex_to_rgb(hex_colour: str) -> np.ndarray:
    """'#rrggbb' -> float array [r, g, b] in 0..255."""
    h = hex_colour.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


_NEG, _MID, _POS = (hex_to_rgb(c) for c in (NEGATIVE_HEX, NEUTRAL_HEX, POSITIVE_HEX))
CLASS_RGB = np.stack([hex_to_rgb(c) for c in CLASS_HEX])


def _diverging_palette(levels: int = 256) -> np.ndarray:
    """(levels, 3) uint8: the orange-grey-blue scale sampled evenly from -1 to 1."""
    v = np.linspace(-1.0, 1.0, levels)
    t = np.abs(v)[:, None]
    end = np.where(v[:, None] < 0, _NEG, _POS)
    return np.rint(_MID + (end - _MID) * t).astype(np.uint8)


DIVERGING_PALETTE = _diverging_palette()  # index i is the colour of value -1 + 2·i/255


def diverging_index(values: np.ndarray, steps: int | None = None) -> np.ndarray:
    """Values in [-1, 1] (clamped; NaN as 0) -> uint8 indices into DIVERGING_PALETTE.

    With `steps`, values are first quantised to that many evenly spaced levels (the reference's 31).
    A palette lookup is several times faster than computing colours, which matters every frame.
    """
    v = np.asarray(values, dtype=np.float32)
    if np.isnan(v).any():
        v = np.nan_to_num(v)
    t = (np.clip(v, -1.0, 1.0) + 1.0) * 0.5  # 0..1
    if steps:
        t = np.rint(t * (steps - 1)) / (steps - 1)
    return np.rint(t * 255.0).astype(np.uint8)


def diverging_rgb(values: np.ndarray, steps: int | None = None) -> np.ndarray:
    """Map values in [-1, 1] (clamped) to uint8 RGB on the orange-grey-blue scale; shape (..., 3)."""
    return DIVERGING_PALETTE[diverging_index(values, steps)]


def class_rgb(labels: np.ndarray) -> np.ndarray:
    """uint8 RGB per class id (cycling after ten classes)."""
    return CLASS_RGB[np.asarray(labels, dtype=np.int64) % len(CLASS_RGB)].astype(np.uint8)


def blend_class_rgb(probabilities: np.ndarray, strength: float = 0.85) -> np.ndarray:
    """Blend class colours by probability, fading to the neutral grey where the network is unsure.

    probabilities: (..., k) rows summing to 1. Certainty is measured as how far the top probability
    is above chance (1/k), so a uniform guess is grey and a confident one is the class colour.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    k = p.shape[-1]
    mixed = p @ CLASS_RGB[:k]
    certainty = (p.max(axis=-1, keepdims=True) - 1.0 / k) / (1.0 - 1.0 / k)
    w = np.clip(certainty, 0.0, 1.0) * strength
    return np.rint(_MID + (mixed - _MID) * w).astype(np.uint8)


# ------------------------------------------------------------------------------------------- GANs
# GAN Lab's colours: real samples green, generated (fake) samples purple, the generator's gradients pink;
# the discriminator blue and the generator purple in the model overview and the loss chart.
REAL_HEX = "#008837"
FAKE_HEX = "#7b3294"
ARROW_HEX = "#c414db"
DISCRIMINATOR_HEX = "#4080f7"
GENERATOR_HEX = "#aa4fc0"
# d3's PRGn (ColorBrewer's 11 classes), from purple (D(x) = 0: "fake") through grey to green (1: "real").
PRGN_HEX = ("#40004b", "#762a83", "#9970ab", "#c2a5cf", "#e7d4e8", "#f7f7f7",
            "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837", "#00441b")


def belief_palette(strength: float = 0.62, levels: int = 256) -> np.ndarray:
    """(levels, 3) uint8: the discriminator's belief D(x) from 0 (purple, fake) to 1 (green, real) on PRGn,
    faded towards its light middle by `strength` so the samples drawn over it stay readable."""
    stops = np.stack([hex_to_rgb(c) for c in PRGN_HEX])
    t = np.linspace(0.0, 1.0, levels) * (len(stops) - 1)
    i = np.minimum(t.astype(np.int64), len(stops) - 2)
    f = (t - i)[:, None]
    rgb = stops[i] * (1 - f) + stops[i + 1] * f
    middle = stops[len(stops) // 2]
    return np.rint(middle + (rgb - middle) * strength).astype(np.uint8)


BELIEF_PALETTE = belief_palette()  # index i is the colour of D(x) = i / 255


def belief_hex(d: float) -> str:
    """The layered view's background colour for the discriminator's belief D(x) = d, as '#rrggbb'."""
    r, g, b = (int(v) for v in BELIEF_PALETTE[int(round(min(max(d, 0.0), 1.0) * 255))])
    return f"#{r:02x}{g:02x}{b:02x}"
