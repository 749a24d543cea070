"""Neural Playground's entry point: the class configuration and access, navigation over the lessons, and
the sidebar they share. Run with `make run` (or `streamlit run app.py`); a class with `make serve-class`.
"""

import logging
import sys
from pathlib import Path

import streamlit as st

from playground import catalog, ui
from playground.classroom.config import ClassConfigError

st.set_page_config(
    page_title="Neural Playground",
    # our own picture, served by this server: a ':material/…:' page icon is fetched from fonts.gstatic.com
    page_icon=Path(__file__).parent / "playground" / "ui" / "web" / "icon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)
logging.basicConfig(level=logging.INFO)
# Many learners' sessions share one interpreter lock: hand it over more often (1 ms instead of 5), so the
# thread that sends pictures and answers clicks is not kept waiting behind training loops.
sys.setswitchinterval(0.001)

try:
    config = ui.class_config()
except ClassConfigError as error:  # a wrong classroom.toml: say where, serve nothing else
    st.error(f"The class configuration has a mistake, so the playground does not start: {error}")
    st.stop()

role = ui.signed_in_role(config)
if role is None:  # a class with access control: nothing but the sign-in page before signing in
    st.navigation([st.Page("lessons/sign_in.py", title="Sign in", icon=":material/login:")], position="hidden").run()
    ui.write_pending_cookie()
    st.stop()

ui.start_background_work()  # the home cards' pictures and the Playground engine, off the first page's path
home = st.Page("lessons/home.py", title="Home", icon=":material/home:", default=True)
by_key = {lesson.key: lesson for lesson in catalog.LESSONS}
lesson_pages = {
    key: st.Page(by_key[key].script, title=by_key[key].title, icon=by_key[key].icon, url_path=key)
    for key in config.lessons
}
sections = {"": [home], "Lessons": list(lesson_pages.values())}
if role == "instructor":
    sections["Instructor"] = [st.Page("lessons/dashboard.py", title="Class board", icon=":material/leaderboard:",
                                      url_path="class-board")]
page = st.navigation(sections)

current = next((key for key, p in lesson_pages.items() if p.url_path == page.url_path), None)
ui.shared_sidebar(current)
ui.access_sidebar(config, role)
ui.write_pending_cookie()
page.run()
