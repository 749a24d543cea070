"""Pictures for the adversarial lesson: the 2D decision map with every point's FGSM step as an arrow, the
ε-ball around a chosen point and the points that crossed the boundary; a digit, its perturbation
(magnified) and the adversarial digit side by side; and the gallery's cards."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from playground.adversarial.attacks2d import Step2D, linf_ball
from playground.digits.pictures import ink_on_paper
from playground.render.colors import FAINT_INK_HEX, INK_HEX, RIGHT_HEX, WRONG_HEX, class_rgb, diverging_rgb
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


GALLERY_CARD = (236, 80)  # a gallery card's width and height in pixels
_BAR = 100  # a probability of 100% as a bar's length: its label ("100%") still fits on the card


def gallery_picture(images: np.ndarray, labels: np.ndarray, classes: np.ndarray, probs: np.ndarray,
                    class_names: tuple[str, ...], ncols: int = 6) -> np.ndarray:
    """The gallery's cards: each fooled digit with its true label under it, and the classes the network reads
    in it now as bars (green for the true class, red otherwise) with their percentages, which always fit
    on the card (a card is wide enough for a full bar and "100%")."""
    from PIL import ImageFont

    card_w, card_h = GALLERY_CARD
    img = 56
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = max(1, -(-n // ncols))
    canvas = Image.new("RGB", (ncols * card_w, nrows * card_h), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=12)
    for i in range(n):
        r, c = divmod(i, ncols)
        x0, y0 = c * card_w + 6, r * card_h + 4
        label = int(labels[i])
        canvas.paste(Image.fromarray(ink_on_paper(images[i])).resize((img, img), Image.NEAREST), (x0, y0))
        right = int(classes[i][0]) == label
        draw.rectangle([x0 - 2, y0 - 2, x0 + img + 1, y0 + img + 1], outline=RIGHT_HEX if right else WRONG_HEX, width=2)
        draw.text((x0, y0 + img + 4), f"label {class_names[label][:6]}", fill=FAINT_INK_HEX, font=font)
        for k in range(classes.shape[1]):
            cls, p = int(classes[i][k]), float(probs[i][k])
            by = y0 + 4 + k * 18
            colour = RIGHT_HEX if cls == label else WRONG_HEX
            bar_x = x0 + img + 34
            draw.text((x0 + img + 8, by - 1), class_names[cls][:4], fill=INK_HEX, font=font)
            draw.rectangle([bar_x, by, bar_x + max(1, int(_BAR * p)), by + 11], fill=colour)
            draw.text((bar_x + int(_BAR * p) + 4, by - 1), f"{p:.0%}", fill=FAINT_INK_HEX, font=font)
    return np.asarray(canvas)
