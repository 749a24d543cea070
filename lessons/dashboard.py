"""The class board (instructors only): what a class session is, each learner's progress (lessons opened,
medals won), submissions per challenge, live, as readable text; leaderboards, links that reproduce each
result, deleting one submission, CSV export with absolute links, and clearing a class session."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from playground import catalog, ui
from playground.classroom import submissions
from playground.classroom.challenges import (
    CHALLENGES,
    FIGURES,
    MEDALS,
    challenge_title,
    describe,
    medal_text,
)
from playground.text import escape_markdown
from playground.ui.challenges import app_base_url, medal_badge

if ui.current_role() != "instructor":  # settled by app.py on this very run (signed, unrevoked)
    st.error("The class board is for the instructor.")
    st.stop()

engine = ui.submissions_engine()
config = ui.class_config()
base_url = app_base_url(config.base_url)
st.title("Class board")
st.caption("A **class session** is one sitting of your class, e.g. *Week 3 lab*. New submissions and lesson "
           "openings go to the session named here; a nickname belongs to the first learner who uses it in a "
           "session; clearing a session deletes its data. Name a new session for each class you teach — the "
           "earlier ones stay under *Show*.")
current = submissions.current_class_session(engine, dt.date.today().isoformat())
c1, c2 = st.columns([2, 1])
with c1.form("class-session", border=False):
    name = st.text_input("Class session (new submissions go here)", value=current)
    if st.form_submit_button("Use this session") and name.strip() != current:
        try:
            current = submissions.set_current_class_session(engine, name)
            st.rerun()
        except submissions.SubmissionError as error:
            st.error(escape_markdown(str(error)))
known = sorted(set(submissions.class_sessions(engine)) | {current})
shown_session = c2.selectbox("Show", known, index=known.index(current))
MEDAL_COLOURS = {"not yet": "#d5dbe1", "bronze": "#b87333", "silver": "#6e7781", "gold": "#d4a017"}
WHOLE = {"format": "d", "tickMinStep": 1}  # count axes: whole numbers only


def link(url: str) -> str:
    return submissions.absolute_url(url, base_url)


def progress_table(session: str, rows: list[submissions.Submission]) -> pd.DataFrame:
    """Learner × lesson: 'opened' (how often), and for a lesson with a challenge the best medal."""
    lessons = [catalog.lesson_by_key(key) for key in config.lessons]
    challenge_of = {c.lesson: c.key for c in CHALLENGES.values()}
    table = []
    for learner in submissions.progress(engine, session):
        row = {"learner": learner.name}
        for lesson in lessons:
            opens = learner.opened.get(lesson.key, 0)
            cell = ("opened" + (f" ×{opens}" if opens > 1 else "")) if opens else ""
            challenge = challenge_of.get(lesson.key)
            if challenge in learner.medals:
                cell = " · ".join(filter(None, (cell, medal_text(learner.medals[challenge]))))
            row[lesson.title] = cell or "—"
        row["last seen"] = learner.last_seen
        table.append(row)
    return pd.DataFrame(table)


@st.fragment(run_every=5)
def board() -> None:
    """Redrawn every five seconds: new submissions appear without a click (while the instructor is still
    signed in: a fragment's rerun does not pass through app.py, so it asks again)."""
    if ui.signed_in_role(ui.class_config()) != "instructor":
        st.warning("Signed out. Reload the page to sign in again.")
        return
    rows = submissions.list_submissions(engine, class_session=shown_session)
    refused = submissions.refused_count(engine, shown_session)
    st.caption(f"{len(rows)} submission{'' if len(rows) == 1 else 's'} in '{escape_markdown(shown_session)}'"
               + (f" · {refused} refused (too many at once from one learner)" if refused else "")
               + f" · updated {dt.datetime.now():%H:%M:%S}")

    st.subheader("Progress")
    progress = progress_table(shown_session, rows)
    if progress.empty:
        st.info("No learner has opened a lesson in this class session yet.")
    else:
        st.caption("Which lessons each learner opened, and the best medal of each challenge they submitted. "
                   "'No nickname yet' is a learner who opened lessons but has not submitted.")
        st.dataframe(progress, hide_index=True, width="stretch",
                     column_config={"learner": st.column_config.TextColumn(width="medium"),
                                    "last seen": st.column_config.DatetimeColumn(format="HH:mm")})
    if not rows:
        st.info("No submissions yet. Learners submit from the challenge box of a lesson.")
        return

    st.subheader("Submissions")
    st.markdown("**Latest**")
    for r in rows[:5]:  # st.text: a nickname is shown as the text it is, never as HTML or Markdown
        st.text(f"{r.created_at:%H:%M:%S}  {r.nickname}  —  {challenge_title(r.challenge)}: {medal_text(r.medal)}"
                f"  ({describe(r.figures)})")
    best_medals = []
    for key, challenge in CHALLENGES.items():
        for nickname in {r.nickname for r in rows if r.challenge == key}:
            mine = [r for r in rows if r.challenge == key and r.nickname == nickname]
            best = max(mine, key=lambda r: submissions.MEDAL_RANK.get(r.medal, 0))
            best_medals.append({"challenge": challenge.title, "medal": best.medal or "not yet"})
    if best_medals:
        st.markdown("**Best medal of each learner who submitted**")
        counts = pd.DataFrame(best_medals).value_counts().reset_index(name="learners")
        order = ["not yet", *MEDALS]
        st.altair_chart(alt.Chart(counts).mark_bar().encode(
            x=alt.X("learners:Q", title="learners", axis=alt.Axis(**WHOLE)),
            y=alt.Y("challenge:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("medal:N", sort=order, title=None,
                            scale=alt.Scale(domain=order, range=[MEDAL_COLOURS[m] for m in order])),
            order=alt.Order("medal_order:Q"), tooltip=["challenge", "medal", "learners"],
        ).transform_calculate(medal_order=f"indexof({order}, datum.medal)").properties(height=150), width="stretch")
    for key, challenge in CHALLENGES.items():
        mine = [r for r in rows if r.challenge == key]
        if not mine:
            continue
        st.subheader(challenge.title)
        st.caption(challenge.goal + "  \n" + " · ".join(f"{medal_badge(t.medal)}: {t.goal()}"
                                                       for t in challenge.tiers))
        best = submissions.leaderboard(mine, challenge.lower_is_better)
        left, right = st.columns([1, 1])
        left.markdown("**Leaderboard**")
        if best:
            score = FIGURES[challenge.score]
            left.dataframe(pd.DataFrame([{"nickname": b.nickname, "medal": medal_text(b.medal),
                                          challenge.score_label: score.value(b.score), "open": link(b.url)}
                                         for b in best]),
                           hide_index=True, width="stretch",
                           column_config={"open": st.column_config.LinkColumn("open", display_text="open")})
        else:
            left.caption("Nobody has a medal yet.")
        scores = pd.DataFrame([{"score": r.score, "medal": r.medal or "not yet"} for r in mine if r.score is not None])
        if len(scores):
            order = ["not yet", *MEDALS]
            right.altair_chart(alt.Chart(scores).mark_bar().encode(
                x=alt.X("score:Q", bin=alt.Bin(maxbins=20), title=challenge.score_label,
                        axis=alt.Axis(format=".1%") if FIGURES[challenge.score].kind == "percent" else alt.Axis()),
                y=alt.Y("count()", title="submissions", axis=alt.Axis(**WHOLE)),
                color=alt.Color("medal:N", sort=order, title=None,
                                scale=alt.Scale(domain=order, range=[MEDAL_COLOURS[m] for m in order])),
            ).properties(height=180), width="stretch")
    st.subheader("Every submission")
    table = pd.DataFrame([{
        "time": r.created_at, "nickname": r.nickname, "challenge": challenge_title(r.challenge),
        "medal": medal_text(r.medal), "open": link(r.url), "result": describe(r.figures)} for r in rows])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"open": st.column_config.LinkColumn("open", display_text="open"),
                                "time": st.column_config.DatetimeColumn(format="HH:mm:ss")})
    st.download_button("Export as CSV", submissions.to_csv(rows, base_url), file_name=f"submissions-{shown_session}.csv",
                       mime="text/csv", icon=":material/download:",
                       help="Links in the file are absolute: " + (base_url or "as stored") + " (set base_url "
                            "under [class] in classroom.toml to choose the address).")


board()

with st.expander("Delete one submission", icon=":material/remove:"):
    deleted = st.session_state.pop("board:deleted", None)
    if deleted:
        st.success(deleted)
    choices = {r.id: r for r in submissions.list_submissions(engine, class_session=shown_session)}
    if not choices:
        st.caption("No submissions in this class session.")
    else:
        chosen = st.selectbox(
            "Submission", list(choices), key="board:delete-one",
            format_func=lambda i: (f"{choices[i].created_at:%H:%M:%S} · {choices[i].nickname} · "
                                   f"{challenge_title(choices[i].challenge)} · {medal_text(choices[i].medal)} · "
                                   f"{describe(choices[i].figures)}"))
        if st.button("Delete this submission", key="board:delete-one-button", icon=":material/delete:"):
            gone = choices[chosen]
            if submissions.delete_submission(engine, chosen, shown_session):
                st.session_state["board:deleted"] = (f"Deleted {escape_markdown(gone.nickname)}'s submission of "
                                                     f"{challenge_title(gone.challenge)} ({gone.created_at:%H:%M:%S}).")
            st.rerun()

with st.expander("Clear this session's data", icon=":material/delete:"):
    st.warning(f"This deletes every submission of '{escape_markdown(shown_session)}', its nicknames and which "
               "lessons its learners opened. It cannot be undone.")
    if st.checkbox("Yes, delete them", key="confirm-clear") and st.button("Delete", type="primary"):
        count = submissions.clear_class_session(engine, shown_session)
        st.success(f"Deleted {count} submissions.")
