"""The exercise checks' machinery: pass, fail, not answered, the grading log, the list of exercises, bad ids,
and that every shipped otter test file is well-formed and called from its notebook (cell and solution)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dyplab.course import solutions
from dyplab.course.checks import CheckResult, check, core, exercises, log, run_check

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {p.name.split("-", 1)[0]: p for p in (ROOT / "notebooks").glob("*.ipynb")}
TEST_FILES = sorted(core._tests_root().glob("*/*.py"))


def test_a_right_answer_passes() -> None:
    assert run_check("A1.1", out_00=-1.0) == CheckResult(True, "Riktig!")


def test_a_wrong_answer_fails_with_the_first_failing_message() -> None:
    result = run_check("A1.1", out_00=1)
    assert not result.passed and result.message.startswith("Fortegnet er snudd")
    assert "-1" not in result.message, "the message must not give the answer away"


def test_an_answer_that_makes_the_test_raise_is_a_failure_not_an_exception() -> None:
    result = run_check("A1.1", out_00=object())
    assert not result.passed and result.message.startswith("Svaret skal være ett tall")


def test_a_placeholder_is_not_answered() -> None:
    result = run_check("A1.1", out_00=...)
    assert not result.passed and result.unanswered and result.message.startswith("Ikke besvart")
    assert not run_check("A1.1", out_00=-1).unanswered


def test_check_prints_returns_and_logs_one_json_line_per_call(tmp_path: Path, monkeypatch, capsys) -> None:
    target = tmp_path / "logg" / "sjekker.jsonl"
    monkeypatch.setenv(log.ENV, str(target))
    assert check("A1.1", out_00=...) is False
    assert check("A1.1", out_00=6) is False
    assert check("A1.1", out_00=-1) is True
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3 and all(" A1.1: " in line for line in printed)
    assert printed[2].startswith("✅") and printed[1].startswith("❌")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"notebook": "A1", "exercise": "A1.1", "passed": False, "message": core.UNANSWERED},
        {"notebook": "A1", "exercise": "A1.1", "passed": False, "message": run_check("A1.1", out_00=6).message},
        {"notebook": "A1", "exercise": "A1.1", "passed": True, "message": "Riktig!"}]
    assert log.last_results(target) == {"A1.1": True}


def test_check_writes_no_log_without_the_variable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(log.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert check("A1.1", out_00=-1) is True
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_log_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sjekker.jsonl"
    path.write_text('{"exercise": "A1.1", "passed": true}\nikke json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"sjekker\.jsonl, linje 2"):
        log.read(path)


def test_exercises_lists_a_notebooks_checks_in_number_order() -> None:
    assert exercises("A1")[0] == "A1.1"
    assert exercises("Z9") == []
    for nb_id in NOTEBOOKS:
        ids = exercises(nb_id)
        assert [int(i.split(".")[1]) for i in ids] == sorted(int(i.split(".")[1]) for i in ids)


@pytest.mark.parametrize("bad", ["A1.99", "Z9.1"])
def test_an_unknown_id_is_an_error_that_lists_the_known_ones(bad: str) -> None:
    with pytest.raises(ValueError, match="Ingen sjekk heter"):
        run_check(bad, out_00=-1)


@pytest.mark.parametrize("bad", ["A1", "a1.1", "A1.x", 12])
def test_a_malformed_id_is_an_error(bad) -> None:
    with pytest.raises(ValueError, match="ingen oppgave-id"):
        run_check(bad, out_00=-1)


def test_a_missing_answer_name_is_an_error_of_the_notebook() -> None:
    with pytest.raises(TypeError, match="mangler svaret out_00"):
        run_check("A1.1", out00=-1)


@pytest.mark.parametrize("path", TEST_FILES, ids=[p.stem for p in TEST_FILES])
def test_every_test_file_is_an_otter_file_that_its_notebook_calls(path: Path) -> None:
    from otter.test_files.exception_test import ExceptionTestFile

    exercise_id, nb_id = path.stem, path.parent.name
    assert core.notebook_of(exercise_id) == nb_id and nb_id in NOTEBOOKS, f"{path}: wrong folder or name"
    test = ExceptionTestFile.from_file(str(path))
    assert test.name == exercise_id and test.test_cases, f"{path}: name must be {exercise_id!r}, with test cases"
    for case in test.test_cases:
        assert case.failure_message, f"{path}: test case {case.name} has no failure_message"
    nb = json.loads(NOTEBOOKS[nb_id].read_text(encoding="utf-8"))
    call = re.compile(rf"""\bcheck\(\s*["']{re.escape(exercise_id)}["']""")
    cells = [solutions._source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    assert any(call.search(c) for c in cells), f"{NOTEBOOKS[nb_id].name}: no code cell calls check({exercise_id!r})"
    assert any(call.search(code) for _, code in solutions.extract_solutions(nb)), (
        f"{NOTEBOOKS[nb_id].name}: no solution in <details> ends with check({exercise_id!r}, ...)")
    setup = solutions._source(next(c for c in nb["cells"] if c["cell_type"] == "code"))
    assert "from dyplab.course.checks import check" in setup, f"{NOTEBOOKS[nb_id].name}: the set-up cell must import check"
