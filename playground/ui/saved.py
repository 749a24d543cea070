"""This learner's work across reloads and later visits (playground.classroom.saved_work, in the class's
database): who the learner is (access.submitter_id: the signed-in e-mail, else this browser's signed
random id), the digit network brought back when a session starts, kept again after what changes it, the
nickname, and the digit page's 'Save and open' (a file to download and to open).

Where saving happens: state.digit_lesson() restores a new session's digit lesson and, on later runs,
keeps it when something changed since it was last kept (a training stopped or finished, a quick network,
drawings, 'New model', settings, an opened file); training.train keeps it as a run ends (also mid-page,
e.g. 'Retrain with my drawings'); challenges keeps the nickname; state.reset_lesson forgets it.
"""

from __future__ import annotations

import logging

import streamlit as st

from playground.ui.access import class_config, saved_work_engine, submitter_id

log = logging.getLogger("neural_playground")

DIGITS, NICKNAME = "digits", "nickname"  # saved_work's lesson keys
DIGIT_STATE = "mnist"  # the digit pages' session-state group (catalog: mnist-train's state_key)
_KEPT = "_np_saved_fingerprint"  # what the digit lesson was when it was last kept (or restored)
_HAD_NETWORK = "_np_saved_had_network"  # this session had a network: its later states are kept
_FAILED = "_np_saved_failed"  # the store could not be reached: said once per session
_OPENED = "_np_saved_opened"  # the message of the last file opened (shown in 'Save and open')
NICKNAME_STATE = "_np_nickname"


def owner() -> str | None:
    """Whose work this session keeps ("oidc:<e-mail>" or "browser:<id>"); None when nothing can be kept
    for later (no key to sign a browser id with)."""
    who = submitter_id()
    return None if who.startswith("session:") else who


def _sizes():
    from playground.digits.models import SizeLimits

    return SizeLimits.of_class(class_config().limits)


def _failed(what: str) -> None:
    log.exception("saved work: %s", what)
    if not st.session_state.get(_FAILED):
        st.session_state[_FAILED] = True
        st.toast("Your work could not be kept on the server just now; it stays in this tab. Download the "
                 "network to keep a copy.", icon=":material/cloud_off:")


# ------------------------------------------------------------------------------------------------ digits


def _fingerprint(lesson) -> tuple:
    """What saving the lesson depends on, cheap to compare on every run (no weights are read)."""
    t = lesson.trainer
    return (id(t), -1 if t is None else t.version, -1 if t is None else t.examples, None if t is None else t.config,
            lesson.trained_on, lesson.source, lesson.spec, lesson.config, id(lesson.extra),
            tuple(lesson.extra.labels))


def restore_digit_work(lesson) -> None:
    """A new session's digit lesson: the learner's kept work, if any, with a small notice when it brings
    a network back. A kept network this machine cannot use (its data is missing, the class's limits are
    smaller now) is left kept, with a notice; never an exception."""
    from playground.classroom import saved_work
    from playground.digits import network_file
    from playground.text import escape_markdown
    from playground.ui.resources import digit_tensors

    st.session_state[_KEPT] = _fingerprint(lesson)
    who = owner()
    if who is None:
        return
    try:
        kept = saved_work.load(saved_work_engine(), who, DIGITS)
    except Exception:  # noqa: BLE001 - the database is away: start afresh, say so once
        _failed("cannot read the kept digit work")
        return
    if kept is None:
        return
    try:
        work = network_file.load_work(kept.blob, max_bytes=saved_work.MAX_BYTES_PER_IDENTITY, sizes=_sizes())
        work.apply(lesson, digit_tensors)
    except ValueError as error:  # a NetworkFileError, or a DigitDataError: its data is not on this machine
        st.toast(f"Your network from before could not be restored: {escape_markdown(str(error))}",
                 icon=":material/warning:")
        return
    except Exception:
        log.exception("saved work: cannot restore the digit work")
        st.toast("Your network from before could not be restored.", icon=":material/warning:")
        return
    st.session_state[_KEPT] = _fingerprint(lesson)
    if lesson.trainer is not None:
        st.session_state[_HAD_NETWORK] = True
        st.toast("Your network from before was restored.", icon=":material/restore:")


def keep_digit_work(lesson) -> None:
    """Keep the digit lesson's work if it changed since it was last kept. A session that never had a
    network keeps nothing (so a second, empty tab does not overwrite the network of the first)."""
    from playground.classroom import saved_work
    from playground.digits import network_file

    now = _fingerprint(lesson)
    if st.session_state.get(_KEPT) == now:
        return
    st.session_state[_KEPT] = now
    if lesson.trainer is not None:
        st.session_state[_HAD_NETWORK] = True
    who = owner()
    if who is None or not st.session_state.get(_HAD_NETWORK):
        return
    try:
        # within the cap with room for the nickname; without the optimiser's state if that is what fits
        blob = network_file.dump_work(lesson, max_bytes=saved_work.MAX_BYTES_PER_IDENTITY - 10_000)
        saved_work.save(saved_work_engine(), who, DIGITS, blob)
    except saved_work.TooBig as error:
        st.toast(f"This network is not kept for your next visit: {error} Download it to keep it.",
                 icon=":material/save:")
    except Exception:  # noqa: BLE001 - the database is away: the work stays in this tab
        _failed("cannot keep the digit work")


def after_training(trainer) -> None:
    """A training run through ui.train ended (finished, stopped, a limit, a click): keep the digit
    lesson's work if it was its network that trained."""
    from playground.ui.state import existing_digit_lesson

    lesson = existing_digit_lesson()
    if lesson is not None and lesson.trainer is trainer:
        keep_digit_work(lesson)


def forget_lesson(lesson_key: str) -> None:
    """'Reset this lesson': forget what the server keeps for it (the digit pages share one network)."""
    from playground.classroom import saved_work

    if lesson_key != DIGIT_STATE:
        return
    st.session_state.pop(_KEPT, None)
    st.session_state.pop(_HAD_NETWORK, None)
    who = owner()
    if who is None:
        return
    try:
        saved_work.delete(saved_work_engine(), who, DIGITS)
    except Exception:  # noqa: BLE001 - the database is away: forgotten in this tab all the same
        _failed("cannot forget the digit work")


# ------------------------------------------------------------------------------------------------ nickname


def nickname() -> str:
    """The nickname this learner last submitted under (kept across reloads), "" before the first."""
    from playground.classroom import saved_work, submissions

    if NICKNAME_STATE not in st.session_state:
        value = ""
        who = owner()
        if who is not None:
            try:
                kept = saved_work.load(saved_work_engine(), who, NICKNAME)
                if kept is not None:
                    value = submissions.clean_nickname(kept.blob[:400].decode("utf-8", errors="ignore"))
            except submissions.SubmissionError:  # an empty one: none
                value = ""
            except Exception:
                log.exception("saved work: cannot read the nickname")
        st.session_state[NICKNAME_STATE] = value
    return st.session_state[NICKNAME_STATE]


def keep_nickname(name: str) -> None:
    """The learner submitted under `name`: this session and the next ones offer it again."""
    from playground.classroom import saved_work, submissions

    st.session_state[NICKNAME_STATE] = name
    who = owner()
    if who is None:
        return
    try:
        saved_work.save(saved_work_engine(), who, NICKNAME, submissions.clean_nickname(name).encode("utf-8"))
    except Exception:
        log.exception("saved work: cannot keep the nickname")


# ------------------------------------------------------------------------------------------------ files


def _source_names() -> dict[str, str]:
    from playground.ui.resources import digit_sources

    return {s.key: s.name for s in digit_sources()}


def _upload_limit() -> int:
    """The largest file this server takes (server.maxUploadSize, in MB)."""
    from streamlit import config as st_config

    return int(st_config.get_option("server.maxUploadSize")) * 1024 * 1024


def _open_file(key: str, lesson) -> None:
    """The uploader's callback (before the page runs): open the chosen file as the lesson's work, or say
    why not. The lesson's widgets are renewed, so they show the opened network's settings."""
    from playground.digits import network_file
    from playground.text import escape_markdown
    from playground.ui.resources import digit_tensors
    from playground.ui.state import renew_lesson_widgets

    upload = st.session_state.get(key)
    if upload is None or lesson.training:
        return
    name = escape_markdown(str(upload.name), 80)
    try:
        work = network_file.load_work(upload.getvalue(), max_bytes=min(network_file.MAX_BYTES, _upload_limit()),
                                      sizes=_sizes())
        work.apply(lesson, digit_tensors)
    except ValueError as error:  # a NetworkFileError, or a DigitDataError: its data is not on this machine
        st.session_state[_OPENED] = (upload.file_id, "error", f"{name} was not opened: {escape_markdown(str(error))}")
        return
    except Exception:
        log.exception("saved work: cannot open a network file")
        st.session_state[_OPENED] = (upload.file_id, "error", f"{name} was not opened: something went wrong.")
        return
    st.session_state[_HAD_NETWORK] = True
    st.session_state[_OPENED] = (None, "success", f"Opened {name}: {escape_markdown(network_file.describe(work, _source_names()))}.")
    renew_lesson_widgets(DIGIT_STATE)  # the page's widgets (and this uploader) show the opened settings


def network_files(lesson) -> None:
    """'Save and open' for the digit network: download it as a file, open one (this app's .npdigits)."""
    from playground.classroom import saved_work
    from playground.digits import network_file
    from playground.ui.state import widget_key

    with st.expander("Save and open this network", icon=":material/save:",
                     expanded=_OPENED in st.session_state):
        left, right = st.columns(2, gap="large")
        with left:
            if lesson.trainer is None:
                st.caption("Train a network first: then you can download it as a file.")
            else:
                limit = _upload_limit()
                st.download_button(
                    "Download this network", data=lambda: network_file.dump_work(lesson, max_bytes=limit),
                    file_name=f"digit-network-{lesson.trainer.spec.kind}{network_file.SUFFIX}",
                    mime="application/octet-stream", icon=":material/download:", on_click="ignore",
                    disabled=lesson.training, key=widget_key(DIGIT_STATE, "download-network"))
                st.caption("One file with the weights, the curves, the settings and your drawings (and the "
                           f"optimiser's state when the file stays within {limit / 1e6:.0f} MB).")
                weights = lesson.trainer.parameter_count * 4  # float32: the file is at least this
                if weights > limit:
                    st.caption(f"This network's file is over {weights / 1e6:.1f} MB, more than the "
                               f"{limit / 1e6:.0f} MB this server opens: keep it, or open it on a server that "
                               "takes larger files.")
        with right:
            key = widget_key(DIGIT_STATE, "open-network")
            st.file_uploader("Open a network", type=[network_file.SUFFIX.lstrip(".")], key=key,
                             disabled=lesson.training, on_change=_open_file, args=(key, lesson),
                             help="A .npdigits file downloaded from this page; it replaces this network.")
            opened = st.session_state.get(_OPENED)
            if opened is not None:
                file_id, kind, text = opened
                held = st.session_state.get(key)
                if kind == "success":
                    st.success(text, icon=":material/check:")
                    del st.session_state[_OPENED]
                elif held is not None and held.file_id == file_id:  # the refused file is still chosen
                    st.error(text, icon=":material/error:")
                else:
                    del st.session_state[_OPENED]
        st.caption(f"Your network is also kept on this server across reloads and visits: "
                   f"{saved_work.describe_limits()}.")
