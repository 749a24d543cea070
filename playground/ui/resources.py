"""What one server process loads once and shares read-only with every learner (st.cache_resource /
st.cache_data): the home cards' pictures, toy datasets, digit images and tensors. Never a learner's model."""

from __future__ import annotations

import logging
import threading

import streamlit as st

from playground import cards, catalog, thumbnails
from playground.digits import mnist
from playground.toydata import generators

log = logging.getLogger("neural_playground")


@st.cache_resource(show_spinner=False)
def _background_work() -> dict[str, bytes]:
    """Started once per server: draws the home cards' pictures (some train a small network) and
    compiles the Playground engine, in a background thread, so the first page appears at once."""
    # the pictures kept on disk by an earlier start show at once; the thread draws the others
    done: dict[str, bytes] = {}
    for lesson in catalog.LESSONS:
        kept = cards.read_cached(lesson.key)
        if kept is not None:
            done[lesson.key] = kept

    def work() -> None:
        for lesson in catalog.LESSONS:
            if lesson.key in done:
                continue
            try:
                done[lesson.key] = cards.card_png(lesson.key)
            except Exception:  # a card without its picture is better than no page
                log.exception("drawing the %s card failed", lesson.key)
        try:
            from playground.tfplayground import warmup

            warmup.warm()  # loads (or compiles) every kernel a Playground session uses
        except Exception:
            log.exception("warming up the Playground engine failed")

    # not a daemon: a process that ends early (a test, a quick Ctrl-C) waits for it rather than tearing
    # PyTorch down under it (which aborts the process)
    threading.Thread(target=work, name="neural-playground-warm-up", daemon=False).start()
    return done


def start_background_work() -> None:
    _background_work()


def thumbnail_png(lesson_key: str) -> bytes | None:
    """A lesson's home-card picture, or None while the background thread is still drawing it."""
    return _background_work().get(lesson_key)


def thumbnails_ready() -> bool:
    ready = _background_work()
    return all(lesson.key in ready for lesson in catalog.LESSONS)


@st.cache_data(show_spinner=False, max_entries=64)
def dataset_thumbnail_png(name: str) -> bytes:
    return thumbnails.dataset_thumbnail_png(name)


@st.cache_data(show_spinner=False, max_entries=128)
def toy_dataset(name: str, noise_percent: float, perc_train: int, seed: str, n_classes: int | None = None):
    """A generated toy dataset and the PRNG positioned after it (for TF-identical initial weights)."""
    return generators.make_data(name, noise_percent, perc_train, seed, n_classes=n_classes)


@st.cache_resource(show_spinner="Loading the digits…", max_entries=4)
def digit_data(source_key: str) -> mnist.DigitData:
    """Digit images, loaded once per server and shared read-only by every learner.

    cache_resource rather than cache_data: cache_data would hand every call its own unpickled copy
    (full MNIST is ~55 MB as uint8); these arrays are never written, and are locked so they cannot be.
    """
    data = mnist.load_source(source_key)
    for array in (data.train_images, data.train_labels, data.test_images, data.test_labels):
        array.flags.writeable = False
    return data


@st.cache_resource(show_spinner="Preparing the digits for training…", max_entries=4)
def digit_tensors(source_key: str):
    """The digits as PyTorch tensors, once per server, shared read-only by every learner's trainer."""
    from playground.digits.training import DigitTensors  # imports torch: only pages that train pay for it

    d = digit_data(source_key)
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


@st.cache_data(show_spinner=False)
def digit_sources() -> list[mnist.SourceInfo]:
    return mnist.available_sources()
