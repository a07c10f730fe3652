"""``dyplab run``: several notebooks executed one after another (:mod:`dyplab.course.runner`), a summary table,
and the course report updated (:mod:`dyplab.course.report`).

Above both, so that the runner never imports the report.
"""

from __future__ import annotations

from pathlib import Path

from . import report
from .catalog import notebooks_dir
from .runner import RunResult, execute_notebook, resolve_targets


def run(
    targets: list[str],
    *,
    profile: str = "class",
    output_dir: Path = Path("reports"),
    timeout: int = 1800,
    html: bool = True,
    echo=print,
) -> list[RunResult]:
    """Run the notebooks named by ``targets`` one after another, print a summary table and update the course
    report (``reports/index.html``): what ``dyplab run`` does."""
    folder = notebooks_dir()
    paths = resolve_targets(targets, folder)
    results = []
    for path in paths:
        echo(f"▶ {path.name} (profil {profile}) ...")
        res = execute_notebook(path, profile=profile, output_dir=output_dir, timeout=timeout, html=html, echo=echo)
        echo(f"  {res.status} på {res.seconds:.1f} s" + (f": {res.error}" if res.error else "")
             + (f" ({res.note})" if res.note else ""))
        results.append(res)
    echo(summary_table(results))
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
