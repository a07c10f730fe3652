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


# ----------------------------------------------------------------------------- a student's Colab session, simulated
#
# What a student's first cell does in Colab, end to end: a fresh Python without dyplab, the notebook's own set-up
# cell run by IPython, its real ``%pip install -q dyplab==<version>`` line installing the wheel built from this
# checkout (pip reads ``PIP_NO_INDEX``/``PIP_FIND_LINKS``: the local folder plays PyPI), then ``session.start``
# downloading the notebook's datasets through the local stand-in for the internet (``DYPLAB_DOWNLOAD_BASE``) into
# Colab's data folder ``/content/dyplab-data``. The fresh venv reuses this environment's installed packages
# (torch, IPython, ...) through a ``.pth`` file pointing at links to them, dyplab excluded (the same folder as
# above), so pip installs nothing but the wheel and needs no network. ``/content`` is a temporary folder
# bind-mounted in a private mount namespace (``unshare``), so nothing is written to this machine's ``/content``.

ROOT = Path(__file__).resolve().parents[2]

RUN_SETUP_CELL = r"""
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
cell = json.load(open(sys.argv[1], encoding="utf-8"))
first = next(c for c in cell["cells"] if c["cell_type"] == "code")
result = shell.run_cell("".join(first["source"]))
result.raise_error()
import dyplab
from dyplab import config, data as dd
names = sys.argv[2:]
print(json.dumps({"dyplab": dyplab.__file__, "data_dir": str(config.data_dir()),
                  "sources": {n: [dd.source(n)[0], str(dd.source(n)[1])] for n in names}}))
"""

COLAB_NOTEBOOKS = {"D1": ("D1-MR-demens-klassifikasjon.ipynb", ["oasis_mri", "oasis_tabular"]),
                   "C2": ("C2-bilde-CNN-trening.ipynb", ["flowers"])}


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the wheel of this checkout (built like the release: sdist, then the wheel from it)."""
    out = tmp_path_factory.mktemp("wheelhouse")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for sdist in out.glob("*.tar.gz"):
        sdist.unlink()
    assert [p.name for p in out.iterdir()] == [f"dyplab-{dyplab.__version__}-py3-none-any.whl"]
    return out


def _private_content_folder(tmp_path: Path) -> tuple[list[str], Path]:
    """A command prefix that runs a program with ``tmp_path/content`` mounted on ``/content``, and that folder."""
    import shutil

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("simulating Colab's /content needs root and unshare (a private mount namespace)")
    content = tmp_path / "content"
    content.mkdir()
    Path("/content").mkdir(exist_ok=True)  # an empty mount point; the files go to tmp_path (see colab_mount_point)
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare --mount is not permitted here: {probe.stderr.decode()[-300:]}")
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            'mount --bind "$0" /content && exec "$@"', str(content)], content


@pytest.fixture(scope="module")
def colab_mount_point():
    """Removes ``/content`` afterwards when the tests created it (it stays empty: files go to a bind mount)."""
    existed = Path("/content").exists()
    yield
    if not existed and Path("/content").is_dir() and not any(Path("/content").iterdir()):
        Path("/content").rmdir()


@pytest.mark.slow
@pytest.mark.mirror
@pytest.mark.parametrize("notebook", sorted(COLAB_NOTEBOOKS))
def test_colab_first_cell_installs_the_wheel_and_downloads_into_colabs_folder(
        notebook: str, wheelhouse: Path, tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch,
        colab_mount_point: None) -> None:
    from data.http_mirror import PROXY_VARS, CanonicalServer, files_under, flower_archive, online_env, serve_dataset

    from dyplab.data import _core

    prefix, content = _private_content_folder(tmp_path)
    filename, datasets = COLAB_NOTEBOOKS[notebook]
    server = CanonicalServer(tmp_path / "internet", tmp_path / "download-hashes.sha256")
    try:
        for name in datasets:
            if name == "flowers":
                server.serve(_core.info(name).downloads[0].url, flower_archive(), override=True)
            else:
                serve_dataset(server, name, mirror, tmp_path)

        venv = tmp_path / "colab-venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        py = venv / "bin" / "python"
        # the venv's own old setuptools (Python 3.11's ensurepip) would shadow the one torch needs
        subprocess.run([str(py), "-m", "pip", "uninstall", "-q", "-y", "setuptools"], capture_output=True, timeout=300)
        site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   capture_output=True, text=True, check=True).stdout.strip())
        (site / "zz_dyplab_test_packages.pth").write_text(f"{_site_without_dyplab(tmp_path)}\n", encoding="utf-8")

        stand_in = _write_stand_in(tmp_path / "colab_stand_in")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DYPLAB_", "PIP_")) and k not in {"PYTHONPATH", "VIRTUAL_ENV", *PROXY_VARS}}
        env.update(online_env(server, tmp_path / "unused-cache", tmp_path / "unused-mirror"))
        del env["DYPLAB_DATA_DIR"], env["DYPLAB_DATA_MIRROR"]  # Colab: no cache chosen, no course mirror
        env.update({"PYTHONPATH": str(stand_in), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse),
                    "PIP_DISABLE_PIP_VERSION_CHECK": "1", "DYPLAB_PROFILE": "smoke", "DYPLAB_THREADS": "1",
                    "DYPLAB_RESULTS_DIR": str(tmp_path / "results"), "IPYTHONDIR": str(tmp_path / "ipython"),
                    "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(tmp_path / "mpl")})
        assert subprocess.run([str(py), "-c", "import dyplab"], env=env, capture_output=True).returncode != 0, \
            "the fresh Python must not see dyplab before the set-up cell installs it"

        proc = subprocess.run([*prefix, str(py), "-c", RUN_SETUP_CELL, str(ROOT / "notebooks" / filename), *datasets],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    finally:
        server.close()
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(report["dyplab"]).is_relative_to(venv), "dyplab must come from the installed wheel"
    assert report["data_dir"] == "/content/dyplab-data"
    assert "Google Colab: data lagres i /content/dyplab-data" in proc.stdout
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "stamps"))  # checks below keep their stamps out of /content
    monkeypatch.setenv("DYPLAB_DOWNLOAD_HASHES", str(server.hashes_file))  # the sums of the files the test made
    for name in datasets:
        assert report["sources"][name] == ["download", f"/content/dyplab-data/{name}"]
        assert _core.check_location(name, content / "dyplab-data" / name, layout="download", force=True).ok
        assert files_under(content / "dyplab-data" / name)
    assert [u for u in server.requests if server.requests.count(u) != 1] == [], "every file is downloaded once"
