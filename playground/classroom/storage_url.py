"""Where a class's submissions are stored: a container passes the database URL and its password through the
environment and a secret file, so that no password is written into classroom.toml, the image or compose.yaml."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

URL_VARIABLE = "NP_STORAGE_URL"  # a SQLAlchemy URL; overrides classroom.toml's [storage] url
PASSWORD_FILE_VARIABLE = "NP_STORAGE_PASSWORD_FILE"  # a file holding the database password (a docker secret)


class StorageUrlError(RuntimeError):
    """The environment names a storage set-up that cannot be used (said plainly, without the password)."""


def submissions_url(config_url: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """The submissions database's URL: $NP_STORAGE_URL, else classroom.toml's, else `default`; with the
    password read from the file $NP_STORAGE_PASSWORD_FILE names, when set."""
    environ = os.environ if environ is None else environ
    url = environ.get(URL_VARIABLE, "").strip() or config_url or default
    password_file = environ.get(PASSWORD_FILE_VARIABLE, "").strip()
    if not password_file:
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        password = Path(password_file).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise StorageUrlError(f"{PASSWORD_FILE_VARIABLE} names {password_file}, which cannot be read "
                              f"({error.strerror})") from None
    if not password:
        raise StorageUrlError(f"{PASSWORD_FILE_VARIABLE} names {password_file}, which is empty")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageUrlError("the storage URL is not a database URL") from None
    # render_as_string quotes the password's special characters (@, /, :) as a URL needs
    return parsed.set(password=password).render_as_string(hide_password=False)


def main(environ: Mapping[str, str] | None = None) -> int:
    """`python -m playground.classroom storage`: a container's start checks its storage settings (a missing or
    empty password file stops it with the reason, before any learner submits)."""
    from sqlalchemy.engine import make_url

    from playground.classroom.config import ClassConfigError, config_path, load_class_config

    try:
        configured = load_class_config().storage_url
    except (ClassConfigError, OSError):
        configured = ""  # `python -m playground.classroom check` says what is wrong with the file
    try:
        url = submissions_url(configured, f"sqlite:///{config_path().with_suffix('.sqlite')}", environ)
    except StorageUrlError as error:
        print(f"storage: {error}")
        return 1
    print(f"storage: {make_url(url).render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
