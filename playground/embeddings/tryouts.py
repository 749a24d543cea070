"""The Embeddings lesson's 'Try this' list: each experiment, its one-click set-up and what it shows.

The numbers quoted are those of the *quick network* (one epoch of the default MLP, seed 0, on MNIST-5k: what
the page trains when there is none) on the page's 1,000-digit sample, and, where named, of the same MLP
trained for 10 epochs. tests/test_tryouts_embeddings.py trains those networks and checks every claim.
"""

from __future__ import annotations

from playground.embeddings.lesson import EmbeddingLesson, View
from playground.tryouts import Tryout

POINTS = 1000  # the sample every set-up shows


def _digits(lesson: EmbeddingLesson, view: View) -> None:
    lesson.source, lesson.view, lesson.n_points, lesson.layer = "digits", view, POINTS, None  # None: the last hidden


def layers_side_by_side(lesson: EmbeddingLesson) -> None:
    _digits(lesson, View.SIDE_BY_SIDE)


def tsne_perplexity(lesson: EmbeddingLesson) -> None:
    _digits(lesson, View.PROJECT)
    lesson.method, lesson.perplexity, lesson.learning_rate, lesson.n_iter = "tsne", 2.0, "auto", 1000


def wrong_neighbours(lesson: EmbeddingLesson) -> None:
    _digits(lesson, View.PROJECT)
    lesson.method, lesson.colour_by = "pca", "right/wrong"


def across_training(lesson: EmbeddingLesson) -> None:
    _digits(lesson, View.ACROSS_TRAINING)
    lesson.record_epochs, lesson.snapshots_per_epoch = 3, 4


TRYOUTS: list[Tryout[EmbeddingLesson]] = [
    Tryout("layers-knn", "Layers side by side: the input pixels against the hidden layer",
           "with the quick network the k-NN accuracy barely moves (88% on the pixels, 89% in the hidden layer): "
           "look-alike digits are already neighbours in pixel space. Train the default MLP for 10 epochs "
           "(*Train a digit recogniser*) and the hidden layer's rises to 93%, while the pixels' stays at 88%.",
           layers_side_by_side),
    Tryout("tsne-perplexity", "t-SNE of the hidden layer with perplexity 2, then 50",
           "2 breaks the digits into dozens of tiny clumps, each digit spread over five or more of them; 50 "
           "gathers each digit into one or two groups.", tsne_perplexity),
    Tryout("wrong-neighbours", "Colour by right/wrong and click a red point",
           "its nearest neighbours in that layer are mostly digits of its own label or of the class it was read "
           "as (8 of 10 on average, with the quick network): it sits where the two classes meet.",
           wrong_neighbours),
    Tryout("across-training", "Across training: record 3 epochs, then move the slider",
           "the k-NN accuracy beside the picture rises most in the first epoch, then slowly: with the quick "
           "network's settings 85% before training (even an untrained layer keeps look-alike digits together), "
           "89% after one epoch, 91% after three.", across_training),
]
