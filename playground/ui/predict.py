"""'Predict, then check' on a page (playground/predictions.py): the learner commits to a guess before the page
shows the answer.

    guess = ui.predict_then_check(p.key, LESSON, p.question, p.choices, answer, waiting="Press Play: …")
    if guess is not None:
        ...  # only now show what the question was about

The guesses live in the learner's session, one `predictions.Guesses` per lesson (under the lesson's state
key, so *Reset this lesson* forgets them), and "Ask me again" asks afresh.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from playground import catalog
from playground.predictions import Guesses, verdict
from playground.ui.state import widget_key


def lesson_guesses(lesson_key: str) -> Guesses:
    """This learner's committed guesses for a lesson (all pages of a lesson share them)."""
    slot = f"{catalog.lesson_by_key(lesson_key).state_key}:predictions"  # reset_lesson clears '<state>:…'
    if not isinstance(st.session_state.get(slot), Guesses):
        st.session_state[slot] = Guesses()
    return st.session_state[slot]


def predict_then_check(key: str, lesson_key: str, question: str, choices: Sequence[str], answer: str | None,
                       *, waiting: str = "", detail: str = "") -> str | None:
    """Ask `question` (Markdown) with `choices`; return the learner's committed guess, or None before they
    commit (then the page must not show the answer or anything that gives it away).

    `answer` is one of `choices` once the page knows it, else None; `waiting` (Markdown) says what to do to find
    out, shown after the guess while the answer is not known; `detail` (Markdown) is shown under the answer.
    """
    guesses = lesson_guesses(lesson_key)
    choices = tuple(choices)
    guess = guesses.guess(key)
    with st.container(border=True, key=widget_key(lesson_key, f"predict-{key}")):
        st.markdown(f":material/psychology_alt: **Predict, then check.** {question}")
        if guess is None:
            choice_key = widget_key(lesson_key, f"predict-{key}-choice-{guesses.round(key)}")
            with st.container(horizontal=True, vertical_alignment="center"):
                choice = st.radio("Your guess", choices, index=None, key=choice_key, horizontal=True,
                                  label_visibility="collapsed")
                st.button("Commit my guess", key=widget_key(lesson_key, f"predict-{key}-commit"),
                          icon=":material/how_to_vote:", disabled=choice is None,
                          on_click=lambda: guesses.commit(key, st.session_state.get(choice_key), choices))
            return None
        result = verdict(guess, answer)
        with st.container(horizontal=True, vertical_alignment="center"):
            if result is None:
                st.info(f"You guessed **{guess}**. {waiting}".strip(), icon=":material/hourglass_top:")
            elif result.right:
                st.success(result.text, icon=":material/check_circle:")
            else:
                st.warning(result.text, icon=":material/cancel:")
            st.button("Ask me again", key=widget_key(lesson_key, f"predict-{key}-again"), type="tertiary",
                      icon=":material/replay:", on_click=guesses.ask_again, args=(key,))
        if result is not None and detail:
            st.markdown(detail)
    return guess
