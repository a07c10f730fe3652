"""Benchmark: ``dyplab grade`` on 20 submissions of one course notebook, as a teacher runs it.

Each made-up submission is the notebook with its exercise solutions filled in (``solutions.with_solutions``: the
solution blocks appended after the notebook's cells, the way the smoke solution test runs them), so every check of
the notebook must pass. The submissions are graded with the defaults of ``dyplab grade`` (smoke profile, one
submission per core, the default time and memory limits). The last line is the wall time of the whole grading.

    nice -n 10 python benchmarks/grade_20.py                 # B1, 20 submissions
    python benchmarks/grade_20.py --notebook A1 --n 4        # another notebook, fewer submissions

Data come from the cache or the course mirror (``DYPLAB_DATA_MIRROR``): grading is offline.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from dyplab.course import grade, runner, solutions
from dyplab.course.report import record_benchmark
from dyplab.course.shipped import shipped_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebook", default="B1", help="notebook id (default B1)")
    parser.add_argument("--n", type=int, default=20, help="number of submissions (default 20)")
    parser.add_argument("--jobs", type=int, default=None, help="default: one per core, as dyplab grade")
    args = parser.parse_args(argv)

    [source] = runner.resolve_targets([args.notebook], shipped_dir())
    filled = solutions.with_solutions(nbformat.read(source, as_version=4))
    with tempfile.TemporaryDirectory(prefix="grade20-") as tmp:
        folder = Path(tmp) / "innleveringer"
        for i in range(args.n):
            target = folder / f"student{i + 1:02d}" / source.name
            target.parent.mkdir(parents=True)
            nbformat.write(filled, target)
        start = time.perf_counter()
        result = grade.grade(folder, out=Path(tmp) / "ut", jobs=args.jobs)
        seconds = time.perf_counter() - start
        print(result.summary_line())
    counts = result.summary["notebooks"].get(source.stem.split("-", 1)[0], {})
    for exercise, c in counts.items():
        print(f"  {exercise}: {c['passed']} av {c['total']} bestått")
    jobs = args.jobs or os.cpu_count()
    print(f"grade_20: {args.n} innleveringer av {args.notebook} rettet på {seconds:.1f} s "
          f"({seconds / args.n:.1f} s per innlevering, {jobs} om gangen, {os.cpu_count()} kjerner)")
    record_benchmark("grade_20", notebook=args.notebook, submissions=args.n, jobs=jobs, seconds=round(seconds, 1))
    failed = [r for r in result.rows if r.passed is False or r.passed is None]
    for r in failed[:10]:
        print(f"  ikke bestått: {r.student} {r.exercise}: {r.message}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
