"""How alike two attribution maps are: Spearman rank correlation and SSIM (the two measures of Adebayo et
al., 2018, "Sanity checks for saliency maps"), on the signed maps or on their absolute values.

Written in NumPy/SciPy. A map is a 2D float array (a digit's (28, 28)); both measures give 1 for a map
compared with itself.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.stats import rankdata

# Wang et al. (2004): a Gaussian window of σ = 1.5 (11 × 11: truncated at 3.5 σ), K1 = 0.01, K2 = 0.03.
SSIM_SIGMA = 1.5
SSIM_TRUNCATE = 3.5
SSIM_K1, SSIM_K2 = 0.01, 0.03


def _pair(a: np.ndarray, b: np.ndarray, absolute: bool) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"maps of different shapes: {a.shape} and {b.shape}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("a map holds a NaN or an infinity")
    return (np.abs(a), np.abs(b)) if absolute else (a, b)


def spearman(a: np.ndarray, b: np.ndarray, absolute: bool = False) -> float:
    """Spearman's rank correlation of two maps' values (ties get their average rank, as scipy's
    spearmanr): 1 for the same order, -1 for the reverse, about 0 for unrelated maps. A map with all values
    equal orders nothing: against another map the correlation is 0, against a flat map 1 (scipy gives NaN
    for both)."""
    a, b = _pair(a, b, absolute)
    ra, rb = rankdata(a, axis=None), rankdata(b, axis=None)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denominator = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    if denominator == 0.0:
        return 1.0 if not ra.any() and not rb.any() else 0.0
    return float(np.clip((ra * rb).sum() / denominator, -1.0, 1.0))


def scaled(m: np.ndarray, absolute: bool = False) -> np.ndarray:
    """A map divided by its largest absolute value: signed maps into [-1, 1], absolute ones into [0, 1]
    (an all-zero map stays zero). Two maps compared by SSIM are first put on this common range, so that
    SSIM compares their patterns, not their sizes."""
    m = np.abs(np.asarray(m, dtype=np.float64)) if absolute else np.asarray(m, dtype=np.float64)
    top = np.abs(m).max() if m.size else 0.0
    return m / top if top > 0 else np.zeros_like(m)


def ssim(a: np.ndarray, b: np.ndarray, absolute: bool = False) -> float:
    """The structural similarity of two maps (Wang et al., 2004) with a Gaussian window (σ = 1.5), each map
    first put into [0, 1] (data range 1): an absolute map divided by its largest value, a signed one as
    (`scaled` + 1) / 2, so that zero is 0.5 (on signed values SSIM's brightness term would square a sign
    flip away). The mean of the SSIM map over the pixels whose window lies inside the image (as
    scikit-image does): 1 for the same map (at any size), negative for a map and its negation, about 0
    for unrelated noise."""
    a, b = _pair(a, b, absolute)
    if a.ndim != 2:
        raise ValueError(f"SSIM compares 2D maps, not shape {a.shape}")
    a, b = scaled(a, absolute), scaled(b, absolute)
    if not absolute:
        a, b = (a + 1.0) / 2.0, (b + 1.0) / 2.0
    c1, c2 = SSIM_K1**2, SSIM_K2**2  # data range 1

    def blur(m: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(m, SSIM_SIGMA, truncate=SSIM_TRUNCATE, mode="reflect")

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a * mu_a
    var_b = blur(b * b) - mu_b * mu_b
    cov = blur(a * b) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    pad = int(SSIM_TRUNCATE * SSIM_SIGMA + 0.5)  # the window's radius
    inner = s[pad:-pad, pad:-pad] if min(s.shape) > 2 * pad else s
    return float(inner.mean())


def similarities(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """All four measures at once: spearman, ssim (signed maps), spearman_abs, ssim_abs (absolute values)."""
    return {"spearman": spearman(a, b), "ssim": ssim(a, b),
            "spearman_abs": spearman(a, b, absolute=True), "ssim_abs": ssim(a, b, absolute=True)}
