"""The Playground's compiled engine, ready before learners arrive: `python -m playground.tfplayground.warmup` runs
one of each kind of Playground work, so that numba compiles every kernel a session uses (for every argument
type it passes) and writes it to its on-disk cache; a server then loads the kernels in about a second.

Compiled at a class's first pages instead (a fresh clone, or a kernel just edited), numba compiles for the
whole process one function at a time, and every learner's Playground page waits for it: measured on 2 cores
shared with other work, 60 s for the engine, and 60 learners arriving at once got no first page in 2 minutes.
"""

from __future__ import annotations

import time

from playground.tfplayground.hidden_space import hidden_space_png, layer_choices
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.view import frame_payload, mount_payload, valid_selection

# one of each kind of network a session can have: the default, regression, several classes, softmax and
# cross-entropy, a deeper network with other activations and regularisation
QUERIES = [
    {},
    {"problem": "regression", "regDataset": "reg-gauss"},
    {"dataset": "spiral3", "numClasses": "3"},
    {"dataset": "xor", "loss": "cross-entropy", "optimizer": "adam", "networkShape": "8,6,4",
     "activation": "relu", "regularization": "L1", "regularizationRate": "0.01", "batchSize": "1"},
    {"dataset": "gauss", "optimizer": "momentum", "networkShape": "", "regularization": "L2",
     "regularizationRate": "0.001", "x1Squared": "true", "sinX": "true"},
]


def warm() -> float:
    """Train, score and draw each kind of network once (compiling, or loading from the cache, every
    kernel they use); returns the seconds it took."""
    started = time.perf_counter()
    for query in QUERIES:
        lesson = PlaygroundLesson.from_query(query)
        run = lesson.run
        mount_payload(run, selected=lesson.selected, add_mode=lesson.add_mode, seq=0)
        run.train(2, loss_every_epoch=True)
        run.train(5, loss_every_epoch=False)
        frame_payload(run, valid_selection(run, lesson.selected), history_from=0, seq=1)
        run.scores()
        layers = [layer for layer, _ in layer_choices(run)]
        layer = layers[min(1, len(layers) - 1)]
        hidden_space_png(run, layer, 0, min(1, int(run.network.sizes[layer]) - 1), size=60)
    return time.perf_counter() - started


def main() -> None:
    seconds = warm()
    print(f"The Playground's engine is ready ({seconds:.1f} s: a second or so when numba's cache already had it).")


if __name__ == "__main__":
    main()
