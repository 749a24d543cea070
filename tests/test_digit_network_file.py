"""A learner's digit work as bytes (playground.digits.network_file): an exact round trip (a restored network
trains on exactly as the uninterrupted one), the optimiser's state left out to fit a size, the class's
limits applied when opening, and a clear message, never an exception of another kind and never code run,
for every broken or hostile file."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from playground.digits import network_file as nf
from playground.digits.lesson import DigitLesson
from playground.digits.mnist import load_source
from playground.digits.models import ModelSpec, SizeLimits
from playground.digits.training import DigitTensors, TrainConfig
from playground.torch_runtime import torch


@pytest.fixture(scope="module")
def data() -> DigitTensors:
    d = load_source("mnist5k")
    return DigitTensors.from_arrays(d.train_images[:600], d.train_labels[:600], d.test_images[:200],
                                    d.test_labels[:200])


def trained(data: DigitTensors, spec=ModelSpec(kind="mlp", hidden=(32,)), optimizer="adam",
            until: float = 1.4) -> DigitLesson:
    """A lesson with two drawings and a network stopped in the middle of its second epoch."""
    lesson = DigitLesson(spec=spec, config=TrainConfig(optimizer=optimizer, batch_size=32, epochs=3, seed=7,
                                                       learning_rate=0.01 if optimizer != "adam" else 1e-3))
    lesson.add_drawing(np.full((28, 28), 200, dtype=np.uint8), 7)
    lesson.add_drawing(np.eye(28, dtype=np.uint8) * 255, 1)
    lesson.last_drawing = np.arange(784, dtype=np.uint8).reshape(28, 28)
    trainer = lesson.new_trainer(data)
    while trainer.epoch < until:
        trainer.train_slice(seconds=5, until_epoch=until)
    assert 1 < trainer.epoch < 2 and trainer.history
    return lesson


def reopened(blob: bytes, data: DigitTensors, **kwargs) -> DigitLesson:
    lesson = DigitLesson()
    nf.load_work(blob, **kwargs).apply(lesson, lambda source: data)
    return lesson


def same_weights(a, b) -> bool:
    return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


@pytest.mark.parametrize("spec,optimizer", [(ModelSpec(kind="mlp", hidden=(32,)), "adam"),
                                            (ModelSpec(kind="cnn", filters=(4, 8), kernel=3), "momentum"),
                                            (ModelSpec(kind="mlp", hidden=(16, 8), activation="tanh"), "sgd")])
def test_a_restored_network_is_the_same_and_trains_on_exactly_as_before(data, spec, optimizer) -> None:
    lesson = trained(data, spec, optimizer)
    blob = nf.dump_work(lesson)
    back = reopened(blob, data)
    a, b = lesson.trainer, back.trainer
    assert same_weights(a.model, b.model)
    assert (back.source, back.spec, back.config) == (lesson.source, lesson.spec, lesson.config)
    assert back.trained_on == lesson.trained_on and back.next_training == lesson.next_training
    assert b.history == a.history and b.examples == a.examples and b.epoch == pytest.approx(a.epoch)
    assert back.extra.labels == [7, 1] and all(np.array_equal(x, y) for x, y in zip(back.extra.images, lesson.extra.images, strict=True))
    assert np.array_equal(back.last_drawing, lesson.last_drawing)
    assert np.allclose(b.probabilities(data.test_images[:20].numpy()), a.probabilities(data.test_images[:20].numpy()))
    for t in (a, b):  # both go on to the end of their epochs: the same batches, the same weights
        while not t.finished:
            t.train_slice(seconds=5)
    assert same_weights(a.model, b.model) and len(a.history) == len(b.history)


def test_without_room_for_the_optimiser_the_weights_are_kept_and_training_goes_on(data) -> None:
    lesson = trained(data)
    full = nf.dump_work(lesson)
    small = nf.dump_work(lesson, max_bytes=len(full) - 1)
    assert len(small) < len(full) * 0.6  # Adam's averages are twice the weights
    back = reopened(small, data)
    assert same_weights(back.trainer.model, lesson.trainer.model)
    back.trainer.train_slice(seconds=5, until_epoch=1.8)
    assert back.trainer.epoch == pytest.approx(1.8, abs=0.1)
    assert nf.dump_work(lesson, max_bytes=10) == small  # what does not fit still comes back (the caller decides)


def test_settings_and_drawings_alone(data) -> None:
    lesson = DigitLesson()
    lesson.add_drawing(np.zeros((28, 28), dtype=np.uint8), 3)
    lesson.choose_kind("cnn")
    back = reopened(nf.dump_work(lesson), data)
    assert back.trainer is None and back.spec == lesson.spec and back.extra.labels == [3]
    assert nf.describe(nf.load_work(nf.dump_work(lesson))) == "settings only (no trained network) · 1 drawing"


def test_a_restored_lesson_forgets_results_of_the_old_network(data) -> None:
    lesson = trained(data)
    before = lesson.test_probabilities()
    nf.load_work(nf.dump_work(trained(data, until=1.2))).apply(lesson, lambda source: data)
    assert not np.array_equal(before, lesson.test_probabilities())


def test_the_class_limits_apply_when_opening(data) -> None:
    lesson = trained(data, ModelSpec(kind="mlp", hidden=(32, 16)))
    blob = nf.dump_work(lesson)
    with pytest.raises(nf.NetworkFileError, match=r"hidden layers of 32, 16 neurons; this class allows at most 1 layers of 8"):
        nf.load_work(blob, sizes=SizeLimits(max_layers=1, max_width=8))
    cnn = nf.dump_work(trained(data, ModelSpec(kind="cnn", filters=(4, 8), kernel=3)))
    with pytest.raises(nf.NetworkFileError, match="convolutions of 4, 8 filters"):
        nf.load_work(cnn, sizes=SizeLimits(max_layers=1))
    assert nf.load_work(blob, sizes=SizeLimits(max_layers=2, max_width=32)).network is not None


def test_the_data_must_fit_the_network(data) -> None:
    blob = nf.dump_work(trained(data))
    fewer = DigitTensors(data.train_images[:100], data.train_labels[:100], data.test_images, data.test_labels)
    with pytest.raises(nf.NetworkFileError, match="trained on 600 training images"):
        reopened(blob, fewer)
    lesson = DigitLesson()
    with pytest.raises(nf.NetworkFileError):
        nf.load_work(blob).apply(lesson, lambda source: fewer)
    assert lesson.trainer is None and len(lesson.extra) == 0  # unchanged


# ------------------------------------------------------------------------------------------------ hostile files


def document(data) -> dict:
    return torch.load(io.BytesIO(nf.dump_work(trained(data))), weights_only=True)


def saved(doc) -> bytes:
    buffer = io.BytesIO()
    torch.save(doc, buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def valid(data) -> dict:
    return document(data)


def edited(valid: dict, change) -> bytes:
    import copy

    doc = copy.deepcopy(valid)
    change(doc)
    return saved(doc)


def network(doc):
    return doc["network"]


BROKEN = {
    "format": (lambda d: d.update(format="neural-playground/network"), "not a saved digit network"),
    "newer version": (lambda d: d.update(version=2), "made by a newer Neural Playground"),
    "version true": (lambda d: d.update(version=True), "version True"),
    "no settings": (lambda d: d.pop("settings"), "lacks 'settings'"),
    "settings a list": (lambda d: d.update(settings=[]), "not a set of name: value pairs"),
    "unknown source": (lambda d: d["settings"].update(source="cifar"), "dataset is not one of"),
    "unknown kind": (lambda d: network(d)["spec"].update(kind="rnn"), "kind is not one of"),
    "huge layer": (lambda d: network(d)["spec"].update(hidden=[10**9]), "hidden layer sizes is not a whole number"),
    "many layers": (lambda d: network(d)["spec"].update(hidden=[8] * 50), "not a list of 1 to 4"),
    "kernel true": (lambda d: network(d)["spec"].update(kernel=True), "kernel size is not one of"),
    "nan rate": (lambda d: network(d)["config"].update(learning_rate=float("nan")), "learning rate is not a number"),
    "epochs text": (lambda d: d["settings"]["config"].update(epochs="10"), "epochs is not a whole number"),
    "epochs zero": (lambda d: d["settings"]["config"].update(epochs=0), "epochs is not a whole number from 1"),
    "missing weight": (lambda d: network(d)["weights"].pop("stages.1.0.bias"), "weights are not those of a MLP"),
    "extra weight": (lambda d: network(d)["weights"].update(extra=torch.zeros(1)), "weights are not those of"),
    "wrong shape": (lambda d: network(d)["weights"].update({"stages.1.0.bias": torch.zeros(33)}), "has the shape (33,)"),
    "wrong dtype": (lambda d: network(d)["weights"].update({"stages.1.0.bias": torch.zeros(32, dtype=torch.float64)}),
                    "not a tensor of float32"),
    "weights a list": (lambda d: network(d).update(weights=[1, 2]), "weights are not those of"),
    "optimizer short": (lambda d: network(d)["optimizer"].pop(), "optimiser state is not one for adam"),
    "optimizer shape": (lambda d: network(d)["optimizer"][0].update(exp_avg=torch.zeros(3)), "optimiser state 0 'exp_avg'"),
    "optimizer keys": (lambda d: network(d)["optimizer"][0].pop("step"), "optimiser state 0 is not adam's"),
    "optimizer step": (lambda d: network(d)["optimizer"][0].update(step=torch.tensor(-1.0)), "step count out of bounds"),
    "history shape": (lambda d: network(d).update(history=torch.zeros(3, 5, dtype=torch.float64)), "training curve is not a table"),
    "history inf": (lambda d: network(d).update(history=torch.full((1, 6), float("inf"), dtype=torch.float64)),
                    "training curve has a row out of bounds"),
    "order out of range": (lambda d: network(d)["progress"]["order"].__setitem__(0, 10**6), "names images it does not have"),
    "order negative": (lambda d: network(d)["progress"]["order"].__setitem__(0, -1), "names images it does not have"),
    "order too long": (lambda d: network(d)["progress"].update(order=torch.zeros(10**5, dtype=torch.int32)),
                       "does not fit its training images"),
    "position past order": (lambda d: network(d)["progress"].update(position=10**6), "place in the epoch"),
    "epochs done": (lambda d: network(d)["progress"].update(epochs_done=99), "count of epochs done"),
    "generator": (lambda d: network(d)["progress"].update(generator=torch.zeros(7, dtype=torch.uint8)), "shuffling state"),
    "recent nan": (lambda d: network(d)["progress"].update(recent=torch.full((1, 3), float("nan"), dtype=torch.float64)),
                   "latest batches"),
    "drawings shape": (lambda d: d["drawings"].update(images=torch.zeros(2, 28, 27, dtype=torch.uint8)), "28×28"),
    "drawings many": (lambda d: d["drawings"].update(images=torch.zeros(101, 28, 28, dtype=torch.uint8),
                                                     labels=torch.zeros(101, dtype=torch.int64)), "at most 100"),
    "drawing label": (lambda d: d["drawings"].update(labels=torch.tensor([7, 1000])), "label is out of bounds"),
    "last drawing": (lambda d: d.update(last_drawing=torch.zeros(3, 3, dtype=torch.uint8)), "latest drawing has the shape"),
    "sparse": (lambda d: network(d)["weights"].update({"stages.1.0.bias": torch.zeros(32).to_sparse()}), "not a tensor of"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_every_broken_value_gets_its_message(valid, name) -> None:
    change, message = BROKEN[name]
    with pytest.raises(nf.NetworkFileError) as caught:
        nf.load_work(edited(valid, change))
    assert message in str(caught.value), str(caught.value)


def test_wrong_bytes_get_a_message(data) -> None:
    blob = nf.dump_work(trained(data))
    cases = {
        b"": "it is empty",
        b"hello": "not a saved digit network",
        b'{"format": "neural-playground/network"}': "not a saved digit network",
        blob[: len(blob) // 2]: "not a saved digit network",
        blob[:-30]: "not a saved digit network",
        os.urandom(5000): "not a saved digit network",
        saved([1, 2, 3]): "not a saved digit network",
        saved({"format": nf.FORMAT}): "version None",
    }
    for bad, message in cases.items():
        with pytest.raises(nf.NetworkFileError, match=message):
            nf.load_work(bad)
    with pytest.raises(nf.NetworkFileError, match="larger than the 1,000-byte limit"):
        nf.load_work(blob, max_bytes=1000)


class Evil:
    """Unpickled, it would run a command: torch.load(weights_only=True) must refuse it."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_file_that_would_run_code_is_refused_without_running_it(valid, tmp_path) -> None:
    marker = tmp_path / "ran"
    for doc in (Evil(str(marker)), {**valid, "settings": Evil(str(marker))}):
        with pytest.raises(nf.NetworkFileError, match="not a saved digit network"):
            nf.load_work(saved(doc))
    plain = pickle.dumps(Evil(str(marker)))
    with pytest.raises(nf.NetworkFileError):
        nf.load_work(plain)
    assert not marker.exists()


def rezipped(blob: bytes, compression=zipfile.ZIP_STORED, extra_records: int = 0, pad_pickle: int = 0) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if pad_pickle and info.filename.endswith("data.pkl"):
                content += b"\x00" * pad_pickle
            target.writestr(info.filename, content, compress_type=compression)
        for i in range(extra_records):
            target.writestr(f"archive/extra/{i}", b"", compress_type=compression)
    return out.getvalue()


def test_zip_tricks_are_refused_before_pytorch_reads_them(data) -> None:
    blob = nf.dump_work(trained(data))
    with pytest.raises(nf.NetworkFileError, match="compressed"):
        nf.load_work(rezipped(blob, zipfile.ZIP_DEFLATED))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data/0", b"\x00" * 5_000_000)  # 5 MB in ~5 KB
    with pytest.raises(nf.NetworkFileError, match="compressed or unpacks"):
        nf.load_work(bomb.getvalue(), max_bytes=1_000_000)
    with pytest.raises(nf.NetworkFileError, match="records"):
        nf.load_work(rezipped(blob, extra_records=nf.MAX_RECORDS + 1))
    with pytest.raises(nf.NetworkFileError, match="description is larger"):
        nf.load_work(rezipped(blob, pad_pickle=nf.MAX_PICKLE_BYTES + 1), max_bytes=10 * nf.MAX_PICKLE_BYTES)


def test_the_playgrounds_network_file_is_not_a_digit_network() -> None:
    playground_file = {"format": "neural-playground/network", "version": 1, "settings": {}, "network": {}}
    with pytest.raises(nf.NetworkFileError, match="not a saved digit network"):
        nf.load_work(json.dumps(playground_file).encode())


def test_lesson_settings_are_capped_to_the_class_and_configs_bounded(valid) -> None:
    def big(d):
        d["settings"]["spec"].update(hidden=[512, 512, 512])

    work = nf.load_work(edited(valid, big), sizes=SizeLimits(max_layers=2, max_width=100))
    assert work.spec.hidden == (100, 100)  # the chosen settings are capped, as a link's are
    assert replace(work.config, epochs=3) == work.config
