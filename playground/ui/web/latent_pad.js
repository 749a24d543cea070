// The latent pad (a Streamlit custom component, v2): a square picture of a 2-D latent space; a click or a
// drag anywhere decodes that point here in the browser with the decoder's own weights (2 -> hidden -> 784,
// ReLU then sigmoid, float32 weights sent as base64 by generative.vae.decoder_payload) and draws the 28x28
// digit enlarged beside the map on every pointer move, with no round trip to Python. A crosshair marks the
// point, its coordinates are shown as text, and on release the point goes to Python as the trigger "z".
// The arrow keys move the point too (Shift: bigger steps), so the pad works without a pointer.

function floats(b64) {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer); // little-endian float32, as every browser
}

class Decoder {
  constructor(p) {
    this.key = p.key; this.hidden = p.hidden; this.pixels = p.pixels;
    this.w1 = floats(p.w1); this.b1 = floats(p.b1); this.w2 = floats(p.w2); this.b2 = floats(p.b2);
    this.h = new Float64Array(this.hidden);
    this.out = new Float64Array(this.pixels);
  }

  decode(x, y) { // pixels in [0, 1], row-major 28x28
    const { hidden: H, pixels: P, w1, b1, w2, b2, h, out } = this;
    for (let j = 0; j < H; j++) h[j] = Math.max(0, b1[j] + x * w1[j] + y * w1[H + j]);
    for (let i = 0; i < P; i++) out[i] = b2[i];
    for (let j = 0; j < H; j++) {
      const hj = h[j];
      if (hj === 0) continue;
      const row = j * P;
      for (let i = 0; i < P; i++) out[i] += hj * w2[row + i];
    }
    for (let i = 0; i < P; i++) out[i] = 1 / (1 + Math.exp(-out[i]));
    return out;
  }
}

class LatentPad {
  constructor(root) {
    this.root = root;
    root.__pad = this; // a test reads the point and the decoded pixels from here
    root.innerHTML = "";
    this.map = document.createElement("canvas");
    this.map.className = "nlp-map";
    this.map.tabIndex = 0;
    this.map.setAttribute("role", "application");
    this.map.setAttribute("aria-label", "latent map: click, drag or use the arrow keys to pick a point and see its digit");
    const side = document.createElement("div");
    side.className = "nlp-side";
    this.digit = document.createElement("canvas");
    this.digit.className = "nlp-digit";
    this.digit.setAttribute("role", "img");
    this.digit.setAttribute("aria-label", "the digit decoded at the chosen point");
    this.small = document.createElement("canvas");
    this.small.width = this.small.height = 28;
    this.label = document.createElement("div");
    this.label.className = "nlp-z";
    this.label.setAttribute("aria-live", "polite");
    side.append(this.digit, this.label);
    root.append(this.map, side);
    this.background = new Image();
    this.background.onload = () => this.paint();
    this.point = null;
    this.dragging = false;
    this.bind();
  }

  configure(data, trigger) {
    this.trigger = trigger;
    this.extent = data.extent;
    this.marks = data.marks || [];
    const size = data.size || 320, digitSize = data.digit_size || 168;
    if (this.map.width !== size || this.map.height !== size) {
      this.map.width = this.map.height = size;
      this.map.style.width = this.map.style.height = `${size}px`;
    }
    if (this.digit.width !== digitSize || this.digit.height !== digitSize) {
      this.digit.width = this.digit.height = digitSize;
      this.digit.style.width = this.digit.style.height = `${digitSize}px`;
    }
    if (!this.decoder || this.decoder.key !== data.decoder.key) {
      this.decoder = new Decoder(data.decoder);
      this.root.dataset.decoder = data.decoder.key;
    }
    if (this.background.src !== data.background) this.background.src = data.background;
    if (!this.point && Array.isArray(data.point)) this.point = data.point.slice();
    this.show();
  }

  toLatent(px, py) {
    const [x0, x1, y0, y1] = this.extent, s = this.map.width;
    return [x0 + (px / s) * (x1 - x0), y1 - (py / s) * (y1 - y0)];
  }

  toPixel(z) {
    const [x0, x1, y0, y1] = this.extent, s = this.map.width;
    return [((z[0] - x0) / (x1 - x0)) * s, ((y1 - z[1]) / (y1 - y0)) * s];
  }

  bind() {
    const c = this.map;
    const at = (ev) => {
      const r = c.getBoundingClientRect();
      const px = Math.min(Math.max(ev.clientX - r.left, 0), r.width), py = Math.min(Math.max(ev.clientY - r.top, 0), r.height);
      return this.toLatent((px / r.width) * c.width, (py / r.height) * c.height);
    };
    c.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      ev.preventDefault();
      c.focus();
      c.setPointerCapture(ev.pointerId);
      this.dragging = true;
      this.moveTo(at(ev));
    });
    c.addEventListener("pointermove", (ev) => { if (this.dragging) this.moveTo(at(ev)); });
    const end = (ev) => {
      if (!this.dragging) return;
      this.dragging = false;
      this.moveTo(at(ev));
      this.emit();
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", () => { this.dragging = false; });
    c.addEventListener("keydown", (ev) => {
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[ev.key];
      if (!steps) { if (ev.key === "Enter" && this.point) this.emit(); return; }
      ev.preventDefault();
      const [x0, x1, y0, y1] = this.extent, f = ev.shiftKey ? 0.1 : 0.02;
      const p = this.point || [(x0 + x1) / 2, (y0 + y1) / 2];
      this.moveTo([Math.min(Math.max(p[0] + steps[0] * f * (x1 - x0), x0), x1),
                   Math.min(Math.max(p[1] + steps[1] * f * (y1 - y0), y0), y1)]);
    });
    c.addEventListener("keyup", (ev) => { if (ev.key.startsWith("Arrow")) this.emit(); });
  }

  moveTo(z) {
    this.point = z;
    this.show();
  }

  show() { // decode the point and redraw: ~1 ms
    const t0 = performance.now();
    this.paint();
    if (this.point && this.decoder) {
      const out = this.decoder.decode(this.point[0], this.point[1]);
      this.latest = Array.from(out);
      const image = new ImageData(28, 28);
      for (let i = 0; i < 784; i++) {
        const v = Math.round(out[i] * 255);
        image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = v;
        image.data[4 * i + 3] = 255;
      }
      this.small.getContext("2d").putImageData(image, 0, 0);
      const g = this.digit.getContext("2d");
      g.imageSmoothingEnabled = false;
      g.drawImage(this.small, 0, 0, this.digit.width, this.digit.height);
      this.label.textContent = `z = (${this.point[0].toFixed(2)}, ${this.point[1].toFixed(2)})`;
    } else {
      const g = this.digit.getContext("2d");
      g.fillStyle = "#000"; g.fillRect(0, 0, this.digit.width, this.digit.height);
      this.label.textContent = "Click or drag on the map";
    }
    this.root.dataset.redrawMs = (performance.now() - t0).toFixed(3);
  }

  paint() {
    const g = this.map.getContext("2d"), s = this.map.width;
    g.fillStyle = "#fff"; g.fillRect(0, 0, s, s);
    if (this.background.complete && this.background.naturalWidth) g.drawImage(this.background, 0, 0, s, s);
    this.marks.forEach((m, i) => { // the interpolation's ends: A and B in rings
      const [px, py] = this.toPixel(m);
      g.lineWidth = 2; g.strokeStyle = "#1f2933"; g.fillStyle = "rgba(255,255,255,0.85)";
      g.beginPath(); g.arc(px, py, 9, 0, 2 * Math.PI); g.fill(); g.stroke();
      g.fillStyle = "#1f2933"; g.font = "bold 11px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
      g.fillText(i === 0 ? "A" : "B", px, py + 0.5);
    });
    if (!this.point) return;
    const [px, py] = this.toPixel(this.point);
    g.beginPath(); // the crosshair: red on a white halo, so it shows over any dots
    g.moveTo(px - 14, py); g.lineTo(px - 4, py); g.moveTo(px + 4, py); g.lineTo(px + 14, py);
    g.moveTo(px, py - 14); g.lineTo(px, py - 4); g.moveTo(px, py + 4); g.lineTo(px, py + 14);
    g.strokeStyle = "#fff"; g.lineWidth = 5; g.stroke();
    g.strokeStyle = "#cf222e"; g.lineWidth = 2.5; g.stroke();
  }

  emit() {
    if (this.trigger && this.point) this.trigger("z", [this.point[0], this.point[1]]);
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let pad = parentElement.__npLatent;
  if (!pad) pad = parentElement.__npLatent = new LatentPad(parentElement.querySelector(".nlp") || parentElement);
  pad.configure(data, setTriggerValue);
}
