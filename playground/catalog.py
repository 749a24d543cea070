"""The lessons, in learning order: one record each, read by the navigation, the home page and the sidebar.

Plain data, no Streamlit, so that a class configuration (and the tests) can read and reorder it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """One lesson page of the app."""

    key: str  # stable id: the page's URL path, the prefix of its session state, the class config's name
    title: str  # shown in the navigation and on the home card
    summary: str  # one line on the home card: what a learner does there
    script: str  # the Streamlit page file, relative to the repository root
    icon: str  # a Material icon for the navigation
    state: str = ""  # session-state group; pages of one lesson share it (default: the key)

    @property
    def state_key(self) -> str:
        return self.state or self.key


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="data",
        title="Meet the data",
        summary="The toy 2D datasets, your own CSV, and real handwritten digits: what the networks learn from.",
        script="lessons/data.py",
        icon=":material/scatter_plot:",
    ),
    Lesson(
        key="playground",
        title="Playground",
        summary="Train a small network on 2D data and watch every neuron and the decision boundary change.",
        script="lessons/playground.py",
        icon=":material/hub:",
    ),
    Lesson(
        key="mnist-train",
        title="Train a digit recogniser",
        summary="Build an MLP or a small CNN and train it on real handwritten digits, with live curves.",
        script="lessons/mnist_train.py",
        icon=":material/model_training:",
        state="mnist",
    ),
    Lesson(
        key="mnist-inside",
        title="Look inside the digit network",
        summary="What each layer computes, what each unit looks for, and where the network goes wrong.",
        script="lessons/mnist_inside.py",
        icon=":material/visibility:",
        state="mnist",
    ),
    Lesson(
        key="mnist-draw",
        title="Draw your own digit",
        summary="Draw a digit and watch your network read it, layer by layer; teach it your handwriting.",
        script="lessons/mnist_draw.py",
        icon=":material/draw:",
        state="mnist",
    ),
    Lesson(
        key="embeddings",
        title="Embeddings",
        summary="See how each layer of your network arranges the data: PCA, t-SNE, UMAP and nearest neighbours.",
        script="lessons/embeddings.py",
        icon=":material/bubble_chart:",
    ),
    Lesson(
        key="adversarial",
        title="Adversarial examples",
        summary="Fool your network with changes too small to see, find out why, and train a defence.",
        script="lessons/adversarial.py",
        icon=":material/gpp_maybe:",
    ),
    Lesson(
        key="explanations",
        title="Why did it say that?",
        summary="Explain your network's answers with saliency, Integrated Gradients, occlusion, LIME and more, "
                "then test whether the explanations can be trusted.",
        script="lessons/explanations.py",
        icon=":material/psychology_alt:",
    ),
    Lesson(
        key="generative",
        title="Make new data: GANs and VAEs",
        summary="Watch a GAN learn to fake a 2D distribution, see why GANs fail, and steer a VAE's latent space "
                "of digits.",
        script="lessons/generative.py",
        icon=":material/auto_awesome:",
    ),
)


def lesson_by_key(key: str) -> Lesson:
    """The lesson with this key; KeyError names the known keys."""
    for lesson in LESSONS:
        if lesson.key == key:
            return lesson
    raise KeyError(f"no lesson {key!r}; known: {', '.join(lesson.key for lesson in LESSONS)}")
