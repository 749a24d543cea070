"""Embeddings: see how each layer of your network arranges the data (the Embedding Projector, for your model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from playground import ui
from playground.digits.lesson import DigitLesson
from playground.digits.pictures import image_grid, ink_on_paper
from playground.embeddings import data as ed
from playground.embeddings import keys
from playground.embeddings import sample as es
from playground.embeddings.explainers import Part, explainer, with_terms
from playground.embeddings.lesson import EmbeddingLesson, View, default_layer, digit_thumbnails
from playground.embeddings.projections import UmapUnavailable, pca, umap_2d
from playground.embeddings.recording import PER_EPOCH_CHOICES, record
from playground.embeddings.scatter import (
    COLOUR_FIELDS,
    explained,
    isolated,
    neighbour_agreement,
    placed,
    points_table,
    projected,
)
from playground.embeddings.tryouts import TRYOUTS
from playground.glossary import explain
from playground.render.charts import projection_colours, projection_scatter
from playground.render.png import encode_png, upscale
from playground.tfplayground.run import PlaygroundRun
from playground.training_driver import TrainingLimits, limit_message

LESSON = "embeddings"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
SKEY = lambda name: ui.settings_key(LESSON, name)  # noqa: E731  (widgets that show a setting of the lesson)
SEED = 0
SIDE_BY_SIDE_COLUMNS = 3  # panels in a row of 'Layers side by side' (more layers wrap into more rows)
SIDE_BY_SIDE_SIZE = 240  # their height; each is as wide as its column

lesson: EmbeddingLesson = ui.embedding_lesson()
digits: DigitLesson = ui.digit_lesson()
ui.show_seed(SEED, "for the sample of points and the projections")
ui.lesson_header(
    LESSON,
    "Every layer of a network turns each input into a list of numbers — a point in a space with as many "
    "dimensions as the layer has units. Projected down to two dimensions, those points show how the layer "
    "arranges the data: in the raw pixels the classes overlap at their edges, and a trained network's "
    "layers pull them further apart (the k-NN accuracy says how far). "
    "PCA is a fixed linear view; t-SNE and UMAP keep neighbours together and show clusters.",
)
ui.try_this(TRYOUTS, lesson, LESSON)


# ------------------------------------------------------------------------------------------------ data
def playground_run() -> tuple[PlaygroundRun, str]:
    own = ui.existing_playground_lesson()
    if own is not None and es.can_project(own.run):
        return own.run, "your Playground network"
    return lesson.cached("default-run", ("default",), es.default_run), "a spiral network trained here"


c1, c2, c3 = st.columns([1.4, 1, 1])
options = ["digits", "playground"]
lesson.source = c1.radio("Network", options, index=options.index(lesson.source), horizontal=True, key=SKEY("source"),
                         format_func={"digits": "Your digit network", "playground": "Your 2D Playground network"}.get)
view = ui.view_row(View, lesson.view, KEY("view-heading"), SKEY("view"), with_terms)
if view is not None:
    lesson.view = view

if lesson.source == "digits":
    ui.require_digit_model(digits)
    trainer = digits.trainer
    names = ui.digit_data(digits.trained_on).class_names
    lesson.n_points = c2.select_slider("Points", list(es.POINT_CHOICES), value=lesson.n_points,
                                       key=SKEY("n-points"),
                                       help="A stratified, seeded sample of the test digits; when you ask for more "
                                            "than the test set holds, training digits make up the rest.")
    tensors = trainer.data
    digit_sample = es.digit_sample(tensors.test_images.numpy(), tensors.test_labels.numpy(),
                                   tensors.train_images.numpy(), tensors.train_labels.numpy(), lesson.n_points, seed=SEED)
    images, labels = digit_sample.images, digit_sample.labels
    n_test, n_train = digit_sample.n_test, digit_sample.n_train
    layers = ed.digit_layers(trainer.model)
    mkey = keys.digit_model(trainer, len(digit_sample))
    predicted = lesson.cached("predicted", mkey, lambda: trainer.probabilities(images).argmax(axis=1))
    thumbs = lesson.cached("thumbs", keys.thumbnails(digits.trained_on, len(digit_sample)), lambda: digit_thumbnails(images))

    def representation(layer) -> np.ndarray:
        return lesson.cached(f"reps-{layer}", mkey, lambda: ed.digit_representations(trainer, images, layer))

    caption = f"{trainer.spec.describe()}, {trainer.epoch:.2f} epochs · {n_test:,} test digits" + (
        f" + {n_train:,} training digits" if n_train else "")
else:
    run, which = playground_run()
    names = run.class_names
    points, labels, predicted = es.playground_points(run)
    layers = ed.playground_layers(run)
    mkey = keys.playground_model(run, len(points))
    thumbs = None

    def representation(layer) -> np.ndarray:
        return lesson.cached(f"reps-{layer}", mkey, lambda: ed.playground_representations(run, points, layer))

    caption = f"{which} ({'-'.join(map(str, run.settings.networkShape)) or 'no hidden layer'}), epoch {run.epoch:,} · {len(points)} points"
st.caption(caption)
layer_keys = [key for key, _ in layers]
layer_labels = dict(layers)


def scatter(coords: np.ndarray, colour_by: str, keep: np.ndarray, title: str = "", size: int = 500,
            selectable: bool = True):
    """The projected points, coloured by class (or right/wrong), with the digit on hover: `size` high and as
    wide as the column it is drawn in (shown with width="stretch"), so that it never spills past it."""
    frame = points_table(coords, labels, predicted, names, keep, thumbs)
    return projection_scatter(frame, COLOUR_FIELDS[colour_by], colour_by, tuple(names), title=title, size=size,
                              selectable=selectable, fit_width=True)


def neighbours_panel(reps: np.ndarray) -> None:
    """The selected point and its nearest neighbours in the layer's own space (not in the picture's)."""
    i = lesson.selection(len(labels))
    if i is None:
        st.caption("Click a point to see its nearest neighbours in this layer's space.")
        return
    with st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center",
                      key=KEY("heading-neighbours")):
        st.markdown("**Its nearest neighbours**", width="content")
        ui.looking_at(explainer(Part.NEIGHBOURS))
    c1, c2 = st.columns(2)
    k = c1.slider("Neighbours", 1, 30, 10, key=KEY("k"))
    metric = c2.radio("Distance", ["cosine", "euclidean"], horizontal=True, key=KEY("metric"),
                      help="Cosine compares only the direction of two points' numbers; Euclidean is the "
                           "straight-line distance between them.")
    idx, dist = ed.nearest_neighbours(reps, i, k=k, metric=metric)
    st.markdown(f"**Point {i}**: label {names[labels[i]]}, read as {names[predicted[i]]}. "
                f"Its {k} nearest neighbours ({metric}), nearest first:")
    if lesson.source == "digits":
        st.image(encode_png(upscale(image_grid(ink_on_paper(images[np.concatenate([[i], idx])]), ncols=11, pad=2), 2)),
                 caption="The chosen digit, then its neighbours")
    table = pd.DataFrame({"point": idx, "label": [names[labels[j]] for j in idx],
                          "read as": [names[predicted[j]] for j in idx], "distance": dist})
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"distance": st.column_config.NumberColumn(format="%.3f")})
    st.caption(f"{neighbour_agreement(labels, i, idx):.0%} of the neighbours share its label.")


# ------------------------------------------------------------------------------------------------ project
if view == View.PROJECT:
    c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1.2])
    lesson.keep_layer(layer_keys)
    lesson.layer = c1.selectbox("Layer", layer_keys, index=layer_keys.index(lesson.layer), format_func=layer_labels.get,
                                key=SKEY(f"layer-{lesson.source}"), help=explain("embedding"))
    lesson.method = c2.radio("Projection", ["pca", "tsne", "umap"], index=["pca", "tsne", "umap"].index(lesson.method),
                             format_func={"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}.get, key=SKEY("method"),
                             help=explain("PCA", "t-SNE", "UMAP"))
    colour_by = lesson.colour_by = c3.radio("Colour by", list(COLOUR_FIELDS),
                                            index=list(COLOUR_FIELDS).index(lesson.colour_by), key=SKEY("colour"))
    shown_classes = c4.multiselect("Classes shown", list(range(len(names))), default=list(range(len(names))),
                                   format_func=lambda c: names[c], key=KEY(f"classes-{lesson.source}"))
    isolate = c4.toggle("Isolate the selection", key=KEY("isolate"),
                        help="Show only the selected point and its nearest neighbours, projected on their own.")
    reps = representation(lesson.layer)
    keep = np.isin(labels, shown_classes)
    selected = lesson.selection(len(labels))
    if isolate and selected is not None:
        near, _ = ed.nearest_neighbours(reps, selected, k=st.session_state.get(KEY("k"), 10),
                                        metric=st.session_state.get(KEY("metric"), "cosine"))
        keep = isolated(len(labels), selected, near)
    subset = projected(keep, isolate)  # the points each projection is made of
    st.caption(f"{layer_labels[lesson.layer]}: {reps.shape[1]} numbers per point.")
    left, right = st.columns([1.5, 1])
    coords = None
    with left:
        slot = st.empty()
        if lesson.method == "pca":
            projection = lesson.cached(f"pca-{lesson.layer}", keys.pca(mkey, subset),
                                       lambda: pca(reps[subset], n_components=min(10, reps.shape[1])))
            ratios = projection.explained_ratio
            if len(ratios) == 1:  # one number per point: it goes across, the vertical spread is jitter
                coords = placed(subset, ed.planar(projection.coords, seed=SEED))
                st.caption("One number per point: it is the horizontal position; the points are spread "
                           "up and down at random only so that they do not hide one another.")
            else:
                comps = list(range(len(ratios)))
                layer_id = f"{lesson.source}-{lesson.layer}"  # each layer its own choice (and its own shares)
                p1, p2 = st.columns(2)
                a = p1.selectbox("Horizontal", comps, index=0, format_func=lambda i: f"PC {i + 1} ({ratios[i]:.0%})",
                                 key=KEY(f"pc-x-{layer_id}"))
                b = p2.selectbox("Vertical", comps, index=1,
                                 format_func=lambda i: f"PC {i + 1} ({ratios[i]:.0%})", key=KEY(f"pc-y-{layer_id}"))
                coords = placed(subset, projection.coords[:, [a, b]])
                st.caption(f"These two components explain {explained(ratios, a, b):.0%} of the "
                           f"variance; the first {len(ratios)}: {ratios.sum():.0%}.")
        elif lesson.method == "tsne":
            t1, t2, t3 = st.columns(3)
            lesson.perplexity = t1.slider("Perplexity", 2, 100, int(lesson.perplexity), key=SKEY("perplexity"),
                                          help="About how many neighbours each point cares about (typical: 5–50)."
                                               "\n\n" + explain("perplexity"))
            rate = t2.select_slider("Learning rate", ["auto", 10, 50, 100, 200, 500, 1000], value=lesson.learning_rate,
                                    key=SKEY("tsne-rate"),
                                    help="How far each step of t-SNE moves the points in the picture (not a "
                                         "network's weights); auto chooses it from the number of points.")
            lesson.learning_rate = rate
            lesson.n_iter = t3.select_slider("Iterations", [250, 500, 1000, 2000], value=lesson.n_iter,
                                             key=SKEY("tsne-iter"))
            tkey = keys.tsne(mkey, lesson.layer, lesson.perplexity, lesson.learning_rate, lesson.n_iter, subset)
            tsne = lesson.tsne_for(tkey, reps[subset], SEED)
            b1, b2, b3 = st.columns(3)
            if b1.button("Pause" if lesson.tsne_running and not tsne.done else "Run", key=KEY("tsne-run"),
                         disabled=tsne.done, icon=":material/pause:" if lesson.tsne_running else ":material/play_arrow:"):
                lesson.toggle_tsne()
                st.rerun()
            if b2.button("Restart", key=KEY("tsne-restart")):
                lesson.restart_tsne()
                st.rerun()
            status = b3.empty()
            coords = placed(subset, tsne.embedding)
        else:
            u1, u2 = st.columns(2)
            neighbours = u1.slider("Neighbours", 5, 50, 15, key=KEY("umap-n"),
                                   help="How many neighbours UMAP looks at for each point: small values show fine "
                                        "clumps, large ones more of the overall shape.\n\n" + explain("UMAP"))
            min_dist = u2.slider("Minimum distance", 0.0, 0.99, 0.1, key=KEY("umap-d"),
                                 help="How closely UMAP may pack points together in the picture: small values "
                                      "give tight clumps.")
            ukey = keys.umap(mkey, lesson.layer, neighbours, min_dist, subset)
            try:
                # the first UMAP on a server imports and compiles umap-learn: say so while it works
                with slot.container(), st.spinner("Computing UMAP… (the first one on this server takes ~15 s, the "
                                                  "next ones a second or two)", show_time=True):
                    result = lesson.cached("umap", ukey, lambda: umap_2d(reps[subset], n_neighbors=neighbours,
                                                                          min_dist=min_dist, seed=SEED))
                coords = placed(subset, result)
            except UmapUnavailable as error:
                st.warning(str(error))
        if coords is not None:
            event = slot.altair_chart(scatter(coords, colour_by, keep), on_select="rerun", key=KEY("scatter"),
                                      width="stretch")
            picked = (event.selection.get("pick") or [None])[0] if event and event.selection else None
            if picked and picked.get("idx") is not None:
                lesson.selected = int(picked["idx"])
    with right:
        neighbours_panel(reps)
    if lesson.method == "tsne" and coords is not None:
        tsne = lesson.tsne
        status.caption(f"Iteration {tsne.iteration} of {tsne.n_iter}" + (" — done" if tsne.done else ""))

        def show_iteration(tsne) -> None:  # progressive: the picture follows the optimisation
            coords[subset] = tsne.embedding
            slot.altair_chart(scatter(coords, colour_by, keep, selectable=False), key=None, width="stretch")
            status.caption(f"Iteration {tsne.iteration} of {tsne.n_iter}" + (" (early exaggeration)" if tsne.exaggerating else ""))

        if lesson.advance_tsne(show_iteration, ui.rerun_requested):
            st.rerun()

# ------------------------------------------------------------------------------------------------ side by side
elif view == View.SIDE_BY_SIDE:
    st.markdown("The same points in every layer, each projected with PCA. The number is the **k-NN accuracy** in "
                "that layer's own space (leave-one-out, 5 neighbours): how often a point's nearest neighbours "
                "share its label — how well the layer separates the classes.")
    colour_by = lesson.colour_by = st.radio("Colour by", list(COLOUR_FIELDS), index=list(COLOUR_FIELDS).index(
        lesson.colour_by), horizontal=True, key=SKEY("colour2"))
    domain, colours = projection_colours(COLOUR_FIELDS[colour_by], tuple(names))
    st.html('<div style="display:flex;flex-wrap:wrap;gap:0.9rem;font-size:0.9rem">'
            + "".join(f'<span><span style="color:{hex_}">&#9679;</span> {name}</span>'
                      for hex_, name in zip(colours, domain, strict=False))
            + "</div>")
    keep = np.ones(len(labels), dtype=bool)
    per_row = SIDE_BY_SIDE_COLUMNS
    for first in range(0, len(layer_keys), per_row):  # rows of at most 3 panels, each as wide as its column
        row = st.columns(per_row)
        for column, layer in zip(row, layer_keys[first : first + per_row], strict=False):
            reps = representation(layer)
            coords = lesson.cached(f"pca2-{layer}", mkey, lambda r=reps: ed.planar(pca(r, n_components=2).coords, seed=SEED))
            accuracy = lesson.cached(f"knn-{layer}", mkey, lambda r=reps: ed.knn_accuracy(r, labels, k=5, seed=SEED))
            with column:
                st.altair_chart(scatter(coords, colour_by, keep, title=layer_labels[layer], size=SIDE_BY_SIDE_SIZE,
                                        selectable=False), width="stretch")
                st.metric(f"k-NN accuracy, {reps.shape[1]} dims", f"{accuracy:.1%}", help=explain("k-NN accuracy"))

# ------------------------------------------------------------------------------------------------ across training
elif view == View.ACROSS_TRAINING:
    if lesson.source != "digits":
        st.info("Recording training snapshots is for the digit network; switch *Network* to your digit network.")
        st.stop()
    st.markdown("Train a fresh copy of your digit network (same settings, same seed) and record where a layer "
                "puts the same test digits as training goes on. Then move the slider and watch the picture and the "
                "layer's k-NN accuracy change as the network learns.")
    c1, c2, c3 = st.columns(3)
    rec_layer = c1.selectbox("Layer", layer_keys[1:], index=layer_keys[1:].index(default_layer(layer_keys)),
                             format_func=layer_labels.get, key=KEY("rec-layer"))
    limits = TrainingLimits.of_class(ui.class_config().limits)
    top = limits.epochs(10)
    epochs = lesson.record_epochs = int(c2.number_input("Epochs", 1, top, min(top, lesson.record_epochs),
                                                        key=SKEY("rec-epochs"), help=explain("epoch")))
    per_epoch = lesson.snapshots_per_epoch = c3.select_slider("Snapshots per epoch", list(PER_EPOCH_CHOICES),
                                                              value=lesson.snapshots_per_epoch, key=SKEY("rec-per-epoch"))
    b1, b2 = st.columns([1, 3])
    if b1.button("Record", type="primary", key=KEY("record"), disabled=lesson.recording):
        lesson.start_recording(trainer, images, labels, rec_layer, epochs, limits)
    waiting, progress = st.empty(), st.empty()
    if lesson.recording and lesson.recorder is not None:
        rec = lesson.recorder
        # through the training driver (the class's slot and limits), a snapshot at each scheduled epoch
        outcome = record(rec, lesson.snapshots, per_epoch,
                         lambda target: ui.train(rec, lesson.recorder_run, limits, until_epoch=target, notice=waiting),
                         lambda: progress.progress(lesson.recording_progress(), text=f"Recording: epoch {rec.epoch:.2f}"))
        if lesson.recording_ran(outcome):
            if message := limit_message(outcome, limits):
                st.toast(message)
            st.rerun()
    snaps = lesson.snapshots
    if snaps is not None and len(snaps) >= 2 and not lesson.recording:
        frames = lesson.cached("snap-proj", keys.snapshot_frames(snaps), lambda: ed.aligned_snapshot_projections(snaps))
        epochs_seen = snaps.epochs
        step = st.select_slider("Snapshot", list(range(len(frames))), value=len(frames) - 1, key=KEY("snap"),
                                format_func=lambda i: f"epoch {epochs_seen[i]:.2f}")
        reps_now = snaps.snapshots[step].reps
        accuracy = ed.knn_accuracy(reps_now, labels, k=5, seed=SEED)
        left, right = st.columns([1.5, 1])
        left.altair_chart(scatter(frames[step], "true label", np.ones(len(labels), dtype=bool),
                                  title=f"{layer_labels[snaps.layer]} at epoch {epochs_seen[step]:.2f}", selectable=False),
                          width="stretch")
        right.metric("k-NN accuracy in this layer", f"{accuracy:.1%}", help=explain("k-NN accuracy"))
        right.caption("Each snapshot is projected with PCA and turned to match the previous one, so points move "
                      "only as much as the network changed them.")
    elif snaps is None:
        st.caption("Nothing recorded yet.")
