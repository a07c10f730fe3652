"""``dyplab grade`` on a folder of made-up submissions of A1 that call the real checks.

One grading run (the CLI, in a process of its own, as the teacher starts it) is shared by the tests: a correct
submission, a wrong one, one that crashes, one that sleeps past the time limit, one that allocates too much memory,
one that floods its output, one that is not JSON, one that leaves processes behind, a PDF and a notebook whose name
says nothing. The tests read the CSV, the JSON summary, the HTML page and the processes that are left.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import psutil
import pytest

from dyplab.course import checks, grade, netguard

TIMEOUT = 45  # seconds per submission: the sleeper passes it, the others finish within it (also on a busy machine)
SETUP = "from dyplab.course.checks import check\n"
RIGHT, WRONG = "check('A1.1', out_00=-1.0)", "check('A1.1', out_00=5.0)"  # A1, Oppgave 1: the sum is -1
GUARDED = ("import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\n"
           "except PermissionError as exc:\n    assert 'nettverket er stengt' in str(exc), exc\n"
           "else:\n    raise RuntimeError('the network was open')\n")


def _notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _submissions(folder: Path, pids: Path) -> None:
    _notebook(folder / "ada" / "A1-CNN-intro.ipynb", SETUP, RIGHT, GUARDED)
    _notebook(folder / "bo_A1-CNN-intro.ipynb", SETUP, WRONG)  # flat layout
    _notebook(folder / "cato" / "a1 (1).ipynb", SETUP, RIGHT, "1 / 0", "print('videre')")
    _notebook(folder / "dag" / "A1-CNN-intro.ipynb", SETUP, RIGHT, "import time\ntime.sleep(3600)", WRONG)
    _notebook(folder / "eva" / "A1-CNN-intro.ipynb", SETUP,
              f"import numpy as np\nx = np.zeros(6 * 1024**3, dtype=np.uint8)\n{RIGHT}")
    _notebook(folder / "finn" / "A1-CNN-intro.ipynb", SETUP,
              "import sys\nfor _ in range(60):\n    sys.stdout.write('x' * 100_000 + '\\n')", RIGHT)
    (folder / "gro").mkdir()
    (folder / "gro" / "A1-CNN-intro.ipynb").write_text('{"cells": [', encoding="utf-8")
    daemon = ("import os, sys, time\nif os.fork() == 0:\n    os.setsid()\n"
              "    open(sys.argv[1], 'a').write(str(os.getpid()) + chr(10))\n    time.sleep(3600)\n")
    spawn = (f"import os, subprocess, sys, time\nPIDS = {str(pids)!r}\n"
             "sleeper = subprocess.Popen(['sleep', '3600'], start_new_session=True)\n"
             "open(PIDS, 'a').write(f'{sleeper.pid} {os.getpid()} ')\n"
             f"subprocess.run([sys.executable, '-c', {daemon!r}, PIDS])\n"
             "for _ in range(100):\n    if len(open(PIDS).read().split()) == 3:\n        break\n    time.sleep(0.1)\n")
    _notebook(folder / "hans" / "A1-CNN-intro.ipynb", SETUP, spawn, RIGHT)
    (folder / "ida").mkdir()
    (folder / "ida" / "rapport.pdf").write_bytes(b"%PDF-1.4\n")
    _notebook(folder / "jon" / "Untitled.ipynb", SETUP, RIGHT)
    _notebook(folder / "ada" / ".ipynb_checkpoints" / "A1-CNN-intro-checkpoint.ipynb", SETUP, WRONG)  # skipped


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not sys.platform.startswith("linux"):
        pytest.skip("the process checks read /proc")
    root = tmp_path_factory.mktemp("grade")
    pids = root / "pids.txt"
    _submissions(root / "innleveringer", pids)
    env = {**os.environ, "DYPLAB_RESULTS_DIR": str(root / "results")}
    cmd = [sys.executable, "-m", "dyplab.cli", "grade", str(root / "innleveringer"), "--jobs", "4",
           "--timeout", str(TIMEOUT), "--memory", "3000"]
    done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, timeout=600)
    rows = list(csv.DictReader((root / "results" / "grading" / "karakterer.csv").open(encoding="utf-8")))
    return {"root": root, "done": done, "rows": rows, "pids": pids, "out": root / "results" / "grading"}


def _row(rows: list[dict], student: str, exercise: str = "A1.1") -> dict:
    found = [r for r in rows if r["student"] == student and r["exercise"] == exercise]
    assert len(found) == 1, (student, exercise, found)
    return found[0]


def _problems(rows: list[dict], student: str) -> list[str]:
    return [r["message"] for r in rows if r["student"] == student and r["exercise"] == grade.SUBMISSION_ROW]


@pytest.mark.notebook
def test_the_csv_says_what_each_submission_did(graded: dict) -> None:
    rows = graded["rows"]
    assert graded["done"].returncode == 0, graded["done"].stdout[-3000:] + graded["done"].stderr[-3000:]
    assert list(rows[0]) == list(grade.CSV_COLUMNS)
    ids = checks.exercises("A1")
    assert ids[0] == "A1.1" and len(ids) > 1
    for student in ("ada", "bo", "cato", "dag", "eva", "finn", "gro", "hans"):  # every exercise has a row
        assert [r["exercise"] for r in rows if r["student"] == student and r["exercise"] in ids] == ids
    # correct, with the network guard active in its kernel (else its third cell raises): no problem row
    assert _row(rows, "ada")["passed"] == "ja" and _problems(rows, "ada") == []
    assert _row(rows, "ada", ids[1]) == {"student": "ada", "notebook": "A1", "exercise": ids[1], "passed": "nei",
                                         "message": grade.NOT_RUN}
    wrong = _row(rows, "bo")
    assert wrong["passed"] == "nei" and wrong["message"].startswith("Ikke riktig") and _problems(rows, "bo") == []
    assert _row(rows, "cato")["passed"] == "ja"  # the check before the crash counts
    assert _problems(rows, "cato") == ["feil i notebooken: celle 3: ZeroDivisionError: division by zero"]
    assert _row(rows, "dag")["passed"] == "ja"  # the last check (wrong, after the sleep) never ran
    assert _problems(rows, "dag") == [f"tidsgrense: stoppet etter tidsgrensen på {TIMEOUT} s "
                                      "(evig løkke, venting eller for tung kjøring?)"]
    assert _row(rows, "dag", ids[1])["message"] == f"{grade.NOT_RUN} (tidsgrense)"
    assert _row(rows, "eva")["message"] == grade.NOT_RUN  # the check after the allocation never ran
    [memory] = _problems(rows, "eva")
    assert memory.startswith("for mye minne: celle 2: ") and "MemoryError" in memory and "3000 MB" in memory
    assert _row(rows, "finn")["passed"] == "ja"  # it ran on after its output was cut
    assert _problems(rows, "finn") == [f"for mye utdata: skrev mer enn {grade.MAX_OUTPUT // 1000} kB utdata; "
                                       "resten ble ikke lagret"]
    assert _row(rows, "gro")["message"] == f"{grade.NOT_RUN} (ikke JSON)"
    assert _problems(rows, "gro")[0].startswith("ikke JSON: filen er ikke gyldig JSON")
    assert _row(rows, "hans")["passed"] == "ja" and _problems(rows, "hans") == []
    assert _problems(rows, "ida") == ["ikke en notebook: ida/rapport.pdf er ingen notebook-fil (.ipynb); "
                                      "den er ikke rettet"]
    assert _problems(rows, "jon")[0].startswith("ukjent notebook: filnavnet 'Untitled.ipynb'")


@pytest.mark.notebook
def test_no_process_of_a_submission_outlives_the_grading(graded: dict) -> None:
    pids = [int(p) for p in graded["pids"].read_text().split()]
    assert len(pids) == 3, pids  # the sleeper in a session of its own, the kernel, the daemon (double fork, setsid)
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(psutil.Process(pid).cmdline())
        except psutil.Error:
            continue
    assert alive == []
    tagged = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if grade.TAG in proc.environ() and proc.info["status"] != psutil.STATUS_ZOMBIE:
                tagged.append(proc.cmdline())
        except psutil.Error:
            continue
    assert tagged == []


@pytest.mark.notebook
def test_summary_line_json_and_html(graded: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    out, ids = graded["out"], checks.exercises("A1")
    last = graded["done"].stdout.strip().splitlines()[-1]
    assert last.startswith("Rettet 10 innleveringer på ")
    assert f"5 av {8 * len(ids)} oppgavesjekker bestått, 7 problemer" in last
    assert last.endswith(str(out / "karakterer.html"))
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(graded["root"] / "results"))
    summary = grade.load_summary()  # the default place: results/grading/karakterer.json
    assert summary == grade.load_summary(out) == grade.load_summary(out / "karakterer.json")
    assert summary["submissions"] == 10 and len(summary["problems"]) == 7
    assert summary["notebooks"]["A1"]["A1.1"] == {"passed": 5, "total": 8}
    assert summary["notebooks"]["A1"][ids[1]] == {"passed": 0, "total": 8}
    page = (out / "karakterer.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page  # static and offline
    assert "Innleveringer med problemer (7)" in page and "ZeroDivisionError" in page
    assert (out / "kjørte" / "ada" / "A1-CNN-intro.ipynb").is_file()  # the executed copy, to look at


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from dyplab import cli

    assert cli.main(["grade", str(tmp_path / "mangler")]) == 1
    assert "finnes ikke" in capsys.readouterr().err
    (tmp_path / "tom").mkdir()
    assert cli.main(["grade", str(tmp_path / "tom"), "--out", str(tmp_path / "ut")]) == 1
    assert "ingen innleveringer funnet" in capsys.readouterr().err
    (tmp_path / "tom" / "x.json").write_text("not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        grade.load_summary(tmp_path / "tom" / "x.json")
    assert grade.load_summary(tmp_path / "nothing-here") is None


def test_layouts_name_student_and_notebook(tmp_path: Path) -> None:
    known = {"a1": "A1", "c4a": "C4a", "b2": "B2"}
    for name in ("ola_nordmann_A1-CNN-intro.ipynb", "olanordmann_123_456_C4a-CNN-løsninger.ipynb", "x.ipynb"):
        (tmp_path / name).write_text("{}")
    _notebook(tmp_path / "kari" / "innlevering" / "b2 (2).ipynb")
    _notebook(tmp_path / "ut" / "kjørte" / "kari" / "b2 (2).ipynb")  # an earlier grading's output inside the folder
    subs, problems = grade.find_submissions(tmp_path, known, exclude=tmp_path / "ut")
    assert [(s.student, s.notebook) for s in subs] == [("kari", "B2"), ("ola_nordmann", "A1"),
                                                       ("olanordmann_123_456", "C4a")]
    assert [(p.student, p.kind) for p in problems] == [("x", grade.UNKNOWN)]


def test_the_network_guard_refuses_other_machines_and_keeps_loopback() -> None:
    code = ("import socket, sys\nfrom dyplab.course import netguard\nassert netguard.install()\n"
            "assert not netguard.install()\n"
            "for call in (lambda: socket.create_connection(('192.0.2.1', 80), timeout=2),\n"
            "             lambda: socket.getaddrinfo('example.org', 443),\n"
            "             lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('8.8.8.8', 53))):\n"
            "    try:\n        call()\n    except PermissionError as exc:\n"
            "        assert 'nettverket er stengt' in str(exc)\n    else:\n        sys.exit('not refused')\n"
            "server = socket.socket()\nserver.bind(('127.0.0.1', 0))\nserver.listen()\n"
            "socket.create_connection(server.getsockname(), timeout=5).close()\nprint('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    assert netguard.MESSAGE.startswith("dyplab grade")


def test_a_failure_of_the_grading_machinery_is_a_row_and_grading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "ola" / "A1-CNN-intro.ipynb"
    _notebook(path, SETUP, RIGHT)
    blocker = tmp_path / "arbeid"
    blocker.write_text("")  # a file where the working folder should be made: no run can start
    settings = grade._Settings(profile="smoke", timeout=10, memory_mb=None, threads=1, work=blocker,
                               executed=tmp_path / "kjørte", exercises={"A1": ["A1.1"]}, run_tag="t")
    out = grade._grade_safely(grade.Submission("ola", "A1", path), 0, settings)
    assert [p.kind for p in out.problems] == [grade.GRADER]
    assert out.rows[0] == grade.Row("ola", "A1", "A1.1", False, f"{grade.NOT_RUN} ({grade.GRADER})")
