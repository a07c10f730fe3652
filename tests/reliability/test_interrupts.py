"""Ctrl+C (SIGINT) in the middle of a download and of `dyplab run`, then the same command again: the first
stops cleanly and leaves nothing that looks valid, the second completes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest

from dyplab.course import runner

from .processes import running

pytestmark = pytest.mark.slow

BODY = bytes(range(256)) * 8192  # 2 MiB
SHA = hashlib.sha256(BODY).hexdigest()

FETCH_SCRIPT = """
import sys
from dyplab.data import _core
url, sha = sys.argv[1], sys.argv[2]
_core.register(_core.DatasetInfo(name="slowset", title="slow", description="-", license="CC0", citation="-",
    homepage=url, downloads=(_core.Download(url=url, sha256=sha, filename="big.bin"),), files=(("big.bin", sha),)))
print("fetching", flush=True)
print("done", _core.fetch("slowset", progress=False), flush=True)
"""


class _SlowServer:
    """Serves BODY in 64 KiB pieces; ``delay`` seconds between pieces."""

    def __init__(self) -> None:
        self.delay = 0.2
        self.started = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                outer.started.set()
                self.send_response(200)
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                try:
                    for i in range(0, len(BODY), 65536):
                        self.wfile.write(BODY[i: i + 65536])
                        self.wfile.flush()
                        time.sleep(outer.delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/big.bin"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _ctrl_c_enabled() -> None:
    """In the child before it starts: SIGINT back to its default. A test suite started in the background of a
    non-interactive shell inherits SIGINT *ignored*, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(DYPLAB_DATA_DIR=str(tmp_path / "cache"), NO_PROXY="127.0.0.1", OMP_NUM_THREADS="1", **extra)
    env.pop("DYPLAB_OFFLINE", None)
    env.pop("DYPLAB_DATA_MIRROR", None)
    return env


def test_sigint_during_download_leaves_nothing_then_fetch_again_works(tmp_path: Path) -> None:
    server = _SlowServer()
    try:
        cmd = [sys.executable, "-c", FETCH_SCRIPT, server.url, SHA]
        proc = subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=_ctrl_c_enabled)
        assert server.started.wait(60), "the download never started"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode != 0 and "KeyboardInterrupt" in err and "done" not in out
        leftovers = [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()]
        assert "big.bin" not in leftovers and not any(name.startswith("tmp") for name in leftovers), leftovers
        server.delay = 0.0
        again = subprocess.run(cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr[-2000:]
        assert (tmp_path / "cache" / "slowset" / "big.bin").read_bytes() == BODY
    finally:
        server.close()


def _notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os, time, pathlib\n"
        "from dyplab import results\n"
        "pathlib.Path(os.environ['MARKER']).write_text(str(os.getpid()))\n"
        "time.sleep(float(os.environ.get('SLOW', '0')))\n"
        "results.record('Z1', {'answer': 42})\n")]
    folder.mkdir(parents=True)
    path = folder / "Z1-avbrudd.ipynb"
    nbformat.write(nb, path)
    return path


def test_sigint_during_dyplab_run_then_run_again(tmp_path: Path) -> None:
    _notebook(tmp_path / "notebooks")
    marker = tmp_path / "marker.txt"
    dyplab = [str(Path(sys.executable).parent / "dyplab")]
    cmd = [*dyplab, "run", "Z1", "--profile", "smoke", "--no-html", "--output", str(tmp_path / "reports")]
    env = _env(tmp_path, DYPLAB_NOTEBOOKS=str(tmp_path / "notebooks"), MARKER=str(marker), SLOW="60",
               DYPLAB_RESULTS_DIR=str(tmp_path / "results"))
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_enabled)
    deadline = time.time() + 120
    while not (marker.exists() and marker.read_text()) and time.time() < deadline:
        time.sleep(0.2)
    assert marker.exists(), "the notebook never started"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and err == "Avbrutt.\n", (out, err)  # no traceback after it
    assert not running(int(marker.read_text())), "the kernel outlived Ctrl+C"
    assert not (tmp_path / "reports" / "Z1-avbrudd.ipynb").exists()  # no half-executed copy presented as a run
    assert not (tmp_path / "results" / "Z1" / "summary.json").exists()
    env["SLOW"] = "0"
    again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    summary = json.loads((tmp_path / "results" / "Z1" / "summary.json").read_text())
    assert summary["metrics"] == {"answer": 42}



def test_a_run_past_its_wall_clock_limit_is_ended_with_its_kernel(tmp_path: Path) -> None:
    """``execute_isolated`` (tests, grading) gives a run that outlives its limit Ctrl+C: its kernel goes too."""
    pid_file = tmp_path / "kernel.pid"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                                          "time.sleep(300)")]
    nbformat.write(nb, tmp_path / "Z3-slow.ipynb")
    ended = runner.execute_isolated(tmp_path / "Z3-slow.ipynb", profile="smoke", results_dir=tmp_path / "res",
                                    wall_timeout=90, env=_env(tmp_path))
    assert ended.status == "failed" and ended.error == "no result after 90 s"
    assert pid_file.is_file(), "the notebook never started"
    assert not running(int(pid_file.read_text())), "the kernel outlived its run"
