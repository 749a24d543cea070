"""An instructor's class configuration, `classroom.toml`: the class title and welcome, which lessons are
shown and in what order, a starting preset per lesson, limits, access and where submissions are stored.

Without the file the app behaves as for one learner on a laptop. A file with a mistake stops the server
from starting, with a message that names the line and the problem (`python -m playground.classroom check`,
run by `make serve-class`, and the app's own start both check it).
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playground.catalog import LESSONS
from playground.classroom.access import parse_trusted_proxies
from playground.paths import REPO_ROOT

ENV_PATH = "NP_CLASSROOM"  # another path for the file
DEFAULT_PATH = REPO_ROOT / "classroom.toml"
ACCESS_MODES = ("none", "password", "oidc")


class ClassConfigError(ValueError):
    """The configuration file is wrong; the message names the file, the line and the problem of each
    mistake (one a line; `problems` lists them)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


@dataclass(frozen=True)
class ClassLimits:
    """Upper bounds for every learner of the class (None: the app's own limits)."""

    max_hidden_layers: int | None = None  # Playground
    max_neurons: int | None = None  # Playground, per layer
    max_epochs: int | None = None  # digit lessons, per run
    max_training_seconds: float | None = None  # digit lessons: seconds of training per run
    max_training_examples: int | None = None  # training set size: digits used, or points of an upload
    max_concurrent_trainings: int | None = None  # heavy (PyTorch) trainings at once on this server


@dataclass(frozen=True)
class ClassAccess:
    mode: str = "none"  # "none", "password" (hash in .streamlit/secrets.toml) or "oidc" (st.login)
    allowed_domains: tuple[str, ...] = ()  # oidc: e-mail domains that may enter
    instructors: tuple[str, ...] = ()  # oidc: e-mails of instructors (password mode: a second password)
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For names the client


@dataclass(frozen=True)
class ClassConfig:
    title: str = "Neural Playground"
    welcome: str = ""
    lessons: tuple[str, ...] = tuple(lesson.key for lesson in LESSONS)
    presets: dict[str, str] = field(default_factory=dict)  # lesson key -> its URL query string
    limits: ClassLimits = field(default_factory=ClassLimits)
    access: ClassAccess = field(default_factory=ClassAccess)
    challenges: tuple[str, ...] | None = None  # None: every challenge
    storage_url: str = ""  # SQLAlchemy URL for submissions; "" = SQLite file next to the config
    path: Path | None = None
    base_url: str = ""  # where learners open the app ("https://host"), for absolute links; "" = as the board sees it


_LIMIT_KEYS = {
    "max_hidden_layers": (int, 0, 10),
    "max_neurons": (int, 1, 1024),  # the digit lessons' layers too; the Playground keeps its own cap (16)
    "max_epochs": (int, 1, 100),
    "max_training_seconds": (float, 1, 3600),
    "max_training_examples": (int, 10, 60_000),
    "max_concurrent_trainings": (int, 1, 64),
}
_KNOWN = {
    "class": {"title", "welcome", "lessons", "base_url"},
    "presets": None,  # any lesson key
    "limits": set(_LIMIT_KEYS),
    "access": {"mode", "allowed_domains", "instructors", "trusted_proxies"},
    "challenges": {"enabled"},
    "storage": {"url"},
}


def config_path() -> Path:
    return Path(os.environ.get(ENV_PATH) or DEFAULT_PATH)


def _line_of(text: str, table: str, key: str | None) -> int:
    """The 1-based line where `key` (or the table header) is written, for messages (0 if not found)."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1).strip().strip('"')
            if key is None and current == table:
                return number
            continue
        if key is not None and current == table and re.match(rf'["\']?{re.escape(key)}["\']?\s*=', stripped):
            return number
    return 0


def _problem(path: Path, text: str, table: str, key: str | None, message: str) -> ClassConfigError:
    line = _line_of(text, table, key)
    where = f"line {line}" if line else f"[{table}]"
    name = f"{table}.{key}" if key else f"[{table}]"
    return ClassConfigError(f"{path.name}, {where} ({name}): {message}")


def parse_class_config(text: str, path: Path = DEFAULT_PATH) -> ClassConfig:
    """The configuration from the file's text; ClassConfigError naming every mistake in it (its `problems`
    list has one message per mistake, each with its line)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its message ends with "(at line N, column M)"
        raise ClassConfigError(f"{path.name}: not valid TOML: {error}") from None
    problems: list[str] = []

    def fail(table: str, key: str | None, message: str) -> None:
        problems.append(str(_problem(path, text, table, key, message)))

    for table, value in list(data.items()):
        if table not in _KNOWN:
            fail(table, None, f"unknown section; known: {', '.join(_KNOWN)}")
            del data[table]
            continue
        if not isinstance(value, dict):
            fail(table, None, "must be a section ([name] followed by keys)")
            data[table] = {}
            continue
        allowed = _KNOWN[table]
        for key in list(value):
            if allowed is not None and key not in allowed:
                fail(table, key, f"unknown setting; known here: {', '.join(sorted(allowed))}")
                del value[key]

    klass, known_lessons = data.get("class", {}), [lesson.key for lesson in LESSONS]

    def text_value(table: str, key: str, default: str, section: dict) -> str:
        value = section.get(key, default)
        if not isinstance(value, str):
            fail(table, key, "must be text in quotes")
            return default
        return value

    title = text_value("class", "title", ClassConfig.title, klass).strip() or ClassConfig.title
    welcome = text_value("class", "welcome", "", klass)
    lessons = klass.get("lessons", list(known_lessons))
    if not isinstance(lessons, list) or not lessons or not all(isinstance(k, str) for k in lessons):
        fail("class", "lessons", "must be a non-empty list of lesson names, e.g. [\"playground\"]")
        lessons = list(known_lessons)
    unknown = [key for key in lessons if key not in known_lessons]
    for key in unknown:
        fail("class", "lessons", f"no lesson named {key!r}; lessons: {', '.join(known_lessons)}")
    if len(set(lessons)) != len(lessons):
        fail("class", "lessons", "a lesson is listed twice")
    base_url = text_value("class", "base_url", "", klass).strip()
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            fail("class", "base_url", "must be the address learners open, e.g. \"https://playground.school.edu\"")
            base_url = ""

    presets = {}
    for key, query in data.get("presets", {}).items():
        if key not in known_lessons:
            fail("presets", key, f"no lesson named {key!r}; lessons: {', '.join(known_lessons)}")
        elif not isinstance(query, str):
            fail("presets", key, "must be a URL query string in quotes, e.g. \"dataset=spiral&networkShape=8,8\"")
        else:
            presets[key] = query.lstrip("?#")

    limits: dict[str, Any] = {}
    for key, value in data.get("limits", {}).items():
        kind, low, high = _LIMIT_KEYS[key]
        ok = isinstance(value, int | float) and not isinstance(value, bool) and (kind is float or isinstance(value, int))
        if not ok or not low <= value <= high:
            fail("limits", key, f"must be a {'whole ' if kind is int else ''}number from {low} to {high}")
        else:
            limits[key] = kind(value)

    access = data.get("access", {})
    mode = access.get("mode", "none")
    if mode not in ACCESS_MODES:
        fail("access", "mode", f"must be one of {', '.join(ACCESS_MODES)}")
        mode = "none"
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("allowed_domains", "instructors"):
        value = access.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail("access", key, "must be a list of texts, e.g. [\"school.edu\"]")
            value = []
        lists[key] = tuple(v.strip().lower() for v in value)
    if mode == "oidc" and not lists["allowed_domains"] and not lists["instructors"]:
        fail("access", "mode", "oidc needs allowed_domains (who may enter) or at least instructors")
    proxies = access.get("trusted_proxies", [])
    if not isinstance(proxies, list) or not all(isinstance(v, str) for v in proxies):
        fail("access", "trusted_proxies", "must be a list of addresses, e.g. [\"127.0.0.1\"]")
        proxies = []
    try:
        proxies = parse_trusted_proxies(proxies)
    except ValueError as error:
        fail("access", "trusted_proxies", str(error))
        proxies = ()

    from playground.classroom.challenges import CHALLENGES  # the checks the lessons pose

    enabled = data.get("challenges", {}).get("enabled")
    if enabled is not None:
        if not isinstance(enabled, list) or not all(isinstance(v, str) for v in enabled):
            fail("challenges", "enabled", "must be a list of challenge names")
            enabled = None
        else:
            for key in enabled:
                if key not in CHALLENGES:
                    fail("challenges", "enabled", f"no challenge {key!r}; known: {', '.join(CHALLENGES)}")
    storage_url = text_value("storage", "url", "", data.get("storage", {}))
    if problems:
        raise ClassConfigError("\n".join(problems), problems)
    return ClassConfig(title, welcome, tuple(lessons), presets, ClassLimits(**limits),
                       ClassAccess(mode, lists["allowed_domains"], lists["instructors"], proxies),
                       None if enabled is None else tuple(enabled), storage_url, path, base_url)


def load_class_config(path: Path | None = None) -> ClassConfig:
    """The class configuration, or the defaults when there is no file."""
    path = path or config_path()
    if not path.exists():
        if os.environ.get(ENV_PATH):
            raise ClassConfigError(f"{path}: no such file (named by ${ENV_PATH})")
        return ClassConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ClassConfigError(f"{path.name}: cannot be read: {error}") from None
    return parse_class_config(text, path)


def needs_secret(config: ClassConfig, class_secrets: dict) -> bool:
    """Whether the class signs cookies, so that it cannot start without a server secret: a class with
    access control, or with an instructor (an instructor password or OpenID Connect instructors)."""
    return config.path is not None and (config.access.mode != "none" or bool(config.access.instructors)
                                        or bool(class_secrets.get("instructor_password_hash")))


def _streamlit_files(name: str) -> list[Path]:
    """Where Streamlit looks for its config or secrets file, for a server started from the repository."""
    return [Path.home() / ".streamlit" / name, Path.cwd() / ".streamlit" / name, REPO_ROOT / ".streamlit" / name]


def main(argv: list[str] | None = None) -> int:
    """`python -m playground.classroom check [--secrets FILE]`: exit 1 with the problem, or print what the
    class gets. A class that signs cookies needs the server secret (see playground.classroom.tokens)."""
    from playground.classroom import tokens

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["check"] or len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--secrets"):
        print("usage: python -m playground.classroom check [--secrets .streamlit/secrets.toml]", file=sys.stderr)
        return 2
    try:
        config = load_class_config()
    except ClassConfigError as error:
        if len(error.problems) == 1:
            print(f"classroom configuration: {error}", file=sys.stderr)
        else:
            print(f"classroom configuration: {len(error.problems)} mistakes:", file=sys.stderr)
            for problem in error.problems:
                print(f"  - {problem}", file=sys.stderr)
        return 1
    secrets_files = [Path(argv[2])] if len(argv) == 3 else _streamlit_files("secrets.toml")
    class_secrets, cookie_secret = tokens.read_outside_streamlit(os.environ, secrets_files,
                                                                 _streamlit_files("config.toml"))
    secret = tokens.server_secret(class_secrets, cookie_secret)
    if needs_secret(config, class_secrets) and secret is None:
        print(f"classroom configuration: {config.path.name}: {tokens.MISSING_SECRET}.", file=sys.stderr)
        return 1
    source = config.path or "(no classroom.toml: single-learner defaults)"
    print(f"classroom configuration OK: {source}; lessons: {', '.join(config.lessons)}; access: {config.access.mode}")
    if config.path is not None and secret is None:
        print("note: no server secret, so a learner's nickname is kept for the session only "
              "(`python -m playground.classroom secret`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
