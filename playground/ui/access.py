"""A class server's configuration and access: classroom.toml once per process, signing in (passwords with a
throttle, OpenID Connect), signed revocable cookies, signing out, and the class's database."""

from __future__ import annotations

import logging

import streamlit as st

from playground.ui.components import cookie_writer
from playground.ui.state import session_id

log = logging.getLogger("neural_playground")

@st.cache_resource(show_spinner=False)
def class_config():
    """The instructor's classroom.toml, read once per server (ClassConfigError if it is wrong, or if the
    class signs cookies and the server has no secret to sign them with)."""
    from playground.classroom import config as classroom
    from playground.classroom import server_load, tokens
    from playground.tfplayground import settings as playground_settings

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


def client_id() -> str:
    """Who is trying a password, for the throttle: the browser's address (through the class's trusted
    proxies, see access.client_address), else this session."""
    from playground.classroom.access import client_address

    headers = st.context.headers
    peer = st.context.ip_address
    if peer is None and len(headers):  # Streamlit reports a loopback peer as None
        peer = "127.0.0.1"
    address = client_address(peer, headers.get_all("X-Forwarded-For"), class_config().access.trusted_proxies)
    return address or f"session:{session_id()}"


_ACCESS_COOKIE = "np_class_access"  # a signed role token (playground.classroom.tokens)
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
    from playground.classroom import tokens

    secret = tokens.server_secret(_class_secrets(), _cookie_secret())
    return None if secret is None else tokens.token_key(secret)


def access_token(role: str, days: float = 1.0):
    """A new signed role token for the access cookie (so a reload keeps the learner signed in): (value, Token)."""
    from playground.classroom import tokens

    key = _token_key()
    if key is None:
        raise tokens.MissingSecret("no server secret")
    return tokens.issue(key, "role", role, seconds=days * 86400)


def _role_from_token(token: str | None):
    """The Token in an access cookie, if this server signed it and it has not expired (revocation apart)."""
    from playground.classroom import tokens

    key = _token_key()
    return None if key is None else tokens.read(key, token, "role")


@st.cache_resource(show_spinner=False)
def _revoked_cache():
    from playground.classroom import tokens

    return tokens.RevokedCache(submissions_engine)


def _revoked(token_id: str, fresh: bool) -> bool:
    """Whether a token was signed out: a fresh look in the class's database for a token a session brings,
    this process's copy (re-read every few seconds) for the one it holds. Unreadable: treated as revoked."""
    from playground.classroom import tokens

    try:
        return tokens.is_revoked(submissions_engine(), token_id) if fresh else token_id in _revoked_cache()
    except Exception:  # the database is away: sign in again rather than trust the token
        logging.getLogger(__name__).exception("cannot read the revoked tokens")
        return True


def current_role() -> str | None:
    """This session's role as signed_in_role settled it ('learner', 'instructor'), None before signing in."""
    from playground.classroom.access import Signed

    signed = st.session_state.get(_SIGNED)
    return signed.role if isinstance(signed, Signed) else None


def signed_in_role(config) -> str | None:
    """'instructor', 'learner' or None (must sign in), settled on every page run (see access.resolve_role):
    without a class everyone is a learner; with OpenID Connect the identity decides; otherwise the role this
    session signed in with, else the browser's signed, unrevoked cookie (not after signing out)."""
    from playground.classroom.access import Signed, resolve_role

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
    from playground.classroom.access import check_password

    secrets_ = _class_secrets()
    hashes = {"instructor": secrets_.get("instructor_password_hash", ""), "learner": secrets_.get("password_hash", "")}
    role = check_password(password, hashes, client_id(), _failed_tries())
    if role is not None:
        remember_role(role)
    return role


@st.cache_resource(show_spinner=False)
def _failed_tries():
    from playground.classroom.access import FailedTries

    return FailedTries()


def _queue_cookie(name: str, value: str, max_age: int) -> None:
    from playground.classroom import tokens

    https = tokens.served_over_https(st.context.url, st.context.headers.get("Origin"))
    st.session_state.setdefault(_COOKIES, []).append(tokens.cookie(name, value, max_age, https))


def remember_role(role: str) -> None:
    """Sign this session in with a role and, through a signed cookie, the next page loads too."""
    from playground.classroom.access import Signed

    value, token = access_token(role)
    st.session_state[_SIGNED] = Signed(role, "token", token.id, token.until)
    st.session_state.pop(_SIGNED_OUT, None)
    _queue_cookie(_ACCESS_COOKIE, value, 86400)


def sign_out() -> None:
    """End the role in this session at once, revoke its token (and the cookie's) for every process, and
    delete the cookies, so neither this tab, a reload nor a copy of the cookie is still signed in."""
    from playground.classroom import tokens
    from playground.classroom.access import Signed

    held = st.session_state.pop(_SIGNED, None)
    revoke = [tokens.Token("role", held.role, held.token_id, held.until)] \
        if isinstance(held, Signed) and held.token_id else []
    brought = _role_from_token(st.context.cookies.get(_ACCESS_COOKIE))
    if brought is not None:
        revoke.append(brought)
    for token in revoke:
        try:
            tokens.revoke(submissions_engine(), token)
        except Exception:  # the cookie is deleted and this session signed out all the same
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
        cookie_writer()(data={"cookies": cookies}, key=f"np-cookie-{abs(hash(tuple(cookies))) % 10**8}")


def submitter_id() -> str:
    """Who owns the nicknames this session submits under and the work it keeps (ui.saved): the OpenID
    Connect e-mail, else this browser's random id from its signed cookie (a new one if it has none or it is
    forged), else (no key to sign it with) this session."""
    from playground.classroom import tokens

    config = class_config()
    if config.access.mode == "oidc" and getattr(st.user, "is_logged_in", False):
        return "oidc:" + str(getattr(st.user, "email", "") or "").strip().lower()
    owner = st.session_state.get(_BROWSER)
    if owner:
        return owner
    key = _browser_key()
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
def _local_browser_key() -> bytes:
    """The key of browser ids on a server without a secret of its own (a learner's laptop): from a random
    secret made once and kept in the class's database (saved_work.local_secret). Raises if the database
    cannot be reached (not cached: the next run tries again)."""
    from playground.classroom import saved_work, tokens

    return tokens.token_key(saved_work.local_secret(saved_work_engine()))


def _browser_key() -> bytes | None:
    """The key of the browser-id cookie: the server secret's, else the local one. Never a role token's:
    _token_key alone signs and reads those."""
    key = _token_key()
    if key is not None:
        return key
    try:
        return _local_browser_key()
    except Exception:  # the database is away: this session only, nothing kept for later
        log.exception("cannot read the local secret for browser ids")
        return None


def has_instructor_password() -> bool:
    return bool(_class_secrets().get("instructor_password_hash"))


@st.cache_resource(show_spinner=False)
def submissions_engine():
    """The class's submissions database (st.connection, SQLAlchemy): SQLite by default, PostgreSQL by URL."""
    from playground.classroom import submissions
    from playground.classroom.config import config_path
    from playground.classroom.storage_url import submissions_url

    config = class_config()  # a container's $NP_STORAGE_URL (+ password file) comes before classroom.toml's
    url = submissions_url(config.storage_url, f"sqlite:///{config_path().with_suffix('.sqlite')}")
    connection = st.connection("submissions", type="sql", url=url)
    return submissions.prepare(connection._instance)  # noqa: SLF001 - the SQLAlchemy engine itself


@st.cache_resource(show_spinner=False)
def saved_work_engine():
    """The submissions' database with the saved-work tables (playground.classroom.saved_work) made."""
    from playground.classroom import saved_work

    return saved_work.prepare(submissions_engine())


def access_sidebar(config, role: str) -> None:
    """The sidebar's foot: who is signed in, signing out, and the instructor's own sign-in (a class only:
    on a learner's laptop nobody signs in and nobody is an instructor)."""
    from playground.classroom.access import TooManyTries
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
