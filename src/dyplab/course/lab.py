"""``dyplab lab [DIR]``: JupyterLab on the course notebooks, with this Python as the notebooks' kernel.

The notebooks ask for the kernel ``python3``. A ``python3`` kernel registered elsewhere on the machine
(another Python, an old virtual environment) could otherwise win, so the command writes a ``python3``
kernel spec for the running interpreter into a private folder and puts that folder first on
``JUPYTER_PATH`` for the server it starts.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

KERNEL_NAME = "python3"


def kernel_root() -> Path:
    """A Jupyter data folder private to this interpreter (its ``kernels/python3`` is written by :func:`write_kernel`)."""
    from platformdirs import user_cache_dir

    tag = hashlib.sha256(sys.executable.encode()).hexdigest()[:12]
    return Path(user_cache_dir("dyplab")) / f"jupyter-{tag}"


def write_kernel(root: Path | None = None) -> Path:
    """Write the ``python3`` kernel spec of this interpreter under ``root/kernels``; return the Jupyter data folder."""
    from ipykernel.kernelspec import write_kernel_spec

    root = Path(root) if root is not None else kernel_root()
    path = root / "kernels" / KERNEL_NAME
    if path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_kernel_spec(path, overrides={"display_name": "Python 3 (dyplab)"})
    return root


def command(folder: Path, *, no_browser: bool = False, port: int | None = None,
            extra: list[str] | None = None) -> list[str]:
    """The command line that starts JupyterLab on ``folder`` with this interpreter, listening on 127.0.0.1 only."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(folder).resolve()}",
           "--ServerApp.ip=127.0.0.1"]
    if no_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--ServerApp.port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses without this
        cmd.append("--allow-root")
    return cmd + list(extra or [])


def environment(root: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with ``root`` first on ``JUPYTER_PATH``."""
    env = dict(os.environ if base is None else base)
    rest = env.get("JUPYTER_PATH", "")
    env["JUPYTER_PATH"] = os.pathsep.join([str(root), *([rest] if rest else [])])
    return env


def require_jupyterlab() -> None:
    """A clear error when JupyterLab is not installed."""
    if importlib.util.find_spec("jupyterlab") is None:
        raise ModuleNotFoundError(
            "JupyterLab is not installed in this Python. Install it with `pip install \"dyplab[lab]\"` "
            "(or `conda install -c conda-forge jupyterlab`), then run `dyplab lab` again."
        )


def launch(folder: Path, *, no_browser: bool = False, port: int | None = None) -> int:
    """Start JupyterLab on ``folder`` and wait for it to stop; returns its exit code."""
    require_jupyterlab()
    root = write_kernel()
    return subprocess.call(command(folder, no_browser=no_browser, port=port), env=environment(root))
