"""The Generative models lesson's state, link and play loop, without a server: links round-trip, bad values
and drawings get messages (never exceptions), the class's limits bound the networks, and play stops on a click
or a diverged run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from playground.generative import lesson as lesson_module
from playground.generative.gan import GanSettings, Net
from playground.generative.lesson import GenerativeLesson, Part, stroke_points, thin
from playground.generative.player import CHANNEL, GanPlayer
from playground.generative.url import link_query, parse_link, parse_points
from playground.tfplayground import settings as tf_settings
from playground.training_driver import Outcome


def test_an_empty_link_gives_the_defaults_without_notices() -> None:
    lesson, notices = parse_link({})
    assert notices == []
    assert lesson.settings == GanSettings().bounded()
    assert lesson.part is Part.GAN and link_query(lesson) == {}


def test_a_link_round_trips() -> None:
    wanted = GanSettings(shape="ring", noise="1d-gaussian", g=Net(layers=3, neurons=12, activation="tanh",
                                                                 optimiser="adam", lr=0.003),
                         d=Net(layers=1, neurons=20, lr=0.3), loss="least-squares", k_d=3, k_g=2, batch=200,
                         seed=42)
    lesson = GenerativeLesson()
    lesson.apply(wanted)
    lesson.part, lesson.beta, lesson.vae_epochs = Part.VAE, 4.0, 5
    again, notices = parse_link(link_query(lesson))
    assert notices == []
    assert again.settings == lesson.settings == wanted.bounded()
    assert (again.part, again.beta, again.vae_epochs) == (Part.VAE, 4.0, 5)


@pytest.mark.parametrize(("key", "value"), [
    ("gLayers", "99"), ("dNeurons", "0"), ("gLr", "0.5"), ("dLr", "nan"), ("shape", "[evil](http://x.example)"),
    ("noise", "3d"), ("loss", "wasserstein"), ("kD", "-1"), ("batch", "1e9"), ("seed", "x" * 5000),
    ("pts", "0.1,0.2;nan,0.3"), ("pts", "0.1,0.2"), ("pts", "2,2;0.1,0.1"), ("pts", ";" * 10_000),
    ("beta", "1e308"), ("vaeEpochs", "100000"), ("part", "other"),
])
def test_a_bad_value_keeps_the_default_with_a_notice(key: str, value: str) -> None:
    lesson, notices = parse_link({key: value})
    assert len(notices) == 1 and "](" not in notices[0]
    assert lesson.settings == GanSettings().bounded()


def test_unknown_keys_are_named() -> None:
    _, notices = parse_link({"hello": "1"})
    assert len(notices) == 1 and "hello" in notices[0]


def test_a_drawn_distribution_travels_in_the_link() -> None:
    points = [[0.1 + 0.01 * i, 0.5] for i in range(30)]
    lesson = GenerativeLesson()
    assert lesson.apply_drawing(points)
    assert lesson.settings.shape == "drawing"
    query = link_query(lesson)
    assert query["shape"] == "drawing" and query["pts"].count(";") == 29
    again, notices = parse_link(query)
    assert notices == [] and again.settings.shape == "drawing"
    np.testing.assert_allclose(again.drawn, lesson.drawn)
    real = again.gan.view().real
    assert np.all(np.abs(real[:, 1] - 0.5) < 0.15)  # samples near the drawn line


def test_a_drawing_link_without_points_falls_back() -> None:
    lesson, notices = parse_link({"shape": "drawing"})
    assert lesson.settings.shape == GanSettings().shape
    assert len(notices) == 1 and "pts" in notices[0]


@pytest.mark.parametrize("points", [None, [], [[0.5, 0.5]], "text", [[float("nan"), 0.1], [0.2, 0.2]],
                                    [[5, 5], [6, 6]], [["a", "b"], [1, 2]], {"x": 1}])
def test_a_bad_drawing_gets_a_message_and_keeps_the_distribution(points) -> None:
    lesson = GenerativeLesson()
    before = lesson.settings
    assert not lesson.apply_drawing(points)
    assert lesson.message and lesson.settings == before


def test_choosing_the_drawn_shape_without_a_drawing_says_what_to_do() -> None:
    lesson = GenerativeLesson()
    lesson.change(shape="drawing")
    assert lesson.settings.shape == "gaussians" and "Draw" in lesson.message


def test_strokes_become_points_along_the_line_with_y_up() -> None:
    points = np.array(stroke_points([[[0, 240], [240, 0]]], side=240))
    assert len(points) > 100  # filled in along the stroke
    assert points[0].tolist() == [0.0, 0.0] and points[-1].tolist() == [1.0, 1.0]
    assert stroke_points([[[120, 120]]], side=240) == [[0.5, 0.5]]  # a click
    assert stroke_points("garbage", side=240) == [] and stroke_points([[["x", 1]]], side=240) == []
    assert len(stroke_points([[[0, 0], [240, 240]] * 2000], side=240)) <= lesson_module.MAX_DRAWN_POINTS


def test_thin_keeps_at_most_so_many_distinct_points_in_order() -> None:
    points = np.array([[i / 1000, 0.5] for i in range(1000)] + [[0.0, 0.5]])
    kept = thin(points, 300)
    assert len(kept) == 300 and kept[0].tolist() == [0.0, 0.5] and kept[-1].tolist() == [0.999, 0.5]


def test_parse_points_refuses_too_many_before_splitting() -> None:
    assert parse_points(";".join(["0.1,0.1"] * 301)) is None
    assert parse_points("0.1,0.2;0.3,0.4") == ((0.1, 0.2), (0.3, 0.4))


def test_the_class_limits_bound_both_networks(monkeypatch) -> None:
    monkeypatch.setattr(tf_settings, "CLASS_LIMITS", tf_settings.Limits(max_layers=2, max_neurons=6))
    lesson = GenerativeLesson()
    lesson.apply(GanSettings(g=Net(layers=5, neurons=100), d=Net(layers=4, neurons=50)))
    assert (lesson.settings.g.layers, lesson.settings.g.neurons) == (2, 6)
    assert (lesson.settings.d.layers, lesson.settings.d.neurons) == (2, 6)


def test_steps_count_iterations_and_reset_starts_again() -> None:
    lesson = GenerativeLesson()
    lesson.step("both")
    lesson.step("d")
    lesson.step("g")
    lesson.step("nonsense")
    assert lesson.gan.iteration == 3
    lesson.reset()
    assert lesson.gan.iteration == 0


def test_slow_motion_walks_through_both_updates_then_takes_a_new_step() -> None:
    lesson = GenerativeLesson()
    lesson.start_slow()
    parts = lesson.slow
    assert parts and {p.network for p in parts} == {"D", "G"}
    assert lesson.gan.iteration == 1
    for _ in range(len(parts) - 1):
        lesson.slow_move(1)
    assert lesson.slow_part is parts[-1]
    lesson.slow_move(1)  # past the last part: a new step
    assert lesson.gan.iteration == 2 and lesson.slow_index == 0
    lesson.slow_move(-5)
    assert lesson.slow_index == 0


@pytest.mark.parametrize("point", [None, {}, "xy", [1], [float("nan"), 1], ["1e999", 0], [[1], 2], 7])
def test_bad_latent_points_are_ignored(point) -> None:
    lesson = GenerativeLesson()
    lesson.pick_latent(point)
    assert lesson.picked is None


def test_a_latent_point_is_kept_bounded() -> None:
    lesson = GenerativeLesson()
    lesson.pick_latent((1e9, -0.5))
    assert lesson.picked == (1e3, -0.5)


def test_beta_and_epochs_are_bounded() -> None:
    lesson = GenerativeLesson()
    lesson.set_beta(3.1)
    lesson.set_vae_epochs(10_000)
    assert lesson.beta == 4.0 and lesson.vae_epochs == lesson_module.MAX_VAE_EPOCHS
    lesson.set_beta(float("nan"))
    assert lesson.beta == 1.0


class Always:
    """Stand-ins for the server's picture turns and players: a turn is always free, one player."""

    def take(self, session, timeout, players=1):
        return True

    def done(self, session):
        pass

    def leave(self, session):
        pass

    def playing(self, session):
        return 1

    def stopped(self, session):
        pass


def player(lesson: GenerativeLesson) -> GanPlayer:
    stand_in = Always()
    return GanPlayer(lesson, "me", turns=stand_in, players=stand_in, busy=lambda n: False)


def test_play_sends_pictures_until_a_click() -> None:
    lesson = GenerativeLesson(speed="fast")
    lesson.playing = True
    frames: list[dict] = []
    outcome = player(lesson).play(frames.append, lambda: len(frames) >= 3, lambda n: None)
    assert outcome is Outcome.STOPPED and len(frames) == 3
    assert frames[0][CHANNEL]["src"].startswith("data:image/png;base64,")
    assert lesson.gan.iteration > 3 and lesson.playing


def test_play_stops_with_a_message_when_the_run_diverges(monkeypatch) -> None:
    lesson = GenerativeLesson()
    lesson.playing = True
    monkeypatch.setattr(type(lesson.gan), "diverged", property(lambda self: self.iteration >= 2))
    outcome = player(lesson).play(lambda events: None, lambda: False, lambda n: None)
    assert outcome is Outcome.REACHED and not lesson.playing and "diverged" in lesson.message
    settings = lesson.settings
    lesson.toggle_play()  # a diverged run does not play; the settings are kept
    assert not lesson.playing and lesson.settings == settings


def test_changing_a_setting_starts_the_gan_again() -> None:
    lesson = GenerativeLesson()
    lesson.step()
    lesson.change_net("d", lr=0.01)
    assert lesson.gan.iteration == 0 and lesson.settings.d.lr == 0.01
    lesson.apply(replace(lesson.settings, seed=3))
    assert lesson.settings.seed == 3
