"""Neural Playground's entry point: navigation over the lessons and the sidebar they share.

Run with `make run` (or `streamlit run app.py`).
"""

import logging

import streamlit as st

from playground import catalog, ui

st.set_page_config(
    page_title="Neural Playground",
    page_icon=":material/neurology:",
    layout="wide",
    initial_sidebar_state="expanded",
)
logging.basicConfig(level=logging.INFO)

home = st.Page("lessons/home.py", title="Home", icon=":material/home:", default=True)
lesson_pages = {
    lesson.key: st.Page(lesson.script, title=lesson.title, icon=lesson.icon, url_path=lesson.key)
    for lesson in catalog.LESSONS
}
page = st.navigation({"": [home], "Lessons": list(lesson_pages.values())})

ui.start_background_work()  # the home cards' pictures and the Playground engine, off the first page's path
current = next((key for key, p in lesson_pages.items() if p.url_path == page.url_path), None)
ui.shared_sidebar(current)
page.run()
