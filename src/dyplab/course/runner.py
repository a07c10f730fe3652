"""Run course notebooks headless and write executed copies and HTML reports.

``dyplab run A6`` runs one notebook, ``dyplab run A`` a part, ``dyplab run core`` the priority-1
path (B1, B2, A1, A5, A6, B3, B4) and ``dyplab run all`` everything.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORE_PATH = ("B1", "B2", "A1", "A5", "A6", "B3", "B4")
PARTS = ("A", "B", "C", "D", "E", "F")


@dataclass
class RunResult:
    """The outcome of one notebook run."""

    notebook: str
    status: str  # "ok" or "failed"
    seconds: float
    executed: Path | None = None
    html: Path | None = None
    error: str = ""


def notebooks_dir(start: Path | None = None) -> Path:
    """Find the notebooks: ``DYPLAB_NOTEBOOKS``, the working folder (a ``dyplab notebooks`` copy), its
    ``notebooks/`` (or a parent's) or the source checkout."""
    env = os.environ.get("DYPLAB_NOTEBOOKS")
    candidates = [Path(env)] if env else []
    here = Path(start or Path.cwd()).resolve()
    candidates += [here] + [p / "notebooks" for p in (here, *here.parents)]
    candidates.append(Path(__file__).resolve().parents[2] / "notebooks")
    for cand in candidates:
        if cand.is_dir() and any(cand.glob("*.ipynb")):
            return cand
    raise FileNotFoundError(
        "Could not find the notebooks. Copy them with `dyplab notebooks DIR` and run dyplab in DIR, "
        "or run it from the project folder, or set DYPLAB_NOTEBOOKS."
    )


def notebook_id(path: Path) -> str:
    """``A6-MNIST-CNN.ipynb`` → ``A6``."""
    return path.stem.split("-", 1)[0]


def resolve_targets(targets: list[str], folder: Path) -> list[Path]:
    """Turn ``["core"]``, ``["A"]``, ``["A6", "B3"]`` or ``["all"]`` into notebook paths, in order."""
    available = sorted(folder.glob("*.ipynb"), key=lambda p: _sort_key(notebook_id(p)))
    by_id = {notebook_id(p).upper(): p for p in available}
    out: list[Path] = []
    for raw in targets:
        key = raw.strip()
        upper = key.upper()
        if upper == "ALL":
            picked = available
        elif upper == "CORE":
            missing = [n for n in CORE_PATH if n not in by_id]
            if missing:
                raise ValueError(f"The core path needs notebooks that are missing: {', '.join(missing)}")
            picked = [by_id[n] for n in CORE_PATH]
        elif upper in PARTS:
            picked = [p for p in available if notebook_id(p).upper().startswith(upper)]
        elif upper in by_id:
            picked = [by_id[upper]]
        elif Path(key).suffix == ".ipynb" and Path(key).is_file():
            picked = [Path(key)]
        else:
            known = ", ".join(sorted(by_id))
            raise ValueError(f"Unknown notebook or part {raw!r}. Known notebooks: {known}; parts: A-F; core; all.")
        if not picked:
            raise ValueError(f"No notebooks found for {raw!r} in {folder}")
        out += [p for p in picked if p not in out]
    return out


def _sort_key(nb_id: str) -> tuple:
    part, rest = nb_id[:1], nb_id[1:]
    digits = "".join(ch for ch in rest if ch.isdigit())
    return (part, int(digits) if digits else 0, rest)


def execute_notebook(
    path: Path,
    *,
    profile: str = "class",
    output_dir: Path | None = None,
    timeout: int = 1800,
    html: bool = True,
    results_dir: Path | None = None,
) -> RunResult:
    """Execute one notebook in a fresh kernel with ``DYPLAB_PROFILE=profile``.

    The executed copy (and an HTML export) go to ``output_dir``; the source notebook is never
    modified. Errors are caught and reported in the :class:`RunResult`.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    env = {
        **os.environ,
        "DYPLAB_PROFILE": profile,
        "DYPLAB_PROGRESS": "0",  # nobody watches a headless run; keep the reports free of progress bars
        "DYPLAB_RESULTS_DIR": str(Path(results_dir or Path.cwd() / "results").resolve()),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    status, error = "ok", ""
    with _sigint_flag() as interrupted:
        try:
            client.execute(env=env)  # the settings reach the kernel only; this process's environment is untouched
        except (CellExecutionError, CellTimeoutError) as exc:
            status, error = "failed", _short_error(exc)
            if getattr(exc, "ename", "") == "KeyboardInterrupt":  # the client passed Ctrl+C on to the kernel
                interrupted.set()
        except Exception as exc:  # noqa: BLE001 - a kernel that dies is a failed run, not a crash of the runner
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            if _caused_by_ctrl_c(exc):
                interrupted.set()
        # nbclient answers Ctrl+C during a run with its own handler, which shuts the kernel down (and the run then
        # fails with an unrelated error); it leaves this future behind when it did.
        if getattr(client, "_async_cleanup_kernel_future", None) is not None:
            interrupted.set()
    if interrupted.is_set():  # Ctrl+C: stop here; no executed copy is written for a run that did not finish
        raise KeyboardInterrupt(f"{path.name} was interrupted")
    seconds = time.perf_counter() - start

    executed_path = html_path = None
    if output_dir is not None:
        output_dir = Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        executed_path = output_dir / path.name
        nbformat.write(nb, executed_path)
        if html:
            from nbconvert import HTMLExporter

            body, _ = HTMLExporter().from_notebook_node(nb)
            html_path = output_dir / f"{path.stem}.html"
            html_path.write_text(body, encoding="utf-8")
    return RunResult(notebook_id(path), status, seconds, executed_path, html_path, error)


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    """True when a KeyboardInterrupt is among the exceptions ``exc`` was raised while handling."""
    seen = exc.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__context__
    return False


@contextlib.contextmanager
def _sigint_flag() -> Iterator[threading.Event]:
    """Remember a Ctrl+C (SIGINT) even when the notebook client turns it into another error while it cleans up."""
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):  # noqa: ANN001 - signal handler signature
        flag.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    except KeyboardInterrupt:
        flag.set()
    finally:
        signal.signal(signal.SIGINT, previous)


def _short_error(exc: Exception) -> str:
    """The exception's type and the first line of its message (what failed), e.g. which data set is missing."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        first = next((line.strip() for line in str(evalue or "").splitlines() if line.strip()), "")
        return f"{ename}: {first}"[:500] + " (full traceback in the executed notebook)"
    text = [line for line in str(exc).strip().splitlines() if line.strip()]
    return " | ".join(text[-3:])[:500]


def run(
    targets: list[str],
    *,
    profile: str = "class",
    output_dir: Path = Path("reports"),
    timeout: int = 1800,
    html: bool = True,
    echo=print,
) -> list[RunResult]:
    """Run the notebooks named by ``targets`` one after another and print a summary table."""
    folder = notebooks_dir()
    paths = resolve_targets(targets, folder)
    results = []
    for path in paths:
        echo(f"▶ {path.name} (profil {profile}) ...")
        res = execute_notebook(path, profile=profile, output_dir=output_dir, timeout=timeout, html=html)
        echo(f"  {res.status} på {res.seconds:.1f} s" + (f": {res.error}" if res.error else ""))
        results.append(res)
    echo(summary_table(results))
    from ..course import report

    report.update(results, output_dir=output_dir, profile=profile, echo=echo)  # reports/index.html
    return results


def summary_table(results: list[RunResult]) -> str:
    """A plain-text table: notebook, status, time."""
    lines = [f"{'notebook':<10} {'status':<8} {'tid (s)':>8}", "-" * 28]
    lines += [f"{r.notebook:<10} {r.status:<8} {r.seconds:>8.1f}" for r in results]
    total = sum(r.seconds for r in results)
    failed = sum(r.status != "ok" for r in results)
    lines += ["-" * 28, f"{'totalt':<10} {f'{failed} feil' if failed else 'ok':<8} {total:>8.1f}"]
    return "\n".join(lines)


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


def execute_isolated(path: Path, *, profile: str, results_dir: Path, wall_timeout: float = 900,
                     attempts: int = 2, env: dict | None = None) -> RunResult:
    """:func:`execute_notebook` in a fresh Python process, with a wall-clock limit, tried up to ``attempts`` times.

    For test suites: a notebook run then shares nothing with whatever else ran in the calling process, and a
    run that stops making progress (the kernel and the client both idle, a lost message) is ended after
    ``wall_timeout`` seconds and started again. Only such a stall is retried; a failing notebook is not.
    """
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\nfrom pathlib import Path\nfrom dyplab.course import runner\n"
        "r = runner.execute_notebook(Path(sys.argv[1]), profile=sys.argv[2], results_dir=Path(sys.argv[3]), "
        "html=False, timeout=600)\n"
        "print('DYPLAB-RESULT ' + json.dumps({'status': r.status, 'seconds': r.seconds, 'error': r.error}))\n"
    )
    stalls = []
    for _ in range(max(1, attempts)):
        try:
            proc = subprocess.run([sys.executable, "-c", script, str(path), profile, str(results_dir)],
                                  capture_output=True, text=True, timeout=wall_timeout, env=env)
        except subprocess.TimeoutExpired:
            stalls.append(f"no result after {wall_timeout:.0f} s")
            continue
        line = next((x for x in proc.stdout.splitlines() if x.startswith("DYPLAB-RESULT ")), None)
        if line is None:
            return RunResult(notebook_id(path), "failed", 0.0, error=f"runner process failed: {proc.stderr[-2000:]}")
        out = json.loads(line.removeprefix("DYPLAB-RESULT "))
        note = f" (after {len(stalls)} stalled attempt(s): {'; '.join(stalls)})" if stalls else ""
        return RunResult(notebook_id(path), out["status"], out["seconds"], error=out["error"] + note)
    return RunResult(notebook_id(path), "failed", wall_timeout, error="; ".join(stalls))
