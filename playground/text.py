"""Text from a browser (a link, a file, a nickname) shown as the literal text it is: Markdown, Streamlit's
directives (`:red[…]`, `:material/…:`), links and LaTeX in it are escaped, so a link cannot plant a clickable
link or formatting on the class's own pages. No Streamlit here."""

from __future__ import annotations

import re
import string

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all breaks Markdown
# links, emphasis, code, Streamlit's `:colour[…]` directives and `$…$` maths.
_ESCAPED = {ord(c): "\\" + c for c in string.punctuation}
# GFM's autolink literals (`https://…`, `www.…`, `a@b.c`) are found in the text after the escapes are undone:
# an invisible word joiner (U+2060) inside each marker keeps the text as it reads and stops the link.
_AUTOLINK_MARKERS = re.compile(r"(://|www\.|@)", re.IGNORECASE)
_JOINER = "\u2060"


def escape_markdown(text: object, limit: int | None = None) -> str:
    """`text` as Markdown that renders as exactly that text (control characters become '�', newlines spaces;
    cut to `limit` characters with '…' when longer)."""
    raw = str(text)
    if limit is not None and len(raw) > limit:
        raw = raw[:limit] + "…"
    clean = "".join(c if c.isprintable() else (" " if c in "\n\r\t" else "\ufffd") for c in raw)
    unlinked = _AUTOLINK_MARKERS.sub(lambda m: m.group(0)[0] + _JOINER + m.group(0)[1:], clean)
    return unlinked.translate(_ESCAPED)
