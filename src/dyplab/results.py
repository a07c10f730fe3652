"""Headline metrics of a notebook run, recorded in one place: ``results/<id>/summary.json``.

Every notebook calls :func:`record` once for its headline numbers; the tests and the course report read
them back with :func:`load`. Values are plain JSON (numbers, strings, lists, dicts); NumPy and torch
scalars are converted.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import config
from .course import ledger
from .io import write_atomic

SUMMARY = "summary.json"


def _plain(value: Any, where: str) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:  # numpy / torch scalar
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    raise TypeError(f"{where}: {type(value).__name__} cannot be recorded; use numbers, strings, lists or dicts")


def summary_path(notebook: str) -> Path:
    """``<results>/<notebook>/summary.json`` (the folder is created)."""
    return config.results_dir(notebook) / SUMMARY


def record(notebook: str, metrics: Mapping[str, Any], **extra: Any) -> Path:
    """Write the notebook's headline ``metrics`` (merged with any recorded earlier in the same run).

    ``extra`` adds fields beside the metrics (e.g. ``n_test=...``). Returns the file's path. Written
    through a temporary file, so a reader never sees half a summary. A test metric recorded in a class or
    full run from a git checkout also becomes a row in the test-set ledger (:mod:`dyplab.course.ledger`).
    """
    path = summary_path(notebook)
    previous = load(notebook) or {}
    summary = {
        "notebook": notebook,
        "profile": config.profile().name,
        "recorded": _dt.datetime.now().isoformat(timespec="seconds"),
        "metrics": {**previous.get("metrics", {}), **_plain(dict(metrics), "metrics")},
    }
    for key, value in extra.items():
        summary[key] = _plain(value, key)
    text = json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False)
    if not write_atomic(path, lambda fh: fh.write(text.encode("utf-8"))):
        raise OSError(f"could not write {path}; check that the results folder is writable")
    ledger.record_look(notebook, summary["metrics"], profile=summary["profile"])
    return path


def load(notebook: str, root: str | Path | None = None) -> dict | None:
    """The recorded summary of ``notebook`` (from ``root`` or the results folder), or ``None``."""
    base = Path(root) if root is not None else Path(config.results_dir())
    path = base / notebook / SUMMARY
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); delete it and run notebook {notebook} again") from exc
