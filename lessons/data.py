"""Meet the data: the toy 2D datasets, a learner's own CSV, and the handwritten digits."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from playground import ui
from playground.digits.pictures import class_rows_picture
from playground.glossary import explain
from playground.paths import DATASETS_DIR
from playground.render import charts
from playground.render.png import encode_png
from playground.text import escape_markdown
from playground.tfplayground.lesson import PlaygroundLesson
from playground.toydata import generators, learner_csv
from playground.toydata.explainers import Part, explainer
from playground.toydata.lesson import DATASETS, DataLesson, class_counts, dataset_csv

LESSON = "data"

state = ui.lesson_state(LESSON, DataLesson)
key = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
PLAYGROUND = ui.lesson_link_target("playground", ui.class_config().lessons)  # None if this class hides it


def train_in_playground(button_key: str, use: Callable[[PlaygroundLesson], None]) -> None:
    """'Train on this in the Playground': the data go to the learner's Playground through their session
    (its lesson state, made here if they have not opened it yet), and the Playground opens."""
    if PLAYGROUND is None:
        return
    if st.button("Train on this in the Playground", icon=":material/model_training:", type="primary",
                 key=key(button_key)):
        preset = ui.class_config().presets.get("playground")
        use(ui.playground_lesson(lambda: PlaygroundLesson.from_query({}, preset=preset)))
        st.switch_page(PLAYGROUND)


ui.lesson_header(
    LESSON,
    "Every network in this playground learns from examples. Here you can look at them before any "
    "training: the toy 2D datasets of the Playground lesson, a dataset of your own, and the "
    "handwritten digits of the MNIST lessons.",
)
ui.show_seed(state.seed)

toy_tab, csv_tab, digits_tab = st.tabs(["Toy 2D datasets", "Your own CSV", "Handwritten digits"])

# ------------------------------------------------------------------------------------------ toy data
with toy_tab:
    controls, picture = st.columns([1, 2], gap="large")
    with controls:
        ui.looking_at(explainer(Part.TOY))
        name = st.selectbox(
            "Dataset",
            DATASETS,
            format_func=lambda n: generators.dataset_label(n, with_problem=True),
            key=key("dataset"),
            help=explain("classification", "regression"),
        )
        st.image(ui.dataset_thumbnail_png(name), width=100, caption="noise-free preview")
        noise = st.slider("Noise", 0, 50, 0, step=5, key=key("noise"), help=explain("noise"))
        perc_train = st.slider("Ratio of training to test data (%)", 10, 90, 50, step=10, key=key("perc"),
                               help=explain("training and test data"))
        n_classes = None
        if name in generators.MULTICLASS_DATASETS:
            n_classes = st.slider("Classes", generators.MIN_MULTICLASS, generators.MAX_MULTICLASS,
                                  generators.MULTICLASS_DEFAULT_CLASSES[name], key=key(f"classes-{name}"))
        if st.button("Regenerate", icon=":material/casino:", key=key("regenerate"), help="Draw a new seed: new points for every dataset.\n\n" + explain("seed")):
            state.regenerate()
            st.rerun()
        st.caption(f"Seed {escape_markdown(state.seed)}: the same seed always gives the same points.")
    with picture, ui.friendly_errors("making the dataset"):
        data, _ = ui.toy_dataset(name, noise, perc_train, state.seed, n_classes)
        n_train, n_test = len(data.train_y), len(data.test_y)
        ui.looking_at(explainer(Part.TOY_PICTURE))
        if data.problem == "classification":
            counts = class_counts(data.n_classes, data.train_y, data.test_y)
            per_class = ", ".join(f"class {c}: {n}" for c, n in zip(data.class_names, counts, strict=True))
            st.markdown(f"**{n_train}** training points, **{n_test}** test points ({per_class}).")
        else:
            st.markdown(f"**{n_train}** training points, **{n_test}** test points; the colour is the target value.")
        with st.container(horizontal=True):  # what to do with these points, above their picture
            train_in_playground("train-toy", lambda lesson: lesson.use_toy_data(name, noise, perc_train, state.seed,
                                                                                 n_classes))
            st.download_button(
                "Download these points as CSV",
                data=dataset_csv(data),
                file_name=f"{name}-noise{noise}-seed{state.seed}.csv",
                mime="text/csv",
                icon=":material/download:",
                key=key("download-toy"),
            )
        frame = charts.train_test_frame(data.train_x, data.train_y, data.test_x, data.test_y, data.class_names)
        st.altair_chart(charts.data_scatter(frame, data.problem, data.class_names), width="content")

# ------------------------------------------------------------------------------------------ your CSV


def _validate_upload() -> None:
    """Runs when the learner picks a file: keep it only if it is valid, else say why."""
    uploaded = st.session_state.get(key("upload"))
    if uploaded is None:
        return
    state.open_csv(uploaded.name, uploaded.getvalue(), upload_limit())


def upload_limit() -> int:
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


SAMPLES = sorted((DATASETS_DIR / "samples").glob("*.csv"))  # files of this repository, shipped with the app


with csv_tab:
    ui.looking_at(explainer(Part.CSV))
    st.markdown(
        "Upload a CSV file with the columns **x**, **y** and **label** (whole numbers, at least two "
        f"different ones), at most {learner_csv.MAX_ROWS:,} rows. Coordinates between −6 and 6 fill the picture."
    )
    st.file_uploader("Your CSV file", type=["csv"], key=key("upload"), on_change=_validate_upload)
    st.markdown("No file at hand? Try one of these:")
    for column, sample in zip(st.columns(max(len(SAMPLES), 4)), SAMPLES, strict=False):
        column.button(sample.name, icon=":material/table_view:", key=key(f"sample-{sample.name}"), width="stretch",
                      help="Load this file here, as if you had uploaded it.",
                      on_click=lambda path=sample: state.open_csv(path.name, path.read_bytes(), upload_limit()))
    # a file's name and the message (which quotes its cells) are shown as the text they are
    if state.upload_error:
        st.error(f"**{escape_markdown(state.upload_rejected_name, limit=80)}** was not loaded: "
                 f"{escape_markdown(state.upload_error)}", icon=":material/error:")
        if state.upload is not None:
            st.info(f"Still showing your previous data, **{escape_markdown(state.upload_name, limit=80)}**.")
    if state.upload is not None:
        up = state.upload
        frame = charts.train_test_frame(up.train_x, up.train_y, up.test_x, up.test_y, up.class_names)
        st.success(
            f"**{escape_markdown(state.upload_name, limit=80)}**: {len(up.train_y) + len(up.test_y)} points in "
            f"{up.n_classes} classes ({escape_markdown(', '.join(up.class_names))}), split {len(up.train_y)} "
            f"train / {len(up.test_y)} test."
        )
        shown_name = state.upload_name
        with st.container(horizontal=True):
            train_in_playground("train-csv", lambda lesson: lesson.use_points(shown_name, up))
            st.download_button("Download these points as CSV", dataset_csv(up), file_name=state.upload_name,
                               mime="text/csv", icon=":material/download:", key=key("download-csv"))
        st.altair_chart(charts.data_scatter(frame, "classification", up.class_names), width="content")

# ------------------------------------------------------------------------------------------ digits
with digits_tab:
    ui.looking_at(explainer(Part.DIGITS))
    sources = ui.digit_sources()
    available = [s for s in sources if s.available]
    chosen = st.radio(
        "Digit dataset",
        [s.key for s in available],
        format_func=lambda k: next(s.name for s in sources if s.key == k),
        horizontal=True,
        key=key("digits-source"),
    )
    missing = [s for s in sources if not s.available]
    if missing:
        st.caption("Not on this machine: " + "; ".join(f"**{s.name}** — {s.detail}" for s in missing))
    with ui.friendly_errors("loading the digits"):
        try:
            digits = ui.digit_data(chosen)
        except ValueError as error:  # a corrupt or mislabelled file: say which and what is wrong
            st.error(str(error), icon=":material/error:")
            digits = None
        if digits is not None:
            n_classes = len(digits.class_names)
            c1, c2, c3 = st.columns(3)
            c1.metric("Training images", f"{len(digits.train_labels):,}", help=explain("training and test data"))
            c2.metric("Test images", f"{len(digits.test_labels):,}", help=explain("training and test data"))
            c3.metric("Classes", n_classes)
            st.caption(f"Source: {digits.source}")
            picture = class_rows_picture(digits.test_images, digits.test_labels, n_classes, per_class=12, scale=2)
            left, right = st.columns([3, 2])
            left.image(encode_png(picture), caption="Test images, one row per class", width="content")
            counts = pd.DataFrame(
                {
                    "class": list(digits.class_names),
                    "train": class_counts(n_classes, digits.train_labels),
                    "test": class_counts(n_classes, digits.test_labels),
                }
            )
            right.dataframe(counts, hide_index=True, width="stretch")
