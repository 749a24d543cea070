"""The class server's command line, `python -m playground.classroom`: --help for it and each command, `hash
--instructor` prints the instructor's line, and `check` reports every mistake of classroom.toml at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from playground.classroom import access
from playground.classroom.__main__ import main
from playground.classroom.config import ClassConfigError, parse_class_config
from playground.paths import REPO_ROOT


def test_help_names_every_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("check", "hash", "secret", "storage"):
        assert command in out
    assert main(["hash", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--instructor" in out and "instructor_password_hash" in out
    assert main(["check", "--help"]) == 0
    assert "--secrets" in capsys.readouterr().out


def test_a_wrong_command_line_says_how(capsys) -> None:
    assert main([]) == 2
    assert main(["hash", "--teacher"]) == 2
    assert main(["frobnicate"]) == 2
    assert "usage: python -m playground.classroom" in capsys.readouterr().err


def test_the_module_runs_as_a_command() -> None:
    done = subprocess.run([sys.executable, "-m", "playground.classroom", "--help"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "hash" in done.stdout


@pytest.mark.parametrize(("flags", "name"), [([], "password_hash"), (["--instructor"], "instructor_password_hash")])
def test_hash_prints_the_line_to_paste(flags, name, monkeypatch, capsys) -> None:
    asked = []
    monkeypatch.setattr(access.getpass, "getpass", lambda prompt: asked.append(prompt) or "teach-2026!")
    assert main(["hash", *flags]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f'{name} = "scrypt$')
    assert access.verify_password("teach-2026!", line.split('"')[1])
    assert ("Instructor" in asked[0]) == bool(flags)


def test_hash_refuses_short_or_differing_passwords(monkeypatch, capsys) -> None:
    answers = iter(["short", "long enough 1", "long enough 2"])
    monkeypatch.setattr(access.getpass, "getpass", lambda prompt: next(answers))
    assert main(["hash", "--instructor"]) == 1
    assert main(["hash", "--instructor"]) == 1
    err = capsys.readouterr().err
    assert "at least 8 characters" in err and "differ" in err


MANY_MISTAKES = """
[class]
title = 3
lessons = ["playground", "nope"]
base_url = "not a url"

[limits]
max_neurons = 0
max_epochs = 2.5

[access]
mode = "magic"

[klass]
x = 1
"""


def test_every_mistake_is_reported(tmp_path, monkeypatch, capsys) -> None:
    with pytest.raises(ClassConfigError) as error:
        parse_class_config(MANY_MISTAKES, Path("classroom.toml"))
    problems = error.value.problems
    assert len(problems) == 7, problems
    for expected in ("line 3 (class.title)", "line 4 (class.lessons): no lesson named 'nope'", "line 5 (class.base_url)",
                     "line 8 (limits.max_neurons)", "line 9 (limits.max_epochs)", "line 12 (access.mode)",
                     "line 14 ([klass]): unknown section"):
        assert any(expected in p for p in problems), (expected, problems)
    path = tmp_path / "classroom.toml"
    path.write_text(MANY_MISTAKES)
    monkeypatch.setenv("NP_CLASSROOM", str(path))
    assert main(["check", "--secrets", str(tmp_path / "none.toml")]) == 1
    err = capsys.readouterr().err
    assert "7 mistakes" in err and err.count("\n  - ") == 7


def test_base_url_is_read() -> None:
    config = parse_class_config('[class]\nbase_url = "https://playground.school.edu/week3/"\n')
    assert config.base_url == "https://playground.school.edu/week3/"
    assert parse_class_config("").base_url == ""
