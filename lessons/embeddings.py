"""Embeddings: see how each layer of your network arranges the data (the Embedding Projector, for your model)."""

from __future__ import annotations

import time
from dataclasses import replace

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from playground import ui
from playground.adversarial.lesson import model_key
from playground.digits.lesson import DigitLesson
from playground.digits.pictures import image_grid, ink_on_paper
from playground.embeddings import data as ed
from playground.embeddings.lesson import EmbeddingLesson, digit_thumbnails
from playground.embeddings.projections import UmapUnavailable, pca, umap_2d
from playground.engine2d.features import feature_matrix
from playground.render.colors import CLASS_HEX
from playground.render.png import encode_png, upscale
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings
from playground.training_driver import (
    Outcome,
    TrainingLimits,
    TrainingRun,
    limit_message,
)

LESSON = "embeddings"
KEY = lambda name: ui.widget_key(LESSON, name)  # noqa: E731
SEED = 0
VIEWS = ["Project a layer", "Layers side by side", "Across training"]

lesson: EmbeddingLesson = ui.embedding_lesson()
digits: DigitLesson = ui.digit_lesson()
ui.show_seed(SEED, "for the sample of points and the projections")
ui.lesson_header(
    LESSON,
    "Every layer of a network turns each input into a list of numbers — a point in a space with as many "
    "dimensions as the layer has units. Projected down to two dimensions, those points show how the layer "
    "arranges the data: the raw pixels mix the classes, and layer by layer the network pulls them apart. "
    "PCA is a fixed linear view; t-SNE and UMAP keep neighbours together and show clusters.",
)
ui.try_this([
    ("Compare the input space with the last hidden layer (Layers side by side)", "the k-NN accuracy jumps: the network has done the separating."),
    ("t-SNE with perplexity 2, then 50", "2 breaks the data into tiny clumps; 50 shows the large structure."),
    ("Colour by right/wrong and click a red point", "its nearest neighbours in that layer are mostly of the class it was read as."),
    ("Across training: record 3 epochs and move the slider", "the clusters form in the first epoch and then sharpen."),
])


# ------------------------------------------------------------------------------------------------ data
def playground_run() -> tuple[PlaygroundRun, str]:
    own = ui.existing_playground_lesson()
    if own is not None and own.run.problem == "classification" and len(own.run.train_y):
        return own.run, "your Playground network"

    def train_default() -> PlaygroundRun:
        run = PlaygroundRun(PlaygroundSettings(dataset="spiral", networkShape=[8, 8, 2], seed="0.13577",
                                               features=("x", "y", "sinX", "sinY")))
        run.train(400, loss_every_epoch=False)
        return run

    return lesson.cached("default-run", ("default",), train_default), "a spiral network trained here"


has_digits = digits.trainer is not None
c1, c2, c3 = st.columns([1.4, 1, 1])
options = ["digits", "playground"]
lesson.source = c1.radio("Network", options, index=options.index(lesson.source), horizontal=True, key=KEY("source"),
                         format_func={"digits": "Your digit network", "playground": "Your 2D Playground network"}.get)
view = st.segmented_control("View", VIEWS, default=VIEWS[0], key=KEY("view"), label_visibility="collapsed")

if lesson.source == "digits":
    ui.require_digit_model(digits)
    trainer = digits.trainer
    names = ui.digit_data(digits.trained_on).class_names
    lesson.n_points = c2.select_slider("Points", [250, 500, 1000, 2000, 5000], value=lesson.n_points,
                                       key=KEY("n-points"),
                                       help="A stratified, seeded sample of the test digits; when you ask for more "
                                            "than the test set holds, training digits make up the rest.")
    test_images, test_labels = trainer.data.test_images.numpy(), trainer.data.test_labels.numpy()
    train_images, train_labels = trainer.data.train_images.numpy(), trainer.data.train_labels.numpy()
    n_test = min(lesson.n_points, len(test_labels))
    n_train = min(lesson.n_points - n_test, len(train_labels))
    pick = ed.sample_indices(test_labels, n_test, seed=SEED)
    extra = ed.sample_indices(train_labels, n_train, seed=SEED) if n_train else np.zeros(0, dtype=np.int64)
    images = np.concatenate([test_images[pick], train_images[extra]])
    labels = np.concatenate([test_labels[pick], train_labels[extra]])
    pick = np.concatenate([pick, len(test_labels) + extra])  # (its length keys the caches)
    layers = ed.digit_layers(trainer.model)
    mkey = ("digits", model_key(trainer), len(pick))
    predicted = lesson.cached("predicted", mkey, lambda: trainer.probabilities(images).argmax(axis=1))
    thumbs = lesson.cached("thumbs", ("thumbs", digits.trained_on, len(pick)), lambda: digit_thumbnails(images))

    def representation(layer) -> np.ndarray:
        return lesson.cached(f"reps-{layer}", mkey, lambda: ed.digit_representations(trainer, images, layer))

    caption = f"{trainer.spec.describe()}, {trainer.epoch:.2f} epochs · {n_test:,} test digits" + (
        f" + {n_train:,} training digits" if n_train else "")
else:
    run, which = playground_run()
    names = run.class_names
    points = np.concatenate([run.train_x, run.test_x])
    labels = np.concatenate([run.train_y, run.test_y]).astype(np.int64)
    layers = ed.playground_layers(run)
    mkey = ("playground", id(run), run.epoch, len(points))
    shown = run.network.display_output(run.network.node_outputs(feature_matrix(points, run.features)))
    predicted = shown.argmax(axis=1) if shown.ndim == 2 else (shown >= 0).astype(np.int64)
    thumbs = None

    def representation(layer) -> np.ndarray:
        return lesson.cached(f"reps-{layer}", mkey, lambda: ed.playground_representations(run, points, layer))

    caption = f"{which} ({'-'.join(map(str, run.settings.networkShape)) or 'no hidden layer'}), epoch {run.epoch:,} · {len(points)} points"
st.caption(caption)
layer_keys = [key for key, _ in layers]
layer_labels = dict(layers)


def scatter(coords: np.ndarray, colour_by: str, keep: np.ndarray, title: str = "", size: int = 520,
            selectable: bool = True) -> alt.Chart:
    """The projected points, coloured by class (or right/wrong), with the digit on hover."""
    frame = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "idx": np.arange(len(coords)),
                          "label": [names[c] for c in labels], "read as": [names[c] for c in predicted],
                          "right": np.where(labels == predicted, "right", "wrong")})
    if thumbs is not None:
        frame["image"] = thumbs
    frame = frame[keep]
    field = {"true label": "label", "predicted label": "read as", "right/wrong": "right"}[colour_by]
    # small charts side by side share one key above them (a legend each would run into the next chart)
    legend = None if size < 400 else alt.Legend()
    if field == "right":
        colour = alt.Color("right:N", scale=alt.Scale(domain=["right", "wrong"], range=["#9aa5b1", "#cf222e"]),
                           title=None, legend=legend)
    else:
        colour = alt.Color(f"{field}:N", scale=alt.Scale(domain=list(names), range=list(CLASS_HEX[: len(names)])),
                           title=colour_by, legend=legend)
    tooltip = ["idx:Q", "label:N", "read as:N"] + (["image:N"] if thumbs is not None else [])
    chart = alt.Chart(frame).mark_circle(size=28, opacity=0.85).encode(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), color=colour, tooltip=tooltip,
    ).properties(width=size, height=size, title=title)
    if selectable:
        chart = chart.add_params(alt.selection_point(name="pick", fields=["idx"], on="click"))
    return chart


def neighbours_panel(reps: np.ndarray) -> None:
    """The selected point and its nearest neighbours in the layer's own space (not in the picture's)."""
    if lesson.selected is None or lesson.selected >= len(labels):
        st.caption("Click a point to see its nearest neighbours in this layer's space.")
        return
    i = lesson.selected
    c1, c2 = st.columns(2)
    k = c1.slider("Neighbours", 1, 30, 10, key=KEY("k"))
    metric = c2.radio("Distance", ["cosine", "euclidean"], horizontal=True, key=KEY("metric"))
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
    same = float(np.mean(labels[idx] == labels[i]))
    st.caption(f"{same:.0%} of the neighbours share its label.")


# ------------------------------------------------------------------------------------------------ project
if view == VIEWS[0]:
    c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1.2])
    if lesson.layer not in layer_keys:
        lesson.layer = layer_keys[-2] if len(layer_keys) > 2 else layer_keys[-1]
    lesson.layer = c1.selectbox("Layer", layer_keys, index=layer_keys.index(lesson.layer), format_func=layer_labels.get,
                                key=KEY(f"layer-{lesson.source}"))
    lesson.method = c2.radio("Projection", ["pca", "tsne", "umap"], index=["pca", "tsne", "umap"].index(lesson.method),
                             format_func={"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}.get, key=KEY("method"))
    colour_by = c3.radio("Colour by", ["true label", "predicted label", "right/wrong"], key=KEY("colour"))
    shown_classes = c4.multiselect("Classes shown", list(range(len(names))), default=list(range(len(names))),
                                   format_func=lambda c: names[c], key=KEY(f"classes-{lesson.source}"))
    isolate = c4.toggle("Isolate the selection", key=KEY("isolate"),
                        help="Show only the selected point and its nearest neighbours, projected on their own.")
    reps = representation(lesson.layer)
    keep = np.isin(labels, shown_classes)
    if isolate and lesson.selected is not None and lesson.selected < len(labels):
        near, _ = ed.nearest_neighbours(reps, lesson.selected, k=st.session_state.get(KEY("k"), 10),
                                        metric=st.session_state.get(KEY("metric"), "cosine"))
        keep = np.zeros(len(labels), dtype=bool)
        keep[np.concatenate([[lesson.selected], near])] = True
    st.caption(f"{layer_labels[lesson.layer]}: {reps.shape[1]} numbers per point.")
    left, right = st.columns([1.5, 1])
    coords = None
    with left:
        slot = st.empty()
        if lesson.method == "pca":
            projection = lesson.cached(f"pca-{lesson.layer}", mkey + (tuple(keep.nonzero()[0][:5]), int(keep.sum())),
                                       lambda: pca(reps[keep] if isolate else reps, n_components=min(10, reps.shape[1])))
            ratios = projection.explained_ratio
            coords = np.zeros((len(labels), 2))
            if len(ratios) == 1:  # one number per point: it goes across, the vertical spread is jitter
                coords[keep if isolate else slice(None)] = ed.planar(projection.coords, seed=SEED)
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
                coords[keep if isolate else slice(None)] = projection.coords[:, [a, b]]
                st.caption(f"These two components explain {ratios[a] + (ratios[b] if b != a else 0):.0%} of the "
                           f"variance; the first {len(ratios)}: {ratios.sum():.0%}.")
        elif lesson.method == "tsne":
            t1, t2, t3 = st.columns(3)
            lesson.perplexity = t1.slider("Perplexity", 2, 100, int(lesson.perplexity), key=KEY("perplexity"),
                                          help="About how many neighbours each point cares about (typical: 5–50).")
            rate = t2.select_slider("Learning rate", ["auto", 10, 50, 100, 200, 500, 1000], value=lesson.learning_rate,
                                    key=KEY("tsne-rate"))
            lesson.learning_rate = rate
            lesson.n_iter = t3.select_slider("Iterations", [250, 500, 1000, 2000], value=lesson.n_iter, key=KEY("tsne-iter"))
            subset = keep if isolate else np.ones(len(labels), dtype=bool)
            tkey = mkey + (lesson.layer, lesson.perplexity, str(lesson.learning_rate), lesson.n_iter, int(subset.sum()),
                           tuple(np.flatnonzero(subset)[:5]))
            tsne = lesson.tsne_for(tkey, reps[subset], SEED)
            b1, b2, b3 = st.columns(3)
            if b1.button("Pause" if lesson.tsne_running and not tsne.done else "Run", key=KEY("tsne-run"),
                         disabled=tsne.done, icon=":material/pause:" if lesson.tsne_running else ":material/play_arrow:"):
                lesson.tsne_running = not lesson.tsne_running
                st.rerun()
            if b2.button("Restart", key=KEY("tsne-restart")):
                lesson.tsne = None
                st.rerun()
            status = b3.empty()
            coords = np.zeros((len(labels), 2))
            coords[subset] = tsne.embedding
        else:
            u1, u2 = st.columns(2)
            neighbours = u1.slider("Neighbours", 5, 50, 15, key=KEY("umap-n"))
            min_dist = u2.slider("Minimum distance", 0.0, 0.99, 0.1, key=KEY("umap-d"))
            ukey = mkey + (lesson.layer, neighbours, min_dist, int(keep.sum()) if isolate else -1)
            subset = keep if isolate else np.ones(len(labels), dtype=bool)
            try:
                with st.spinner("UMAP is working (the first time on this server also compiles it: up to ~20 s)…"):
                    result = lesson.cached("umap", ukey, lambda: umap_2d(reps[subset], n_neighbors=neighbours,
                                                                          min_dist=min_dist, seed=SEED))
                coords = np.zeros((len(labels), 2))
                coords[subset] = result
            except UmapUnavailable as error:
                st.warning(str(error))
        if coords is not None:
            event = slot.altair_chart(scatter(coords, colour_by, keep), on_select="rerun", key=KEY("scatter"))
            picked = (event.selection.get("pick") or [None])[0] if event and event.selection else None
            if picked and picked.get("idx") is not None:
                lesson.selected = int(picked["idx"])
    with right:
        neighbours_panel(reps)
    if lesson.method == "tsne" and coords is not None:
        tsne = lesson.tsne
        status.caption(f"Iteration {tsne.iteration} of {tsne.n_iter}" + (" — done" if tsne.done else ""))
        while lesson.tsne_running and not tsne.done:  # progressive: the picture follows the optimisation
            tsne.step(25)
            coords[subset] = tsne.embedding
            slot.altair_chart(scatter(coords, colour_by, keep, selectable=False), key=None)
            status.caption(f"Iteration {tsne.iteration} of {tsne.n_iter}" + (" (early exaggeration)" if tsne.exaggerating else ""))
            if ui.rerun_requested():
                break
            time.sleep(0.01)
        if tsne.done and lesson.tsne_running:
            lesson.tsne_running = False
            st.rerun()

# ------------------------------------------------------------------------------------------------ side by side
elif view == VIEWS[1]:
    st.markdown("The same points in every layer, each projected with PCA. The number is the **k-NN accuracy** in "
                "that layer's own space (leave-one-out, 5 neighbours): how often a point's nearest neighbours "
                "share its label — how well the layer separates the classes.")
    colour_by = st.radio("Colour by", ["true label", "predicted label", "right/wrong"], horizontal=True, key=KEY("colour2"))
    if colour_by == "right/wrong":
        key_items = [("#9aa5b1", "right"), ("#cf222e", "wrong")]
    else:
        key_items = list(zip(CLASS_HEX, names, strict=False))
    st.html('<div style="display:flex;flex-wrap:wrap;gap:0.9rem;font-size:0.9rem">'
            + "".join(f'<span><span style="color:{hex_}">&#9679;</span> {name}</span>' for hex_, name in key_items)
            + "</div>")
    columns = st.columns(min(4, len(layer_keys)))
    keep = np.ones(len(labels), dtype=bool)
    for i, layer in enumerate(layer_keys):
        reps = representation(layer)
        coords = lesson.cached(f"pca2-{layer}", mkey, lambda r=reps: ed.planar(pca(r, n_components=2).coords, seed=SEED))
        accuracy = lesson.cached(f"knn-{layer}", mkey, lambda r=reps: ed.knn_accuracy(r, labels, k=5, seed=SEED))
        with columns[i % len(columns)]:
            st.altair_chart(scatter(coords, colour_by, keep, title=layer_labels[layer], size=260, selectable=False),
                            width="content")
            st.metric(f"k-NN accuracy, {reps.shape[1]} dims", f"{accuracy:.1%}")

# ------------------------------------------------------------------------------------------------ across training
elif view == VIEWS[2]:
    if lesson.source != "digits":
        st.info("Recording training snapshots is for the digit network; switch *Network* to your digit network.")
        st.stop()
    st.markdown("Train a fresh copy of your digit network (same settings, same seed) and record where a layer "
                "puts the same test digits as training goes on. Then move the slider: the clusters form.")
    c1, c2, c3 = st.columns(3)
    rec_layer = c1.selectbox("Layer", layer_keys[1:], index=max(0, len(layer_keys) - 3),
                             format_func=layer_labels.get, key=KEY("rec-layer"))
    limits = TrainingLimits.of_class(ui.class_config().limits)
    epochs = c2.number_input("Epochs", 1, limits.epochs(10), limits.epochs(2), key=KEY("rec-epochs"))
    per_epoch = c3.select_slider("Snapshots per epoch", [1, 2, 4], value=4, key=KEY("rec-per-epoch"))
    b1, b2 = st.columns([1, 3])
    if b1.button("Record", type="primary", key=KEY("record"), disabled=lesson.recording):
        from playground.digits.training import DigitTrainer

        config = replace(trainer.config, epochs=limits.epochs(epochs))
        lesson.recorder = DigitTrainer(trainer.spec, config, trainer.data)
        lesson.recorder_run = TrainingRun()
        lesson.snapshots = ed.TrainingSnapshots(images, labels, rec_layer, capacity=12)
        lesson.snapshots.capture(lesson.recorder)  # before any training
        lesson.recording, lesson.snapshot_key = True, (rec_layer, len(pick))
    waiting, progress = st.empty(), st.empty()
    if lesson.recording and lesson.recorder is not None:
        rec = lesson.recorder
        while True:  # through the training driver (the class's slot and limits), a snapshot at each target
            target = (int(rec.epoch * per_epoch) + 1) / per_epoch
            outcome = ui.train(rec, lesson.recorder_run, limits, until_epoch=target, notice=waiting)
            if outcome is Outcome.REACHED or outcome.ends_run:
                lesson.snapshots.capture(rec)
            progress.progress(min(1.0, rec.epoch / rec.config.epochs), text=f"Recording: epoch {rec.epoch:.2f}")
            if outcome is not Outcome.REACHED:
                break
        if outcome.ends_run:
            lesson.recording = False
            if limit_message(outcome, limits):
                st.toast(limit_message(outcome, limits))
            st.rerun()
    snaps = lesson.snapshots
    if snaps is not None and len(snaps) >= 2 and not lesson.recording:
        frames = lesson.cached("snap-proj", (id(snaps), len(snaps)), lambda: ed.aligned_snapshot_projections(snaps))
        epochs_seen = snaps.epochs
        step = st.select_slider("Snapshot", list(range(len(frames))), value=len(frames) - 1, key=KEY("snap"),
                                format_func=lambda i: f"epoch {epochs_seen[i]:.2f}")
        reps_now = snaps.snapshots[step].reps
        accuracy = ed.knn_accuracy(reps_now, labels, k=5, seed=SEED)
        left, right = st.columns([1.5, 1])
        left.altair_chart(scatter(frames[step], "true label", np.ones(len(labels), dtype=bool),
                                  title=f"{layer_labels[snaps.layer]} at epoch {epochs_seen[step]:.2f}", selectable=False),
                          width="content")
        right.metric("k-NN accuracy in this layer", f"{accuracy:.1%}")
        right.caption("Each snapshot is projected with PCA and turned to match the previous one, so points move "
                      "only as much as the network changed them.")
    elif snaps is None:
        st.caption("Nothing recorded yet.")
