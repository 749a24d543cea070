"""The training examples behind a prediction (playground.explanations.influence) and the checkpoints a
DigitTrainer keeps for it: checkpoints kept at epochs' ends and thinned evenly, none for a restored trainer,
TracIn by Captum equal to the formula written out, the learner's model untouched, nearest neighbours,
proponents of a digit's own class, labels flipped exactly, and self-influence finding the flipped digits."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.digits import network_file as nf
from playground.digits.lesson import DigitLesson
from playground.digits.models import ModelSpec, normalise
from playground.digits.training import MAX_CHECKPOINTS, DigitTensors, DigitTrainer, TrainConfig
from playground.explanations import influence
from playground.torch_runtime import torch
from tests.digit_networks import mnist5k_tensors, trained


@pytest.fixture(scope="module")
def small() -> DigitTensors:
    """600 training digits and 200 test digits of MNIST-5k: for networks trained many short epochs."""
    d = mnist5k_tensors()
    return DigitTensors(d.train_images[:600], d.train_labels[:600], d.test_images[:200], d.test_labels[:200])


@pytest.fixture(scope="module")
def mlp() -> DigitTrainer:
    """The default MLP (784 → 256 → 10) trained 5 epochs on MNIST-5k (4000 training digits): 5 checkpoints
    (~0.6 s)."""
    return trained(DigitTrainer(ModelSpec(), TrainConfig(epochs=5), mnist5k_tensors()))


def correct_test_digits(trainer: DigitTrainer, count: int) -> list[int]:
    data = trainer.data
    predicted = trainer.probabilities(data.test_images[:200].numpy()).argmax(1)
    return [i for i in range(200) if predicted[i] == int(data.test_labels[i])][:count]


def state_copy(model) -> dict[str, torch.Tensor]:
    return {name: t.detach().clone() for name, t in model.state_dict().items()}


# ------------------------------------------------------------------------------------------ checkpoints


def test_checkpoints_are_kept_at_each_epochs_end_and_thinned_evenly_keeping_the_last(small) -> None:
    trainer = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=12, batch_size=200, learning_rate=0.01), small)
    assert trainer.checkpoints == []
    expected = {1: [1], 2: [1, 2], 5: [1, 2, 3, 4, 5], 6: [2, 4, 6], 7: [2, 4, 6, 7], 9: [2, 4, 6, 8, 9],
                10: [2, 4, 6, 8, 10], 11: [4, 8, 11], 12: [4, 8, 12]}
    for epoch in range(1, 13):
        while trainer.epoch < epoch:
            trainer.train_slice(5.0, until_epoch=epoch)
        kept = [c.epoch for c in trainer.checkpoints]
        assert len(kept) <= MAX_CHECKPOINTS and kept[-1] == epoch
        if epoch in expected:
            assert kept == expected[epoch], epoch
        if epoch == 6:  # mid-training: the last checkpoint is the weights now, a detached copy of them
            last = trainer.checkpoints[-1]
            for name, t in trainer.model.state_dict().items():
                assert torch.equal(last.state[name], t)
                assert last.state[name].data_ptr() != t.data_ptr() and not last.state[name].requires_grad
            assert not torch.equal(trainer.checkpoints[0].state["stages.1.0.weight"], last.state["stages.1.0.weight"])
    assert all(c.learning_rate == 0.01 for c in trainer.checkpoints)


def test_a_trainer_restored_from_a_file_has_no_checkpoints_and_tracin_says_it_used_the_current_weights(small) -> None:
    lesson = DigitLesson(spec=ModelSpec(hidden=(32,)), config=TrainConfig(epochs=2, batch_size=64))
    trained(lesson.new_trainer(small))
    assert len(lesson.trainer.checkpoints) == 2
    back = DigitLesson()
    nf.load_work(nf.dump_work(lesson)).apply(back, lambda source: small)
    assert back.trainer.checkpoints == []
    digit = small.test_images[0].numpy()
    result = influence.tracin(back.trainer, digit, int(small.test_labels[0]), pool=600)
    assert result.current_weights_only and result.checkpoints == 1 and "current weights" in result.note
    kept = influence.tracin(lesson.trainer, digit, int(small.test_labels[0]), pool=600)
    assert not kept.current_weights_only and kept.checkpoints == 2 and kept.note == ""
    reference = influence.tracin_scores(back.trainer, digit, int(small.test_labels[0]), pool=600)
    assert np.allclose(result.scores, reference, rtol=1e-4, atol=1e-6 * np.abs(reference).max())


# ------------------------------------------------------------------------------------------ TracIn


@pytest.mark.parametrize("spec", [ModelSpec(hidden=(32,)), ModelSpec(kind="cnn", filters=(4, 8), kernel=3)])
def test_captums_tracin_equals_the_formula_written_out_and_leaves_the_learners_model_alone(small, spec) -> None:
    trainer = DigitTrainer(spec, TrainConfig(epochs=3, batch_size=64), small)
    while trainer.epoch < 2.5:  # stopped mid-epoch: the weights now are none of the checkpoints
        trainer.train_slice(5.0, until_epoch=2.5)
    before, grads = state_copy(trainer.model), [p.requires_grad for p in trainer.model.parameters()]
    trainer.model.train()
    digit, target = small.test_images[3].numpy(), 5
    result = influence.tracin(trainer, digit, target, k=6, pool=400, seed=2)
    assert all(torch.equal(before[n], t) for n, t in trainer.model.state_dict().items())
    assert [p.requires_grad for p in trainer.model.parameters()] == grads and trainer.model.training
    reference = influence.tracin_scores(trainer, digit, target, pool=400, seed=2)
    assert np.allclose(result.scores, reference, rtol=1e-4, atol=1e-6 * np.abs(reference).max())
    # the pool is a seeded subset; proponents and opponents are its highest and lowest scores
    assert len(result.pool) == 400 and np.all(np.diff(result.pool) > 0)
    assert np.array_equal(result.pool, influence.tracin(trainer, digit, target, pool=400, seed=2).pool)
    assert not np.array_equal(result.pool, influence.tracin(trainer, digit, target, pool=400, seed=3).pool)
    by_index = dict(zip(result.pool.tolist(), result.scores.tolist(), strict=True))
    order = np.sort(result.scores)
    assert np.allclose(result.proponent_scores, order[::-1][:6]) and np.allclose(result.opponent_scores, order[:6])
    assert np.allclose([by_index[i] for i in result.proponents], result.proponent_scores)
    assert np.allclose([by_index[i] for i in result.opponents], result.opponent_scores)


def test_proponents_of_a_test_digit_are_mostly_of_its_class(mlp) -> None:
    data = mlp.data
    own, against = [], []
    for i in correct_test_digits(mlp, 12):
        label = int(data.test_labels[i])
        result = influence.tracin(mlp, data.test_images[i].numpy(), label, k=8)
        own.append(float((data.train_labels[result.proponents] == label).float().mean()))
        against.append(float((data.train_labels[result.opponents] == label).float().mean()))
    # measured: 99% of proponents of the digit's class (the least 7 of 8), opponents 0%
    assert np.mean(own) >= 0.8 and min(own) >= 0.5
    assert np.mean(against) <= 0.2


def test_tracin_over_4000_training_digits_timing(mlp) -> None:
    """Not asserted: printed (pytest -s) beside the issue's target of 2 s for the default MLP."""
    assert len(mlp.checkpoints) == 5
    digit = mlp.data.test_images[0].numpy()
    influence.tracin(mlp, digit, 0)  # Captum imported, first-call costs paid
    start = time.perf_counter()
    result = influence.tracin(mlp, digit, 0, k=8, pool=4000)
    seconds = time.perf_counter() - start
    assert len(result.scores) == 4000
    print(f"\nTracIn (Captum TracInCPFast) over 4000 training digits, default MLP, 5 checkpoints: {seconds:.3f} s "
          "(target ≤ 2 s)")


def test_bad_requests_get_a_clear_error(mlp) -> None:
    digit = mlp.data.test_images[0].numpy()
    with pytest.raises(ValueError, match="class"):
        influence.tracin(mlp, digit, 10)
    with pytest.raises(ValueError, match="space"):
        influence.nearest_training(mlp.model, mlp.data, digit, space="latent")
    with pytest.raises(ValueError, match="28"):
        influence.nearest_training(mlp.model, mlp.data, np.zeros((10, 10), np.uint8))


# ------------------------------------------------------------------------------------------ nearest digits


def test_hidden_features_are_the_input_of_the_logits_layer(mlp, small) -> None:
    x = normalise(small.test_images[:5])
    features = influence.hidden_features(mlp.model, x)
    assert features.shape == (5, 256)
    logits = mlp.model.stages[mlp.model.names.index("logits")]
    assert torch.allclose(logits(features), mlp.model(x), atol=1e-5)
    cnn = DigitTrainer(ModelSpec(kind="cnn", filters=(4, 8), kernel=3), TrainConfig(), small).model
    assert influence.hidden_features(cnn, x).shape == (5, 8 * 7 * 7)


@pytest.mark.parametrize("metric", influence.METRICS)
def test_the_nearest_training_digits_in_pixels_of_a_training_digit_include_itself_at_distance_0(mlp, metric) -> None:
    data = mlp.data
    for i in (0, 1234, 3999):
        idx, dist = influence.nearest_training(mlp.model, data, data.train_images[i].numpy(), k=8,
                                               space="pixels", metric=metric)
        assert i in idx.tolist() and dist[0] == pytest.approx(0.0, abs=1e-5)
        assert dist[idx.tolist().index(i)] == pytest.approx(0.0, abs=1e-5) and np.all(np.diff(dist) >= 0)


def test_the_nearest_training_digits_in_the_hidden_layer_share_the_digits_class(mlp) -> None:
    data = mlp.data
    shares = []
    for i in correct_test_digits(mlp, 20):
        idx, dist = influence.nearest_training(mlp.model, data, data.test_images[i].numpy(), k=8)
        assert len(idx) == 8 and np.all(np.diff(dist) >= 0)
        shares.append(float((data.train_labels[idx] == data.test_labels[i]).float().mean()))
    assert np.mean(shares) >= 0.8  # measured 0.97


# ------------------------------------------------------------------------------------------ mislabelled digits


def test_flip_labels_flips_exactly_the_share_to_other_classes_and_is_seeded() -> None:
    labels = mnist5k_tensors().train_labels
    original = labels.clone()
    flipped_labels, mask = influence.flip_labels(labels, 0.2, seed=4)
    assert torch.equal(labels, original)  # not changed in place
    assert mask.dtype == torch.bool and int(mask.sum()) == 800  # of MNIST-5k's 4000 training digits
    assert bool((flipped_labels[mask] != labels[mask]).all()) and torch.equal(flipped_labels[~mask], labels[~mask])
    assert int(flipped_labels.min()) >= 0 and int(flipped_labels.max()) <= 9
    assert len(torch.unique(flipped_labels[mask] - labels[mask])) > 5  # to many other classes, not one shift
    again, again_mask = influence.flip_labels(labels, 0.2, seed=4)
    assert torch.equal(again, flipped_labels) and torch.equal(again_mask, mask)
    other, other_mask = influence.flip_labels(labels, 0.2, seed=5)
    assert not torch.equal(other_mask, mask)
    none, none_mask = influence.flip_labels(labels, 0.0, seed=4)
    assert torch.equal(none, labels) and not bool(none_mask.any())
    assert int(influence.flip_labels(labels[:7], 0.5, seed=0)[1].sum()) == 4  # round(3.5)


def test_mislabel_recall_counts_the_flipped_in_the_top_k() -> None:
    scores = np.array([0.9, 0.1, 0.8, 0.2, 0.7, 0.3])
    mask = np.array([True, False, False, False, True, False])
    assert influence.mislabel_recall(scores, mask, 3) == (2, pytest.approx(1.0))
    assert influence.mislabel_recall(scores, np.r_[mask, [True, True]], 2) == (1, pytest.approx(2 / 3))


def test_self_influence_finds_the_mislabelled_digits_far_better_than_random() -> None:
    data = mnist5k_tensors()
    labels, flipped = influence.flip_labels(data.train_labels, 0.2, seed=0)
    noisy = DigitTensors(data.train_images, labels, data.test_images, data.test_labels)
    trainer = trained(DigitTrainer(ModelSpec(), TrainConfig(epochs=3, seed=0), noisy))
    scores = influence.self_influence(trainer, pool=None)
    assert scores.shape == (4000,)
    found, expected = influence.mislabel_recall(scores, flipped, k=500)
    assert expected == pytest.approx(100.0)
    assert found >= 300  # measured 461-475 over seeds 0-2, 2 and 3 epochs; random: 100
    first = influence.self_influence(trainer, pool=1000)  # the first 1000 training digits, the same scores
    assert np.allclose(first, scores[:1000], rtol=1e-5)
