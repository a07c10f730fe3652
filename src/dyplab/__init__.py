"""dyplab: the library behind "Lab 2: Dyplæring i medisin"."""

from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# OpenMP threads that wait by spinning fight each other (and everything else) on a busy 2-core laptop: with
# two threads and OMP_WAIT_POLICY=active the A6 network took 72 s beside a competing load, against 6 s with
# passive waiting (benchmarks/threads.py). It only takes effect before torch starts OpenMP, so it is set on
# import of dyplab, and only when the user has not chosen a policy.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .config import device, profile, results_dir, seed_everything  # noqa: E402

__all__ = ["__version__", "device", "profile", "results_dir", "seed_everything"]
