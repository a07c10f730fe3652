"""Run-time settings: profile, seeds, device and folders.

Everything here is read from environment variables so that notebooks, the CLI
and the tests agree without passing arguments around:

- ``DYPLAB_PROFILE``: ``smoke`` (tests, seconds), ``class`` (default, minutes on a
  laptop CPU) or ``full`` (all data).
- ``DYPLAB_DEVICE``: force ``cpu``, ``cuda`` or ``mps`` (default: best available).
- ``DYPLAB_DATA_DIR``: the user's data cache (default: a per-user cache folder).
- ``DYPLAB_DATA_MIRROR``: a course mirror laid out like ``shared/data``.
- ``DYPLAB_OFFLINE=1``: never touch the network.
- ``DYPLAB_RESULTS_DIR``: where notebooks write outputs (default ``./results``).
- ``DYPLAB_THREADS``: CPU threads for PyTorch (default: what the notebook asks for, else PyTorch's choice).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROFILES = ("smoke", "class", "full")
DEFAULT_SEED = 42


@dataclass(frozen=True)
class Profile:
    """A named size setting; notebooks pick sizes with :meth:`pick`."""

    name: str

    def pick(self, smoke, klass, full=None):
        """Return the value for this profile (``full`` defaults to ``klass``)."""
        if self.name == "smoke":
            return smoke
        if self.name == "full":
            return klass if full is None else full
        return klass

    @property
    def is_smoke(self) -> bool:
        return self.name == "smoke"

    def __str__(self) -> str:
        return self.name


def profile() -> Profile:
    """The active profile from ``DYPLAB_PROFILE`` (default ``class``)."""
    name = os.environ.get("DYPLAB_PROFILE", "class").strip().lower() or "class"
    if name not in PROFILES:
        raise ValueError(
            f"DYPLAB_PROFILE={name!r} is not a known profile; choose one of {', '.join(PROFILES)}."
        )
    return Profile(name)


def seed_everything(seed: int = DEFAULT_SEED) -> int:
    """Seed Python, NumPy and PyTorch (CPU and GPU) and return the seed."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    return seed


def device(prefer: str | None = None):
    """Pick the compute device: ``DYPLAB_DEVICE`` or ``prefer``, else cuda → mps → cpu."""
    import torch

    wanted = (prefer or os.environ.get("DYPLAB_DEVICE", "")).strip().lower()
    if wanted:
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(f"Device {wanted!r} was asked for, but CUDA is not available here.")
        if wanted == "mps" and not _mps_available():
            raise RuntimeError("Device 'mps' was asked for, but Apple MPS is not available here.")
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_threads(requested: int | None = None) -> int:
    """Set PyTorch's CPU threads: ``DYPLAB_THREADS`` wins, then ``requested``; returns the count in use.

    Small course networks often train faster on one thread than on several, above all on a busy
    machine where the threads wait for each other.
    """
    import torch

    env = os.environ.get("DYPLAB_THREADS", "").strip()
    if env:
        try:
            requested = int(env)
        except ValueError:
            raise ValueError(f"DYPLAB_THREADS={env!r} is not a whole number of threads.") from None
    if requested is not None:
        if requested < 1:
            raise ValueError(f"The number of CPU threads must be at least 1; got {requested}.")
        torch.set_num_threads(requested)
    return torch.get_num_threads()


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def data_dir() -> Path:
    """The user's data cache (``DYPLAB_DATA_DIR`` or a per-user cache folder)."""
    env = os.environ.get("DYPLAB_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dyplab")) / "data"


def mirror_dir() -> Path | None:
    """The course mirror from ``DYPLAB_DATA_MIRROR``, or ``None``."""
    env = os.environ.get("DYPLAB_DATA_MIRROR")
    return Path(env).expanduser().resolve() if env else None


def offline() -> bool:
    """True when ``DYPLAB_OFFLINE`` asks us never to use the network."""
    return os.environ.get("DYPLAB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def results_dir(*parts: str) -> Path:
    """A folder under ``DYPLAB_RESULTS_DIR`` (default ``./results``), created on demand."""
    root = Path(os.environ.get("DYPLAB_RESULTS_DIR", "results")).expanduser()
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
