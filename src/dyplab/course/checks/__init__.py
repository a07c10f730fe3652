"""Checks that answer back: ``check("A1.2", name=value, ...)`` in an exercise's own cell.

A student's exercise cell ends with a call such as ``check("A1.2", sobel_y=sobel_y, edge_y=edge_y)``. The check
prints one short Norwegian line and returns ``True`` or ``False``; it never raises for a wrong answer, so a
notebook still runs from top to bottom. An answer that is still the placeholder ``...`` counts as not answered.

Storage (otter-grader 7): each check is an exception-based otter test file,
``dyplab/course/checks/tests/<notebook>/<id>.py`` (for example ``tests/A1/A1.2.py``), shipped in the wheel as
package data. Its test cases are functions decorated with ``otter.test_files.test_case(failure_message=...)``
whose parameters are the answer names; :func:`run_check` loads the file with otter's ``ExceptionTestFile`` and runs
it against the answers given to ``check`` (not against the notebook's globals, so a check sees only what the
exercise asks for). The first failing case's ``failure_message`` (plus the text of a failing ``assert``, if any)
is the message. Otter is imported on the first check, not by the set-up cell.

Grading: when ``DYPLAB_CHECK_LOG`` names a file, every :func:`check` call appends one JSON line
``{"notebook", "exercise", "passed", "message"}`` to it (see :mod:`dyplab.course.checks.log`).
"""

from __future__ import annotations

from .core import CheckResult, exercises, run_check
from .log import append

__all__ = ["CheckResult", "check", "exercises", "run_check"]

MARKS = {True: "✅", False: "❌"}


def check(exercise_id: str, **answers: object) -> bool:
    """Check the answers to exercise ``exercise_id``, print a short message and log it; ``True`` when it passes."""
    result = run_check(exercise_id, **answers)
    mark = "✏️" if result.unanswered else MARKS[result.passed]
    print(f"{mark} {exercise_id}: {result.message}")
    append(exercise_id, result)
    return result.passed
