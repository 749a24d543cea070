"""The GAN engine: the NumPy MLP and optimisers against PyTorch autograd, one GAN step's losses and gradients
against the same networks rebuilt in PyTorch, GAN Lab's KL/JS on known densities, seeding, bounds, drawings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.generative import divergence, targets
from playground.generative.gan import LEARNING_RATES, Gan, GanSettings, Net
from playground.generative.losses import d_loss, g_loss
from playground.generative.mlp import ACTIVATIONS, LEAKY_SLOPE, MLP, Optimizer
from playground.generative.slowmotion import PART_NAMES
from playground.generative.view import GRID_CELLS, MANIFOLD_CELLS, SHOWN_FAKE, SHOWN_REAL
from playground.torch_runtime import torch

TORCH_ACT = {"relu": torch.relu, "leaky-relu": lambda x: torch.nn.functional.leaky_relu(x, LEAKY_SLOPE),
             "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda x: x}


def torch_forward(params: list[torch.Tensor], x: torch.Tensor, hidden: str, output: str) -> torch.Tensor:
    for i in range(0, len(params), 2):
        x = x @ params[i] + params[i + 1]
        x = TORCH_ACT[output if i == len(params) - 2 else hidden](x)
    return x


def as_torch(arrays: list[np.ndarray]) -> list[torch.Tensor]:
    return [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("hidden", ACTIVATIONS)
@pytest.mark.parametrize("sizes", [[2, 8, 8, 1], [1, 5, 2], [2, 2], [2, 13, 7, 9, 2]])
def test_mlp_forward_backward_match_autograd(hidden: str, sizes: list[int]) -> None:
    rng = np.random.default_rng(3)
    output = "sigmoid" if sizes[-1] == 1 else "tanh"
    net = MLP(sizes, hidden, output, rng)
    for b in net.params[1::2]:
        b[...] = rng.normal(0, 0.3, b.shape)  # non-zero biases, so their gradients are tested too
    x = rng.normal(0.5, 0.5, (17, sizes[0]))
    upstream = rng.normal(0, 1, (17, sizes[-1]))
    out = net.forward(x)
    grads, grad_x = net.backward(upstream)
    params, xt = as_torch(net.params), torch.tensor(x, requires_grad=True)
    out_t = torch_forward(params, xt, hidden, output)
    (out_t * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(out, out_t.detach().numpy(), atol=1e-10)
    for ours, theirs in zip(grads, params, strict=True):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), atol=1e-10)


def test_mlp_init_is_ganlabs() -> None:
    net = MLP([2, 400, 400, 1], "relu", "sigmoid", np.random.default_rng(0))
    assert abs(net.params[0].std() - 1 / math.sqrt(2)) < 0.02
    assert abs(net.params[2].std() - 1 / math.sqrt(400)) < 0.002
    assert all((b == 0).all() for b in net.params[1::2])


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_optimisers_match_torch(kind: str) -> None:
    rng = np.random.default_rng(1)
    params = [rng.normal(size=(3, 4)), rng.normal(size=4)]
    params_t = as_torch(params)
    ours = Optimizer(kind, 0.03)
    theirs = (torch.optim.SGD if kind == "sgd" else torch.optim.Adam)(params_t, lr=0.03)
    for _ in range(5):
        grads = [rng.normal(size=p.shape) for p in params]
        ours.step(params, grads)
        for p, g in zip(params_t, grads, strict=True):
            p.grad = torch.tensor(g)
        theirs.step()
    for p, t in zip(params, params_t, strict=True):
        np.testing.assert_allclose(p, t.detach().numpy(), atol=1e-12)


class FixedBatches:
    def __init__(self, batches: list[np.ndarray]) -> None:
        self.batches = list(batches)

    def next(self) -> np.ndarray:
        return self.batches.pop(0)


@pytest.mark.parametrize("loss", ["non-saturating", "minimax", "least-squares"])
@pytest.mark.parametrize("optimiser", ["sgd", "adam"])
def test_one_gan_step_matches_pytorch(loss: str, optimiser: str) -> None:
    settings = GanSettings(g=Net(2, 6, "leaky-relu", optimiser, 0.1), d=Net(1, 5, "tanh", optimiser, 0.03),
                           loss=loss, k_d=1, k_g=1, batch=40, seed=4)
    gan = Gan(settings)
    rng = np.random.default_rng(9)
    real, z1, z2 = rng.random((40, 2)), rng.random((40, 2)), rng.random((40, 2))
    gan.real_stream, gan.noise_stream = FixedBatches([real]), FixedBatches([z1, z2])
    gp, dp = as_torch(gan.g.params), as_torch(gan.d.params)
    make = torch.optim.SGD if optimiser == "sgd" else torch.optim.Adam
    g_opt, d_opt = make(gp, lr=0.1), make(dp, lr=0.03)

    def gen(z: np.ndarray) -> torch.Tensor:
        return torch_forward(gp, torch.tensor(z), "leaky-relu", "tanh")

    def dis(x: torch.Tensor) -> torch.Tensor:
        return torch_forward(dp, x, "tanh", "sigmoid")

    dr, df = dis(torch.tensor(real)), dis(gen(z1).detach())
    if loss == "least-squares":
        ld = ((dr - 1) ** 2).mean() + (df**2).mean()
    else:
        ld = -(0.95 * torch.log(dr).mean() + torch.log(1 - df).mean())
    d_opt.zero_grad()
    ld.backward()
    d_grads = [p.grad.numpy().copy() for p in dp]
    d_opt.step()
    df2 = dis(gen(z2))
    lg = {"non-saturating": -torch.log(df2).mean(), "minimax": torch.log(1 - df2).mean(),
          "least-squares": ((df2 - 1) ** 2).mean()}[loss]
    g_opt.zero_grad()
    lg.backward()
    g_grads = [p.grad.numpy().copy() for p in gp]
    g_opt.step()

    gan.step()
    assert gan.d_loss_now == pytest.approx(ld.item(), abs=1e-10)
    assert gan.g_loss_now == pytest.approx(lg.item(), abs=1e-10)
    for ours, theirs in zip(gan.d.grads, d_grads, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-10)
    for ours, theirs in zip(gan.g.grads, g_grads, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-10)
    for ours, theirs in zip(gan.g.params + gan.d.params, gp + dp, strict=True):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), atol=1e-10)


def test_loss_gradients_are_finite_when_d_is_sure() -> None:
    value, g_real, g_fake = d_loss("non-saturating", np.array([[800.0]]), np.array([[-800.0]]))
    assert math.isfinite(value) and np.isfinite(g_real).all() and np.isfinite(g_fake).all()
    assert math.isfinite(g_loss("non-saturating", np.array([[-800.0]]))[0])


def test_kl_and_js_on_known_densities() -> None:
    p = divergence.grid_density(np.random.default_rng(0).random((5000, 2)))
    assert p.shape == (30, 30) and p.sum() == pytest.approx(1.0)
    assert divergence.kl(p, p) == pytest.approx(0.0, abs=1e-12)
    assert divergence.js(p, p) == pytest.approx(0.0, abs=1e-12)
    left, right = np.zeros((30, 30)), np.zeros((30, 30))
    left[3, 4], right[20, 25] = 1.0, 1.0  # disjoint supports: 1 bit, less what the ε smoothing takes
    assert divergence.js(left, right) == pytest.approx(1.0, abs=0.01)
    a, b = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])  # by hand, with ε = 1e-4
    e = 1e-4
    hand_kl = 2 * (0.5 + e) * math.log2((0.5 + e) / (0.25 + e)) + e * math.log2(e / (0.5 + e))
    assert divergence.kl(a, b) == pytest.approx(hand_kl, rel=1e-12)
    m = (a + b) / 2
    hand_js = 0.5 * (sum((x + e) * math.log2((x + e) / (y + e)) for x, y in zip(a, m, strict=True))
                     + sum((x + e) * math.log2((x + e) / (y + e)) for x, y in zip(b, m, strict=True)))
    assert divergence.js(a, b) == pytest.approx(hand_js, rel=1e-12)


def test_grid_density_rows_are_bottom_up_and_outside_points_clip() -> None:
    d = divergence.grid_density(np.array([[0.01, 0.01], [0.99, 0.99], [-3.0, 0.5], [0.5, 7.0]]))
    assert d[0, 0] == d[29, 29] == d[15, 0] == d[29, 15] == 0.25


def test_modes_covered() -> None:
    centres = targets.MODE_CENTRES["eight"]
    fake = np.repeat(centres[:3], 100, axis=0)
    assert divergence.modes_covered(fake, centres, 0.07) == 3
    assert divergence.modes_covered(targets.sample_real("eight", 3000, np.random.default_rng(0)), centres, 0.07) == 8


def test_same_seed_same_run_and_another_seed_differs() -> None:
    runs = [Gan(GanSettings(seed=seed)) for seed in (7, 7, 8)]
    for run in runs:
        run.train(30)
    assert runs[0].history == runs[1].history
    assert runs[0].history != runs[2].history
    np.testing.assert_array_equal(runs[0].g.flat, runs[1].g.flat)


def test_bounded_clamps_every_field() -> None:
    wild = GanSettings(shape="spiral", noise="3d", g=Net(9, 0, "swish", "rmsprop", 5.0),
                       d=Net(-2, 500, "tanh", "adam", 0.0004), loss="hinge", k_d=99, k_g=-1, batch=3, seed=-5)
    b = wild.bounded()
    assert (b.shape, b.noise, b.loss) == ("gaussians", "2d-uniform", "non-saturating")
    assert b.g == Net(5, 1, "relu", "sgd", 1.0)
    assert b.d == Net(0, 100, "tanh", "adam", 0.001)
    assert (b.k_d, b.k_g, b.batch, b.seed) == (10, 0, 10, 0)
    assert GanSettings(g=Net(lr=0.02)).bounded().g.lr in LEARNING_RATES
    capped = GanSettings(g=Net(5, 100)).bounded(max_layers=3, max_neurons=20)
    assert (capped.g.layers, capped.g.neurons) == (3, 20)
    assert GanSettings(k_d="x", batch=float("nan")).bounded().k_d == 2  # type: ignore[arg-type]
    assert GanSettings().bounded() == GanSettings()


@pytest.mark.parametrize(("points", "words"), [
    ([], "empty"), (None, "empty"), ([[0.5, 0.5]], "at least 2"), ([[0.1, "a"], [0.2, 0.2]], "numbers"),
    ([[0.1, float("nan")], [0.2, 0.2]], "finite"), ([[0.1, 1.5], [0.2, 0.2]], "inside"),
    ([[0.1], [0.2, 0.2]], "pair"), ([[True, 0.1], [0.2, 0.2]], "numbers")])
def test_drawn_points_messages(points: object, words: str) -> None:
    array, message = targets.drawn_points(points)
    assert array is None and words in message


def test_drawn_points_kept_and_thinned() -> None:
    array, message = targets.drawn_points([[0.1, 0.2], [0.3, 0.4]])
    assert message is None and array.shape == (2, 2)
    many, _ = targets.drawn_points(np.random.default_rng(0).random((5000, 2)).tolist())
    assert many.shape == (targets.MAX_DRAWN, 2)
    gan = Gan(GanSettings(shape="drawing"), drawn=array)
    gan.train(5)
    with pytest.raises(ValueError):
        Gan(GanSettings(shape="drawing"))


@pytest.mark.parametrize("shape", targets.SHAPES[:-1])
@pytest.mark.parametrize("noise", targets.NOISES)
def test_samples_and_view_shapes(shape: str, noise: str) -> None:
    rng = np.random.default_rng(0)
    real = targets.sample_real(shape, 500, rng)
    assert real.shape == (500, 2) and 0.0 < real.mean() < 1.0
    z = targets.sample_noise(noise, 500, rng)
    assert z.shape == (500, targets.noise_dim(noise)) and z.min() >= 0.0 and z.max() <= 1.0
    gan = Gan(GanSettings(shape=shape, noise=noise))
    gan.train(3)
    view = gan.view(arrows=100)
    assert view.real.shape == (SHOWN_REAL, 2) and view.fake.shape == (SHOWN_FAKE, 2)
    assert view.heat.shape == (GRID_CELLS, GRID_CELLS) and 0 <= view.heat.min() <= view.heat.max() <= 1
    m = MANIFOLD_CELLS
    expected = (m + 1, 2) if targets.noise_dim(noise) == 1 else (m + 1, m + 1, 2)
    assert view.manifold.shape == expected
    assert view.manifold_density.shape == ((m,) if len(expected) == 2 else (m, m))
    assert 0 <= view.manifold_density.min() <= view.manifold_density.max() <= 1
    assert view.arrow_from.shape == view.arrow_vec.shape == (100, 2)
    assert np.linalg.norm(view.arrow_vec, axis=1).max() <= 0.15 + 1e-12
    assert view.iteration == 3


def test_heat_is_bottom_up() -> None:
    gan = Gan(GanSettings())
    gan.d = MLP([2, 1], "relu", "linear", np.random.default_rng(0))
    gan.d.params[0][...] = [[0.0], [10.0]]  # D's logit = 10·(y - 0.5): "real" at the top
    gan.d.params[1][...] = -5.0
    heat = gan.view().heat
    assert heat[0].mean() < 0.1 and heat[-1].mean() > 0.9


def test_step_kinds_history_and_parts() -> None:
    gan = Gan(GanSettings(k_d=2, k_g=1))
    d_before, g_before = gan.d.flat.copy(), gan.g.flat.copy()
    gan.step("d")
    assert not np.array_equal(gan.d.flat, d_before) and np.array_equal(gan.g.flat, g_before)
    gan.step("g")
    assert not np.array_equal(gan.g.flat, g_before)
    assert gan.iteration == 2 and gan.history[0]["iteration"] == 1
    assert set(gan.history[0]) == {"iteration", "d_loss", "g_loss", "kl", "js"}
    parts = gan.parts()
    assert gan.iteration == 3
    assert [(p.network, p.name) for p in parts] == [(n, name) for n in "DG" for name in PART_NAMES]
    assert parts[2].numbers["d_real"] > 0 and parts[3].numbers["d_loss"] > 0
    assert parts[-1].view.iteration == 3 and parts[0].view.iteration == 2
    assert gan.modes() == (gan.modes()[0], 2) and Gan(GanSettings(shape="ring")).modes() is None
    assert gan.state_size() == 2 * (2 * 8 + 8 + 8 * 8 + 8) + (8 * 2 + 2) + (8 + 1)


def test_divergence_is_reported_not_raised() -> None:
    gan = Gan(GanSettings(g=Net(lr=1.0), d=Net(lr=1.0)))
    gan.d.flat[:] = 1e308
    gan.train(20)
    assert gan.diverged
    assert gan.train_for(0.05) == 0
    assert np.isfinite(gan.view().arrow_vec).all()


def test_train_for_stops_on_time() -> None:
    gan = Gan(GanSettings())
    done = gan.train_for(0.2, most=100_000)
    assert 10 <= done < 100_000 and gan.iteration == done
