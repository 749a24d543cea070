"""The only Streamlit code of the app: what pages call, gathered here so a page reads `ui.lesson_header(...)`.

- state: this learner's lesson state objects (typed accessors) and widget keys
- resources: what a server process loads once and shares read-only (toy data, digits, home-card pictures)
- components: the custom components, from one factory over web/
- page: page pieces (header, sidebar, links, cards, 'Try this', friendly errors)
- training: the one training driver, run for this session
- access: the class's configuration, signing in and out, the class's database
- challenges: a lesson's challenge panel and submissions
- predict: 'predict, then check' questions (the learner commits to a guess before the answer shows)
- saved: this learner's work kept across reloads (restored, kept after changes), the digit network's files
"""

from playground.ui.access import (
    access_sidebar,
    class_config,
    current_role,
    signed_in_role,
    submissions_engine,
    try_password,
    write_pending_cookie,
)
from playground.ui.challenges import challenge_panel, record_lesson_open
from playground.ui.components import (
    dataset_picker,
    digit_pad,
    frame_pump,
    latent_pad,
    live_image,
    network_view,
    rerun_requested,
)
from playground.ui.page import (
    busy_notice,
    friendly_errors,
    lesson_card,
    lesson_header,
    lesson_link,
    lesson_link_target,
    looking_at,
    shared_sidebar,
    show_seed,
    try_this,
    view_row,
)
from playground.ui.predict import lesson_guesses, predict_then_check
from playground.ui.resources import (
    dataset_thumbnail_png,
    digit_data,
    digit_sources,
    digit_tensors,
    start_background_work,
    thumbnails_ready,
    toy_dataset,
)
from playground.ui.saved import network_files as digit_network_files
from playground.ui.state import (
    adversarial_lesson,
    digit_lesson,
    embedding_lesson,
    existing_playground_lesson,
    explanations_lesson,
    generative_lesson,
    lesson_state,
    playground_lesson,
    renew_settings_widgets,
    session_id,
    settings_key,
    widget_key,
)
from playground.ui.training import require_digit_model, train

__all__ = [
    "access_sidebar", "adversarial_lesson", "busy_notice", "challenge_panel", "class_config", "current_role",
    "dataset_picker", "dataset_thumbnail_png", "digit_data", "digit_lesson", "digit_network_files", "digit_pad",
    "digit_sources", "explanations_lesson", "generative_lesson", "latent_pad",
    "digit_tensors", "embedding_lesson", "existing_playground_lesson", "frame_pump", "friendly_errors",
    "lesson_card", "lesson_header", "lesson_link", "lesson_link_target", "looking_at", "lesson_state", "live_image",
    "lesson_guesses", "network_view", "playground_lesson", "predict_then_check", "record_lesson_open", "renew_settings_widgets", "require_digit_model",
    "rerun_requested",
    "session_id", "settings_key", "shared_sidebar", "show_seed", "signed_in_role", "start_background_work",
    "submissions_engine", "thumbnails_ready", "toy_dataset", "train", "try_password", "try_this", "view_row", "widget_key",
    "write_pending_cookie",
]
