"""The one set-up call at the top of every notebook."""

from __future__ import annotations

import platform

from .. import config


def start(
    notebook: str,
    datasets: tuple[str, ...] | list[str] = (),
    seed: int = config.DEFAULT_SEED,
    threads: int | None = None,
) -> config.Profile:
    """Seed everything, fetch the notebook's datasets and print profile, device and data origin.

    ``threads`` sets PyTorch's CPU threads (``DYPLAB_THREADS`` overrides it; ``None`` keeps PyTorch's choice).

    Returns the active :class:`~dyplab.config.Profile`, so a notebook can write
    ``P = dyplab.course.session.start("A6", ["mnist"])`` and then ``P.pick(smoke, klass)``.
    """
    import torch

    from .. import __version__
    from .. import data as dd
    from ..course import colab, ledger

    ledger.start_run()
    colab_data = colab.configure()  # in Google Colab: the data cache on Colab's disk
    prof = config.profile()
    config.seed_everything(seed)
    dev = config.device()
    n_threads = config.set_threads(threads)
    print(f"dyplab {__version__} · notebook {notebook}")
    print(f"Profil: {prof.name}  (sett DYPLAB_PROFILE=smoke|class|full for å endre)")
    print(f"Enhet (device): {dev}  · CPU-tråder: {n_threads} · PyTorch {torch.__version__} · Python {platform.python_version()}")
    print(f"Frø (seed): {seed}  · resultater lagres i {config.results_dir()}")
    if colab_data:
        print(f"Google Colab: data lagres i {colab_data}")
    for name in datasets:
        dd.fetch(name)
        meta = dd.info(name)
        print(f"Data: {dd.describe_source(name)}")
        print(f"      Kilde: {meta.homepage}")
    return prof
