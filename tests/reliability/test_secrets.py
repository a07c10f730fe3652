"""Credentials (Kaggle, Hugging Face) are never printed, logged or written by dyplab's commands and reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SECRETS = {
    "KAGGLE_USERNAME": "fake-user-7f3a9c",
    "KAGGLE_KEY": "fakekaggle0123456789abcdef",
    "HF_TOKEN": "hf_fakeTOKEN0123456789abcdefghij",
    "HUGGING_FACE_HUB_TOKEN": "hf_fakeHUB0123456789abcdefghij",
}

SCRIPT = """
from dyplab import cli
from dyplab.data import fer2013
from dyplab.pfn import tabpfn_backend
cli.main(["doctor"])
cli.main(["data", "info", "fer2013"])
print(tabpfn_backend.status())
try:
    fer2013.download_kaggle()
except Exception as exc:
    print(type(exc).__name__, exc)
from dyplab.course import session
session.start("Z9", [])
"""


@pytest.mark.slow
def test_fake_credentials_never_appear_in_output_or_files(tmp_path: Path) -> None:
    env = {**os.environ, **SECRETS, "DYPLAB_DATA_DIR": str(tmp_path / "cache"), "DYPLAB_RESULTS_DIR":
           str(tmp_path / "results"), "DYPLAB_OFFLINE": "1", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    texts = [proc.stdout, proc.stderr]
    texts += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size < 5e6]
    for name, value in SECRETS.items():
        assert not any(value in text for text in texts), f"{name} leaked"
