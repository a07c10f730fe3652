"""Fixtures of the data tests: a student who is online, with the internet replaced by a local server."""

from __future__ import annotations

from pathlib import Path

import pytest

from .http_mirror import PROXY_VARS, CanonicalServer, online_env


@pytest.fixture
def online(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_network: list):
    """A :class:`~tests.data.http_mirror.CanonicalServer` and the environment of a student who is online.

    ``DYPLAB_OFFLINE`` is unset, ``DYPLAB_DATA_MIRROR`` is an empty folder, ``DYPLAB_DATA_DIR`` a fresh cache and
    ``DYPLAB_DOWNLOAD_BASE`` points at the server; any connection beyond the loopback fails the test.
    """
    server = CanonicalServer(tmp_path / "internet", tmp_path / "download-hashes.sha256")
    monkeypatch.delenv("DYPLAB_OFFLINE", raising=False)
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    for key, value in online_env(server, tmp_path / "cache", tmp_path / "empty-mirror").items():
        monkeypatch.setenv(key, value)
    yield server
    server.close()
    assert no_network == [], f"a download left the machine: {no_network}"
