"""What a learner can do on the Playground page, as plain methods (no Streamlit): change a setting,
click in the network view, step, reset, open a link, a CSV or a saved network.

The page binds widgets to these; tests call them directly. Everything here comes from a browser, so each
value is checked and bounded before it costs anything, and a bad one gets a message, never an exception.
The messages (`notices`, `message`, `upload_error`, `file_error`) are Markdown in which every part that came
from a browser (a link's values, a file's name or content) is escaped: they show it as the text it is.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from playground.engine2d.features import FEATURES
from playground.engine2d.mechanics import GradientStep, NeuronArithmetic, apply_step
from playground.text import escape_markdown
from playground.tfplayground import mechanics, network_file
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import ADVANCED_LIMITS, PlaygroundSettings
from playground.tfplayground.url import parse_link, parse_query, to_query
from playground.tfplayground.view import valid_selection
from playground.toydata import generators, learner_csv
from playground.toydata.generators import Data2D
from playground.toydata.seedrandom import new_seed_string

DATA_KEYS = ("dataset", "regDataset", "problem", "noise", "percTrainData", "numClasses")
MAX_EDIT = 1e3  # a learner's typed weight or bias, at most this in absolute value
MAX_RUN_EPOCHS = 100_000  # "Run this many epochs"
MAX_LINK_CHARS = 10_000  # a pasted link (a TF link with every key has ~600 characters)
MAX_NAME_CHARS = 80  # of a file's name, quoted in a message


class Panel(enum.StrEnum):
    """The panels under the network view, one open at a time (each value is its label on the page)."""

    SPACE = "How each layer bends the space"
    OPTIONS = "Training options"
    CODE = "Show me the code"
    DATA = "Your data"
    FILE = "Save and open"
    ACTIVATIONS = "Per-layer activations"
    NEURON = "Inside one neuron"
    STEP = "One gradient step"

    @property
    def shows_structure(self) -> bool:
        """It draws the network's layers: a new network must show in it at once."""
        return self in (Panel.SPACE, Panel.CODE, Panel.ACTIVATIONS)

    @property
    def shows_numbers(self) -> bool:
        """It prints the network's numbers for a point: any change to them (a click, a step) shows at once."""
        return self in (Panel.NEURON, Panel.STEP)


def _whole(value: Any) -> int | None:
    """A whole number sent by the browser (a JSON number), else None: not a bool, a fraction, NaN or ∞."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, float) and value.is_integer() else None


def _coordinate(value: Any) -> float | None:
    """A finite number sent by the browser, else None (a JSON integer too large for a float included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _name(name: Any) -> str:
    """A file's name as Markdown that shows it literally (cut if long)."""
    return escape_markdown(name, limit=MAX_NAME_CHARS)


@dataclass
class PlaygroundLesson:
    """This learner's Playground: the run (data, network, training) and what the page shows."""

    run: PlaygroundRun
    notices: list[str] = field(default_factory=list)  # shown once, e.g. why a URL value was not used
    message: str = ""  # a one-off message for the next page run (e.g. why training stopped)
    playing: bool = False
    selected: tuple[int, int] | None = None  # the neuron whose map fills the big picture
    add_mode: int | None = None  # class that a click on the picture adds, or None
    stop_epoch: int | None = None  # "run N epochs" stops here
    stop_loss: float | None = None  # stop when the test loss is at most this
    upload_error: str = ""
    file_error: str = ""
    sync_widgets: bool = True  # settings changed elsewhere: the page writes them into its widgets
    # What changed since the page last drew everything (a part of the page may redraw alone):
    data_changed: bool = False  # new data and seed: the whole page shows them
    structure_changed: bool = False  # a new network: the panels about its layers show it
    space: tuple[int, int, int] = (1, 0, 1)  # hidden-space view: node layer, neuron a, neuron b
    frame_seq: int = 0  # numbers the pictures sent to the view: an older one arriving late is ignored
    mechanics_point: int = 0  # the training point the panels of numbers follow (mechanics.point_choices)
    numbers_shown: tuple | None = None  # what a panel of numbers was drawn from (mechanics.numbers_key)

    def next_frame(self) -> int:
        self.frame_seq += 1
        return self.frame_seq

    @classmethod
    def from_query(cls, query: dict[str, Any], preset: str | None = None) -> PlaygroundLesson:
        """From a link's settings; a link without any opens the class's preset (a query string), if any."""
        if not query and preset:
            query = dict(parse_qsl(preset, keep_blank_values=True))
        settings, notices = parse_query(query)
        return cls(run=PlaygroundRun(settings), notices=[escape_markdown(n) for n in notices])

    def whole_page_outdated(self, panel: Panel | None) -> bool:
        """Whether a change since the page last drew everything shows outside the live part (the sidebar's
        seed, or the open `panel` about the layers): then the whole page runs again. Answered once."""
        outdated = self.data_changed or (self.structure_changed and panel is not None and Panel(panel).shows_structure)
        self.data_changed = self.structure_changed = False
        if panel is None or not Panel(panel).shows_numbers:
            self.numbers_shown = None
        elif self.numbers_shown is not None and self.numbers_shown != self._numbers_key():
            self.numbers_shown = None  # answered once: the whole page draws the panel again
            outdated = True
        return outdated

    # ------------------------------------------------------------------ settings

    def apply_settings(self, **changes: Any) -> None:
        """Change settings as TF does: data settings draw a new seed and new data, network settings
        rebuild the network, the rest (learning rate, view) apply live."""
        run = self.run
        new = dataclasses.replace(run.settings, **changes)
        if any(k in changes and changes[k] != getattr(run.settings, k) for k in DATA_KEYS):
            new = dataclasses.replace(new, seed=new_seed_string())
        outcome = run.with_settings(new)
        self.data_changed |= outcome == "data"
        self.structure_changed |= outcome != "live"
        if outcome != "live":
            self.selected = valid_selection(run, self.selected)
            if run.problem != "classification" or (self.add_mode or 0) >= max(run.n_classes, 1):
                self.add_mode = None

    def pick_dataset(self, name: str) -> None:
        """A dataset picked from the thumbnails: a regression set is TF's regDataset, any other its dataset."""
        self.apply_settings(**{"regDataset" if name in generators.REGRESS_DATASETS else "dataset": name})

    def set_layer_activation(self, layer: int, activation: str) -> None:
        s = self.run.settings
        acts = s.hidden_activations()
        if 0 <= layer < len(acts):
            acts[layer] = activation
            same = len(set(acts)) == 1
            self.apply_settings(layerActivations=None if same else acts, activation=acts[0] if same else s.activation)
            self.sync_widgets = True  # the top bar's activation may have changed

    # ------------------------------------------------------------------ the network view

    def view_event(self, name: str, value: Any) -> None:
        """Something the learner did in the network view (values come from the browser: check them)."""
        run, s = self.run, self.run.settings
        limits = s.limits()
        if name == "toggle_feature" and value in FEATURES:
            self.apply_settings(features=tuple(f for f in FEATURES if (f in s.features) != (f == value)))
        elif name == "shape" and isinstance(value, dict):
            shape, acts = list(s.networkShape), s.layerActivations
            op, layer = value.get("op"), _whole(value.get("layer"))
            if op == "add_layer" and len(shape) < limits.max_layers:
                shape.append(2)  # TF's new layer has two neurons
                acts = acts + [s.activation] if acts else None
            elif op == "remove_layer" and shape:
                shape.pop()
                acts = acts[:-1] if acts else None
            elif op in ("add_neuron", "remove_neuron") and isinstance(layer, int) and 1 <= layer <= len(shape):
                step = 1 if op == "add_neuron" else -1
                shape[layer - 1] = min(limits.max_neurons, max(1, shape[layer - 1] + step))
            if shape != s.networkShape:
                self.apply_settings(networkShape=shape, layerActivations=acts)
        elif name == "select_node" and isinstance(value, list) and len(value) == 2:
            layer, index = _whole(value[0]), _whole(value[1])
            if layer is None or index is None:
                return
            picked = (layer, index)
            self.selected = None if self.selected == picked else valid_selection(run, picked)
        elif name == "edit" and isinstance(value, dict):
            self.edit_parameter(value.get("index"), value.get("value"))
        elif name == "add_point" and isinstance(value, dict) and self.add_mode is not None:
            x, y = _coordinate(value.get("x")), _coordinate(value.get("y"))
            if x is None or y is None:
                self.message = "That point could not be added: it needs two numbers, x and y."
                return
            try:
                run.add_point(x, y, int(self.add_mode))
            except ValueError as error:
                self.message = f"That point was not added. {error}"
                return
            run.record_scores()

    def add_mode_choices(self) -> list[int | None]:
        """What a click on the picture may add: nothing (None), or a point of one of the classes."""
        return [None, *range(self.run.n_classes)]

    def edit_parameter(self, index: Any, value: Any) -> None:
        """A learner typed a new weight or bias: set it and show the effect at once (no training)."""
        try:
            index, number = _whole(index), float(value)  # the editor's text when it is not a number
            if index is None or isinstance(value, bool) or not (0 <= index < self.run.network.n_params) or not abs(number) <= MAX_EDIT:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            self.message = f"That value was not used: type a number between −{MAX_EDIT:g} and {MAX_EDIT:g}."
            return
        self.run.network.set_param(index, number)
        self.run.record_scores()

    # ------------------------------------------------------------------ run controls

    def toggle_play(self) -> None:
        self.playing = not self.playing
        self.stop_epoch = None

    def step_once(self) -> None:
        self.playing = False
        self.run.train(1)

    def reset_network(self) -> None:
        self.playing = False
        self.run.reset_network()

    def regenerate(self) -> None:
        self.run.regenerate(new_seed_string())
        self.data_changed = True

    def run_epochs(self, n: int) -> None:
        count = _whole(n)
        if count is None or not 1 <= count <= MAX_RUN_EPOCHS:
            self.message = f"Choose from 1 to {MAX_RUN_EPOCHS:,} epochs."
            return
        self.stop_epoch = self.run.epoch + count
        self.playing = True

    # ------------------------------------------------------------------ opening things

    def open_link(self, text: str) -> None:
        """A pasted TensorFlow Playground link (or our own): its settings, data and first weights."""
        if not text.strip():
            return
        if len(text) > MAX_LINK_CHARS:
            self.notices = [f"That link was not opened: it is {len(text):,} characters long, and a Playground "
                            f"link has far fewer than {MAX_LINK_CHARS:,}."]
            return
        settings, notices = parse_link(text)
        self.replace_run(PlaygroundRun(settings))
        self.notices = [escape_markdown(n) for n in notices] + ["Opened the pasted link."]

    def open_csv(self, name: str, data: bytes, max_bytes: int) -> None:
        try:
            points = learner_csv.parse_learner_csv(data, max_bytes=max_bytes, seed=self.run.settings.seed)
        except learner_csv.CsvError as error:
            self.upload_error = f"**{_name(name)}** was not loaded: {escape_markdown(error.message)}"
            return
        self.upload_error = ""
        self.playing = False
        self.run.use_uploaded(points)
        self.sync_widgets = True

    # Data chosen on "Meet the data" arrive here through the learner's session (never through a URL):
    # the same points the learner looked at there, with the network they have here.

    def use_points(self, name: str, points: Data2D) -> None:
        """A learner's CSV that Meet the data has checked, with the split it was shown with."""
        self.upload_error = ""
        self.run.use_uploaded(points)
        self.replace_run(self.run)  # paused, nothing selected, the widgets renewed
        self.add_mode = None
        self.message = f"Training on **{_name(name)}** from *Meet the data*. Press **Play**."

    def use_toy_data(self, name: str, noise: Any, perc_train: Any, seed: Any, n_classes: Any = None) -> None:
        """A toy dataset as Meet the data showed it: its seed, noise and split make the same points. The
        values are read as a link's are (bounded; one that is not used gets a notice)."""
        query = to_query(self.run.settings)
        problem = generators.problem_of(name) if name in generators.DATASET_LABELS else "classification"
        query |= {"problem": problem, "regDataset" if problem == "regression" else "dataset": str(name),
                  "noise": str(noise), "percTrainData": str(perc_train), "seed": str(seed), "initDraws": "0"}
        if n_classes is not None:
            query["numClasses"] = str(n_classes)
        settings, notices = parse_query(query)
        self.reset_to(settings)
        self.add_mode = None
        self.notices = [escape_markdown(notice) for notice in notices]
        self.message = "Training on the data from *Meet the data*. Press **Play**."

    def open_network_file(self, name: str, data: bytes) -> None:
        """A learner's saved network: its settings and its trained weights, or a clear message."""
        try:
            loaded = network_file.load_network(
                data, max_layers=ADVANCED_LIMITS.max_layers, max_neurons=ADVANCED_LIMITS.max_neurons
            )
            settings, notices = parse_query(loaded.settings_query)
            if notices:
                raise network_file.NetworkFileError("its settings are not valid: " + " ".join(notices))
            fresh = PlaygroundRun(settings)
            if fresh.network.sizes.tolist() != loaded.net.sizes.tolist() or fresh.network.head != loaded.net.head:
                raise network_file.NetworkFileError("its network does not match its own settings")
        except network_file.NetworkFileError as error:
            self.file_error = f"**{_name(name)}** was not opened: {escape_markdown(error)}"
            return
        fresh.network, fresh.epoch = loaded.net, loaded.epoch
        fresh.history.clear()
        fresh.record_scores()
        self.replace_run(fresh)
        self.file_error = ""
        self.message = f"Opened {_name(name)}: epoch {loaded.epoch:,}."

    def replace_run(self, run: PlaygroundRun) -> None:
        self.run, self.playing, self.selected, self.stop_epoch = run, False, None, None
        self.sync_widgets = True

    def reset_to(self, settings: PlaygroundSettings) -> None:
        self.replace_run(PlaygroundRun(settings))

    # ------------------------------------------------------------------ the hidden-space view

    def cycle_space_pair(self) -> None:
        layer, a, b = self.space
        n = int(self.run.network.sizes[layer]) if layer < len(self.run.network.sizes) else 1
        self.space = (layer, (a + 1) % n, (b + 1) % n) if n > 1 else (layer, 0, 0)

    # ------------------------------------------------------------------ the panels of numbers

    def _numbers_key(self) -> tuple:
        return mechanics.numbers_key(self.run, self.selected, self.mechanics_point)

    def choose_mechanics_point(self, index: Any) -> None:
        """The training point the panels of numbers follow (an index among mechanics.point_choices)."""
        number = _whole(index)
        if number is not None and 0 <= number < len(mechanics.point_choices(self.run)):
            self.mechanics_point = number
        self.numbers_shown = None  # the whole page runs next and draws the panel

    def neuron_mechanics(self) -> NeuronArithmetic | None:
        """The arithmetic of the clicked neuron (else the first hidden one) at the chosen training point, for
        the panel to show (None when there is no training point)."""
        self.numbers_shown = self._numbers_key()
        return mechanics.neuron_numbers(self.run, self.selected, self.mechanics_point)

    def gradient_mechanics(self) -> GradientStep | None:
        """One gradient step for the chosen training point, for the panel to show (None without points)."""
        self.numbers_shown = self._numbers_key()
        return mechanics.step_numbers(self.run, self.mechanics_point)

    def apply_gradient_step(self) -> None:
        """Take the shown gradient step: the network learns from the chosen point alone (plain SGD with the
        learner's learning rate and regularisation), and training pauses so that the change shows."""
        step = mechanics.step_numbers(self.run, self.mechanics_point)
        if step is None:
            self.message = "There is no training point to learn from: restore the dataset or add points."
            return
        self.playing = False
        apply_step(self.run.network, step)
        self.run.record_scores()
        self.numbers_shown = None
