"""The hidden-space view (after ConvNetJS): the plane and the data as two chosen neurons of one layer
see them. A square grid over the input plane is pushed through the network; drawn in the coordinates
of two neurons, its lines bend and its cells stretch, until in the last layers the classes separate.
Each cell is coloured by what the whole network decides for it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from playground.engine2d.features import feature_matrix
from playground.render.png import encode_png
from playground.render.points import EXTENT, point_colours
from playground.tfplayground.frames import output_rgb
from playground.tfplayground.run import PlaygroundRun

CELLS = 24  # grid cells per side
LINE_SAMPLES = 4  # points per cell edge along a grid line (bent lines need several)
CHANNEL = "playground-space"  # the live picture on the page that play's frames update


def layer_choices(run: PlaygroundRun) -> list[tuple[int, str]]:
    """(node layer, label) for every layer a learner can look at: the inputs and each layer after."""
    net = run.network
    choices = [(0, "Input features")]
    choices += [(layer, f"Hidden layer {layer}") for layer in range(1, net.n_layers)]
    if net.sizes[-1] >= 2:
        choices.append((net.n_layers, "Output (class scores)"))
    return choices


def shown_layer(run: PlaygroundRun, layer: int) -> int:
    """`layer` if the learner can look at it in this network, else the first hidden layer (or the inputs)."""
    layers = [choice[0] for choice in layer_choices(run)]
    return layer if layer in layers else layers[min(1, len(layers) - 1)]


def axis_label(run: PlaygroundRun, layer: int, index: int) -> str:
    """What one axis of the view is: an input feature, or a neuron of the layer."""
    return run.features[index] if layer == 0 else f"neuron {index + 1}"


def _layer_xy(run: PlaygroundRun, points: np.ndarray, layer: int, a: int, b: int) -> np.ndarray:
    net = run.network
    values = net.node_outputs(feature_matrix(points, run.features))
    first = int(net.node_off[layer])
    x = values[first + a]
    y = values[first + b] if b != a else np.zeros_like(x)
    return np.stack([x, y], axis=1)


def hidden_space_pixels(run: PlaygroundRun, layer: int, a: int, b: int, size: int = 360) -> np.ndarray:
    """RGB picture (size × size) of the grid and the training points in neurons (a, b) of `layer`."""
    axis = np.linspace(-EXTENT, EXTENT, CELLS + 1)
    fine = np.linspace(-EXTENT, EXTENT, CELLS * LINE_SAMPLES + 1)
    corners = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)  # (CELLS+1)², row = y
    vertical = np.stack(np.meshgrid(axis, fine), axis=-1).transpose(1, 0, 2).reshape(-1, 2)  # x fixed
    horizontal = np.stack(np.meshgrid(fine, axis), axis=-1).reshape(-1, 2)  # y fixed
    centres = (axis[:-1] + axis[1:]) / 2
    centre_points = np.stack(np.meshgrid(centres, centres), axis=-1).reshape(-1, 2)
    data = run.train_x

    all_points = np.concatenate([corners, vertical, horizontal, data])
    xy = _layer_xy(run, all_points, layer, a, b)
    n_c, n_v, n_h = len(corners), len(vertical), len(horizontal)
    c_xy, v_xy, h_xy, d_xy = np.split(xy, np.cumsum([n_c, n_v, n_h]))

    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-6)
    lo, span = lo - 0.06 * span, span * 1.12

    def to_px(p: np.ndarray) -> np.ndarray:
        return np.stack([(p[:, 0] - lo[0]) / span[0] * (size - 1), (1 - (p[:, 1] - lo[1]) / span[1]) * (size - 1)], 1)

    net = run.network
    cell_rgb = output_rgb(net, net.node_outputs(feature_matrix(centre_points, run.features)), run.settings.discretize)
    cell_rgb = np.rint(255 - (255 - cell_rgb.astype(np.float64)) * 0.63).astype(np.uint8)  # TF's translucency
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    cp = to_px(c_xy).reshape(CELLS + 1, CELLS + 1, 2)
    for r in range(CELLS):
        for c in range(CELLS):
            quad = [tuple(cp[r, c]), tuple(cp[r, c + 1]), tuple(cp[r + 1, c + 1]), tuple(cp[r + 1, c])]
            draw.polygon(quad, fill=tuple(int(v) for v in cell_rgb[r * CELLS + c]))
    per_line = CELLS * LINE_SAMPLES + 1
    for lines in (to_px(v_xy), to_px(h_xy)):
        for k in range(0, CELLS + 1, 2):  # every other grid line keeps folded regions readable
            segment = lines[k * per_line : (k + 1) * per_line]
            draw.line([tuple(p) for p in segment], fill=(140, 150, 160), width=1)
    colours = point_colours(run.train_y, run.problem)
    for (px, py), colour in zip(to_px(d_xy), colours, strict=True):
        draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=tuple(int(v) for v in colour), outline=(255, 255, 255))
    return np.asarray(image)


def hidden_space_png(run: PlaygroundRun, layer: int, a: int, b: int, size: int = 360) -> bytes:
    return encode_png(hidden_space_pixels(run, layer, a, b, size))
