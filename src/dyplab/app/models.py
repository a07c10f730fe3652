"""Where the app's models come from: checkpoints in the results folder, trained on first start when that is quick.

Quick ones (seconds to a minute on a laptop CPU) are trained by the app itself and saved through
:mod:`dyplab.checkpoints` under ``results/app/``: the two MNIST networks (A5's MLP and A6's CNN, on a
subset), B3's heart model and the ECG beat model. The image models take longer; their tab names the
notebook that saves them. A checkpoint is only used after :func:`dyplab.checkpoints.load_model` read it
with ``weights_only=True``; a network is never shown without the training it had.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import checkpoints, config

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ImageModel:
    """An image model the «Bilde» tab can use once the notebook ``notebook`` has saved ``path``."""

    key: str
    title: str
    notebook: str
    filename: str
    note: str = ""  # how to make the checkpoint when the notebook does not save it itself

    @property
    def path(self) -> Path:
        return config.results_dir(self.notebook) / self.filename


IMAGE_MODELS: tuple[ImageModel, ...] = (
    ImageModel("flowers", "Blomster (CompactCNN, C2)", "C2", "blomster_compactcnn.pt"),
    ImageModel("retina", "MedMNIST RetinaMNIST (C4a)", "C4a", "retinamnist.pt"),
    ImageModel("breast", "MedMNIST BreastMNIST (C4a)", "C4a", "breastmnist.pt"),
    ImageModel("faces", "Ansiktsuttrykk FER2013 (FaceCNN, E2)", "E2", "fer_cnn.pt"),
)


def app_dir() -> Path:
    """``results/app``: the checkpoints the app trains itself."""
    return config.results_dir("app")


def paths() -> dict[str, Path]:
    """The app's own checkpoints."""
    d = app_dir()
    return {"mlp": d / "mnist_mlp.pt", "cnn": d / "mnist_cnn.pt", "heart": d / "heart_mlp.pt", "ecg": d / "ecg_beatcnn.pt"}


def available_image_models() -> list[ImageModel]:
    """The image models whose checkpoint exists."""
    return [m for m in IMAGE_MODELS if m.path.is_file()]


def train_digits(mlp_path: Path, cnn_path: Path, *, progress: Progress = print) -> None:
    """Train A5's MLP and A6's CNN with their recipes on a subset of the course split (a few epochs)."""
    import dyplab

    from .. import training
    from ..data import mnist
    from ..models import mnist as mm

    P = config.profile()
    n = P.pick(smoke=3000, klass=10_000)
    progress(f"Siffer: trener MLP og CNN på {n:,} MNIST-bilder (første start) …")
    split = mnist.network_split(n=n, val_size=0.1, seed=42)
    for kind, path, recipe, epochs in (
        ("MLP", mlp_path, mm.MNIST_MLP, P.pick(smoke=2, klass=3)),
        ("CNN", cnn_path, mm.MNIST_CNN, P.pick(smoke=2, klass=3)),
    ):
        dyplab.seed_everything(42)
        model = recipe.build()
        with tempfile.TemporaryDirectory(prefix="dyplab-app-") as tmp:
            fit = recipe.fit(model, split.train, split.val, max_epochs=epochs, patience=None, progress=False, seed=42,
                             log_dir=tmp)
        val = training.evaluate(fit.model, split.val)
        checkpoints.save(fit.model, path, class_names=[str(d) for d in range(10)], n_train=int(len(split.train)),
                         epochs=int(epochs), val={"accuracy": val["acc"]}, trained_by="dyplab app", profile=P.name,
                         normalization={"mean": mnist.MEAN, "std": mnist.STD})
        progress(f"Siffer: {kind} ferdig på {fit.elapsed_s:.0f} s, valideringsnøyaktighet {val['acc']:.3f}; lagret {path}")


def ensure_trained(*, progress: Progress = print) -> dict[str, str]:
    """Train every quick model whose checkpoint is missing; ``{name: problem}`` for those that could not be made.

    A failure (e.g. a data set that is not available offline) leaves that tab with the message instead of a model.
    """
    from . import ecg, heart

    p = paths()
    jobs = {
        "digits": (lambda: train_digits(p["mlp"], p["cnn"], progress=progress), [p["mlp"], p["cnn"]]),
        "heart": (lambda: heart.train(p["heart"], progress=progress), [p["heart"]]),
        "ecg": (lambda: ecg.train(p["ecg"], progress=progress), [p["ecg"]]),
    }
    problems = {}
    for name, (job, files) in jobs.items():
        if all(f.is_file() for f in files):
            continue
        start = time.perf_counter()
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - one missing data set must not stop the other tabs
            problems[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            progress(f"{name}: kunne ikke trenes ({problems[name]})")
        else:
            progress(f"{name}: trent på {time.perf_counter() - start:.0f} s")
    return problems


_NAMES = {"accuracy": "nøyaktighet", "val_acc": "nøyaktighet", "macro_f1": "makro-F1", "val_macro_f1": "makro-F1",
          "roc_auc": "ROC AUC", "sensitivity": "sensitivitet", "specificity": "spesifisitet", "val_ece": "ECE"}


def describe(meta: dict) -> str:
    """One line on how a checkpoint was trained (Norwegian), shown beside its predictions."""
    parts = [f"{meta.get('model', '?').rsplit('.', 1)[-1]}"]
    if "n_train" in meta:
        parts.append(f"trent på {meta['n_train']:,} eksempler")
    if "epochs" in meta:
        parts.append(f"{meta['epochs']} epoker")
    val = meta.get("val") or meta.get("metrics") or {}
    nums = {k: v for k, v in val.items() if isinstance(v, (int, float))}
    if "val_acc" in meta:
        nums.setdefault("val_acc", meta["val_acc"])
    if nums:
        parts.append("validering: " + ", ".join(f"{_NAMES.get(k, k)} {v:.3f}" for k, v in nums.items()))
    if meta.get("trained_by"):
        parts.append(f"laget av {meta['trained_by']}")
    if meta.get("profile") == "smoke":
        parts.append("røyktest-profil: bare et par epoker på få data, ikke ferdig trent")
    return " · ".join(parts)
