"""What the Playground shows of a network at one moment, as pictures: every node's heatmap thumbnail
and the large heatmap of the output (or of a picked neuron), computed on TF's 100×100 grid over [-6, 6]².

One forward pass of the grid gives every node's map at once (the network's hidden values come for
free); the maps become PNGs made with NumPy, which the browser scales up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from playground.engine2d.features import FEATURES, feature_matrix
from playground.engine2d.network import Network2D
from playground.render.colors import (
    DIVERGING_PALETTE,
    HEATMAP_STEPS,
    blend_class_rgb,
    class_rgb,
    diverging_index,
    diverging_rgb,
)
from playground.render.png import data_uri, encode_indexed_png, encode_png
from playground.render.points import EXTENT

DENSITY = 100  # grid points per side, as TF
THUMB = 25  # thumbnail side: 4×4 blocks of the grid averaged (TF uses 10×10)


@lru_cache(maxsize=1)
def grid_points() -> np.ndarray:
    """(DENSITY², 2) points, row by row from the top (y = +6) down, each row from x = -6 to +6."""
    axis = np.linspace(-EXTENT, EXTENT, DENSITY)
    xs, ys = np.meshgrid(axis, axis[::-1])
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


@lru_cache(maxsize=16)
def grid_features(features: tuple[str, ...]) -> np.ndarray:
    return feature_matrix(grid_points(), features)


def block_average(maps: np.ndarray, side: int = THUMB) -> np.ndarray:
    """(n, DENSITY, DENSITY) -> (n, side, side) by averaging square blocks (in float32: it is only drawn)."""
    f = DENSITY // side
    n = maps.shape[0]
    blocks = maps[:, : side * f, : side * f].astype(np.float32, copy=False).reshape(n, side, f, side, f)
    return blocks.sum(axis=(2, 4)) * np.float32(1.0 / (f * f))


def _sprite(tiles: np.ndarray) -> bytes:
    """(n, h, w, 3) tiles side by side in one PNG (one request for all thumbnails)."""
    n, h, w, _ = tiles.shape
    return encode_png(np.ascontiguousarray(tiles.transpose(1, 0, 2, 3).reshape(h, n * w, 3)))


@lru_cache(maxsize=4)
def input_thumbnails_uri() -> str:
    """All seven input features' thumbnails (TF colours the raw feature value, clamped to [-1, 1])."""
    maps = feature_matrix(grid_points(), FEATURES).T.reshape(len(FEATURES), DENSITY, DENSITY)
    return data_uri(_sprite(diverging_rgb(block_average(maps))))


@dataclass
class Frame:
    """One picture update: the thumbnails of the hidden and output nodes and the large heatmap."""

    sprite: str  # data URI: one THUMB×THUMB tile per hidden/output node, in node order
    main: str  # data URI: DENSITY×DENSITY heatmap of the output (or of the picked node)


def output_rgb(net: Network2D, outputs: np.ndarray, discretize: bool, steps: int | None = HEATMAP_STEPS) -> np.ndarray:
    """The output as colours for every grid point: orange-grey-blue for one output (TF), blended class
    colours for softmax; `discretize` shows the decision only (sign, or the winning class)."""
    shown = net.display_output(outputs)
    if shown.ndim == 2:  # class probabilities
        if discretize:
            return class_rgb(shown.argmax(axis=1))
        return blend_class_rgb(shown)
    if discretize:
        shown = np.where(shown >= 0, 1.0, -1.0)
    return diverging_rgb(shown, steps=steps)


def _class_ramp_rgb(probability: np.ndarray, cls: int, k: int) -> np.ndarray:
    """Colour of 'how sure is the network of class cls': grey at chance or below, the class colour at 1."""
    p = probability.reshape(-1)
    mix = np.full((p.shape[0], k), 0.0)
    mix[:, cls] = p
    rest = (1.0 - p) / max(k - 1, 1)
    for other in range(k):
        if other != cls:
            mix[:, other] = rest
    return blend_class_rgb(np.where(p[:, None] >= 1.0 / k, mix, 1.0 / k)).reshape(probability.shape + (3,))


def node_values(net: Network2D, outputs: np.ndarray) -> np.ndarray:
    """(hidden + output nodes, points): hidden outputs as they are, outputs as the pictures show them
    (tanh, 2·sigmoid − 1, a class probability, or the regression value)."""
    hidden = outputs[int(net.node_off[1]) : int(net.node_off[net.n_layers])]
    shown = net.display_output(outputs)
    shown = shown.T if shown.ndim == 2 else shown[None]
    return np.concatenate([hidden, shown], axis=0)


def colour_nodes(net: Network2D, values: np.ndarray, discretize: bool) -> np.ndarray:
    """(nodes, ...) values -> (nodes, ..., 3) colours: the diverging scale (sign only when discretized);
    for softmax outputs, each class's probability from grey to its colour."""
    n_hidden = int(net.node_off[net.n_layers] - net.node_off[1])
    shown = np.where(values >= 0, 1.0, -1.0) if discretize else values
    rgb = diverging_rgb(shown)
    if net.head == "softmax-cross-entropy":
        k = values.shape[0] - n_hidden
        for c in range(k):
            rgb[n_hidden + c] = _class_ramp_rgb(values[n_hidden + c], c, k)
    return rgb


def _sign(values: np.ndarray) -> np.ndarray:
    return np.where(values >= 0, np.float32(1.0), np.float32(-1.0))


def render_frame(net: Network2D, features: tuple[str, ...], selected: tuple[int, int] | None,
                 discretize: bool) -> Frame:
    """Thumbnails of every hidden/output node and the large map (output, or the picked node).

    Maps on the orange-grey-blue scale go out as paletted PNGs (palette lookups, a third of the bytes to
    compress); only softmax's class colours need full colour.
    """
    outputs = net.node_outputs(grid_features(features))  # (total nodes, DENSITY²)
    values = node_values(net, outputs)  # (hidden + output nodes, DENSITY²)
    small = block_average(values.reshape(-1, DENSITY, DENSITY))
    hidden_nodes = int(net.node_off[net.n_layers] - net.node_off[1])
    softmax = net.head == "softmax-cross-entropy"
    if softmax:
        sprite = _sprite(colour_nodes(net, small, discretize))
    else:
        tiles = diverging_index(_sign(small) if discretize else small)  # (nodes, THUMB, THUMB)
        n = tiles.shape[0]
        sprite = encode_indexed_png(tiles.transpose(1, 0, 2).reshape(THUMB, n * THUMB), DIVERGING_PALETTE)
    if selected is not None and 1 <= selected[0] <= net.n_layers - 1:
        node = int(net.node_off[selected[0]] - net.node_off[1]) + selected[1]
        picked = values[node]
        main = encode_indexed_png(diverging_index(_sign(picked) if discretize else picked, steps=HEATMAP_STEPS)
                                  .reshape(DENSITY, DENSITY), DIVERGING_PALETTE)
    elif selected is not None and selected[0] == net.n_layers and softmax:
        cls = selected[1]
        rgb = _class_ramp_rgb(values[hidden_nodes + cls], cls, values.shape[0] - hidden_nodes)
        main = encode_png(np.ascontiguousarray(rgb.reshape(DENSITY, DENSITY, 3)))
    elif softmax:
        main = encode_png(np.ascontiguousarray(output_rgb(net, outputs, discretize).reshape(DENSITY, DENSITY, 3)))
    else:
        shown = values[hidden_nodes]
        main = encode_indexed_png(diverging_index(_sign(shown) if discretize else shown, steps=HEATMAP_STEPS)
                                  .reshape(DENSITY, DENSITY), DIVERGING_PALETTE)
    return Frame(sprite=data_uri(sprite), main=data_uri(main))
