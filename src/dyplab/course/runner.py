"""Run course notebooks headless and write executed copies and their offline HTML.

:func:`execute_notebook` runs one notebook (:func:`execute_isolated` in a process of its own);
:func:`resolve_targets` turns ``A6``, ``A`` (a part), ``core`` (the priority-1 path B1, B2, A1, A5, A6, B3, B4)
or ``all`` into notebooks. ``dyplab run`` (:func:`dyplab.course.batch.run`) runs several and updates the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import check_targets, notebook_id, notebooks_dir  # noqa: F401 - runner.check_targets stays (tests, scripts)
from .catalog import sort_key as _sort_key
from .stall import Stall, StallWatch, poll_in_slices

STALL_PROBE_AFTER = 10.0  # seconds a cell waits for its reply before the kernel is asked whether it is free
STALL_GRACE = 30.0  # seconds the reply may take to arrive after the kernel said it is free
OUTPUT_CUT_NOTE = "utdata avkortet"  # in RunResult.note when a run wrote more output than ``max_output`` allows

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
    note: str = ""  # e.g. that the notebook was started again after a stall


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


def execute_notebook(
    path: Path,
    *,
    profile: str = "class",
    output_dir: Path | None = None,
    timeout: int = 1800,
    html: bool = True,
    results_dir: Path | None = None,
    stall_after: tuple[float, float] = (STALL_PROBE_AFTER, STALL_GRACE),
    echo: Callable[[str], None] = print,
    allow_errors: bool = False,
    max_output: int | None = None,
) -> RunResult:
    """Execute one notebook in a fresh kernel with ``DYPLAB_PROFILE=profile``.

    The executed copy (and an HTML export) go to ``output_dir``; the source notebook is never
    modified. The notebook records its results in ``results_dir`` (default: ``DYPLAB_RESULTS_DIR`` or
    ``./results``). Errors are caught and reported in the :class:`RunResult`. A run that waits for a reply the
    kernel has already finished with (a lost message, see :mod:`dyplab.course.stall`; ``stall_after`` =
    seconds before the kernel is asked, seconds of grace after it answered) is started again once, and
    ``echo`` says so. Ctrl+C ends the run with ``KeyboardInterrupt`` after the kernel is shut down.
    ``allow_errors`` runs on past a cell that raises (its error stays in the executed copy); ``max_output`` keeps at
    most that many bytes of output in the executed copy and drops the rest, with a note (grading: a flood of output
    must not fill the memory of the process that runs the notebook).
    """
    import nbformat

    path = Path(path).resolve()
    env = {
        **os.environ,
        "DYPLAB_PROFILE": profile,
        "DYPLAB_PROGRESS": "0",  # nobody watches a headless run; keep the reports free of progress bars
        "DYPLAB_RESULTS_DIR": str(Path(results_dir or os.environ.get("DYPLAB_RESULTS_DIR") or "results").resolve()),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    start = time.perf_counter()
    stalls: list[str] = []
    while True:
        nb = nbformat.read(path, as_version=4)
        status, error, stall, cut = _execute_once(nb, path, env, timeout, stall_after, allow_errors, max_output)
        if stall is None:
            break
        where = f"celle {stall.cell_index + 1}" if stall.cell_index >= 0 else "oppstarten"  # counted from 1
        stalls.append(f"{where} ventet {stall.waited:.0f} s, kjernen ledig i {stall.idle:.0f} s")
        if len(stalls) == 2:
            status, error = "failed", f"stoppet opp to ganger uten svar fra kjernen ({'; '.join(stalls)})"
            break
        echo(f"  {path.name} stoppet opp: kjernen var ferdig, men svaret kom aldri fram ({stalls[-1]}). "
             "Starter notatboken på nytt (én gang).")
    seconds = time.perf_counter() - start
    note = f"startet på nytt etter at den stoppet opp ({stalls[0]})" if len(stalls) == 1 else ""
    if cut:
        note = "; ".join(filter(None, [note, f"{OUTPUT_CUT_NOTE} etter {max_output // 1000} kB"]))

    executed_path = html_path = None
    if output_dir is not None:
        output_dir = Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        executed_path = output_dir / path.name
        nbformat.write(nb, executed_path)
        if html:
            from .offline_html import export_html

            html_path = export_html(nb, output_dir / f"{path.stem}.html")
    return RunResult(notebook_id(path), status, seconds, executed_path, html_path, error, note)


def _client_class() -> type:
    """``NotebookClient`` that polls its shell channel in slices (:func:`dyplab.course.stall.poll_in_slices`: a
    lost wake-up no longer hangs the run) and whose kernel clean-up runs once, however many times it is asked for.

    On Ctrl+C nbclient's own signal handler starts a clean-up while the run's ``finally`` starts another; the two
    shut the same kernel down at once and one of them fails with a traceback printed after "Avbrutt.".
    """
    from nbclient import NotebookClient
    from nbclient.util import run_sync

    class CourseClient(NotebookClient):
        _cleanup_task: asyncio.Task | None = None
        max_output: int | None = None  # bytes of output kept (None: all)
        output_cut = False
        _output_kept = 0

        def process_message(self, msg: dict, cell: Any, cell_index: int) -> Any:
            """Drop outputs past ``max_output`` bytes (one note per cell says so); errors are kept, shortened."""
            if self.max_output is None or msg["msg_type"] not in _OUTPUT_TYPES:
                return super().process_message(msg, cell, cell_index)
            if msg["msg_type"] == "error":
                msg = {**msg, "content": _short_traceback(msg["content"])}
            size = _output_size(msg["content"])
            if msg["msg_type"] != "error" and self._output_kept + size > self.max_output:
                if not any(o.get("metadata", {}).get("dyplab") == OUTPUT_CUT_NOTE for o in cell.outputs):
                    cell.outputs.append(_cut_output(self.max_output))
                self.output_cut = True
                return None
            self._output_kept += size
            return super().process_message(msg, cell, cell_index)

        async def async_start_new_kernel_client(self) -> Any:
            kc = await super().async_start_new_kernel_client()
            poll_in_slices(kc.shell_channel)
            return kc

        async def _async_cleanup_kernel(self) -> None:
            if self._cleanup_task is None:
                if self.km is None:
                    return
                self._cleanup_task = asyncio.ensure_future(super()._async_cleanup_kernel())
            await asyncio.shield(self._cleanup_task)

        _cleanup_kernel = run_sync(_async_cleanup_kernel)  # what nbclient registers with atexit

    return CourseClient


_OUTPUT_TYPES = frozenset({"stream", "display_data", "execute_result", "update_display_data", "error"})


def _output_size(content: dict) -> int:
    """Bytes (roughly) that an output message adds to the notebook."""
    parts = [content.get("text", ""), content.get("evalue", ""), *content.get("traceback", []),
             *(v if isinstance(v, str) else str(v) for v in (content.get("data") or {}).values())]
    return sum(len(p) for p in parts)


def _short_traceback(content: dict, lines: int = 30, chars: int = 2000) -> dict:
    """An error's content with its message and traceback shortened (the last ``lines`` lines, ``chars`` each)."""
    return {**content, "evalue": str(content.get("evalue", ""))[:chars],
            "traceback": [str(t)[:chars] for t in content.get("traceback", [])[-lines:]]}


def _cut_output(limit: int) -> Any:
    import nbformat

    out = nbformat.v4.new_output("stream", name="stderr",
                                 text=f"[{OUTPUT_CUT_NOTE}: mer enn {limit // 1000} kB utdata; resten er ikke lagret]\n")
    out.metadata = {"dyplab": OUTPUT_CUT_NOTE}
    return out


def _execute_once(nb: Any, path: Path, env: dict, timeout: int, stall_after: tuple[float, float],
                  allow_errors: bool = False, max_output: int | None = None) -> tuple[str, str, Stall | None, bool]:
    """Run ``nb`` once, in place: ``(status, error, stall, output cut)``; raises ``KeyboardInterrupt`` on Ctrl+C."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    watch = StallWatch(probe_after=stall_after[0], grace=stall_after[1])
    client = _client_class()(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                             resources={"metadata": {"path": str(path.parent)}}, **watch.hooks())
    client.max_output = max_output
    status, error = "ok", ""
    with _sigint_flag() as interrupted, watch.running(client):
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
    if watch.stalled is not None and status != "ok":
        return status, error, watch.stalled, client.output_cut
    return status, error, None, client.output_cut


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
    if type(exc).__name__ == "CellTimeoutError" and text:  # its first line says it; then comes the cell's code
        return f"CellTimeoutError: {text[0]}"[:500]
    return " | ".join(text[-3:])[:500]


def execute_isolated(path: Path, *, profile: str, results_dir: Path, wall_timeout: float = 900,
                     env: dict | None = None, stall_after: tuple[float, float] = (STALL_PROBE_AFTER, STALL_GRACE),
                     memory_mb: int | None = None, output_dir: Path | None = None, cell_timeout: int = 600,
                     allow_errors: bool = False, max_output: int | None = None) -> RunResult:
    """:func:`execute_notebook` in a fresh Python process, with a wall-clock limit (for test suites and grading).

    The run then shares nothing with whatever else ran in the calling process. A lost reply is handled inside,
    as in ``dyplab run`` (the notebook is started again once); ``wall_timeout`` only bounds the whole run: past
    it the process gets Ctrl+C (which shuts its kernel down), then is killed, and the run is a failure.

    The process leads a session of its own and (on Linux) adopts every orphan of its kernel's processes, and every
    process it leaves is ended with it: no process of the run outlives it (see :func:`end_descendants`).
    ``memory_mb`` caps the address space of that process and so of its kernel (``RLIMIT_AS``, POSIX);
    ``output_dir`` receives the executed copy; ``cell_timeout``, ``allow_errors`` and ``max_output`` go to
    :func:`execute_notebook`. Its own output is read with a bound, so a flood costs the caller no memory.
    """
    import json
    import subprocess
    import sys

    options = {"path": str(path), "profile": profile, "results_dir": str(results_dir), "stall_after": stall_after,
               "memory_mb": memory_mb, "output_dir": str(output_dir) if output_dir else None,
               "timeout": cell_timeout, "allow_errors": allow_errors, "max_output": max_output}
    cmd = [sys.executable, "-c", "import sys\nfrom dyplab.course import runner\nrunner._isolated_child(sys.argv[1])",
           json.dumps(options)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            errors="replace", start_new_session=True,
                            preexec_fn=_ctrl_c_enabled if os.name == "posix" else None)
    out, err = _Tail(proc.stdout, marker="DYPLAB-RESULT "), _Tail(proc.stderr)
    try:
        try:
            proc.wait(timeout=wall_timeout)
        except subprocess.TimeoutExpired:
            _stop(proc, grace=60)
            return RunResult(notebook_id(path), "failed", wall_timeout,
                             error=f"no result after {wall_timeout:.0f} s")
        except BaseException:  # Ctrl+C or an error here: the run (in its own session) must not outlive it
            _stop(proc, grace=10)
            raise
    finally:  # the process has ended its own descendants (or _stop did); anything left in its group goes now
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        out.join(), err.join()
    if out.marked is None:
        return RunResult(notebook_id(path), "failed", 0.0, error=f"runner process failed: {err.text()[-2000:]}")
    res = json.loads(out.marked.removeprefix("DYPLAB-RESULT "))
    return RunResult(notebook_id(path), res["status"], res["seconds"], executed=Path(res["executed"]) if
                     res["executed"] else None, error=res["error"], note=res["note"])


def _isolated_child(options: str) -> None:
    """The process of :func:`execute_isolated`: limits, the run, the end of every process it left, the result."""
    import json

    opts = json.loads(options)
    memory_mb = opts.pop("memory_mb")
    if memory_mb:
        import resource

        limit = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # inherited by the kernel and all it starts
    _adopt_orphans()
    try:
        r = execute_notebook(Path(opts.pop("path")), results_dir=Path(opts.pop("results_dir")), html=False,
                             output_dir=Path(o) if (o := opts.pop("output_dir")) else None,
                             stall_after=tuple(opts.pop("stall_after")), **opts)
    finally:
        end_descendants(os.getpid())
    print("DYPLAB-RESULT " + json.dumps({"status": r.status, "seconds": r.seconds, "error": r.error, "note": r.note,
                                         "executed": str(r.executed) if r.executed else None}), flush=True)


def _adopt_orphans() -> bool:
    """Make this process the "child subreaper" of its descendants (Linux): a process whose parent ends is adopted
    by this one instead of by init, so :func:`end_descendants` still finds it. False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    pr_set_child_subreaper = 36
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(pr_set_child_subreaper, 1, 0, 0, 0) == 0


def end_descendants(pid: int, *, include_self: bool = False, rounds: int = 20) -> int:
    """Stop, then kill, every living descendant of process ``pid`` (and ``pid`` last, with ``include_self``);
    returns how many were killed. Stopped first, so none can start new ones while the tree is walked."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return 0
    stopped: dict[int, psutil.Process] = {}
    for _ in range(rounds):
        try:
            found = [p for p in root.children(recursive=True) if p.pid not in stopped]
        except psutil.Error:
            break
        found = [p for p in found if _alive(p)]
        if not found:
            break
        for proc in found:
            with contextlib.suppress(psutil.Error):
                proc.suspend()
                stopped[proc.pid] = proc
    for proc in stopped.values():
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if include_self:
        with contextlib.suppress(psutil.Error):
            root.kill()
    psutil.wait_procs(list(stopped.values()), timeout=5)
    return len(stopped)


def _alive(proc: Any) -> bool:
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _stop(proc: Any, grace: float) -> None:
    """Ctrl+C to ``proc`` (its kernel is shut down), then, after ``grace`` seconds, the end of it and its tree."""
    import subprocess

    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        end_descendants(proc.pid, include_self=True)
        proc.wait()


class _Tail:
    """Read a text stream to its end in a thread, keeping its last ``keep`` characters and the last line that
    starts with ``marker``: a process that writes without end costs the reader no memory."""

    def __init__(self, stream: Any, marker: str | None = None, keep: int = 20000) -> None:
        from collections import deque

        self.marked: str | None = None
        self._marker, self._keep, self._parts = marker, keep, deque()
        self._size = 0
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in iter(lambda: stream.readline(65536), ""):
            if self._marker and line.startswith(self._marker):
                self.marked = line.strip()
            self._parts.append(line)
            self._size += len(line)
            while self._size > self._keep and len(self._parts) > 1:
                self._size -= len(self._parts.popleft())
        stream.close()

    def join(self) -> None:
        self._thread.join(timeout=30)

    def text(self) -> str:
        return "".join(self._parts)


def _ctrl_c_enabled() -> None:
    """In a child process before it starts: Ctrl+C (SIGINT) back to its default, so that the child can be stopped
    with it even when this process was started with SIGINT ignored (in the background of a shell)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
