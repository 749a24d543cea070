"""Help where a newcomer needs it on the digit lessons, Embeddings and Adversarial examples, in Chromium: each
page's "What am I looking at?" buttons open their part's or view's text, a help icon shows the glossary's
sentence on hover, 'predict, then check' hides the answer until a guess is committed (Look inside: which digit
is confused most often; Fool one digit: what the attacked digit is read as), and the help buttons sit in the
heading rows without crowding the pages (screenshots at 1400×1000 and 1280×720).

Each test is one learner with a quick digit network, moving between the pages with the sidebar."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage
from playground.adversarial import explainers as adversarial_explainers
from playground.adversarial.lesson import View as AdversarialView
from playground.digits import explainers as digit_explainers
from playground.digits.explainers import InsideView, Part
from playground.digits.predictions import QUESTION
from playground.embeddings import explainers as embedding_explainers
from playground.embeddings.lesson import View as EmbeddingView
from playground.glossary import GLOSSARY
from tests.test_browser_digits import confusion_cells

pytestmark = pytest.mark.browser

LOOKING_AT = "What am I looking at?"
VERDICT = re.compile(r"You guessed (\S+) — the answer: (\S+)\. (Right!|Not this time\.)")
ATTACK_VERDICT = re.compile(r"^(Not fooled|Fooled) at ε")
AFTER = re.compile(r"· after: (\d) \(\d+%\)$")
VIEWPORTS = {"1400x1000": (1400, 1000), "1280x720": (1280, 720)}
TRAIN, INSIDE, DRAW = "Train a digit recogniser", "Look inside the digit network", "Draw your own digit"


def first_sentence(text: str) -> str:
    """The text's first sentence as the page shows it (no Markdown stars)."""
    return text.replace("**", "").replace("*", "").split(". ")[0]


def looking_at(page: Page, row: Locator, text: str, terms: tuple[str, ...] = ()) -> None:
    """Open the row's "What am I looking at?", see the text's first sentence (and the glossary's sentence for
    each of `terms` under it), and close it again."""
    row.get_by_role("button", name=LOOKING_AT).click()
    body = page.locator('[data-testid="stPopoverBody"]')
    expect(body).to_be_visible()
    expect(body).to_contain_text(first_sentence(text))
    for term in terms:
        expect(body).to_contain_text(GLOSSARY[term])
    page.keyboard.press("Escape")
    expect(body).to_have_count(0)


def glossary_on_hover(page: Page, target: Locator, term: str) -> None:
    """Hover a help icon: its tooltip holds the glossary's sentence for `term`."""
    target.hover()
    tooltip = page.locator('[data-testid="stTooltipContent"]')
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(GLOSSARY[term])
    page.mouse.move(0, 0)


def markdown_help(page: Page, text: str) -> Locator:
    """The help icon of a Markdown line (st.markdown(..., help=...)) that contains `text`."""
    return page.locator('[data-testid="stMain"] [data-testid="stMarkdown"]').filter(has_text=text) \
        .locator('[data-testid="stTooltipHoverTarget"]').first


def one_row(row: Locator, size: str) -> None:
    """A heading row's "What am I looking at?" is one line high and level with the row's first element."""
    button = row.locator('[data-testid="stPopover"]').bounding_box()
    first = row.locator(":scope > *").first.bounding_box()
    assert button["height"] < 48, f"{size}: the button wraps: {button}"
    middle = first["y"] + first["height"] / 2
    assert abs(button["y"] + button["height"] / 2 - middle) < 16, f"{size}: not in the heading row: {button} {first}"


# ------------------------------------------------------------------------------------------------ digit pages


def test_the_digit_pages_explain_themselves_and_ask_which_digit_is_confused(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-inside")
    lp.quick_model()

    heading = lp.key("view-heading")
    for view in InsideView:
        lp.segment(view)
        looking_at(page, heading, digit_explainers.explainer(view), digit_explainers.TERMS.get(view, ()))
    lp.segment(InsideView.ONE_DIGIT)
    glossary_on_hover(page, markdown_help(page, "logits — 10 numbers"), "logits")

    # predict, then check: no confusion matrix before the guess
    lp.segment(InsideView.MISTAKES)
    box = lp.guess_box("most-confused-")
    expect(box).to_contain_text(QUESTION)
    expect(box.get_by_role("button", name="Commit my guess")).to_be_disabled()
    expect(page.get_by_text("Confusion matrix", exact=True)).to_have_count(0)
    expect(lp.images()).to_have_count(0)
    lp.commit_guess("most-confused-", "4")
    expect(box).to_contain_text(VERDICT)
    guess, answer, _ = VERDICT.search(box.inner_text()).groups()
    assert guess == "4"
    expect(page.get_by_text("Confusion matrix", exact=True)).to_be_visible()
    cells = confusion_cells(lp)
    largest = max(c[2] for c in cells if c[0] != c[1])
    tied = {str(t) for t, p, count, _ in cells if t != p and count == largest}
    assert answer in tied, (answer, tied, largest)
    assert (answer == guess) == (guess in tied)  # a tie: any of the tied digits is right
    expect(box).to_contain_text(f"{largest} test digit")
    glossary_on_hover(page, markdown_help(page, "Confusion matrix"), "confusion matrix")
    screenshot(page, "help-inside-mistakes-answered")
    box.get_by_role("button", name="Ask me again").click()
    expect(lp.guess_box("most-confused-").get_by_role("button", name="Commit my guess")).to_be_disabled()
    expect(page.get_by_text("Confusion matrix", exact=True)).to_have_count(0)

    lp.nav(TRAIN)
    for part in (Part.TRAIN_DATA, Part.TRAIN_NETWORK, Part.TRAIN_CURVES):
        looking_at(page, lp.key(f"heading-{part.name.lower().replace('_', '-')}"), digit_explainers.explainer(part))
    glossary_on_hover(page, page.get_by_role("button", name="Help for Learning rate"), "learning rate")
    glossary_on_hover(page, page.get_by_role("button", name="Help for Epochs"), "epoch")

    lp.nav(DRAW)
    for name, part in (("reading", Part.DRAW_READING), ("layers", Part.DRAW_LAYERS), ("teach", Part.DRAW_TEACH)):
        looking_at(page, lp.key(f"heading-{name}"), digit_explainers.explainer(part))
    glossary_on_hover(page, markdown_help(page, "What your network reads"), "softmax")
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ adversarial, embeddings


def test_adversarial_and_embeddings_explain_themselves_and_ask_what_the_attack_makes_of_a_seven(app_server,
                                                                                               page) -> None:
    lp = LessonPage(page, app_server.url, "adversarial").open("adversarial")
    lp.quick_model()

    # predict, then check: only the digit before the attack until a guess is committed
    box = lp.guess_box("fool-")
    expect(box).to_contain_text("After the attack (FGSM at ε = 0.10), which digit will your network read this 7 as?")
    expect(page.get_by_text(ATTACK_VERDICT)).to_have_count(0)
    expect(lp.images()).to_have_count(1)
    expect(page.get_by_text("Before the attack", exact=True)).to_be_visible()
    lp.commit_guess("fool-", "3")
    expect(box).to_contain_text(VERDICT)
    guess, answer, _ = VERDICT.search(box.inner_text()).groups()
    reading = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"]').filter(has_text=AFTER)
    expect(reading).to_have_count(1)
    assert (guess, answer) == ("3", AFTER.search(reading.inner_text()).group(1))  # what the network reads now
    expect(page.get_by_text(ATTACK_VERDICT)).to_have_count(1)
    screenshot(page, "help-adversarial-answered")

    # asked once: another ε shows its attack at once, and the question may be asked again
    lp.nudge("one-eps", "ArrowRight")
    expect(lp.guess_box("fool-")).to_have_count(0)
    expect(page.get_by_text(ATTACK_VERDICT)).to_have_count(1)
    lp.press("Predict the next attack")
    box = lp.guess_box("fool-")
    expect(box).to_contain_text("(FGSM at ε = 0.11)")
    expect(box.get_by_role("button", name="Commit my guess")).to_be_disabled()
    expect(page.get_by_text(ATTACK_VERDICT)).to_have_count(0)

    glossary_on_hover(page, page.get_by_role("button", name=re.compile(r"^Help for ε \(largest change")), "ε")
    heading = lp.key("view-heading")
    for view in AdversarialView:
        lp.segment(view, timeout=120_000)
        lp.idle(timeout=120_000)
        looking_at(page, heading, adversarial_explainers.explainer(view), adversarial_explainers.TERMS[view])

    lp.nav("Embeddings")
    heading = lp.key("view-heading")
    for view in EmbeddingView:
        lp.segment(view, timeout=120_000)
        looking_at(page, heading, embedding_explainers.explainer(view), embedding_explainers.TERMS[view])
    lp.segment(EmbeddingView.PROJECT)
    glossary_on_hover(page, page.get_by_role("button", name="Help for Projection"), "t-SNE")
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ layout


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request, browser):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield request.param, context.new_page()
    context.close()


def test_the_help_buttons_sit_in_the_heading_rows(app_server, viewport) -> None:
    size, page = viewport
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-inside")
    lp.quick_model()
    one_row(lp.key("view-heading"), size)
    screenshot(page, f"help-lessons-inside-{size}")

    lp.nav(TRAIN)
    for part in ("train-data", "train-network", "train-curves"):
        one_row(lp.key(f"heading-{part}"), size)
    screenshot(page, f"help-lessons-train-{size}")

    lp.nav(DRAW)
    for part in ("reading", "layers", "teach"):
        one_row(lp.key(f"heading-{part}"), size)
    screenshot(page, f"help-lessons-draw-{size}")

    lp.nav("Adversarial examples")
    one_row(lp.key("view-heading"), size)
    lp.key("view-heading").get_by_role("button", name=LOOKING_AT).click()
    expect(page.locator('[data-testid="stPopoverBody"]')).to_be_visible()
    screenshot(page, f"help-lessons-adversarial-{size}")
    page.keyboard.press("Escape")

    lp.nav("Embeddings")
    one_row(lp.key("view-heading"), size)
    screenshot(page, f"help-lessons-embeddings-{size}")
    assert page_errors(page) == []
