"""The test-set ledger: every evaluation on a test split during development, one row each.

A test split answers one question, once: how good is the recipe we already chose? The ledger makes the
number of looks visible. It is one CSV file shipped with the package (``testsett-logg.csv`` beside this
module), with the columns :data:`COLUMNS`. A notebook that reports a test number prints how many looks the
ledger holds for it (:func:`print_looks`), read from the file, never typed.

A class or full run made from a git checkout of dyplab adds its own row when it records a test metric
(:func:`record_look`, called by :func:`dyplab.results.record`), so an accidental look is logged too. An
installed copy (pip, Colab) never writes: a student's own runs are not development looks.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path

LEDGER = Path(__file__).with_name("testsett-logg.csv")
COLUMNS = ("notebook", "date", "commit", "profile", "recipe", "result", "why")
#: A metric computed on a test split has ``test`` as a word in its key: ``test_acc``, ``cnn_test_auc``.
#: A count that describes the split (``n_test``, ``duplicate_groups_train_test``) evaluates no model on it.
TEST_METRIC = re.compile(r"^(?!n_)(?!.*train_test).*(^|_)test(_|$)")
#: Profiles whose runs are development looks (smoke runs check that code runs, on a handful of images).
LOGGED_PROFILES = ("class", "full")
ENV_FILE = "DYPLAB_LEDGER"

_run_started: str | None = None


@dataclass(frozen=True)
class Look:
    """One evaluation on a test split: which notebook, when, at which commit, with what recipe and result."""

    notebook: str
    date: str
    commit: str
    profile: str
    recipe: str
    result: str
    why: str


def is_test_metric(key: str) -> bool:
    """Whether a recorded metric's key names a test-split quantity (``test`` as a word in it)."""
    return bool(TEST_METRIC.search(key))


def ledger_path() -> Path:
    """The ledger file: ``DYPLAB_LEDGER`` when set, else the one shipped with the package."""
    override = os.environ.get(ENV_FILE)
    return Path(override) if override else LEDGER


def read(path: str | Path | None = None) -> list[Look]:
    """Every row of the ledger, in file order. A malformed row raises ``ValueError`` naming file and line."""
    path = Path(path) if path is not None else ledger_path()
    if not path.is_file():
        raise FileNotFoundError(f"the test-set ledger {path} is missing; it ships with dyplab (reinstall it)")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise ValueError(f"{path}: the first line must be the header {','.join(COLUMNS)}, not {header}")
        rows = []
        for row in reader:
            if not row or not "".join(row).strip():
                continue
            if len(row) != len(COLUMNS):
                raise ValueError(f"{path}, line {reader.line_num}: {len(row)} fields, expected {len(COLUMNS)} "
                                 f"({','.join(COLUMNS)}); quote a field that contains a comma")
            look = Look(*(v.strip() for v in row))
            if not look.notebook or not look.date:
                raise ValueError(f"{path}, line {reader.line_num}: notebook and date must not be empty")
            rows.append(look)
    return rows


def looks(notebook: str, path: str | Path | None = None) -> list[Look]:
    """The ledger's rows for ``notebook``, earlier runs only (the current run's own row is left out)."""
    return [r for r in read(path) if r.notebook == notebook and r.date != _run_started]


def describe(notebook: str, path: str | Path | None = None) -> str:
    """A Norwegian sentence that says how many times the notebook's test set was evaluated before."""
    earlier = looks(notebook, path)
    if not earlier:
        return (f"Testsett-loggen: testsettet i {notebook} er ikke evaluert tidligere under utviklingen av "
                "kurset. Dette er første gang.")
    times = "én gang" if len(earlier) == 1 else f"{len(earlier)} ganger"
    last = earlier[-1]
    return (f"Testsett-loggen: testsettet i {notebook} er evaluert {times} tidligere under utviklingen av kurset "
            f"(siste: {last.date}, {last.result}). Hver titt gjør testtallet litt mindre uavhengig; "
            "se loggen for hva som ble endret mellom dem.")


def print_looks(notebook: str, path: str | Path | None = None) -> int:
    """Print :func:`describe` for ``notebook`` and return the number of earlier looks."""
    print(describe(notebook, path))
    return len(looks(notebook, path))


def start_run() -> str:
    """Mark the start of a notebook run (called by ``session.start``); its own row is not an earlier look."""
    global _run_started
    _run_started = _dt.datetime.now().isoformat(timespec="milliseconds")
    return _run_started


def _checkout_root(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if (parent / ".git").exists():
            return parent
    return None


def _commit(root: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        dirty = bool(git("status", "--porcelain", "--untracked-files=no").strip())
    except (OSError, subprocess.SubprocessError):
        return "ukjent"
    return f"{head}+endringer" if head and dirty else head or "ukjent"


def _format_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    return str(value)


def _format_result(metrics: Mapping[str, object]) -> str:
    return "; ".join(f"{key}={_format_value(value)}" for key, value in metrics.items() if is_test_metric(key))


def record_look(notebook: str, metrics: Mapping[str, object], *, profile: str, recipe: str = "",
                why: str = "kjøring under utvikling (logget automatisk)") -> bool:
    """Add (or complete) this run's row when ``metrics`` hold a test metric. Returns whether a row was written.

    Writes only for class/full runs, and only to a ledger that is part of a git checkout (a developer's
    clone) or named by ``DYPLAB_LEDGER``. Several ``record`` calls in one run make one row.
    """
    result = _format_result(metrics)
    if not result or profile not in LOGGED_PROFILES:
        return False
    path = ledger_path()
    root = _checkout_root(path)
    if root is None and not os.environ.get(ENV_FILE):
        return False
    date = _run_started or start_run()
    rows = read(path) if path.is_file() else []
    own = [i for i, r in enumerate(rows) if r.notebook == notebook and r.date == date]
    if own:
        old = rows[own[-1]]
        merged = "; ".join(dict.fromkeys(old.result.split("; ") + result.split("; ")))
        rows[own[-1]] = Look(**{**{f.name: getattr(old, f.name) for f in fields(Look)}, "result": merged})
        _write(path, rows)
        return True
    look = Look(notebook, date, _commit(root) if root else "ukjent", profile, recipe, result, why)
    if not path.is_file():
        _write(path, [look])
        return True
    with path.open("a", encoding="utf-8", newline="") as fh:  # one small append: safe beside other writers
        fh.write(_line(look))
    return True


def _line(look: Look) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(astuple(look))
    return buf.getvalue()


def _write(path: Path, rows: list[Look]) -> None:
    from ..io import write_atomic

    text = ",".join(COLUMNS) + "\n" + "".join(_line(r) for r in rows)
    if not write_atomic(path, lambda fh: fh.write(text.encode("utf-8"))):
        raise OSError(f"could not write the test-set ledger {path}; check that it is writable")
