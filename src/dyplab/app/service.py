"""The app's state (the loaded models) and one handler per tab, returning what the page shows.

The handlers are plain functions of plain values (arrays, file paths, numbers) so they are tested without
a browser; :mod:`dyplab.app.ui` only wires them to Gradio components. A handler never raises: a problem
becomes a message (Markdown) in the page, the other outputs empty.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import checkpoints
from . import digits, ecg, heart, images, models


def _top(probs: dict[str, float], k: int = 3) -> str:
    best = sorted(probs.items(), key=lambda kv: -kv[1])[:k]
    return ", ".join(f"{name} {p:.0%}" for name, p in best)


@dataclass
class AppState:
    """The models the tabs use, loaded once; ``problems`` says why a tab has none."""

    loaded: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, problems: dict[str, str] | None = None) -> AppState:
        """Load every checkpoint that exists (``weights_only=True``); note the missing ones."""
        state = cls(problems=dict(problems or {}))
        p = models.paths()
        for key, loader in (("mlp", lambda: checkpoints.load_model(p["mlp"])),
                            ("cnn", lambda: checkpoints.load_model(p["cnn"])),
                            ("heart", lambda: heart.HeartModel.load(p["heart"])),
                            ("ecg", lambda: checkpoints.load_model(p["ecg"]))):
            try:
                state.loaded[key] = loader()
            except Exception as exc:  # noqa: BLE001 - a missing or damaged checkpoint disables its tab only
                state.problems.setdefault(key, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        for m in models.available_image_models():
            try:
                state.loaded[m.key] = checkpoints.load_model(m.path)
            except checkpoints.CheckpointError as exc:
                state.problems[m.key] = str(exc)
        return state

    # ------------------------------------------------------------------ Siffer

    def digit(self, drawing: Any) -> tuple[str, dict | None, dict | None, np.ndarray | None, np.ndarray | None]:
        """Drawing (Sketchpad value or array) → (message, MLP probabilities, CNN probabilities, 28×28 view, Grad-CAM)."""
        if "mlp" not in self.loaded or "cnn" not in self.loaded:
            why = self.problems.get("cnn") or self.problems.get("mlp") or "mangler"
            return f"**Siffermodellene er ikke tilgjengelige:** {why}", None, None, None, None
        array = drawing.get("composite") if isinstance(drawing, dict) else drawing
        if array is None:
            return "Tegn et siffer først.", None, None, None, None
        try:
            prep = digits.preprocess(np.asarray(array))
        except ValueError as exc:
            return f"**{exc}**".replace("the drawing is empty: draw a digit first", "Tegningen er tom: tegn et siffer først."), \
                None, None, None, None
        (mlp, mlp_meta), (cnn, cnn_meta) = self.loaded["mlp"], self.loaded["cnn"]
        p_mlp, p_cnn = digits.probabilities(mlp, prep.image), digits.probabilities(cnn, prep.image)
        pred = int(p_cnn.argmax())
        heat = digits.grad_cam(cnn, prep.image, pred)
        on_drawing = digits.heat_on_drawing(heat, prep)
        ink = digits.ink(np.asarray(array))
        msg = (f"### CNN: **{pred}** ({p_cnn[pred]:.0%}) · MLP: **{int(p_mlp.argmax())}** ({p_mlp.max():.0%})\n\n"
               f"Grad-CAM viser hvor CNN-en «så» etter sifferet {pred}.\n\n"
               f"- MLP: {models.describe(mlp_meta)}\n- CNN: {models.describe(cnn_meta)}")
        return (msg, {str(d): float(p) for d, p in enumerate(p_mlp)}, {str(d): float(p) for d, p in enumerate(p_cnn)},
                digits.enlarge(prep.image), digits.overlay(ink, on_drawing))

    # ------------------------------------------------------------------ Bilde

    def image_choices(self) -> list[tuple[str, str]]:
        return [(m.title, m.key) for m in models.IMAGE_MODELS if m.key in self.loaded]

    def image_missing_text(self) -> str:
        missing = [m for m in models.IMAGE_MODELS if m.key not in self.loaded]
        if not missing:
            return ""
        lines = [f"- {m.title}: kjør notatboka **{m.notebook}**" + (f"; {m.note}" if m.note else "")
                 + f" (fil: `{m.path}`)" + (f" — {self.problems[m.key]}" if m.key in self.problems else "")
                 for m in missing]
        return "Disse modellene finnes ikke ennå (de tar for lang tid å trene ved oppstart):\n" + "\n".join(lines)

    def image(self, path: str | None, key: str | None) -> tuple[str, dict | None, np.ndarray | None, np.ndarray | None]:
        """Uploaded file + model key → (message, class probabilities, converted image, Grad-CAM overlay)."""
        if key not in self.loaded:
            return ("**Ingen bildemodell er valgt eller tilgjengelig.**\n\n" + self.image_missing_text(), None, None, None)
        if not path:
            return "Last opp et bilde.", None, None, None
        try:
            upload = images.open_upload(path)
        except images.UploadError as exc:
            return f"**Bildet kan ikke brukes:** {exc}", None, None, None
        model, meta = self.loaded[key]
        try:
            probs, heat = images.classify(model, meta, upload.image)
        except Exception as exc:  # noqa: BLE001 - e.g. a checkpoint without image_size
            return f"**Modellen kunne ikke brukes:** {type(exc).__name__}: {exc}", None, None, None
        notes = "".join(f"\n\n_{n}_" for n in upload.notes)
        msg = (f"### Mest sannsynlig: **{max(probs, key=probs.get)}** ({max(probs.values()):.0%})\n\n"
               f"Topp 3: {_top(probs)}.{notes}\n\n{models.describe(meta)}")
        return msg, probs, np.asarray(upload.image), images.overlay(upload.image, heat)

    # ------------------------------------------------------------------ EKG

    def ecg(self, record: str | None, time_s: float | None) -> tuple[str, dict | None, Any]:
        """Record + time → (message with the true annotation, class probabilities, figure)."""
        if "ecg" not in self.loaded:
            return f"**EKG-modellen er ikke tilgjengelig:** {self.problems.get('ecg', 'mangler')}", None, None
        try:
            beat = ecg.beat_at(str(record), float(time_s if time_s is not None else 0.0))
            model, meta = self.loaded["ecg"]
            probs = ecg.probabilities(model, beat)
            fig = ecg.figure(beat)
        except Exception as exc:  # noqa: BLE001 - data missing offline, bad record: say so in the page
            return f"**Kunne ikke vise slaget:** {type(exc).__name__}: {exc}", None, None
        msg = (f"### Slag ved t = {beat.time_s:.2f} s i opptak {beat.record}\n\n**{beat.truth}**\n\n"
               f"Modellen: {_top(probs, 2)}.\n\n{ecg.record_role(beat.record, meta)}\n\n{models.describe(meta)}")
        return msg, probs, fig

    # ------------------------------------------------------------------ Hjerte

    def heart(self, *values: Any) -> tuple[str, dict | None, Any]:
        """The 13 form values (in :data:`dyplab.data.heart.FEATURES` order) → (message, probabilities, attribution figure)."""
        from ..data import heart as heart_data

        if "heart" not in self.loaded:
            return f"**Hjertemodellen er ikke tilgjengelig:** {self.problems.get('heart', 'mangler')}", None, None
        frame, errors = heart.validate(dict(zip(heart_data.FEATURES, values)))
        if errors:
            return "**Rett opp skjemaet:**\n\n" + "\n".join(f"- {e}" for e in errors), None, None
        hm: heart.HeartModel = self.loaded["heart"]
        try:
            p = hm.probability(frame)
            attr = hm.attributions(frame)
        except Exception as exc:  # noqa: BLE001
            return f"**Modellen kunne ikke brukes:** {type(exc).__name__}: {exc}\n\n```\n{traceback.format_exc(limit=1)}\n```", \
                None, None
        msg = (f"### Sannsynlighet for hjertesykdom: **{p:.0%}**\n\n{hm.threshold_text(p)}\n\n"
               f"{models.describe(hm.meta)}")
        return msg, {"Hjertesykdom": p, "Ingen sykdom": 1 - p}, attribution_figure(attr)


def attribution_figure(attr):
    """Horizontal bars of one patient's attributions per variable (Norwegian labels)."""
    import matplotlib.pyplot as plt

    from ..data import heart as heart_data

    names = heart_data.describe_variables()["beskrivelse"]
    order = attr.abs().sort_values().index
    short = [f"{names.get(v, v)[:32]}{'…' if len(names.get(v, v)) > 32 else ''} ({v})" for v in order]
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ax.barh(short, attr[order], color=["tab:red" if attr[v] > 0 else "tab:blue" for v in order])
    ax.axvline(0, color="black", lw=0.8)
    ax.set_title("Bidrag til denne pasientens risiko: rødt trekker opp, blått ned")
    ax.set_xlabel("Integrated Gradients (logit) mot gjennomsnittspasienten i treningsdata")
    ax.set_ylabel("Klinisk variabel")
    fig.tight_layout()
    return fig
