"""The grading log: one JSON line per ``check`` call, appended to the file named by ``DYPLAB_CHECK_LOG``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .core import CheckResult, notebook_of

ENV = "DYPLAB_CHECK_LOG"


def append(exercise_id: str, result: CheckResult) -> Path | None:
    """Append ``result`` as one JSON line when ``DYPLAB_CHECK_LOG`` is set; return the log's path (or ``None``)."""
    target = os.environ.get(ENV)
    if not target:
        return None
    path = Path(target)
    line = json.dumps({"notebook": notebook_of(exercise_id), "exercise": exercise_id, "passed": result.passed,
                       "message": result.message}, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return path


def read(path: str | Path) -> list[dict]:
    """The log's records in order; a line that is not a JSON object is a ``ValueError`` naming file and line."""
    records = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}, linje {number}: ikke gyldig JSON ({e.msg})") from None
        if not isinstance(record, dict):
            raise ValueError(f"{path}, linje {number}: forventet et JSON-objekt")
        records.append(record)
    return records


def last_results(path: str | Path) -> dict[str, bool]:
    """Exercise id → ``passed`` of its last logged check."""
    return {r["exercise"]: bool(r["passed"]) for r in read(path)}
