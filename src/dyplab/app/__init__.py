"""``dyplab app``: a local web page (Gradio) to try the course's trained models.

Tabs: **Siffer** (draw a digit: A5's MLP and A6's CNN with Grad-CAM), **Bilde** (upload an image: the
flower, MedMNIST and face models when their notebooks have saved them), **EKG** (one MIT-BIH beat at a
time) and **Hjerte** (B3's model on the 13 Cleveland variables). Needs the optional extra
``pip install -e ".[app]"``.

Safety: the server binds to 127.0.0.1 unless ``host`` says otherwise, makes no public share link unless
``share=True``, and accepts uploads up to 10 MB. Quick models missing from ``results/app`` are trained
first (:func:`dyplab.app.models.ensure_trained`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def create(*, lang: str = "no", train: bool = True, progress: Callable[[str], None] = print):
    """Train what is missing and quick, load the checkpoints and build the page: ``(blocks, state)``."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from .. import config
    from . import models, ui

    config.set_threads()  # DYPLAB_THREADS when set, else PyTorch's choice
    from .service import AppState

    problems = models.ensure_trained(progress=progress) if train else {}
    state = AppState.load(problems)
    return ui.build(state, lang), state


def serve(*, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, share: bool = False, lang: str = "no",
          train: bool = True, block: bool = True, progress: Callable[[str], None] = print):
    """Start the app; returns the Gradio page (when ``block=False``) after printing the address and start-up time."""
    start = time.perf_counter()
    if host not in ("127.0.0.1", "localhost", "::1"):
        progress(f"ADVARSEL: appen lytter på {host}, så andre maskiner på nettet kan nå den. Appen har ingen "
                 "innlogging; bruk dette bare på et nett du stoler på.")
    if share:
        progress("ADVARSEL: share=True lager en offentlig lenke via Gradios tjenere; alle med lenken kan bruke appen.")
    import gradio as gr

    from .images import MAX_BYTES

    page, _ = create(lang=lang, train=train, progress=progress)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    page.launch(server_name=host, server_port=port, share=share, max_file_size=MAX_BYTES, prevent_thread_lock=True,
                quiet=True, theme=theme, footer_links=[])
    progress(f"dyplab app kjører på http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port} "
             f"(klar etter {time.perf_counter() - start:.1f} s). Stopp med Ctrl+C.")
    if not block:
        return page
    try:
        while True:
            time.sleep(1)
    finally:
        page.close()
