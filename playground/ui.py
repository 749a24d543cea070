"""Streamlit helpers shared by the lesson pages: per-learner lesson state, the shared sidebar, cached
loaders and small layout pieces. The only module of the library that imports Streamlit.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import streamlit as st

from playground import catalog, mnist, thumbnails, toy_data
from playground.png import data_uri

T = TypeVar("T")
log = logging.getLogger("neural_playground")

_STATE = "lesson-state:"  # session_state key prefix of a lesson's state object
_SEED_SLOT = "_np_seed_slot"


# ---------------------------------------------------------------- per-learner state (st.session_state)


_GENERATION = "_np_widget_generation:"  # bumped by 'reset this lesson': every widget starts afresh
_SETTINGS_GENERATION = "_np_settings_generation:"  # bumped when settings change elsewhere (a link, a file)


def widget_key(lesson_key: str, name: str) -> str:
    """The session_state key of a lesson's widget: "<lesson>:<generation>:<name>". 'Reset this lesson'
    bumps the generation, so every widget of the lesson (even one the lesson never reads) starts afresh."""
    return f"{lesson_key}:{st.session_state.get(_GENERATION + lesson_key, 0)}:{name}"


def settings_key(lesson_key: str, name: str) -> str:
    """The key of a widget that shows one of the lesson's settings (its value comes from the settings on
    every run, and its on_change writes back). When the settings change elsewhere, renew_settings_widgets
    gives these widgets new identities so they redraw from the new settings."""
    generation = st.session_state.get(_SETTINGS_GENERATION + lesson_key, 0)
    return widget_key(lesson_key, f"s{generation}:{name}")


def renew_settings_widgets(lesson_key: str) -> None:
    _bump(_SETTINGS_GENERATION + lesson_key)


def _bump(counter: str) -> None:
    st.session_state[counter] = st.session_state.get(counter, 0) + 1


def lesson_state(lesson_key: str, factory: Callable[[], T]) -> T:
    """This learner's state object for a lesson, created by `factory` on first use.

    It lives in st.session_state, so it is private to the learner's browser session and survives
    reruns, page changes and interrupted training loops.
    """
    key = _STATE + lesson_key
    if key not in st.session_state:
        st.session_state[key] = factory()
    return st.session_state[key]


def has_lesson_state(lesson_key: str) -> bool:
    return _STATE + lesson_key in st.session_state


def reset_lesson(lesson_key: str) -> None:
    """Forget everything a lesson holds for this learner: its state, its widgets, its URL settings."""
    for key in list(st.session_state.keys()):
        if key == _STATE + lesson_key or str(key).startswith(lesson_key + ":"):
            del st.session_state[key]
    _bump(_GENERATION + lesson_key)
    st.query_params.clear()


# ---------------------------------------------------------------- the shared sidebar


def shared_sidebar(lesson_key: str | None) -> None:
    """Below the navigation: 'reset this lesson' and the seed the lesson uses (filled by the page)."""
    with st.sidebar:
        if lesson_key is None:
            st.session_state[_SEED_SLOT] = None
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
        st.session_state[_SEED_SLOT] = st.empty()


def show_seed(seed: object, note: str = "") -> None:
    """Show the seed in use in the sidebar, so a learner can quote it and get the same run (a link's seed
    is shown as the text it is: escaped, not in backticks, which a seed holding a backtick would close)."""
    from playground.text import escape_markdown

    slot = st.session_state.get(_SEED_SLOT)
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


# ---------------------------------------------------------------- cached loaders (per server process)


@st.cache_resource(show_spinner=False)
def _background_work() -> dict[str, bytes]:
    """Started once per server: draws the home cards' pictures (some train a small network) and
    compiles the Playground engine, in a background thread, so the first page appears at once."""
    done: dict[str, bytes] = {}

    def work() -> None:
        for lesson in catalog.LESSONS:
            try:
                done[lesson.thumbnail] = getattr(thumbnails, lesson.thumbnail)()
            except Exception:  # noqa: BLE001 - a card without its picture is better than no page
                log.exception("drawing the %s card failed", lesson.key)
        try:
            from playground import engine_cache

            engine_cache.warm()  # loads (or compiles) every kernel a Playground session uses
        except Exception:  # noqa: BLE001
            log.exception("warming up the Playground engine failed")

    # not a daemon: a process that ends early (a test, a quick Ctrl-C) waits for it rather than tearing
    # PyTorch down under it (which aborts the process)
    threading.Thread(target=work, name="neural-playground-warm-up", daemon=False).start()
    return done


def start_background_work() -> None:
    _background_work()


def thumbnail_png(function_name: str) -> bytes | None:
    """A home-card picture, or None while the background thread is still drawing it."""
    return _background_work().get(function_name)


def thumbnails_ready() -> bool:
    ready = _background_work()
    return all(lesson.thumbnail in ready for lesson in catalog.LESSONS)


@st.cache_data(show_spinner=False, max_entries=64)
def dataset_thumbnail_png(name: str) -> bytes:
    return thumbnails.dataset_thumbnail_png(name)


@st.cache_data(show_spinner=False, max_entries=128)
def toy_dataset(name: str, noise_percent: float, perc_train: int, seed: str, n_classes: int | None = None):
    """A generated toy dataset and the PRNG positioned after it (for TF-identical initial weights)."""
    return toy_data.make_data(name, noise_percent, perc_train, seed, n_classes=n_classes)


@st.cache_resource(show_spinner="Loading the digits…", max_entries=4)
def digit_data(source_key: str) -> mnist.DigitData:
    """Digit images, loaded once per server and shared read-only by every learner.

    cache_resource rather than cache_data: cache_data would hand every call its own unpickled copy
    (full MNIST is ~55 MB as uint8); these arrays are never written, and are locked so they cannot be.
    """
    data = mnist.load_source(source_key)
    for array in (data.train_images, data.train_labels, data.test_images, data.test_labels):
        array.flags.writeable = False
    return data


@st.cache_resource(show_spinner="Preparing the digits for training…", max_entries=4)
def digit_tensors(source_key: str):
    """The digits as PyTorch tensors, once per server, shared read-only by every learner's trainer."""
    from playground.digit_training import DigitTensors  # imports torch: only pages that train pay for it

    d = digit_data(source_key)
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


@st.cache_data(show_spinner=False)
def digit_sources() -> list[mnist.SourceInfo]:
    return mnist.available_sources()


# ---------------------------------------------------------------- layout pieces


def lesson_header(lesson_key: str, intro: str | None = None, notices: list[str] | tuple[str, ...] = ()) -> None:
    """The page title, its one-line summary (or a longer introduction), and under them what a link's
    values could not be used for (each notice already Markdown-safe)."""
    lesson = catalog.lesson_by_key(lesson_key)
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
        picture = thumbnail_png(lesson.thumbnail)
        if picture is None:
            st.container(height=150, border=False).caption("Drawing this picture…")
        else:
            st.image(picture, width="stretch")
        badge = " :blue-badge[Start here]" if start_here else ""
        st.markdown(f"**{number}. {lesson.title}**{badge}")
        st.caption(lesson.summary)
        lesson_link(lesson.key, label="Open the lesson", icon=":material/arrow_forward:")


def require_digit_model(lesson, key_prefix: str) -> None:
    """Stop the page with a friendly way forward when this learner has no trained digit network yet:
    a link to the training lesson, or a quick one-epoch network trained right here."""
    if lesson.trainer is not None:
        return
    shown = lesson_link_target("mnist-train", class_config().lessons) is not None
    st.info("There is no trained digit network yet. " + ("Train one in *Train a digit recogniser*, or train a "
            "quick one here" if shown else "Train a quick one here") + " (one epoch of the default network, a few "
            "seconds).", icon=":material/model_training:")
    c1, c2 = st.columns([1, 3])
    lesson_link("mnist-train", label="Train a digit recogniser", icon=":material/arrow_forward:", container=c1)
    if c2.button("Train a quick network here", key=f"{key_prefix}:quick-train"):
        # through the training driver, as every training: the class's slot and limits apply here too
        from playground import training_driver as driver
        from playground.digit_models import SizeLimits

        class_limits = class_config().limits
        limits = driver.TrainingLimits.of_class(class_limits)
        trainer = lesson.quick_trainer(digit_tensors(lesson.source), SizeLimits.of_class(class_limits))
        with st.spinner("Training one epoch…"):
            outcome = train(trainer, driver.TrainingRun(), limits)
        if trainer.examples:  # keep what it learned, also when a class limit or a click ended it early
            lesson.adopt(trainer, lesson.source)
            if driver.limit_message(outcome, limits):
                st.toast(driver.limit_message(outcome, limits))
        st.rerun()
    st.stop()


def train(trainer, run, limits, progress: Callable[[], object] | None = None, until_epoch: float | None = None,
          notice: Any = None):
    """Train through the one training driver for this learner's session: a notice (in `notice`, a
    placeholder, or a new one) while the class's training slots are all taken, and a click on the page
    ends the loop so that it is answered. Returns the driver's Outcome."""
    from playground import training_driver as driver

    notice = notice if notice is not None else st.empty()
    return driver.run_training(
        trainer, run, session_id(), limits, progress=progress, until_epoch=until_epoch,
        should_stop=rerun_requested, waited=notice.empty,
        waiting=lambda *status: notice.info(driver.waiting_message(*status), icon=":material/hourglass_top:"))


def try_this(items: list[tuple[str, str]]) -> None:
    """A 'Try this' list: an experiment and what to look for."""
    with st.expander("Try this", icon=":material/science:", expanded=False):
        st.markdown("\n".join(f"- **{do}** — {look_for}" for do, look_for in items))


def as_readonly(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


def query_value(name: str, default: Any = None) -> Any:
    """One query-string value (the last one if the key is repeated), or `default`."""
    values = st.query_params.get_all(name)
    return values[-1] if values else default


# ---------------------------------------------------------------- the Playground's network view (custom component)

_WEB = Path(__file__).resolve().parent / "web"
_NETWORK_EVENTS = ("add_point", "edit", "toggle_feature", "select_node", "shape")


@st.cache_resource
def _network_view_component():
    return st.components.v2.component(
        "np_network_view",
        html="<div class='npv-root'></div>",
        css=(_WEB / "network_view.css").read_text(),
        js=(_WEB / "network_view.js").read_text(),
    )


@st.cache_resource
def _frame_pump_component():
    return st.components.v2.component("np_frame_pump", html="<span></span>", js=(_WEB / "frame_pump.js").read_text())


def network_view(data: dict, key: str, on_event: Callable[[str, Any], None]) -> None:
    """Mount the live network view; each learner action calls on_event(name, value) before the rerun."""

    def handler(name: str) -> Callable[[], None]:
        def call() -> None:
            value = getattr(st.session_state.get(key), name, None)
            if value is not None:
                on_event(name, value)

        return call

    callbacks = {f"on_{name}_change": handler(name) for name in _NETWORK_EVENTS}
    _network_view_component()(data=data, key=key, **callbacks)


def rerun_requested() -> bool:
    """Whether the learner has done something the page must answer (a click queued for a rerun).

    A training loop calls this every frame and returns when it is true: a click inside a fragment
    does not interrupt a running script on its own (Streamlit queues it), so the loop must yield.
    Reads Streamlit 1.67's request queue (pinned in requirements.txt).
    """
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    requests = getattr(ctx, "script_requests", None)
    # a rerun, or a stop (the tab was closed): either way the loop has nothing more to do
    return requests is not None and getattr(requests, "_state", None) in (ScriptRequestType.RERUN,
                                                                          ScriptRequestType.STOP)


def frame_pump(events: dict[str, dict]) -> None:
    """Send one training frame to the live views on this page, {channel: frame} (see web/frame_pump.js)."""
    _frame_pump_component()(data={"events": [{"channel": c, "frame": f} for c, f in events.items()]})


@st.cache_resource
def _live_image_component():
    return st.components.v2.component("np_live_image", html="<img>", js=(_WEB / "live_image.js").read_text())


def live_image(png: bytes, channel: str, key: str, alt: str = "", width: int = 360) -> None:
    """A picture that frame_pump({channel: {"src": data URI}}) can replace while training plays."""
    src = data_uri(png)
    _live_image_component()(data={"src": src, "channel": channel, "alt": alt, "width": width}, key=key)


@st.cache_resource
def _digit_pad_component():
    return st.components.v2.component(
        "np_digit_pad",
        html="<div class='npp'></div>",
        css=(_WEB / "digit_pad.css").read_text(),
        js=(_WEB / "digit_pad.js").read_text(),
    )


def digit_pad(key: str, remembered: dict | None = None, size: int = 280, ink: int = 20) -> dict | None:
    """The drawing pad (web/digit_pad.js): {"png": data URL, "strokes": [...]}, or None while it is empty.

    It answers the moment a stroke ends (streamlit-drawable-canvas waits 200 ms after every stroke before
    it tells Python, which alone used up the lesson's 200 ms from stroke to reading). Streamlit forgets a
    widget's value when the learner leaves its page: `remembered`, the last drawing this returned, is
    drawn on the pad again and returned until the learner draws or clears.
    """
    from playground.digit_drawing import pad_strokes

    value = getattr(st.session_state.get(key), "drawing", None)
    shown = value if isinstance(value, dict) else remembered
    strokes = pad_strokes(shown.get("strokes"), side=size) if isinstance(shown, dict) else []
    result = _digit_pad_component()(data={"size": size, "ink": ink, "strokes": strokes}, key=key,
                                    default={"drawing": None}, on_drawing_change=lambda: None)
    drawing = result.get("drawing")
    if drawing is None:  # a pad mounted afresh
        drawing = remembered
    if not isinstance(drawing, dict) or not drawing.get("png"):
        return None
    return drawing


@st.cache_resource
def _dataset_picker_component():
    return st.components.v2.component(
        "np_dataset_picker",
        html="<div class='npd'></div>",
        css=(_WEB / "dataset_picker.css").read_text(),
        js=(_WEB / "dataset_picker.js").read_text(),
    )


def dataset_picker(names: list[str], labels: dict[str, str], selected: str | None, key: str,
                   on_pick: Callable[[str], None]) -> None:
    """TF's clickable dataset thumbnails; on_pick(name) runs before the rerun."""

    def picked() -> None:
        name = getattr(st.session_state.get(key), "pick", None)
        if name in names:
            on_pick(name)

    items = [
        {"name": n, "label": labels.get(n, n),
         "src": data_uri(dataset_thumbnail_png(n))}
        for n in names
    ]
    _dataset_picker_component()(data={"items": items, "selected": selected}, key=key, on_pick_change=picked)


# ---------------------------------------------------------------- a class server: configuration and access


@st.cache_resource(show_spinner=False)
def class_config():
    """The instructor's classroom.toml, read once per server (ClassConfigError if it is wrong, or if the
    class signs cookies and the server has no secret to sign them with)."""
    from playground import classroom, playground_settings, server_load, tokens

    config = classroom.load_class_config()
    if classroom.needs_secret(config, _class_secrets()) and _token_key() is None:
        raise classroom.ClassConfigError(f"{config.path.name}: {tokens.MISSING_SECRET}")
    limits = config.limits
    if limits.max_hidden_layers is not None or limits.max_neurons is not None:
        base = playground_settings.ADVANCED_LIMITS
        playground_settings.set_class_limits(playground_settings.Limits(
            max_layers=limits.max_hidden_layers if limits.max_hidden_layers is not None else base.max_layers,
            max_neurons=limits.max_neurons if limits.max_neurons is not None else base.max_neurons,
            max_batch=base.max_batch, max_noise=base.max_noise))
    server_load.TRAINING_SLOTS.set_capacity(limits.max_concurrent_trainings)
    return config


def session_id() -> str:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def client_id() -> str:
    """Who is trying a password, for the throttle: the browser's address (through the class's trusted
    proxies, see access.client_address), else this session."""
    from playground.access import client_address

    headers = st.context.headers
    peer = st.context.ip_address
    if peer is None and len(headers):  # Streamlit reports a loopback peer as None
        peer = "127.0.0.1"
    address = client_address(peer, headers.get_all("X-Forwarded-For"), class_config().access.trusted_proxies)
    return address or f"session:{session_id()}"


_ACCESS_COOKIE = "np_class_access"  # a signed role token (playground.tokens)
_BROWSER_COOKIE = "np_browser"  # a signed random id of this browser: who owns a nickname
_SIGNED = "_np_signed"  # an access.Signed: this session's settled role
_SIGNED_OUT = "_np_signed_out"  # this session signed out: its cookie no longer counts
_BROWSER = "_np_browser"
_COOKIES = "_np_cookies"  # cookie assignments for the browser, written by write_pending_cookie


def _class_secrets() -> dict:
    try:
        return dict(st.secrets.get("classroom", {}))
    except Exception:  # noqa: BLE001 - no secrets file: no passwords
        return {}


def _cookie_secret() -> str | None:
    """server.cookieSecret when it was set for this server (not the one Streamlit makes up per process)."""
    from streamlit import config as st_config

    return st_config.get_option("server.cookieSecret") if st_config.is_manually_set("server.cookieSecret") else None


def _token_key() -> bytes | None:
    """The key of this server's cookie tokens; None without a server secret (then no token is made or
    trusted, and a class that needs one does not start)."""
    from playground import tokens

    secret = tokens.server_secret(_class_secrets(), _cookie_secret())
    return None if secret is None else tokens.token_key(secret)


def access_token(role: str, days: float = 1.0):
    """A new signed role token for the access cookie (so a reload keeps the learner signed in): (value, Token)."""
    from playground import tokens

    key = _token_key()
    if key is None:
        raise tokens.MissingSecret("no server secret")
    return tokens.issue(key, "role", role, seconds=days * 86400)


def _role_from_token(token: str | None):
    """The Token in an access cookie, if this server signed it and it has not expired (revocation apart)."""
    from playground import tokens

    key = _token_key()
    return None if key is None else tokens.read(key, token, "role")


@st.cache_resource(show_spinner=False)
def _revoked_cache():
    from playground import tokens

    return tokens.RevokedCache(submissions_engine)


def _revoked(token_id: str, fresh: bool) -> bool:
    """Whether a token was signed out: a fresh look in the class's database for a token a session brings,
    this process's copy (re-read every few seconds) for the one it holds. Unreadable: treated as revoked."""
    from playground import tokens

    try:
        return tokens.is_revoked(submissions_engine(), token_id) if fresh else token_id in _revoked_cache()
    except Exception:  # noqa: BLE001 - the database is away: sign in again rather than trust the token
        logging.getLogger(__name__).exception("cannot read the revoked tokens")
        return True


def current_role() -> str | None:
    """This session's role as signed_in_role settled it ('learner', 'instructor'), None before signing in."""
    from playground.access import Signed

    signed = st.session_state.get(_SIGNED)
    return signed.role if isinstance(signed, Signed) else None


def signed_in_role(config) -> str | None:
    """'instructor', 'learner' or None (must sign in), settled on every page run (see access.resolve_role):
    without a class everyone is a learner; with OpenID Connect the identity decides; otherwise the role this
    session signed in with, else the browser's signed, unrevoked cookie (not after signing out)."""
    from playground.access import Signed, resolve_role

    held = st.session_state.get(_SIGNED)
    held = held if isinstance(held, Signed) else None
    has_class, mode = config.path is not None, config.access.mode
    token = _role_from_token(st.context.cookies.get(_ACCESS_COOKIE)) if has_class and mode != "oidc" else None
    email = None
    if has_class and mode == "oidc" and getattr(st.user, "is_logged_in", False):
        email = str(getattr(st.user, "email", "") or "")
    signed = resolve_role(
        has_class=has_class, mode=mode, held=held, signed_out=bool(st.session_state.get(_SIGNED_OUT)),
        cookie_role=token.subject if token else None, cookie_token_id=token.id if token else None,
        cookie_until=token.until if token else 0,
        revoked=lambda token_id: _revoked(token_id, fresh=held is None or token_id != held.token_id),
        oidc_email=email, allowed_domains=config.access.allowed_domains, instructors=config.access.instructors)
    if signed is None:
        st.session_state.pop(_SIGNED, None)
        return None
    st.session_state[_SIGNED] = signed
    return signed.role


def try_password(password: str) -> str | None:
    """Check a password against the instructor's and the learners' hashes (slowly after failures from this
    client; TooManyTries when its turn is too far off) and sign in with the role it opens."""
    from playground.access import check_password

    secrets_ = _class_secrets()
    hashes = {"instructor": secrets_.get("instructor_password_hash", ""), "learner": secrets_.get("password_hash", "")}
    role = check_password(password, hashes, client_id(), _failed_tries())
    if role is not None:
        remember_role(role)
    return role


@st.cache_resource(show_spinner=False)
def _failed_tries():
    from playground.access import FailedTries

    return FailedTries()


@st.cache_resource
def _cookie_component():
    return st.components.v2.component(
        "np_set_cookie", html="<span></span>",
        # (a newline: Streamlit takes a one-line string with '?' in it for a file name)
        js="export default function (c) {\n  for (const k of c.data.cookies) {\n    document.cookie = k + "
           "(location.protocol === 'https:' && !k.includes('; Secure') ? '; Secure' : '');\n  }\n}\n",
    )


def _queue_cookie(name: str, value: str, max_age: int) -> None:
    from playground import tokens

    https = tokens.served_over_https(st.context.url, st.context.headers.get("Origin"))
    st.session_state.setdefault(_COOKIES, []).append(tokens.cookie(name, value, max_age, https))


def remember_role(role: str) -> None:
    """Sign this session in with a role and, through a signed cookie, the next page loads too."""
    from playground.access import Signed

    value, token = access_token(role)
    st.session_state[_SIGNED] = Signed(role, "token", token.id, token.until)
    st.session_state.pop(_SIGNED_OUT, None)
    _queue_cookie(_ACCESS_COOKIE, value, 86400)


def sign_out() -> None:
    """End the role in this session at once, revoke its token (and the cookie's) for every process, and
    delete the cookies, so neither this tab, a reload nor a copy of the cookie is still signed in."""
    from playground import tokens
    from playground.access import Signed

    held = st.session_state.pop(_SIGNED, None)
    revoke = [tokens.Token("role", held.role, held.token_id, held.until)] \
        if isinstance(held, Signed) and held.token_id else []
    brought = _role_from_token(st.context.cookies.get(_ACCESS_COOKIE))
    if brought is not None:
        revoke.append(brought)
    for token in revoke:
        try:
            tokens.revoke(submissions_engine(), token)
        except Exception:  # noqa: BLE001 - the cookie is deleted and this session signed out all the same
            logging.getLogger(__name__).exception("cannot revoke a signed-out token")
        _revoked_cache().add(token.id)
    st.session_state[_SIGNED_OUT] = True
    st.session_state.pop(_BROWSER, None)  # the next learner at this computer does not inherit a nickname
    _queue_cookie(_ACCESS_COOKIE, "", 0)
    _queue_cookie(_BROWSER_COOKIE, "", 0)


def write_pending_cookie() -> None:
    """Hand the browser the cookies this run set or deleted (an invisible component)."""
    cookies = st.session_state.pop(_COOKIES, None)
    if cookies:
        _cookie_component()(data={"cookies": cookies}, key=f"np-cookie-{abs(hash(tuple(cookies))) % 10**8}")


def submitter_id() -> str:
    """Who owns the nicknames this session submits under: the OpenID Connect e-mail, else this browser's
    id from its signed cookie (a new one if it has none), else (no server secret) this session."""
    from playground import tokens

    config = class_config()
    if config.access.mode == "oidc" and getattr(st.user, "is_logged_in", False):
        return "oidc:" + str(getattr(st.user, "email", "") or "").strip().lower()
    owner = st.session_state.get(_BROWSER)
    if owner:
        return owner
    key = _token_key()
    if key is None:
        owner = f"session:{session_id()}"
    else:
        token = tokens.read(key, st.context.cookies.get(_BROWSER_COOKIE), "browser")
        if token is None:
            value, token = tokens.issue(key, "browser", seconds=180 * 86400)
            _queue_cookie(_BROWSER_COOKIE, value, 180 * 86400)
        owner = f"browser:{token.subject}"
    st.session_state[_BROWSER] = owner
    return owner


@st.cache_resource(show_spinner=False)
def _submission_limit():
    from playground import submissions

    return submissions.RateLimit(count=6, seconds=60.0)


def has_instructor_password() -> bool:
    return bool(_class_secrets().get("instructor_password_hash"))


@st.cache_resource(show_spinner=False)
def submissions_engine():
    """The class's submissions database (st.connection, SQLAlchemy): SQLite by default, PostgreSQL by URL."""
    from playground import submissions
    from playground.classroom import config_path
    from playground.storage_url import submissions_url

    config = class_config()  # a container's $NP_STORAGE_URL (+ password file) comes before classroom.toml's
    url = submissions_url(config.storage_url, f"sqlite:///{config_path().with_suffix('.sqlite')}")
    connection = st.connection("submissions", type="sql", url=url)
    return submissions.prepare(connection._instance)  # noqa: SLF001 - the SQLAlchemy engine itself


def class_session_name() -> str:
    """The class session submissions go to now (named by the instructor on the class board)."""
    import datetime as _dt

    from playground import submissions

    return submissions.current_class_session(submissions_engine(), _dt.date.today().isoformat())


def challenge_panel(challenge_key: str, attempt, url: str) -> None:
    """A lesson's challenge: its goal, the app's own check of the learner's network, and (on a class
    server) a submission under a nickname with the link that reproduces the result."""
    from playground import challenges, submissions

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

    from playground import submissions
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


def busy_notice(players: int) -> None:
    """Say that the server is busy (many learners share it, or it is slow): pictures come less often."""
    st.caption(f":material/hourglass_top: busy: sharing the server with {players} learners — pictures "
               "come a little less often.")


def access_sidebar(config, role: str) -> None:
    """The sidebar's foot: who is signed in, signing out, and the instructor's own sign-in (a class only:
    on a learner's laptop nobody signs in and nobody is an instructor)."""
    from playground.access import TooManyTries
    from playground.text import escape_markdown

    if config.path is None:
        return
    with st.sidebar:
        if config.access.mode == "oidc":
            if getattr(st.user, "is_logged_in", False):
                st.caption(f"Signed in as {escape_markdown(st.user.email)}"
                           + (" (instructor)" if role == "instructor" else ""))
                if st.button("Sign out", key="sidebar:sign-out", icon=":material/logout:"):
                    sign_out()
                    st.logout()
            return
        if config.access.mode == "password" or role == "instructor":
            st.caption(f"Signed in as {'the instructor' if role == 'instructor' else 'a learner'}.")
            if st.button("Sign out", key="sidebar:sign-out", icon=":material/logout:"):
                sign_out()
                st.rerun()
        if role != "instructor" and has_instructor_password():
            with st.expander("Instructor", icon=":material/school:"), st.form("sidebar:instructor", border=False):
                password = st.text_input("Instructor password", type="password")
                if st.form_submit_button("Open the class board"):
                    try:
                        if try_password(password) == "instructor":
                            st.rerun()
                        st.error("That is not the instructor password.")
                    except TooManyTries as error:
                        st.error(str(error))
