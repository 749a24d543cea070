"""Testing explanations (issue 15, "Test the explanation"): the similarity measures, the cascading
randomisation sanity check, deletion and insertion curves with their method table, the class-average maps,
and their chart specs. The explainers here are the test's own (plain gradient, gradient × input, and one
that copies the input); where the lesson's methods exist they are checked on a trained network too."""

from __future__ import annotations

import copy
import time

import altair as alt
import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from playground.digits.models import PIXEL_MEAN, PIXEL_STD, ModelSpec, build_model, normalise
from playground.explanations import class_maps, faithfulness, sanity, similarity
from playground.render import charts, colors
from playground.torch_runtime import torch
from tests.digit_networks import mnist5k_tensors, quick_network

nn = torch.nn
BLACK = -PIXEL_MEAN / PIXEL_STD


# ------------------------------------------------------------------------------- the test's explainers

def gradient(model: nn.Module, x: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """d score[target] / d input, summed over the channel."""
    x = x.detach().clone().requires_grad_(True)
    score = model(x).gather(1, targets[:, None]).sum()
    (g,) = torch.autograd.grad(score, x)
    return g.sum(dim=1).numpy()


def gradient_x_input(model: nn.Module, x: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    return gradient(model, x, targets) * x.detach().sum(dim=1).numpy()


def input_copy(model: nn.Module, x: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """The 'edge detector' Adebayo et al. warn about: a map that is the input itself, whatever the model."""
    return x.detach().sum(dim=1).numpy().copy()


def backward_gradient(model: nn.Module, x: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """A careless explainer: .backward() leaves gradients in the parameters of the model it is given."""
    x = x.detach().clone().requires_grad_(True)
    model(x).gather(1, targets[:, None]).sum().backward()
    return x.grad.sum(dim=1).numpy()


# ------------------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def trainer():
    return quick_network()


@pytest.fixture(scope="module")
def data():
    return mnist5k_tensors()


@pytest.fixture(scope="module")
def digit(data):
    return normalise(data.test_images[:1]), int(data.test_labels[0])


def state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def same_state(model: nn.Module, before: dict[str, torch.Tensor]) -> bool:
    now = model.state_dict()
    return now.keys() == before.keys() and all(torch.equal(now[k], before[k]) for k in before)


# ----------------------------------------------------------------------------------------- similarity

def test_spearman_matches_scipy_with_and_without_ties() -> None:
    rng = np.random.default_rng(3)
    for _ in range(5):
        a, b = rng.normal(size=(28, 28)), rng.normal(size=(28, 28))
        b = 0.5 * a + b
        assert similarity.spearman(a, b) == pytest.approx(spearmanr(a.ravel(), b.ravel())[0], abs=1e-12)
        ta, tb = np.round(a), np.round(b)  # many ties
        assert similarity.spearman(ta, tb) == pytest.approx(spearmanr(ta.ravel(), tb.ravel())[0], abs=1e-12)
        assert similarity.spearman(a, b, absolute=True) == pytest.approx(
            spearmanr(np.abs(a).ravel(), np.abs(b).ravel())[0], abs=1e-12)


def test_known_cases_of_both_measures(data) -> None:
    rng = np.random.default_rng(0)
    noise, other = rng.normal(size=(28, 28)), rng.normal(size=(28, 28))
    x = normalise(data.test_images[:1])[0, 0].numpy()
    for m in (noise, x):
        assert similarity.spearman(m, m) == pytest.approx(1.0)
        assert similarity.ssim(m, m) == pytest.approx(1.0)
        assert similarity.ssim(m, 7.0 * m) == pytest.approx(1.0)  # maps are scaled to a common range
        assert similarity.spearman(m, -m) == pytest.approx(-1.0)
        assert similarity.ssim(m, -m) < -0.5
        # in absolute value a map and its negation are the same map
        assert similarity.spearman(m, -m, absolute=True) == pytest.approx(1.0)
        assert similarity.ssim(m, -m, absolute=True) == pytest.approx(1.0)
    for absolute in (False, True):
        assert abs(similarity.spearman(noise, other, absolute)) < 0.1
        assert abs(similarity.ssim(noise, other, absolute)) < 0.1
    assert similarity.spearman(np.zeros((28, 28)), noise) == 0.0  # a flat map orders nothing
    assert similarity.spearman(np.zeros((28, 28)), np.zeros((28, 28))) == 1.0  # but it is itself
    assert similarity.ssim(np.zeros((28, 28)), np.zeros((28, 28))) == pytest.approx(1.0)
    assert set(similarity.similarities(noise, noise)) == {"spearman", "ssim", "spearman_abs", "ssim_abs"}
    with pytest.raises(ValueError, match="different shapes"):
        similarity.spearman(noise, noise[:27])
    with pytest.raises(ValueError, match="NaN"):
        similarity.ssim(noise, np.full((28, 28), np.nan))


# -------------------------------------------------------------------------------------------- sanity

def test_layer_order_is_from_the_top_down() -> None:
    assert sanity.layer_order(build_model(ModelSpec())) == ["logits", "dense1"]
    assert sanity.layer_order(build_model(ModelSpec(hidden=(32, 16)))) == ["logits", "dense2", "dense1"]
    assert sanity.layer_order(build_model(ModelSpec(kind="cnn"))) == ["logits", "conv2", "conv1"]
    plain = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    assert sanity.layer_order(plain) == ["2", "0"]


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_the_cascade_flags_the_input_copy_and_not_the_gradient(kind, trainer, digit) -> None:
    model = trainer.model if kind == "mlp" else build_model(ModelSpec(kind="cnn"))
    x, label = digit
    copied = sanity.cascade(model, x, label, input_copy, seed=1)
    grads = sanity.cascade(model, x, label, gradient, seed=1)
    names = ["original", *sanity.layer_order(model)]
    assert [s.layer for s in copied] == names and [s.layer for s in grads] == names
    assert all(s.map.shape == (28, 28) for s in copied + grads)
    # step 0 is the original map, compared with itself
    assert grads[0].spearman == pytest.approx(1.0) and grads[0].ssim == pytest.approx(1.0)
    assert np.allclose(grads[0].map, gradient(model, x, torch.tensor([label]))[0])
    # the input copy stays the same whatever the weights; the gradient falls to about nothing
    assert all(s.spearman == pytest.approx(1.0) and s.ssim == pytest.approx(1.0) for s in copied)
    assert sanity.ignores_model(copied)
    assert not sanity.ignores_model(grads)
    assert abs(grads[-1].spearman) < 0.3 and grads[-1].ssim < 0.5
    assert abs(grads[1].spearman) < 0.3  # already with the top layer random
    # gradient × input keeps some of the input's shape in absolute value, but is not flagged
    gxi = sanity.cascade(model, x, label, gradient_x_input, seed=1)
    assert not sanity.ignores_model(gxi)
    assert gxi[-1].spearman_abs > grads[-1].spearman_abs


def test_the_cascade_never_changes_the_learners_model(trainer, digit) -> None:
    model = trainer.model
    x, label = digit
    before = state(model)
    grads_before = [p.grad for p in model.parameters()]
    steps = sanity.cascade(model, x, label, backward_gradient, seed=0)
    assert same_state(model, before)
    assert [p.grad for p in model.parameters()] == grads_before  # the careless .backward() hit a copy
    assert len(steps) == 3
    seen = []
    sanity.cascade(model, x, label, gradient, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sanity.cascade(model, x, label, gradient, progress=stop)
    assert same_state(model, before)
    # and the model still gives the same scores
    with torch.no_grad():
        assert torch.equal(model(x), copy.deepcopy(model)(x))


def test_the_cascade_is_seeded(trainer, digit) -> None:
    x, label = digit
    a = sanity.cascade(trainer.model, x, label, gradient, seed=5)
    b = sanity.cascade(trainer.model, x, label, gradient, seed=5)
    c = sanity.cascade(trainer.model, x, label, gradient, seed=6)
    assert all(np.array_equal(s.map, t.map) and s.spearman == t.spearman for s, t in zip(a, b, strict=True))
    assert np.array_equal(a[0].map, c[0].map) and not np.array_equal(a[-1].map, c[-1].map)


def test_a_chosen_list_of_layers_randomises_only_those(trainer, digit) -> None:
    x, label = digit
    steps = sanity.cascade(trainer.model, x, label, gradient, seed=0, layers=["logits"])
    assert [s.layer for s in steps] == ["original", "logits"]


def test_shuffled_labels_keep_the_counts_and_are_seeded(data) -> None:
    labels = data.train_labels
    before = labels.clone()
    s = sanity.shuffled_labels(labels, seed=0)
    assert s.dtype == torch.int64 and s.shape == labels.shape
    assert torch.equal(torch.bincount(s, minlength=10), torch.bincount(labels, minlength=10))
    assert torch.equal(s, sanity.shuffled_labels(labels, seed=0))
    assert not torch.equal(s, sanity.shuffled_labels(labels, seed=1))
    assert (s != labels).float().mean() > 0.8  # most labels are now wrong
    assert torch.equal(labels, before)  # the data's labels untouched
    assert torch.equal(sanity.shuffled_labels(labels.numpy(), seed=0), s)


def test_similarity_rows_for_the_chart(trainer, digit) -> None:
    x, label = digit
    cascades = {"Gradient": sanity.cascade(trainer.model, x, label, gradient),
                "Copy": sanity.cascade(trainer.model, x, label, input_copy)}
    rows = sanity.similarity_rows(cascades)
    assert list(rows.columns) == ["method", "step", "layer", "measure", "value"]
    assert len(rows) == 2 * 3 * 2
    copy_rows = rows[rows["method"] == "Copy"]
    assert np.allclose(copy_rows["value"], 1.0)
    absolute = sanity.similarity_rows(cascades, absolute=True)
    g = absolute[(absolute["method"] == "Gradient") & (absolute["measure"] == "Spearman")]
    assert list(g["value"]) == pytest.approx([s.spearman_abs for s in cascades["Gradient"]])


# -------------------------------------------------------------------------------------- faithfulness

def linear_model(w: torch.Tensor, bias: float = 0.0) -> nn.Module:
    """Two classes: class 0 scores 0, class 1 scores w·x + bias, so P(class 1) = sigmoid(w·x + bias)."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 2))
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].weight[1] = w.reshape(-1)
        model[1].bias.copy_(torch.tensor([0.0, bias]))
    return model


def test_auc_of_known_curves() -> None:
    assert faithfulness.auc(np.ones(21)) == pytest.approx(1.0)
    assert faithfulness.auc(np.full(5, 0.3)) == pytest.approx(0.3)
    assert faithfulness.auc(np.linspace(1, 0, 21)) == pytest.approx(0.5)
    assert faithfulness.auc([0.0, 1.0, 1.0]) == pytest.approx(0.75)  # trapezoids over 0, ½, 1
    many = faithfulness.auc(np.stack([np.ones(11), np.zeros(11)]))
    assert isinstance(many, np.ndarray) and many.tolist() == pytest.approx([1.0, 0.0])
    with pytest.raises(ValueError):
        faithfulness.auc([1.0])


def test_pixel_counts_and_ranks() -> None:
    counts = faithfulness.pixel_counts(784, 20)
    assert len(counts) == 21 and counts[0] == 0 and counts[-1] == 784 and counts[1] == 39
    assert np.all(np.diff(counts) > 0)
    m = np.array([[[0.1, 0.9], [0.3, 0.5]]])
    assert faithfulness.ranks(m).tolist() == [[3, 0, 2, 1]]  # most important first
    # ties come in one fixed random order, not in reading order, the same for every map
    flat = np.zeros((2, 28, 28))
    flat[1, 0, 0] = 1.0
    r = faithfulness.ranks(flat)
    assert sorted(r[0]) == list(range(784)) and r[1, 0] == 0
    assert r[0, :100].mean() > 200  # the top rows are not all first
    assert np.array_equal(faithfulness.ranks(flat), r)
    tied = r[1, 1:]
    assert np.array_equal(np.argsort(tied), np.argsort(r[0, 1:]))


def test_deletion_and_insertion_images_follow_the_order() -> None:
    x = torch.full((1, 1, 28, 28), 2.0)
    m = np.arange(784, dtype=float).reshape(28, 28)  # the last pixel is the most important
    deleted = faithfulness.perturbed(x, m[None], steps=4, mode="deletion")
    inserted = faithfulness.perturbed(x, m[None], steps=4, mode="insertion")
    assert deleted.shape == (1, 5, 1, 28, 28)
    for k, count in enumerate(faithfulness.pixel_counts(784, 4)):
        black_d = (deleted[0, k, 0] == BLACK).flatten()
        assert black_d.sum() == count and bool(black_d[784 - count:].all())
        assert (inserted[0, k, 0] == 2.0).sum() == count
    with pytest.raises(ValueError, match="mode"):
        faithfulness.perturbed(x, m[None], mode="sideways")


def test_a_perfect_ranking_deletes_faster_and_inserts_faster_than_random() -> None:
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(784, generator=gen) * 0.05
    x = torch.randn(1, 1, 28, 28, generator=gen)
    model = linear_model(w, bias=2.0 - float(w @ x.reshape(-1)))  # P(class 1) = sigmoid(2) on the digit
    # each pixel's exact share of the class-1 score against a black image: the perfect ranking here
    contribution = (w.reshape(28, 28) * (x[0, 0] - BLACK)).numpy()
    perfect_del = faithfulness.deletion_curve(model, x, 1, contribution)
    perfect_ins = faithfulness.deletion_curve(model, x, 1, contribution, mode="insertion")
    assert perfect_del.shape == (21,)
    assert perfect_del[0] == pytest.approx(1 / (1 + np.exp(-2)), abs=1e-5)
    # removing the positive contributions first: the probability only falls while they last
    positive_steps = int((contribution > 0).sum() // 39.2)
    assert np.all(np.diff(perfect_del[: positive_steps + 1]) <= 1e-7)
    randoms = [faithfulness.deletion_curve(model, x, 1, faithfulness.random_map(s)) for s in range(10)]
    randoms_ins = [faithfulness.deletion_curve(model, x, 1, faithfulness.random_map(s), mode="insertion")
                   for s in range(10)]
    random_del = [faithfulness.auc(r) for r in randoms]
    random_ins = [faithfulness.auc(r) for r in randoms_ins]
    assert faithfulness.auc(perfect_del) < min(random_del) and faithfulness.auc(perfect_del) < np.mean(random_del) - 0.3
    assert faithfulness.auc(perfect_ins) > max(random_ins) and faithfulness.auc(perfect_ins) > np.mean(random_ins) + 0.1
    # both ends are the same for every order: the digit and the black image
    assert all(r[0] == pytest.approx(perfect_del[0]) and r[-1] == pytest.approx(perfect_del[-1]) for r in randoms)
    assert perfect_ins[0] == pytest.approx(perfect_del[-1]) and perfect_ins[-1] == pytest.approx(perfect_del[0])
    # insertion rises: from the black image it climbs above where it started, the highest early
    assert np.argmax(perfect_ins) < 20 and perfect_ins.max() > perfect_ins[0] + 0.3


class CountingModel(nn.Module):
    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner, self.calls, self.sizes = inner, 0, []

    def forward(self, x):
        self.calls += 1
        self.sizes.append(len(x))
        return self.inner(x)


def test_one_forward_pass_per_curve_set(trainer, digit) -> None:
    x, label = digit
    counting = CountingModel(trainer.model)
    faithfulness.deletion_curve(counting, x, label, np.ones((28, 28)))
    assert counting.calls == 1 and counting.sizes == [21]
    with pytest.raises(ValueError, match="out of range"):
        faithfulness.deletion_curve(trainer.model, x, 10, np.ones((28, 28)))
    counting.calls, counting.sizes = 0, []
    maps = {"Gradient": gradient(trainer.model, x, torch.tensor([label]))[0],
            "Copy": input_copy(trainer.model, x, None)[0]}
    frame = faithfulness.digit_curves(counting, x, label, maps, seed=0)
    assert counting.calls == 1 and counting.sizes == [3 * 2 * 21]
    assert list(frame.columns) == ["method", "mode", "share", "probability"]
    assert list(dict.fromkeys(frame["method"])) == ["Gradient", "Copy", faithfulness.RANDOM]
    assert len(frame) == 3 * 2 * 21 and frame["share"].max() == 1.0
    alone = faithfulness.deletion_curve(trainer.model, x, label, maps["Gradient"])
    got = frame[(frame["method"] == "Gradient") & (frame["mode"] == "deletion")]["probability"].to_numpy()
    assert got == pytest.approx(alone, abs=1e-6)
    aucs = faithfulness.curve_aucs(frame)
    assert list(aucs["method"]) == ["Gradient", "Copy", faithfulness.RANDOM]
    assert aucs["deletion AUC"].iloc[0] == pytest.approx(faithfulness.auc(alone))
    # many digits: every digit's steps stay in one pass
    counting.calls, counting.sizes = 0, []
    xs = normalise(mnist5k_tensors().test_images[:60])
    faithfulness.curves(counting, xs, torch.zeros(60, dtype=torch.int64), np.ones((60, 28, 28)))
    assert sum(counting.sizes) == 60 * 21 and all(s % 21 == 0 for s in counting.sizes)
    assert counting.calls == -(-60 // (faithfulness.FORWARD_BATCH // 21))


def test_the_random_order_is_seeded() -> None:
    assert np.array_equal(faithfulness.random_map(3), faithfulness.random_map(3))
    assert not np.array_equal(faithfulness.random_map(3), faithfulness.random_map(4))
    assert faithfulness.random_maps(5, seed=1).shape == (5, 28, 28)


def test_method_table(trainer, data) -> None:
    model = trainer.model
    before = state(model)
    explainers = {"Gradient": gradient, "Gradient × input": gradient_x_input, "Copy": input_copy}
    t0 = time.perf_counter()
    seen = []
    table = faithfulness.method_table(model, data.test_images, data.test_labels, explainers, seed=0, n=100,
                                      progress=lambda done, total: seen.append((done, total)))
    seconds = time.perf_counter() - t0
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert list(table.attrs["seconds"]) == list(table["method"])
    print(f"\nmethod table, 100 digits, 3 methods + random, quick MLP: {seconds * 1000:.0f} ms")
    print(table.to_string())
    assert isinstance(table, pd.DataFrame) and table.shape == (4, 6)
    assert list(table.columns) == faithfulness.TABLE_COLUMNS
    assert list(table["method"]) == [*explainers, faithfulness.RANDOM]
    assert len(table.attrs["digits"]) == 100 and len(set(table.attrs["digits"])) == 100
    assert sorted(table["rank"]) == [1, 2, 3, 4]
    random_row = table.set_index("method").loc[faithfulness.RANDOM]
    # a trained network's gradient maps beat a random order on both curves
    for method in ("Gradient", "Gradient × input"):
        row = table.set_index("method").loc[method]
        assert row["deletion AUC"] < random_row["deletion AUC"]
        assert row["insertion AUC"] > random_row["insertion AUC"]
    assert random_row["rank"] == 4
    assert table.set_index("method").loc["Gradient × input", "deletion rank"] < random_row["deletion rank"]
    assert table[["deletion AUC", "insertion AUC"]].to_numpy().min() >= 0.0
    assert table[["deletion AUC", "insertion AUC"]].to_numpy().max() <= 1.0
    # seeded: the same table again; another seed reads other digits
    again = faithfulness.method_table(model, data.test_images, data.test_labels, explainers, seed=0, n=100)
    pd.testing.assert_frame_equal(table, again)
    other = faithfulness.method_table(model, data.test_images, data.test_labels, explainers, seed=1, n=20,
                                      target="label")
    assert len(other.attrs["digits"]) == 20 and other.attrs["digits"] != table.attrs["digits"][:20]
    assert same_state(model, before)
    with pytest.raises(ValueError, match="target"):
        faithfulness.method_table(model, data.test_images, data.test_labels, explainers, target="mine")


# ----------------------------------------------------------------------------------------- class maps

def test_class_average_maps_of_a_known_explainer(trainer, data) -> None:
    images, labels = data.test_images[:400], data.test_labels[:400]

    def scaled_copy(model, x, targets):  # the input times its target: shows the right class was asked for
        return x.sum(dim=1).numpy() * targets.numpy()[:, None, None]

    maps = class_maps.class_average_maps(trainer.model, images, labels, scaled_copy, per_class=7)
    assert maps.shape == (10, 28, 28)
    x = normalise(images)[:, 0].numpy()
    for c in range(10):
        first = np.flatnonzero(labels.numpy() == c)[:7]
        assert len(first) == 7
        assert np.allclose(maps[c], c * x[first].mean(axis=0), atol=1e-5)
    in_small_batches = class_maps.class_average_maps(trainer.model, images, labels, scaled_copy, per_class=7,
                                                     batch=5)
    assert np.allclose(maps, in_small_batches)
    # a class without digits gets an all-zero map; normalised inputs work as uint8 ones do
    only_ones = labels.clone()
    only_ones[:] = 1
    sparse = class_maps.class_average_maps(trainer.model, normalise(images), only_ones, scaled_copy, per_class=3)
    assert np.all(sparse[0] == 0) and np.all(sparse[2:] == 0)
    assert np.allclose(sparse[1], x[:3].mean(axis=0), atol=1e-5)


def test_class_average_maps_in_one_call(trainer, data) -> None:
    calls = []

    def counted(model, x, targets):
        calls.append(len(x))
        return gradient(model, x, targets)

    maps = class_maps.class_average_maps(trainer.model, data.test_images, data.test_labels, counted, per_class=20)
    assert calls == [200] and maps.shape == (10, 28, 28) and np.isfinite(maps).all()


# --------------------------------------------------------------------------------------------- charts

def as_altair(data: pd.DataFrame, spec: dict) -> alt.TopLevelMixin:
    return alt.HConcatChart.from_dict({**spec, "data": {"values": data.to_dict("records")}}, validate=True)


def colour_scales(spec: object) -> list[dict]:
    found = []
    if isinstance(spec, dict):
        if "scale" in spec and "range" in spec.get("scale", {}) and spec.get("field") == "method":
            found.append(spec["scale"])
        for v in spec.values():
            found += colour_scales(v)
    elif isinstance(spec, list):
        for v in spec:
            found += colour_scales(v)
    return found


def test_similarity_chart(trainer, digit) -> None:
    x, label = digit
    cascades = {"Gradient": sanity.cascade(trainer.model, x, label, gradient),
                "Copy": sanity.cascade(trainer.model, x, label, input_copy)}
    data, spec = charts.similarity_per_layer(sanity.similarity_rows(cascades))
    as_altair(data, spec)
    assert len(spec["hconcat"]) == 2 and "data" not in spec
    scales = colour_scales(spec)
    assert scales and all(s["domain"] == ["Gradient", "Copy"] for s in scales)
    assert all(set(s["range"]) <= set(colors.CLASS_HEX) for s in scales)
    # the spec carries the methods, not the numbers
    other = sanity.similarity_rows({"Gradient": cascades["Copy"], "Copy": cascades["Gradient"]})
    assert charts.similarity_per_layer(other)[1] == spec


def test_deletion_insertion_chart(trainer, digit) -> None:
    x, label = digit
    maps = {"Gradient": gradient(trainer.model, x, torch.tensor([label]))[0],
            "Copy": input_copy(trainer.model, x, None)[0]}
    frame = faithfulness.digit_curves(trainer.model, x, label, maps, seed=0)
    data, spec = charts.deletion_insertion_curves(frame)
    as_altair(data, spec)
    scales = colour_scales(spec)
    colour = [s for s in scales if isinstance(s["range"][0], str)]
    dash = [s for s in scales if isinstance(s["range"][0], list)]
    assert colour and dash
    assert colour[0]["domain"] == ["Gradient", "Copy", faithfulness.RANDOM]
    assert colour[0]["range"][-1] == colors.MUTED_HEX and colour[0]["range"][0] in colors.CLASS_HEX
    assert dash[0]["range"][-1] != [1, 0] and dash[0]["range"][0] == [1, 0]  # only the random order dashed
    assert charts.deletion_insertion_curves(faithfulness.digit_curves(trainer.model, x, label, maps, seed=9))[1] == spec
    assert charts.method_colours(["A", "Random", "B"]) == [charts.METHOD_HEX[0], colors.MUTED_HEX,
                                                           charts.METHOD_HEX[1]]


# ------------------------------------------------------------------------ timings and the real methods

def test_timings_of_the_cascade(trainer, digit) -> None:
    x, label = digit
    cnn = build_model(ModelSpec(kind="cnn"))
    for name, model in (("quick MLP 784→256→10", trainer.model), ("default CNN 8/16", cnn)):
        for explain in (gradient, gradient_x_input):
            t0 = time.perf_counter()
            sanity.cascade(model, x, label, explain, seed=0)
            print(f"\ncascade, {name}, {explain.__name__}: {(time.perf_counter() - t0) * 1000:.1f} ms")


def _methods():
    try:
        from playground.explanations import methods as m
    except ImportError:
        return None
    return m if hasattr(m, "attribute_many") else None


@pytest.mark.skipif(_methods() is None, reason="playground.explanations.methods.attribute_many not there yet")
def test_with_the_lessons_methods_on_a_trained_network(trainer, data, digit) -> None:
    m = _methods()
    model = trainer.model
    x, label = digit
    before = state(model)

    def explainer(method):
        return lambda net, xs, ts: m.attribute_many(net, xs, ts, method, m.Settings())

    cnn = build_model(ModelSpec(kind="cnn"))
    for name, net in (("quick MLP", model), ("default CNN (untrained)", cnn)):
        for method in m.Method:
            if not m.applies(net, method):
                continue
            t0 = time.perf_counter()
            steps = sanity.cascade(net, x, label, explainer(method), seed=0)
            dt = time.perf_counter() - t0
            print(f"\ncascade, {name}, {method.value}: {dt * 1000:.0f} ms; Spearman per step "
                  + ", ".join(f"{s.layer} {s.spearman:+.2f}" for s in steps))
            if method in (m.Method.SALIENCY, m.Method.IG, m.Method.SMOOTHGRAD):
                assert not sanity.ignores_model(steps)
    # LIME explains digit by digit (about 0.1 s each): the table here leaves it out, and reads it on 10 digits
    explainers = {method.value: explainer(method) for method in m.Method
                  if m.applies(model, method) and method is not m.Method.LIME}
    t0 = time.perf_counter()
    lime = faithfulness.method_table(model, data.test_images, data.test_labels,
                                     {m.Method.LIME.value: explainer(m.Method.LIME)}, seed=0, n=10)
    print(f"\nmethod table, 10 digits, LIME + random, quick MLP: {(time.perf_counter() - t0) * 1000:.0f} ms")
    assert lime.shape == (2, 6)
    t0 = time.perf_counter()
    table = faithfulness.method_table(model, data.test_images, data.test_labels, explainers, seed=0, n=100)
    print(f"\nmethod table, 100 digits, all {len(explainers)} methods + random, quick MLP: "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms; per method (maps + curves): "
          + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in table.attrs["seconds"].items()))
    print(table.to_string())
    assert table.shape == (len(explainers) + 1, 6)
    assert table["method"].iloc[-1] == faithfulness.RANDOM
    ig = table.set_index("method").loc[m.Method.IG.value]
    assert ig["deletion AUC"] < table.set_index("method").loc[faithfulness.RANDOM, "deletion AUC"]
    maps = class_maps.class_average_maps(model, data.test_images, data.test_labels, explainer(m.Method.SALIENCY))
    assert maps.shape == (10, 28, 28) and np.isfinite(maps).all()
    assert same_state(model, before)
