"""Page pieces every lesson shares: the sidebar's reset and seed, the title and a link's notices, links
and cards to other lessons, 'Try this' lists, and a clear message instead of a traceback."""

from __future__ import annotations

import enum
import logging
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from playground import catalog
from playground.tryouts import Tryout
from playground.ui.access import class_config
from playground.ui.resources import thumbnail_png
from playground.ui.state import SEED_SLOT, renew_settings_widgets, reset_lesson, widget_key

L = TypeVar("L")
V = TypeVar("V", bound=enum.Enum)

log = logging.getLogger("neural_playground")

# ---------------------------------------------------------------- the shared sidebar


def shared_sidebar(lesson_key: str | None) -> None:
    """Below the navigation: 'reset this lesson' and the seed the lesson uses (filled by the page)."""
    with st.sidebar:
        if lesson_key is None:
            st.session_state[SEED_SLOT] = None
            return
        lesson = catalog.lesson_by_key(lesson_key)
        st.button(
            "Reset this lesson",
            icon=":material/restart_alt:",
            key="sidebar:reset",
            help=f"Start '{lesson.title}' over: its settings, data and trained networks go back to the defaults.",
            on_click=reset_lesson,
            args=(lesson.state_key,),
            width="stretch",
        )
        st.session_state[SEED_SLOT] = st.empty()


def show_seed(seed: object, note: str = "") -> None:
    """Show the seed in use in the sidebar, so a learner can quote it and get the same run (a link's seed
    is shown as the text it is: escaped, not in backticks, which a seed holding a backtick would close)."""
    from playground.text import escape_markdown

    slot = st.session_state.get(SEED_SLOT)
    if slot is not None:
        slot.caption(f"Seed in use: {escape_markdown(seed)}" + (f" — {note}" if note else ""))


# ---------------------------------------------------------------- errors: a message, never a traceback


@contextmanager
def friendly_errors(what: str) -> Iterator[None]:
    """Turn an unexpected exception into a clear message on the page (details in the server log).

    Streamlit's own rerun/stop signals are BaseExceptions and pass through untouched.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point is to catch everything a learner could trigger
        log.error("%s failed:\n%s", what, traceback.format_exc())
        st.error(
            f"Something went wrong while {what}: {type(exc).__name__}: {exc}. "
            "Your work in this lesson is kept; try again, or use **Reset this lesson** in the sidebar."
        )


# ---------------------------------------------------------------- layout pieces


def lesson_header(lesson_key: str, intro: str | None = None, notices: list[str] | tuple[str, ...] = ()) -> None:
    """The page title, its one-line summary (or a longer introduction), and under them what a link's
    values could not be used for (each notice already Markdown-safe)."""
    from playground.ui.challenges import record_lesson_open

    lesson = catalog.lesson_by_key(lesson_key)
    record_lesson_open(lesson_key)  # on a class server: the board's progress table
    st.title(lesson.title)
    st.markdown(intro or lesson.summary)
    for notice in notices:
        st.warning(notice, icon=":material/link_off:")


def lesson_link_target(key: str, shown: tuple[str, ...] | list[str]) -> str | None:
    """The page a link to lesson `key` opens, or None when the class does not show that lesson."""
    lesson = catalog.lesson_by_key(key)  # KeyError for a lesson that does not exist: a bug, not a set-up
    return lesson.script if key in shown else None


def lesson_link(key: str, label: str | None = None, icon: str | None = None, container: Any = None) -> bool:
    """A link to another lesson, left out when this class hides it (st.page_link to a page outside the
    navigation raises StreamlitPageNotFoundError). Every page links to lessons through this. Returns
    whether the link is there."""
    target = lesson_link_target(key, class_config().lessons)
    if target is not None:
        (container or st).page_link(target, label=label or catalog.lesson_by_key(key).title, icon=icon)
    return target is not None


def lesson_card(lesson: catalog.Lesson, number: int, start_here: bool = False) -> None:
    """A home-page card: picture, title, one line, and a link into the lesson."""
    with st.container(border=True):
        picture = thumbnail_png(lesson.key)
        if picture is None:
            st.container(height=150, border=False).caption("Drawing this picture…")
        else:
            st.image(picture, width="stretch")
        badge = " :blue-badge[Start here]" if start_here else ""
        st.markdown(f"**{number}. {lesson.title}**{badge}")
        st.caption(lesson.summary)
        lesson_link(lesson.key, label="Open the lesson", icon=":material/arrow_forward:")


def try_this(tryouts: Sequence[Tryout[L]], lesson: L, lesson_key: str,
             on_set_up: Callable[[], None] | None = None) -> None:
    """A 'Try this' list: each experiment, what to look for, and a "Set this up" button that applies it to
    the lesson state (then `on_set_up`, e.g. renewing the settings widgets so they show the new values)."""

    def set_up(tryout: Tryout[L]) -> None:
        assert tryout.set_up is not None
        tryout.set_up(lesson)
        renew_settings_widgets(lesson_key)
        if on_set_up is not None:
            on_set_up()

    with st.expander("Try this", icon=":material/science:", expanded=False):
        for tryout in tryouts:
            text, button = st.columns([5, 1], vertical_alignment="center")
            text.markdown(f"**{tryout.do}** — {tryout.look_for}")
            if tryout.set_up is not None:
                button.button("Set this up", key=widget_key(lesson_key, f"tryout:{tryout.key}"),
                              on_click=set_up, args=(tryout,), width="stretch")


def looking_at(text: str) -> None:
    """A panel's "What am I looking at?": a small button that opens a short explanation of the panel."""
    with st.popover("What am I looking at?", icon=":material/help:", type="tertiary"):
        st.markdown(text)


def view_row(views: type[V], default: V, row_key: str, widget_key: str, explain: Callable[[V], str]) -> V | None:
    """A lesson's view chooser and, beside it, the chosen view's "What am I looking at?", in one row (one row
    at 1280 pixels too). Returns the chosen view (None when the learner unselects it)."""
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                      gap="xsmall", key=row_key):
        view = st.segmented_control("View", list(views), default=default, key=widget_key,
                                    label_visibility="collapsed")
        if view is None:
            return None
        chosen = views(view)
        looking_at(explain(chosen))
        return chosen


def busy_notice(players: int) -> None:
    """Say that the server is busy (many learners share it, or it is slow): pictures come less often."""
    st.caption(f":material/hourglass_top: busy: sharing the server with {players} learners — pictures "
               "come a little less often.")
