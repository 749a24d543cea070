"""GAN Lab's model overview as a self-contained SVG: noise → generator → generated samples → discriminator ←
real samples; discriminator → predictions → loss; the dashed gradient paths back (a discriminator update:
loss → D; a generator update: loss → through D, held still → G). Slow motion highlights one part of an
update and dims the rest; PART_TEXT says what happens in each part."""

from __future__ import annotations

import numpy as np

from playground.render.colors import (
        DISCRIMINATOR_HEX,
    FAINT_INK_HEX,
    FAKE_HEX,
    GENERATOR_HEX,
    INK_HEX,
    MUTED_HEX,
    REAL_HEX,
    belief_hex,
)

PARTS = ("noise", "generate", "discriminate", "loss", "gradients", "update")
NETWORKS = {"D": "Discriminator update", "G": "Generator update"}
PART_TITLES = {"noise": "Sample noise", "generate": "Generate", "discriminate": "Discriminate", "loss": "Loss",
               "gradients": "Gradients", "update": "Update"}

PART_TEXT: dict[tuple[str, str], str] = {
    ("D", "noise"): "A fresh batch of random noise points is drawn: the generator's raw material.",
    ("D", "generate"): "The generator turns each noise point into a 2D sample: the fake samples. In a "
                       "discriminator update the generator's weights are not changed.",
    ("D", "discriminate"): "The discriminator scores a batch of real samples and the batch of fake samples: "
                           "D(x) near 1 means \"looks real\", near 0 \"looks fake\".",
    ("D", "loss"): "The discriminator's loss is small when D(real) is near 1 and D(fake) near 0, so lowering it "
                   "pushes D(real) up and D(fake) down.",
    ("D", "gradients"): "Backpropagation gives the gradient of the discriminator's loss for each of the "
                        "discriminator's weights; the generator's weights are left out of this update.",
    ("D", "update"): "The optimiser moves the discriminator's weights a step against the gradient (Adam: against "
                     "a running average of it), sized by the discriminator's learning rate; the view's "
                     "background colours change with it.",
    ("G", "noise"): "A fresh batch of random noise points is drawn.",
    ("G", "generate"): "The generator turns each noise point into a fake sample; this time it is the "
                       "generator that will learn.",
    ("G", "discriminate"): "The discriminator scores the fake samples only: real samples play no part in a "
                           "generator update.",
    ("G", "loss"): "The generator's loss is small when the discriminator takes its fakes for real (D(fake) "
                   "near 1), so lowering it pushes D(fake) up.",
    ("G", "gradients"): "The gradient flows back through the discriminator, whose weights are held still, "
                        "into the generator. The pink arrows show, for each fake sample, the direction that "
                        "lowers the generator's loss.",
    ("G", "update"): "The optimiser moves the generator's weights a step against the gradient, sized by the "
                     "generator's learning rate, so the fake samples move roughly the way their arrows pointed; "
                     "the discriminator's weights stay as they were.",
}

# What each part lights up, by element id (boxes, forward edges "e_*", gradient paths "*_path").
_FORWARD_G = {"noise", "e_noise_g", "G", "e_g_fake", "fake"}
PART_ELEMENTS: dict[tuple[str, str], set[str]] = {
    ("D", "noise"): {"noise"},
    ("D", "generate"): _FORWARD_G,
    ("D", "discriminate"): {"real", "fake", "e_real_d", "e_fake_d", "D", "e_d_pr", "e_d_pf", "pred_real",
                            "pred_fake"},
    ("D", "loss"): {"pred_real", "pred_fake", "e_pr_loss", "e_pf_loss", "loss"},
    ("D", "gradients"): {"loss", "d_path", "D"},
    ("D", "update"): {"D"},
    ("G", "noise"): {"noise"},
    ("G", "generate"): _FORWARD_G,
    ("G", "discriminate"): {"fake", "e_fake_d", "D", "e_d_pf", "pred_fake"},
    ("G", "loss"): {"pred_fake", "e_pf_loss", "loss"},
    ("G", "gradients"): {"loss", "g_path", "D", "G"},
    ("G", "update"): {"G"},
}

_W, _H = 640, 340
_FONT = 'font-family="system-ui, sans-serif"'
_BOX_STROKE = "#b8c2cc"


def _dots(x: float, y: float, w: float, h: float, points: np.ndarray, colour: str, r: float = 1.8) -> str:
    return "".join(f'<circle cx="{x + px * w:.1f}" cy="{y + (1 - py) * h:.1f}" r="{r}" fill="{colour}" '
                   f'fill-opacity="0.8"/>' for px, py in points)


def _glyphs() -> dict[str, str]:
    """The small pictures inside the boxes (fixed, seeded)."""
    rng = np.random.default_rng(7)
    noise = rng.random((40, 2)) * 0.86 + 0.07
    e = rng.standard_normal((40, 2))
    half = np.arange(40) < 20
    real = np.clip(np.where(half[:, None], [0.3, 0.7] + 0.1 * e, [0.7, 0.38] + e * [0.06, 0.15]), 0.05, 0.95)
    fake = np.clip([0.45, 0.5] + rng.standard_normal((40, 2)) * [0.16, 0.12], 0.05, 0.95)
    grid = []
    for t in np.linspace(0.1, 0.9, 6):  # a bent grid: the generator's manifold
        s = np.linspace(0.1, 0.9, 12)
        rows = [(140 + 86 * (u + 0.08 * np.sin(3 * t)), 140 + 76 * (1 - (t + 0.1 * u * (1 - u) * 4 * 0.5)))
                for u in s]
        cols = [(140 + 86 * (t + 0.08 * np.sin(3 * u)), 140 + 76 * (1 - (u + 0.1 * t * (1 - t) * 2))) for u in s]
        for line in (rows, cols):
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in line)
            grid.append(f'<polyline fill="none" stroke="{GENERATOR_HEX}" stroke-opacity="0.55" stroke-width="1" '
                        f'points="{points}"/>')
    return {"noise": _dots(20, 145, 66, 66, noise, "#6b6b6b", 1.5), "real": _dots(262, 52, 70, 66, real, REAL_HEX),
            "fake": _dots(262, 160, 70, 66, fake, FAKE_HEX), "G": "".join(grid)}


def _box(ident: str, x: float, y: float, w: float, h: float, label: str, inner: str = "", colour: str = "",
         sub: str = "") -> str:
    stroke, width = (colour, 2.5) if colour else (_BOX_STROKE, 1.2)
    label_y = y + h + 16
    text = (f'<text x="{x + w / 2}" y="{label_y}" text-anchor="middle" font-size="13" fill="{INK_HEX}" {_FONT}>'
            f"{label}</text>")
    if sub:
        text += (f'<text x="{x + w / 2}" y="{label_y + 14}" text-anchor="middle" font-size="11" '
                 f'fill="{FAINT_INK_HEX}" {_FONT}>{sub}</text>')
    return (f'<g id="part-{ident}"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="#ffffff" '
            f'stroke="{stroke}" stroke-width="{width}"/>{inner}{text}</g>')


def _edge(ident: str, d: str) -> str:
    return (f'<path id="part-{ident}" d="{d}" fill="none" stroke="{MUTED_HEX}" stroke-width="1.6" '
            f'marker-end="url(#ganov-arrow)"/>')


def _path(ident: str, segments: tuple[str, ...], colour: str, label: str, lx: float, ly: float,
          strong: bool) -> str:
    width = 3 if strong else 2
    lines = "".join(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-dasharray="7 4" '
                    f'marker-end="url(#ganov-arrow-{ident})"/>' for d in segments)
    return (f'<g id="part-{ident}">{lines}<text x="{lx}" y="{ly}" text-anchor="middle" font-size="12" '
            f'fill="{colour}" {_FONT}>{label}</text></g>')


def overview_svg(highlight: str | None = None, network: str = "D", width: int = 640) -> str:
    """The model overview; with `highlight` (one of PARTS) that part of a `network` ("D" or "G") update is
    drawn strong and the rest dimmed. Self-contained: no external fonts or pictures."""
    network = network if network in NETWORKS else "D"
    part = highlight if highlight in PARTS else None
    lit = PART_ELEMENTS[(network, part)] if part else set()
    colour = DISCRIMINATOR_HEX if network == "D" else GENERATOR_HEX
    g = _glyphs()
    belief = (f'<defs><linearGradient id="ganov-belief" x1="0" y1="1" x2="1" y2="0">'
              f'<stop offset="0" stop-color="{belief_hex(0.1)}"/><stop offset="0.5" stop-color="{belief_hex(0.5)}"/>'
              f'<stop offset="1" stop-color="{belief_hex(0.9)}"/></linearGradient>'
              f'<marker id="ganov-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
              f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{MUTED_HEX}"/></marker>'
              + "".join(f'<marker id="ganov-arrow-{k}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" '
                        f'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/>'
                        f"</marker>" for k, c in (("d_path", DISCRIMINATOR_HEX), ("g_path", GENERATOR_HEX)))
              + "</defs>")
    held = "held still" if part else ""
    parts = {
        "noise": _box("noise", 16, 140, 74, 76, "Noise", g["noise"], colour if "noise" in lit else ""),
        "G": _box("G", 128, 128, 106, 100, "Generator", g["G"], colour if "G" in lit else GENERATOR_HEX,
                  held if network == "D" else ""),
        "real": _box("real", 258, 48, 78, 74, "Real samples", g["real"], colour if "real" in lit else ""),
        "fake": _box("fake", 258, 156, 78, 74, "Fake samples", g["fake"], colour if "fake" in lit else ""),
        "D": _box("D", 372, 62, 104, 152, "Discriminator",
                  '<rect x="380" y="70" width="88" height="136" rx="3" fill="url(#ganov-belief)"/>',
                  colour if "D" in lit else DISCRIMINATOR_HEX, held if network == "G" else ""),
        "pred_real": _box("pred_real", 510, 62, 50, 44, "", f'<text x="535" y="89" text-anchor="middle" '
                          f'font-size="11" fill="{INK_HEX}" {_FONT}>D(real)</text>', colour if "pred_real" in lit
                          else ""),
        "pred_fake": _box("pred_fake", 510, 170, 50, 44, "Predictions", f'<text x="535" y="197" '
                          f'text-anchor="middle" font-size="11" fill="{INK_HEX}" {_FONT}>D(fake)</text>',
                          colour if "pred_fake" in lit else ""),
        "loss": _box("loss", 584, 116, 46, 44, "Loss", f'<text x="607" y="143" text-anchor="middle" '
                     f'font-size="12" fill="{INK_HEX}" {_FONT}>{network}</text>', colour if "loss" in lit else ""),
        "e_noise_g": _edge("e_noise_g", "M90,178 L125,178"),
        "e_g_fake": _edge("e_g_fake", "M234,193 L255,193"),
        "e_real_d": _edge("e_real_d", "M336,85 L369,85"),
        "e_fake_d": _edge("e_fake_d", "M336,193 L369,193"),
        "e_d_pr": _edge("e_d_pr", "M476,84 L507,84"),
        "e_d_pf": _edge("e_d_pf", "M476,192 L507,192"),
        "e_pr_loss": _edge("e_pr_loss", "M560,84 C575,84 572,126 581,128"),
        "e_pf_loss": _edge("e_pf_loss", "M560,192 C575,192 572,150 581,148"),
        "d_path": _path("d_path", ("M607,116 L607,30 L440,30 L440,58",), DISCRIMINATOR_HEX,
                        "D's gradients: loss → D", 522, 22, network == "D" and part is not None),
        # in a generator update the gradient passes through the discriminator: into it from below, out to G
        "g_path": _path("g_path", ("M607,160 L607,300 L472,300 L472,218", "M376,218 L376,300 L142,300 L142,232"),
                        GENERATOR_HEX, "G's gradients: loss → through D (held still) → G", 400, 324,
                        network == "G" and part is not None),
    }
    body = []
    for ident, svg in parts.items():
        dim = bool(part) and ident not in lit
        body.append(f'<g opacity="0.22">{svg}</g>' if dim else svg)
    caption = ""
    if part:
        step = PARTS.index(part) + 1
        caption = (f'<text x="8" y="22" font-size="14" font-weight="600" fill="{colour}" {_FONT}>'
                   f"{NETWORKS[network]} · {step}. {PART_TITLES[part]}</text>")
    height = round(width * _H / _W)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {_W} {_H}" '
            f'role="img" aria-label="Model overview: noise, generator, samples, discriminator, predictions, loss">'
            f'{belief}<rect width="{_W}" height="{_H}" fill="#ffffff"/>{caption}{"".join(body)}</svg>')
