"""The class board (instructors only): submissions per challenge, live; leaderboards, the class's results,
each submission's link, CSV export, and clearing a class session."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from playground import ui
from playground.classroom import submissions
from playground.classroom.challenges import CHALLENGES
from playground.text import escape_markdown

if ui.current_role() != "instructor":  # settled by app.py on this very run (signed, unrevoked)
    st.error("The class board is for the instructor.")
    st.stop()

engine = ui.submissions_engine()
st.title("Class board")
current = submissions.current_class_session(engine, dt.date.today().isoformat())
c1, c2 = st.columns([2, 1])
with c1.form("class-session", border=False):
    name = st.text_input("Class session (new submissions go here)", value=current)
    if st.form_submit_button("Use this session") and name.strip() != current:
        try:
            current = submissions.set_current_class_session(engine, name)
            st.rerun()
        except submissions.SubmissionError as error:
            st.error(str(error))
known = submissions.class_sessions(engine)
shown_session = c2.selectbox("Show", sorted(set(known) | {current}), index=sorted(set(known) | {current}).index(current))


@st.fragment(run_every=5)
def board() -> None:
    """Redrawn every five seconds: new submissions appear without a click (while the instructor is still
    signed in: a fragment's rerun does not pass through app.py, so it asks again)."""
    if ui.signed_in_role(ui.class_config()) != "instructor":
        st.warning("Signed out. Reload the page to sign in again.")
        return
    rows = submissions.list_submissions(engine, class_session=shown_session)
    refused = submissions.refused_count(engine, shown_session)
    st.caption(f"{len(rows)} submissions in '{escape_markdown(shown_session)}'"
               + (f" · {refused} refused (too many at once from one learner)" if refused else "")
               + f" · updated {dt.datetime.now():%H:%M:%S}")
    if not rows:
        st.info("No submissions yet. Learners submit from the challenge box of a lesson.")
        return
    st.markdown("**Latest**")
    for r in rows[:5]:  # st.text: a nickname is shown as the text it is, never as HTML or Markdown
        st.text(f"{r.created_at:%H:%M:%S}  {r.nickname}  —  {r.challenge}: {'passed' if r.passed else 'not yet'}")
    table = pd.DataFrame([{
        "time": r.created_at, "nickname": r.nickname, "challenge": CHALLENGES[r.challenge].title
        if r.challenge in CHALLENGES else r.challenge, "passed": r.passed, "score": r.score,
        "figures": ", ".join(f"{k}: {v}" for k, v in r.figures.items()), "open": r.url} for r in rows])
    summary = table.groupby("challenge").agg(submissions=("passed", "size"), passed=("passed", "sum")).reset_index()
    st.altair_chart(alt.Chart(summary.melt("challenge", var_name="count", value_name="n")).mark_bar().encode(
        x=alt.X("n:Q", title="learners' submissions"), y=alt.Y("challenge:N", title=None),
        color=alt.Color("count:N", scale=alt.Scale(range=["#9aa5b1", "#2ea043"]), title=None),
        yOffset="count:N", tooltip=["challenge", "count", "n"]).properties(height=160), width="stretch")
    for key, challenge in CHALLENGES.items():
        mine = [r for r in rows if r.challenge == key]
        if not mine:
            continue
        st.subheader(challenge.title)
        st.caption(challenge.goal)
        best = submissions.leaderboard(mine, challenge.lower_is_better)
        left, right = st.columns([1, 2])
        left.markdown("**Leaderboard**")
        left.dataframe(pd.DataFrame([{"nickname": b.nickname, challenge.score: b.score, "open": b.url} for b in best]),
                       hide_index=True, width="stretch",
                       column_config={"open": st.column_config.LinkColumn("open", display_text="open")})
        scores = pd.DataFrame([{"score": r.score, "passed": r.passed} for r in mine if r.score is not None])
        if len(scores):
            right.altair_chart(alt.Chart(scores).mark_bar().encode(
                x=alt.X("score:Q", bin=alt.Bin(maxbins=20), title=challenge.score), y=alt.Y("count()", title="submissions"),
                color=alt.Color("passed:N", scale=alt.Scale(domain=[True, False], range=["#2ea043", "#9aa5b1"]))
            ).properties(height=180), width="stretch")
    st.subheader("Every submission")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"open": st.column_config.LinkColumn("open", display_text="open"),
                                "time": st.column_config.DatetimeColumn(format="HH:mm:ss")})
    st.download_button("Export as CSV", submissions.to_csv(rows), file_name=f"submissions-{shown_session}.csv",
                       mime="text/csv", icon=":material/download:")


board()
with st.expander("Clear this session's data", icon=":material/delete:"):
    st.warning(f"This deletes every submission of '{escape_markdown(shown_session)}'. It cannot be undone.")
    if st.checkbox("Yes, delete them", key="confirm-clear") and st.button("Delete", type="primary"):
        count = submissions.clear_class_session(engine, shown_session)
        st.success(f"Deleted {count} submissions.")
