"""The release: ``python -m build`` gives a wheel and an sdist that ``twine check`` passes, the wheel holds what a
student needs (notebooks, dataset manifests, shipped weights) and nothing else, and it installs into a fresh
virtual environment where ``dyplab doctor``, ``dyplab notebooks`` and a notebook run work without the checkout.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from email.parser import Parser
from importlib import metadata as md
from pathlib import Path

import pytest

import dyplab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Everything the wheel may hold; any other file (data, results, reports, caches) fails the test.
WHEEL_ALLOWED = (
    "dyplab/*.py",
    "dyplab/notebooks/*.ipynb",
    "dyplab/data/manifests/*.sha256",
    "dyplab/data/manifests/*.sha256.gz",
    "dyplab/pfn/weights/*.pt",
    "dyplab/pfn/weights/*.json",
    "dyplab/pfn/weights/*.log",
    "dyplab/course/testsett-logg.csv",  # the test-set ledger: notebooks print its counts
    "dyplab/course/references.toml",  # the course report's documented references
    f"dyplab-{dyplab.__version__}.dist-info/*",
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel built from it by ``python -m build`` (with this environment's setuptools)."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.mark.slow
def test_names_carry_the_one_version(dist: dict[str, Path]) -> None:
    assert dist["wheel"].name == f"dyplab-{dyplab.__version__}-py3-none-any.whl"
    assert dist["sdist"].name == f"dyplab-{dyplab.__version__}.tar.gz"


@pytest.mark.slow
def test_twine_check_passes(dist: dict[str, Path]) -> None:
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(dist["wheel"]), str(dist["sdist"])],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout


@pytest.mark.slow
def test_wheel_holds_notebooks_manifests_and_weights_and_nothing_else(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as whl:
        names = whl.namelist()
        for nb in NOTEBOOKS:
            assert whl.read(f"dyplab/notebooks/{nb.name}") == nb.read_bytes(), f"{nb.name} differs in the wheel"
        meta = Parser().parsestr(whl.read(f"dyplab-{dyplab.__version__}.dist-info/METADATA").decode())
        entry_points = whl.read(f"dyplab-{dyplab.__version__}.dist-info/entry_points.txt").decode()
    shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("dyplab/notebooks/")}
    assert shipped == {p.name for p in NOTEBOOKS}, "the wheel must carry exactly the notebooks of notebooks/"
    assert "dyplab/course/testsett-logg.csv" in names, "the test-set ledger is missing from the wheel"
    for folder, prefix in (("src/dyplab/data/manifests", "dyplab/data/manifests"),
                           ("src/dyplab/pfn/weights", "dyplab/pfn/weights")):
        for f in (ROOT / folder).iterdir():
            if f.is_file():
                assert f"{prefix}/{f.name}" in names, f"{folder}/{f.name} is missing from the wheel"
    for f in (ROOT / "src/dyplab/course/checks/tests").glob("*/*.py"):  # the exercise checks' otter test files
        assert f"dyplab/course/checks/tests/{f.parent.name}/{f.name}" in names, f"check {f.name} is missing from the wheel"
    strays = [n for n in names if not any(fnmatch.fnmatch(n, pat) for pat in WHEEL_ALLOWED)]
    assert not strays, f"files that do not belong in the wheel (data, results, reports?): {strays[:20]}"
    assert not [n for n in names if "/results/" in n or "/reports/" in n or n.endswith("summary.json")]
    assert meta["Version"] == dyplab.__version__
    assert {"app", "tabpfn", "lab"} <= set(meta.get_all("Provides-Extra"))
    assert any(r.startswith("jupyterlab") and 'extra == "lab"' in r for r in meta.get_all("Requires-Dist"))
    assert "dyplab = dyplab.cli:main" in entry_points


@pytest.mark.slow
def test_sdist_keeps_the_notebooks_in_their_one_place(dist: dict[str, Path]) -> None:
    top = f"dyplab-{dyplab.__version__}"
    with tarfile.open(dist["sdist"]) as sd:
        names = set(sd.getnames())
    assert {f"{top}/notebooks/{nb.name}" for nb in NOTEBOOKS} <= names
    for f in ("pyproject.toml", "setup.py", "MANIFEST.in", "CHANGELOG.md", "README.md", "environment.yml"):
        assert f"{top}/{f}" in names, f"{f} is missing from the sdist"
    assert not [n for n in names if n.startswith((f"{top}/results", f"{top}/reports", f"{top}/src/dyplab/notebooks"))]


# ----------------------------------------------------------------------------- fresh virtual environment


def _dependency_closure(*names: str) -> dict[str, md.Distribution]:
    """The installed distributions ``names`` need (their requirements, recursively, markers evaluated)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found: dict[str, md.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        found[name] = dist
        for raw in dist.requires or []:
            req = Requirement(raw)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def _torch_only_site(folder: Path) -> Path:
    """A folder of links to the installed torch and torchvision and what they need (nothing else)."""
    folder.mkdir()
    for dist in _dependency_closure("torch", "torchvision").values():
        site = Path(dist.locate_file(""))
        for top in {Path(f).parts[0] for f in dist.files or []} - {"..", "__pycache__", "bin"}:
            if (site / top).exists() and not (folder / top).exists():
                (folder / top).symlink_to(site / top)
    return folder


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.mark.slow
@pytest.mark.mirror
def test_wheel_installs_into_a_fresh_venv_and_runs_a_notebook(dist: dict[str, Path], tmp_path: Path,
                                                               mirror: Path) -> None:
    """A student's install from the wheel: new venv, ``pip install <wheel>``, then doctor, notebooks and a run.

    torch and torchvision are not installed again: a fresh ``pip install torch==2.14.1 torchvision==0.29.1`` from
    this machine's disk took 352 s and 5.5 GB (measured while building this test, 2 busy cores), too much
    for CI, which must finish in 60 min and already spends 20+ min on the suite. Instead a ``.pth`` file in the
    new venv points at a folder holding links to the project venv's torch and torchvision and the distributions
    they need (numpy, pillow, sympy, the NVIDIA libraries, ...), and nothing else. pip sees them as installed
    and installs every other dependency of the wheel itself (from PyPI or pip's cache); dyplab comes only from
    the wheel, never from the checkout (the test runs outside it and checks where dyplab was imported from).
    """
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_dyplab_test_torch.pth").write_text(f"{_torch_only_site(tmp_path / 'torch_site')}\n", encoding="utf-8")
    home = tmp_path / "student"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "VIRTUAL_ENV", "DYPLAB_NOTEBOOKS", "DYPLAB_RESULTS_DIR"}}
    env.update({"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "DYPLAB_DATA_MIRROR": str(mirror),
                "DYPLAB_OFFLINE": "1", "DYPLAB_DATA_DIR": str(tmp_path / "cache"), "DYPLAB_THREADS": "1",
                "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"), "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter_cfg")})

    start = time.perf_counter()
    _run([str(py), "-m", "pip", "install", "--no-input", "--disable-pip-version-check", "--no-compile",
          str(dist["wheel"])],
         env, home)
    install_s = time.perf_counter() - start
    where = _run([str(py), "-c", "import dyplab, torch; print(dyplab.__file__); print(dyplab.__version__)"],
                 env, home).stdout.split()
    assert Path(where[0]).is_relative_to(venv) and where[1] == dyplab.__version__, where

    start = time.perf_counter()
    doctor = _run([str(venv / "bin" / "dyplab"), "doctor"], env, home).stdout
    doctor_s = time.perf_counter() - start
    assert f"dyplab {dyplab.__version__}" in doctor and "MANGLER" not in doctor
    assert "uci_heart        OK" in doctor

    _run([str(venv / "bin" / "dyplab"), "notebooks", "kurs"], env, home)
    course = home / "kurs"
    assert {p.name for p in course.iterdir()} == {p.name for p in NOTEBOOKS}

    start = time.perf_counter()
    run = _run([str(venv / "bin" / "dyplab"), "run", "B3", "--profile", "smoke", "--no-html"], env, course)
    run_s = time.perf_counter() - start
    assert "ok" in run.stdout and "feil" not in run.stdout.split("totalt")[-1], run.stdout
    assert (course / "reports").is_dir() and (course / "results" / "B3").is_dir()
    print(f"\n[timing] fresh venv: pip install of the wheel {install_s:.0f} s, dyplab doctor {doctor_s:.0f} s, "
          f"dyplab run B3 (smoke) {run_s:.0f} s; "
          f"wheel {dist['wheel'].stat().st_size / 1e6:.1f} MB")
    shutil.rmtree(venv, ignore_errors=True)
