"""Home page: what the playground is, and one card per lesson in learning order."""

import streamlit as st

from playground import catalog, ui
from playground.explainers import HOME

config = ui.class_config()
st.title(config.title)
if config.welcome:
    st.info(config.welcome, icon=":material/campaign:")
st.markdown(
    "Train small neural networks yourself and watch them learn: every neuron, decision boundary and "
    "digit detector changes in front of you as you change the layers, the activations and the data. "
    "Everything runs on this server, on toy 2D data and real handwritten digits, with no internet needed."
)
ui.looking_at(HOME)

COLUMNS = 3


@st.fragment(run_every=1.0 if not ui.thumbnails_ready() else None)
def cards() -> None:
    """One card per lesson, in learning order; redrawn each second until every picture is ready."""
    by_key = {lesson.key: lesson for lesson in catalog.LESSONS}
    lessons = [by_key[key] for key in config.lessons]  # the class's lessons, in its order
    for row_start in range(0, len(lessons), COLUMNS):
        columns = st.columns(COLUMNS)
        for offset, lesson in enumerate(lessons[row_start : row_start + COLUMNS]):
            number = row_start + offset + 1
            with columns[offset]:
                ui.lesson_card(lesson, number, start_here=(number == 1))
    if ui.thumbnails_ready() and st.session_state.get("_np_cards_waiting"):
        st.session_state["_np_cards_waiting"] = False
        st.rerun()  # every picture is there: draw once more without the timer
    st.session_state["_np_cards_waiting"] = not ui.thumbnails_ready()


cards()
