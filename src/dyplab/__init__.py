"""dyplab: the library behind "Lab 2: Dyplæring i medisin"."""

from __future__ import annotations

__version__ = "0.1.0"

from .config import device, profile, results_dir, seed_everything  # noqa: E402

__all__ = ["__version__", "device", "profile", "results_dir", "seed_everything"]
