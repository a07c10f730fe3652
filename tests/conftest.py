"""Shared fixtures: an isolated data cache and the course data mirror.

- ``isolated_cache``: ``DYPLAB_DATA_DIR`` points at an empty folder under ``tmp_path``, so a test
  never reads or writes the user's real cache.
- ``mirror``: the course mirror from ``DYPLAB_DATA_MIRROR``; the test is skipped (with the reason)
  when the variable is unset or the folder does not exist.
- ``no_network``: any attempt to open an internet connection fails the test (loopback is allowed).

The whole session (and every notebook kernel it starts) reads and writes a copy of the test-set ledger
(``DYPLAB_LEDGER``), so no test run can add a row to the ledger in the repository.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from dyplab.course import ledger

    copy = Path(tempfile.mkdtemp(prefix="dyplab-ledger-")) / ledger.LEDGER.name
    shutil.copyfile(ledger.LEDGER, copy)
    os.environ[ledger.ENV_FILE] = str(copy)


def mirror_root() -> Path | None:
    """The mirror folder from ``DYPLAB_DATA_MIRROR`` or ``None`` when unset."""
    env = os.environ.get("DYPLAB_DATA_MIRROR")
    return Path(env).expanduser().resolve() if env else None


def require_mirror() -> Path:
    """The mirror folder, or skip the calling test with the reason."""
    root = mirror_root()
    if root is None:
        pytest.skip("DYPLAB_DATA_MIRROR is not set (point it at the course data mirror to run this test)")
    if not root.is_dir():
        pytest.skip(f"DYPLAB_DATA_MIRROR={root} is not a folder")
    return root


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data cache for this test (``DYPLAB_DATA_DIR``)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(cache))
    return cache


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The course data mirror (skips when ``DYPLAB_DATA_MIRROR`` is unset)."""
    return require_mirror()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list:
    """Fail on any non-loopback connection; returns the list of addresses that were attempted."""
    attempts: list = []
    real_connect = socket.socket.connect

    def guarded(self, address):  # noqa: ANN001 - mirrors socket.connect
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            attempts.append(address)
            raise OSError(f"network access attempted in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny test models run much faster on one thread than on a shared, busy CPU's default pool."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
