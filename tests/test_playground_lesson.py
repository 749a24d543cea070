"""What a learner (or a hostile browser) does on the Playground page: every value is bounded, bad ones get a
message and change nothing, and browser text in messages is shown literally."""

from __future__ import annotations

import random
import time

import numpy as np

from playground.tfplayground.lesson import MAX_LINK_CHARS, MAX_RUN_EPOCHS, Panel, PlaygroundLesson
from playground.tfplayground.network_file import dump_network
from playground.tfplayground.run import MAX_ADDED_POINTS
from playground.tfplayground.url import to_query

EVIL = "[click](https://evil.example)"
# none of these is a point on the picture, a node's place or a weight's index
HOSTILE_NUMBERS = [float("inf"), float("-inf"), float("nan"), 10**400, -(10**400), 1e308, True, None, "1",
                   "nan", [], {}, [1, 2], 2**63]


def _lesson() -> PlaygroundLesson:
    return PlaygroundLesson.from_query({})


def _unlinked(markdown: str) -> bool:
    """No Markdown link or autolink survives: every bracket, parenthesis and colon is escaped."""
    return "](" not in markdown and "https://" not in markdown and "[click]" not in markdown


def test_hostile_numbers_in_view_events_get_a_message_or_nothing() -> None:
    lesson = _lesson()
    lesson.add_mode = 0
    params = lesson.run.network.params.copy()
    n_train = len(lesson.run.train_y)
    for bad in HOSTILE_NUMBERS:
        lesson.view_event("select_node", [bad, 0])
        lesson.view_event("select_node", [1, bad])
        lesson.view_event("edit", {"index": bad, "value": 0.5})
        if bad != "1":  # the editor's text, when it is a number, is one
            lesson.view_event("edit", {"index": 0, "value": bad})
        lesson.view_event("add_point", {"x": bad, "y": 0.0})
        lesson.view_event("add_point", {"x": 0.0, "y": bad})
        lesson.view_event("shape", {"op": "add_neuron", "layer": bad})
        lesson.view_event("toggle_feature", bad)
    assert len(lesson.run.train_y) == n_train  # no point from a bad number
    assert np.array_equal(lesson.run.network.params, params)  # no weight set to a bad number
    assert lesson.message  # the learner was told
    assert lesson.selected is None and lesson.run.settings.networkShape == [4, 2]


def test_points_off_the_picture_are_refused() -> None:
    lesson = _lesson()
    lesson.add_mode = 1
    n_train = len(lesson.run.train_y)
    for x, y in [(6.01, 0.0), (0.0, -7.0), (1e300, 1e300)]:
        lesson.message = ""
        lesson.view_event("add_point", {"x": x, "y": y})
        assert "on the picture" in lesson.message
    lesson.view_event("add_point", {"x": 6.0, "y": -6})  # the picture's corner is on it
    assert len(lesson.run.train_y) == n_train + 1 and tuple(lesson.run.train_x[-1]) == (6.0, -6.0)


def test_added_points_are_capped() -> None:
    lesson = _lesson()
    lesson.add_mode = 0
    for k in range(MAX_ADDED_POINTS):
        lesson.run.add_point(k % 12 - 6, 0.5, k % 2)
    n_train = len(lesson.run.train_y)
    lesson.view_event("add_point", {"x": 1.0, "y": 1.0})
    assert len(lesson.run.train_y) == n_train and f"{MAX_ADDED_POINTS:,} points" in lesson.message
    lesson.run.restore_points()  # starting again frees the room
    lesson.view_event("add_point", {"x": 1.0, "y": 1.0})
    assert len(lesson.run.added.xy) == 1


def test_fuzzed_view_events_never_raise() -> None:
    rng = random.Random(12)
    names = ["add_point", "edit", "toggle_feature", "select_node", "shape", "unknown"]
    junk = [*HOSTILE_NUMBERS, -1, 0.5, "x", "add_layer", {"op": "add_layer"}, {"op": "remove_layer"}, {"x": 1, "y": 2},
            {"index": 3, "value": "abc"}, {"op": "remove_neuron", "layer": 1}, [0, 0], [2, 1], "sinX", "y" * 10_000]
    lesson = _lesson()
    for step in range(600):
        lesson.add_mode = rng.choice([None, 0, 1])
        lesson.view_event(rng.choice(names), rng.choice(junk))
        if step % 50 == 0:
            lesson.run.train(1)
    limits = lesson.run.settings.limits()
    assert len(lesson.run.settings.networkShape) <= limits.max_layers
    assert all(1 <= n <= limits.max_neurons for n in lesson.run.settings.networkShape)
    assert np.all(np.isfinite(lesson.run.network.params))


def test_run_this_many_epochs_is_bounded() -> None:
    lesson = _lesson()
    for bad in (0, -5, MAX_RUN_EPOCHS + 1, 10**12, float("inf"), float("nan"), 2.5, True):
        lesson.message = ""
        lesson.run_epochs(bad)
        assert not lesson.playing and lesson.stop_epoch is None and "epochs" in lesson.message
    lesson.run_epochs(MAX_RUN_EPOCHS)
    assert lesson.playing and lesson.stop_epoch == MAX_RUN_EPOCHS


def test_a_csv_of_only_separators_gets_a_message_and_keeps_the_data() -> None:
    lesson = _lesson()
    before = lesson.run.train_x.copy()
    lesson.open_csv("commas.csv", b",,,,\n,,,\n , \n", max_bytes=1 << 20)
    assert "only separators" in lesson.upload_error
    assert np.array_equal(lesson.run.train_x, before) and lesson.run.uploaded is None


def test_a_network_file_with_a_huge_epoch_gets_a_message_and_keeps_the_network() -> None:
    lesson = _lesson()
    lesson.run.train(3)
    params, run = lesson.run.network.params.copy(), lesson.run
    data = dump_network(run.network, run.features, to_query(run.settings), 10**400)
    lesson.open_network_file("huge.json", data)
    assert "epoch" in lesson.file_error and lesson.run is run and run.epoch == 3
    assert np.array_equal(lesson.run.network.params, params)


def test_browser_text_in_messages_is_shown_literally() -> None:
    lesson = _lesson()
    lesson.open_csv(EVIL + ".csv", f"x,y,label\n1,2,{EVIL}\n".encode(), max_bytes=1 << 20)
    assert lesson.upload_error.startswith("**") and _unlinked(lesson.upload_error)
    lesson.open_network_file(EVIL + ".json", EVIL.encode())
    assert lesson.file_error.startswith("**") and _unlinked(lesson.file_error)
    good = dump_network(lesson.run.network, lesson.run.features, to_query(lesson.run.settings), 7)
    lesson.open_network_file(EVIL + ".json", good)
    assert "epoch 7" in lesson.message and _unlinked(lesson.message)
    lesson = PlaygroundLesson.from_query({EVIL: "1", "activation": EVIL, "seed": "x" * 100})
    assert len(lesson.notices) == 3 and all(_unlinked(n) for n in lesson.notices)
    lesson.open_link(f"https://playground.tensorflow.org/#activation={EVIL}&{EVIL}=1")
    assert len(lesson.notices) == 3 and all(_unlinked(n) for n in lesson.notices[:2])


def test_a_very_long_pasted_link_is_refused_at_once() -> None:
    lesson = _lesson()
    run = lesson.run
    start = time.perf_counter()
    lesson.open_link("https://playground.tensorflow.org/#" + "&a=1" * MAX_LINK_CHARS)
    assert time.perf_counter() - start < 0.05
    assert lesson.run is run and "was not opened" in lesson.notices[0]


def test_a_hostile_network_file_answers_about_as_fast_as_a_good_one() -> None:
    lesson = _lesson()
    run = lesson.run
    query = to_query(run.settings)
    good = dump_network(run.network, run.features, query, 3)
    many_names = [dump_network(run.network, run.features, query | {f"k{i}": "1" for i in range(n)}, 3)
                  for n in (10_000, 100_000)]

    def seconds(data: bytes) -> float:
        start = time.perf_counter()
        lesson.open_network_file("net.json", data)
        return time.perf_counter() - start

    normal = min(seconds(good) for _ in range(3))
    for data in many_names:
        assert min(seconds(data) for _ in range(2)) < normal + 0.05
        assert "was not opened" in lesson.file_error and lesson.run.epoch == 3


# ------------------------------------------------------------------------------------------------ the page's decisions


def test_a_link_without_settings_opens_the_class_preset() -> None:
    preset = "dataset=spiral&networkShape=4,4"
    lesson = PlaygroundLesson.from_query({}, preset=preset)
    assert lesson.run.settings.dataset == "spiral" and lesson.run.settings.networkShape == [4, 4]
    # a link's own settings win over the preset; no preset: TF's defaults
    assert PlaygroundLesson.from_query({"dataset": "xor"}, preset=preset).run.settings.dataset == "xor"
    assert PlaygroundLesson.from_query({}, preset=None).run.settings.dataset == "circle"
    assert PlaygroundLesson.from_query({}, preset="").run.settings.networkShape == [4, 2]


def test_a_picked_dataset_sets_the_setting_of_its_problem_type() -> None:
    lesson = _lesson()
    lesson.pick_dataset("xor")
    assert lesson.run.settings.dataset == "xor" and lesson.data_changed
    lesson.apply_settings(problem="regression")
    lesson.pick_dataset("reg-gauss")
    assert lesson.run.settings.regDataset == "reg-gauss" and lesson.run.settings.dataset == "xor"
    assert lesson.run.settings.current_dataset() == "reg-gauss"


def test_the_whole_page_runs_again_only_when_a_change_shows_outside_the_live_part() -> None:
    assert {p for p in Panel if p.shows_structure} == {Panel.SPACE, Panel.CODE, Panel.ACTIVATIONS}
    assert [p.value for p in Panel][:2] == ["How each layer bends the space", "Training options"]
    lesson = _lesson()
    lesson.data_changed = lesson.structure_changed = False
    assert not lesson.whole_page_outdated(Panel.SPACE)
    lesson.apply_settings(networkShape=[3])  # a new network: the panels about layers show it
    assert not lesson.whole_page_outdated(Panel.OPTIONS) and not lesson.structure_changed  # answered once
    lesson.apply_settings(networkShape=[2])
    assert not lesson.whole_page_outdated(None)
    lesson.apply_settings(networkShape=[3])
    assert lesson.whole_page_outdated(Panel.CODE.value)  # the widget's value, as the page reads it
    assert not lesson.whole_page_outdated(Panel.CODE)
    lesson.regenerate()  # new data and seed: the sidebar shows the seed
    assert lesson.whole_page_outdated(None) and not lesson.data_changed


def test_a_click_on_the_picture_adds_nothing_or_a_point_of_one_class() -> None:
    lesson = _lesson()
    assert lesson.add_mode_choices() == [None, 0, 1]
    lesson.pick_dataset("spiral3")
    assert lesson.add_mode_choices() == [None, 0, 1, 2]
