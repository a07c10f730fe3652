"""Architecture drawings: a network as a row of labelled blocks with arrows (matplotlib, Norwegian labels).

``layer_diagram([("Inndata", "1 × 28 × 28"), ("Konvolusjon 3 × 3", "8 × 28 × 28"), ...])`` draws one block per
layer, the block's height growing with the number of values the layer outputs (log scale), so the student
sees where the network shrinks the image. :func:`mlp_layers` and :func:`tiny_cnn_layers` build the lists for
the course's MNIST networks from their settings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

#: Block colour per kind of layer (first word of the block name, lower case).
COLOURS = {
    "inndata": "#d9d9d9",
    "konvolusjon": "#9ecae1",
    "relu": "#fdd0a2",
    "max-pooling": "#c7e9c0",
    "flat": "#e5e5e5",
    "fullt": "#bcbddc",
    "utgang": "#fc9272",
}


def _size(shape: str) -> int:
    parts = [p for p in shape.replace("×", "x").split("x") if p.strip()]
    try:
        return math.prod(int(p) for p in parts)
    except ValueError as exc:
        raise ValueError(f"Shape {shape!r} must be numbers separated by '×' (e.g. '8 × 28 × 28').") from exc


def layer_diagram(layers: Sequence[tuple[str, str]], *, title: str, save: str | Path | None = None):
    """Draw ``layers`` (block name, output shape such as ``"8 × 28 × 28"``) left to right; returns the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if not layers:
        raise ValueError("layer_diagram() needs at least one layer.")
    sizes = [_size(shape) for _, shape in layers]
    top = math.log10(max(sizes) + 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.55 * len(layers)), 3.4))
    width, gap = 1.0, 0.45
    for i, ((name, shape), n) in enumerate(zip(layers, sizes)):
        x = i * (width + gap)
        h = 0.6 + 2.2 * math.log10(n + 1) / top
        colour = COLOURS.get(name.split()[0].lower(), "#f0f0f0")
        ax.add_patch(FancyBboxPatch((x, -h / 2), width, h, boxstyle="round,pad=0.02", fc=colour, ec="black", lw=0.8))
        ax.text(x + width / 2, h / 2 + 0.12, name, ha="center", va="bottom", fontsize=8, wrap=True)
        ax.text(x + width / 2, 0, shape.replace(" × ", "×\n", 1) if len(shape) > 9 else shape,
                ha="center", va="center", fontsize=8)
        if i:
            ax.add_patch(FancyArrowPatch((x - gap + 0.03, 0), (x - 0.03, 0), arrowstyle="-|>", mutation_scale=10))
    ax.set_xlim(-0.2, len(layers) * (width + gap) - gap + 0.2)
    ax.set_ylim(-1.9, 2.2)
    ax.set_title(title)
    ax.set_xlabel("Lag (fra venstre mot høyre); blokkhøyden viser antall tall laget gir ut (log-skala)")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    fig.tight_layout()
    if save is not None:
        fig.savefig(save, dpi=120)
    return fig


def mlp_layers(n_inputs: int, hidden: Sequence[int], n_classes: int) -> list[tuple[str, str]]:
    """Blocks of an MLP: input, one fully connected + ReLU block per hidden layer, output logits."""
    blocks = [("Inndata (piksler)", str(n_inputs))]
    blocks += [(f"Fullt koblet + ReLU ({i + 1})", str(h)) for i, h in enumerate(hidden)]
    return blocks + [("Utgang (logits)", str(n_classes))]


def tiny_cnn_layers(c1: int = 8, c2: int = 16, hidden: int = 64, n_classes: int = 10) -> list[tuple[str, str]]:
    """Blocks of :class:`dyplab.models.teaching.TinyCNN` (28 × 28 input, padding 1, two 2 × 2 poolings)."""
    return [
        ("Inndata", "1 × 28 × 28"),
        ("Konvolusjon 3×3 + ReLU", f"{c1} × 28 × 28"),
        ("Max-pooling 2×2", f"{c1} × 14 × 14"),
        ("Konvolusjon 3×3 + ReLU", f"{c2} × 14 × 14"),
        ("Max-pooling 2×2", f"{c2} × 7 × 7"),
        ("Flat ut", str(c2 * 7 * 7)),
        ("Fullt koblet + ReLU", str(hidden)),
        ("Utgang (logits)", str(n_classes)),
    ]
