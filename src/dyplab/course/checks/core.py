"""Find an exercise's otter test file and run it against a student's answers (no printing, no logging)."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TESTS = "tests"
EXERCISE_ID = re.compile(r"^(?P<notebook>[A-Z][0-9]+[a-z]?)\.(?P<number>[0-9]+)$")
UNANSWERED = "Ikke besvart ennå – bytt ut `...` med svaret ditt og kjør cellen på nytt."
PASSED = "Riktig!"
FALLBACK = "Svaret har ikke egenskapen testen «{name}» krever."


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: passed or not, and the short Norwegian message for the student."""

    passed: bool
    message: str

    @property
    def unanswered(self) -> bool:
        """True when an answer was still the placeholder ``...``."""
        return self.message.startswith("Ikke besvart")


def _tests_root() -> Path:
    return Path(str(resources.files(__package__).joinpath(TESTS)))


def notebook_of(exercise_id: str) -> str:
    """The notebook id of ``exercise_id`` (``"A1.2"`` → ``"A1"``); a malformed id is a ``ValueError``."""
    match = EXERCISE_ID.match(exercise_id) if isinstance(exercise_id, str) else None
    if not match:
        raise ValueError(f"{exercise_id!r} er ingen oppgave-id: den skal se ut som 'A1.2' (notebook.oppgavenummer)")
    return match["notebook"]


def exercises(nb_id: str) -> list[str]:
    """The checkable exercise ids of notebook ``nb_id``, in the order of the exercises (``[]`` if it has none)."""
    folder = _tests_root() / nb_id
    found = [p.stem for p in folder.glob(f"{nb_id}.*.py")] if folder.is_dir() else []
    return sorted((i for i in found if EXERCISE_ID.match(i)), key=lambda i: int(i.rsplit(".", 1)[1]))


def test_file(exercise_id: str) -> Path:
    """The otter test file of ``exercise_id``; an unknown id is a ``ValueError`` that lists the notebook's ids."""
    nb_id = notebook_of(exercise_id)
    path = _tests_root() / nb_id / f"{exercise_id}.py"
    if not path.is_file():
        known = ", ".join(exercises(nb_id)) or "ingen"
        raise ValueError(f"Ingen sjekk heter {exercise_id!r} (sjekker i {nb_id}: {known}); se {path}")
    return path


def run_check(exercise_id: str, **answers: object) -> CheckResult:
    """Run the otter test file of ``exercise_id`` against ``answers``.

    An answer that is ``...`` gives "Ikke besvart ..." (not passed). A test case that names an answer the call did
    not give is a ``TypeError`` (a mistake in the notebook, not in the student's answer).
    """
    path = test_file(exercise_id)
    test = _otter_test_file().from_file(str(path))
    needed = {p for tc in test.test_cases for p in inspect.signature(tc.body.test_func).parameters if p != "env"}
    missing = sorted(needed - answers.keys())
    if missing:
        raise TypeError(f"check({exercise_id!r}, ...) mangler svaret {', '.join(missing)} (se {path.name})")
    if any(value is Ellipsis for value in answers.values()):
        return CheckResult(False, UNANSWERED)
    test.run(dict(answers))
    failed = [r for r in test.test_case_results if not r.passed]
    if not failed:
        extra = [r.test_case.success_message for r in test.test_case_results if r.test_case.success_message]
        return CheckResult(True, " ".join([PASSED, *extra]))
    first = failed[0]
    message = first.test_case.failure_message or FALLBACK.format(name=first.test_case.name)
    detail = _assertion_text(first.message or "")
    return CheckResult(False, f"{message} {detail}".strip())


def _otter_test_file():
    """otter's ``ExceptionTestFile``, imported on the first check, not by the set-up cell.

    Importing otter imports its whole API (nbconvert, nbformat, jsonschema). jsonschema then imports the optional
    ``rfc3987_syntax`` for its IRI format checks, which builds a grammar and costs about 2 s of CPU, 80 % of otter's
    import, in every kernel. The checks never validate IRIs, so while otter is imported (and only if jsonschema
    is not loaded yet) that optional module is reported missing; jsonschema then goes without the two IRI
    formats in this process. otter's own deprecation warnings from traitlets are not the student's business.
    """
    import sys
    import warnings

    block = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if block:
        sys.modules["rfc3987_syntax"] = None  # an ImportError for jsonschema's optional import
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from otter.test_files.exception_test import ExceptionTestFile
    finally:
        if block and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
    return ExceptionTestFile


def _assertion_text(otter_message: str) -> str:
    """The text of a failing ``assert ..., "text"`` from otter's result message ('' for other exceptions)."""
    _, sep, text = otter_message.rpartition("\nAssertionError: ")
    return text.strip() if sep else ""
