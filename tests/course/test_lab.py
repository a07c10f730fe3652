"""``dyplab lab``: the JupyterLab command line, the kernel spec of this Python, and one real start and stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dyplab.course import lab


def test_command_runs_jupyterlab_with_this_python_on_loopback(tmp_path: Path) -> None:
    cmd = lab.command(tmp_path, no_browser=True, port=8899)
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in cmd
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--no-browser" in cmd and "--ServerApp.port=8899" in cmd
    assert "--no-browser" not in lab.command(tmp_path)


def test_environment_puts_the_private_kernel_first(tmp_path: Path) -> None:
    env = lab.environment(tmp_path, base={"JUPYTER_PATH": "/elsewhere", "HOME": "/h"})
    assert env["JUPYTER_PATH"] == os.pathsep.join([str(tmp_path), "/elsewhere"]) and env["HOME"] == "/h"
    assert lab.environment(tmp_path, base={})["JUPYTER_PATH"] == str(tmp_path)


def test_the_python3_kernel_is_this_interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    root = lab.write_kernel(tmp_path / "jupyter")
    lab.write_kernel(root)  # writing again replaces the spec
    spec = json.loads((root / "kernels" / "python3" / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][0] == sys.executable and spec["display_name"] == "Python 3 (dyplab)"
    monkeypatch.setenv("JUPYTER_PATH", lab.environment(root)["JUPYTER_PATH"])
    found = KernelSpecManager().get_kernel_spec("python3")
    assert Path(found.resource_dir) == root / "kernels" / "python3"


def test_cli_without_jupyterlab_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from dyplab import cli

    real = lab.importlib.util.find_spec
    monkeypatch.setattr(lab.importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    assert cli.main(["lab"]) == 1
    assert 'pip install "dyplab[lab]"' in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_really_starts_serves_the_notebooks_and_stops(tmp_path: Path) -> None:
    pytest.importorskip("jupyterlab", reason="JupyterLab is the optional 'lab' extra (make install includes it)")
    folder = tmp_path / "kurs"
    folder.mkdir()
    (folder / "A1-x.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    root = lab.write_kernel(tmp_path / "jupyter")
    port, token = _free_port(), "dyplab-test-token"
    env = lab.environment(root)
    env.update({"JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
                "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "HOME": str(tmp_path)})
    cmd = lab.command(folder, no_browser=True, port=port, extra=[f"--IdentityProvider.token={token}"])
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        specs = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=5) as r:
                    specs = json.load(r)
                break
            except OSError:
                time.sleep(1)
        if specs is None:
            proc.terminate()
            pytest.fail(f"JupyterLab did not answer within 120 s (exit code {proc.poll()}):\n"
                        + proc.communicate(timeout=60)[0][-3000:])
        python3 = specs["kernelspecs"]["python3"]["spec"]
        assert python3["argv"][0] == sys.executable and python3["display_name"] == "Python 3 (dyplab)"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=10) as r:
            listing = json.load(r)
        assert [item["name"] for item in listing["content"]] == ["A1-x.ipynb"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode is not None, out[-2000:]
