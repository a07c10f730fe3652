"""Profiles, seeding, device choice and folders."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dyplab import config
from dyplab.course import session


def test_profile_default_and_pick(monkeypatch) -> None:
    monkeypatch.delenv("DYPLAB_PROFILE", raising=False)
    assert config.profile().name == "class"
    monkeypatch.setenv("DYPLAB_PROFILE", "smoke")
    assert config.profile().pick(1, 10) == 1
    monkeypatch.setenv("DYPLAB_PROFILE", "full")
    assert config.profile().pick(1, 10) == 10 and config.profile().pick(1, 10, 100) == 100


def test_unknown_profile_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("DYPLAB_PROFILE", "huge")
    with pytest.raises(ValueError, match="not a known profile"):
        config.profile()


def test_seed_everything_makes_numpy_and_torch_repeat() -> None:
    config.seed_everything(7)
    a = (np.random.rand(3), torch.rand(3))
    config.seed_everything(7)
    b = (np.random.rand(3), torch.rand(3))
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_device_override(monkeypatch) -> None:
    monkeypatch.setenv("DYPLAB_DEVICE", "cpu")
    assert config.device().type == "cpu"
    if not torch.cuda.is_available():
        monkeypatch.setenv("DYPLAB_DEVICE", "cuda")
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            config.device()


def test_folders_follow_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "r"))
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    assert config.data_dir() == (tmp_path / "c").resolve()
    assert config.results_dir("A6").is_dir() and config.results_dir("A6").parent == tmp_path / "r"
    assert config.offline()


def test_session_start_prints_profile_device_and_data(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "r"))
    monkeypatch.setenv("DYPLAB_PROFILE", "smoke")
    monkeypatch.setenv("DYPLAB_DEVICE", "cpu")
    prof = session.start("X1", [])
    out = capsys.readouterr().out
    assert prof.is_smoke and "Profil: smoke" in out and "Enhet (device): cpu" in out


def test_set_threads_honours_request_and_environment(monkeypatch) -> None:
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("DYPLAB_THREADS", raising=False)
        assert config.set_threads(None) == before  # None keeps PyTorch's choice
        assert config.set_threads(1) == 1
        monkeypatch.setenv("DYPLAB_THREADS", "2")
        assert config.set_threads(1) == 2  # the environment wins over the notebook's request
        monkeypatch.setenv("DYPLAB_THREADS", "many")
        with pytest.raises(ValueError, match="DYPLAB_THREADS"):
            config.set_threads(None)
        monkeypatch.delenv("DYPLAB_THREADS")
        with pytest.raises(ValueError, match="at least 1"):
            config.set_threads(0)
    finally:
        torch.set_num_threads(before)


def test_importing_dyplab_makes_openmp_wait_passively_unless_chosen() -> None:
    import subprocess
    import sys

    code = "import os, dyplab; print(os.environ['OMP_WAIT_POLICY'])"
    env = {k: v for k, v in __import__("os").environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "PASSIVE"
    chosen = subprocess.run([sys.executable, "-c", code], env={**env, "OMP_WAIT_POLICY": "ACTIVE"},
                            capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "ACTIVE"
