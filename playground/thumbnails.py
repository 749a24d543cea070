"""The small pictures on the home page's lesson cards, drawn by the app itself from its own data."""

from __future__ import annotations

import numpy as np

from playground import toy_data
from playground.png import encode_png, upscale
from playground.point_pictures import scatter_png_pixels


def dataset_thumbnail_pixels(name: str, size: int = 100) -> np.ndarray:
    """TensorFlow Playground's dataset thumbnail: 200 noise-free points as 4×4 squares."""
    points, labels = toy_data.dataset_thumbnail_points(name)
    return scatter_png_pixels(points, labels, toy_data.problem_of(name), size=size, half=2)


def dataset_thumbnail_png(name: str) -> bytes:
    """One dataset's thumbnail as PNG bytes (for the dataset pickers)."""
    return encode_png(dataset_thumbnail_pixels(name))


def toy_datasets_mosaic_png() -> bytes:
    """The six TensorFlow Playground datasets side by side, 3 × 2, for the 'Meet the data' card."""
    names = toy_data.CLASSIFY_DATASETS + toy_data.REGRESS_DATASETS
    gap = 6
    tiles = [dataset_thumbnail_pixels(n) for n in names]
    canvas = np.full((2 * 100 + 3 * gap, 3 * 100 + 4 * gap, 3), 255, dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, 3)
        y, x = gap + r * (100 + gap), gap + c * (100 + gap)
        canvas[y : y + 100, x : x + 100] = tile
        canvas[y : y + 100, [x, x + 99]] = 200  # a thin frame so white thumbnails read as tiles
        canvas[[y, y + 99], x : x + 100] = 200
    return encode_png(upscale(canvas, 1))


def playground_png() -> bytes:
    """A spiral learned by a small network: the decision map under the points (trained here, seeded)."""
    from playground.network_frames import DENSITY, grid_features, output_rgb
    from playground.playground_run import PlaygroundRun
    from playground.playground_settings import PlaygroundSettings
    from playground.point_pictures import draw_squares, point_colours

    run = PlaygroundRun(PlaygroundSettings(dataset="xor", networkShape=[4, 4], seed="0.30118"))
    run.train(150, loss_every_epoch=False)
    net = run.network
    heat = output_rgb(net, net.node_outputs(grid_features(run.features)), discretize=False)
    canvas = heat.reshape(DENSITY, DENSITY, 3)
    canvas = upscale(canvas, 3).astype(np.float64)
    canvas = np.rint(255 - (255 - canvas) * 0.63).astype(np.uint8)  # TF's translucent map
    draw_squares(canvas, run.train_x, point_colours(run.train_y, "classification"), 2, outline=(255, 255, 255))
    return encode_png(canvas)
