"""conda and pip install the same thing: environment.yml's pip section equals requirements-torch.txt plus the
extras `make install` uses, and the version lives only in dyplab.__version__."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

import dyplab

ROOT = Path(__file__).resolve().parents[1]


def _requirements(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_environment_yml_matches_the_pip_install() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    editable = re.search(r'pip install -e "([^"]+)"', makefile).group(1)
    assert pip_section == _requirements(ROOT / "requirements-torch.txt") + [f"-e {editable}"]
    assert "python=3.11" in deps and "pip" in deps


def test_version_has_one_home() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", dyplab.__version__)
    assert f"## {dyplab.__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), "CHANGELOG lacks it"


def test_make_bench_runs_every_benchmark() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    bench = makefile.split("\nbench:", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"benchmarks/(\w+\.py)", bench))
    scripts = {p.name for p in (ROOT / "benchmarks").glob("*.py") if not p.name.startswith("_")}
    assert scripts <= listed, f"benchmarks not run by `make bench`: {sorted(scripts - listed)}"
