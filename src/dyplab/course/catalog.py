"""The course notebooks as a catalogue: where they are, their ids and order, and their validation targets.

Shared by :mod:`dyplab.course.runner` (which executes them) and :mod:`dyplab.course.report` (which shows the
results), so that neither imports the other for these.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def notebooks_dir(start: Path | None = None) -> Path:
    """Find the notebooks: ``DYPLAB_NOTEBOOKS``, the working folder (a ``dyplab notebooks`` copy), its
    ``notebooks/`` (or a parent's) or the ones that came with dyplab (installed package or source checkout)."""
    from .shipped import shipped_dir

    env = os.environ.get("DYPLAB_NOTEBOOKS")
    candidates = [Path(env)] if env else []
    here = Path(start or Path.cwd()).resolve()
    candidates += [here] + [p / "notebooks" for p in (here, *here.parents)]
    for cand in candidates:
        if cand.is_dir() and any(cand.glob("*.ipynb")):
            return cand
    with contextlib.suppress(FileNotFoundError):
        return shipped_dir()
    raise FileNotFoundError(
        "Could not find the notebooks. Copy them with `dyplab notebooks DIR` and run dyplab in DIR, "
        "or run it from the project folder, or set DYPLAB_NOTEBOOKS."
    )


def notebook_id(path: Path) -> str:
    """``A6-MNIST-CNN.ipynb`` → ``A6``."""
    return path.stem.split("-", 1)[0]


def sort_key(nb_id: str) -> tuple:
    """The course order of notebook ids: part letter, then number (``A2`` before ``A10``), then the rest."""
    part, rest = nb_id[:1], nb_id[1:]
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (part, int(digits) if digits else 0, rest)


def check_targets(nb_id: str, results_root: Path, targets_dir: Path, profile: str) -> list[str]:
    """Compare the headline metrics a notebook recorded with the bounds in ``targets_dir/<id>.json``.

    The targets file holds ``{"smoke": {"metric": [lo, hi]}, "class": {...}}``. Returns one line per
    problem (no targets file or no bounds for ``profile``, a bound on a test metric, summary missing,
    metric missing, value outside its bounds); an empty list means all is well. Targets gate validation,
    cross-validation and sanity quantities only: a test split is never a pass/fail.
    """
    import json

    from .. import results
    from . import ledger

    target_file = Path(targets_dir) / f"{nb_id}.json"
    if not target_file.is_file():
        return [f"{nb_id}: no targets file {target_file} (add one with bounds per profile)"]
    bounds = json.loads(target_file.read_text(encoding="utf-8")).get(profile, {})
    if not bounds:
        return [f"{nb_id}: no {profile} targets in {target_file.name} (every profile needs its own bounds)"]
    gated = [m for m in bounds if ledger.is_test_metric(m)]
    if gated:
        return [f"{nb_id}: target {m!r} gates a test metric; gate validation, cross-validation or sanity quantities"
                for m in gated]
    summary = results.load(nb_id, root=results_root)
    if summary is None:
        return [f"{nb_id}: no {results.SUMMARY} was recorded (call dyplab.results.record in the notebook)"]
    recorded = summary.get("metrics", {})
    problems = []
    for metric, (lo, hi) in bounds.items():
        value = recorded.get(metric)
        if not isinstance(value, (int, float)):
            problems.append(f"{nb_id}: metric {metric!r} was not recorded (recorded: {sorted(recorded)})")
        elif not lo <= value <= hi:
            problems.append(f"{nb_id}: {metric} = {value:.4g} is outside [{lo}, {hi}] ({profile} profile)")
    return problems
