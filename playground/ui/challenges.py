"""A lesson's challenge panel: the app's own check of the learner's network and, on a class server, a
submission under a nickname this learner owns, at most a few a minute."""

from __future__ import annotations

import streamlit as st

from playground.ui.access import class_config, submissions_engine, submitter_id, write_pending_cookie


@st.cache_resource(show_spinner=False)
def _submission_limit():
    from playground.classroom import submissions

    return submissions.RateLimit(count=6, seconds=60.0)


def class_session_name() -> str:
    """The class session submissions go to now (named by the instructor on the class board)."""
    import datetime as _dt

    from playground.classroom import submissions

    return submissions.current_class_session(submissions_engine(), _dt.date.today().isoformat())


def challenge_panel(challenge_key: str, attempt, url: str) -> None:
    """A lesson's challenge: its goal, the app's own check of the learner's network, and (on a class
    server) a submission under a nickname with the link that reproduces the result."""
    from playground.classroom import challenges, submissions

    challenge = challenges.CHALLENGES[challenge_key]
    config = class_config()
    if config.challenges is not None and challenge_key not in config.challenges:
        return
    state = f"challenge:{challenge_key}:attempt"
    with st.expander(f"Challenge: {challenge.title}", icon=":material/emoji_events:",
                     expanded=state in st.session_state):
        st.markdown(challenge.goal)
        if st.button("Check my network", key=f"challenge:{challenge_key}:check"):
            st.session_state[state] = (attempt(), url)
        pending = st.session_state.get(state)
        if pending is None:
            return
        result, link = pending
        (st.success if result.passed else st.info)(result.explanation)
        st.caption(" · ".join(f"{k}: {v}" for k, v in result.figures.items()))
        if config.path is None:  # no class: nothing to submit to
            return
        submitter_id()  # this browser's id (a cookie) before the learner submits, so a reload keeps it
        with st.form(f"challenge:{challenge_key}:submit", border=True):
            st.markdown(f"**Submit this result** for *{challenge.title}* to the class board")
            nickname = st.text_input("Nickname", max_chars=submissions.MAX_NICKNAME,
                                     value=st.session_state.get("_np_nickname", ""))
            if st.form_submit_button("Submit", icon=":material/send:"):
                _submit(challenge_key, challenge, result, link, nickname)
        write_pending_cookie()  # a new browser id's cookie, if this submission made one


def _submit(challenge_key: str, challenge, result, link: str, nickname: str) -> None:
    """Store a challenge result under a nickname this learner owns (see submitter_id), at most a few a
    minute per learner; says why when it refuses."""
    import math

    from playground.classroom import submissions
    from playground.text import escape_markdown

    engine, class_session, owner = submissions_engine(), class_session_name(), submitter_id()
    wait = _submission_limit().allow(owner)
    if wait > 0:
        submissions.count_refused(engine, class_session)
        st.error(f"Not submitted: that is a lot of submissions in a minute. Try again in {math.ceil(wait)} "
                 "seconds.", icon=":material/timer:")
        return
    try:
        submissions.claim_nickname(engine, class_session, nickname, owner)
        submissions.add_submission(
            engine, class_session=class_session, nickname=nickname, challenge=challenge_key, passed=result.passed,
            score=result.figures.get(challenge.score), figures=result.figures, url=link)
    except submissions.SubmissionError as error:  # a taken nickname, an empty one
        st.error(escape_markdown(str(error)))
        return
    st.session_state["_np_nickname"] = nickname
    st.success("Submitted. Your instructor sees it on the class board.")
