"""The Colab set-up: one exact ``%pip install`` line when (and only when) dyplab is missing in Colab, and the
data cache on Colab's disk. ``google.colab`` is a stand-in package written into a temporary folder on the path;
nothing touches the network (the pip magic is replaced by a recorder, IPython itself is real)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dyplab
from dyplab import config
from dyplab.course import colab, session


def _write_stand_in(folder: Path) -> Path:
    """A ``google.colab`` package in ``folder`` (``google`` as a namespace portion, like the real one)."""
    pkg = folder / "google" / "colab"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Stand-in for Google Colab\'s module (tests only)."""\n', encoding="utf-8")
    return folder


@pytest.fixture
def stand_in_colab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = _write_stand_in(tmp_path / "colab_stand_in")
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield folder
    sys.modules.pop("google.colab", None)
    importlib.invalidate_caches()


def test_outside_colab_nothing_changes() -> None:
    env: dict[str, str] = {}
    assert not colab.in_colab()
    assert colab.configure(env) is None and env == {}


def test_in_colab_the_cache_goes_to_colabs_disk(stand_in_colab: Path) -> None:
    assert colab.in_colab()
    env: dict[str, str] = {}
    assert colab.configure(env) == Path("/content/dyplab-data")
    assert env == {"DYPLAB_DATA_DIR": "/content/dyplab-data"}
    chosen = {"DYPLAB_DATA_DIR": "/content/drive/MyDrive/data"}
    assert colab.configure(chosen) == Path("/content/drive/MyDrive/data"), "a cache the student chose is kept"


def test_session_start_in_colab_uses_colabs_disk(stand_in_colab: Path, tmp_path: Path, monkeypatch, capsys,
                                                 no_network: list) -> None:
    monkeypatch.setenv("DYPLAB_DATA_DIR", "placeholder")  # restored after the test
    monkeypatch.delenv("DYPLAB_DATA_DIR")
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "results"))
    session.start("X1", [], threads=1)
    assert config.data_dir() == Path("/content/dyplab-data")
    assert "Google Colab: data lagres i /content/dyplab-data" in capsys.readouterr().out
    assert no_network == []


def test_snippet_has_one_pinned_install_line() -> None:
    snippet = colab.setup_snippet()
    pip_lines = [line.strip() for line in snippet.splitlines() if "%pip" in line]
    assert pip_lines == [f"%pip install -q dyplab=={dyplab.__version__}"]
    assert "import dyplab" not in snippet and "from dyplab" not in snippet, "the snippet must run before dyplab exists"


def test_with_snippet_replaces_an_older_snippet_and_keeps_the_cell() -> None:
    cell = 'from dyplab import session\nP = session.start("A6", ["mnist"])\n'
    old = colab.with_snippet(cell, version="0.0.9")
    new = colab.with_snippet(old)
    assert new == colab.setup_snippet() + "\n" + cell
    assert colab.with_snippet(new) == new


def _site_without_dyplab(tmp_path: Path) -> Path:
    """A folder of links to this environment's packages, without dyplab: a Python where dyplab is not installed."""
    import IPython

    site = Path(IPython.__file__).resolve().parents[1]
    farm = tmp_path / "site"
    farm.mkdir()
    for entry in site.iterdir():
        if entry.name.lower().startswith(("dyplab", "__editable__")) or entry.suffix == ".pth":
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


RUN_SNIPPET = r"""
import importlib.util, json, sys
from IPython.core.interactiveshell import InteractiveShell
calls = []
shell = InteractiveShell.instance()
shell.register_magic_function(lambda line: calls.append(line), "line", "pip")  # record instead of installing
result = shell.run_cell(sys.argv[1])
result.raise_error()
print(json.dumps({"pip": calls, "dyplab_importable": importlib.util.find_spec("dyplab") is not None}))
"""


def _run_snippet(tmp_path: Path, path: list[Path]) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path)), "IPYTHONDIR": str(tmp_path / "ipython")}
    proc = subprocess.run([sys.executable, "-S", "-c", RUN_SNIPPET, colab.setup_snippet()], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_snippet_installs_exactly_this_release_only_in_colab_without_dyplab(tmp_path: Path) -> None:
    farm = _site_without_dyplab(tmp_path)
    stand_in = _write_stand_in(tmp_path / "colab_stand_in")
    src = Path(dyplab.__file__).resolve().parents[1]

    in_colab = _run_snippet(tmp_path, [stand_in, farm])
    assert in_colab == {"pip": [f"install -q dyplab=={dyplab.__version__}"], "dyplab_importable": False}
    assert _run_snippet(tmp_path, [farm])["pip"] == [], "outside Colab the snippet must do nothing"
    assert _run_snippet(tmp_path, [stand_in, farm, src])["pip"] == [], "with dyplab installed nothing is installed"
