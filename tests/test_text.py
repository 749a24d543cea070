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


def test_bare_urls_and_addresses_are_not_made_links() -> None:
    """GFM autolinks `https://…`, `www.…` and `a@b.c` in the text after the escapes are undone."""
    escaped = escape_markdown("https://evil.example www.evil.example me@evil.example")
    shown = escaped.replace("\\", "")
    for marker in ("://", "www.", "@e"):
        assert marker not in shown
    assert shown.replace("\u2060", "") == "https://evil.example www.evil.example me@evil.example"
