"""The instructor's classroom.toml: every setting read, every mistake named with its line, limits applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.classroom.config import ClassConfigError, load_class_config, main, parse_class_config
from playground.tfplayground import settings as playground_settings
from playground.tfplayground.url import parse_query

GOOD = """
[class]
title = "Week 3: how networks bend space"
welcome = "Start with the Playground."
lessons = ["playground", "mnist-train", "adversarial"]

[presets]
playground = "dataset=spiral&networkShape=4,4"

[limits]
max_hidden_layers = 3
max_neurons = 6
max_epochs = 5
max_training_seconds = 60
max_training_examples = 2000
max_concurrent_trainings = 2

[access]
mode = "password"

[challenges]
enabled = ["spiral-small"]

[storage]
url = "sqlite:///class.sqlite"
"""


def test_a_complete_file_is_read() -> None:
    config = parse_class_config(GOOD, Path("classroom.toml"))
    assert config.title.startswith("Week 3") and config.welcome
    assert config.lessons == ("playground", "mnist-train", "adversarial")
    assert config.presets == {"playground": "dataset=spiral&networkShape=4,4"}
    assert config.limits.max_hidden_layers == 3 and config.limits.max_training_seconds == 60.0
    assert config.access.mode == "password" and config.challenges == ("spiral-small",)


@pytest.mark.parametrize(("text", "expected"), [
    ("[class]\ntitle = 'x'\nlessons = ['playground', 'nope']\n", "line 3 (class.lessons): no lesson named 'nope'"),
    ("[limits]\nmax_neurons = 2000\n", "line 2 (limits.max_neurons): must be a whole number from 1 to 1024"),
    ("[limits]\n\nmax_epochs = 2.5\n", "line 3 (limits.max_epochs)"),
    ("[access]\nmode = 'magic'\n", "line 2 (access.mode): must be one of none, password, oidc"),
    ("[access]\nmode = 'oidc'\n", "oidc needs allowed_domains"),
    ("[presets]\nplaygrund = 'x=1'\n", "line 2 (presets.playgrund): no lesson named"),
    ("[class]\ntitel = 'x'\n", "line 2 (class.titel): unknown setting"),
    ("[klass]\ntitle = 'x'\n", "line 1 ([klass]): unknown section"),
    ("[class]\ntitle = 'x\n", "not valid TOML"),
    ("[challenges]\nenabled = ['win-everything']\n", "no challenge 'win-everything'"),
    ("[class]\nlessons = []\n", "must be a non-empty list"),
])
def test_mistakes_name_the_line_and_the_problem(text: str, expected: str) -> None:
    with pytest.raises(ClassConfigError) as error:
        parse_class_config(text, Path("classroom.toml"))
    assert expected in str(error.value)
    assert str(error.value).startswith("classroom.toml")


def test_no_file_means_single_learner_defaults(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("NP_CLASSROOM", raising=False)
    config = load_class_config(tmp_path / "absent.toml")
    assert config.access.mode == "none" and config.path is None and len(config.lessons) >= 5


def test_the_check_command(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET", raising=False)
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('[classroom]\ntoken_secret = "' + "s" * 43 + '"\n')
    bad = tmp_path / "classroom.toml"
    bad.write_text("[limits]\nmax_neurons = 0\n")
    monkeypatch.setenv("NP_CLASSROOM", str(bad))
    assert main(["check", "--secrets", str(secrets_file)]) == 1
    assert "line 2" in capsys.readouterr().err
    bad.write_text(GOOD)
    assert main(["check", "--secrets", str(secrets_file)]) == 0
    monkeypatch.setenv("NP_CLASSROOM", str(tmp_path / "missing.toml"))
    assert main(["check", "--secrets", str(secrets_file)]) == 1


def test_the_check_refuses_a_class_without_a_server_secret(tmp_path, monkeypatch, capsys) -> None:
    """Access control or an instructor signs cookies: no start without a random secret (none derived)."""
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET", raising=False)
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('[classroom]\npassword_hash = "scrypt$1$1$1$a$b"\ninstructor_password_hash = "x"\n')
    config = tmp_path / "classroom.toml"
    monkeypatch.setenv("NP_CLASSROOM", str(config))
    for text in (GOOD, '[access]\nmode = "oidc"\nallowed_domains = ["school.edu"]\n',
                 '[class]\ntitle = "open class, but with an instructor password"\n'):
        config.write_text(text)
        assert main(["check", "--secrets", str(secrets_file)]) == 1
        assert "playground.classroom secret" in capsys.readouterr().err
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", "short")
    assert main(["check", "--secrets", str(secrets_file)]) == 1
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", "c" * 32)  # a shared server.cookieSecret will do
    assert main(["check", "--secrets", str(secrets_file)]) == 0
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET")
    secrets_file.write_text('[classroom]\ntoken_secret = "' + "s" * 43 + '"\n')
    assert main(["check", "--secrets", str(secrets_file)]) == 0
    secrets_file.write_text("")
    config.write_text('[class]\ntitle = "open class, no instructor"\n')
    assert main(["check", "--secrets", str(secrets_file)]) == 0  # nothing to sign: no secret needed
    capsys.readouterr()


def test_trusted_proxies_are_read_and_checked() -> None:
    text = '[access]\nmode = "password"\ntrusted_proxies = ["127.0.0.1", "172.16.0.0/12"]\n'
    assert parse_class_config(text).access.trusted_proxies == ("127.0.0.1", "172.16.0.0/12")
    assert parse_class_config("").access.trusted_proxies == ()
    for bad in ('["nginx"]', '"127.0.0.1"', "[1]"):
        with pytest.raises(ClassConfigError, match="line 3 .access.trusted_proxies."):
            parse_class_config(f'[access]\nmode = "password"\ntrusted_proxies = {bad}\n')


def test_class_limits_cap_values_from_a_link() -> None:
    playground_settings.set_class_limits(playground_settings.Limits(max_layers=2, max_neurons=4, max_batch=30))
    try:
        settings, notices = parse_query({"networkShape": "8,8,8"})
        assert settings.networkShape == [4, 2] and any("networkShape" in n for n in notices)
        settings, _ = parse_query({"networkShape": "3,3", "advanced": "true"})
        assert settings.networkShape == [3, 3] and settings.limits().max_layers == 2
        assert settings.limits().max_neurons == 4  # advanced does not lift the class's caps
    finally:
        playground_settings.set_class_limits(None)
