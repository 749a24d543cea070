"""Projections without the UI: exact PCA against scikit-learn, and our progressive t-SNE."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE as SklearnTSNE  # noqa: N811 - a class, beside our own TSNE
from threadpoolctl import threadpool_limits

from playground.embeddings.data import knn_accuracy
from playground.embeddings.projections import (
    TSNE,
    UmapUnavailable,
    _conditional_p,
    joint_probabilities,
    nearest_distances,
    pca,
    umap_2d,
)


def blobs(n_per_class: int = 100, classes: int = 5, dims: int = 50, seed: int = 0):
    """Well-separated Gaussian blobs: centres ~N(0, 10²), points ~N(centre, 1)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 10.0, (classes, dims))
    labels = np.repeat(np.arange(classes), n_per_class)
    return centres[labels] + rng.normal(0.0, 1.0, (len(labels), dims)), labels


@pytest.fixture(scope="module")
def five_blobs():
    return blobs()


@pytest.fixture(scope="module")
def small_blobs():
    return blobs(n_per_class=40, classes=4, dims=10, seed=1)


def with_sklearn_signs(components: np.ndarray) -> np.ndarray:
    largest = components[np.arange(len(components)), np.abs(components).argmax(axis=1)]
    return components * np.sign(largest)[:, None]


@pytest.mark.parametrize("shape", [(300, 20), (40, 100)])  # more points than dimensions, and fewer
def test_pca_matches_sklearn(shape) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape) @ rng.normal(size=(shape[1], shape[1])) + 3.0  # correlated, off-centre
    ours = pca(x, 5)
    reference = PCA(5, svd_solver="full").fit(x)
    flip = np.sign(np.sum(with_sklearn_signs(reference.components_) * reference.components_, axis=1))
    np.testing.assert_allclose(ours.components, with_sklearn_signs(reference.components_), atol=1e-8)
    np.testing.assert_allclose(ours.coords, reference.transform(x) * flip, atol=1e-7)
    np.testing.assert_allclose(ours.explained_ratio, reference.explained_variance_ratio_, rtol=1e-9)
    assert np.all(np.diff(ours.explained_ratio) <= 0) and ours.explained_ratio.sum() <= 1.0
    np.testing.assert_allclose(ours.transform(x), ours.coords, atol=1e-9)


def test_pca_signs_are_fixed_and_components_clamped() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 6)) * np.arange(1, 7)
    result = pca(x, 10)
    assert result.coords.shape == (200, 6) and result.components.shape == (6, 6)
    largest = result.components[np.arange(6), np.abs(result.components).argmax(axis=1)]
    assert np.all(largest > 0)
    np.testing.assert_allclose(result.explained_ratio.sum(), 1.0)
    shifted = pca(x + 100.0, 2)  # same shape moved: same picture, no flip
    np.testing.assert_allclose(shifted.coords, result.coords[:, :2], atol=1e-8)


def test_joint_probabilities_are_a_symmetric_distribution(small_blobs) -> None:
    x, _ = small_blobs
    p = joint_probabilities(x, perplexity=10)
    dense = p.toarray()
    np.testing.assert_allclose(dense, dense.T, atol=1e-15)
    assert abs(dense.sum() - 1.0) < 1e-12 and np.all(np.diag(dense) == 0) and dense.min() >= 0
    _, distances = nearest_distances(x, 31)
    conditional = _conditional_p(distances, 10.0)  # each row's perplexity exp(H) is the one asked for
    np.testing.assert_allclose(conditional.sum(axis=1), 1.0)
    entropy = -np.sum(conditional * np.log(np.maximum(conditional, 1e-300)), axis=1)
    np.testing.assert_allclose(np.exp(entropy), 10.0, rtol=1e-4)


def test_tsne_separates_blobs_like_sklearn(five_blobs) -> None:
    x, labels = five_blobs
    ours = TSNE(x, perplexity=30, seed=0)
    layout = ours.step(1000)
    assert ours.done and ours.iteration == 1000 and layout.shape == (500, 2)
    assert knn_accuracy(layout, labels, k=5) >= 0.98
    with threadpool_limits(1):  # its OpenMP threads only fight over a busy machine
        reference = SklearnTSNE(2, perplexity=30, init="pca", random_state=0).fit(x)
    assert abs(ours.kl_divergence() - reference.kl_divergence_) <= 0.2 * reference.kl_divergence_


def test_tsne_is_seeded_and_slices_equal_one_run(small_blobs) -> None:
    x, _ = small_blobs
    def fresh(**kw) -> TSNE:
        return TSNE(x, perplexity=10, n_iter=400, init="random", **kw)

    whole = fresh(seed=3).step(400)
    sliced = fresh(seed=3)
    for size in (7, 243, 100, 50, 1000):  # across the end of early exaggeration, and past the end
        sliced.step(size)
    assert sliced.done and sliced.iteration == 400
    np.testing.assert_array_equal(sliced.embedding, whole)
    np.testing.assert_array_equal(fresh(seed=3).step(400), whole)
    assert not np.allclose(fresh(seed=4).step(400), whole)
    pca_start = TSNE(x, perplexity=10, n_iter=10)
    np.testing.assert_allclose(pca_start.embedding[:, 0].std(), 1e-4)  # sklearn's scaled PCA start


def test_perplexity_changes_the_layout(small_blobs) -> None:
    x, _ = small_blobs
    low = TSNE(x, perplexity=5, n_iter=300).step(300)
    high = TSNE(x, perplexity=40, n_iter=300).step(300)
    assert not np.allclose(low, high, atol=1e-3)


def test_kl_divergence_falls_while_optimising(small_blobs) -> None:
    x, _ = small_blobs
    tsne = TSNE(x, perplexity=10, n_iter=500)
    start = tsne.kl_divergence()
    tsne.step(500)
    assert tsne.kl_divergence() < 0.5 * start


def test_tsne_rejects_bad_settings(small_blobs) -> None:
    x, _ = small_blobs
    with pytest.raises(ValueError, match="perplexity"):
        TSNE(x, perplexity=len(x))
    with pytest.raises(ValueError, match="metric"):
        TSNE(x, metric="manhattan")
    cosine = TSNE(x, perplexity=10, metric="cosine", n_iter=50)
    assert np.all(np.isfinite(cosine.step(50)))


def test_umap_needs_its_package(monkeypatch, small_blobs) -> None:
    monkeypatch.setitem(sys.modules, "umap", None)  # as if umap-learn were not installed
    with pytest.raises(UmapUnavailable, match="umap-learn"):
        umap_2d(small_blobs[0])


def test_pca_of_fewer_points_than_dimensions_leaves_empty_axes_at_zero() -> None:
    """Two points span one direction: the second component has no variance, and its coordinates are 0 (not
    noise divided by √0, which made a t-SNE of two isolated points start at 1e129 and end in NaN)."""
    from playground.embeddings.projections import TSNE

    x = np.random.default_rng(0).normal(size=(2, 5))
    result = pca(x, 2)
    assert np.isfinite(result.coords).all() and np.allclose(result.coords[:, 1], 0.0)
    assert abs(abs(result.coords[0, 0] - result.coords[1, 0]) - np.linalg.norm(x[0] - x[1])) < 1e-9
    tsne = TSNE(x, perplexity=1.0)
    tsne.step(300)
    assert np.isfinite(tsne.embedding).all()
