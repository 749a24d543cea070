"""Pictures for the adversarial lesson: the 2D decision map with every point's FGSM step as an arrow, the
ε-ball around a chosen point and the points that crossed the boundary; and a digit, its perturbation
(magnified) and the adversarial digit side by side."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from playground.adversarial.attacks2d import Step2D, linf_ball
from playground.digits.pictures import ink_on_paper
from playground.render.colors import class_rgb, diverging_rgb
from playground.render.points import EXTENT
from playground.tfplayground.frames import DENSITY, grid_features, output_rgb
from playground.tfplayground.run import PlaygroundRun

SIZE = 420


def _to_px(points: np.ndarray, size: int = SIZE) -> np.ndarray:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return np.stack([(p[:, 0] + EXTENT) / (2 * EXTENT) * size, (EXTENT - p[:, 1]) / (2 * EXTENT) * size], axis=1)


def decision_map(run: PlaygroundRun, size: int = SIZE) -> Image.Image:
    """The network's output over the plane, as the Playground draws it (translucent over white)."""
    net = run.network
    rgb = output_rgb(net, net.node_outputs(grid_features(run.features)), discretize=False)
    rgb = np.rint(255 - (255 - rgb.reshape(DENSITY, DENSITY, 3).astype(np.float64)) * 0.63).astype(np.uint8)
    return Image.fromarray(rgb).resize((size, size), Image.BILINEAR)


def attack_map(run: PlaygroundRun, step: Step2D, chosen: int | None = None, size: int = SIZE) -> np.ndarray:
    """Decision map + arrows (each point's FGSM step) + crossed points ringed + the chosen point's ε-ball."""
    image = decision_map(run, size)
    draw = ImageDraw.Draw(image)
    start, end = _to_px(step.points, size), _to_px(step.moved, size)
    colours = class_rgb(step.labels) if run.problem == "classification" else diverging_rgb(step.labels)
    for (x0, y0), (x1, y1), crossed in zip(start, end, step.crossed, strict=True):
        draw.line([(x0, y0), (x1, y1)], fill=(207, 34, 46) if crossed else (82, 96, 109), width=2 if crossed else 1)
        # a small arrow head
        dx, dy = x1 - x0, y1 - y0
        length = max(np.hypot(dx, dy), 1e-9)
        ux, uy = dx / length, dy / length
        head = min(5.0, length / 2)
        for side in (-1, 1):
            hx = x1 - head * ux + side * head * 0.5 * uy
            hy = y1 - head * uy - side * head * 0.5 * ux
            draw.line([(x1, y1), (hx, hy)], fill=(207, 34, 46) if crossed else (82, 96, 109), width=1)
    for (x, y), colour, crossed in zip(start, colours, step.crossed, strict=True):
        if crossed:
            draw.ellipse([x - 7, y - 7, x + 7, y + 7], outline=(207, 34, 46), width=2)
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=tuple(int(c) for c in colour), outline=(255, 255, 255))
    if chosen is not None and 0 <= chosen < len(step.points):
        ball = _to_px(linf_ball(step.points[chosen], step.eps), size)
        draw.line([tuple(p) for p in ball], fill=(31, 41, 51), width=2)
        x, y = start[chosen]
        draw.ellipse([x - 5, y - 5, x + 5, y + 5], outline=(31, 41, 51), width=2)
    return np.asarray(image)


def digit_triptych(original: np.ndarray, perturbation: np.ndarray, adversarial: np.ndarray, scale: float,
                   zoom: int = 6) -> np.ndarray:
    """Original | perturbation (magnified to the full range: orange darker, blue lighter) | adversarial."""
    def ink(pixels01: np.ndarray) -> np.ndarray:
        grey = ink_on_paper(np.rint(np.clip(pixels01, 0, 1) * 255).astype(np.uint8))
        return np.repeat(grey[..., None], 3, axis=2)

    delta = diverging_rgb(perturbation / scale if scale > 0 else perturbation)
    tiles = [ink(original), delta, ink(adversarial)]
    gap = np.full((28, 3, 3), 255, dtype=np.uint8)
    row = np.concatenate([tiles[0], gap, tiles[1], gap, tiles[2]], axis=1)
    return np.repeat(np.repeat(row, zoom, axis=0), zoom, axis=1)
