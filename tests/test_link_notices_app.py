"""A page opened with a link's bad values (AppTest, no browser): the Playground, a digit page and the
Adversarial lesson each keep their defaults and show, under the title, one notice per bad value and one
naming the unknown keys, with the link's text shown as literal text (no planted link or formatting)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from playground.paths import REPO_ROOT

pytestmark = pytest.mark.app
EVIL = "[x](https://evil.example)"
UNKNOWN = "Ignored settings this page does not know: bogus."


def open_page(script: str, query: dict[str, str]) -> AppTest:
    """The app opened on `script` with `query` as the page's link."""
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.query_params.update(query)
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def in_order(block) -> Iterator:
    """The page's elements, top to bottom."""
    for child in getattr(block, "children", {}).values():
        yield child
        yield from in_order(child)


def shown_text(markdown: str) -> str:
    """What a Markdown text reads as (backslash escapes and the anti-autolink word joiner undone)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def notices(at: AppTest) -> list[str]:
    """The warnings under the title, as they read: each must stand below it and be literal text."""
    elements = list(in_order(at.main))
    title = next(i for i, element in enumerate(elements) if element.type == "title")
    warnings = [(i, element.value) for i, element in enumerate(elements) if element.type == "warning"]
    assert all(i > title for i, _ in warnings)
    for _, markdown in warnings:
        assert not re.search(r"(?<!\\)\]\(|(?<!\\)\*\*|https?://", markdown), markdown  # no link, no bold
    return [shown_text(markdown) for _, markdown in warnings]


def test_the_playground_names_a_links_bad_values_under_its_title() -> None:
    at = open_page("lessons/playground.py", {"noise": "999", "activation": EVIL, "bogus": "1"})
    assert notices(at) == [
        f"activation '{EVIL}' is not one of relu, tanh, sigmoid, linear, elu, leakyrelu, silu, softplus"
        " — using the default tanh.",
        "noise '999' is not a whole number from 0 to 80 — using the default 0.",
        UNKNOWN,
    ]
    assert (at.query_params["activation"], at.query_params["noise"]) == ("tanh", "0")  # the defaults, as a link


def test_a_good_playground_link_shows_no_notice() -> None:
    at = open_page("lessons/playground.py", {"activation": "relu", "noise": "20", "networkShape": "3"})
    assert notices(at) == []
    assert (at.query_params["activation"], at.query_params["noise"], at.query_params["networkShape"]) == (
        "relu", "20", "3")


def test_the_digit_page_names_a_links_bad_values_under_its_title() -> None:
    at = open_page("lessons/mnist_train.py", {"kind": "rnn", "epochs": "500", "hidden": EVIL, "bogus": "1"})
    assert notices(at) == [
        "kind 'rnn' is not mlp or cnn — using the default.",
        f"hidden '{EVIL}' is not 1 to 4 layer sizes from 1 to 1024 — using the default.",
        "epochs '500' is not a whole number from 1 to 50 — using the default.",
        UNKNOWN,
    ]
    assert at.query_params == {"kind": "mlp", "seed": "0"}  # the page's link: the defaults


def test_a_good_digit_link_shows_no_notice() -> None:
    at = open_page("lessons/mnist_train.py", {"kind": "cnn", "filters": "8", "lr": "1e-3", "seed": "7"})
    assert notices(at) == []
    assert at.query_params == {"kind": "cnn", "filters": "8", "seed": "7"}


def test_the_adversarial_page_names_a_links_bad_values_under_its_title() -> None:
    at = open_page("lessons/adversarial.py",
                   {"attack": "**cw**", "eps": "NaN", "steps": "9" * 500, "digit": "x", "bogus": "1"})
    assert notices(at) == [
        "attack '**cw**' is not fgsm or pgd — using the default.",
        "eps 'NaN' is not a number from 0 to 0.3 — using the default.",
        f"steps '{'9' * 20}…' is not a whole number from 1 to 40 — using the default.",
        "digit 'x' is not a test digit number — using the default.",
        UNKNOWN,
    ]


def test_a_good_adversarial_link_shows_no_notice() -> None:
    at = open_page("lessons/adversarial.py", {"attack": "pgd", "eps": "0.05", "steps": "12", "target": "3"})
    assert notices(at) == []


@pytest.fixture
def class_presets(tmp_path, monkeypatch):
    """A class whose presets hold bad values (the per-server caches are emptied before and after)."""
    path = tmp_path / "classroom.toml"
    path.write_text('[class]\ntitle = "Week 3"\nlessons = ["playground", "mnist-train", "adversarial"]\n\n'
                    '[presets]\n"mnist-train" = "kind=cnn&filters=999"\nadversarial = "eps=2"\n')
    monkeypatch.setenv("NP_CLASSROOM", str(path))
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def test_a_class_presets_bad_values_are_named_too(class_presets) -> None:
    at = open_page("lessons/mnist_train.py", {})
    assert notices(at) == ["filters '999' is not 1 to 3 filter counts from 1 to 64 — using the default."]
    assert at.query_params["kind"] == "cnn"
    at = open_page("lessons/adversarial.py", {})
    assert notices(at) == ["eps '2' is not a number from 0 to 0.3 — using the default."]
