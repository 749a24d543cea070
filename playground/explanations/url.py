"""The Explanations lesson's link (?view=one&digit=…&target=3&baseline=blur&steps=50…), read from a shared
link or a class preset and written for what is on screen: a table of fields (playground.url_table), every
value bounded, a bad one named as literal text in a notice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from playground.explanations.lesson import MAX_DIGIT, VIEW_SLUGS, ExplanationsLesson, View
from playground.explanations.methods import Settings
from playground.url_table import Field, choice, markdown, number_in, read_table, whole_in, write

QUOTING = markdown(20)  # a notice quotes a link's value as literal Markdown text, 20 characters at most
TARGET_WORDS = ("predicted", "true", *(str(c) for c in range(10)))  # a class number: "why not a 3?"
BASELINES = ("black", "blur", "noise")
SEGMENTS = ("superpixels", "grid")
LAYERS = ("conv1", "conv2", "conv3")
_S = Settings()
FIELDS = (  # in the link's order
    Field("view", choice(tuple(VIEW_SLUGS)), "one of " + ", ".join(VIEW_SLUGS), View.ONE.slug),
    Field("digit", whole_in(range(MAX_DIGIT + 1)), "a test digit number", None),  # None: the first test digit
    Field("target", choice(TARGET_WORDS), "predicted, true or a digit from 0 to 9", "predicted"),
    Field("baseline", choice(BASELINES), "black, blur or noise", _S.ig_baseline),
    Field("steps", whole_in(range(2, 201)), "a whole number from 2 to 200", _S.ig_steps),
    Field("samples", whole_in(range(2, 101)), "a whole number from 2 to 100", _S.smooth_samples),
    Field("noise", number_in(0, 1, digits=2), "a number from 0 to 1", _S.smooth_noise, write=lambda v: f"{v:g}"),
    Field("window", whole_in(range(2, 15)), "a whole number from 2 to 14", _S.occlusion_window),
    Field("stride", whole_in(range(1, 15)), "a whole number from 1 to 14", _S.occlusion_stride),
    Field("segments", choice(SEGMENTS), "superpixels or grid", _S.lime_segments),
    Field("lime", whole_in(range(50, 2001)), "a whole number from 50 to 2000", _S.lime_samples),
    Field("layer", choice(LAYERS), "conv1, conv2 or conv3", _S.gradcam_layer),
)
KEYS = tuple(f.key for f in FIELDS)


def parse_link(query: Mapping[str, Any]) -> tuple[ExplanationsLesson, list[str]]:
    """(lesson, notices) from a link or a class preset: a bad value keeps the default, with a notice that
    quotes it as literal text; unknown keys are named. A stride larger than the window is made the window."""
    values, notices = read_table(query, FIELDS, QUOTING)
    target = values["target"]
    settings = replace(_S, ig_baseline=values["baseline"], ig_steps=values["steps"],
                       smooth_samples=values["samples"], smooth_noise=values["noise"],
                       occlusion_window=values["window"], occlusion_stride=values["stride"],
                       lime_segments=values["segments"], lime_samples=values["lime"],
                       gradcam_layer=values["layer"]).bounded()
    lesson = ExplanationsLesson(view=VIEW_SLUGS[values["view"]], digit=values["digit"], settings=settings)
    if target in ("predicted", "true"):
        lesson.target = target
    else:
        lesson.target, lesson.target_class = "class", int(target)
    return lesson, notices


def link_query(lesson: ExplanationsLesson) -> dict[str, str]:
    """The link of what is on screen (only what differs from the defaults)."""
    s = lesson.settings
    target = str(lesson.target_class) if lesson.target == "class" else lesson.target
    return write(FIELDS, {"view": lesson.view.slug, "digit": lesson.digit if lesson.source == "test" else None,
                          "target": target, "baseline": s.ig_baseline, "steps": s.ig_steps,
                          "samples": s.smooth_samples, "noise": s.smooth_noise, "window": s.occlusion_window,
                          "stride": s.occlusion_stride, "segments": s.lime_segments, "lime": s.lime_samples,
                          "layer": s.gradcam_layer})
