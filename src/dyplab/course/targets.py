"""Check a notebook's recorded headline metrics against its bounds in ``tests/notebook_targets/<ID>.json``.

The file holds ``{"smoke": {"metric": [lo, hi], ...}, "class": {...}}``; a profile without an entry is
not checked.
"""

from __future__ import annotations

import json
from pathlib import Path


def load_targets(path: str | Path) -> dict:
    """Read and validate a targets file (clear error naming the file and the problem)."""
    path = Path(path)
    try:
        targets = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    for profile, bounds in targets.items():
        if not isinstance(bounds, dict):
            raise ValueError(f"{path}: profile {profile!r} must map metric names to [lo, hi]")
        for name, pair in bounds.items():
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, (int, float)) for v in pair)):
                raise ValueError(f"{path}: {profile}.{name} must be [lo, hi] numbers, got {pair!r}")
            if pair[0] > pair[1]:
                raise ValueError(f"{path}: {profile}.{name} has lo > hi ({pair})")
    return targets


def check(metrics: dict, targets: dict, profile: str) -> list[str]:
    """Problems (empty when all bounds hold) of recorded ``metrics`` against ``targets[profile]``."""
    problems = []
    for name, (lo, hi) in targets.get(profile, {}).items():
        value = metrics.get(name)
        if not isinstance(value, (int, float)):
            problems.append(f"{name}: not recorded (got {value!r})")
        elif not lo <= value <= hi:
            problems.append(f"{name} = {value:.4g} outside [{lo}, {hi}]")
    return problems
