"""Learner and link text is shown literally: every Markdown construct in it is escaped."""

from playground.text import escape_markdown


def test_markdown_constructs_are_escaped() -> None:
    hostile = "[click](https://evil.example) **bold** :red[x] $x$ `code` <b>"
    escaped = escape_markdown(hostile)
    for token in ("[", "]", "(", ")", "*", ":", "$", "`", "<"):
        assert ("\\" + token) in escaped
    assert "https://" not in escaped  # an autolink needs the literal 'https://'


def test_plain_text_keeps_its_letters_and_is_cut() -> None:
    assert escape_markdown("abc 123") == "abc 123"
    assert escape_markdown("a\nb\x00c") == "a b\ufffdc"
    assert escape_markdown("x" * 50, limit=10) == "x" * 10 + "…"
