"""A lesson's challenge panel: its three tiers, the app's own check of the learner's network (how far off
each tier is, and what to think about) and, on a class server, a submission under a nickname this learner
owns, at most a few a minute, each result once. And which lessons each learner opens (the board's
progress table)."""

from __future__ import annotations

import logging
import time

import streamlit as st

from playground.ui.access import (
    class_config,
    current_role,
    submissions_engine,
    submitter_id,
    write_pending_cookie,
)

log = logging.getLogger("neural_playground")


@st.cache_resource(show_spinner=False)
def _submission_limit():
    from playground.classroom import submissions

    return submissions.RateLimit(count=6, seconds=60.0)


@st.cache_resource(show_spinner=False)
def _open_limit():
    """Lesson opens one learner may record a minute (each session records each lesson once)."""
    from playground.classroom import submissions

    return submissions.RateLimit(count=20, seconds=60.0)


def class_session_name() -> str:
    """The class session submissions go to now (named by the instructor on the class board)."""
    import datetime as _dt

    from playground.classroom import submissions

    return submissions.current_class_session(submissions_engine(), _dt.date.today().isoformat())


@st.cache_resource(show_spinner=False)
def _session_name_cache() -> dict:
    return {}


def _recent_class_session_name(seconds: float = 15.0) -> str:
    """The current class session, read from the database at most every few seconds per process (a lesson
    page records its opening on every run, and must not read the database each time)."""
    cache = _session_name_cache()
    now = time.monotonic()
    if cache.get("until", 0.0) < now:
        cache.update(name=class_session_name(), until=now + seconds)
    return cache["name"]


def record_lesson_open(lesson_key: str) -> None:
    """On a class server, remember that this learner opened this lesson in the current class session (once
    per browser session and lesson; at most a few a minute per learner). Never stops the page: a database
    that cannot be reached is logged and the lesson goes on."""
    config = class_config()
    if config.path is None or current_role() != "learner":
        return
    from playground.classroom import submissions

    try:
        class_session = _recent_class_session_name()
        done = st.session_state.setdefault("_np_lessons_opened", set())
        if (class_session, lesson_key) in done:
            return
        learner = submitter_id()
        done.add((class_session, lesson_key))
        if _open_limit().allow(learner) > 0:
            return
        submissions.record_lesson_open(submissions_engine(), class_session, learner, lesson_key)
    except Exception:
        log.exception("cannot record a lesson opening")
    with st.sidebar:
        write_pending_cookie()  # a new browser id's cookie, so the next visit is the same learner


def challenge_panel(challenge_key: str, attempt, url: str) -> None:
    """A lesson's challenge: its rules and tiers, the app's own check of the learner's network (each tier
    passed, or how far off it is and what to think about), and (on a class server) a submission under a
    nickname with the link that reproduces the result. `attempt()` checks the learner's state now."""
    from playground.classroom import challenges, submissions

    challenge = challenges.CHALLENGES[challenge_key]
    config = class_config()
    if config.challenges is not None and challenge_key not in config.challenges:
        return
    state = f"challenge:{challenge_key}:attempt"
    with st.expander(f"Challenge: {challenge.title}", icon=":material/emoji_events:",
                     expanded=state in st.session_state):
        st.markdown(challenge.goal)
        st.markdown("\n".join(f"- {medal_badge(t.medal)}: {t.goal()}" for t in challenge.tiers))
        if st.button("Check my network", key=f"challenge:{challenge_key}:check", icon=":material/rule:"):
            st.session_state[state] = (attempt(), url)
        pending = st.session_state.get(state)
        if pending is None:
            return
        result, link = pending
        show_attempt(result)
        if config.path is None:  # no class: nothing to submit to
            return
        submitter_id()  # this browser's id (a cookie) before the learner submits, so a reload keeps it
        with st.form(f"challenge:{challenge_key}:submit", border=True):
            st.markdown(f"**Submit this result** ({medal_badge(result.medal)}) for *{challenge.title}* to the "
                        "class board")
            from playground.ui import saved  # the nickname kept across reloads and visits

            nickname = st.text_input("Nickname", max_chars=submissions.MAX_NICKNAME, value=saved.nickname())
            if st.form_submit_button("Submit", icon=":material/send:"):
                _submit(challenge_key, challenge, result, link, nickname)
        write_pending_cookie()  # a new browser id's cookie, if this submission made one


MEDAL_COLOURS = {"bronze": "orange", "silver": "gray", "gold": "yellow"}  # Streamlit's text colours


def medal_badge(medal: str | None) -> str:
    """A medal as Markdown: a coloured medal icon and its name ('not yet' without one)."""
    if medal not in MEDAL_COLOURS:
        return "not yet"
    return f":{MEDAL_COLOURS[medal]}[:material/workspace_premium:] **{medal.capitalize()}**"


def show_attempt(result) -> None:
    """The verdict: a headline, each tier passed or how far off it is (and what to think about), and what
    was measured as readable text."""
    (st.success if result.passed else st.info)(result.explanation,
                                               icon=":material/emoji_events:" if result.passed else None)
    for tier in result.tiers:
        if tier.passed:
            st.markdown(f"{medal_badge(tier.medal)}: :green[:material/check: passed]")
            continue
        st.markdown(f"{medal_badge(tier.medal)}: not yet — " + "; ".join(tier.misses) + ".")
        if tier.think:
            st.caption("Think about it: " + " ".join(dict.fromkeys(tier.think)))
    if result.figures:
        st.caption("Measured: " + result.summary)


def _submit(challenge_key: str, challenge, result, link: str, nickname: str) -> None:
    """Store a challenge result under a nickname this learner owns (see submitter_id), at most a few a
    minute per learner and each result once; says why when it refuses."""
    import math

    from playground.classroom import submissions
    from playground.text import escape_markdown
    from playground.ui import saved

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
            score=result.figures.get(challenge.score), figures=result.figures, url=link, medal=result.medal)
    except submissions.DuplicateSubmission as error:  # Enter, then a click; or the same result again
        saved.keep_nickname(nickname)
        st.info(escape_markdown(str(error)), icon=":material/done_all:")
        return
    except submissions.SubmissionError as error:  # a taken nickname, an empty one
        st.error(escape_markdown(str(error)))
        return
    saved.keep_nickname(nickname)  # offered again after a reload and on the next visit
    st.success("Submitted. Your instructor sees it on the class board.")


def app_base_url(configured: str = "") -> str:
    """Where this app is served, for absolute links ('https://host:8501/prefix'): the class's configured
    `base_url` if it has one, else the address the instructor's own browser uses (st.context.url) and
    the server's base path."""
    if configured:
        return configured.rstrip("/")
    from urllib.parse import urlsplit

    from streamlit import config as st_config

    parts = urlsplit(st.context.url or "")
    if not parts.scheme or not parts.netloc:
        return ""
    prefix = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
