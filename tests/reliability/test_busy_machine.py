"""`dyplab run` beside a busy CPU finishes, within a bound: a lost reply restarts its notebook instead of waiting
for the cell timeout (1800 s), and the run's HTML still loads nothing from the internet."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dyplab.course import report

from .processes import busy_cpu

pytestmark = [pytest.mark.slow, pytest.mark.notebook]

LIMIT = 600  # seconds for B1 and B2 in smoke beside two busy cores (alone they take well under a minute)


def test_dyplab_run_beside_two_busy_loops_finishes_in_bounded_time(tmp_path: Path) -> None:
    dyplab = str(Path(sys.executable).parent / "dyplab")
    cmd = [dyplab, "run", "B1", "B2", "--profile", "smoke", "--output", str(tmp_path / "reports")]
    env = {**os.environ, "DYPLAB_RESULTS_DIR": str(tmp_path / "results"), "DYPLAB_PROFILE": "smoke"}
    with busy_cpu(processes=2, seconds=LIMIT + 120):
        start = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = proc.communicate(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)  # ends the run and its kernel
            out, err = proc.communicate(timeout=60)
            pytest.fail(f"dyplab run B1 B2 did not finish in {LIMIT} s beside a busy CPU:\n{out[-3000:]}\n{err[-2000:]}")
        seconds = time.monotonic() - start
    print(f"dyplab run B1 B2 beside two busy loops: {seconds:.1f} s\n{out}")
    assert proc.returncode == 0, out[-3000:] + err[-2000:]
    pages = sorted((tmp_path / "reports").glob("*.html"))
    assert {p.name for p in pages} >= {"B1-nn-intro.html", "B2-læring-i-nn.html", "index.html"}
    for page in pages:
        assert report.outside_references(page.read_text(encoding="utf-8")) == [], page.name
