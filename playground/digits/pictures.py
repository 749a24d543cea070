"""Digit images as pictures: grids of 28×28 greyscale images for samples, predictions and weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.render.colors import FAINT_INK_HEX, INK_HEX, RIGHT_HEX, WRONG_HEX
from playground.render.png import upscale


def image_grid(images: np.ndarray, ncols: int, pad: int = 1, background: int = 255) -> np.ndarray:
    """Tile (n, h, w) uint8 images (or (n, h, w, 3)) into rows of `ncols`, separated by `pad` pixels."""
    imgs = np.asarray(images)
    n, h, w = imgs.shape[:3]
    nrows = max(1, -(-n // ncols))
    shape = (nrows * (h + pad) + pad, ncols * (w + pad) + pad) + imgs.shape[3:]
    grid = np.full(shape, background, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, ncols)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = imgs[i]
    return grid


def ink_on_paper(images: np.ndarray) -> np.ndarray:
    """MNIST stores white ink on black; show dark ink on white paper, as a learner writes."""
    return (255 - np.asarray(images, dtype=np.uint8)).astype(np.uint8)


def digit_picture(image: np.ndarray, scale: int, paper: bool = True) -> np.ndarray:
    """One 28×28 digit enlarged by `scale`: as a learner writes it (dark ink on white), or with
    paper=False as MNIST stores it and the network gets it (white ink on black, like the drawing pad)."""
    return upscale(ink_on_paper(image) if paper else np.asarray(image, dtype=np.uint8), scale)


def digit_sheet(images: np.ndarray, ncols: int, scale: int = 2, paper: bool = True) -> np.ndarray:
    """Digits (n, 28, 28) in rows of `ncols`, 2 pixels apart, enlarged by `scale`: dark ink on white, or
    white ink on black with paper=False (then on a black sheet)."""
    if paper:
        return upscale(image_grid(ink_on_paper(images), ncols=ncols, pad=2), scale)
    return upscale(image_grid(np.asarray(images, dtype=np.uint8), ncols=ncols, pad=2, background=0), scale)


def samples_per_class(
    images: np.ndarray, labels: np.ndarray, n_classes: int = 10, per_class: int = 8, seed: int = 0
) -> np.ndarray:
    """Indices of `per_class` images of each class, class by class (seeded, so everyone sees the same)."""
    rng = np.random.default_rng(seed)
    chosen = []
    for c in range(n_classes):
        idx = np.flatnonzero(labels == c)
        take = rng.choice(idx, size=min(per_class, idx.size), replace=False) if idx.size else idx
        chosen.append(np.sort(take))
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def class_rows_picture(
    images: np.ndarray, labels: np.ndarray, n_classes: int = 10, per_class: int = 8, scale: int = 2, seed: int = 0
) -> np.ndarray:
    """One row of sample images per class, dark ink on white, enlarged by `scale`."""
    idx = samples_per_class(images, labels, n_classes, per_class, seed)
    grid = image_grid(ink_on_paper(images[idx]), ncols=per_class, pad=2)
    return upscale(grid, scale)


def weights_grid(weights: np.ndarray, ncols: int, scale: int = 3) -> np.ndarray:
    """Weight templates (n, h, w) as orange-grey-blue pictures (negative orange, positive blue), each
    scaled by its own largest |weight| so faint units still show their pattern."""
    from playground.render.colors import diverging_rgb

    w = np.asarray(weights, dtype=np.float64)
    peak = np.abs(w).reshape(len(w), -1).max(axis=1).reshape(-1, 1, 1)
    rgb = diverging_rgb(w / np.where(peak > 0, peak, 1.0))
    return upscale(image_grid(rgb, ncols=ncols, pad=1, background=255), scale)


def maps_grid(maps: np.ndarray, ncols: int, scale: int = 2) -> np.ndarray:
    """Feature maps (c, h, w) in greys, scaled together (min to max of the whole layer, as ConvNetJS)."""
    from playground.render.png import to_grey_uint8

    grey = 255 - to_grey_uint8(maps)  # strong activation = dark, like ink
    return upscale(image_grid(grey, ncols=ncols, pad=1, background=255), scale)


def vector_strip(values: np.ndarray, cell: int = 10, per_row: int = 64) -> np.ndarray:
    """A dense layer's outputs as a strip of cells: blue for positive, orange for negative."""
    from playground.render.colors import diverging_rgb

    v = np.asarray(values, dtype=np.float64).ravel()
    peak = np.abs(v).max() or 1.0
    n = len(v)
    rows = -(-n // per_row)
    padded = np.full(rows * per_row, np.nan)
    padded[:n] = v / peak
    rgb = diverging_rgb(np.nan_to_num(padded)).reshape(rows, per_row, 3)
    rgb[np.isnan(padded).reshape(rows, per_row)] = 255
    return upscale(rgb, cell)


LABEL_FONT_SIZE = 12  # class names and percentages written into pictures


def _label_font():
    from PIL import ImageFont

    return ImageFont.load_default(size=LABEL_FONT_SIZE)


def class_strip(values: np.ndarray, class_names: Sequence[str], cell: int = 24) -> np.ndarray:
    """One number per class (the logits) as a row of cells, blue for positive and orange for negative
    (scaled by the largest |value|), each class's name written under its cell. A cell is `cell` pixels
    high and wide, wider if a name needs it."""
    from PIL import Image, ImageDraw

    from playground.render.colors import INK_HEX, diverging_rgb

    v = np.asarray(values, dtype=np.float64).ravel()
    names = [str(n) for n in class_names]
    if len(names) != len(v):
        raise ValueError(f"{len(v)} values for {len(names)} classes")
    font = _label_font()
    width = max(cell, max((int(np.ceil(font.getlength(n))) for n in names), default=0) + 6)
    gap, label_h = 2, LABEL_FONT_SIZE + 6
    peak = np.abs(v).max() or 1.0
    rgb = diverging_rgb(v / peak).reshape(len(v), 3)
    picture = np.full((cell + label_h, len(v) * (width + gap) - gap, 3), 255, dtype=np.uint8)
    for i, colour in enumerate(rgb):
        picture[:cell, i * (width + gap) : i * (width + gap) + width] = colour
    canvas = Image.fromarray(picture)
    draw = ImageDraw.Draw(canvas)
    for i, name in enumerate(names):
        draw.text((i * (width + gap) + width / 2, cell + 3), name, fill=INK_HEX, font=font, anchor="mt")
    return np.asarray(canvas)


def layer_picture(values: np.ndarray, map_side: int, cells: tuple[int, int],
                  class_names: Sequence[str] | None = None) -> np.ndarray:
    """One layer's output for one digit. Feature maps (c, h, w): up to 16 a row, each enlarged to about
    `map_side` pixels. A vector (n,): a strip of cells `cells[0]` pixels wide for up to 64 numbers,
    `cells[1]` for more; one number per class (the logits, when `class_names` are given): cells twice
    `cells[0]` with the classes' names under them."""
    if values.ndim == 3:
        return maps_grid(values, ncols=min(16, values.shape[0]), scale=max(1, map_side // values.shape[1]))
    if class_names is not None and len(class_names) == values.shape[0]:
        return class_strip(values, class_names, cell=2 * cells[0])
    return vector_strip(values, cell=cells[0] if values.shape[0] <= 64 else cells[1])


FIRST_LAYER_SHOWN = 64  # the first layer's templates shown at most


def first_layer_picture(weights: np.ndarray) -> np.ndarray:
    """The first layer's templates (from inspection.first_layer_weights; the first FIRST_LAYER_SHOWN),
    16 a row: a dense layer's 28×28 templates twice their size, a convolution's small filters 8 times."""
    return weights_grid(weights[:FIRST_LAYER_SHOWN], ncols=16, scale=2 if weights.shape[1] == 28 else 8)


CARD_WIDTH, CARD_HEIGHT, CARD_DIGIT = 200, 64, 56  # a prediction card and its digit, in pixels
CARD_MARGIN = 4  # around the digit, and on the card's right (the percentages end there)


@dataclass(frozen=True)
class CardLayout:
    """Where a prediction card's parts go (x in pixels from the card's left): the class name, the bar
    (at most `bar_width` long) and the percentage, right-aligned at `percent_right`, so "100%" fits."""

    name_x: int
    bar_x: int
    bar_width: int
    percent_right: int


def card_layout(class_names: Sequence[str]) -> CardLayout:
    font = _label_font()
    name_x = CARD_MARGIN + CARD_DIGIT + 6
    name_w = max(int(np.ceil(font.getlength(str(n)[:4]))) for n in class_names)
    bar_x = name_x + name_w + 5
    percent_right = CARD_WIDTH - CARD_MARGIN
    bar_width = percent_right - int(np.ceil(font.getlength("100%"))) - 4 - bar_x
    return CardLayout(name_x, bar_x, bar_width, percent_right)


def prediction_cards(images: np.ndarray, labels: np.ndarray, classes: np.ndarray, probs: np.ndarray,
                     class_names: Sequence[str], ncols: int = 6) -> np.ndarray:
    """ConvNetJS's test predictions: each digit with its top-3 classes as bars, green when the bar is the
    true class, red otherwise (so a wrong first guess shows red on top). Each card is CARD_WIDTH wide; its
    percentages end inside it (card_layout)."""
    from PIL import Image, ImageDraw

    layout = card_layout(class_names)
    font = _label_font()
    img = CARD_DIGIT
    n = len(images)
    nrows = max(1, -(-n // ncols))
    canvas = Image.new("RGB", (ncols * CARD_WIDTH, nrows * CARD_HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for i in range(n):
        r, c = divmod(i, ncols)
        left, y0 = c * CARD_WIDTH, r * CARD_HEIGHT + CARD_MARGIN
        x0 = left + CARD_MARGIN
        digit = Image.fromarray(ink_on_paper(images[i])).resize((img, img), Image.NEAREST)
        canvas.paste(digit, (x0, y0))
        right = int(classes[i][0]) == int(labels[i])
        draw.rectangle([x0 - 2, y0 - 2, x0 + img + 1, y0 + img + 1], outline=RIGHT_HEX if right else WRONG_HEX, width=2)
        for k in range(classes.shape[1]):
            cls, p = int(classes[i][k]), float(probs[i][k])
            by = y0 + 4 + k * 17
            colour = RIGHT_HEX if cls == int(labels[i]) else WRONG_HEX
            bar = max(1, round(layout.bar_width * min(max(p, 0.0), 1.0)))
            draw.rectangle([left + layout.bar_x, by, left + layout.bar_x + bar - 1, by + 11], fill=colour)
            draw.text((left + layout.name_x, by - 1), str(class_names[cls])[:4], fill=INK_HEX, font=font)
            draw.text((left + layout.percent_right, by - 1), f"{p:.0%}", fill=FAINT_INK_HEX, font=font, anchor="ra")
    return np.asarray(canvas)
