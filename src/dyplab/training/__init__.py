"""Training and prediction for classifiers: a Lightning-based :func:`fit` and plain-PyTorch helpers.

The notebooks show the ideas (a model class, a hand-written training loop); this package is the
plumbing they reuse:

- :func:`fit` trains any ``nn.Module`` classifier (logits ``[N, C]``) with Lightning: train/val loops,
  early stopping, an optional learning-rate schedule, a per-epoch history (``history.csv``) and it
  **restores the best epoch's weights** (a real copy taken at each improvement) before returning.
- :func:`evaluate` is a plain PyTorch evaluation loop (the training loop a notebook shows stays in the notebook).
- :func:`predict_proba` / :func:`predict` run a model over any data in batches.

Data (``train``, ``val``, ``data``) may be a ``torch.utils.data.Dataset`` yielding ``(x, y)``, a tuple
``(X, y)`` of NumPy arrays / tensors (X float, y integer class ids), or a ``DataLoader``.

Reproducibility: :func:`fit` reseeds (``seed``) the data shuffling and everything random that happens
during training. The *initial weights* are drawn when the caller constructs the model, so seed before
that (``dyplab.seed_everything(42)`` or ``session.start``). On CPU two runs with the same seed give
identical histories and predictions; on CUDA/MPS results are close but not guaranteed bit-identical.

The package, one job per module:

- :mod:`.data`: inputs → datasets and loaders (:func:`to_dataset`, :func:`make_loader`).
- :mod:`.inference`: plain-PyTorch :func:`evaluate`, :func:`predict_proba`, :func:`predict`, :func:`count_parameters`.
- :mod:`.module`: the LightningModule :class:`ClassifierModule` (metrics, history, optimiser and schedule).
- :mod:`.callbacks`: best-weights copy, last-epoch checkpoint, progress bar, quiet Lightning.
- :mod:`.fit`: :func:`fit`, :class:`FitResult`, precision and accelerator choice, :func:`snapshot`.
- :mod:`.recipe`: :class:`Recipe`, one training recipe as a frozen value (model factory, optimiser, epochs, ...).

``dyplab.training.fit`` is the function; its module is ``importlib.import_module("dyplab.training.fit")``.
"""

from __future__ import annotations

from .data import make_loader, to_dataset
from .fit import PRECISIONS, FitResult, fit, native_bf16, snapshot
from .inference import count_parameters, evaluate, predict, predict_proba
from .module import HISTORY_COLUMNS, ClassifierModule
from .recipe import Recipe

__all__ = [
    "HISTORY_COLUMNS",
    "PRECISIONS",
    "ClassifierModule",
    "FitResult",
    "Recipe",
    "count_parameters",
    "evaluate",
    "fit",
    "make_loader",
    "native_bf16",
    "predict",
    "predict_proba",
    "snapshot",
    "to_dataset",
]
