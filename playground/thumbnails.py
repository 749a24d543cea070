"""The small pictures on the home page's lesson cards, drawn by the app itself from its own data."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.render.png import encode_png, upscale
from playground.render.points import scatter_png_pixels
from playground.toydata import generators


def dataset_thumbnail_pixels(name: str, size: int = 100) -> np.ndarray:
    """TensorFlow Playground's dataset thumbnail: 200 noise-free points as 4×4 squares."""
    points, labels = generators.dataset_thumbnail_points(name)
    return scatter_png_pixels(points, labels, generators.problem_of(name), size=size, half=2)


def dataset_thumbnail_png(name: str) -> bytes:
    """One dataset's thumbnail as PNG bytes (for the dataset pickers)."""
    return encode_png(dataset_thumbnail_pixels(name))


def toy_datasets_mosaic_png() -> bytes:
    """The six TensorFlow Playground datasets side by side, 3 × 2, for the 'Meet the data' card."""
    names = generators.CLASSIFY_DATASETS + generators.REGRESS_DATASETS
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
    from playground.render.points import draw_squares, point_colours
    from playground.tfplayground.frames import DENSITY, grid_features, output_rgb
    from playground.tfplayground.run import PlaygroundRun
    from playground.tfplayground.settings import PlaygroundSettings

    run = PlaygroundRun(PlaygroundSettings(dataset="xor", networkShape=[4, 4], seed="0.30118"))
    run.train(150, loss_every_epoch=False)
    net = run.network
    heat = output_rgb(net, net.node_outputs(grid_features(run.features)), discretize=False)
    canvas = heat.reshape(DENSITY, DENSITY, 3)
    canvas = upscale(canvas, 3).astype(np.float64)
    canvas = np.rint(255 - (255 - canvas) * 0.63).astype(np.uint8)  # TF's translucent map
    draw_squares(canvas, run.train_x, point_colours(run.train_y, "classification"), 2, outline=(255, 255, 255))
    return encode_png(canvas)


def digits_png() -> bytes:
    """A few real MNIST-5k test digits, one per class, for the training lesson's card."""
    from playground.digits.mnist import load_mnist5k
    from playground.digits.pictures import image_grid, ink_on_paper, samples_per_class

    d = load_mnist5k()
    idx = samples_per_class(d.test_images, d.test_labels, per_class=2, seed=3)
    order = np.concatenate([idx[0::2], idx[1::2]])
    return encode_png(upscale(image_grid(ink_on_paper(d.test_images[order]), ncols=10, pad=2), 2))


def weights_png() -> bytes:
    """What an MLP's hidden units look for after a short, seeded training: their weight templates."""
    from playground.digits.inspection import first_layer_weights
    from playground.digits.mnist import load_mnist5k
    from playground.digits.models import ModelSpec
    from playground.digits.pictures import weights_grid
    from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig

    d = load_mnist5k()
    data = DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)
    trainer = DigitTrainer(ModelSpec(hidden=(32,)), TrainConfig(epochs=2, batch_size=64), data)
    # Trained directly, not through the training driver: this is the server's own start-up work (once,
    # fixed and small), not a learner's training, so no class limit or training slot applies to it.
    while not trainer.finished:
        trainer.train_slice(1.0)
    return encode_png(weights_grid(first_layer_weights(trainer.model)[:16], ncols=8, scale=2))


def drawing_png() -> bytes:
    """A digit as the drawing lesson shows it: a 'drawing', and the 28×28 digit made from it."""
    from PIL import Image, ImageDraw

    from playground.digits.drawing import mnist_from_canvas
    from playground.digits.pictures import ink_on_paper

    canvas = Image.new("RGBA", (200, 200), (0, 0, 0, 255))
    pen = ImageDraw.Draw(canvas)
    pen.line([(60, 40), (140, 40), (100, 170)], fill=(255, 255, 255, 255), width=16, joint="curve")
    pen.line([(75, 105), (130, 105)], fill=(255, 255, 255, 255), width=14)
    drawn = np.asarray(canvas)
    digit = mnist_from_canvas(drawn)
    left = 255 - drawn[:, :, 0]
    right = np.asarray(Image.fromarray(ink_on_paper(digit)).resize((200, 200), Image.NEAREST))
    board = np.full((200, 420), 255, dtype=np.uint8)
    board[:, :200], board[:, 220:] = left, right
    board[:, 200:220] = 235
    return encode_png(board)


def adversarial_png() -> bytes:
    """A 2D network's decision map with every point's FGSM step (the adversarial lesson's card)."""
    from playground.adversarial.attacks2d import crossings
    from playground.adversarial.pictures import attack_map
    from playground.tfplayground.run import PlaygroundRun
    from playground.tfplayground.settings import PlaygroundSettings

    run = PlaygroundRun(PlaygroundSettings(dataset="circle", networkShape=[4, 2], noise=10, seed="0.70211"))
    run.train(200, loss_every_epoch=False)
    step = crossings(run, run.train_x[:120], run.train_y[:120], 0.6)
    return encode_png(attack_map(run, step, None, size=300))


def embeddings_png() -> bytes:
    """MNIST-5k test digits projected with PCA of their pixels, coloured by class (the embeddings card)."""
    from playground.digits.mnist import load_mnist5k
    from playground.embeddings.projections import pca
    from playground.render.colors import class_rgb

    d = load_mnist5k()
    x = d.test_images.reshape(len(d.test_images), -1).astype(np.float32) / 255
    coords = pca(x, n_components=2).coords
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    size = 300
    pix = np.rint((coords - lo) / (hi - lo) * (size - 9) + 4).astype(int)
    canvas = np.full((size, size, 3), 255, dtype=np.uint8)
    for (x0, y0), colour in zip(pix, class_rgb(d.test_labels), strict=True):
        canvas[size - 1 - y0 - 2 : size - 1 - y0 + 2, x0 - 2 : x0 + 2] = colour
    return encode_png(canvas)


def explanations_png() -> bytes:
    """Integrated Gradients' maps of three test digits drawn over them, for a one-epoch MLP (the explanations
    lesson's card)."""
    from playground.digits.lesson import DigitLesson
    from playground.digits.mnist import load_mnist5k
    from playground.digits.models import normalise
    from playground.digits.training import DigitTensors
    from playground.explanations.methods import Method, attribute_many
    from playground.explanations.pictures import map_row
    from playground.torch_runtime import torch

    d = load_mnist5k()
    trainer = DigitLesson().quick_trainer(DigitTensors.from_arrays(d.train_images, d.train_labels,
                                                                   d.test_images, d.test_labels))
    while not trainer.finished:
        trainer.train_slice(5.0)
    images = d.test_images[:3]
    x = normalise(torch.from_numpy(np.ascontiguousarray(images)))
    maps = attribute_many(trainer.model, x, torch.from_numpy(np.asarray(d.test_labels[:3], dtype=np.int64)), Method.IG)
    return map_row(list(maps), ["", "", ""], digit=images[0], over=False, legend=False, zoom=4)


def generative_png() -> bytes:
    """The layered view of a GAN trained here on GAN Lab's ring recipe for its iteration count (the generative
    models lesson's card)."""
    from playground.generative.gan import Gan
    from playground.generative.pictures import card_png
    from playground.generative.recipes import GANLAB_RECIPES

    recipe = GANLAB_RECIPES["ring"]
    gan = Gan(recipe.settings)
    gan.train(recipe.ganlab_iterations or 800)
    return card_png(300, gan.view())


# Each lesson's home-card picture, by the lesson's key (tests/test_catalog checks that every lesson has one).
CARD_PICTURES: dict[str, Callable[[], bytes]] = {
    "data": toy_datasets_mosaic_png,
    "playground": playground_png,
    "mnist-train": digits_png,
    "mnist-inside": weights_png,
    "mnist-draw": drawing_png,
    "embeddings": embeddings_png,
    "adversarial": adversarial_png,
    "explanations": explanations_png,
    "generative": generative_png,
}
