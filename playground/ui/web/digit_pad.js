// A drawing pad for one digit (a Streamlit custom component, v2): white ink on black, drawn with a mouse,
// a finger or a pen (pointer events). When a stroke ends the picture goes to Python at once (a PNG data
// URL with the strokes, so a pad that is mounted again can redraw them); Undo and Clear send too.
//
// The pad keeps its strokes between reruns: the page reruns after every stroke, and the pad must not
// lose or redraw what the learner is drawing. Only a pad mounted afresh (the learner came back to the
// page) takes the strokes Python last received.

const MAX_POINTS = 4000; // points kept over all strokes (a scribble cannot grow the message without bound)

class DigitPad {
  constructor(root) {
    this.root = root;
    root.innerHTML = "";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "npp-canvas";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "drawing pad: draw one digit here");
    const tools = document.createElement("div");
    tools.className = "npp-tools";
    this.undoButton = this.button(tools, "Undo", "Take back the last stroke", () => this.undo());
    this.clearButton = this.button(tools, "Clear", "Wipe the pad", () => this.clear());
    root.append(this.canvas, tools);
    this.strokes = [];
    this.current = null;
    this.bind();
  }

  button(parent, text, title, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "npp-button";
    b.textContent = text;
    b.title = title;
    b.addEventListener("click", onClick);
    parent.appendChild(b);
    return b;
  }

  configure(data, send) {
    this.send = send;
    this.ink = data.ink || 20;
    const size = data.size || 280;
    if (this.canvas.width !== size) {
      this.canvas.width = size; this.canvas.height = size;
      this.canvas.style.width = `${size}px`; this.canvas.style.height = `${size}px`;
    }
    if (!this.mounted) {
      this.mounted = true;
      this.strokes = (data.strokes || []).map((s) => s.slice());
    }
    this.paint();
  }

  bind() {
    const c = this.canvas;
    const at = (ev) => {
      const r = c.getBoundingClientRect();
      return [Math.round(((ev.clientX - r.left) / r.width) * c.width), Math.round(((ev.clientY - r.top) / r.height) * c.height)];
    };
    c.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      ev.preventDefault();
      c.setPointerCapture(ev.pointerId);
      this.current = [at(ev)];
      this.strokes.push(this.current);
      this.paint();
    });
    c.addEventListener("pointermove", (ev) => {
      if (!this.current) return;
      const events = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
      for (const e of events.length ? events : [ev]) {
        const p = at(e), q = this.current[this.current.length - 1];
        if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) >= 2) this.current.push(p); // 2 px apart is enough
      }
      this.paint();
    });
    const end = () => {
      if (!this.current) return;
      this.current = null;
      this.trim();
      this.paint();
      this.emit();
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
  }

  trim() { // keep the newest strokes within MAX_POINTS
    let total = this.strokes.reduce((n, s) => n + s.length, 0);
    while (total > MAX_POINTS && this.strokes.length > 1) total -= this.strokes.shift().length;
  }

  paint() {
    const g = this.canvas.getContext("2d");
    g.fillStyle = "#000";
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.strokeStyle = "#fff"; g.fillStyle = "#fff";
    g.lineWidth = this.ink; g.lineCap = "round"; g.lineJoin = "round";
    for (const s of this.strokes) {
      if (s.length === 1) { // a click: a round dot
        g.beginPath(); g.arc(s[0][0], s[0][1], this.ink / 2, 0, 2 * Math.PI); g.fill();
        continue;
      }
      g.beginPath();
      g.moveTo(s[0][0], s[0][1]);
      for (let i = 1; i < s.length; i++) g.lineTo(s[i][0], s[i][1]);
      g.stroke();
    }
    this.undoButton.disabled = this.clearButton.disabled = this.strokes.length === 0;
  }

  emit() {
    if (!this.send) return;
    // an empty pad says so ({png: null}): no value at all means a pad that has not been used yet
    this.send("drawing", { png: this.strokes.length ? this.canvas.toDataURL("image/png") : null, strokes: this.strokes });
  }

  undo() { this.strokes.pop(); this.paint(); this.emit(); }

  clear() { this.strokes = []; this.paint(); this.emit(); }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let pad = parentElement.__npPad;
  if (!pad) pad = parentElement.__npPad = new DigitPad(parentElement.querySelector(".npp") || parentElement);
  pad.configure(data, setStateValue);
}
