// The Playground's live network view (a Streamlit custom component, v2): the feature nodes, hidden
// layers and output nodes with their heatmap thumbnails, the links coloured and sized by weight, the
// biases, the loss chart and the large output heatmap with the data points.
//
// Python sends the whole picture when the page reruns (`data`), and, while training plays, small
// frame updates through a window event (see frame_pump.js), so the view keeps its state (hover, an
// open weight editor) between frames. What the learner does comes back as trigger values.

const NODE = 34; // node box, px
const ROW = 46; // vertical distance between nodes
const TOP = 58; // room for the layer headers (more when a layer's "4 neurons · Tanh" takes two lines)
const LEFT = 64; // room for the feature labels
const OUT_W = 330; // the output panel (310 px) and the gap before it
const MIN_COL = 62, MAX_COL = 132; // distance between the node columns
const ROOM = 8; // least space between two headings
const MAP = 300; // the large heatmap, px
const EXTENT = 6;
const DPR = Math.min(2, window.devicePixelRatio || 1); // crisp canvases on dense screens
const NEG = [245, 147, 34], MID = [232, 234, 235], POS = [8, 119, 189];

function colour(v) { // TF's orange-grey-blue scale, clamped to [-1, 1]
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const end = t < 0 ? NEG : POS, a = Math.abs(t);
  return `rgb(${end.map((e, i) => Math.round(MID[i] + (e - MID[i]) * a)).join(",")})`;
}
const linkWidth = (w) => 1 + 9 * Math.min(Math.abs(w), 5) / 5; // TF: [0, 5] -> [1, 10] px
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : "–");
const epochText = (n) => String(n).padStart(6, "0").replace(/(\d{3})(\d{3})$/, "$1,$2");
const el = (tag, cls, parent) => { const e = document.createElement(tag); if (cls) e.className = cls; if (parent) parent.appendChild(e); return e; };

function offsets(sizes) { // the engine's flat parameter layout (see mlp_kernels.py)
  const w = [], b = [];
  let o = 0;
  for (let l = 0; l < sizes.length - 1; l++) { w.push(o); o += sizes[l] * sizes[l + 1]; b.push(o); o += sizes[l + 1]; }
  return { w, b };
}

class NetworkView {
  constructor(root) {
    this.root = root;
    root.innerHTML = "";
    this.box = el("div", "npv", root);
    this.net = el("div", "npv-net", this.box);
    this.headers = el("div", "npv-headers", this.net);
    this.linkCanvas = el("canvas", "npv-links", this.net); // links on a canvas: a small DOM stays fast
    this.linkCanvas.dataset.testid = "npv-links";
    this.nodes = el("div", "npv-nodes", this.net);
    const out = el("div", "npv-out", this.box);
    const head = el("div", "npv-outhead", out);
    const titleRow = el("div", "npv-outrow", head); // the output's heading sits over its own panel
    el("div", "npv-title npv-outtitle", titleRow).textContent = "Output";
    this.epoch = el("div", "npv-epoch", titleRow);
    this.epoch.innerHTML = 'Epoch <b data-testid="npv-epoch">000,000</b>';
    this.losses = el("div", "npv-losses", head);
    this.chart = el("canvas", "npv-chart", out);
    this.chart.width = 300; this.chart.height = 70;
    this.chartTip = el("div", "npv-charttip", out);
    const mapBox = el("div", "npv-map", out);
    this.mapImg = el("img", "npv-mapimg", mapBox);
    this.mapImg.alt = "output heatmap";
    this.preview = el("canvas", "npv-preview", mapBox);
    this.preview.width = 100; this.preview.height = 100;
    this.overlay = el("canvas", "npv-points", mapBox);
    this.overlay.width = MAP * DPR; this.overlay.height = MAP * DPR;
    this.axes = el("div", "npv-axes", out);
    this.legend = el("div", "npv-legend", out);
    this.caption = el("div", "npv-caption", out);
    this.tip = el("div", "npv-tip", this.box);
    this.editor = el("input", "npv-edit", this.box);
    this.editor.type = "number"; this.editor.step = "any";
    this.editor.setAttribute("aria-label", "new value");
    this.history = [];
    this.bindEvents(mapBox);
    // a wider or narrower page (a window resized, the sidebar closed): the network takes the room it has
    this.resizer = new ResizeObserver(() => {
      const w = this.root.clientWidth;
      if (this.data && w && Math.abs(w - this.laidOutWidth) > 1) { this.arrange(); this.paintLinks(); }
    });
    this.resizer.observe(this.root);
  }

  send(name, value) { if (this.trigger) this.trigger(name, value); }

  bindEvents(mapBox) {
    this.overlay.addEventListener("click", (ev) => {
      if (this.data.add_mode === null || this.data.add_mode === undefined) return;
      const r = this.overlay.getBoundingClientRect();
      const x = ((ev.clientX - r.left) / r.width) * 2 * EXTENT - EXTENT;
      const y = EXTENT - ((ev.clientY - r.top) / r.height) * 2 * EXTENT;
      this.send("add_point", { x, y, label: this.data.add_mode });
      this.added.push([x, y, this.data.add_mode]); // show it at once; the rerun confirms it
      this.drawPoints();
    });
    this.linkCanvas.addEventListener("mousemove", (ev) => this.linkHover(ev));
    this.linkCanvas.addEventListener("mouseleave", () => { this.hoverLink = null; this.hideTip(); this.paintLinks(); });
    this.linkCanvas.addEventListener("click", (ev) => {
      this.linkHover(ev);
      if (this.hoverLink !== null && !this.data.readonly) this.openEditor(ev, this.links[this.hoverLink].index);
    });
    this.chart.addEventListener("mousemove", (ev) => this.chartHover(ev));
    this.chart.addEventListener("mouseleave", () => { this.chartTip.style.display = "none"; this.drawChart(); });
    this.editor.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        const v = parseFloat(this.editor.value);
        this.send("edit", { index: this.editing, value: Number.isFinite(v) ? v : this.editor.value });
        this.closeEditor();
      } else if (ev.key === "Escape") this.closeEditor();
    });
    this.editor.addEventListener("blur", () => this.closeEditor());
  }

  // ------------------------------------------------------------------ full redraw (each rerun)
  update(data) {
    this.data = data;
    this.added = [];
    this.off = offsets(data.sizes);
    this.params = data.frame.params;
    this.arrange();
    this.drawPoints();
    this.drawLegend();
    this.history = (data.history || []).slice();
    this.lastSeq = 0;
    this.frame(data.frame, false);
  }

  arrange() { // the network's columns in the width there is, its headings, nodes and links
    this.layout();
    this.drawNodes();
    this.drawLinks();
  }

  layout() {
    const d = this.data;
    const cols = d.sizes.length; // input column + hidden layers + output column
    const width = this.root.clientWidth || this.laidOutWidth || 1100;
    this.laidOutWidth = width;
    const avail = width - OUT_W; // the output panel goes beside the network while both fit, else below it
    let colW = Math.max(MIN_COL, Math.min(MAX_COL, (avail - LEFT - NODE - 12) / Math.max(1, cols - 1)));
    let need = null;
    for (let pass = 0; pass < 3; pass++) { // headings measured as drawn: widen the columns until none overlap
      this.colW = colW;
      need = this.drawHeaders();
      if (need.colW <= colW + 0.5) break;
      colW = need.colW;
    }
    this.top = Math.max(TOP, need.bottom + 4);
    this.headers.style.height = `${this.top - 2}px`;
    const rows = Math.max(d.features.length, ...d.sizes.slice(1));
    this.height = this.top + rows * ROW + 6;
    this.width = Math.max(LEFT + (cols - 1) * this.colW + NODE + 12, need.width);
    this.net.style.width = `${this.width}px`; this.net.style.height = `${this.height}px`;
    this.linkCanvas.width = this.width * DPR; this.linkCanvas.height = this.height * DPR;
    this.linkCanvas.style.width = `${this.width}px`; this.linkCanvas.style.height = `${this.height}px`;
    // node positions: column c, row r -> top-left corner; inputs use all seven feature rows
    this.pos = (c, r) => [LEFT + c * this.colW, this.top + r * ROW];
    const enabled = d.features.filter((f) => f.enabled);
    this.inputRow = enabled.map((f) => d.features.indexOf(f)); // engine input j -> feature row
  }

  hidden(name) { return (this.data.hidden_controls || []).includes(name); }

  drawHeaders() {
    // Returns what the headings need: the column width at which no two overlap, how far down they reach
    // (the nodes start below), and the network's width that holds them.
    const d = this.data, h = this.headers, colW = this.colW;
    h.innerHTML = "";
    h.classList.remove("npv-twolines");
    const nHidden = d.sizes.length - 2;
    const title = el("div", "npv-title", h);
    title.style.left = `${LEFT}px`;
    title.textContent = "Features";
    const hiddenTitle = el("div", "npv-title npv-layers", h);
    if (!this.hidden("numHiddenLayers") && !d.readonly) {
      this.button(hiddenTitle, "+", "add a hidden layer", nHidden >= d.limits.max_layers, () => this.send("shape", { op: "add_layer" }));
      this.button(hiddenTitle, "−", "remove the last hidden layer", nHidden <= 0, () => this.send("shape", { op: "remove_layer" }));
    }
    el("span", "", hiddenTitle).textContent = `${nHidden} hidden layer${nHidden === 1 ? "" : "s"}`;
    // over the first hidden layer; with none, next to "Features" (the output's heading is over its own panel)
    const afterFeatures = LEFT + title.offsetWidth + 2 * ROOM;
    const hiddenLeft = nHidden ? Math.max(LEFT + colW - 10, afterFeatures) : afterFeatures;
    hiddenTitle.style.left = `${hiddenLeft}px`;
    const heads = [];
    for (let l = 1; l <= nHidden; l++) {
      const col = el("div", "npv-colhead", h);
      if (!this.hidden(`numNodes${l}`) && !d.readonly) {
        const row = el("div", "npv-colbuttons", col);
        this.button(row, "+", `add a neuron to layer ${l}`, d.sizes[l] >= d.limits.max_neurons, () => this.send("shape", { op: "add_neuron", layer: l }));
        this.button(row, "−", `remove a neuron from layer ${l}`, d.sizes[l] <= 1, () => this.send("shape", { op: "remove_neuron", layer: l }));
      }
      const count = el("div", "npv-count", col); // its text reads "4 neurons · Tanh" on one line or two
      el("span", "", count).textContent = `${d.sizes[l]} ${d.sizes[l] === 1 ? "neuron" : "neurons"}`;
      el("span", "npv-sep", count).textContent = " · ";
      el("span", "npv-act", count).textContent = d.activations[l - 1];
      heads.push({ col, count, x: LEFT + l * colW + NODE / 2 });
    }
    // each layer's heading is centred over its column, on one line if every one fits in a column, else two
    const natural = heads.map((c) => c.count.scrollWidth); // one line (measured before the width is set)
    const room = colW - ROOM;
    const oneLine = natural.every((w) => w <= room);
    h.classList.toggle("npv-twolines", !oneLine);
    let widest = 0;
    heads.forEach((c, i) => {
      c.col.style.width = `${room}px`;
      c.col.style.left = `${c.x - room / 2}px`;
      const lines = oneLine ? [natural[i]] : [...c.count.children].map((e) => e.getBoundingClientRect().width);
      widest = Math.max(widest, ...lines);
    });
    return {
      colW: Math.ceil(widest) + ROOM,
      bottom: Math.max(0, ...heads.map((c) => c.col.offsetTop + c.col.offsetHeight)),
      width: hiddenLeft + hiddenTitle.offsetWidth + ROOM, // "+ − 0 hidden layers" stays in the network's box
    };
  }

  button(parent, text, label, disabled, onClick) {
    const b = el("button", "npv-btn", parent);
    b.textContent = text; b.title = label; b.setAttribute("aria-label", label);
    b.disabled = disabled;
    b.addEventListener("click", (ev) => { ev.stopPropagation(); onClick(); });
    return b;
  }

  drawNodes() {
    const d = this.data, box = this.nodes;
    box.innerHTML = "";
    this.tiles = [];
    this.biasSquares = [];
    if (this.inputSpriteSrc !== d.input_sprite) {
      this.inputSpriteSrc = d.input_sprite;
      this.loadImage(d.input_sprite, (img) => { this.inputSprite = img; this.paintLinks(); });
    }
    this.nodeEls = [];
    this.biasEls = [];
    d.features.forEach((f, r) => {
      const [x, y] = this.pos(0, r);
      const n = this.node(x, y, d.input_sprite, r, d.features.length, `feature ${f.label}${f.enabled ? "" : " (off)"}`);
      n.classList.add("npv-input");
      if (!f.enabled) n.classList.add("npv-off");
      n.dataset.feature = f.id;
      const lab = el("div", "npv-label", box);
      lab.textContent = f.label;
      lab.style.left = `${x - LEFT + 2}px`; lab.style.top = `${y + 9}px`;
      if (!this.hidden(`${f.id}`) && !d.readonly) {
        n.title = f.enabled ? `${f.label}: click to switch this input off` : `${f.label}: click to use this input`;
        n.addEventListener("click", () => this.send("toggle_feature", f.id));
      }
    });
    let sprite = 0;
    const total = d.sizes.slice(1).reduce((a, b) => a + b, 0);
    for (let l = 1; l < d.sizes.length; l++) {
      const nodes = [], biases = [];
      for (let i = 0; i < d.sizes[l]; i++) {
        const [x, y] = this.pos(l, i);
        const isOut = l === d.sizes.length - 1;
        const name = isOut ? (d.sizes[l] > 1 ? `output for class ${d.class_names[i]}` : "output") : `neuron ${i + 1} of layer ${l}`;
        const n = this.node(x, y, null, sprite++, total, name);
        n.dataset.layer = l; n.dataset.index = i;
        const sel = d.selected && d.selected[0] === l && d.selected[1] === i;
        if (sel) n.classList.add("npv-selected");
        n.addEventListener("click", () => this.send("select_node", [l, i]));
        n.addEventListener("mouseenter", () => this.showPreview(n, name));
        n.addEventListener("mouseleave", () => this.hidePreview());
        nodes.push(n);
        const b = el("div", "npv-bias", box);
        b.style.left = `${x - 5}px`; b.style.top = `${y + NODE - 5}px`;
        const bi = this.off.b[l - 1] + i;
        this.biasSquares.push({ x: x - 5, y: y + NODE - 5, index: bi });
        b.dataset.index = bi;
        b.addEventListener("mouseenter", (ev) => this.showTip(ev, `Bias is ${this.params[bi].toPrecision(2)}${d.readonly ? "" : " — click to edit"}`));
        b.addEventListener("mouseleave", () => this.hideTip());
        if (!d.readonly) b.addEventListener("click", (ev) => this.openEditor(ev, bi));
        biases.push(b);
      }
      this.nodeEls.push(nodes); this.biasEls.push(biases);
    }
  }

  node(x, y, sprite, index, count, label) {
    // the thumbnail itself is painted on the canvas below (see paintLinks); the box is for the learner
    const n = el("div", "npv-node", this.nodes);
    n.style.left = `${x}px`; n.style.top = `${y}px`;
    n.setAttribute("role", "button"); n.setAttribute("aria-label", label);
    n.dataset.sprite = index;
    this.tiles.push({ x, y, index, input: Boolean(sprite) });
    return n;
  }

  drawLinks() {
    const d = this.data;
    this.links = [];
    this.hoverLink = null;
    for (let l = 0; l < d.sizes.length - 1; l++) {
      const nIn = d.sizes[l];
      for (let i = 0; i < d.sizes[l + 1]; i++) {
        for (let j = 0; j < nIn; j++) {
          const srcRow = l === 0 ? this.inputRow[j] : j;
          const [x1, y1] = this.pos(l, srcRow), [x2, y2] = this.pos(l + 1, i);
          const sx = x1 + NODE, sy = y1 + NODE / 2, tx = x2, ty = y2 + NODE / 2, mx = (sx + tx) / 2;
          const path = new Path2D(`M${sx},${sy} C${mx},${sy} ${mx},${ty} ${tx},${ty}`);
          // the curve's middle point, where a test (or a learner) can find the link
          this.links.push({ path, index: this.off.w[l] + i * nIn + j, mid: [(sx + tx) / 2, (sy + ty) / 2], layer: l, to: i, from: j });
        }
      }
    }
    this.linkCanvas.dataset.count = String(this.links.length);
  }

  paintLinks() {
    const g = this.linkCanvas.getContext("2d");
    g.setTransform(DPR, 0, 0, DPR, 0, 0);
    g.clearRect(0, 0, this.width, this.height);
    this.links.forEach((link, k) => {
      const w = this.params[link.index];
      const dead = this.alive ? this.alive[link.index] === 0 : false;
      g.strokeStyle = colour(w);
      g.lineWidth = linkWidth(w);
      g.globalAlpha = dead ? 0.5 : 0.9;
      g.setLineDash(dead ? [2, 4] : []); // solid: dashing hundreds of curves every frame is slow
      if (k === this.hoverLink) { g.shadowColor = "rgba(0,0,0,.5)"; g.shadowBlur = 4; g.globalAlpha = 1; }
      g.stroke(link.path);
      g.shadowBlur = 0;
    });
    g.globalAlpha = 1;
    g.setLineDash([]);
    g.imageSmoothingEnabled = true;
    for (const b of this.biasSquares || []) { // each neuron's bias, a small square at its corner
      g.fillStyle = colour(this.params[b.index]);
      g.fillRect(b.x, b.y, 8, 8);
      g.strokeStyle = "#52606d"; g.lineWidth = 1; g.strokeRect(b.x + 0.5, b.y + 0.5, 7, 7);
    }
    for (const t of this.tiles || []) { // every node's heatmap thumbnail, from one decoded sprite
      const img = t.input ? this.inputSprite : this.sprite;
      if (!img) continue;
      const side = img.height;
      g.drawImage(img, t.index * side, 0, side, side, t.x + 1, t.y + 1, NODE - 2, NODE - 2);
      if (t.input && this.data.features[t.index] && !this.data.features[t.index].enabled) {
        g.fillStyle = "rgba(251,251,252,.72)"; g.fillRect(t.x, t.y, NODE, NODE); // a switched-off input
      }
    }
  }

  loadImage(src, done) { // decode off the main path; keep showing the previous picture until ready
    const img = new Image();
    img.onload = () => done(img);
    img.src = src;
  }

  linkAt(x, y) { // the link under a point, thin links made easier to hit
    const g = this.linkCanvas.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    for (let k = this.links.length - 1; k >= 0; k--) {
      g.lineWidth = Math.max(9, linkWidth(this.params[this.links[k].index]));
      if (g.isPointInStroke(this.links[k].path, x, y)) return k;
    }
    return null;
  }

  linkHover(ev) {
    const r = this.linkCanvas.getBoundingClientRect();
    const k = this.linkAt(ev.clientX - r.left, ev.clientY - r.top);
    if (k !== this.hoverLink) { this.hoverLink = k; this.paintLinks(); }
    this.linkCanvas.style.cursor = k === null ? "default" : "pointer";
    if (k === null) { this.hideTip(); return; }
    const w = this.params[this.links[k].index];
    this.showTip(ev, `Weight is ${w.toPrecision(2)}${this.data.readonly ? "" : " — click to edit"}`);
  }

  linkMidpoint(layer, to, from) { // for tests: page coordinates of a link's middle
    const link = this.links.find((l) => l.layer === layer && l.to === to && l.from === from);
    const r = this.linkCanvas.getBoundingClientRect();
    return link ? [r.left + link.mid[0], r.top + link.mid[1]] : null;
  }

  drawPoints() {
    const d = this.data, g = this.overlay.getContext("2d");
    g.setTransform(DPR, 0, 0, DPR, 0, 0);
    g.clearRect(0, 0, MAP, MAP);
    this.overlay.style.cursor = d.add_mode === null || d.add_mode === undefined ? "default" : "crosshair";
    const dot = (x, y, c, stroke, r) => {
      if (Math.abs(x) > EXTENT || Math.abs(y) > EXTENT) return; // TF hides them (still trained on)
      g.beginPath();
      g.arc(((x + EXTENT) / (2 * EXTENT)) * MAP, ((EXTENT - y) / (2 * EXTENT)) * MAP, r, 0, 2 * Math.PI);
      g.fillStyle = d.problem === "regression" ? colour(c) : d.class_colors[c % d.class_colors.length];
      g.fill(); g.lineWidth = 1; g.strokeStyle = stroke; g.stroke();
    };
    for (const [x, y, c] of d.points.train) dot(x, y, c, "#fff", 3);
    if (d.show_test) for (const [x, y, c] of d.points.test) dot(x, y, c, "#000", 3);
    for (const [x, y, c] of this.added) dot(x, y, c, "#fff", 4);
    this.overlay.dataset.points = String(d.points.train.length + this.added.length);
    const ticks = [-6, -4, -2, 0, 2, 4, 6];
    this.axes.innerHTML = ticks.map((t) => `<span style="left:${((t + EXTENT) / (2 * EXTENT)) * MAP}px">${t}</span>`).join("");
  }

  drawLegend() {
    const d = this.data;
    if (d.problem === "classification" && d.n_classes > 2) {
      this.legend.innerHTML = d.class_names.map((n, i) =>
        `<span class="npv-swatch" style="background:${d.class_colors[i]}"></span>${n}`).join(" ");
    } else {
      this.legend.innerHTML = '<span>−1</span><span class="npv-gradient"></span><span>1</span>' +
        `<span class="npv-legendnote">${d.problem === "regression" ? "output value" : "orange −1 · blue +1"}</span>`;
    }
  }

  // ------------------------------------------------------------------ per-frame update
  frame(f, appendHistory = true) {
    if (!f) return;
    if (appendHistory && f.seq !== undefined && f.seq <= (this.lastSeq || 0)) return; // a late, older frame
    if (f.seq !== undefined) this.lastSeq = f.seq;
    this.params = f.params;
    this.box.querySelector('[data-testid="npv-epoch"]').textContent = epochText(f.epoch);
    const s = f.scores, metric = s.metric_name === "accuracy" ? (v) => `${(100 * v).toFixed(1)}%` : (v) => fmt(v);
    if (!this.lossEls) {
      this.losses.innerHTML =
        '<div>Test loss <b data-testid="npv-test-loss"></b> <span></span></div>' +
        '<div>Training loss <b data-testid="npv-train-loss"></b> <span></span></div>';
      this.lossEls = this.losses.querySelectorAll("b, span");
    }
    const texts = [fmt(s.test_loss), `${s.metric_name} ${metric(s.test_metric)}`, fmt(s.train_loss), `${s.metric_name} ${metric(s.train_metric)}`];
    texts.forEach((t, i) => { if (this.lossEls[i].textContent !== t) this.lossEls[i].textContent = t; });
    if (f.sprite) {
      const token = (this.spriteToken = (this.spriteToken || 0) + 1);
      this.loadImage(f.sprite, (img) => {
        if (token !== this.spriteToken) return; // a newer frame is already on its way
        this.sprite = img;
        this.paintLinks();
        if (this.previewTile !== undefined) this.paintPreview();
      });
    }
    if (f.main) this.mapImg.src = f.main;
    this.caption.textContent = f.caption || "";
    this.alive = f.alive || null;
    if (!f.sprite) this.paintLinks(); // otherwise painted once the new thumbnails are decoded
    if (appendHistory && f.history_tail) {
      for (const row of f.history_tail) {
        const last = this.history[this.history.length - 1];
        if (last && last[0] === row[0]) this.history[this.history.length - 1] = row;
        else if (!last || row[0] > last[0]) this.history.push(row);
      }
      if (this.history.length > 2000) this.history = this.history.filter((_, i) => i % 2 === 0);
    }
    this.drawChart();
    this.box.dataset.frames = String((Number(this.box.dataset.frames) || 0) + 1);
  }

  drawChart(hoverIndex = null) {
    const c = this.chart, g = c.getContext("2d"), h = this.history;
    g.clearRect(0, 0, c.width, c.height);
    if (h.length < 1) return;
    let lo = Infinity, hi = -Infinity;
    for (const r of h) for (const v of [r[1], r[2]]) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > lo)) { hi = lo + 1e-9; }
    const e0 = h[0][0], e1 = Math.max(h[h.length - 1][0], e0 + 1);
    const X = (e) => 4 + ((e - e0) / (e1 - e0)) * (c.width - 8), Y = (v) => c.height - 4 - ((v - lo) / (hi - lo)) * (c.height - 8);
    for (const [col, k] of [["#9aa0a6", 1], ["#111", 2]]) {
      g.strokeStyle = col; g.lineWidth = 1.5; g.beginPath();
      h.forEach((r, i) => (i ? g.lineTo(X(r[0]), Y(r[k])) : g.moveTo(X(r[0]), Y(r[k]))));
      g.stroke();
    }
    this.chartScale = { X, e0, e1 };
    if (hoverIndex !== null) {
      const r = h[hoverIndex];
      g.strokeStyle = "rgba(0,0,0,.35)"; g.beginPath(); g.moveTo(X(r[0]), 0); g.lineTo(X(r[0]), c.height); g.stroke();
    }
  }

  chartHover(ev) {
    const h = this.history;
    if (!h.length || !this.chartScale) return;
    const r = this.chart.getBoundingClientRect();
    const e = this.chartScale.e0 + ((ev.clientX - r.left - 4) / (r.width - 8)) * (this.chartScale.e1 - this.chartScale.e0);
    let best = 0;
    for (let i = 1; i < h.length; i++) if (Math.abs(h[i][0] - e) < Math.abs(h[best][0] - e)) best = i;
    this.drawChart(best);
    const row = h[best];
    this.chartTip.style.display = "block";
    this.chartTip.textContent = `epoch ${row[0]}: test ${fmt(row[2])}, training ${fmt(row[1])}`;
  }

  // ------------------------------------------------------------------ hover, tooltips, editing
  showPreview(node, name) {
    this.previewTile = Number(node.dataset.sprite);
    this.paintPreview();
    this.preview.style.display = "block";
    this.caption.dataset.saved = this.caption.textContent;
    this.caption.textContent = `Hovering ${name} (a quick preview; click it to see its full heatmap)`;
  }

  paintPreview() {
    if (!this.sprite) return;
    const g = this.preview.getContext("2d"), side = this.sprite.height;
    g.imageSmoothingEnabled = true;
    g.drawImage(this.sprite, this.previewTile * side, 0, side, side, 0, 0, 100, 100);
  }

  hidePreview() {
    this.previewTile = undefined;
    this.preview.style.display = "none";
    if (this.caption.dataset.saved !== undefined) this.caption.textContent = this.caption.dataset.saved;
  }

  showTip(ev, text) { this.tip.textContent = text; this.tip.style.display = "block"; this.moveTip(ev); }
  moveTip(ev) {
    const r = this.box.getBoundingClientRect();
    this.tip.style.left = `${ev.clientX - r.left + 12}px`; this.tip.style.top = `${ev.clientY - r.top + 12}px`;
  }
  hideTip() { this.tip.style.display = "none"; }

  openEditor(ev, index) {
    ev.stopPropagation();
    const r = this.box.getBoundingClientRect();
    this.editing = index;
    this.editor.value = this.params[index].toFixed(4);
    this.editor.style.left = `${ev.clientX - r.left + 8}px`; this.editor.style.top = `${ev.clientY - r.top - 12}px`;
    this.editor.style.display = "block";
    this.editor.focus(); this.editor.select();
    this.hideTip();
  }

  closeEditor() { this.editor.style.display = "none"; this.editing = null; }

  destroy() {
    if (this.listener) window.removeEventListener(this.channel, this.listener);
    this.resizer.disconnect();
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let view = parentElement.__npv;
  if (!view) {
    view = parentElement.__npv = new NetworkView(parentElement.querySelector(".npv-root") || parentElement);
    view.channel = `np-frame:${data.channel}`;
    view.listener = (ev) => { if (view.data) view.frame(ev.detail); };
    window.addEventListener(view.channel, view.listener);
  }
  view.trigger = setTriggerValue;
  view.update(data);
  return () => { view.destroy(); parentElement.__npv = null; };
}
