"""The Generative models lesson's link (?part=gan&shape=ring&gLayers=2&gNeurons=10&dLr=0.1…), read from a
shared link or a class preset and written for what is on screen: a table of fields (playground.url_table),
every value bounded, a bad one named as literal text in a notice. A drawn distribution travels as its points
(`pts=0.12,0.4;0.5,0.51;…`, at most 300, to 0.01 of the plane)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from playground.generative.gan import LEARNING_RATES, LOSSES, GanSettings, Net
from playground.generative.lesson import (
    BETAS,
    MAX_LINK_POINTS,
    MAX_VAE_EPOCHS,
    PART_SLUGS,
    GenerativeLesson,
    Part,
)
from playground.generative.mlp import ACTIVATIONS
from playground.generative.targets import NOISES, SHAPES
from playground.url_table import Field, choice, markdown, number_among, read_table, whole_in, write

QUOTING = markdown(20)  # a notice quotes a link's value as literal Markdown text, 20 characters at most
MAX_POINTS_CHARS = MAX_LINK_POINTS * 10  # "0.12,0.45;" per point
OPTIMISERS = ("sgd", "adam")
_S, _N = GanSettings(), Net()


def parse_points(text: str) -> tuple[tuple[float, float], ...] | None:
    """'x,y;x,y;…' with every number from 0 to 1, 2 to MAX_LINK_POINTS points; None when anything is off
    (the length is checked before anything is split)."""
    if not text or len(text) > MAX_POINTS_CHARS:
        return None
    points = []
    for pair in text.split(";"):
        parts = pair.split(",")
        if len(parts) != 2:
            return None
        try:
            x, y = (float(p) for p in parts)
        except ValueError:
            return None
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):  # NaN fails this too
            return None
        points.append((round(x, 2), round(y, 2)))
    return tuple(points) if 2 <= len(points) <= MAX_LINK_POINTS else None


def write_points(points) -> str:
    return ";".join(f"{x:g},{y:g}" for x, y in points)


def _net_fields(which: str, default: Net) -> tuple[Field, ...]:
    name = "generator's" if which == "g" else "discriminator's"
    return (
        Field(f"{which}Layers", whole_in(range(0, 6)), f"the {name} hidden layers, 0 to 5", default.layers),
        Field(f"{which}Neurons", whole_in(range(1, 101)), f"the {name} neurons per layer, 1 to 100",
              default.neurons),
        Field(f"{which}Act", choice(ACTIVATIONS), "one of " + ", ".join(ACTIVATIONS), default.activation),
        Field(f"{which}Opt", choice(OPTIMISERS), "sgd or adam", default.optimiser),
        Field(f"{which}Lr", number_among(LEARNING_RATES), "one of " + ", ".join(f"{r:g}" for r in LEARNING_RATES),
              default.lr, write=lambda v: f"{v:g}"),
    )


FIELDS = (  # in the link's order
    Field("part", choice(tuple(PART_SLUGS)), "gan or vae", Part.GAN.slug),
    Field("shape", choice(SHAPES), "one of " + ", ".join(SHAPES), _S.shape),
    Field("pts", parse_points, f"2 to {MAX_LINK_POINTS} points x,y from 0 to 1, separated by ;", None,
          write=write_points),
    Field("noise", choice(NOISES), "one of " + ", ".join(NOISES), _S.noise),
    *_net_fields("g", _S.g),
    *_net_fields("d", _S.d),
    Field("loss", choice(LOSSES), "one of " + ", ".join(LOSSES), _S.loss),
    Field("kD", whole_in(range(0, 11)), "a whole number from 0 to 10", _S.k_d),
    Field("kG", whole_in(range(0, 11)), "a whole number from 0 to 10", _S.k_g),
    Field("batch", whole_in(range(10, 501)), "a whole number from 10 to 500", _S.batch),
    Field("seed", whole_in(range(0, 1_000_000)), "a whole number from 0 to 999999", _S.seed),
    Field("beta", number_among(BETAS), "one of " + ", ".join(f"{b:g}" for b in BETAS), 1.0,
          write=lambda v: f"{v:g}"),
    Field("vaeEpochs", whole_in(range(1, MAX_VAE_EPOCHS + 1)), f"a whole number from 1 to {MAX_VAE_EPOCHS}", 10),
)
KEYS = tuple(f.key for f in FIELDS)


def _net(values: dict[str, Any], which: str) -> Net:
    return Net(layers=values[f"{which}Layers"], neurons=values[f"{which}Neurons"],
               activation=values[f"{which}Act"], optimiser=values[f"{which}Opt"], lr=values[f"{which}Lr"])


def parse_link(query: Mapping[str, Any]) -> tuple[GenerativeLesson, list[str]]:
    """(lesson, notices) from a link or a class preset: a bad value keeps the default, with a notice that
    quotes it as literal text; unknown keys are named. shape=drawing without its points keeps the default."""
    values, notices = read_table(query, FIELDS, QUOTING)
    lesson = GenerativeLesson(part=PART_SLUGS[values["part"]])
    if values["pts"] is not None:
        lesson.drawn = np.array(values["pts"], dtype=np.float64)
    shape = values["shape"]
    if shape == "drawing" and lesson.drawn is None:
        notices.append("This link asks for a drawn distribution but carries no points (pts): the default "
                       "distribution is used instead.")
        shape = _S.shape
    settings = GanSettings(shape=shape, noise=values["noise"], g=_net(values, "g"), d=_net(values, "d"),
                           loss=values["loss"], k_d=values["kD"], k_g=values["kG"], batch=values["batch"],
                           seed=values["seed"])
    lesson.apply(settings)
    lesson.message = ""  # a link's problems are its notices
    lesson.set_beta(values["beta"])
    lesson.set_vae_epochs(values["vaeEpochs"])
    return lesson, notices


def link_query(lesson: GenerativeLesson) -> dict[str, str]:
    """The link of what is on screen (only what differs from the defaults)."""
    s = lesson.settings
    values: dict[str, Any] = {
        "part": lesson.part.slug, "shape": s.shape, "noise": s.noise, "loss": s.loss, "kD": s.k_d, "kG": s.k_g,
        "batch": s.batch, "seed": s.seed, "beta": lesson.beta, "vaeEpochs": lesson.vae_epochs,
        "pts": None if s.shape != "drawing" or lesson.drawn is None else tuple(map(tuple, lesson.drawn.tolist())),
    }
    for which in ("g", "d"):
        net: Net = getattr(s, which)
        values.update({f"{which}Layers": net.layers, f"{which}Neurons": net.neurons, f"{which}Act": net.activation,
                       f"{which}Opt": net.optimiser, f"{which}Lr": net.lr})
    return write(FIELDS, values)
