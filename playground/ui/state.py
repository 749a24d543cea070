"""This learner's state in st.session_state: lesson state objects (one typed accessor each), widget keys
that 'Reset this lesson' renews, the query string and the session's id."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from playground import catalog

if TYPE_CHECKING:
    from playground.adversarial.lesson import AdversarialLesson
    from playground.digits.lesson import DigitLesson
    from playground.embeddings.lesson import EmbeddingLesson
    from playground.explanations.lesson import ExplanationsLesson
    from playground.generative.lesson import GenerativeLesson
    from playground.tfplayground.lesson import PlaygroundLesson

T = TypeVar("T")

_STATE = "lesson-state:"  # session_state key prefix of a lesson's state object
SEED_SLOT = "_np_seed_slot"  # the sidebar's placeholder for the seed in use (see page.show_seed)


_GENERATION = "_np_widget_generation:"  # bumped by 'reset this lesson': every widget starts afresh
_SETTINGS_GENERATION = "_np_settings_generation:"  # bumped when settings change elsewhere (a link, a file)


def widget_key(lesson_key: str, name: str) -> str:
    """The session_state key of a lesson's widget: "<lesson>:<generation>:<name>". 'Reset this lesson'
    bumps the generation, so every widget of the lesson (even one the lesson never reads) starts afresh."""
    return f"{lesson_key}:{st.session_state.get(_GENERATION + lesson_key, 0)}:{name}"


def settings_key(lesson_key: str, name: str) -> str:
    """The key of a widget that shows one of the lesson's settings (its value comes from the settings on
    every run, and its on_change writes back). When the settings change elsewhere, renew_settings_widgets
    gives these widgets new identities so they redraw from the new settings."""
    generation = st.session_state.get(_SETTINGS_GENERATION + lesson_key, 0)
    return widget_key(lesson_key, f"s{generation}:{name}")


def renew_settings_widgets(lesson_key: str) -> None:
    _bump(_SETTINGS_GENERATION + lesson_key)


def _bump(counter: str) -> None:
    st.session_state[counter] = st.session_state.get(counter, 0) + 1


def lesson_state(lesson_key: str, factory: Callable[[], T]) -> T:
    """This learner's state object for a lesson, created by `factory` on first use.

    It lives in st.session_state, so it is private to the learner's browser session and survives
    reruns, page changes and interrupted training loops.
    """
    key = _STATE + lesson_key
    if key not in st.session_state:
        st.session_state[key] = factory()
    return st.session_state[key]



def reset_lesson(lesson_key: str) -> None:
    """Forget everything a lesson holds for this learner: its state, its widgets, its URL settings, and
    the work the server keeps for it (ui.saved), so that a reload does not bring it back."""
    from playground.ui import saved

    for key in list(st.session_state.keys()):
        if key == _STATE + lesson_key or str(key).startswith(lesson_key + ":"):
            del st.session_state[key]
    _bump(_GENERATION + lesson_key)
    st.query_params.clear()
    saved.forget_lesson(lesson_key)


def renew_lesson_widgets(lesson_key: str) -> None:
    """Give every widget of a lesson a new identity (its state stays): they redraw from the lesson's
    state, e.g. after a saved network was opened."""
    _bump(_GENERATION + lesson_key)



def session_id() -> str:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


# ---------------------------------------------------------------- each lesson's state object, typed
# Pages reach another lesson's state only through these (never through a session_state key string).


def playground_lesson(factory: Callable[[], PlaygroundLesson]) -> PlaygroundLesson:
    return lesson_state(catalog.lesson_by_key("playground").state_key, factory)


def existing_playground_lesson() -> PlaygroundLesson | None:
    """The learner's own Playground network, if they have opened the Playground in this session."""
    return st.session_state.get(_STATE + catalog.lesson_by_key("playground").state_key)


def digit_lesson() -> DigitLesson:
    """The digit network the three digit pages, the embeddings and the adversarial lessons share. A new
    session starts from the learner's kept work (a reload keeps the network); later runs keep what changed
    since (ui.saved: only after a change, never on every run)."""
    from playground.digits.lesson import DigitLesson
    from playground.ui import saved

    key = catalog.lesson_by_key("mnist-train").state_key
    fresh = _STATE + key not in st.session_state
    lesson = lesson_state(key, DigitLesson)
    if fresh:
        saved.restore_digit_work(lesson)
    else:
        saved.keep_digit_work(lesson)
    return lesson


def existing_digit_lesson() -> DigitLesson | None:
    """The learner's digit lesson, if a digit page has made it in this session (never made here)."""
    return st.session_state.get(_STATE + catalog.lesson_by_key("mnist-train").state_key)


def embedding_lesson() -> EmbeddingLesson:
    from playground.embeddings.lesson import EmbeddingLesson

    return lesson_state(catalog.lesson_by_key("embeddings").state_key, EmbeddingLesson)


def adversarial_lesson(factory: Callable[[], AdversarialLesson]) -> AdversarialLesson:
    return lesson_state(catalog.lesson_by_key("adversarial").state_key, factory)


def explanations_lesson(factory: Callable[[], ExplanationsLesson]) -> ExplanationsLesson:
    return lesson_state(catalog.lesson_by_key("explanations").state_key, factory)


def generative_lesson(factory: Callable[[], GenerativeLesson]) -> GenerativeLesson:
    return lesson_state(catalog.lesson_by_key("generative").state_key, factory)
