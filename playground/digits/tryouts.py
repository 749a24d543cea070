"""'Try this' for the three digit lessons: each experiment, what the learner will see, and its set-up.

Every set-up is a network on MNIST-5k with a fixed seed (`DigitLesson.set_up`: the network is forgotten
unless it is already that one, so the next training starts the experiment afresh). The Train page's
set-ups are trained there with Train; the Draw and Look-inside pages need a trained network, and after a
set-up they offer "the quick network" (their texts name it), which is exactly `QUICK`: the default MLP, one
epoch, seed 0. `tests/test_tryouts_digits.py`
trains each set-up and checks what the text says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SOURCE, DEFAULT_SPECS, DigitLesson
from playground.digits.models import ModelSpec
from playground.digits.training import TrainConfig
from playground.tryouts import Tryout

SEED = 0
MLP, CNN = DEFAULT_SPECS["mlp"], DEFAULT_SPECS["cnn"]  # MLP 784 → 256 → 10; CNN 8/16 filters 5×5, max pool
MLP_TRAINING = replace(DEFAULT_CONFIGS["mlp"], seed=SEED)  # Adam, 0.001, batches of 128, 10 epochs
CNN_TRAINING = replace(DEFAULT_CONFIGS["cnn"], seed=SEED)  # the same with batches of 64
FAST_RATE = replace(MLP_TRAINING, learning_rate=0.1)
SIXTEEN = ModelSpec(kind="mlp", hidden=(16,))
QUICK = replace(MLP_TRAINING, epochs=1)  # the quick network the Draw and Look-inside pages train


def network(spec: ModelSpec, config: TrainConfig, source: str = DEFAULT_SOURCE) -> Callable[[DigitLesson], None]:
    """A set-up: this network and training (seed included) on `source`."""

    def set_up(lesson: DigitLesson) -> None:
        lesson.set_up(source, spec, config)

    return set_up


TRAIN_TRYOUTS: list[Tryout[DigitLesson]] = [
    Tryout("mlp-10-epochs", "Train the default MLP for 10 epochs",
           "about 94% of the test digits right; the training accuracy keeps rising above it, towards 99%.",
           network(MLP, MLP_TRAINING)),
    Tryout("cnn", "Switch to the CNN and train it for 10 epochs",
           "about 11 thousand parameters against the MLP's 200 thousand (see the table), yet it gets more test "
           "digits right (about 97% against 94%): its filters share their weights across the image.",
           network(CNN, CNN_TRAINING)),
    Tryout("adam-rate-0.1", "Learning rate 0.1 with Adam",
           "the loss shoots up in the first steps and the test accuracy jumps up and down; after 10 epochs only "
           "about 80% of the test digits are right (94% with the default 0.001): each step is too big.",
           network(MLP, FAST_RATE)),
    Tryout("sixteen-neurons", "One hidden layer of 16 neurons",
           "still about 90% after 10 epochs, with 16 neurons instead of 256: most digits are easy; the last few "
           "percent are hard.",
           network(SIXTEEN, MLP_TRAINING)),
]

DRAW_TRYOUTS: list[Tryout[DigitLesson]] = [
    Tryout("crossed-seven", "With the quick network, draw a 7 without a bar, then one with a bar across its stem",
           "the plain 7 is read as 7, and surely; the crossed one much less surely, often as a 2 or a 9: "
           "MNIST's writers rarely crossed their 7s.",
           network(MLP, QUICK)),
    Tryout("tiny-one", "With the quick network, draw a 1 as tall as the pad, then a tiny one",
           "the tiny one comes out bold in the 28×28 picture (scaled up to 20 pixels tall, its pen is scaled "
           "up too), and the network is less sure of it.",
           network(MLP, QUICK)),
    Tryout("off-centre", "With the quick network, draw a small 7 in a corner, then one of the same size in the middle",
           "the same 28×28 picture and the same reading: the ink's box is cut out, scaled and centred, as for "
           "MNIST, so where you draw does not matter.",
           network(MLP, QUICK)),
    Tryout("teach-crossed-sevens", "With the quick network, teach it: add five crossed 7s (label them 7) and retrain",
           "it reads them as 7 afterwards — and new crossed 7s too — and its test accuracy on MNIST does not "
           "drop.",
           network(MLP, QUICK)),
]

INSIDE_TRYOUTS: list[Tryout[DigitLesson]] = [
    Tryout("mlp-templates", "With the quick network (an MLP), open *What the units look for*",
           "mostly speckle — the weights' random start, which one epoch moved only a little — with faint smooth "
           "strokes over the middle, what the units learned. Each unit scores how much a digit's ink falls on "
           "its blue parts and avoids its orange ones.",
           network(MLP, QUICK)),
    Tryout("confusion", "With the quick network, open *Mistakes* and find the largest numbers off the diagonal",
           "8s read as 3 and 4s read as 9: digits that share most of their strokes.",
           network(MLP, QUICK)),
    Tryout("confident-mistakes", "With the quick network, look at the most confident mistakes (under *Mistakes*)",
           "the network is over 90% sure of several wrong answers, 5s read as 3 among them: a sure answer is "
           "not always a right one.",
           network(MLP, QUICK)),
]
