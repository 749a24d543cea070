"""'What am I looking at?': a short explanation for each panel of a page, shown by `ui.looking_at(text)`.

Each lesson keeps its texts in its own package beside its state (`tfplayground.explainers`,
`toydata.explainers`, …): an enum of the page's parts and a dict from each part to its text, 2–4 plain
sentences for someone who has never trained a network, true for whatever the panel shows. `problems` is the
check `tests/test_explainers.py` runs over every lesson's dict. The home page, which is no lesson, keeps its
text here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MIN_SENTENCES, MAX_SENTENCES = 2, 4

# A sentence ends with . ! or ? followed by the end of the text or by a space and a capital, a digit, a
# parenthesis, a quote or Markdown emphasis ("0.03" and "e.g. a" do not end one).
_SENTENCE_END = re.compile(r"[.!?](?=\s*$|\s+[A-Z0-9(\"“*_])")

HOME = (
    "Each card is one lesson, numbered in the order we suggest; the first is marked *Start here*. Its "
    "picture is drawn by the app itself, from the lesson's own data. Click **Open the lesson** to go there, "
    "or pick a lesson in the sidebar; on a lesson's page, the sidebar's **Reset this lesson** starts it over."
)


def sentences(text: str) -> int:
    """How many sentences `text` has."""
    return len(_SENTENCE_END.findall(text.strip()))


def problems(texts: Mapping[str, str], parts: Iterable[str]) -> list[str]:
    """What is wrong with a page's explanations: a part without one, or one too short or too long."""
    found = [f"{part}: no explanation" for part in parts if not texts.get(part, "").strip()]
    for part, text in texts.items():
        n = sentences(text)
        if text.strip() and not MIN_SENTENCES <= n <= MAX_SENTENCES:
            found.append(f"{part}: {n} sentences (want {MIN_SENTENCES} to {MAX_SENTENCES})")
    return found
