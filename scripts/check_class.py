"""Run every notebook in the `class` profile and check its headline metrics against the issue targets.

Usage: ``make check-class`` (or ``python scripts/check_class.py [NOTEBOOK|PART ...]``). Not part of CI: it takes
the better part of an hour on a laptop CPU. Targets live in ``tests/notebook_targets/<id>.json`` ("class").
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from dyplab.course import runner

ROOT = Path(__file__).resolve().parents[1]


def main(targets: list[str]) -> int:
    results_root = Path(tempfile.mkdtemp(prefix="dyplab-class-"))
    problems: list[str] = []
    for path in runner.resolve_targets(targets or ["all"], ROOT / "notebooks"):
        nb_id = runner.notebook_id(path)
        res = runner.execute_notebook(path, profile="class", output_dir=ROOT / "reports" / "class", html=False,
                                      results_dir=results_root)
        found = [f"{nb_id}: run failed: {res.error}"] if res.status != "ok" else runner.check_targets(
            nb_id, results_root, ROOT / "tests" / "notebook_targets", "class")
        print(f"{nb_id:<6} {res.status:<7} {res.seconds:7.1f} s  " + ("ok" if not found else "; ".join(found)))
        problems += found
    print(f"\n{len(problems)} problem(s)" if problems else "\nall class-profile targets met")
    return 1 if problems else 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="notebooks or parts (A6, C, core); default: all")
    sys.exit(main(parser.parse_args().targets))
