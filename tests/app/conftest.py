"""Fixtures of the app tests: the app's quick models trained once per session (smoke profile) in a temporary
results folder, shared by the handler tests and the browser test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def app_results(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Path:
    """A results folder holding ``app/`` checkpoints trained by :func:`dyplab.app.models.ensure_trained`."""
    root = tmp_path_factory.mktemp("app-results")
    old = {k: os.environ.get(k) for k in ("DYPLAB_RESULTS_DIR", "DYPLAB_PROFILE", "DYPLAB_OFFLINE")}
    os.environ.update(DYPLAB_RESULTS_DIR=str(root), DYPLAB_PROFILE="smoke", DYPLAB_OFFLINE="1")
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models on a shared CPU: one thread is fastest
    try:
        from dyplab.app import models

        problems = models.ensure_trained(progress=lambda line: None)
        assert problems == {}, problems
    finally:  # restored at once: later tests (notebook runs, the wheel) must not write into this folder
        torch.set_num_threads(threads)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return root


@pytest.fixture
def state(app_results: Path, monkeypatch: pytest.MonkeyPatch):
    """The app's state loaded from the session's trained checkpoints."""
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(app_results))
    from dyplab.app.service import AppState

    return AppState.load()
