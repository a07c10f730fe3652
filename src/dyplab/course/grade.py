"""``dyplab grade INNLEVERINGER/``: run every submitted notebook on its own and collect what its checks said.

Accepted layouts of the folder (files and folders whose name starts with ``.`` or ``__`` are skipped, e.g.
``.ipynb_checkpoints`` and ``__MACOSX``):

- ``INNLEVERINGER/<student>/<anything>.ipynb``: one folder per student (at any depth below it); the notebook id
  comes from the file name as :func:`dyplab.course.runner.notebook_id` reads it (``A1-CNN-intro.ipynb`` → ``A1``,
  also ``a1-….ipynb`` or ``A1 (1).ipynb``), or else from a ``<student>_<NB>`` name;
- ``INNLEVERINGER/<student>_<NB>….ipynb``: flat, the student before the first ``_`` that is followed by a notebook
  id (``ola_nordmann_A1-CNN-intro.ipynb`` → ``ola_nordmann``, ``A1``; the names of Canvas downloads such as
  ``olanordmann_123_456_A1-CNN-intro.ipynb`` work as well).

A file whose name names no course notebook, a file that is not an ``.ipynb``, a file that is not JSON or not a
notebook, and a second submission of the same notebook by the same student (the newest is graded) each give a row
that says so.

Each submission runs through :func:`dyplab.course.runner.execute_isolated` (the executor of ``dyplab run``, with the
same protection against a stalled kernel) in a process of its own, in a working folder of its own (a copy of the
file in a temporary folder; its results and test-set ledger go there too), with

- a time limit for the whole notebook (``--timeout``); past it the run is stopped;
- a memory limit (``--memory``): ``RLIMIT_AS``, the address space of that process and of each process it starts
  (the kernel); an allocation past it fails with ``MemoryError``;
- no network: the proxy variables point at a closed local port, ``DYPLAB_OFFLINE=1``, and the kernel starts with
  :mod:`dyplab.course.netguard` (a guard in Python's socket layer, not a sandbox);
- a cap on the output kept (``MAX_OUTPUT`` bytes; the rest is dropped with a note);
- an end: every process of the run is ended with it (its own session, the child-subreaper adoption of orphans on
  Linux, and a last sweep for processes that carry the submission's tag in their environment).

The notebook runs on past a cell that raises, so that one error does not hide the later exercises. Every
``check(...)`` call appends a line to the submission's ``DYPLAB_CHECK_LOG``; the last line per exercise is its
result, and an exercise of :func:`dyplab.course.checks.exercises` that never logged is "ikke kjørt".

Output (``--out``, default ``results/grading/`` under ``DYPLAB_RESULTS_DIR``): ``karakterer.csv`` (student,
notebook, exercise, passed, message), ``karakterer.html`` (a static page: per notebook and exercise how many
passed, and the problem submissions), ``karakterer.json`` (read by the course report, :func:`load_summary`) and
``kjørte/<student>/`` (the executed copies, to look at). Several submissions run at once (``--jobs``, default one
per core), each with a share of the cores as its thread count.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .catalog import notebook_id
from .runner import OUTPUT_CUT_NOTE

DEFAULT_TIMEOUT = 600.0  # seconds per submission (a smoke run of a course notebook takes well under a minute)
DEFAULT_MEMORY_MB = 8192  # address space per process: importing torch and Lightning alone reserves about 4 GB
DEFAULT_PROFILE = "smoke"
MAX_OUTPUT = 2_000_000  # bytes of output kept per submission
MAX_NOTEBOOK_BYTES = 50_000_000  # a larger file is not graded (a notebook of the course is well under 5 MB)
MAX_LOG_BYTES = 2_000_000  # of the check log read per submission
CSV_COLUMNS = ("student", "notebook", "exercise", "passed", "message")
FILES = {"csv": "karakterer.csv", "html": "karakterer.html", "json": "karakterer.json"}
EXECUTED = "kjørte"
SUBMISSION_ROW = "(innlevering)"  # the exercise column of a row about the whole submission
NOT_RUN = "ikke kjørt"
TAG = "DYPLAB_GRADE_RUN"  # environment variable that marks every process of one submission
PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens there, a connection is refused at once
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "FTP_PROXY")
THREAD_VARS = ("DYPLAB_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
STARTUP = "from dyplab.course import netguard as _dyplab_netguard\n_dyplab_netguard.install()\ndel _dyplab_netguard\n"
_JUNK = {".ds_store", "thumbs.db", "desktop.ini"}
_ID = re.compile(r"([A-Za-z][0-9]+[A-Za-z]?)(?![0-9A-Za-z])")

# Problem kinds (the start of the message in the CSV); a stopping kind leaves the later exercises "ikke kjørt".
UNKNOWN, NOT_NOTEBOOK, NOT_JSON, TOO_BIG, DUPLICATE = ("ukjent notebook", "ikke en notebook", "ikke JSON",
                                                      "for stor fil", "flere innleveringer")
TIMEOUT, MEMORY, DIED, ERROR, FLOOD, GRADER = ("tidsgrense", "for mye minne", "kjernen stoppet", "feil i notebooken",
                                               "for mye utdata", "rettingen feilet")
STOPPING = {NOT_JSON, NOT_NOTEBOOK, TOO_BIG, TIMEOUT, DIED, GRADER}


@dataclass(frozen=True)
class Submission:
    """One submitted file: whose, which notebook (``None``: the name does not say) and where."""

    student: str
    notebook: str | None
    path: Path


@dataclass(frozen=True)
class Row:
    """One line of ``karakterer.csv``; ``passed`` is ``None`` for a row about the whole submission."""

    student: str
    notebook: str
    exercise: str
    passed: bool | None
    message: str


@dataclass(frozen=True)
class Problem:
    """Something wrong with a submission as a whole (not with one exercise)."""

    student: str
    notebook: str
    file: str
    kind: str
    message: str


@dataclass
class Outcome:
    """The grading of one submission."""

    submission: Submission
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Grading:
    """The result of :func:`grade`: every row, the problems, the files written and how long it took."""

    rows: list[Row]
    problems: list[Problem]
    submissions: int
    summary: dict
    files: dict[str, Path]
    seconds: float

    def summary_line(self) -> str:
        checked = [r for r in self.rows if r.passed is not None]
        passed = sum(bool(r.passed) for r in checked)
        return (f"Rettet {self.submissions} innleveringer på {self.seconds:.1f} s: {passed} av {len(checked)} "
                f"oppgavesjekker bestått, {len(self.problems)} problemer. Se {self.files['html']}")


def default_dir() -> Path:
    """Where the grading goes unless told otherwise: ``grading/`` under ``DYPLAB_RESULTS_DIR`` (default
    ``./results``), as :func:`dyplab.config.results_dir` places results (not created here)."""
    return Path(os.environ.get("DYPLAB_RESULTS_DIR", "results")).expanduser() / "grading"


# ----------------------------------------------------------------------------- finding the submissions


def course_notebooks() -> dict[str, str]:
    """Lower-case id → id of every notebook that ships with dyplab (``{"a1": "A1", "c4a": "C4a", ...}``)."""
    from .shipped import shipped_dir

    return {notebook_id(p).lower(): notebook_id(p) for p in shipped_dir().glob("*.ipynb")}


def _id_of(name: str, known: dict[str, str]) -> str | None:
    """The course notebook a file name starts with (``A1-x.ipynb``, ``a1 (1).ipynb`` → ``A1``), else ``None``."""
    match = _ID.match(notebook_id(Path(name)))
    return known.get(match.group(1).lower()) if match else None


def _split_flat(stem: str, known: dict[str, str]) -> tuple[str, str | None]:
    """``ola_nordmann_A1-CNN-intro`` → ``("ola_nordmann", "A1")``; ``(stem, None)`` when no part names a notebook."""
    parts = stem.split("_")
    for i in range(1, len(parts)):
        nb = _id_of("_".join(parts[i:]), known)
        if nb:
            return "_".join(parts[:i]), nb
    return (parts[0] if len(parts) > 1 else stem), None


def _skipped(path: Path, root: Path, exclude: Path | None) -> bool:
    rel = path.relative_to(root).parts
    if exclude is not None and path.resolve().is_relative_to(exclude):
        return True
    return any(p.startswith((".", "__")) for p in rel) or path.name.lower() in _JUNK


def find_submissions(folder: Path, known: dict[str, str] | None = None,
                     exclude: Path | None = None) -> tuple[list[Submission], list[Problem]]:
    """The submissions in ``folder`` (layouts in the module docstring) and the problems found on the way: files
    that are no notebook, names that name no course notebook, second submissions of one notebook. Files under
    ``exclude`` (the output folder of an earlier grading, when it lies inside ``folder``) are left out."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: finnes ikke eller er ingen mappe (ventet en mappe med innleveringer)")
    known = course_notebooks() if known is None else known
    exclude = exclude.resolve() if exclude is not None else None
    found: list[Submission] = []
    problems: list[Problem] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not _skipped(p, folder, exclude)):
        rel = path.relative_to(folder)
        if len(rel.parts) == 1:
            student, nb = _split_flat(path.stem, known)
        else:
            student = rel.parts[0]
            nb = _id_of(path.name, known) or _split_flat(path.stem, known)[1]
        if path.suffix.lower() != ".ipynb":
            problems.append(Problem(student, nb or "", str(rel), NOT_NOTEBOOK,
                                    f"{rel} er ingen notebook-fil (.ipynb); den er ikke rettet"))
        elif nb is None:
            problems.append(Problem(student, "", str(rel), UNKNOWN,
                                    f"filnavnet {path.name!r} sier ikke hvilken notebook det er (ventet f.eks. "
                                    f"A1-CNN-intro.ipynb i elevens mappe, eller elev_A1-CNN-intro.ipynb)"))
        else:
            found.append(Submission(student, nb, path))
    by_key: dict[tuple[str, str], list[Submission]] = {}
    for sub in found:
        by_key.setdefault((sub.student, sub.notebook), []).append(sub)
    chosen = []
    for (student, nb), subs in by_key.items():
        subs.sort(key=lambda s: s.path.stat().st_mtime, reverse=True)
        chosen.append(subs[0])
        problems += [Problem(student, nb, str(s.path.relative_to(folder)), DUPLICATE,
                             f"{nb} er levert flere ganger; rettet er den nyeste, "
                             f"{subs[0].path.relative_to(folder)}, ikke denne") for s in subs[1:]]
    chosen.sort(key=lambda s: (s.student, s.notebook))
    return chosen, problems


# ----------------------------------------------------------------------------- grading one submission


@dataclass(frozen=True)
class _Settings:
    profile: str
    timeout: float
    memory_mb: int | None
    threads: int
    work: Path
    executed: Path
    exercises: dict[str, list[str]]
    run_tag: str
    stop: threading.Event = field(default_factory=threading.Event)  # set on Ctrl+C: start no further run


def _read_notebook(path: Path, limit: int) -> tuple[dict | None, str, str]:
    """``(notebook, problem kind, message)``: the parsed notebook, or why it cannot be one. Parsing JSON runs no
    code of the student's; the size is checked first."""
    size = path.stat().st_size
    if size > limit:
        return None, TOO_BIG, f"filen er {size / 1e6:.0f} MB (grensen er {limit / 1e6:.0f} MB)"
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return None, NOT_JSON, "filen er ikke tekst (UTF-8); er det en notebook?"
    except json.JSONDecodeError as exc:
        return None, NOT_JSON, f"filen er ikke gyldig JSON ({exc.msg}, linje {exc.lineno}); er den ødelagt?"
    if not (isinstance(nb, dict) and isinstance(nb.get("cells"), list) and isinstance(nb.get("nbformat"), int)):
        return None, NOT_NOTEBOOK, "filen er JSON, men ingen Jupyter-notebook (mangler «cells» og «nbformat»)"
    if nb["nbformat"] < 4:
        return None, NOT_NOTEBOOK, f"notebook-format {nb['nbformat']} er for gammelt (lagre den på nytt i Jupyter)"
    return nb, "", ""


def _environment(base: Path, tag: str, settings: _Settings) -> dict[str, str]:
    """The environment of one submission's run (its kernel inherits it)."""
    from .checks.log import ENV as CHECK_LOG

    startup = base / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-dyplab-ingen-nett.py").write_text(STARTUP, encoding="utf-8")
    (base / "runtime").mkdir()
    env = {k: v for k, v in os.environ.items() if k.upper() != "NO_PROXY"}
    env.update({
        CHECK_LOG: str(base / "sjekker.jsonl"),
        "DYPLAB_LEDGER": str(base / "testsett-logg.csv"),  # a class run of a submission never writes the course's
        "DYPLAB_OFFLINE": "1",
        "DYPLAB_PROGRESS": "0",
        "IPYTHONDIR": str(base / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "MALLOC_ARENA_MAX": "2",  # fewer reserved malloc arenas: less address space under the memory limit
        "PYTHONDONTWRITEBYTECODE": "1",
        TAG: tag,
    })
    env.update({name: PROXY for var in PROXY_VARS for name in (var, var.lower())})
    for var in THREAD_VARS:
        env.setdefault(var, str(settings.threads))
    return env


def _grade_safely(sub: Submission, index: int, settings: _Settings) -> Outcome:
    """:func:`_grade_one`; a failure of the grading machinery itself (no process could be started, a full disk)
    becomes a "rettingen feilet" row of this submission, and the others are graded on."""
    try:
        return _grade_one(sub, index, settings)
    except Exception as exc:  # noqa: BLE001 - one submission's trouble must not end the grading of the rest
        out = Outcome(sub, problems=[_problem(sub, GRADER, f"{type(exc).__name__}: {exc}"[:300])])
        out.rows = _rows(sub, {}, out.problems, settings)
        return out


def _grade_one(sub: Submission, index: int, settings: _Settings) -> Outcome:
    """Run one submission in isolation and turn its check log into rows (never raises for the student's doing)."""
    from . import runner

    start = time.perf_counter()
    out = Outcome(sub)
    nb, kind, message = _read_notebook(sub.path, MAX_NOTEBOOK_BYTES)
    if nb is None:
        out.problems.append(_problem(sub, kind, message))
        out.rows = _rows(sub, {}, out.problems, settings)
        out.seconds = time.perf_counter() - start
        return out
    base = settings.work / f"{index:04d}"
    work = base / "arbeid"
    work.mkdir(parents=True)
    copy = work / _safe_name(sub.path.name)
    shutil.copyfile(sub.path, copy)
    tag = f"{settings.run_tag}-{index}"
    env = _environment(base, tag, settings)
    for attempt in range(2):  # once more if the machinery (not the notebook) failed, e.g. a kernel that never started
        if settings.stop.is_set():
            raise KeyboardInterrupt
        res = runner.execute_isolated(copy, profile=settings.profile, results_dir=base / "resultater",
                                      wall_timeout=settings.timeout, env=env, memory_mb=settings.memory_mb,
                                      output_dir=base / "kjørt", cell_timeout=max(1, int(settings.timeout)),
                                      allow_errors=True, max_output=MAX_OUTPUT)
        sweep(tag)
        if not _machinery_failed(res) or attempt:
            break
        (base / "sjekker.jsonl").unlink(missing_ok=True)
    executed = res.executed if res.executed and res.executed.is_file() else None
    out.problems += _run_problems(sub, res, executed, settings)
    out.rows = _rows(sub, _read_log(base / "sjekker.jsonl", sub.notebook), out.problems, settings)
    if executed is not None:
        target = settings.executed / _safe_name(sub.student) / _safe_name(sub.path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(executed, target)
    out.seconds = time.perf_counter() - start
    return out


def _safe_name(name: str) -> str:
    """A single, harmless path component."""
    cleaned = re.sub(r"[\x00-\x1f/\\:]", "_", name).strip(" .")
    return cleaned or "uten-navn"


def _machinery_failed(res) -> bool:  # noqa: ANN001 - a runner.RunResult
    return res.status != "ok" and (res.error.startswith("runner process failed")
                                   or "Kernel didn't respond" in res.error)


def _problem(sub: Submission, kind: str, message: str) -> Problem:
    return Problem(sub.student, sub.notebook or "", sub.path.name, kind, message)


def _run_problems(sub: Submission, res, executed: Path | None, settings: _Settings) -> list[Problem]:  # noqa: ANN001
    """What went wrong in the run, from its result and the errors in its executed copy."""
    problems = []
    errors = _cell_errors(executed) if executed else []
    memory_errors = [e for e in errors if "MemoryError" in e[1]]
    if res.status != "ok":
        error = res.error
        if error.startswith(("no result after", "CellTimeoutError")):
            problems.append(_problem(sub, TIMEOUT, f"stoppet etter tidsgrensen på {settings.timeout:.0f} s "
                                     "(evig løkke, venting eller for tung kjøring?)"))
        elif "DeadKernelError" in error or "Kernel died" in error or "kernel died" in error.lower():
            limit = f" (grensen er {settings.memory_mb} MB)" if settings.memory_mb else ""
            problems.append(_problem(sub, DIED, "kjernen stoppet midt i kjøringen: et krasj i Python, et kall til "
                                     f"exit(), eller for mye minne{limit}"))
        else:
            problems.append(_problem(sub, GRADER, f"kjøringen feilet utenfor notebooken: {error[:300]}"))
    if memory_errors:
        cell, ename, evalue = memory_errors[0]
        problems.append(_problem(sub, MEMORY, f"celle {cell}: {ename}: {evalue[:200]} "
                                 f"(grensen er {settings.memory_mb} MB)"))
    other = [e for e in errors if e not in memory_errors]
    if other:
        cell, ename, evalue = other[0]
        more = f" (og {len(other) - 1} celler til med feil)" if len(other) > 1 else ""
        problems.append(_problem(sub, ERROR, f"celle {cell}: {ename}: {evalue[:200]}{more}"))
    if OUTPUT_CUT_NOTE in res.note:
        problems.append(_problem(sub, FLOOD, f"skrev mer enn {MAX_OUTPUT // 1000} kB utdata; resten ble ikke lagret"))
    return problems


def _cell_errors(executed: Path) -> list[tuple[int, str, str]]:
    """``(cell number from 1, exception name, first line of its message)`` of each cell that raised."""
    if executed.stat().st_size > MAX_NOTEBOOK_BYTES + 4 * MAX_OUTPUT:
        return []
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return []
    found = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
            if isinstance(output, dict) and output.get("output_type") == "error":
                first = next((line for line in str(output.get("evalue", "")).splitlines() if line.strip()), "")
                found.append((number, str(output.get("ename", "")), first.strip()))
                break
    return found


def _read_log(path: Path, nb: str | None) -> dict[str, dict]:
    """Exercise id → the last record of ``nb`` in a check log. The student's code could write to that file, so
    it is read with a bound, and lines that are no record of the form the checks write are skipped."""
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        text = fh.read(MAX_LOG_BYTES).decode("utf-8", "replace")
    last: dict[str, dict] = {}
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if (isinstance(record, dict) and record.get("notebook") == nb and isinstance(record.get("exercise"), str)
                and isinstance(record.get("passed"), bool)):
            last[record["exercise"]] = record
    return last


def _rows(sub: Submission, log: dict[str, dict], problems: list[Problem], settings: _Settings) -> list[Row]:
    """One row per checkable exercise of the notebook (passed/failed or "ikke kjørt"), then one per problem."""
    nb = sub.notebook or ""
    stopped = next((p for p in problems if p.kind in STOPPING), None)
    not_run = f"{NOT_RUN} ({stopped.kind})" if stopped else NOT_RUN
    rows = []
    for exercise in settings.exercises.get(nb, []):
        record = log.get(exercise)
        if record is None:
            rows.append(Row(sub.student, nb, exercise, False, not_run))
        else:
            rows.append(Row(sub.student, nb, exercise, record["passed"], str(record.get("message", ""))[:500]))
    rows += [Row(sub.student, nb, SUBMISSION_ROW, None, f"{p.kind}: {p.message}") for p in problems]
    return rows


# ----------------------------------------------------------------------------- processes


def sweep(tag: str) -> int:
    """Kill every process of this user whose environment carries ``DYPLAB_GRADE_RUN=<tag>`` (or a tag that starts
    with ``tag-``): the last net for a process of a submission that left its process tree. Returns the count."""
    import psutil

    wanted = f"{TAG}={tag}".encode()
    killed = 0
    for _ in range(10):
        found = []
        for proc in psutil.process_iter(["pid"]):
            if proc.pid == os.getpid():
                continue
            try:
                with open(f"/proc/{proc.pid}/environ", "rb") as fh:
                    environ = fh.read().split(b"\0")
            except OSError:
                try:
                    environ = [f"{k}={v}".encode() for k, v in proc.environ().items()]
                except psutil.Error:
                    continue
            if any(e == wanted or e.startswith(wanted + b"-") for e in environ):
                found.append(proc)
        if not found:
            break
        for proc in found:
            try:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            except psutil.Error:
                pass
        psutil.wait_procs(found, timeout=5)
    return killed


# ----------------------------------------------------------------------------- the whole folder


def grade(folder: str | Path, *, out: str | Path | None = None, jobs: int | None = None,
          timeout: float = DEFAULT_TIMEOUT, memory_mb: int | None = DEFAULT_MEMORY_MB,
          profile: str = DEFAULT_PROFILE, echo: Callable[[str], None] = print) -> Grading:
    """Grade every submission in ``folder`` and write ``karakterer.csv``, ``.html`` and ``.json`` to ``out``.

    ``jobs`` submissions run at once (default: one per core); each gets ``timeout`` seconds and ``memory_mb`` MB
    of address space (``None`` or 0: no limit) and runs in ``profile``. Student code never runs in this process.
    """
    import sys

    from .. import config
    from .checks import exercises

    if not sys.platform.startswith(("linux", "darwin")):
        raise ValueError("dyplab grade needs Linux or macOS (process limits); on Windows, use WSL")
    if profile not in config.PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(config.PROFILES)}")
    if jobs is not None and jobs < 1:
        raise ValueError(f"--jobs must be at least 1, not {jobs}")
    if timeout <= 0:
        raise ValueError(f"--timeout must be positive, not {timeout}")
    start = time.perf_counter()
    out_dir = Path(out) if out is not None else default_dir()
    subs, found = find_submissions(Path(folder), exclude=out_dir)
    if not subs and not found:
        raise ValueError(f"{folder}: ingen innleveringer funnet (ventet <elev>/<notebook>.ipynb eller "
                         "<elev>_<notebook>.ipynb; se `dyplab grade --help`)")
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs or os.cpu_count() or 1, max(1, len(subs))))
    work = Path(tempfile.mkdtemp(prefix="dyplab-grade-"))
    executed = out_dir / EXECUTED
    if executed.is_dir():
        shutil.rmtree(executed)  # copies of an earlier grading: they would no longer match the rows
    settings = _Settings(profile=profile, timeout=float(timeout), memory_mb=memory_mb or None,
                         threads=max(1, (os.cpu_count() or 1) // jobs), work=work, executed=executed,
                         exercises={nb: exercises(nb) for nb in {s.notebook for s in subs if s.notebook}},
                         run_tag=f"{uuid.uuid4().hex}")
    echo(f"Retter {len(subs)} innleveringer fra {folder} ({jobs} om gangen, profil {profile}, "
         f"tidsgrense {timeout:.0f} s, minnegrense {f'{memory_mb} MB' if memory_mb else 'ingen'}) ...")
    outcomes: list[Outcome] = []
    try:
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="dyplab-grade") as pool:
            futures = [pool.submit(_grade_safely, sub, i, settings) for i, sub in enumerate(subs)]
            try:
                for n, future in enumerate(as_completed(futures), start=1):
                    outcome = future.result()
                    outcomes.append(outcome)
                    echo(_progress(n, len(subs), outcome))
            except BaseException:  # Ctrl+C: no new runs, and every process of the running ones ends now
                settings.stop.set()
                for f in futures:
                    f.cancel()
                sweep(settings.run_tag)
                raise
    finally:
        if settings.stop.is_set():
            sweep(settings.run_tag)
        shutil.rmtree(work, ignore_errors=True)
    rows = [r for o in outcomes for r in o.rows]
    rows += [Row(p.student, p.notebook, SUBMISSION_ROW, None, f"{p.kind}: {p.message}") for p in found]
    rows.sort(key=lambda r: _row_order(r, settings.exercises))
    problems = sorted(found + [p for o in outcomes for p in o.problems], key=lambda p: (p.student, p.notebook))
    seconds = time.perf_counter() - start
    summary = _summary(rows, problems, len(subs) + sum(p.kind in (UNKNOWN, NOT_NOTEBOOK) for p in found),
                       settings, seconds)
    files = _write(out_dir, rows, problems, summary)
    return Grading(rows, problems, summary["submissions"], summary, files, seconds)


def _progress(n: int, total: int, outcome: Outcome) -> str:
    sub = outcome.submission
    checked = [r for r in outcome.rows if r.passed is not None]
    text = f"  [{n}/{total}] {sub.student} {sub.notebook}: {sum(bool(r.passed) for r in checked)}/{len(checked)} " \
           f"bestått ({outcome.seconds:.1f} s)"
    return text + "".join(f"; {p.kind}" for p in outcome.problems)


def _row_order(row: Row, exercises: dict[str, list[str]]) -> tuple:
    order = exercises.get(row.notebook, [])
    position = order.index(row.exercise) if row.exercise in order else len(order)
    return (row.student, row.notebook, position, row.message)


def _summary(rows: list[Row], problems: list[Problem], submissions: int, settings: _Settings,
             seconds: float) -> dict:
    """The machine-readable summary (``karakterer.json``; the course report reads it with :func:`load_summary`)."""
    notebooks: dict[str, dict[str, dict[str, int]]] = {}
    for nb in sorted(settings.exercises):
        counts = notebooks.setdefault(nb, {})
        for exercise in settings.exercises[nb]:
            own = [r for r in rows if r.notebook == nb and r.exercise == exercise]
            counts[exercise] = {"passed": sum(bool(r.passed) for r in own), "total": len(own)}
    return {
        "notebooks": notebooks,
        "submissions": submissions,
        "problems": [asdict(p) for p in problems],
        "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "settings": {"profile": settings.profile, "timeout_s": settings.timeout, "memory_mb": settings.memory_mb,
                     "max_output_bytes": MAX_OUTPUT},
        "seconds": round(seconds, 1),
    }


# ----------------------------------------------------------------------------- output files


def _write(out_dir: Path, rows: list[Row], problems: list[Problem], summary: dict) -> dict[str, Path]:
    from ..io import write_atomic

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([r.student, r.notebook, r.exercise, "" if r.passed is None else ("ja" if r.passed else "nei"),
                         r.message])
    texts = {"csv": buf.getvalue(), "html": _html(rows, problems, summary),
             "json": json.dumps(summary, indent=2, ensure_ascii=False)}
    files = {}
    for key, text in texts.items():
        path = out_dir / FILES[key]
        if not write_atomic(path, lambda fh, t=text: fh.write(t.encode("utf-8"))):
            raise OSError(f"could not write {path}; check that {out_dir} is writable")
        files[key] = path
    return files


_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f2f2f2}.bar{display:inline-block;height:.8em;background:#3a7;vertical-align:middle}
.num{text-align:right}.ok{color:#176b35}.no{color:#a11}.muted{color:#777}"""


def _html(rows: list[Row], problems: list[Problem], summary: dict) -> str:
    """A static page (no scripts, nothing from the internet); every text from a submission is escaped."""
    e = html.escape
    s = summary["settings"]
    limits = (f"profil {e(s['profile'])}, tidsgrense {s['timeout_s']:.0f} s og minnegrense "
              f"{str(s['memory_mb']) + ' MB' if s['memory_mb'] else 'ingen'} per innlevering")
    parts = [f"<!doctype html><html lang=\"no\"><head><meta charset=\"utf-8\"><title>Retting – dyplab grade</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>Retting: {summary['submissions']} innleveringer</h1>",
             f"<p>Rettet {e(summary['created'][:16].replace('T', ' '))} på {summary['seconds']:.1f} s ({limits}). "
             f"Hele tabellen: "
             f"<a href=\"{FILES['csv']}\">{FILES['csv']}</a>.</p>"]
    for nb, counts in summary["notebooks"].items():
        parts.append(f"<h2>{e(nb)}</h2>")
        if not counts:
            parts.append("<p class=\"muted\">Ingen automatiske sjekker i denne notebooken.</p>")
            continue
        parts.append("<table><tr><th>Oppgave</th><th>Bestått</th><th>Av</th><th>Andel</th></tr>")
        for exercise, c in counts.items():
            share = c["passed"] / c["total"] if c["total"] else 0.0
            parts.append(f"<tr><td>{e(exercise)}</td><td class=\"num\">{c['passed']}</td><td class=\"num\">"
                         f"{c['total']}</td><td><span class=\"bar\" style=\"width:{share * 10:.1f}em\"></span> "
                         f"{share * 100:.0f} %</td></tr>")
        parts.append("</table>")
        parts.append(_student_table(nb, list(counts), rows))
    parts.append(f"<h2>Innleveringer med problemer ({len(problems)})</h2>")
    if problems:
        parts.append("<table><tr><th>Student</th><th>Notebook</th><th>Fil</th><th>Problem</th></tr>")
        parts += [f"<tr><td>{e(p.student)}</td><td>{e(p.notebook)}</td><td>{e(p.file)}</td><td><b>{e(p.kind)}</b>: "
                  f"{e(p.message)}</td></tr>" for p in problems]
        parts.append("</table>")
    else:
        parts.append("<p>Ingen.</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _student_table(nb: str, exercises: list[str], rows: list[Row]) -> str:
    e = html.escape
    by_student: dict[str, dict[str, Row]] = {}
    for r in rows:
        if r.notebook == nb and r.exercise in exercises:
            by_student.setdefault(r.student, {})[r.exercise] = r
    head = "".join(f"<th>{e(x)}</th>" for x in exercises)
    body = []
    for student, own in sorted(by_student.items()):
        cells = []
        for x in exercises:
            r = own.get(x)
            mark = ("<span class=\"ok\">✓</span>" if r.passed else
                    "<span class=\"muted\">–</span>" if r.message.startswith(NOT_RUN) else
                    "<span class=\"no\">✗</span>") if r else ""
            cells.append(f"<td title=\"{e(r.message) if r else ''}\">{mark}</td>")
        body.append(f"<tr><td>{e(student)}</td>{''.join(cells)}</tr>")
    return (f"<details><summary>Per student ({len(by_student)})</summary><table><tr><th>Student</th>{head}</tr>"
            + "".join(body) + "</table><p class=\"muted\">✓ bestått, ✗ ikke bestått, – ikke kjørt; hold musen over "
            "et merke for meldingen.</p></details>")


def load_summary(path: str | Path | None = None) -> dict | None:
    """The summary of the last ``dyplab grade`` (``karakterer.json``), or ``None`` when there is none.

    ``path`` is the file or its folder; default ``results/grading/karakterer.json`` under ``DYPLAB_RESULTS_DIR``.
    The dict holds ``{"notebooks": {"A1": {"A1.1": {"passed": n, "total": m}, ...}}, "submissions": N,
    "problems": [{"student", "notebook", "file", "kind", "message"}, ...]}`` (and when and how it was graded).
    A file that is not valid JSON is a ``ValueError`` naming it.
    """
    path = Path(path) if path is not None else default_dir()
    if path.is_dir():
        path = path / FILES["json"]
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); run `dyplab grade` again") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object from `dyplab grade`")
    return data
