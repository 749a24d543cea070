""""Show me the code": a trained Playground network written out as a short, runnable PyTorch script.

What a learner copies to see that the network on screen is nothing but a few matrix products: the same
input features, the same layers and activations, the current weights as literals, and a `predict` that
returns exactly what the playground's pictures show. Everything is float64, so the script's outputs match
the playground's to the last few digits. A commented training loop shows how to go on learning in PyTorch.
"""

from __future__ import annotations

import numpy as np

from playground.engine2d.features import LABELS, ordered
from playground.engine2d.network import Network2D

# How each input feature is computed from the columns x = X1, y = X2.
FEATURE_CODE = {
    "x": "x",
    "y": "y",
    "xSquared": "x * x",
    "ySquared": "y * y",
    "xTimesY": "x * y",
    "sinX": "torch.sin(x)",
    "sinY": "torch.sin(y)",
}
ACTIVATION_MODULES = {
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "sigmoid": "nn.Sigmoid()",
    "linear": "nn.Identity()",
    "elu": "nn.ELU()",
    "leakyrelu": "nn.LeakyReLU(0.01)",
    "silu": "nn.SiLU()",
    "softplus": "nn.Softplus()",
}
# Per head: the output layer's activation module (None: raw logits), what predict() returns, the loss.
HEAD_CODE = {
    "tanh-squared": (
        "nn.Tanh()",
        "return outputs[:, 0]  # in [-1, 1], as the playground's colours",
        "0.5 * ((model(inputs)[:, 0] - targets) ** 2).mean()  # the playground's squared error",
        "targets: -1 or +1 per point",
    ),
    "sigmoid-cross-entropy": (
        None,
        "return torch.tanh(outputs[:, 0] / 2)  # = 2·sigmoid(logit) − 1, in [-1, 1], as the playground",
        "nn.BCEWithLogitsLoss()(model(inputs)[:, 0], targets)  # cross-entropy",
        "targets: 0.0 or 1.0 per point",
    ),
    "softmax-cross-entropy": (
        None,
        "return torch.softmax(outputs, dim=1)  # one probability per class",
        "nn.CrossEntropyLoss()(model(inputs), targets)  # softmax cross-entropy",
        "targets: class numbers, dtype=torch.long",
    ),
    "linear-squared": (
        None,
        "return outputs[:, 0]  # the predicted value",
        "0.5 * ((model(inputs)[:, 0] - targets) ** 2).mean()  # the playground's squared error",
        "targets: a real number per point",
    ),
}
MAX_LINE = 100  # wrap long rows of numbers


def _number(value: float) -> str:
    """A float literal that reads back as the very same float64."""
    if not np.isfinite(value):
        raise ValueError("the network has a weight that is not a finite number")
    return repr(float(value))


def _numbers(values: np.ndarray, indent: str) -> str:
    """`[a, b, ...]`, wrapped onto further lines (indented) when it gets long."""
    items = [_number(v) for v in values]
    lines, line = [], ""
    for item in items:
        if line and len(indent) + len(line) + len(item) + 2 > MAX_LINE:
            lines.append(line.rstrip())
            line = ""
        line += item + ", "
    lines.append(line.rstrip(", "))
    return "[" + ("\n" + indent + " ").join(lines) + "]"


def _matrix(rows: np.ndarray, indent: str) -> str:
    """A nested list literal: one row (the weights into one neuron) per line when there are several."""
    if rows.shape[0] == 1 or rows.shape[1] == 0:
        return "[" + ", ".join(_numbers(row, indent + " ") for row in rows) + "]"
    inner = indent + "    "
    body = "".join(f"\n{inner}{_numbers(row, inner)}," for row in rows)
    return "[" + body + "\n" + indent + "]"


def _features_function(features: tuple[str, ...]) -> list[str]:
    names = ", ".join(LABELS[f] for f in features) or "none"
    lines = [
        "def features(points):",
        f'    """The input features of points (n, 2): {names}."""',
        "    x, y = points[:, 0], points[:, 1]",
    ]
    if not features:
        return [*lines, "    return points.new_zeros((points.shape[0], 0))"]
    return [*lines, f"    return torch.stack([{', '.join(FEATURE_CODE[f] for f in features)}], dim=1)"]


def _model_lines(net: Network2D) -> list[str]:
    output_module = HEAD_CODE[net.head][0]
    lines = ["model = nn.Sequential("]
    for layer in range(net.n_layers):
        n_in, n_out = int(net.sizes[layer]), int(net.sizes[layer + 1])
        module = ACTIVATION_MODULES[net.activations[layer]] if layer < len(net.hidden) else output_module
        lines.append(f"    nn.Linear({n_in}, {n_out}, dtype=DTYPE)," + (f" {module}," if module else ""))
    return [*lines, ")"]


def _weight_lines(net: Network2D) -> list[str]:
    dead = int(np.sum((net.alive == 0) & (net.is_weight == 1)))
    lines = ["", "# The trained weights (a row per neuron, a number per input) and biases."]
    if dead:
        links = "1 link" if dead == 1 else f"{dead} links"
        lines.append(f"# ({links} switched off by L1 regularisation: weight 0.0.)")
    lines += ["linears = [m for m in model if isinstance(m, nn.Linear)]", "with torch.no_grad():"]
    indent = "    "
    for layer in range(net.n_layers):
        weights = _matrix(net.weights(layer), indent)
        biases = _numbers(net.biases(layer), indent + " ")
        lines.append(f"{indent}linears[{layer}].weight.copy_(torch.tensor({weights}, dtype=DTYPE))")
        lines.append(f"{indent}linears[{layer}].bias.copy_(torch.tensor({biases}, dtype=DTYPE))")
    return lines


def _class_comment(head: str, class_names: tuple[str, ...], problem: str) -> str:
    if problem == "regression" or head == "linear-squared":
        return "# predict() gives the network's value at each point."
    if head == "softmax-cross-entropy":
        names = ", ".join(class_names) if class_names else "0, 1, ..."
        return f"# The class of a point is predict(points).argmax(dim=1), an index into: {names}."
    negative, positive = class_names if len(class_names) == 2 else ("-1", "+1")
    return f'# The class: "{positive}" where predict(points) > 0, "{negative}" where it is < 0.'


def pytorch_script(net: Network2D, features: tuple[str, ...], *, class_names: tuple[str, ...] = (),
                   problem: str = "classification", title: str = "") -> str:
    """The Python source of a standalone PyTorch script that rebuilds `net` and predicts like it."""
    features = ordered(features)
    if len(features) != net.n_inputs:
        raise ValueError(f"the network has {net.n_inputs} inputs but {len(features)} features are on")
    _, predict_line, loss_line, targets_note = HEAD_CODE[net.head]
    shape = " -> ".join(str(int(n)) for n in net.sizes)
    heading = f"Neural Playground network{': ' + title if title else ''}, as a PyTorch script."
    lines = [
        f'"""{heading}',
        "",
        f"Layers {shape}; predict(points) gives what the playground shows. Run: python this_file.py",
        '"""',
        "import torch",
        "from torch import nn",
        "",
        "DTYPE = torch.float64  # float64 throughout, so the outputs match the playground's exactly",
        "",
        "",
        *_features_function(features),
        "",
        "",
        *_model_lines(net),
        *_weight_lines(net),
        "",
        "",
        "@torch.no_grad()",
        "def predict(points):",
        '    """The network\'s output for points given as [[x1, x2], ...]."""',
        "    outputs = model(features(torch.as_tensor(points, dtype=DTYPE).reshape(-1, 2)))",
        f"    {predict_line}",
        "",
        "",
        _class_comment(net.head, class_names, problem),
        "# To train it further: inputs = features(torch.tensor(points, dtype=DTYPE)),",
        f"# {targets_note}:",
        "# optimizer = torch.optim.SGD(model.parameters(), lr=0.03)",
        "# for epoch in range(100):",
        "#     optimizer.zero_grad()",
        f"#     loss = {loss_line}",
        "#     loss.backward()",
        "#     optimizer.step()",
        "",
        'if __name__ == "__main__":',
        "    points = [[0.0, 0.0], [2.0, -1.5], [-4.0, 3.0]]",
        "    for point, value in zip(points, predict(points).tolist()):",
        '        print(point, "->", value)',
    ]
    return "\n".join(lines) + "\n"
